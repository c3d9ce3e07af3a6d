"""The audit log: who did what, when, to what, with what result.

Entries are queued and written in batches by a background task, so a stats read does not wait
for a database write; the queue is flushed before every audit query and at shutdown. Details
hold names and ids only, never secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ponapi.auth.principal import current
from ponapi.db.models import AuditEntry
from ponapi.requestid import current_request_id

log = logging.getLogger("ponapi.audit")

# The client address of the request being served (set by the request guard middleware), so
# every entry says where the action came from, not only logins.
CLIENT: ContextVar[str] = ContextVar("ponapi_client", default="")


DETAILS_MAX = 4000
FLUSH_ROWS = 100  # audit rows per INSERT (see _flush)
_CLIP = 200


def _clipped(value: Any) -> Any:
    """``value`` with every string cut to ``_CLIP`` characters and every list to 20 items."""
    if isinstance(value, str):
        return value if len(value) <= _CLIP else value[:_CLIP] + "…"
    if isinstance(value, dict):
        return {str(k)[:_CLIP]: _clipped(v) for k, v in list(value.items())[:50]}
    if isinstance(value, (list, tuple)):
        return [_clipped(v) for v in value[:20]]
    return value


def bounded_details(details: dict[str, Any]) -> str:
    """The details as JSON of at most ``DETAILS_MAX`` characters that always reads back: cut
    JSON text is not JSON (one such row once made every audit listing fail). Too long, the
    values are shortened (``truncated: true``); still too long, only the keys remain."""
    text = orjson.dumps(details, default=str).decode()
    if len(text) <= DETAILS_MAX:
        return text
    short = orjson.dumps({**_clipped(details), "truncated": True}, default=str).decode()
    if len(short) <= DETAILS_MAX:
        return short
    keys = [str(k)[:64] for k in list(details)[:20]]
    return orjson.dumps({"truncated": True, "size": len(text), "keys": keys}).decode()


REFUSAL_WINDOW = 60.0  # seconds
REFUSAL_KEYS = 1000  # distinct refusals per window before they are pooled


@dataclass
class _Repeats:
    since: float
    user: Any
    details: dict[str, Any]
    count: int = 0
    client: str = ""


class AuditLog:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        batch_seconds: float = 1.0,
        max_pending: int = 50_000,
    ) -> None:
        self.sessions = sessions
        self.batch_seconds = batch_seconds
        # While the database is down entries wait in memory, up to this many; past it the
        # oldest go (with a warning) rather than the process running out of memory.
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        # Refusals within the current minute: (who, action, target, result) -> repeats not yet
        # written (see ``refused``).
        self._refusals: dict[tuple[str, str, str, str], _Repeats] = {}

    def refused(
        self, action: str, *, user: Any = None, target: str = "", result: str, **details: Any
    ) -> None:
        """A refused attempt (``403``, an invalid body, an unknown ONU, ``409``, ``429``...),
        bounded so a flood of refusals cannot fill the database: the first of a minute for one
        (user, action, target, result) is written at once; its repeats within that minute are
        counted and written as one more row (``repeats: n``) when the minute is over (or at the
        next flush after it). At most ``REFUSAL_KEYS`` keys per minute; past them, repeats of
        any key go to one ``action.refused`` row per minute."""
        now = time.monotonic()
        self._roll(now)
        client = CLIENT.get()[:64]
        # No user (a ``401``): the client's address tells the attempts apart.
        who = str(getattr(user, "id", "") or getattr(user, "username", "") or f"ip:{client}")
        key = (who, action, target[:255], result[:32])
        seen = self._refusals.get(key)
        if seen is not None:
            seen.count += 1
            return
        if len(self._refusals) >= REFUSAL_KEYS:
            key = ("*", "action.refused", "", "refused")
            seen = self._refusals.get(key)
            if seen is None:
                self._refusals[key] = _Repeats(now, user, {"overflow": True}, count=1)
            else:
                seen.count += 1
            return
        self._refusals[key] = _Repeats(now, user, details, client=client)
        self.record(action, user=user, target=target, result=result, refused=True, **details)

    def _roll(self, now: float, *, everything: bool = False) -> None:
        """Write the repeats of every refusal whose minute is over."""
        for key, seen in list(self._refusals.items()):
            if everything or now - seen.since >= REFUSAL_WINDOW:
                del self._refusals[key]
                if seen.count:
                    _, action, target, result = key
                    self.record(
                        action,
                        user=seen.user,
                        target=target,
                        result=result,
                        client=seen.client,
                        refused=True,
                        repeats=seen.count,
                        **seen.details,
                    )

    def record(
        self,
        action: str,
        *,
        user: Any = None,
        username: str = "",
        target: str = "",
        result: str = "ok",
        client: str = "",
        **details: Any,
    ) -> None:
        # Plain rows, written with one multi-row INSERT: an ORM object per entry cost more
        # than the cached stats read it records.
        user_id = getattr(user, "id", None)
        principal = current()
        if user is not None and hasattr(user, "tenant"):
            tenant, subject = user.tenant, str(getattr(user, "subject", "") or "")
        elif principal is not None:
            tenant, subject = principal.tenant, principal.subject
        else:
            tenant, subject = None, ""
        self._pending.append(
            {
                "at": datetime.now(UTC),
                # A platform user has no row here (its id is negative): its subject says who.
                "user_id": user_id if isinstance(user_id, int) and user_id > 0 else None,
                "tenant": tenant,
                "subject": subject[:255],
                "username": getattr(user, "username", "") or username,
                "action": action,
                "target": target[:255],
                "result": result[:32],
                "client": (client or CLIENT.get())[:64],
                "details": bounded_details(details),
                "request_id": current_request_id() or "",
            }
        )
        if len(self._pending) > self.max_pending:
            excess = len(self._pending) - self.max_pending
            del self._pending[:excess]
            self.dropped += excess
            log.warning(
                "audit queue full (database unreachable?): dropped %d oldest entries", excess
            )
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._later())

    async def _later(self) -> None:
        await asyncio.sleep(self.batch_seconds)
        await self.flush()

    async def flush(self) -> None:
        if self._refusals:
            self._roll(time.monotonic())
        # Shielded: a caller cancelled mid-write (the timer at shutdown, a client that hung up)
        # must not cut a commit in half; that left SQLite's write lock held and lost the batch.
        await asyncio.shield(self._flush())

    async def _flush(self) -> None:
        async with self._lock:
            batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                async with self.sessions() as db:
                    # In slices, one transaction: preparing a row's parameters runs on the event
                    # loop (about 13 us each), and a second's 1,000 reads in one statement held
                    # every request for 13 ms; each slice hands the loop back while it is written.
                    for start in range(0, len(batch), FLUSH_ROWS):
                        await db.execute(insert(AuditEntry), batch[start : start + FLUSH_ROWS])
                    await db.commit()
            except Exception:
                log.exception("could not write %d audit entries; keeping them", len(batch))
                self._pending[:0] = batch

    async def close(self) -> None:
        self._roll(time.monotonic(), everything=True)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await self.flush()
