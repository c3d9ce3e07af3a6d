"""Benchmark 7: the cached full-screen read against ``/healthz`` on ``ponapi demo``.

The demo as a user starts it (``make run``: one process serving the API beside its simulators),
with the per-user stats rate limit raised (wrk sends everything as one user) and a cache TTL
longer than the run. ``wrk`` runs ``/healthz`` and the cached read back to back in rounds; the
figure is the median of each round's own throughput ratio.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
from pathlib import Path

import httpx

from bench.plan import plan

ACS_ONU = "HWTCA94196A5"  # read through the ACS on the demo's main OLT


async def _stats_path(c: httpx.AsyncClient, h: dict[str, str]) -> str:
    """The cached-read path of the ACS ONU, on whichever demo OLT holds it (warmed once)."""
    olts = (await c.get("/api/olts", headers=h)).json()["data"]
    for olt in olts:
        path = f"/api/olts/{olt['id']}/onus/{ACS_ONU}/tr069-stats"
        r = await c.get(path, headers=h)
        if r.status_code == 200 and r.json()["meta"]["source"] == "genieacs":
            return path
    raise RuntimeError(f"no demo OLT reads {ACS_ONU} through the ACS")


async def bench_demo(tmp: Path) -> None:
    from bench.run import free_port, record, wait_ready, wrk

    port = free_port()
    env = {
        **os.environ,
        "RATE_LIMIT_STATS_PER_MINUTE": "100000",
        "STATS_CACHE_TTL_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ponapi.cli",
        "demo",
        "--port",
        str(port),
        env=env,
        cwd=str(tmp),  # its data directory (.ponapi/demo) goes under the run's own
        stdout=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    ratios: list[float] = []
    cached: list[float] = []
    health: list[float] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            await wait_ready(c, proc, "ponapi demo")
            r = await c.post("/api/auth/login", json={"username": "tech", "password": "demo"})
            token = r.json()["access_token"]
            path = await _stats_path(c, {"Authorization": f"Bearer {token}"})
        loop = asyncio.get_running_loop()
        seconds = plan().round_seconds
        await loop.run_in_executor(None, wrk, base + path, token, plan().warm_seconds)
        for _ in range(plan().demo_rounds):
            h = await loop.run_in_executor(None, wrk, base + "/healthz", token, seconds)
            s = await loop.run_in_executor(None, wrk, base + path, token, seconds)
            health.append(h["rps"])
            cached.append(s["rps"])
            ratios.append(s["rps"] / h["rps"])
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
    ratio = statistics.median(ratios)
    record(
        "7. cached full-screen read throughput vs /healthz on the demo (`ponapi demo`, wrk, "
        "100 clients)",
        f"{statistics.median(cached):.0f} req/s vs {statistics.median(health):.0f} req/s "
        f"(median round ratio {ratio:.2f}x over {len(ratios)} round(s))",
        ">= 0.40x",
        ratio >= 0.40,
        key="demo-throughput",
        value=ratio,
        better="higher",
    )
