"""Async engine and session factory."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from ponapi.db.registry_watch import registry_session_class


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def secure_sqlite_file(url: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite does, and
    tighten one that exists. SQLite gives its -wal and -shm files the database file's mode, so
    they follow; those already present are tightened here too."""
    path = sqlite_path(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            file.chmod(0o600)


def make_engine(url: str) -> AsyncEngine:
    kwargs: dict[str, object] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        secure_sqlite_file(url)
        kwargs = {"connect_args": {"timeout": 15}}
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _sqlite_pragmas(engine.sync_engine)
    return engine


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()


def make_probe_engine(url: str) -> AsyncEngine:
    """An engine without a pool, for readiness checks: each check opens its own connection
    and closes it, so it never waits behind requests holding every pooled connection."""
    connect_args: dict[str, object] = {"timeout": 2} if url.startswith("sqlite") else {}
    return create_async_engine(url, poolclass=NullPool, connect_args=connect_args)


def make_sessionmaker(
    engine: AsyncEngine, on_registry_write: Callable[[], None] | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions of ``engine``; with ``on_registry_write``, called after each commit that wrote
    OLT or ONU rows (see ``ponapi.db.registry_watch``)."""
    if on_registry_write is None:
        return async_sessionmaker(engine, expire_on_commit=False)
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        sync_session_class=registry_session_class(on_registry_write),
    )
