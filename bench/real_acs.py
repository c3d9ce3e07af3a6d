"""Benchmark against the real GenieACS 1.2.16 (needs REAL_GENIEACS_DIR; ``make bench`` runs it
when set): ponapi in-process, its NBI calls through a timing proxy on loopback, reading CPEs of
ponapi's CPE simulator.

1. Cold stats read (cache off) of a fully loaded EG8145V5 (3,147 parameters): NBI calls per
   read (target 1, counted by the proxy, which also records the exact request); then ponapi's
   overhead beyond the NBI's own time, with ponapi talking to the NBI directly and the NBI's
   time taken by replaying the recorded request with a bare HTTP client, interleaved.
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
from typing import Any

import httpx

from bench.run import BackendTimer, acs_olt, login, record, seeded_app
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
        self.targets: list[str] = []

    async def handle(self, req: Request) -> Response:
        t0 = time.perf_counter()
        r = await self.client.request(req.method, req.target, content=req.body)
        elapsed = time.perf_counter() - t0
        if req.target.startswith("/devices/?"):
            self.reads.append(elapsed)
            self.targets.append(req.target)
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
        await bench_cold(proxy, proxy_url, acs.nbi, tmp)
        await bench_reads(proxy, proxy_url, tmp, serials)
    finally:
        await fleet.stop()
        await proxy.server.stop()
        await proxy.client.aclose()
        await asyncio.to_thread(acs.stop)


async def _v5_app(tmp: Path, url: str) -> Any:
    app, _ = await seeded_app(
        tmp, genieacs_url=url, stats_cache_ttl_seconds=0.0, stats_stale_ttl_seconds=0.0
    )
    return app


async def bench_cold(proxy: TimingProxy, proxy_url: str, nbi: str, tmp: Path) -> None:
    v5, n = "HWTCA94196A5", 40
    path = "/api/olts/{}/onus/" + v5 + "/tr069-stats"
    for url in (proxy_url, nbi):
        app = await _v5_app(tmp, url)
        timer = BackendTimer(app)  # the backend's own time, as benchmark 2 of bench.run
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=timer), base_url="http://b", timeout=120
            ) as c,
            httpx.AsyncClient(base_url=nbi, timeout=120) as bare,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, [v5])
            for _ in range(3):  # warm-up: the first read also resolves the device id
                await c.get(path.format(olt), headers=h)
            if url == proxy_url:
                before = len(proxy.reads)
                for _ in range(n):
                    r = await c.get(path.format(olt), headers=h)
                    assert r.status_code == 200 and r.json()["meta"]["cached"] is False, r.text
                calls = (len(proxy.reads) - before) / n
                target = proxy.targets[-1]
                record(
                    "real GenieACS: NBI calls per cold stats read", f"{calls:.2f}", "1", calls == 1
                )
                continue
            backend, direct = [], []
            for _ in range(n):
                r = await c.get(path.format(olt), headers=h)
                backend.append(timer.last * 1000)
                assert r.status_code == 200 and r.json()["meta"]["cached"] is False, r.text
                t0 = time.perf_counter()
                raw = await bare.get(target)
                direct.append((time.perf_counter() - t0) * 1000)
                assert raw.status_code == 200
    overhead = statistics.median(backend) - statistics.median(direct)
    record(
        "real GenieACS: cold stats overhead beyond the NBI's own time (medians of 40)",
        f"{overhead:.2f} ms (read {statistics.median(backend):.1f} ms, the same NBI request "
        f"alone {statistics.median(direct):.1f} ms, {len(raw.content) // 1024} kB; EG8145V5)",
        "< 5 ms",
        overhead < 5,
    )


async def bench_reads(proxy: TimingProxy, url: str, tmp: Path, serials: list[str]) -> None:
    app = await _v5_app(tmp, url)
    onus = [f"ZTEG{s[4:]}" for s in serials]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b", timeout=120
        ) as c,
    ):
        h = await login(c, app, "admin")
        olt = await acs_olt(c, h, onus)

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
