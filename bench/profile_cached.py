"""Where a cached full-screen read's microseconds go, in process (no sockets, no wrk).

    .venv/bin/python -m bench.profile_cached            CPU per request of each step
    .venv/bin/python -m bench.profile_cached --profile  and a pyinstrument call tree of the
                                                        cached route (dev extra)

Prints, on the largest bundled dump (EG8145X6) and an admin (who may see secrets): the CPU
per request of the whole request through the ASGI stack (the bare same-bytes endpoint, the
contract's route, the app's route), then of the steps of the read itself: rendering the
cached entry afresh (what every hit did before answers were kept), the kept answer, a 304,
and reading the cached entry alone. CPU time (``time.process_time``) of this process, so the
database thread's work for the tenant gate is counted too.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from fastapi import Request, Response

from ponapi.api.deps import CurrentUser
from ponapi.api.registry import lookup
from ponapi.appwire.stats import render_stats
from ponapi.auth.principal import PRINCIPAL, Principal, scope_for
from ponapi.serials import parse_serial
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.stats.answers import cached_answer
from ponapi.stats.model import StatsResult
from ponapi.stats.render import limit_logs, revealed_secrets
from ponapi.tr069 import sections as registry

from .run import acs_olt, login, seeded_app

SERIAL = "HWTCA97D7DAA"  # EG8145X6, the largest dump
N = 1000


async def cpu_us(n: int, step: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(min(100, n)):
        await step()
    t0 = time.process_time()
    for _ in range(n):
        await step()
    return (time.process_time() - t0) / n * 1e6


def contract(result: StatsResult) -> bytes:
    return orjson.dumps(limit_logs(result, 50).body())


def app_format(result: StatsResult) -> bytes:
    return orjson.dumps(render_stats(limit_logs(result, 50).body()))


async def steps(
    ctx: Any, ref: Any, serial: Any, label: str, encode: Any, n: int = N
) -> dict[str, float]:
    """The read's own steps (CPU us): rendered afresh, the kept answer, a 304."""
    every = frozenset(registry.names())

    async def afresh() -> None:
        result = await ctx.stats.get(ref, serial, sections=every, reveal_secrets=True)
        revealed_secrets(result)
        encode(result)

    def kept(tag: str | None = None) -> Awaitable[Any]:
        return cached_answer(
            ctx.stats,
            ref,
            serial,
            sections=every,
            reveal=True,
            variant=(label,),
            encode=encode,
            if_none_match=tag,
        )

    answer = await kept()
    assert answer is not None
    return {
        f"{label}: rendering the cached entry afresh (every hit before answers were kept)": (
            await cpu_us(n, afresh)
        ),
        f"{label}: the kept answer": await cpu_us(n, kept),
        f"{label}: a 304 for the current ETag": await cpu_us(n, lambda: kept(answer.etag)),
    }


async def main(profile: bool) -> None:
    for name, us in (await figures(N, profile)).items():
        print(f"  {name}: {us:.0f} us")


async def figures(n: int, profile: bool = False) -> dict[str, float]:
    """CPU us per cached full-screen request of the largest dump, whole and step by step."""
    out: dict[str, float] = {}
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)
    acs_url = await sim.start()
    with tempfile.TemporaryDirectory() as d:
        app, _ = await seeded_app(Path(d), genieacs_url=acs_url, stats_cache_ttl_seconds=3600)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://bench") as c,
        ):
            h = await login(c, app, "admin")
            olt = await acs_olt(c, h, [SERIAL])
            url = f"/api/olts/{olt}/onus/{SERIAL}/tr069-stats"
            app_url = f"/api/olts/realtime/{olt}/onus/{SERIAL}/tr069-stats"
            warm = await c.get(url, headers=h)
            assert warm.status_code == 200, warm.text
            app.state.bare = warm.content

            @app.get("/bench/bare")
            async def bare(request: Request, _: CurrentUser) -> Response:
                return Response(request.app.state.bare, media_type="application/json")

            print(f"{SERIAL}: {len(warm.content)} bytes; CPU per request, us")
            for name, path in (
                ("the bare same-bytes endpoint", "/bench/bare"),
                ("the contract's route", url),
                ("the app's route", app_url),
            ):
                us = await cpu_us(n, lambda p=path: c.get(p, headers=h))  # type: ignore[misc]
                out[f"whole request (in process, client included), {name}"] = us
            tag = (await c.get(url, headers=h)).headers["etag"]
            us = await cpu_us(n, lambda: c.get(url, headers={**h, "If-None-Match": tag}))
            out["whole request (in process, client included), the contract's route, 304"] = us

            ctx = app.state.ctx
            serial = parse_serial(SERIAL)
            PRINCIPAL.set(Principal(0, "", None, scope_for(None, True)))
            ref, _ = await lookup(ctx, olt, serial)
            for label, encode in (("contract", contract), ("app", app_format)):
                out.update(await steps(ctx, ref, serial, label, encode, n))
            key = ctx.stats.cache_key(olt, serial)
            out["reading the cached entry alone"] = await cpu_us(
                n, lambda: ctx.stats.store.entry(key)
            )
            if profile:
                from pyinstrument import Profiler  # the dev extra

                profiler = Profiler(interval=0.0005, async_mode="enabled")
                profiler.start()
                for _ in range(n):
                    await c.get(url, headers=h)
                profiler.stop()
                print(profiler.output_text(unicode=False))
    await sim.stop()
    return out


if __name__ == "__main__":
    asyncio.run(main("--profile" in sys.argv[1:]))
