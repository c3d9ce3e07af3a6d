"""Login throttling and per-user rate limits: 429 RATE_LIMITED with Retry-After, shared across
replicas through Redis."""

import asyncio
import shutil

import httpx

from ponapi.main import create_app
from tests.conftest import add_user, make_settings, token_for
from tests.fixtures import validate_stats

V5 = "HWTCA94196A5"


async def _app(tmp_path, sqlite_template, name="a.db", **kw):
    db = tmp_path / name
    if not db.exists():
        shutil.copy(sqlite_template, db)
    return create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}", **kw))


def _client(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_failed_logins_throttle_the_account_not_everyone(tmp_path, sqlite_template):
    app = await _app(tmp_path, sqlite_template, login_max_failures=3)
    async with app.router.lifespan_context(app), _client(app) as c:
        await add_user(app, "ana", "viewer", "right-password")
        await add_user(app, "bob", "viewer", "bobs-password")
        for _ in range(3):
            r = await c.post("/api/auth/login", json={"username": "ana", "password": "wrong"})
            assert r.status_code == 401
        r = await c.post("/api/auth/login", json={"username": "ANA", "password": "right-password"})
        assert (r.status_code, r.json()["code"]) == (429, "RATE_LIMITED")
        assert 1 <= int(r.headers["Retry-After"]) <= 300
        await token_for(c, "bob", "bobs-password")  # another account on the same address


async def test_many_accounts_from_one_address_are_throttled(tmp_path, sqlite_template):
    app = await _app(tmp_path, sqlite_template, login_max_failures=2)
    async with app.router.lifespan_context(app), _client(app) as c:
        await add_user(app, "real", "viewer", "real-password")
        for i in range(10):  # 2 x 5 failures from one address, each on a new name
            await c.post("/api/auth/login", json={"username": f"guess{i}", "password": "x"})
        r = await c.post("/api/auth/login", json={"username": "real", "password": "real-password"})
        assert r.status_code == 429


async def _olt(c, admin):
    olt = (
        await c.post(
            "/api/olts",
            headers=admin,
            json={
                "name": "o",
                "brand": "huawei",
                "host": "127.0.0.1",
                "username": "u",
                "password": "p",
                "statsSource": "acs",
            },
        )
    ).json()["data"]["id"]
    await c.post(f"/api/olts/{olt}/onus", headers=admin, json={"serial": V5})
    return olt


async def test_per_user_stats_limit(tmp_path, sqlite_template, sim):
    app = await _app(
        tmp_path,
        sqlite_template,
        genieacs_url=sim.url,
        rate_limit_stats_per_minute=3,
        rate_limit_refresh_per_minute=1,
    )
    async with app.router.lifespan_context(app), _client(app) as c:
        await add_user(app, "admin", "admin")
        await add_user(app, "tech", "technician")
        admin = {"Authorization": f"Bearer {await token_for(c, 'admin')}"}
        tech = {"Authorization": f"Bearer {await token_for(c, 'tech')}"}
        olt = await _olt(c, admin)
        url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
        codes = [(await c.get(url, headers=tech)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = await c.get(url, headers=tech)
        validate_stats(r.json())
        assert r.json()["code"] == "RATE_LIMITED" and int(r.headers["Retry-After"]) >= 1
        assert (await c.get(url, headers=admin)).status_code == 200  # limits are per user
        refresh = f"/api/olts/{olt}/onus/{V5}/tr069-stats/refresh"
        assert (await c.post(refresh, headers=admin)).status_code == 202
        assert (await c.post(refresh, headers=admin)).status_code == 429


async def test_limits_hold_across_replicas_sharing_redis(
    tmp_path, sqlite_template, sim, redis_server
):
    apps = [
        await _app(
            tmp_path,
            sqlite_template,
            "shared.db",
            genieacs_url=sim.url,
            redis_url=redis_server.url,
            rate_limit_stats_per_minute=4,
        )
        for _ in range(2)
    ]
    async with (
        apps[0].router.lifespan_context(apps[0]),
        apps[1].router.lifespan_context(apps[1]),
        _client(apps[0]) as a,
        _client(apps[1]) as b,
    ):
        await add_user(apps[0], "admin", "admin")
        h = {"Authorization": f"Bearer {await token_for(a, 'admin')}"}
        olt = await _olt(a, h)
        await apps[0].state.ctx.cache.primary._redis.flushdb()  # a clean window for this test
        url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
        codes = [(await (a if i % 2 else b).get(url, headers=h)).status_code for i in range(6)]
        assert codes.count(200) == 4 and codes[-2:] == [429, 429]


async def test_a_dead_limiter_never_blocks_requests(tmp_path, sqlite_template, sim):
    from tests.services import Redis

    server = Redis()
    app = await _app(
        tmp_path,
        sqlite_template,
        genieacs_url=sim.url,
        redis_url=server.url,
        rate_limit_stats_per_minute=1000,
    )
    try:
        async with app.router.lifespan_context(app), _client(app) as c:
            await add_user(app, "admin", "admin")
            h = {"Authorization": f"Bearer {await token_for(c, 'admin')}"}
            olt = await _olt(c, h)
            server.stop()
            rs = await asyncio.gather(
                *(c.get(f"/api/olts/{olt}/onus/{V5}/tr069-stats", headers=h) for _ in range(3))
            )
            assert [r.status_code for r in rs] == [200, 200, 200]
    finally:
        server.stop()


async def test_login_attempts_arriving_together_at_two_replicas_are_counted_before_checking(
    redis_server,
):
    """Each attempt is one atomic increment in Redis, made before its password is checked:
    of twenty attempts sent at once to two replicas with a limit of ten, exactly ten may go on
    to the check, and the account is then blocked for the rest of the window on both."""
    import asyncio

    from ponapi import ratelimit
    from ponapi.cache import FallbackCache, RedisCache

    replicas = [FallbackCache(RedisCache(redis_server.url)) for _ in range(2)]
    await replicas[0].primary._redis.flushdb()
    waits = await asyncio.gather(
        *(
            ratelimit.login_attempt(replicas[i % 2], "ana", f"10.0.0.{i}", 10, 300)
            for i in range(20)
        )
    )
    assert sorted(w == 0 for w in waits).count(True) == 10
    assert all(290 <= w <= 300 for w in waits if w)
    assert await replicas[0].get("la:user:ana") == b"20"
    for cache in replicas:
        assert 290 <= await ratelimit.login_attempt(cache, "ana", "10.9.9.9", 10, 300) <= 300
        assert await ratelimit.login_attempt(cache, "bob", "10.9.9.9", 10, 300) == 0
    await ratelimit.login_succeeded(replicas[1], "ana", "10.9.9.9", 300)
    assert await ratelimit.login_attempt(replicas[0], "ana", "10.9.9.9", 10, 300) == 0
    # The good login took its own attempt back from the address: bob's and ana's remain.
    assert await replicas[0].get("la:ip:10.9.9.9") == b"4"
    for cache in replicas:
        await cache.close()
