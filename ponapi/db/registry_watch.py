"""Registry writes pushed to the processes that keep registry rows in memory.

Two sources, one callback (``on_change``: drop what is kept):

- this process's own writes: every session of ``make_sessionmaker`` reports a committed
  insert, update or delete of an OLT or ONU row, flushed objects and bulk statements alike;
- every process's writes on PostgreSQL: the ``ponapi_registry`` channel, notified by the
  statement triggers of migration 0007 on ``olts`` and ``onus`` (whatever wrote: another
  replica, the CLI, plain SQL). ``RegistryListener`` listens on its own connection, and says
  whether it is listening (``connected``): while it is not, nothing kept may be trusted.

SQLite has no such channel: only this process's own writes are seen at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from contextlib import suppress
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

log = logging.getLogger("ponapi.db")

CHANNEL = "ponapi_registry"
REGISTRY_TABLES = frozenset({"olts", "onus"})
_CHANGED = "ponapi_registry_changed"
# Keys of a SQLAlchemy asyncpg URL that SQLAlchemy itself consumes, not asyncpg.connect().
_SQLALCHEMY_ONLY = ("async_fallback", "async_creator_fn", "prepared_statement_cache_size")


def _touches_registry(objects: Iterable[object]) -> bool:
    return any(getattr(o, "__tablename__", None) in REGISTRY_TABLES for o in objects)


def registry_session_class(on_change: Callable[[], None]) -> type[Session]:
    """A Session class whose committed OLT/ONU writes call ``on_change`` (after the commit:
    until then no other connection sees them, and a reader that loaded a row before the
    commit is refused by the map's generation)."""

    class RegistrySession(Session):
        pass

    def flushed(session: Session, _flush: UOWTransaction) -> None:
        if (
            _touches_registry(session.new)
            or _touches_registry(session.dirty)
            or _touches_registry(session.deleted)
        ):
            session.info[_CHANGED] = True

    def executed(state: ORMExecuteState) -> None:
        if not (state.is_insert or state.is_update or state.is_delete):
            return
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in REGISTRY_TABLES:
            session = state.session
            session.info[_CHANGED] = True

    def committed(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            on_change()

    def rolled_back(session: Session) -> None:
        session.info.pop(_CHANGED, None)

    event.listen(RegistrySession, "after_flush", flushed)
    event.listen(RegistrySession, "do_orm_execute", executed)
    event.listen(RegistrySession, "after_commit", committed)
    event.listen(RegistrySession, "after_rollback", rolled_back)
    return RegistrySession


class RegistryListener:
    """Listens on ``ponapi_registry`` (PostgreSQL) on a connection of its own.

    ``on_change`` runs on every notification, and on every (re)connect (writes made while
    nobody listened are unknown). ``connected`` is True only while listening; a lost
    connection is noticed by asyncpg's termination callback or a periodic ``SELECT 1``
    (``heartbeat``), and retried with exponential backoff (with jitter, up to
    ``max_backoff``). Every call has ``timeout``. Logs never show the URL or credentials.
    """

    def __init__(
        self,
        connect_kwargs: dict[str, Any],
        on_change: Callable[[], None],
        *,
        timeout: float = 5.0,
        heartbeat: float = 5.0,
        max_backoff: float = 30.0,
    ) -> None:
        self._connect_kwargs = connect_kwargs
        self._on_change = on_change
        self.timeout = timeout
        self.heartbeat = heartbeat
        self.max_backoff = max_backoff
        self.connected = False
        self._task: asyncio.Task[None] | None = None
        self._conn: Any = None

    @classmethod
    def for_engine(
        cls, engine: AsyncEngine, on_change: Callable[[], None], **kw: float
    ) -> RegistryListener | None:
        """A listener on the engine's database (its driver's own connect arguments), or None
        for a database without notifications (SQLite)."""
        if engine.dialect.name != "postgresql":
            return None
        _, kwargs = engine.dialect.create_connect_args(engine.url)
        for key in _SQLALCHEMY_ONLY:
            kwargs.pop(key, None)
        return cls(dict(kwargs), on_change, **kw)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ponapi-registry-listener")

    async def stop(self) -> None:
        self.connected = False
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=self.timeout + 1)
        if not done and self._conn is not None:  # closing hung: drop the socket
            self._conn.terminate()
        if done:
            with suppress(asyncio.CancelledError):
                task.result()

    def _notified(self, *_args: object) -> None:
        self._on_change()

    def _lost(self, *_args: object) -> None:
        self.connected = False

    async def _run(self) -> None:
        delay = 0.5
        while True:
            try:
                await self._listen()
                delay = 0.5  # it was listening: the next try comes soon
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure: retried, never fatal
                log.warning(
                    "registry change notifications unavailable (%s); kept tenant gate rows "
                    "are not used until they are back; retrying in %.1f s",
                    type(exc).__name__,
                    delay,
                )
            self.connected = False
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret
            delay = min(delay * 2, self.max_backoff)

    async def _listen(self) -> None:
        import asyncpg

        conn = await asyncpg.connect(**self._connect_kwargs, timeout=self.timeout)
        self._conn = conn
        try:
            conn.add_termination_listener(self._lost)
            await asyncio.wait_for(conn.add_listener(CHANNEL, self._notified), self.timeout)
            self._on_change()  # whatever changed while nobody listened
            self.connected = True
            log.info("listening for registry changes")
            while self.connected and not conn.is_closed():
                await asyncio.sleep(self.heartbeat)
                if self.connected:
                    await conn.fetchval("SELECT 1", timeout=self.timeout)
            log.warning("registry change notifications lost; reconnecting")
        finally:
            self.connected = False
            self._conn = None
            try:
                await asyncio.wait_for(conn.close(), self.timeout)
            except Exception:  # a connection that cannot close is dropped
                conn.terminate()
            except asyncio.CancelledError:
                conn.terminate()
                raise
