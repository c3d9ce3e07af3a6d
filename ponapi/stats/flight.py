"""One upstream read per ONU at a time: in this process (single-flight) and across every
replica sharing the cache (a lock in the cache, waiters take the holder's result)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from ponapi.cache import Cache
from ponapi.errors import UpstreamTimeout
from ponapi.metrics import SINGLE_FLIGHT_JOINS
from ponapi.stats.store import PayloadStore

log = logging.getLogger("ponapi.stats")

Work = Callable[[], Coroutine[Any, Any, dict[str, Any]]]
T = TypeVar("T")


class SingleFlight(Generic[T]):
    """Callers of the same key share one running read (or discovery) and its result."""

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Task[T]] = {}

    async def run(self, key: str, work: Callable[[], Coroutine[Any, Any, T]], deadline: float) -> T:
        """The read runs as its own task, so a caller that goes away (client disconnected)
        neither cancels it for the others nor loses the result for the cache; it runs under
        the deadline of the request that started it, so a stuck upstream call ends with it
        and frees what it holds (the OLT's slot and session)."""
        task = self._inflight.get(key)
        if task is not None:
            SINGLE_FLIGHT_JOINS.inc()
        else:
            task = asyncio.create_task(_bounded(work, deadline))
            self._inflight[key] = task

            def done(t: asyncio.Task[T]) -> None:
                if self._inflight.get(key) is t:
                    del self._inflight[key]
                if not t.cancelled():
                    t.exception()  # retrieved here, so an unawaited failure is not reported

            task.add_done_callback(done)
        return await asyncio.shield(task)


async def _bounded(work: Callable[[], Coroutine[Any, Any, T]], deadline: float) -> T:
    try:
        async with asyncio.timeout(max(0.0, deadline - time.monotonic())):
            return await work()
    except TimeoutError as exc:
        raise UpstreamTimeout("The upstream did not answer within the request budget.") from exc


class ReplicaLock:
    """A per-ONU lock in the shared cache. Its holder reads; the others wait until a payload
    newer than the one they saw (another ``readId``, never a clock of another machine)
    appears in the cache, or until the holder gives up."""

    def __init__(self, cache: Cache, store: PayloadStore) -> None:
        self.cache = cache
        self.store = store

    async def run(
        self, key: str, work: Work, *, live: frozenset[str], deadline: float
    ) -> dict[str, Any]:
        """``live``: the sections the caller wants read from the device now (none: a plain
        read). A waiter takes another replica's result only when it covers them."""
        # Reads and live reads lock apart: a live read must never settle for a plain one.
        lock_key = f"lock:{key}:{'live' if live else 'read'}"
        seen = await self.store.get(key)
        seen_id = seen.get("readId") if seen else None
        while True:
            try:
                lock_id = await self.cache.acquire(lock_key, max(1.0, deadline - time.monotonic()))
            except Exception:
                log.warning("cache lock unavailable; reading without it", exc_info=True)
                lock_id = "local"  # no shared cache: the in-process single-flight still holds
            if lock_id is not None:
                try:
                    return await work()
                finally:
                    if lock_id != "local":
                        try:
                            await self.cache.release(lock_key, lock_id)
                        except Exception:
                            log.warning("cache lock release failed", exc_info=True)
            SINGLE_FLIGHT_JOINS.inc()
            while time.monotonic() < deadline:
                await asyncio.sleep(0.05)
                cached = await self.store.get(key)
                if (
                    cached
                    and cached.get("readId") not in (None, seen_id)
                    and live <= set(cached.get("liveAsked", cached.get("live")) or ())
                ):
                    return cached  # read by another replica while this one waited
                if await self.store.raw(lock_key) is None:
                    break  # the holder gave up: try to become the reader
            else:
                raise UpstreamTimeout(
                    "Another replica was still reading this ONU when the request budget ran out."
                )


def new_read_id() -> str:
    return uuid.uuid4().hex
