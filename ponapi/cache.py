"""The cache behind the service: in memory (default) or Redis (``REDIS_URL``).

Values are bytes; callers serialise. Every Redis call has a short deadline of its own
(``CACHE_TIMEOUT_MS``). With Redis configured the cache is a ``FallbackCache``: when Redis goes
away, or hangs, it serves from memory (with a warning) and tries Redis again a few seconds
later; a request never fails, nor queues, because of the cache.

Locks (``acquire``/``release``) make single-flight work across processes sharing Redis: a
``SET NX PX`` with a random token, released only by its holder.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import redis.asyncio as aioredis
from cachetools import TLRUCache

log = logging.getLogger("ponapi.cache")


class Cache(Protocol):
    name: str

    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, ttl: float) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def acquire(self, key: str, ttl: float) -> str | None: ...
    async def incr(self, key: str, ttl: float, by: int = 1) -> int: ...
    async def ttl(self, key: str) -> float | None: ...
    async def release(self, key: str, token: str) -> None: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


@dataclass(slots=True)
class _Entry:
    expires: float  # time.monotonic()
    value: bytes


def _entry_expiry(_key: str, entry: _Entry, _now: float) -> float:
    return entry.expires


class MemoryCache:
    """A TTL dictionary with a size bound: cachetools' TLRUCache (per-entry expiry, least
    recently used entries go first when full, expired ones before them; O(log n) per insert).

    Counters (``incr``) live in the same bounded map as values: their keys include names typed
    at the login form, so an unbounded counter table would grow with every guess."""

    name = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self._data: TLRUCache[str, _Entry] = TLRUCache(
            maxsize=max_entries, ttu=_entry_expiry, timer=time.monotonic
        )

    def _live(self, key: str) -> _Entry | None:
        entry = self._data.get(key)
        if entry is None or entry.expires <= time.monotonic():
            return None
        return entry

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return entry.value if entry is not None else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if ttl <= 0:
            self._data.pop(key, None)
            return
        self._data[key] = _Entry(time.monotonic() + ttl, value)

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    def __len__(self) -> int:
        return len(self._data)

    async def incr(self, key: str, ttl: float, by: int = 1) -> int:
        """Count within a window that starts at the first increment."""
        entry = self._live(key)
        if entry is None:
            await self.set(key, str(by).encode(), ttl)
            return by
        count = int(entry.value) + by
        entry.value = str(count).encode()  # in place: the window (expiry) stays
        return count

    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; None when it does not exist."""
        entry = self._live(key)
        return entry.expires - time.monotonic() if entry is not None else None

    async def acquire(self, key: str, ttl: float) -> str | None:
        if await self.get(key) is not None:
            return None
        token = secrets.token_hex(8)
        await self.set(key, token.encode(), ttl)
        return token

    async def release(self, key: str, token: str) -> None:
        if await self.get(key) == token.encode():
            await self.delete(key)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()


_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


T = TypeVar("T")


class RedisCache:
    """Redis, each call bounded by its own deadline (``CACHE_TIMEOUT_MS``): a Redis that
    accepts connections and never answers costs a request at most that long per call."""

    name = "redis"
    MAX_CONNECTIONS = 32

    def __init__(self, url: str, timeout: float = 0.5, prefix: str = "ponapi:") -> None:
        self.timeout = timeout
        # A bounded pool of kept connections: a burst of requests reuses them (Redis answers
        # in microseconds) instead of opening one new connection, with its handshake, per
        # concurrent call; that connection storm alone missed the deadline under load.
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=self.MAX_CONNECTIONS,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        self._redis = aioredis.Redis.from_pool(pool)  # closed with the client
        self._prefix = prefix

    async def _call(self, op: Callable[[], Awaitable[T]]) -> T:
        # The socket timeouts bound each read; this bounds the whole call (connecting, the
        # handshake, several reads), which the socket timeouts alone do not.
        async with asyncio.timeout(self.timeout):
            return await op()

    async def get(self, key: str) -> bytes | None:
        value = await self._call(lambda: self._redis.get(self._prefix + key))
        return bytes(value) if value is not None else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        ms = max(1, int(ttl * 1000))
        await self._call(lambda: self._redis.set(self._prefix + key, value, px=ms))

    async def delete(self, key: str) -> None:
        await self._call(lambda: self._redis.delete(self._prefix + key))

    async def incr(self, key: str, ttl: float, by: int = 1) -> int:
        async def run() -> int:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incrby(self._prefix + key, by)
                pipe.pexpire(self._prefix + key, max(1, int(ttl * 1000)), nx=True)
                count, _ = await pipe.execute()
            return int(count)

        return await self._call(run)

    async def ttl(self, key: str) -> float | None:
        left = await self._call(lambda: self._redis.pttl(self._prefix + key))
        return left / 1000 if left > 0 else None  # -2: no key, -1: no expiry

    async def acquire(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        ms = max(1, int(ttl * 1000))
        ok = await self._call(lambda: self._redis.set(self._prefix + key, token, nx=True, px=ms))
        return token if ok else None

    async def release(self, key: str, token: str) -> None:
        async def run() -> None:
            await self._redis.eval(_RELEASE, 1, self._prefix + key, token)  # type: ignore[misc]

        await self._call(run)

    async def ping(self) -> bool:
        try:
            return bool(await self._call(self._redis.ping))
        except Exception:
            return False

    async def close(self) -> None:
        await self._redis.aclose()


class FallbackCache:
    """Redis while it answers; the in-memory cache (and a warning) while it does not.

    A circuit breaker: one failed or timed-out Redis call opens it, and for ``RETRY_AFTER``
    seconds every call goes to memory without touching Redis (a hung Redis costs one deadline,
    not one per call). Then a single call probes Redis (the others keep using memory): its
    success closes the breaker, its failure keeps it open another ``RETRY_AFTER``."""

    name = "redis"
    RETRY_AFTER = 5.0

    def __init__(self, primary: RedisCache, fallback: MemoryCache | None = None) -> None:
        self.primary = primary
        self.fallback = fallback or MemoryCache()
        self._down_until = 0.0
        self._open = False
        self._probing = False

    @property
    def degraded(self) -> bool:
        return self._open

    def _failed(self, exc: BaseException) -> None:
        if not self._open:
            log.warning(
                "Redis unreachable or too slow (%s); using the in-memory cache for %.0f s",
                type(exc).__name__,
                self.RETRY_AFTER,
            )
        self._open = True
        self._down_until = time.monotonic() + self.RETRY_AFTER

    async def _try(self, op: Callable[[], Awaitable[T]]) -> tuple[bool, T | None]:
        """(True, result) when Redis answered; (False, None) when the caller must use memory."""
        probe = False
        if self._open:
            if self._probing or time.monotonic() < self._down_until:
                return False, None
            self._probing = probe = True
        try:
            result = await op()
        except Exception as exc:
            self._failed(exc)
            return False, None
        finally:
            if probe:
                self._probing = False
        self._open = False
        return True, result

    async def get(self, key: str) -> bytes | None:
        ok, value = await self._try(lambda: self.primary.get(key))
        return value if ok else await self.fallback.get(key)

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        await self.fallback.set(key, value, ttl)  # kept locally too: survives a Redis outage
        await self._try(lambda: self.primary.set(key, value, ttl))

    async def delete(self, key: str) -> None:
        await self.fallback.delete(key)
        await self._try(lambda: self.primary.delete(key))

    async def incr(self, key: str, ttl: float, by: int = 1) -> int:
        ok, count = await self._try(lambda: self.primary.incr(key, ttl, by))
        return count if ok and count is not None else await self.fallback.incr(key, ttl, by)

    async def ttl(self, key: str) -> float | None:
        ok, left = await self._try(lambda: self.primary.ttl(key))
        return left if ok else await self.fallback.ttl(key)

    async def acquire(self, key: str, ttl: float) -> str | None:
        ok, token = await self._try(lambda: self.primary.acquire(key, ttl))
        return token if ok else await self.fallback.acquire(key, ttl)

    async def release(self, key: str, token: str) -> None:
        await self.fallback.release(key, token)
        await self._try(lambda: self.primary.release(key, token))

    async def ping(self) -> bool:
        ok = await self.primary.ping()
        if ok:
            self._open = False
        return ok

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()


def make_cache(redis_url: str, timeout: float = 0.5) -> Cache:
    return FallbackCache(RedisCache(redis_url, timeout)) if redis_url else MemoryCache()
