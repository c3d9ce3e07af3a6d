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
