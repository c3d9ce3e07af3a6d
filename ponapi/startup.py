"""What ``ponapi serve`` checks and prepares before it serves, each failure one line for the
operator: a DATABASE_URL without an async driver, a database that refuses the login or cannot be
reached, a failed migration, a REDIS_URL that does not answer. The lines name the user, host,
port and database, never the password."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ponapi.config import Settings
from ponapi.server import StartupError

ASYNC_DRIVERS = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}


def check_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StartupError("DATABASE_URL is not a database URL (see docs/production.md)") from exc
    backend = parsed.get_backend_name()
    wanted = ASYNC_DRIVERS.get(backend)
    if wanted is None:
        raise StartupError(
            f"DATABASE_URL names {backend!r}; ponapi runs on PostgreSQL "
            "(postgresql+asyncpg://...) or SQLite (sqlite+aiosqlite:///...)"
        )
    if parsed.drivername != wanted:
        raise StartupError(
            f"DATABASE_URL uses the driver {parsed.drivername!r}; ponapi needs the async one: "
            f"write it as {wanted}://..."
        )
    return parsed


def prepare_database(settings: Settings, *, migrate: bool) -> str | None:
    """Migrations (when asked) and the first admin account; returns that account's generated
    password on the first start."""
    from ponapi.db.migrate import upgrade

    url = check_database_url(settings.database_url)
    try:
        if migrate:
            upgrade(settings.database_url)
        return asyncio.run(_ensure_admin(settings))
    except Exception as exc:
        raise StartupError(describe_database_error(exc, url)) from exc


def check_redis(url: str, timeout: float) -> None:
    """With REDIS_URL set, one PING within ``timeout`` seconds; otherwise one line saying why
    (the service would only have warned at its first request, each worker on its own)."""
    if not url:
        return
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise StartupError("REDIS_URL is not a redis:// URL (e.g. redis://127.0.0.1:6379/0)")
    where = f"{parts.hostname or 'localhost'}:{parts.port or 6379}{parts.path or '/0'}"
    if parts.scheme == "unix":
        where = parts.path
    try:
        asyncio.run(_ping(url, seconds=timeout))
    except Exception as exc:
        raise StartupError(describe_redis_error(exc, where)) from exc


async def _ping(url: str, *, seconds: float) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url, socket_connect_timeout=seconds, socket_timeout=seconds)
    try:
        async with asyncio.timeout(seconds):
            await client.ping()
    finally:
        await client.aclose()


def describe_redis_error(exc: BaseException, where: str) -> str:
    for err in _chain(exc):
        name = type(err).__name__
        if name in ("AuthenticationError", "AuthenticationWrongNumberOfArgsError"):
            return f"Redis at {where} refused the login: check the password in REDIS_URL"
        if isinstance(err, ConnectionRefusedError) or "refused" in str(err).lower():
            return f"cannot reach Redis at {where} (REDIS_URL): connection refused"
        if isinstance(err, TimeoutError) or name == "TimeoutError":
            return f"cannot reach Redis at {where} (REDIS_URL): no answer in time"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"cannot use Redis at {where} (REDIS_URL): {type(exc).__name__}: {first[:200]}"


async def _ensure_admin(settings: Settings) -> str | None:
    from ponapi.bootstrap import ensure_admin
    from ponapi.db.session import make_engine, make_sessionmaker

    engine = make_engine(settings.database_url)
    try:
        async with make_sessionmaker(engine)() as db:
            return await ensure_admin(db, settings.data_dir)
    finally:
        await engine.dispose()


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [current.__cause__, current.__context__, getattr(current, "orig", None)]


def describe_database_error(exc: BaseException, url: URL) -> str:
    where = (
        f"{url.host or 'localhost'}:{url.port or 5432}/{url.database}"
        if url.get_backend_name() == "postgresql"
        else str(url.database)
    )
    for err in _chain(exc):
        name = type(err).__name__
        if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            return (
                f"the database at {where} refused the login of user {url.username!r}: "
                "check the user and password in DATABASE_URL"
            )
        if name == "InvalidCatalogNameError":
            return f"the database {url.database!r} does not exist on {where} (create it first)"
        if isinstance(err, ConnectionRefusedError):
            return f"cannot reach the database at {where}: connection refused"
        if isinstance(err, TimeoutError):
            return f"cannot reach the database at {where}: no answer in time"
        if isinstance(err, OSError) and not isinstance(err, ConnectionError):
            return f"cannot reach the database at {where}: {err.strerror or err}"
    first = (str(exc).strip().splitlines() or [""])[0]
    if url.password:
        first = first.replace(str(url.password), "***")
    return f"preparing the database at {where} failed: {type(exc).__name__}: {first[:300]}"
