"""Benchmark against the real GenieACS 1.2.16 (needs REAL_GENIEACS_DIR; ``make bench`` runs it
when set): ponapi in-process, its NBI calls through a timing proxy on loopback, reading CPEs of
ponapi's CPE simulator.

1. Cold stats read (cache off) of a fully loaded EG8145V5 (3,147 parameters): ponapi's overhead
   beyond the NBI's own time (as the proxy saw it), and NBI calls per read (target 1).
2. 100 CPEs read concurrently (one cold ``general`` read each, the stats cache off, after a
   first pass that resolved each device's id): all answer, one NBI call each. The first pass
   queries by serial, which SecantusDB (pure Python, no index on it) answers by scanning every
   document, so it runs one by one and is reported apart.

    REAL_GENIEACS_DIR=../shared/real-genieacs .venv/bin/python -m bench.real_acs
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.run import acs_olt, login, record, seeded_app
from ponapi.sim.cpe.cpe import Knobs
from ponapi.sim.cpe.model import load_document
from ponapi.sim.cpe.runner import Fleet, clone_serial
from ponapi.sim.http import HttpServer, Request, Response
from tests.real_acs.harness import ACS_FIXTURES, ENV_BASE, RealAcs, real_dir

V5 = (
    ACS_FIXTURES
    / "anlix-genieacs-sim_device-00259E-EG8145V5-48575443A94196A5-2023-03-28T154335106Z.csv"
)
SMALL = (
    ACS_FIXTURES
    / "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
)
FLEET = 100


class TimingProxy:
    """Forwards to the NBI and notes each device read's upstream time."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.server = HttpServer(self.handle)
        self.client = httpx.AsyncClient(
            base_url=upstream, timeout=60, limits=httpx.Limits(max_connections=200)
        )
        self.reads: list[float] = []

    async def handle(self, req: Request) -> Response:
        t0 = time.perf_counter()
        r = await self.client.request(req.method, req.target, content=req.body)
        elapsed = time.perf_counter() - t0
        if req.target.startswith("/devices/?"):
            self.reads.append(elapsed)
        headers = {k: v for k, v in r.headers.items() if k.lower() in ("content-type", "total")}
        return Response(r.status_code, r.content, r.reason_phrase, headers)


async def prime(acs: RealAcs, fleet: Fleet, objects: dict[str, tuple[str, ...]]) -> None:
    for cpe in fleet.cpes:
        for obj in objects[cpe.model.serial]:
            task = {"name": "refreshObject", "objectName": f"{cpe.model.root}{obj}"}
            r = await asyncio.to_thread(acs.task, cpe.device_id, task, False)
            assert r.status_code == 202, r.text
        cpe.inform_now()
    for _ in range(600):
        left = [c for c in fleet.cpes if await asyncio.to_thread(acs.pending_tasks, c.device_id)]
        if not left:
            return
        await asyncio.sleep(1)
    raise TimeoutError("CPEs not primed")


async def run(source: Path, tmp: Path) -> None:
    base = Path(os.environ.get(ENV_BASE) or Path.home() / ".cache" / "ponapi" / "real-genieacs")
    acs = RealAcs(source, base)
    await asyncio.to_thread(acs.start, [])
    proxy = TimingProxy(acs.nbi)
    proxy_url = await proxy.server.start()
    fleet = Fleet(acs.cwmp, Knobs(periodic=0))
    big = fleet.add(load_document(V5))
    small_doc = load_document(SMALL)
    serials = [clone_serial("ZTEG00000000", i + 1) for i in range(FLEET)]
    for s in serials:
        fleet.add(small_doc, s)
    try:
        t0 = time.monotonic()
        await fleet.start()
        objects = {s: (".DeviceInfo", ".ManagementServer") for s in serials}
        objects[big.model.serial] = ("",)
        for _ in range(300):
            ids = [c.device_id for c in fleet.cpes]
            found = await asyncio.to_thread(acs.devices, {"_id": {"$in": ids}})
            if len(found) == len(ids):
                break
            await asyncio.sleep(0.2)
        await prime(acs, fleet, objects)
        print(
            f"{len(fleet.cpes)} CPEs registered and primed in {time.monotonic() - t0:.1f} s",
            flush=True,
        )
        await bench_reads(proxy, proxy_url, tmp, serials)
    finally:
        await fleet.stop()
        await proxy.server.stop()
        await proxy.client.aclose()
        await asyncio.to_thread(acs.stop)


async def bench_reads(proxy: TimingProxy, url: str, tmp: Path, serials: list[str]) -> None:
    app, _ = await seeded_app(
        tmp, genieacs_url=url, stats_cache_ttl_seconds=0.0, stats_stale_ttl_seconds=0.0
    )
    v5 = "HWTCA94196A5"
    onus = [f"ZTEG{s[4:]}" for s in serials]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=120
        ) as c,
    ):
        h = await login(c, app, "admin")
        olt = await acs_olt(c, h, [v5, *onus])
        for _ in range(3):  # warm-up: the first read also resolves the device id
            await c.get(f"/api/olts/{olt}/onus/{v5}/tr069-stats", headers=h)
        n = 40
        backend, upstream = [], []
        for _ in range(n):
            before = len(proxy.reads)
            t0 = time.perf_counter()
            r = await c.get(f"/api/olts/{olt}/onus/{v5}/tr069-stats", headers=h)
            backend.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200 and r.json()["meta"]["cached"] is False, r.text
            upstream.append(sum(proxy.reads[before:]) * 1000)
            assert len(proxy.reads) - before == 1
        overhead = statistics.median(b - u for b, u in zip(backend, upstream, strict=True))
        record(
            "real GenieACS: cold stats overhead beyond the NBI's own time, proxy hop included "
            "(median of 40)",
            f"{overhead:.2f} ms (read {statistics.median(backend):.1f} ms, NBI "
            f"{statistics.median(upstream):.1f} ms; EG8145V5, 3,147 parameters)",
            "< 10 ms",
            overhead < 10,
        )

        async def one(onu: str) -> tuple[int, float]:
            t = time.perf_counter()
            r = await c.get(
                f"/api/olts/{olt}/onus/{onu}/tr069-stats", params={"sections": "general"}, headers=h
            )
            return r.status_code, time.perf_counter() - t

        first = [await one(o) for o in onus]  # resolves each device's id (query by serial)
        record(
            f"real GenieACS: first read of each of {FLEET} CPEs, one at a time (by serial)",
            f"median {statistics.median(t for _, t in first) * 1000:.0f} ms",
            "all 200",
            all(s == 200 for s, _ in first),
        )
        before = len(proxy.reads)
        t0 = time.perf_counter()
        results = await asyncio.gather(*(one(o) for o in onus))
        wall = time.perf_counter() - t0
        calls = len(proxy.reads) - before
        ok = sum(1 for s, _ in results if s == 200)
        lat = sorted(t for _, t in results)
        record(
            f"real GenieACS: {FLEET} CPEs read concurrently",
            f"{ok}/{FLEET} answered 200 in {wall:.2f} s (p50 {lat[len(lat) // 2] * 1000:.0f} ms, "
            f"p95 {lat[int(len(lat) * 0.95)] * 1000:.0f} ms), {calls} NBI device reads",
            f"all 200, {FLEET} NBI reads",
            ok == FLEET and calls == FLEET,
        )


def main() -> int:
    source = real_dir()
    if source is None:
        print("real-ACS benchmark skipped: set REAL_GENIEACS_DIR to the real-genieacs folder")
        return 0
    from bench.run import RESULTS

    with tempfile.TemporaryDirectory() as d:
        asyncio.run(run(source, Path(d)))
    return 0 if all(r["ok"] for r in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
