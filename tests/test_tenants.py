"""Two ISPs behind one platform: every route, every role of ISP B, on ISP A's objects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from ponapi.api.deps import Db
from ponapi.db.models import Olt
from tests.conftest import make_settings
from tests.tenancy import (
    A_SERIAL,
    HOST_SETTINGS,
    api_routes,
    bearer,
    cross_isp_failures,
    host_token,
    olt_body,
    two_isps,
)

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def env(tmp_path, database_url, sim) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    from ponapi.main import create_app

    settings = make_settings(tmp_path, database_url, genieacs_url=sim.url, **HOST_SETTINGS)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield app, c


async def test_every_route_every_role_of_another_isp_is_404(env) -> None:
    app, c = env
    isps = await two_isps(c)
    routes = api_routes(app)
    assert ("POST", "/api/olts/{olt_id}/onus/{onu_serial}/tr069/reboot") in routes
    assert ("GET", "/api/jobs/{job_id}") in routes
    assert await cross_isp_failures(c, app, isps) == []
    # ISP A's own users still reach the same objects.
    r = await c.get(f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats", headers=isps.a["viewer"])
    assert r.status_code == 200, r.text
    r = await c.get(f"/api/jobs/{isps.job_a}", headers=isps.a["admin"])
    assert r.status_code == 200, r.text


async def test_a_route_that_forgets_the_scope_fails_the_matrix(env) -> None:
    app, c = env
    isps = await two_isps(c)

    @app.get("/api/olts/{olt_id}/leaky")
    async def leaky(olt_id: int, db: Db) -> dict[str, str]:  # no user: never gated
        olt = await db.get(Olt, olt_id)
        return {"name": olt.name if olt else ""}

    failures = await cross_isp_failures(c, app, isps)
    assert any("/leaky" in f for f in failures), failures


async def test_lists_show_only_the_users_isp(env) -> None:
    _, c = env
    isps = await two_isps(c)
    names = lambda r: sorted(o["name"] for o in r.json()["data"])  # noqa: E731
    assert names(await c.get("/api/olts", headers=isps.a["viewer"])) == ["isp-a"]
    assert names(await c.get("/api/olts", headers=isps.b["admin"])) == ["isp-b"]
    assert names(await c.get("/api/olts", headers=isps.platform)) == ["isp-a", "isp-b"]
    users = await c.get("/api/users", headers=isps.b["admin"])
    assert users.status_code == 200 and users.json()["data"] == []
    audit = (await c.get("/api/audit", headers=isps.b["admin"], params={"limit": 1000})).json()
    assert audit["data"] and all(e["tenant"] == "2" for e in audit["data"])
    mine = (await c.get("/api/audit", headers=isps.a["admin"], params={"limit": 1000})).json()
    refresh = [e for e in mine["data"] if e["action"] == "stats.refresh"]
    assert refresh and refresh[0]["subject"] == "a-technician" and refresh[0]["tenant"] == "1"


async def test_tenants_are_set_by_platform_admins_only(env) -> None:
    _, c = env
    isps = await two_isps(c)
    r = await c.post("/api/olts", headers=isps.b["admin"], json=olt_body("sneaky", "1"))
    assert r.status_code == 403
    r = await c.patch(f"/api/olts/{isps.olt_b}", headers=isps.b["admin"], json={"tenant": "1"})
    assert r.status_code == 403
    r = await c.patch(f"/api/olts/{isps.olt_b}", headers=isps.platform, json={"tenant": "1"})
    assert r.status_code == 200 and r.json()["data"]["tenant"] == "1"
    # Moved: ISP B no longer reads it (no cache serves it to B), ISP A does.
    url = f"/api/olts/{isps.olt_b}/onus"
    assert (await c.get(url, headers=isps.b["viewer"])).status_code == 404
    assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200


async def test_put_creates_or_replaces_with_the_platforms_id(env) -> None:
    _, c = env
    isps = await two_isps(c)
    body = olt_body("platform-77", "2")
    first = await c.put("/api/olts/77", headers=isps.platform, json=body)
    assert first.status_code == 201, first.text
    again = await c.put("/api/olts/77", headers=isps.platform, json=body)
    assert again.status_code == 200
    keys = ("id", "tenant", "name", "host", "port")
    assert {k: again.json()["data"][k] for k in keys} == {k: first.json()["data"][k] for k in keys}
    assert (await c.put("/api/olts/78", headers=isps.b["admin"], json=body)).status_code == 403
    # Ids given by the platform do not collide with the next one ponapi picks.
    r = await c.post("/api/olts", headers=isps.platform, json=olt_body("after", "2"))
    assert r.status_code == 201 and r.json()["data"]["id"] == 78


async def test_local_users_with_a_tenant_and_platform_admins(env) -> None:
    from tests.conftest import add_user, token_for

    app, c = env
    isps = await two_isps(c)
    await add_user(app, "root", "admin")  # a local admin without a tenant: platform
    root = bearer(await token_for(c, "root"))
    me = (await c.get("/api/auth/me", headers=root)).json()["data"]
    assert me["platform"] is True and me["tenant"] is None
    r = await c.post(
        "/api/users",
        headers=root,
        json={
            "username": "b-tech",
            "password": "b-tech-password",
            "role": "technician",
            "tenant": "2",
        },
    )
    assert r.status_code == 201
    b_tech = bearer(await token_for(c, "b-tech", "b-tech-password"))
    assert (await c.get(f"/api/olts/{isps.olt_a}", headers=b_tech)).status_code == 404
    assert (await c.get(f"/api/olts/{isps.olt_b}", headers=b_tech)).status_code == 200
    # An ISP admin cannot touch the platform admin: answered as a missing user.
    root_id = me["id"]
    r = await c.patch(f"/api/users/{root_id}", headers=isps.b["admin"], json={"active": False})
    assert r.status_code == 404


async def test_platform_token_needs_no_isp_and_others_do(env) -> None:
    _, c = env
    for token in (
        host_token("OPERADOR"),  # no ISP claim
        host_token("OPERADOR", isp=""),
        host_token("OPERADOR", isp={"id": 1}),
        host_token("CLIENTE", isp=1),  # a level that maps to nothing
    ):
        r = await c.get("/api/olts", headers=bearer(token))
        assert r.status_code == 401 and r.json()["code"] == "UNAUTHORIZED", r.text
    assert (await c.get("/api/olts", headers=bearer(host_token("MEGA ADMINISTRADOR")))).is_success


async def test_a_write_on_another_isps_onu_is_audited_as_a_bounded_refusal(env) -> None:
    app, c = env
    isps = await two_isps(c)
    url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069/reboot"
    for _ in range(20):  # a flood: one row now, the repeats counted in one more
        r = await c.post(url, headers=isps.b["technician"], json={"confirm": True})
        assert r.status_code == 404, r.text
    audit = app.state.ctx.audit
    await audit.flush()
    for seen in audit._refusals.values():  # the minute is over
        seen.since -= 61
    await audit.flush()
    r = await c.get(
        "/api/audit", headers=isps.platform, params={"action": "access.not-found", "limit": 50}
    )
    assert r.status_code == 200, r.text
    rows = [x for x in r.json()["data"] if x["details"].get("refused")]
    assert sorted(x["details"].get("repeats", 1) for x in rows) == [1, 19]
    assert {(x["tenant"], x["result"]) for x in rows} == {("2", "OLT_NOT_FOUND")}
    # ISP B's admin sees its own refused attempts, never ISP A's rows.
    r = await c.get("/api/audit", headers=isps.b["admin"], params={"action": "access.not-found"})
    assert r.status_code == 200 and len(r.json()["data"]) == 2


async def test_with_gate_rows_kept_the_scope_is_still_checked_on_every_request(
    tmp_path, database_url, sim
) -> None:
    """TENANT_GATE_CACHE_SECONDS: another ISP's warm row still answers 404; a move or delete
    made by this process is seen at once; the kept row saves the query."""
    from ponapi.main import create_app

    settings = make_settings(
        tmp_path, database_url, genieacs_url=sim.url, tenant_gate_cache_seconds=60, **HOST_SETTINGS
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            isps = await two_isps(c)
            url = f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats"
            assert (await c.get(url, headers=isps.a["viewer"])).status_code == 200
            assert app.state.ctx.gates.get((isps.olt_a, A_SERIAL)) is not None  # kept
            for role in isps.b:
                r = await c.get(url, headers=isps.b[role])
                assert r.status_code == 404 and r.json()["code"] == "OLT_NOT_FOUND"
            r = await c.patch(
                f"/api/olts/{isps.olt_a}", headers=isps.platform, json={"tenant": "2"}
            )
            assert r.status_code == 200
            r = await c.get(url, headers=isps.a["viewer"])
            assert r.status_code == 404 and r.json()["code"] == "OLT_NOT_FOUND"
            assert (await c.get(url, headers=isps.b["viewer"])).status_code == 200
