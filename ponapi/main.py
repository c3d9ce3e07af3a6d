"""The FastAPI app factory: routers, error handlers, lifespan (database, cache, credentials)."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from ponapi import __version__
from ponapi.acs.genieacs import GenieAcsClient
from ponapi.actions.cli_flow import CliWork
from ponapi.actions.service import ActionService, DeviceActions
from ponapi.actions.work import AcsWork
from ponapi.api.deps import AppContext
from ponapi.api.errors import install_error_handlers
from ponapi.api.guard import RequestGuard
from ponapi.api.openapi import install_openapi
from ponapi.api.routes import actions, audit, auth, discover, health, jobs, olts, tr069, users
from ponapi.api.routes.realtime import router as realtime_router
from ponapi.api.routes.realtime_actions import router as realtime_actions_router
from ponapi.audit import AuditLog
from ponapi.cache import Cache, make_cache
from ponapi.config import Settings, get_settings
from ponapi.crypto import CredentialCipher
from ponapi.db.registry_watch import RegistryListener
from ponapi.db.session import make_engine, make_sessionmaker
from ponapi.jobs import Jobs
from ponapi.requestid import RequestIdMiddleware
from ponapi.serials import Serial
from ponapi.stats.service import StatsService
from ponapi.ttlcache import TtlMap

log = logging.getLogger("ponapi")


def build_context(settings: Settings) -> AppContext:
    engine = make_engine(settings.database_url)
    cache = make_cache(settings.redis_url, settings.cache_timeout_ms / 1000)
    acs = GenieAcsClient.from_settings(settings)
    # This process's committed OLT/ONU writes drop its kept registry rows at once.
    sessions = make_sessionmaker(engine, on_registry_write=lambda: ctx.registry_changed())
    cipher = CredentialCipher(settings.credentials_key or settings.secret_key)
    stats = StatsService(settings, cache, acs, cipher=cipher)
    job_runner = Jobs(cache, settings.job_budget_seconds, cipher)
    audit_log = AuditLog(sessions)
    ctx = AppContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        cache=cache,
        cipher=cipher,
        acs=acs,
        users=TtlMap(settings.auth_cache_seconds),
        registry=TtlMap(settings.registry_cache_seconds),
        gates=TtlMap(gate_seconds(settings)),
        stats=stats,
        jobs=job_runner,
        audit=audit_log,
        actions=build_actions(settings, cache, acs, stats, job_runner, audit_log),
    )
    ctx.stats.on_host_key = lambda olt_id, key: pin_host_key(ctx, olt_id, key)
    # Other processes' registry writes (PostgreSQL only; none on SQLite): until it listens,
    # the kept tenant gate rows are not used.
    ctx.registry_listener = RegistryListener.for_engine(engine, ctx.registry_changed)
    return ctx


# SQLite cannot tell a process about another's writes (another worker, ``ponapi olts
# import``): there a kept tenant gate row lives at most this long, whatever the setting.
SQLITE_GATE_SECONDS = 5.0


def gate_seconds(settings: Settings) -> float:
    """How long the tenant gate's rows are kept (TENANT_GATE_CACHE_SECONDS, capped on
    SQLite)."""
    seconds = settings.tenant_gate_cache_seconds
    if settings.database_url.startswith("sqlite"):
        return min(seconds, SQLITE_GATE_SECONDS)
    return seconds


def build_actions(
    settings: Settings,
    cache: Cache,
    acs: GenieAcsClient | None,
    stats: StatsService,
    job_runner: Jobs,
    audit_log: AuditLog,
) -> DeviceActions:
    """The device actions over the same ACS client, session pools, jobs and audit."""

    async def invalidate(olt_id: int, serial: Serial) -> None:
        await stats.store.delete(stats.cache_key(olt_id, serial))

    return DeviceActions(
        ActionService(settings, cache, job_runner, audit_log, invalidate),
        AcsWork(acs, settings),
        CliWork(stats.pool),
    )


async def pin_host_key(ctx: AppContext, olt_id: int, key: str) -> None:
    """Keep the SSH host key an OLT presented at its first login (unless one is pinned
    already: the first replica to see a key wins, and the others then require it)."""
    from sqlalchemy import update

    from ponapi.api.schemas import ssh_fingerprint
    from ponapi.db.models import Olt

    try:
        async with ctx.sessions() as db:
            done = await db.execute(
                update(Olt).where(Olt.id == olt_id, Olt.ssh_host_key == "").values(ssh_host_key=key)
            )
            await db.commit()
    except Exception:
        log.warning("could not pin the SSH host key of OLT %s", olt_id, exc_info=True)
        return
    if getattr(done, "rowcount", 0):
        ctx.registry_changed()
        ctx.audit.record(
            "olt.host_key_pinned", target=f"olt {olt_id}", fingerprint=ssh_fingerprint(key)
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = build_context(settings)
        app.state.ctx = ctx
        if ctx.registry_listener is not None:
            ctx.registry_listener.start()
        # Everything alive now (modules, routes, schemas, the context) lives as long as the
        # process: moved out of the collector's reach, a full collection scans only what
        # requests allocate. Measured under load: full collections of 60-100 ms, each a
        # stall for every request in flight, shrink to a few ms.
        gc.collect()
        gc.freeze()
        threshold = gc.get_threshold()
        if settings.gc_gen0_threshold:
            # A cold read parses a 100-600 kB device document into 50-100 thousand objects,
            # nearly all freed by reference counting when the read ends; at Python's default
            # (700) the collector runs over a hundred times per read for nothing. Measured on
            # the largest dump (bench/cold.py, GC_GEN0_THRESHOLD=0 against the default, three
            # runs each): 0.4 ms less per cold read, 7.2 -> 6.8 ms beyond the ACS.
            gc.set_threshold(settings.gc_gen0_threshold, *threshold[1:])
        try:
            yield
        finally:
            gc.set_threshold(*threshold)
            if ctx.registry_listener is not None:
                await ctx.registry_listener.stop()
            if ctx.acs is not None:
                await ctx.acs.close()
            await ctx.jobs.close()
            await ctx.audit.close()
            await ctx.stats.optical.close()
            await ctx.stats.pools.close()
            await ctx.cache.close()
            await ctx.engine.dispose()

    app = FastAPI(
        title="ponapi",
        version=__version__,
        description="OLT/ONU registry and TR-069 statistics for ISP field and NOC staff.",
        lifespan=lifespan,
    )
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_request_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(tr069.router)  # first: the hot route is matched before any other
    app.include_router(realtime_router)
    app.include_router(realtime_actions_router)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(discover.router)  # before olts: /onus/discover is not an ONU serial
    app.include_router(olts.router)
    app.include_router(jobs.router)
    app.include_router(actions.router)
    app.include_router(users.router)
    app.include_router(audit.router)

    @app.get("/", include_in_schema=False)
    async def root() -> dict[str, str]:
        """Where to start: the API documentation, served offline."""
        return {"service": "ponapi", "docs": "/docs", "redoc": "/redoc", "openapi": "/openapi.json"}

    install_openapi(app)
    return app


def serve_app() -> FastAPI:
    """The app as ``ponapi serve`` runs it, in each worker process: logging configured here,
    because worker processes start fresh and do not inherit the parent's handlers."""
    from ponapi import logs

    settings = get_settings()
    logs.configure(settings.log_level, settings.log_format)
    return create_app(settings)
