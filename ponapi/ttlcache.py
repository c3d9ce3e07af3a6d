"""A tiny in-process TTL map for hot lookups (authenticated users, registry rows).

Not a cache backend (see ponapi.cache): values are Python objects local to this process, kept
for seconds, and dropped by this process's own writes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K")
V = TypeVar("V")


class TtlMap(Generic[K, V]):
    """Entries live ``ttl`` seconds; at ``max_entries`` the least recently used go first
    (cachetools' TTLCache), so a full map keeps its hot entries."""

    def __init__(self, ttl: float, max_entries: int = 50_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._data: TTLCache[K, V] = TTLCache(
            maxsize=max_entries, ttl=max(ttl, 1e-9), timer=time.monotonic
        )
        self._loading: dict[K, asyncio.Future[V | None]] = {}
        self._generation = 0

    def get(self, key: K) -> V | None:
        if self.ttl <= 0:
            return None
        return self._data.get(key)

    @property
    def generation(self) -> int:
        """Bumped by every ``clear()``: read it before loading a value, pass it to ``put``."""
        return self._generation

    def put(self, key: K, value: V, generation: int | None = None) -> None:
        """Keep ``value``; with ``generation``, only when no ``clear()`` ran since it was read
        (a value loaded before a change is not kept after the change dropped the map)."""
        if self.ttl <= 0 or (generation is not None and generation != self._generation):
            return
        self._data[key] = value

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The kept value, else ``load()``'s (kept unless None).

        Concurrent misses for one key share one load: when an entry expires under load, one
        database read refills it instead of one per waiting request (which queued them all
        behind the connection pool for seconds). A load's exception reaches every waiter.
        """
        hit = self.get(key)
        if hit is not None:
            return hit
        task = self._loading.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, load, self._generation))
            self._loading[key] = task

            def done(t: asyncio.Future[V | None], key: K = key) -> None:
                if self._loading.get(key) is t:
                    del self._loading[key]
                if not t.cancelled():
                    t.exception()  # retrieved here, so a load nobody awaits is not reported

            task.add_done_callback(done)
        return await asyncio.shield(task)

    async def _load(
        self, key: K, load: Callable[[], Awaitable[V | None]], generation: int
    ) -> V | None:
        value = await load()
        if value is not None:
            self.put(key, value, generation)  # unless a clear() ran meanwhile
        return value

    def clear(self) -> None:
        """Drop every entry; loads already running no longer fill the map."""
        self._data.clear()
        self._loading.clear()
        self._generation += 1
