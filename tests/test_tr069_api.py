"""GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats end to end: the app and the GenieACS
simulator on loopback, every response validated against the contract's JSON Schema."""

import asyncio
import shutil
from datetime import datetime

import httpx
import pytest

from ponapi.main import create_app
from tests.conftest import add_user, make_settings, token_for
from tests.fixtures import validate_stats

V5 = "HWTCA94196A5"  # EG8145V5 (reports 48575443A94196A5)
X6 = "HWTCA97D7DAA"  # EG8145X6
NOKIA = "ALCLFC265D6F"  # G-1425G-A
UNKNOWN = "HWTC00000001"


class Env:
    def __init__(self, sim, client, headers, olt_id, app):
        self.sim, self.client, self.headers, self.olt_id, self.app = (
            sim,
            client,
            headers,
            olt_id,
            app,
        )

    async def stats(self, serial, role="admin", **params):
        r = await self.client.get(
            f"/api/olts/{self.olt_id}/onus/{serial}/tr069-stats",
            params=params,
            headers=self.headers[role],
        )
        validate_stats(r.json())
        return r


async def make_env(tmp_path, sqlite_template, sim, **settings_kw):
    db = tmp_path / "stats.db"
    shutil.copy(sqlite_template, db)
    settings = make_settings(tmp_path, f"sqlite+aiosqlite:///{db}", **settings_kw)
    app = create_app(settings)
    return app


@pytest.fixture
async def env(tmp_path, sqlite_template, sim, request):
    overrides = getattr(request, "param", {})
    app = await make_env(tmp_path, sqlite_template, sim, genieacs_url=sim.url, **overrides)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://test",
        ) as client,
    ):
        headers = {}
        for role in ("admin", "technician", "viewer"):
            await add_user(app, role, role)
            headers[role] = {"Authorization": f"Bearer {await token_for(client, role)}"}
        r = await client.post(
            "/api/olts",
            headers=headers["admin"],
            json={
                "name": "OLT 1",
                "brand": "huawei",
                "host": "127.0.0.1",
                "username": "u",
                "password": "p",
                "statsSource": "acs",
            },
        )
        olt_id = r.json()["data"]["id"]
        for serial in (V5, X6, NOKIA, UNKNOWN):
            await client.post(
                f"/api/olts/{olt_id}/onus", headers=headers["admin"], json={"serial": serial}
            )
        yield Env(sim, client, headers, olt_id, app)


async def test_stats_for_a_huawei_ont_from_genieacs(env):
    r = await env.stats(V5)
    assert r.status_code == 200
    body = r.json()
    assert body["success"] is True
    assert body["message"] == "TR-069 statistics retrieved successfully"
    g = body["data"]["general"]
    assert (g["modelName"], g["cpuUsage"], g["totalRam"]) == ("EG8145V5", "14%", "256 MB")
    assert body["data"]["ipInterface11"]["label"] == "PPP Interface 4.1"
    assert body["data"]["ipInterface21"]["ipAddress"] == "192.168.88.59"
    assert body["data"]["wirelessLan"]["ssid"] == "Anlix-EG8145"
    meta = body["meta"]
    assert meta["source"] == "genieacs" and meta["cached"] is False and meta["stale"] is False
    assert meta["device"]["acsDeviceId"] == "00259E-EG8145V5-48575443A94196A5"
    # No TR-069 object carries the fibre distance: the one field the ACS cannot give.
    assert meta["sections"]["general"]["status"] == "partial"
    assert meta["sections"]["general"]["missing"] == ["distance"]
    assert meta["sections"]["general"]["updatedAt"] == "2023-03-28T15:42:30Z"
    assert env.sim.calls("/devices") == 1  # one projected NBI read


async def test_serial_in_any_form_and_the_second_read_is_cached(env):
    first = await env.stats("48575443A94196A5")
    second = await env.stats("hwtc-a94196a5")
    assert first.status_code == second.status_code == 200
    assert second.json()["meta"]["cached"] is True
    assert second.json()["data"]["general"] == {
        **first.json()["data"]["general"],
        "uptimeAgo": second.json()["data"]["general"]["uptimeAgo"],
    }
    assert env.sim.calls("/devices") == 1


async def test_concurrent_cold_requests_share_one_nbi_read(env):
    env.sim.latency = 0.2
    results = await asyncio.gather(*(env.stats(X6) for _ in range(20)))
    assert all(r.status_code == 200 for r in results)
    assert env.sim.calls("/devices") == 1
    assert results[0].json()["data"]["wifiSurvey"]["hasRecords"] is True
    assert len(results[0].json()["data"]["wifiSurvey"]["networks"]) == 31


async def test_refresh_of_an_online_device_reads_fresh_values(env):
    old = (await env.stats(V5)).json()
    r = await env.stats(V5, refresh="true")
    body = r.json()
    assert r.status_code == 200
    assert body["meta"]["stale"] is False and body["meta"]["refresh"]["status"] == "done"
    assert (
        body["meta"]["sections"]["general"]["updatedAt"]
        > old["meta"]["sections"]["general"]["updatedAt"]
    )
    # The boot instant stays put (to the second a whole-second counter allows): the uptime
    # counter advanced with the clock.
    new_boot = datetime.fromisoformat(body["data"]["general"]["uptime"])
    old_boot = datetime.fromisoformat(old["data"]["general"]["uptime"])
    assert abs((new_boot - old_boot).total_seconds()) <= 1
    tasks = [t for m, t in env.sim.log if m == "POST"]
    assert tasks == [
        "/devices/00259E-EG8145V5-48575443A94196A5/tasks?connection_request=&timeout=3000"
    ]


async def test_refresh_of_an_offline_device_serves_stored_values_marked_stale(env):
    env.sim.device_by_serial("ALCLFC265D6F").online = False
    r = await env.stats(NOKIA, refresh="true")
    assert r.status_code == 200
    meta = r.json()["meta"]
    assert meta["stale"] is True
    assert meta["staleReason"] == "Device is offline"
    assert meta["refresh"] == {"requested": True, "status": "queued", "reason": "Device is offline"}
    assert r.json()["data"]["general"]["modelName"] == "G-1425G-A"
    # The Nokia id has %2D escapes: the task path was encoded twice.
    assert any("9075BC-G%252D1425G%252DA-ALCLFC265D6F/tasks" in t for _, t in env.sim.log)


async def test_unknown_serial_is_tr069_not_supported(env):
    r = await env.stats(UNKNOWN)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "TR069_NOT_SUPPORTED"
    assert body["error"] == "ONU does not support TR-069 protocol"
    assert UNKNOWN in body["details"]


async def test_request_errors(env):
    r = await env.stats("HWTC1234;reboot")
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_SERIAL")
    r = await env.stats("HWTC0000ABCD")
    assert (r.status_code, r.json()["code"]) == (404, "ONU_NOT_FOUND")
    r = await env.client.get(f"/api/olts/999/onus/{V5}/tr069-stats", headers=env.headers["admin"])
    assert (r.status_code, r.json()["code"]) == (404, "OLT_NOT_FOUND")
    validate_stats(r.json())
    r = await env.client.get(f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats")
    assert (r.status_code, r.json()["code"]) == (401, "UNAUTHORIZED")
    validate_stats(r.json())
    r = await env.stats(V5, sections="general,bogus")
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")
    assert env.sim.calls() == 0  # nothing reached the ACS


async def test_sections_filter(env):
    r = await env.stats(V5, sections="general,wirelessLan")
    data, meta = r.json()["data"], r.json()["meta"]
    assert data["general"] and data["wirelessLan"]
    assert data["ipInterface11"] is None and data["wifiSurvey"] is None
    assert set(meta["sections"]) == {"general", "wirelessLan"}  # only what was asked for


async def test_viewers_never_get_the_wifi_password(env):
    dev = env.sim.device_by_serial("48575443A94196A5")
    wlc = dev.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]
    wlc["PreSharedKey"] = {
        "1": {
            "PreSharedKey": {
                "_value": "clave-secreta",
                "_type": "xsd:string",
                "_timestamp": "2023-03-28T15:42:30.059Z",
            }
        }
    }
    viewer = await env.stats(V5, role="viewer")
    tech = await env.stats(V5, role="technician")
    assert viewer.json()["data"]["wirelessLan"]["password"] == ""
    assert "clave-secreta" not in viewer.text
    assert tech.json()["data"]["wirelessLan"]["password"] == "clave-secreta"


@pytest.mark.parametrize(
    ("mode", "code", "status"),
    [
        ("http500", "UPSTREAM_ERROR", 502),
        ("garbage", "UPSTREAM_ERROR", 502),
        ("truncate", "UPSTREAM_ERROR", 502),
    ],
)
async def test_acs_failures_become_contract_errors(env, mode, code, status):
    env.sim.mode = mode
    r = await env.stats(V5)
    assert (r.status_code, r.json()["code"]) == (status, code)
    env.sim.mode = "ok"
    assert (await env.stats(V5)).status_code == 200  # the process stayed healthy


async def test_acs_down_is_acs_unavailable(env):
    await env.sim.stop()
    r = await env.stats(V5)
    assert (r.status_code, r.json()["code"]) == (502, "ACS_UNAVAILABLE")
    assert "GENIEACS_URL" in r.json()["details"]


@pytest.mark.parametrize("env", [{"request_budget_seconds": 1.0}], indirect=True)
async def test_a_stalled_acs_hits_the_budget(env):
    env.sim.mode, env.sim.stall_seconds = "stall", 5
    r = await env.stats(V5)
    assert (r.status_code, r.json()["code"]) == (504, "UPSTREAM_TIMEOUT")


@pytest.mark.parametrize("env", [{"stats_cache_ttl_seconds": 0.0}], indirect=True)
async def test_upstream_failure_with_cached_data_answers_stale(env):
    assert (await env.stats(V5)).status_code == 200
    env.sim.mode = "http500"
    r = await env.stats(V5)
    assert r.status_code == 200
    meta = r.json()["meta"]
    assert meta["stale"] is True and meta["cached"] is True
    assert meta["staleReason"].startswith("UPSTREAM_ERROR")


async def test_without_an_acs_or_with_an_unreachable_cli_olt(tmp_path, sqlite_template):
    app = await make_env(tmp_path, sqlite_template, None)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        await add_user(app, "admin", "admin")
        h = {"Authorization": f"Bearer {await token_for(c, 'admin')}"}
        olt = (
            await c.post(
                "/api/olts",
                headers=h,
                json={
                    "name": "x",
                    "brand": "zte",
                    "host": "127.0.0.1",
                    "port": 1,
                    "protocol": "telnet",
                    "username": "u",
                    "password": "olt-secret-pw",
                    "statsSource": "cli",
                },
            )
        ).json()["data"]
        await c.post(f"/api/olts/{olt['id']}/onus", headers=h, json={"serial": V5})
        r = await c.get(f"/api/olts/{olt['id']}/onus/{V5}/tr069-stats", headers=h)
        assert (r.status_code, r.json()["code"]) == (502, "OLT_UNREACHABLE")
        assert "olt-secret-pw" not in r.text
        validate_stats(r.json())
        await c.patch(f"/api/olts/{olt['id']}", headers=h, json={"statsSource": "acs"})
        r = await c.get(f"/api/olts/{olt['id']}/onus/{V5}/tr069-stats", headers=h)
        assert (r.status_code, r.json()["code"]) == (422, "TR069_NOT_SUPPORTED")
        assert "GENIEACS_URL" in r.json()["details"]
        validate_stats(r.json())


async def test_metrics_count_nbi_requests_cache_and_single_flight(env):
    from ponapi.metrics import REGISTRY

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    nbi = value("ponapi_upstream_requests_total", source="genieacs")
    hits = value("ponapi_stats_cache_total", result="hit")
    joins = value("ponapi_single_flight_joins_total")
    env.sim.latency = 0.2
    await asyncio.gather(*(env.stats(V5) for _ in range(5)))
    await env.stats(V5)
    assert value("ponapi_upstream_requests_total", source="genieacs") == nbi + 1
    assert value("ponapi_single_flight_joins_total") == joins + 4
    assert value("ponapi_stats_cache_total", result="hit") == hits + 1


@pytest.mark.parametrize(
    "env", [{"stats_section_ttl_seconds": {"general": 0.0, "wifiSurvey": 3600.0}}], indirect=True
)
async def test_each_section_has_its_own_ttl(env):
    await env.stats(X6)
    calls = env.sim.calls("/devices")
    survey = await env.stats(X6, sections="wifiSurvey")
    assert survey.json()["meta"]["cached"] is True and env.sim.calls("/devices") == calls
    general = await env.stats(X6, sections="general")  # TTL 0: always read again
    assert general.json()["meta"]["cached"] is False and env.sim.calls("/devices") == calls + 1


def test_section_ttls_must_name_known_sections():
    from ponapi.config import Settings

    with pytest.raises(ValueError, match="unknown section"):
        Settings(_env_file=None, secret_key="k" * 40, stats_section_ttl_seconds={"wifi": 5})
    s = Settings(_env_file=None, secret_key="k" * 40, stats_section_ttl_seconds={"wifiSurvey": 900})
    assert s.section_ttl("wifiSurvey") == 900 and s.section_ttl("general") == 60
