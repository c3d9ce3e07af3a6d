"""The cold read on its own (benchmark 2's figure, and where its time goes), for profiling:

    .venv/bin/python -m bench.cold                 # overhead beyond the ACS's time, and steps
    .venv/bin/python -m bench.cold --profile       # the same under pyinstrument (if installed)
    .venv/bin/python -m bench.cold --reads 90      # reads per variant (default 60)

The ACS simulator runs in its own process (``bench.acs_process``), as in ``make bench``; each
cold read of the largest dump (EG8145X6, every section) and of the five sections is timed in the
app (``BackendTimer``) and the ACS's own time is taken off. Then the steps of one read are timed
one by one in process: the NBI read (client side, less the ACS's time), the JSON parse, the
mapping, the payload, the cache write, the render and the body's serialisation.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import orjson

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.cache import MemoryCache
from ponapi.crypto import CredentialCipher
from ponapi.serials import parse_serial
from ponapi.stats.render import LOG_LIMIT_MAX, payload, render
from ponapi.stats.store import PayloadStore
from ponapi.tr069 import sections as registry
from ponapi.tr069.document import parse_lazy
from ponapi.tr069.mapper import map_device

from .run import FIVE_SECTIONS, ROOT, BackendTimer, acs_olt, login, seeded_app

LARGEST = "HWTCA97D7DAA"  # EG8145X6
SERIALS = ["HWTCA94196A5", LARGEST, "ALCLFC265D6F"]


def plain(doc: Any) -> Any:
    """A lazily parsed document as plain Python (to serialise it again)."""
    return doc.as_dict() if hasattr(doc, "as_dict") else doc


def median_ms(fn: Callable[[], Any], n: int) -> float:
    """Median CPU time of ``fn``, in ms."""
    times = []
    for _ in range(n):
        t = time.process_time()
        fn()
        times.append((time.process_time() - t) * 1000)
    return statistics.median(times)


async def served(control: httpx.AsyncClient) -> list[float]:
    return [t * 1000 for t in (await control.get("/__bench/served")).json()["served"]]


async def end_to_end(acs_url: str, n: int, profiler: Any) -> dict[str, float]:
    """Median overhead (backend time less the ACS's own) of cold reads, per variant."""
    with tempfile.TemporaryDirectory() as tmp:
        app, _ = await seeded_app(
            Path(tmp),
            genieacs_url=acs_url,
            stats_cache_ttl_seconds=0.0,
            stats_stale_ttl_seconds=0.0,
        )
        timer = BackendTimer(app)
        out: dict[str, float] = {}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=timer), base_url="http://b") as c,
            httpx.AsyncClient(base_url=acs_url) as control,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, SERIALS)
            for _ in range(3):
                for s in SERIALS:
                    await c.get(f"/api/olts/{olt}/onus/{s}/tr069-stats", headers=h)
            variants = (
                ("largest, full screen", [LARGEST], ""),
                ("five sections, 3 devices", SERIALS, f"?sections={FIVE_SECTIONS}"),
            )
            if profiler is not None:
                profiler.start()
            for name, serials, query in variants:
                before = len(await served(control))
                backend, cpu = [], []
                for i in range(n):
                    url = f"/api/olts/{olt}/onus/{serials[i % len(serials)]}/tr069-stats{query}"
                    started = time.process_time()
                    r = await c.get(url, headers=h)
                    cpu.append((time.process_time() - started) * 1000)
                    assert r.status_code == 200 and r.json()["meta"]["cached"] is False
                    backend.append(timer.last * 1000)
                acs = (await served(control))[before:]
                out[name] = statistics.median(b - a for b, a in zip(backend, acs, strict=True))
                # This process's CPU time per read (the ACS runs in another): what the
                # overhead is on a quiet machine, and steadier than it on a busy one.
                out[f"{name}: ponapi CPU"] = statistics.median(cpu)
                out[f"{name}: ACS"] = statistics.median(acs)
            if profiler is not None:
                profiler.stop()
    return out


async def cached(acs_url: str, n: int) -> float:
    """CPU time of the same full-screen read of the largest dump served from the cache: what
    every read costs besides the NBI read, the mapping and the cache write (the request's
    middleware, authentication, tenancy gate, rate limit, audit, render)."""
    with tempfile.TemporaryDirectory() as tmp:
        app, _ = await seeded_app(Path(tmp), genieacs_url=acs_url)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as c,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, SERIALS)
            url = f"/api/olts/{olt}/onus/{LARGEST}/tr069-stats"
            await c.get(url, headers=h)
            cpu = []
            for _ in range(n):
                started = time.process_time()
                r = await c.get(url, headers=h)
                cpu.append((time.process_time() - started) * 1000)
                assert r.json()["meta"]["cached"] is True
    return statistics.median(cpu)


async def steps(acs_url: str, n: int) -> dict[str, float]:
    """Median CPU time of each step of one cold full-screen read of the largest dump."""
    out: dict[str, float] = {}
    out["projection (the paths of every section)"] = median_ms(
        lambda: registry.projection(registry.names()), n
    )
    acs = GenieAcsClient(acs_url)
    serial = parse_serial(LARGEST)
    paths = registry.projection(registry.names())
    names = frozenset(registry.names())
    await acs.read_document(serial, paths)  # the id, remembered
    client = []
    for _ in range(n):
        t = time.process_time()
        raw = await acs.read_document(serial, paths)
        client.append((time.process_time() - t) * 1000)
    await acs.close()
    assert raw is not None
    body = orjson.dumps([plain(raw)])
    out["NBI read (client CPU, lazy parse included)"] = statistics.median(client)
    out[f"  lazy parse of the {len(body) // 1024} kB answer (simdjson)"] = median_ms(
        lambda: parse_lazy(body), n
    )
    out["  (not used: the whole tree parsed into Python objects, orjson)"] = median_ms(
        lambda: orjson.loads(body), n
    )
    now = datetime.now(UTC)
    tz = ZoneInfo("UTC")
    mapped = map_device(raw, now=now, tz=tz, names=names, log_limit=LOG_LIMIT_MAX)
    out["map every section (the values it reads converted from the lazy parse)"] = median_ms(
        lambda: map_device(raw, now=now, tz=tz, names=names, log_limit=LOG_LIMIT_MAX), n
    )
    stored = payload("genieacs", now, mapped.device, mapped.sections)
    out["payload"] = median_ms(lambda: payload("genieacs", now, mapped.device, mapped.sections), n)
    store = PayloadStore(MemoryCache(), CredentialCipher("k" * 40), 60.0)
    t0 = time.process_time()
    for _ in range(n):
        await store.set("k", stored)
    out["cache write (seal, JSON, compress)"] = (time.process_time() - t0) * 1000 / n
    result = render(stored, names, True, cached=False)
    out["render"] = median_ms(lambda: render(stored, names, True, cached=False), n)
    out["response body JSON"] = median_ms(lambda: orjson.dumps(result.body()), n)
    return out


async def main(argv: list[str]) -> None:
    n = int(argv[argv.index("--reads") + 1]) if "--reads" in argv else 60
    profiler = None
    if "--profile" in argv:
        try:
            from pyinstrument import Profiler
        except ImportError:
            sys.exit("--profile needs pyinstrument: .venv/bin/pip install pyinstrument")

        profiler = Profiler(interval=0.0002, async_mode="disabled")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.acs_process", stdout=subprocess.PIPE, cwd=str(ROOT)
    )
    assert proc.stdout is not None
    acs_url = (await proc.stdout.readline()).decode().strip()
    try:
        figures = await end_to_end(acs_url, n, profiler)
        for name, ms in figures.items():
            print(f"cold read, {name}: {ms:.2f} ms" + ("" if ":" in name else " beyond the ACS"))
        ms = await cached(acs_url, n)
        print(f"cached read, largest, full screen: ponapi CPU: {ms:.2f} ms")
        for name, ms in (await steps(acs_url, n)).items():
            print(f"  step: {name}: {ms:.2f} ms")
    finally:
        proc.terminate()
        await proc.wait()
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
