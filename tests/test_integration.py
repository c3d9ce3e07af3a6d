"""The stats router mounted in a host FastAPI app with its own users and OLT/ONU lookups."""

import httpx
from fastapi import FastAPI, Header, HTTPException

from ponapi.config import Settings
from ponapi.integration import OltInfo, OnuInfo, stats_router
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from ponapi.sim.olt import OltSim, demo_onus
from tests.fixtures import validate_stats


async def test_host_app_mounts_the_router_with_its_own_lookups(tmp_path):
    acs = GenieAcsSim()
    for doc in bundled_documents():
        acs.add(doc)
    acs_url = await acs.start()
    olt_sim = OltSim(brand="zte", model="C320", password="pw", onus=demo_onus("zte", 2))
    olt_port = await olt_sim.start_telnet()

    users = {"t-staff": {"name": "ana", "staff": True}, "t-guest": {"name": "bob", "staff": False}}

    async def current_user(authorization: str = Header("")):
        user = users.get(authorization.removeprefix("Token "))
        if user is None:
            raise HTTPException(401, "host app says no")
        return user

    olts = {
        7: OltInfo(id=7, brand="huawei", stats_source="acs"),
        8: OltInfo(
            id=8,
            brand="zte",
            model="C320",
            stats_source="cli",
            host="127.0.0.1",
            port=olt_port,
            protocol="telnet",
            username="noc",
            password="pw",
        ),
    }
    onus = {(7, "HWTCA94196A5"): OnuInfo(), (8, olt_sim.onus[1].serial.canonical): OnuInfo()}

    async def get_olt(olt_id):
        return olts.get(olt_id)

    async def get_onu(olt_id, serial):
        return onus.get((olt_id, serial))

    settings = Settings(
        _env_file=None, secret_key="x" * 40, data_dir=tmp_path, genieacs_url=acs_url
    )
    router = stats_router(
        get_user=current_user,
        get_olt=get_olt,
        get_onu=get_onu,
        settings=settings,
        reveal_secrets=lambda u: u["staff"],
    )
    app = FastAPI()
    app.include_router(router, prefix="/api")
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://host"
        ) as c:
            h = {"Authorization": "Token t-staff"}
            r = await c.get("/api/olts/7/onus/48575443A94196A5/tr069-stats", headers=h)
            assert r.status_code == 200
            validate_stats(r.json())
            assert r.json()["data"]["general"]["modelName"] == "EG8145V5"
            r = await c.get(
                f"/api/olts/8/onus/{olt_sim.onus[1].serial.dashed}/tr069-stats", headers=h
            )
            assert r.status_code == 200 and r.json()["meta"]["source"] == "olt-cli"
            for path, code in (
                ("/api/olts/9/onus/HWTCA94196A5/tr069-stats", "OLT_NOT_FOUND"),
                ("/api/olts/7/onus/HWTC00000001/tr069-stats", "ONU_NOT_FOUND"),
                ("/api/olts/7/onus/bad;serial/tr069-stats", "INVALID_SERIAL"),
                ("/api/olts/x/onus/HWTCA94196A5/tr069-stats", "INVALID_REQUEST"),
            ):
                r = await c.get(path, headers=h)
                validate_stats(r.json())
                assert r.json()["code"] == code
            r = await c.get("/api/olts/7/onus/HWTCA94196A5/tr069-stats")
            assert r.status_code == 401 and r.json() == {"detail": "host app says no"}
    finally:
        await router.stats_handle.aclose()
        await acs.stop()
        await olt_sim.stop()


async def _mounted(tmp_path, **overrides):
    acs = GenieAcsSim()
    for doc in bundled_documents():
        acs.add(doc)
    acs_url = await acs.start()
    users = {
        "t-viewer": {"id": 1, "role": "viewer"},
        "t-tech": {"id": 2, "role": "technician"},
        "t-tech2": {"id": 3, "role": "technician"},
    }

    async def current_user(authorization: str = Header("")):
        return users[authorization.removeprefix("Token ")]

    async def get_olt(olt_id):
        return OltInfo(id=olt_id, brand="huawei", stats_source="acs") if olt_id == 7 else None

    async def get_onu(olt_id, serial):
        return OnuInfo()

    settings = Settings(
        _env_file=None, secret_key="x" * 40, data_dir=tmp_path, genieacs_url=acs_url, **overrides
    )
    router = stats_router(
        get_user=current_user,
        get_olt=get_olt,
        get_onu=get_onu,
        get_role=lambda u: u["role"],
        settings=settings,
    )
    app = FastAPI()
    app.include_router(router, prefix="/api")
    return acs, router, app


async def test_the_router_keeps_the_services_live_read_rule_and_limits(tmp_path):
    """A host-app viewer cannot read live; a technician's live reads are rate-limited (an
    answer from the ONU's cooldown spends none); reads are limited too; logLimit applies."""
    acs, router, app = await _mounted(
        tmp_path, rate_limit_refresh_per_minute=1, rate_limit_stats_per_minute=6
    )
    url = "/api/olts/7/onus/{}/tr069-stats"
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://host"
        ) as c:
            viewer = {"Authorization": "Token t-viewer"}
            tech = {"Authorization": "Token t-tech"}
            r = await c.get(url.format("HWTCA94196A5") + "?refresh=true", headers=viewer)
            assert r.status_code == 403 and r.json()["code"] == "FORBIDDEN", r.text
            r = await c.get(url.format("HWTCA94196A5"), headers=viewer)
            assert r.status_code == 200
            r = await c.get(url.format("HWTCA94196A5") + "?refresh=true", headers=tech)
            assert r.status_code == 200 and r.json()["meta"]["refresh"]["status"] == "done"
            # The same ONU again: its cooldown answers, no live read and no limit spent.
            r = await c.get(url.format("HWTCA94196A5") + "?refresh=true", headers=tech)
            assert r.json()["meta"]["refresh"]["status"] == "cooldown", r.json()["meta"]
            # Another ONU: a second live read in the minute is over the limit of 1.
            r = await c.get(url.format("HWTCA97D7DAA") + "?refresh=true", headers=tech)
            assert r.status_code == 429 and r.json()["code"] == "RATE_LIMITED"
            assert int(r.headers["Retry-After"]) >= 1
            r = await c.get(url.format("HWTCA94196A5") + "?logLimit=0", headers=tech)
            assert r.status_code == 422  # the host app's own validation answer
            # Six reads a minute per user: three spent above, three more, then refused.
            r = await c.get(url.format("HWTCA94196A5") + "?logLimit=2", headers=tech)
            assert len(r.json()["data"]["deviceLogs"]) == 2
            assert r.json()["meta"]["sections"]["deviceLogs"]["limit"] == 2
            for _ in range(2):
                assert (await c.get(url.format("HWTCA94196A5"), headers=tech)).status_code == 200
            r = await c.get(url.format("HWTCA94196A5"), headers=tech)
            assert r.status_code == 429 and r.json()["code"] == "RATE_LIMITED"
            r = await c.get(url.format("HWTCA94196A5"), headers={"Authorization": "Token t-tech2"})
            assert r.status_code == 200
    finally:
        await router.stats_handle.aclose()
        await acs.stop()
