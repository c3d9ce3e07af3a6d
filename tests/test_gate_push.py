"""The tenant gate's kept rows (TENANT_GATE_CACHE_SECONDS, on by default) never serve a moved
OLT to its old ISP: this process's registry writes drop them on commit, every process's reach
it through PostgreSQL's notifications, and while nobody listens the rows are not used."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from ponapi.api.deps import AppContext
from ponapi.db.models import Olt, Onu, User
from tests.conftest import make_settings
from tests.tenancy import A_SERIAL, HOST_SETTINGS, two_isps

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def env(tmp_path, database_url, sim) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its default settings: the gate's rows are kept."""
    from ponapi.main import create_app

    settings = make_settings(tmp_path, database_url, genieacs_url=sim.url, **HOST_SETTINGS)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield app, c


def _ctx(app: FastAPI) -> AppContext:
    ctx: AppContext = app.state.ctx
    return ctx


async def _listening(ctx: AppContext, seconds: float = 5.0) -> None:
    listener = ctx.registry_listener
    assert listener is not None
    for _ in range(int(seconds / 0.05)):
        if listener.connected:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the registry listener did not connect")


async def _another_replica_moves(database_url: str, olt_id: int, tenant: str) -> None:
    """Another replica's write: its own engine and sessions on the same database."""
    engine = create_async_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as db:
            await db.execute(update(Olt).where(Olt.id == olt_id).values(tenant=tenant))
            await db.commit()
    finally:
        await engine.dispose()


async def _status_within(c: httpx.AsyncClient, url: str, headers: dict[str, str], want: int) -> int:
    """The status of ``url``, asked until it is ``want`` for up to 2 s."""
    status = 0
    for _ in range(40):
        status = (await c.get(url, headers=headers)).status_code
        if status == want:
            return status
        await asyncio.sleep(0.05)
    return status


async def test_a_moved_onu_is_never_served_from_cache_to_the_old_isp(env) -> None:
    app, c = env
    ctx = _ctx(app)
    assert ctx.gates.ttl > 0  # kept by default
    if ctx.registry_listener is not None:
        await _listening(ctx)
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200  # cached now
    assert ctx.gates.get((isps.olt_a, A_SERIAL)) is not None
    async with ctx.sessions() as db:  # a write straight through the sessions, no route
        olt = await db.get(Olt, isps.olt_a)
        assert olt is not None
        olt.tenant = "2"
        await db.commit()
    r = await c.get(url, headers=isps.a["viewer"])
    assert r.status_code == 404 and r.json()["code"] == "OLT_NOT_FOUND"


@postgresql_only
async def test_another_replicas_move_is_seen_within_moments(env, database_url) -> None:
    app, c = env
    await _listening(_ctx(app))
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
    assert _ctx(app).gates.get((isps.olt_a, A_SERIAL)) is not None
    await _another_replica_moves(database_url, isps.olt_a, "2")
    assert await _status_within(c, url, isps.a["viewer"], 404) == 404
    assert (await c.get(url, headers=isps.b["viewer"])).status_code == 200


@postgresql_only
async def test_plain_sql_deleting_an_onu_is_seen_within_moments(env, database_url) -> None:
    app, c = env
    await _listening(_ctx(app))
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await conn.execute("DELETE FROM onus WHERE serial = $1", A_SERIAL)
    finally:
        await conn.close()
    assert await _status_within(c, url, isps.a["viewer"], 404) == 404


@postgresql_only
async def test_with_the_listener_down_the_kept_rows_are_not_used(env, database_url) -> None:
    app, c = env
    ctx = _ctx(app)
    await _listening(ctx)
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
    assert ctx.gates.get((isps.olt_a, A_SERIAL)) is not None  # kept while listening
    assert ctx.registry_listener is not None
    await ctx.registry_listener.stop()  # nobody hears the next write
    assert not ctx.gates_usable()
    await _another_replica_moves(database_url, isps.olt_a, "2")
    assert ctx.gates.get((isps.olt_a, A_SERIAL)) is not None  # still there, but not used
    r = await c.get(url, headers=isps.a["viewer"])
    assert r.status_code == 404 and r.json()["code"] == "OLT_NOT_FOUND"


@postgresql_only
async def test_a_lost_listener_connection_is_noticed_and_listened_again(env, database_url) -> None:
    app, c = env
    ctx = _ctx(app)
    await _listening(ctx)
    listener = ctx.registry_listener
    assert listener is not None and listener._conn is not None
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
    pid = listener._conn.get_server_pid()
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        assert await conn.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await conn.close()
    for _ in range(100):  # noticed: the kept rows are not used
        if not listener.connected:
            break
        await asyncio.sleep(0.05)
    assert not listener.connected and not ctx.gates_usable()
    await _listening(ctx, seconds=10)  # back (with backoff), the map emptied
    assert ctx.gates.get((isps.olt_a, A_SERIAL)) is None
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
    await _another_replica_moves(database_url, isps.olt_a, "2")
    assert await _status_within(c, url, isps.a["viewer"], 404) == 404


# --- this process's own writes (SQLite: the only push there is) ---------------------------


@sqlite_only
async def test_bulk_registry_statements_drop_the_rows_on_commit_only(env) -> None:
    app, _ = env
    ctx = _ctx(app)
    key = (1, None)
    ctx.gates.put(key, ("1", None))
    async with ctx.sessions() as db:
        await db.execute(update(Onu).where(Onu.id == 0).values(frame=1))
        await db.rollback()
    assert ctx.gates.get(key) is not None  # rolled back: nothing changed
    async with ctx.sessions() as db:
        await db.execute(update(User).where(User.id == 0).values(active=False))
        await db.commit()
    assert ctx.gates.get(key) is not None  # not the registry
    async with ctx.sessions() as db:
        await db.execute(update(Olt).where(Olt.id == 0).values(name="x"))
        assert ctx.gates.get(key) is not None  # not committed yet
        await db.commit()
    assert ctx.gates.get(key) is None


@sqlite_only
async def test_a_gate_row_read_before_a_registry_change_is_not_kept(env, monkeypatch) -> None:
    from ponapi.api import deps
    from ponapi.auth.principal import scope_for

    app, c = env
    ctx = _ctx(app)
    isps = await two_isps(c)
    real = deps._gate_row

    async def slow_row(ctx_: AppContext, olt_id: int, serial: object) -> object:
        row = await real(ctx_, olt_id, serial)  # type: ignore[arg-type]
        ctx_.registry_changed()  # a change committed while the row was on its way
        return row

    monkeypatch.setattr(deps, "_gate_row", slow_row)
    await deps.cached_gate(ctx, scope_for("1", False), isps.olt_a, None)
    assert ctx.gates.get((isps.olt_a, None)) is None
    monkeypatch.setattr(deps, "_gate_row", real)
    await deps.cached_gate(ctx, scope_for("1", False), isps.olt_a, None)
    assert ctx.gates.get((isps.olt_a, None)) is not None


def test_the_default_keeps_rows_and_sqlite_keeps_them_briefly(tmp_path) -> None:
    from ponapi.main import SQLITE_GATE_SECONDS, gate_seconds

    sqlite = make_settings(tmp_path, "sqlite+aiosqlite:///x.db")
    postgresql = make_settings(tmp_path, "postgresql+asyncpg://u@127.0.0.1/x")
    assert postgresql.tenant_gate_cache_seconds == 30
    assert gate_seconds(postgresql) == 30
    assert gate_seconds(sqlite) == SQLITE_GATE_SECONDS == 5
    off = make_settings(tmp_path, "sqlite+aiosqlite:///x.db", tenant_gate_cache_seconds=0)
    assert gate_seconds(off) == 0


async def test_a_listener_that_cannot_connect_retries_without_secrets_and_stops(caplog) -> None:
    from ponapi.db.registry_watch import RegistryListener

    engine = create_async_engine("postgresql+asyncpg://ponapi:s3cret-pw@127.0.0.1:1/ponapi")
    changes: list[int] = []
    listener = RegistryListener.for_engine(engine, lambda: changes.append(1), timeout=0.5)
    assert listener is not None
    listener.start()
    await asyncio.sleep(1.0)  # the first try and a retry, both refused
    assert not listener.connected and changes == []
    await asyncio.wait_for(listener.stop(), 2)
    await engine.dispose()
    assert caplog.text.count("registry change notifications unavailable") >= 2
    assert "s3cret-pw" not in caplog.text


@sqlite_only
async def test_sqlite_has_no_listener_and_keeps_rows_briefly(env) -> None:
    app, _ = env
    ctx = _ctx(app)
    assert ctx.registry_listener is None and ctx.gates_usable()
    assert ctx.gates.ttl == 5
