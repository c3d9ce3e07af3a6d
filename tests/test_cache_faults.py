"""The cache under faults and pressure: every Redis call has its own short deadline, a hung or
paused Redis is bypassed by a circuit breaker (requests are answered from memory, not queued),
and the in-memory stores stay within their bounds at a constant cost per insert."""

import asyncio
import os
import shutil
import signal
import time

import httpx
import pytest

from ponapi.cache import FallbackCache, MemoryCache, RedisCache
from ponapi.main import create_app
from ponapi.ttlcache import TtlMap
from tests.conftest import make_settings
from tests.services import Redis

DEADLINE = 0.2


@pytest.fixture
async def hung_redis():
    """A loopback server that accepts connections, reads, and never answers."""
    conns = []

    async def swallow(reader, writer):
        conns.append(writer)
        while await reader.read(65536):
            pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for w in conns:
        w.close()
    server.close()


async def test_each_call_to_a_hung_redis_ends_at_its_deadline(hung_redis):
    cache = RedisCache(hung_redis, timeout=DEADLINE)
    for call in (cache.get("k"), cache.set("k", b"v", 5), cache.incr("n", 5), cache.ttl("k")):
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            await call
        assert time.perf_counter() - started < DEADLINE + 0.3
    assert await cache.ping() is False
    await cache.close()


async def test_a_hung_redis_trips_the_breaker_and_calls_go_to_memory(hung_redis):
    cache = FallbackCache(RedisCache(hung_redis, timeout=DEADLINE))
    await cache.set("k", b"v", 60)  # times out on Redis; kept in memory
    assert cache.degraded
    started = time.perf_counter()
    got = await asyncio.gather(*(cache.get("k") for _ in range(40)))
    assert got == [b"v"] * 40
    assert time.perf_counter() - started < 0.05  # no Redis call waited: the breaker is open
    assert await cache.incr("n", 60) == 1
    await cache.close()


async def test_after_the_pause_one_call_probes_and_a_live_redis_closes_the_breaker(redis_server):
    cache = FallbackCache(RedisCache(redis_server.url, timeout=DEADLINE))
    cache._failed(TimeoutError())
    cache._down_until = time.monotonic() - 1  # the pause is over
    assert await cache.set("probe", b"1", 60) is None
    assert not cache.degraded
    assert await cache.primary.get("probe") == b"1"  # it really went to Redis
    await cache.close()


@pytest.fixture
async def paused_redis_app(tmp_path, sqlite_template, sim):
    server = Redis()
    db = tmp_path / "p.db"
    shutil.copy(sqlite_template, db)
    app = create_app(
        make_settings(
            tmp_path,
            f"sqlite+aiosqlite:///{db}",
            genieacs_url=sim.url,
            redis_url=server.url,
            cache_timeout_ms=int(DEADLINE * 1000),
            rate_limit_stats_per_minute=1000,
        )
    )
    try:
        yield app, server
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)
        server.stop()


async def test_40_cached_reads_with_redis_paused_are_answered_within_the_deadline(
    paused_redis_app,
):
    """A real redis-server stopped with SIGSTOP (connections accepted by the kernel, nothing
    answered): 40 concurrent cached reads are each answered within the cache deadline plus
    their normal time, and /readyz reports the cache degraded."""
    from tests.test_jobs_and_cache import V5, _setup

    app, server = paused_redis_app
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as c,
    ):
        h, olt = await _setup(c, app)
        url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
        assert (await c.get(url, headers=h["viewer"])).status_code == 200  # now cached
        started = time.perf_counter()
        for _ in range(10):
            await c.get(url, headers=h["viewer"])
        normal = (time.perf_counter() - started) / 10

        os.kill(server.proc.pid, signal.SIGSTOP)

        async def timed():
            t0 = time.perf_counter()
            r = await c.get(url, headers=h["viewer"])
            return r, time.perf_counter() - t0

        results = await asyncio.gather(*(timed() for _ in range(40)))
        assert [r.status_code for r, _ in results] == [200] * 40
        assert all(r.json()["meta"]["cached"] for r, _ in results)
        worst = max(t for _, t in results)
        # Every read waited at most one Redis deadline, not one per call or a queue of them;
        # 40 reads at once on one event loop also take 40 x their normal time.
        assert worst < DEADLINE + 40 * normal + 0.5, (worst, normal)
        r = await c.get("/readyz")
        assert (r.status_code, r.json()["checks"]["cache"]) == (200, "degraded")


# --- bounded memory ----------------------------------------------------------------------


async def test_memory_counters_stay_within_the_bound():
    cache = MemoryCache(max_entries=100)
    for i in range(5000):  # e.g. login attempts, one key per typed name
        await cache.incr(f"la:user:guess{i}", 300)
    assert len(cache) <= 100
    assert await cache.incr("la:user:guess4999", 300) == 2  # the newest are kept


async def test_a_full_memory_cache_inserts_at_a_constant_cost():
    cache = MemoryCache(max_entries=20_000)
    for i in range(20_000):
        await cache.set(f"k{i}", b"v", 600)
    started = time.perf_counter()
    for i in range(5_000):  # each insert into a full cache evicts one entry
        await cache.set(f"new{i}", b"v", 600)
    took = time.perf_counter() - started
    assert len(cache) == 20_000
    assert await cache.get("new4999") == b"v" and await cache.get("k0") is None
    assert took < 0.5, f"{took:.2f} s for 5000 inserts into a full cache"


async def test_memory_entries_expire_and_counters_keep_their_window():
    cache = MemoryCache()
    await cache.set("a", b"1", 0.05)
    assert await cache.incr("n", 0.05) == 1
    assert await cache.incr("n", 10) == 2  # the window started at the first increment
    await asyncio.sleep(0.08)
    assert await cache.get("a") is None and await cache.ttl("n") is None
    assert await cache.incr("n", 10) == 1


def test_a_full_ttl_map_keeps_its_recent_entries():
    users: TtlMap[int, str] = TtlMap(ttl=60, max_entries=3)
    for i in range(4):
        users.put(i, f"u{i}")
    assert [users.get(i) for i in range(4)] == [None, "u1", "u2", "u3"]
