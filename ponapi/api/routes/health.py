from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from ponapi.api.deps import Ctx
from ponapi.db.session import make_probe_engine
from ponapi.metrics import REGISTRY

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus metrics (see ponapi.metrics for names). Expose it to your scraper only."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@router.get("/readyz")
async def readyz(ctx: Ctx) -> JSONResponse:
    """Readiness: the database and the cache answer within 2 s each.

    The database is checked on a connection of its own (not one from the request pool): under
    load every pooled connection may be busy, and a healthy replica must not be reported
    unreachable for it."""
    checks: dict[str, str] = {}
    probe = ctx.probe_engine
    if probe is None:
        probe = ctx.probe_engine = make_probe_engine(ctx.settings.database_url)
    try:
        async with asyncio.timeout(2.0), probe.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "unreachable"
    cache_ok = await ctx.cache.ping()
    # Redis down is not fatal: requests are served from the in-memory cache meanwhile.
    checks["cache"] = (
        "ok" if cache_ok else "degraded" if ctx.cache.name == "redis" else ("unreachable")
    )
    checks["cacheBackend"] = ctx.cache.name
    ready = checks["database"] == "ok" and checks["cache"] in ("ok", "degraded")
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
