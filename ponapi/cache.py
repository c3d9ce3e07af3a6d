"""The cache behind the service: in memory (default) or Redis (``REDIS_URL``).

Values are bytes; callers serialise. Every Redis call has a timeout. With Redis configured the
cache is a ``FallbackCache``: when Redis goes away it serves from memory (with a warning) and
tries Redis again a few seconds later; a request never fails because of the cache.

Locks (``acquire``/``release``) make single-flight work across processes sharing Redis: a
``SET NX PX`` with a random token, released only by its holder.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from typing import Protocol

import redis.asyncio as aioredis

log = logging.getLogger("ponapi.cache")


class Cache(Protocol):
    name: str

    async def get(self, key: str) -> bytes | None: ...
    async def set(self, key: str, value: bytes, ttl: float) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def acquire(self, key: str, ttl: float) -> str | None: ...
    async def incr(self, key: str, ttl: float) -> int: ...
    async def ttl(self, key: str) -> float | None: ...
    async def release(self, key: str, token: str) -> None: ...
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...


class MemoryCache:
    """A TTL dictionary with a size bound (oldest entries go first)."""

    name = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self._data: dict[str, tuple[float, bytes]] = {}
        self._max = max_entries

    async def get(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._data.pop(key, None)
            return None
        return value

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if len(self._data) >= self._max and key not in self._data:
            self._evict()
        self._data[key] = (time.monotonic() + ttl, value)

    def _evict(self) -> None:
        now = time.monotonic()
        for k in [k for k, (exp, _) in self._data.items() if exp < now]:
            del self._data[k]
        while len(self._data) >= self._max:
            del self._data[next(iter(self._data))]

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def incr(self, key: str, ttl: float) -> int:
        """Count within a window that starts at the first increment."""
        item = self._data.get(key)
        now = time.monotonic()
        if item is None or item[0] < now:
            item = (now + ttl, b"0")
        count = int(item[1]) + 1
        self._data[key] = (item[0], str(count).encode())
        return count

    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; None when it does not exist."""
        item = self._data.get(key)
        left = item[0] - time.monotonic() if item else -1.0
        return left if left > 0 else None

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


class RedisCache:
    name = "redis"

    def __init__(self, url: str, timeout: float = 2.0, prefix: str = "ponapi:") -> None:
        self._redis = aioredis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(self._prefix + key)
        return bytes(value) if value is not None else None

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        await self._redis.set(self._prefix + key, value, px=max(1, int(ttl * 1000)))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def incr(self, key: str, ttl: float) -> int:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._prefix + key)
            pipe.pexpire(self._prefix + key, max(1, int(ttl * 1000)), nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def ttl(self, key: str) -> float | None:
        left = await self._redis.pttl(self._prefix + key)  # -2: no key, -1: no expiry
        return left / 1000 if left > 0 else None

    async def acquire(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(8)
        ok = await self._redis.set(self._prefix + key, token, nx=True, px=max(1, int(ttl * 1000)))
        return token if ok else None

    async def release(self, key: str, token: str) -> None:
        await self._redis.eval(_RELEASE, 1, self._prefix + key, token)

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), timeout=2.0))
        except Exception:
            return False

    async def close(self) -> None:
        await self._redis.aclose()


class FallbackCache:
    """Redis while it answers; the in-memory cache (and a warning) while it does not."""

    name = "redis"
    RETRY_AFTER = 5.0

    def __init__(self, primary: RedisCache, fallback: MemoryCache | None = None) -> None:
        self.primary = primary
        self.fallback = fallback or MemoryCache()
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, exc: Exception) -> None:
        if not self.degraded:
            log.warning(
                "Redis unreachable (%s); using the in-memory cache for %.0f s",
                type(exc).__name__,
                self.RETRY_AFTER,
            )
        self._down_until = time.monotonic() + self.RETRY_AFTER

    async def get(self, key: str) -> bytes | None:
        if not self.degraded:
            try:
                return await self.primary.get(key)
            except Exception as exc:
                self._failed(exc)
        return await self.fallback.get(key)

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        await self.fallback.set(key, value, ttl)  # kept locally too: survives a Redis outage
        if not self.degraded:
            try:
                await self.primary.set(key, value, ttl)
            except Exception as exc:
                self._failed(exc)

    async def delete(self, key: str) -> None:
        await self.fallback.delete(key)
        if not self.degraded:
            try:
                await self.primary.delete(key)
            except Exception as exc:
                self._failed(exc)

    async def incr(self, key: str, ttl: float) -> int:
        if not self.degraded:
            try:
                return await self.primary.incr(key, ttl)
            except Exception as exc:
                self._failed(exc)
        return await self.fallback.incr(key, ttl)

    async def ttl(self, key: str) -> float | None:
        if not self.degraded:
            try:
                return await self.primary.ttl(key)
            except Exception as exc:
                self._failed(exc)
        return await self.fallback.ttl(key)

    async def acquire(self, key: str, ttl: float) -> str | None:
        if not self.degraded:
            try:
                return await self.primary.acquire(key, ttl)
            except Exception as exc:
                self._failed(exc)
        return await self.fallback.acquire(key, ttl)

    async def release(self, key: str, token: str) -> None:
        await self.fallback.release(key, token)
        if not self.degraded:
            try:
                await self.primary.release(key, token)
            except Exception as exc:
                self._failed(exc)

    async def ping(self) -> bool:
        ok = await self.primary.ping()
        if ok:
            self._down_until = 0.0
        return ok

    async def close(self) -> None:
        await self.primary.close()
        await self.fallback.close()


def make_cache(redis_url: str) -> Cache:
    return FallbackCache(RedisCache(redis_url)) if redis_url else MemoryCache()
