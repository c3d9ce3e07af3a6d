import asyncio

import pytest
from fastapi import APIRouter

from ponapi.config import Settings
from ponapi.main import create_app
from tests.conftest import make_settings


async def test_unknown_api_route_uses_the_envelope(client):
    r = await client.get("/api/does/not/exist")
    assert r.status_code == 404
    assert r.json() == {
        "success": False,
        "error": "Not found",
        "code": "NOT_FOUND",
        "details": "No route /api/does/not/exist.",
        "message": "No route /api/does/not/exist.",
    }
    assert r.headers["X-Request-ID"]


async def test_wrong_method_uses_the_envelope(client, users):
    r = await client.put("/api/olts", headers=users["admin"])
    assert r.status_code == 405
    assert r.json()["code"] == "METHOD_NOT_ALLOWED"


async def test_every_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    r = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    r = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith junk"})
    assert r.headers["X-Request-ID"] != "bad id\twith junk"
    assert len(r.headers["X-Request-ID"]) == 32


async def test_unexpected_exception_is_500_with_request_id_and_no_trace(tmp_path):
    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path}/x.db"))
    boom = APIRouter()

    @boom.get("/api/boom")
    async def _boom() -> None:
        raise RuntimeError("secret-internal-detail password=hunter2")

    app.include_router(boom)
    import httpx

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as c,
    ):
        r = await c.get("/api/boom", headers={"X-Request-ID": "req-42"})
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "INTERNAL_ERROR" and body["success"] is False
    assert "req-42" in body["details"]
    assert "hunter2" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert r.headers["X-Request-ID"] == "req-42"


async def test_healthz_and_readyz(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    r = await client.get("/readyz")
    assert r.status_code == 200
    assert r.json()["checks"] == {"database": "ok", "cache": "ok", "cacheBackend": "memory"}


async def test_readyz_with_a_real_redis_and_when_it_dies(tmp_path, redis_server):
    import httpx

    from tests.services import Redis

    server = Redis()  # a private one, so killing it does not disturb other tests
    try:
        settings = make_settings(
            tmp_path, f"sqlite+aiosqlite:///{tmp_path}/r.db", redis_url=server.url
        )
        from ponapi.db.migrate import upgrade

        await asyncio.to_thread(upgrade, settings.database_url)
        app = create_app(settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            r = await c.get("/readyz")
            assert r.status_code == 200
            assert r.json()["checks"]["cacheBackend"] == "redis"
            await app.state.ctx.cache.set("k", b"v", 10)
            assert await app.state.ctx.cache.get("k") == b"v"
            server.stop()
            # Redis gone: still ready, served from memory, and the cache still works.
            r = await c.get("/readyz")
            assert r.status_code == 200
            assert r.json()["checks"]["cache"] == "degraded"
            await app.state.ctx.cache.set("k2", b"v2", 10)
            assert await app.state.ctx.cache.get("k2") == b"v2"
    finally:
        server.stop()


async def test_readyz_reports_an_unreachable_database(tmp_path):
    import httpx

    settings = make_settings(tmp_path, "postgresql+asyncpg://u:p@127.0.0.1:1/none")
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        r = await c.get("/readyz")
    assert r.status_code == 503
    assert r.json()["checks"]["database"] == "unreachable"
    assert "u:p" not in r.text


def test_production_requires_a_long_secret_key(tmp_path):
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key="short")  # type: ignore[call-arg]
    key = "Zq3vX9rT0pL8mN2bK7cJ4hG6fD1sA5wE"
    s = Settings(_env_file=None, environment="production", secret_key=key)  # type: ignore[call-arg]
    assert s.secret_key == key


def test_bad_timezone_is_rejected():
    with pytest.raises(ValueError, match="time zone"):
        Settings(_env_file=None, display_timezone="Mars/Olympus", secret_key="k" * 40)  # type: ignore[call-arg]


async def test_metrics_count_requests_by_route_and_upstream_calls(client, users):
    from ponapi.metrics import REGISTRY

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    before = value(
        "ponapi_http_request_duration_seconds_count", route="/api/olts", method="GET", status="200"
    )
    assert (await client.get("/api/olts", headers=users["viewer"])).status_code == 200
    assert (
        value(
            "ponapi_http_request_duration_seconds_count",
            route="/api/olts",
            method="GET",
            status="200",
        )
        == before + 1
    )
    r = await client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert 'ponapi_http_request_duration_seconds_count{method="GET",route="/api/olts"' in r.text
    assert "ponapi_upstream_requests_total" in r.text or "# HELP ponapi_upstream" in r.text


async def test_database_down_is_502_upstream_error_and_the_process_stays_healthy(tmp_path):
    """UPSTREAM_ERROR with the status the contract pairs with it (502), and Retry-After."""
    from datetime import timedelta

    import httpx

    from ponapi.auth.tokens import create_token
    from tests.conftest import SECRET

    port = __import__("tests.services", fromlist=["free_port"]).free_port()  # nothing listens
    url = f"postgresql+asyncpg://ponapi:db-Secret-5@127.0.0.1:{port}/ponapi"
    app = create_app(make_settings(tmp_path, url))
    token = create_token(SECRET, 1, "admin", 0, timedelta(minutes=5))[0]
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as c,
    ):
        for method, path, kw in (
            ("GET", "/api/olts", {"headers": {"Authorization": f"Bearer {token}"}}),
            ("POST", "/api/auth/login", {"json": {"username": "a", "password": "b"}}),
        ):
            r = await c.request(method, path, **kw)
            assert (r.status_code, r.json()["code"]) == (502, "UPSTREAM_ERROR")
            assert r.json()["error"] == "Database unavailable"
            assert r.headers["Retry-After"] == "5"
            assert "db-Secret-5" not in r.text and "asyncpg" not in r.text
        assert (await c.get("/healthz")).status_code == 200
        assert (await c.get("/readyz")).status_code == 503


async def test_a_connection_error_outside_the_database_is_not_a_database_outage(settings):
    """A bare ConnectionError raised by ponapi's own code (not the database driver) is an
    internal error, not "database unreachable"."""
    import httpx

    app = create_app(settings)

    async def boom() -> None:
        raise ConnectionResetError("peer went away")

    app.add_api_route("/api/boom", boom)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t"
        ) as c,
    ):
        r = await c.get("/api/boom")
    assert (r.status_code, r.json()["code"]) == (500, "INTERNAL_ERROR")
    assert "database" not in r.text.lower()
