"""The demo as the app sees it: OLT 1 (``auto``) knows the ONUs the ACS reads, so their fibre
distance and the OLT's optical levels fill in, and the app's stats route answers for each of
its ONUs, ACS-read and CLI-read, in the app's format."""

from __future__ import annotations

import asyncio

import httpx

from ponapi.db.migrate import upgrade
from ponapi.demo import (
    ACS_ONUS,
    DEMO_PASSWORD,
    OFFLINE_IN_ACS,
    demo_settings,
    seed,
    start_simulators,
)
from ponapi.main import create_app
from tests.test_app_wire import validate


async def test_demo_olt_1_merges_its_optical_view_into_the_acs_reads(tmp_path):
    demo = await start_simulators()
    try:
        settings = demo_settings(tmp_path, demo)
        await asyncio.to_thread(upgrade, settings.database_url)
        olts = await seed(settings, demo)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                login = {"username": "tech", "password": DEMO_PASSWORD}
                token = (await c.post("/api/auth/login", json=login)).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
                main = olts["main"]
                online = [s for s in ACS_ONUS if s != OFFLINE_IN_ACS]
                for serial in online:  # the first read starts the OLT's optical view
                    await c.get(f"/api/olts/{main}/onus/{serial}/tr069-stats", headers=headers)
                for serial in online:
                    url = f"/api/olts/{main}/onus/{serial}/tr069-stats"
                    for _ in range(100):
                        body = (await c.get(url, headers=headers, timeout=30)).json()
                        sources = body["meta"]["sections"]["general"].get("fieldSources", {})
                        if sources.get("distance") == "olt-cli":
                            break
                        await asyncio.sleep(0.1)
                    assert "has no ONU" not in str(body["meta"]), body["meta"]
                    assert sources.get("distance") == "olt-cli", body["meta"]["sections"]["general"]
                    assert sources.get("opticalPowerRx") == "olt-cli"
                    app_url = f"/api/olts/realtime/{main}/onus/{serial}/tr069-stats"
                    got = (await c.get(app_url, headers=headers, timeout=30)).json()
                    validate(got, "stats")
                    assert got["source"] == "acs"
                    assert got["data"]["general"]["distance"].endswith(" m")
                    assert got["data"]["general"]["data_completeness"] == "full"
                cli = demo.huawei.onus[0].serial.canonical
                got = (
                    await c.get(
                        f"/api/olts/realtime/{main}/onus/{cli}/tr069-stats",
                        headers=headers,
                        timeout=30,
                    )
                ).json()
                validate(got, "stats")
                assert got["source"] == "cli"
                assert got["data"]["wireless_lan_2_4ghz"]["available_via_cli"] is False
    finally:
        await demo.stop()
