"""ponapi benchmarks: each figure is a ratio or a count against a baseline measured in the same
run. Prints what it measured, writes docs/benchmarks.md, exits 1 when a judged target is missed
(some figures are reported without a target to judge: the saturated latency, the cold ACS
overhead; see bench/report.py for why).

    make bench            (or: .venv/bin/python -m bench.run)
    make bench-smoke      (or: .venv/bin/python -m bench.run --smoke, or BENCH_SMOKE=1): every
                          benchmark for a few seconds, figures printed, no target judged,
                          nothing written; exits 0 unless a benchmark crashes
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ponapi.bootstrap import create_user
from ponapi.config import Settings
from ponapi.db.migrate import upgrade
from ponapi.db.models import Role
from ponapi.main import create_app
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents

from .plan import FULL, SMOKE, plan, use

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-0123456789abcdefghijklmnop"
RESULTS: list[dict[str, Any]] = []
# Where the time goes (bench.breakdown): (read, step, figure, unit, indented) rows.
BREAKDOWN: list[tuple[str, str, float, str, bool]] = []
WORKERS = os.cpu_count() or 1  # benchmark 1: one uvicorn worker per core
# The sections of the first stats screen, before the full screen: the cold read's figure
# comparable across releases.
FIVE_SECTIONS = "general,ipInterface11,ipInterface21,wirelessLan,wifiSurvey"
_DB_NUMBERS = itertools.count()


def record(
    name: str,
    measured: str,
    target: str,
    ok: bool,
    *,
    judged: bool = True,
    key: str = "",
    value: float | None = None,
    better: str = "lower",
) -> None:
    """One result. ``judged=False``: reported against its goal, never a failure. ``key`` and
    ``value`` (``better``: "lower" or "higher") are the row's headline figure, compared with
    the previous run's in docs/benchmarks.md (the trend column)."""
    RESULTS.append(
        {
            "name": name,
            "measured": measured,
            "target": target,
            "ok": ok,
            "judged": judged,
            "key": key,
            "value": value,
            "better": better,
        }
    )
    if plan().smoke:
        verdict = "SMOKE"
    else:
        verdict = ("PASS" if ok else "MISS") if judged else "INFO"
    print(f"[{verdict}] {name}: {measured} (target: {target})", flush=True)


def breakdown(read: str, step: str, figure: float, unit: str, *, indent: bool = False) -> None:
    """One step of a read and its CPU time (docs/benchmarks.md: where the time goes)."""
    BREAKDOWN.append((read, step, figure, unit, indent))
    print(f"  [{read}] {'  ' if indent else ''}{step}: {figure:.2f} {unit}", flush=True)


def verdict(result: dict[str, Any]) -> str:
    if not result["judged"]:
        return "reported"
    return "met" if result["ok"] else "**missed**"


async def wait_ready(
    c: httpx.AsyncClient, proc: asyncio.subprocess.Process, what: str, seconds: float = 60
) -> None:
    """Wait for a started server's ``/healthz``; a loaded machine may take many seconds to
    start its workers. Raises if the process exits or the time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if (await c.get("/healthz")).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{what} did not answer /healthz in {seconds:.0f} s")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seeded_app(tmp: Path, **settings_kw: Any):  # type: ignore[no-untyped-def]
    db = tmp / f"bench-{next(_DB_NUMBERS)}.db"
    settings = Settings(
        _env_file=None,
        secret_key=SECRET,
        database_url=f"sqlite+aiosqlite:///{db}",
        data_dir=tmp,
        **{"rate_limit_stats_per_minute": 100_000, **settings_kw},  # one user, many requests
    )  # type: ignore[call-arg]
    await asyncio.to_thread(upgrade, settings.database_url)
    app = create_app(settings)
    return app, settings


async def register_olt(c: httpx.AsyncClient, h: dict[str, str], **fields: Any) -> int:
    """A Huawei OLT named "b" on loopback, with these fields on top; returns its id."""
    body = {"name": "b", "brand": "huawei", "host": "127.0.0.1", **fields}
    r = await c.post("/api/olts", headers=h, json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["data"]["id"])


async def acs_olt(c: httpx.AsyncClient, h: dict[str, str], serials: list[str]) -> int:
    """An ACS-only OLT with these ONUs registered; returns its id."""
    olt = await register_olt(c, h, username="u", password="p", statsSource="acs")
    for serial in serials:
        await c.post(f"/api/olts/{olt}/onus", headers=h, json={"serial": serial})
    return olt


async def login(client: httpx.AsyncClient, app: Any, role: str = "technician") -> dict[str, str]:
    async with app.state.ctx.sessions() as db:
        await create_user(db, "bench", "bench-password", Role(role))
    r = await client.post(
        "/api/auth/login", json={"username": "bench", "password": "bench-password"}
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


# --- 1. cached stats against a bare endpoint, over HTTP, 100 concurrent clients ------------


PACE_MS = 100  # the paced latency run: each client waits this long between requests


def wrk(url: str, token: str, seconds: int = 10, pace: Path | None = None) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c100",
            f"-d{seconds}s",
            "--latency",
            *(["-s", str(pace)] if pace else []),
            "-H",
            f"Authorization: Bearer {token}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        assert m, out
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} failed responses:\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"), "requests": total}


def cpu_seconds(parent: int) -> float:
    """CPU time (user + system) used so far by the worker processes under ``parent``."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # ppid
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return total


async def bench_cached(tmp: Path) -> None:
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)
    acs_url = await sim.start()
    db = tmp / "http.db"
    url = f"sqlite+aiosqlite:///{db}"
    await asyncio.to_thread(upgrade, url)
    settings = Settings(
        _env_file=None, secret_key=SECRET, database_url=url, data_dir=tmp, genieacs_url=acs_url
    )  # type: ignore[call-arg]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        async with app.state.ctx.sessions() as s:
            await create_user(s, "bench", "bench-password", Role.admin)
    port = free_port()
    bare_file = tmp / "bare.json"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "GENIEACS_URL": acs_url,
        "DATA_DIR": str(tmp),
        "STATS_CACHE_TTL_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_STATS_PER_MINUTE": "100000",  # wrk sends everything as one user (the max)
        "BENCH_BARE_FILE": str(bare_file),
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.server",
        str(port),
        str(WORKERS),
        env=env,
        cwd=str(ROOT),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            await wait_ready(c, server, "the benchmark server")
            token = (
                await c.post(
                    "/api/auth/login", json={"username": "bench", "password": "bench-password"}
                )
            ).json()["access_token"]
            h = {"Authorization": f"Bearer {token}"}
            olt = await acs_olt(c, h, ["HWTCA94196A5"])
            stats_path = f"/api/olts/{olt}/onus/HWTCA94196A5/tr069-stats"
            warm = await c.get(stats_path, headers=h)
            assert warm.status_code == 200, warm.text
            bare_file.write_bytes(warm.content)
        loop = asyncio.get_running_loop()
        runs: dict[str, list[dict[str, float]]] = {"floor": [], "bare": [], "cached": []}
        # Rounds of the three endpoints back to back; figures are medians over the rounds and
        # the ratio is the median of each round's own ratio. This VM's CPU speed swings by a
        # third from second to second (noisy neighbours), and pairing cancels most of it.
        rounds, seconds = plan().rounds, plan().round_seconds
        await loop.run_in_executor(None, wrk, base + stats_path, token, plan().warm_seconds)
        for _ in range(rounds):
            for name, path in (
                ("bare", "/bench/bare"),
                ("cached", stats_path),
                ("floor", "/bench/floor"),
            ):
                cpu0 = cpu_seconds(server.pid)
                run = await loop.run_in_executor(None, wrk, base + path, token, seconds)
                run["cpu_us"] = (cpu_seconds(server.pid) - cpu0) / run["requests"] * 1e6
                runs[name].append(run)
        # The same 100 clients, each pausing between requests (wrk's delay() hook), so the
        # latency is the service's own and not the queue of a saturated machine.
        pace = tmp / "pace.lua"
        # Random pauses (mean PACE_MS): fixed ones keep the 100 clients in lock-step, arriving
        # as one burst, which no population of field technicians does.
        pace.write_text(f"function delay()\n  return math.random(0, {2 * PACE_MS})\nend\n")
        paced = await loop.run_in_executor(
            None, wrk, base + stats_path, token, plan().paced_seconds, pace
        )
        ratios = [c["rps"] / b["rps"] for b, c in zip(runs["bare"], runs["cached"], strict=True)]
        floor, bare, cached = (
            {k: statistics.median(r[k] for r in runs[n]) for k in ("rps", "p50", "p99", "cpu_us")}
            for n in ("floor", "bare", "cached")
        )
    finally:
        server.terminate()
        await server.wait()
        await sim.stop()
    ratio = statistics.median(ratios)
    capacity = bare["cpu_us"] / cached["cpu_us"]
    print(f"  per-round throughput ratios: {[round(r, 2) for r in ratios]}")
    record(
        "1. cached full-screen stats throughput vs bare endpoint (same bytes, same auth)",
        f"{cached['rps']:.0f} req/s vs {bare['rps']:.0f} req/s (medians of {rounds} rounds; "
        f"median round ratio {ratio:.2f}x). Server CPU per request {cached['cpu_us']:.0f} us "
        f"vs {bare['cpu_us']:.0f} us = {capacity:.2f}x the bare endpoint's capacity",
        ">= 0.60x",
        capacity >= 0.60,
        key="cached-cpu",
        value=capacity,
        better="higher",
    )
    record(
        "1. cached stats latency, 100 clients back to back (saturation)",
        f"p50 {cached['p50']:.1f} ms, p99 {cached['p99']:.1f} ms (bare: p50 {bare['p50']:.1f} "
        f"ms, p99 {bare['p99']:.1f} ms; the same bytes with no auth at all: "
        f"{floor['rps']:.0f} req/s, p50 {floor['p50']:.1f} ms, p99 {floor['p99']:.1f} ms)",
        "reported, not judged (the queue of a saturated machine: 100 / throughput)",
        cached["p99"] < 20,
        judged=False,
        key="cached-saturated-p99",
        value=cached["p99"],
    )
    record(
        f"1. cached stats latency, 100 clients each pausing {PACE_MS} ms on average between "
        "requests",
        f"p50 {paced['p50']:.1f} ms, p99 {paced['p99']:.1f} ms at {paced['rps']:.0f} req/s",
        "p99 < 20 ms",
        paced["p99"] < 20,
        key="cached-paced-p99",
        value=paced["p99"],
    )


# --- 2. cold stats: backend overhead over the ACS's own time; NBI calls per request --------


class BackendTimer:
    """ASGI wrapper: the backend's own time per request, from the request's arrival to its
    last body byte handed to the server (the client's own overhead is not counted)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.last = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.perf_counter()

        async def timed_send(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - started

        await self.app(scope, receive, timed_send)


async def bench_cold(tmp: Path) -> None:
    # The ACS runs in its own process, as GenieACS does; it reports each answer's own time.
    acs = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.acs_process", stdout=subprocess.PIPE, cwd=str(ROOT)
    )
    assert acs.stdout is not None
    acs_url = (await acs.stdout.readline()).decode().strip()
    app, _ = await seeded_app(
        tmp, genieacs_url=acs_url, stats_cache_ttl_seconds=0.0, stats_stale_ttl_seconds=0.0
    )
    timer = BackendTimer(app)
    serials = ["HWTCA94196A5", "HWTCA97D7DAA", "ALCLFC265D6F"]
    n = plan().cold_reads
    runs: dict[str, tuple[list[float], list[float]]] = {}
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=timer), base_url="http://b") as c,
            httpx.AsyncClient(base_url=acs_url) as control,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, serials)
            for _ in range(2):  # warm-up (first reads also resolve the device ids)
                for s in serials:
                    await c.get(f"/api/olts/{olt}/onus/{s}/tr069-stats", headers=h)
            for variant, query in (("full", ""), ("five", f"?sections={FIVE_SECTIONS}")):
                before = len((await control.get("/__bench/served")).json()["served"])
                backend = []
                for i in range(n):
                    r = await c.get(
                        f"/api/olts/{olt}/onus/{serials[i % 3]}/tr069-stats{query}", headers=h
                    )
                    assert r.status_code == 200 and r.json()["meta"]["cached"] is False, r.text
                    backend.append(timer.last * 1000)
                served = (await control.get("/__bench/served")).json()["served"][before:]
                runs[variant] = (backend, [t * 1000 for t in served])
    finally:
        acs.terminate()
        await acs.wait()
    backend, served = runs["full"]
    calls = len(served) / n
    overheads = [b - a for b, a in zip(backend, served, strict=False)]
    median = statistics.median(overheads)
    # The EG8145X6 is the largest dump a GPON serial reaches (644 kB unprojected): every
    # third request, the default read being the whole screen (every section).
    largest = statistics.median(overheads[1::3])
    five_backend, five_served = runs["five"]
    five = statistics.median(b - a for b, a in zip(five_backend, five_served, strict=False))
    record(
        "2. full-screen cold stats: ponapi overhead beyond the ACS's own time, largest dump "
        f"(EG8145X6, every section, median of {len(overheads[1::3])})",
        f"{largest:.2f} ms",
        "< 6 ms",
        largest < 6,
        key="cold-largest",
        value=largest,
    )
    record(
        "2. five-section cold stats (`?sections=` general, both WANs, 2.4 GHz Wi-Fi and its "
        f"scan): ponapi overhead beyond the ACS's own time (median of {n})",
        f"{five:.2f} ms (backend {statistics.median(five_backend):.2f} ms, ACS "
        f"{statistics.median(five_served):.2f} ms)",
        "< 4 ms (goal; reported, not judged)",
        five < 4,
        judged=False,
        key="cold-five",
        value=five,
    )
    record(
        f"2. full-screen cold stats: ponapi overhead beyond the ACS's own time (median of {n})",
        f"{median:.2f} ms (backend {statistics.median(backend):.2f} ms, ACS "
        f"{statistics.median(served):.2f} ms; EG8145V5/EG8145X6/G-1425G-A answers of "
        f"136-293 kB)",
        "reported",
        True,
        judged=False,
        key="cold-full",
        value=median,
    )
    record(
        "2. cold stats: NBI calls per request",
        f"{calls:.2f}",
        "1",
        calls == 1,
        key="cold-nbi-calls",
        value=calls,
    )


# --- 3. single-flight ----------------------------------------------------------------------


async def bench_single_flight(tmp: Path) -> None:
    flight = plan().flight
    sim = GenieAcsSim(latency=0.2)
    for doc in bundled_documents():
        sim.add(doc)
    acs_url = await sim.start()
    app, _ = await seeded_app(tmp, genieacs_url=acs_url)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=60
        ) as c,
    ):
        h = await login(c, app, "admin")
        olt = await acs_olt(c, h, ["HWTCA97D7DAA"])
        rs = await asyncio.gather(
            *(
                c.get(f"/api/olts/{olt}/onus/HWTCA97D7DAA/tr069-stats", headers=h)
                for _ in range(flight)
            )
        )
    await sim.stop()
    ok = sum(r.status_code == 200 for r in rs)
    reads = sim.calls("/devices")
    record(
        f"3. single-flight: {flight} concurrent cold requests for one ONU",
        f"{reads} upstream read(s), {ok}/{flight} answered 200",
        "1 upstream read",
        reads == 1 and ok == flight,
        key="single-flight-reads",
        value=reads,
    )


def smoke_requested(argv: list[str]) -> bool:
    return "--smoke" in argv or os.environ.get("BENCH_SMOKE", "") not in ("", "0")


async def main(argv: list[str]) -> int:
    from bench.actions import bench_actions
    from bench.breakdown import bench_breakdown
    from bench.demo import bench_demo
    from bench.memory import bench_memory
    from bench.olt_cli import bench_cli
    from bench.report import write_doc

    use(SMOKE if smoke_requested(argv) else FULL)
    if not shutil.which("wrk"):
        print("wrk is required (make bench installs it)", file=sys.stderr)
        return 2
    started = datetime.now(UTC)
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for bench in (
            bench_cached,
            bench_demo,
            bench_cold,
            bench_single_flight,
            bench_cli,
            bench_memory,
            bench_actions,
            bench_breakdown,
        ):
            sub = tmp / bench.__name__
            sub.mkdir()
            began = time.monotonic()
            await bench(sub)
            print(f"  ({bench.__name__}: {time.monotonic() - began:.1f} s)", flush=True)
    if plan().smoke:
        print(f"smoke run: {time.monotonic() - t0:.0f} s, no target judged, nothing written")
        return 0
    write_doc(RESULTS, started, time.monotonic() - t0, breakdown=BREAKDOWN)
    return exit_status(RESULTS)


def exit_status(results: list[dict[str, Any]]) -> int:
    """1 when a judged target is missed; reported figures never fail the run."""
    return 0 if all(r["ok"] for r in results if r["judged"]) else 1


if __name__ == "__main__":
    # Run as the imported module, so the benchmarks in the other bench modules (which import
    # bench.run) record into the same results as this one.
    from bench.run import main as run_main

    sys.exit(asyncio.run(run_main(sys.argv[1:])))
