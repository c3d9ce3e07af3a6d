"""The benchmark's judging rules (bench/run.py): what fails a run and what is only reported."""

import pytest

from bench.olt_cli import cli_bound
from bench.run import exit_status, verdict


def test_cli_bound_follows_the_olts_settings():
    # 100 requests, 4 logins at a time: 25 rounds of a 2 s login + 4 preparation + 4 read
    # commands at 0.3 s; one kept session: one login + 4 preparation + 20 ONUs x 4 commands.
    assert cli_bound(2.0, 0.3, 4, 4, 100, 20, 4) == pytest.approx(25 * 4.4 / 27.2)
    # slower logins or a lower login limit make the kept session worth more
    assert cli_bound(5.0, 0.3, 4, 4, 100, 20, 4) > cli_bound(2.0, 0.3, 4, 4, 100, 20, 4)
    assert cli_bound(2.0, 0.3, 4, 4, 100, 20, 2) > cli_bound(2.0, 0.3, 4, 4, 100, 20, 4)


def test_reported_figures_never_fail_the_run_judged_ones_do():
    reported_miss = {"ok": False, "judged": False}
    judged_met = {"ok": True, "judged": True}
    judged_miss = {"ok": False, "judged": True}
    assert exit_status([reported_miss, judged_met]) == 0
    assert exit_status([reported_miss, judged_miss]) == 1
    assert verdict(reported_miss) == "reported"
    assert verdict(judged_met) == "met"
    assert verdict(judged_miss) == "**missed**"


def test_a_login_per_request_read_sends_interface_mode_blocks_as_their_lines():
    """The baseline client of the OLT CLI benchmark once passed a mode block to
    CliSession.run (TypeError: argument of type 'InMode' is not iterable)."""
    from bench.olt_cli import sent_lines
    from ponapi.olt.location import Location
    from ponapi.olt.platforms import platform_for

    lines = sent_lines(platform_for("huawei").read(Location(0, 1, 2, 3)))
    assert all(isinstance(line, str) for line in lines)
    assert lines[-6:] == [
        "config",
        "interface gpon 0/1",
        "display ont optical-info 2 3",
        "display ont port state 2 3 eth-port all",
        "quit",
        "quit",
    ]


async def test_the_baseline_client_reads_a_simulated_olt_over_ssh():
    from bench.olt_cli import read_per_login
    from ponapi.olt.location import Location
    from ponapi.olt.session import Target
    from ponapi.sim.olt import OltSim, demo_onus

    sim = OltSim(password="pw", onus=demo_onus("huawei", 1))
    port = await sim.start_ssh()
    try:
        u = sim.onus[0]
        target = Target("127.0.0.1", port, "ssh", "noc", "pw", "huawei")
        outputs = await read_per_login(target, Location(u.frame, u.slot, u.port, u.ont_id))
    finally:
        await sim.stop()
    assert len(outputs) == 11 and sim.logins == 1
    assert "Rx optical power(dBm)" in outputs[7] and "LinkState" in outputs[8]


def test_smoke_mode_is_chosen_by_flag_or_environment(monkeypatch):
    from bench.run import smoke_requested

    monkeypatch.delenv("BENCH_SMOKE", raising=False)
    assert not smoke_requested([])
    assert smoke_requested(["--smoke"])
    monkeypatch.setenv("BENCH_SMOKE", "1")
    assert smoke_requested([])
    monkeypatch.setenv("BENCH_SMOKE", "0")
    assert not smoke_requested([])


def test_the_smoke_plan_is_shorter_everywhere_and_reads_every_device():
    from dataclasses import fields

    from bench.plan import FULL, SMOKE

    for f in fields(FULL):
        if f.name != "smoke":
            assert 0 < getattr(SMOKE, f.name) <= getattr(FULL, f.name), f.name
    assert SMOKE.cold_reads % 3 == 0 and FULL.cold_reads % 3 == 0  # three devices in turn


def test_smoke_results_are_printed_never_judged(capsys):
    from bench import run
    from bench.plan import FULL, SMOKE, use

    use(SMOKE)
    try:
        run.record("x", "1 ms", "< 0 ms", False)
    finally:
        use(FULL)
        run.RESULTS.pop()
    assert "[SMOKE] x: 1 ms" in capsys.readouterr().out


def test_the_report_lists_every_result(tmp_path):
    from datetime import UTC, datetime

    from bench.report import write_doc

    results = [
        {"name": "a", "measured": "1", "target": "1", "ok": True, "judged": True},
        {"name": "b", "measured": "2", "target": "< 1", "ok": False, "judged": False},
    ]
    doc = tmp_path / "benchmarks.md"
    write_doc(results, datetime(2026, 1, 2, 3, 4, tzinfo=UTC), 12.0, doc)
    text = doc.read_text()
    assert "| a | 1 | 1 | met | - |" in text and "| b | 2 | < 1 | reported | - |" in text
    assert "2026-01-02 03:04 UTC, 12 s" in text


def test_each_headline_figure_is_compared_with_the_previous_run(tmp_path):
    import json
    from datetime import UTC, datetime

    from bench.report import write_doc

    doc = tmp_path / "benchmarks.md"
    (tmp_path / "benchmarks.json").write_text(
        json.dumps({"run": "2026-01-01 00:00 UTC", "figures": {"cpu": 0.48, "cold": 9.7}})
    )

    def row(name: str, key: str, value: float, better: str) -> dict[str, object]:
        return {
            "name": name,
            "measured": str(value),
            "target": "t",
            "ok": True,
            "judged": True,
            "key": key,
            "value": value,
            "better": better,
        }

    results = [
        row("cpu", "cpu", 0.63, "higher"),
        row("cold", "cold", 11.0, "lower"),
        row("same", "cpu", 0.49, "higher"),
        row("new", "new", 3.0, "lower"),
    ]
    write_doc(results, datetime(2026, 1, 2, 3, 4, tzinfo=UTC), 12.0, doc)
    text = doc.read_text()
    assert "the previous run, 2026-01-01 00:00 UTC;" in text
    assert "| 0.48 -> 0.63, better |" in text
    assert "| 9.7 -> 11, worse |" in text
    assert "| 0.48 -> 0.49, same |" in text
    assert "| first run |" in text
    # This run's figures are what the next run compares with.
    saved = json.loads((tmp_path / "benchmarks.json").read_text())
    assert saved["run"] == "2026-01-02 03:04 UTC"
    assert saved["figures"]["new"] == 3.0


def test_a_missing_or_unreadable_previous_run_gives_no_trend(tmp_path):
    from bench.report import previous_figures

    assert previous_figures(tmp_path / "none.json") == ("", {})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert previous_figures(bad) == ("", {})


def test_where_the_time_goes_lists_each_step_of_both_reads(tmp_path):
    from datetime import UTC, datetime

    from bench.report import write_doc

    rows = [
        ("cold", "NBI read", 5.5, "ms", False),
        ("cold", "JSON parse", 1.75, "ms", True),
        ("cached", "the kept answer", 16.0, "us", False),
    ]
    doc = tmp_path / "benchmarks.md"
    write_doc([], datetime(2026, 1, 2, tzinfo=UTC), 1.0, doc, breakdown=rows)
    text = doc.read_text()
    assert "## Where the time goes" in text
    assert "| NBI read | 5.50 ms |" in text and "| - JSON parse | 1.75 ms |" in text
    assert "| the kept answer | 16 us |" in text
    assert text.index("A cold full-screen read") < text.index("A cached full-screen read")
