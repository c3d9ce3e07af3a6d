"""The benchmark's judging rules (bench/run.py): what fails a run and what is only reported."""

import pytest

from bench.run import cli_bound, exit_status, verdict


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
