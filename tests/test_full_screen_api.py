"""The whole TR-069 screen through the API: every section by default, any subset by name, one
projected NBI read, secrets masked for viewers, revealed (and audited) for technicians, encrypted
in the cache, and a bounded device-log option. Every response is validated by ``env.stats``."""

import json
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from ponapi.tr069.sections import names, secret_fields
from tests.fixtures import ACS, all_csv
from tests.test_tr069_api import NOKIA, V5, env  # noqa: F401 - the fixture

SECTIONS = names()
SECRET_FIELDS = secret_fields()

WEB_USER = "InternetGatewayDevice.UserInterface.X_HW_WebUserInfo"


def projection_of_last_read(sim) -> list[str]:
    target = next(t for _, t in reversed(sim.log) if t.startswith("/devices"))
    return parse_qs(urlsplit(target).query)["projection"][0].split(",")


async def test_default_read_serves_every_section_from_one_projected_call(env):  # noqa: F811
    r = await env.stats(V5)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body["data"]) == set(SECTIONS) == set(body["meta"]["sections"])
    data = body["data"]
    assert data["general"]["opticalPowerRx"] == "-3 dBm"
    assert data["lanDhcpServer"]["lanIpAddress"]
    assert [p["id"] for p in data["lanPorts"]] == ["1", "2", "3", "4"]
    assert data["hosts"] == [] and body["meta"]["sections"]["hosts"]["status"] == "ok"
    assert data["voiceLines"] and data["deviceLogs"]
    assert data["wirelessLan5"]["rfBand"] == "5GHz"
    assert all(n["band"] == "5GHz" for n in data["wifiSurvey5"]["networks"])
    assert len(data["wans"]) >= 2 and all("role" in w for w in data["wans"])
    assert body["meta"]["sections"]["deviceLogs"]["limit"] == 50
    assert env.sim.calls("/devices") == 1
    paths = projection_of_last_read(env.sim)
    assert "InternetGatewayDevice.LANDevice.1.Hosts" in paths
    assert "InternetGatewayDevice.DeviceInfo.DeviceLog" in paths


async def test_sections_select_any_subset_and_the_read_projects_only_theirs(env):  # noqa: F811
    r = await env.stats(NOKIA, sections="hosts,security")
    assert r.status_code == 200, r.text
    body = r.json()
    hosts = body["data"]["hosts"]
    assert hosts and all(h["macAddress"] == h["macAddress"].lower() for h in hosts)
    assert body["data"]["security"]
    others = [name for name in SECTIONS if name not in ("hosts", "security")]
    assert all(body["data"][name] is None for name in others)
    assert set(body["meta"]["sections"]) == {"hosts", "security"}  # no entry for the others
    paths = projection_of_last_read(env.sim)
    assert not any("DeviceLog" in p or "VoiceService" in p or "NeighboringWiFi" in p for p in paths)
    assert any(p.endswith("LANDevice.1.Hosts") for p in paths)
    bad = await env.client.get(
        f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats",
        params={"sections": "hosts,nope"},
        headers=env.headers["admin"],
    )
    assert bad.status_code == 400 and "nope" in bad.text


async def test_device_secrets_are_masked_revealed_audited_and_sealed(env):  # noqa: F811
    dev = env.sim.device_by_serial("48575443A94196A5")
    web = dev.doc["InternetGatewayDevice"]["UserInterface"]["X_HW_WebUserInfo"]
    web["1"]["Password"]["_value"] = "web-secret-1"
    web["2"]["Password"]["_value"] = "admin-secret-2"
    viewer = await env.stats(V5, role="viewer")
    assert "web-secret-1" not in viewer.text and "admin-secret-2" not in viewer.text
    sec = viewer.json()["data"]["security"]
    assert all(sec[f] == "" for f in SECRET_FIELDS["security"])
    tech = await env.stats(V5, role="technician")
    shown = tech.json()["data"]["security"]
    assert {"web-secret-1", "admin-secret-2"} <= {shown[f] for f in SECRET_FIELDS["security"]}
    # The cache never holds them in clear, and a cached read reveals them again.
    stored = await env.app.state.ctx.stats.store.raw(f"stats:v1:{env.olt_id}:{V5}")
    assert stored and b"-secret-" not in zlib.decompress(stored)
    again = await env.stats(V5, role="technician")
    assert again.json()["meta"]["cached"] is True
    assert again.json()["data"]["security"] == shown
    await env.app.state.ctx.audit.flush()
    entries = (
        await env.client.get("/api/audit", headers=env.headers["admin"], params={"limit": 100})
    ).json()["data"]
    reveals = [e for e in entries if e["action"] == "secret.reveal"]
    assert reveals and all(e["username"] == "technician" for e in reveals)
    assert "web-secret" not in str(entries)


async def test_device_log_limit_is_an_option_and_bounded(env):  # noqa: F811
    few = await env.stats(V5, logLimit=3)
    assert len(few.json()["data"]["deviceLogs"]) == 3
    assert few.json()["meta"]["sections"]["deviceLogs"]["limit"] == 3
    many = await env.stats(V5, logLimit=200)
    assert len(many.json()["data"]["deviceLogs"]) > 50
    assert many.json()["data"]["deviceLogs"][:3] == few.json()["data"]["deviceLogs"]
    for bad in ("0", "201", "x"):
        r = await env.client.get(
            f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats",
            params={"logLimit": bad},
            headers=env.headers["admin"],
        )
        assert r.status_code in (400, 422), bad


@pytest.mark.parametrize("name", all_csv())
def test_tr069_map_prints_every_section_for_every_dump(name):
    from typer.testing import CliRunner

    from ponapi.cli import app

    r = CliRunner().invoke(app, ["tr069", "map", str(ACS / name)])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert list(out["data"]) == list(SECTIONS) == list(out["meta"]["sections"])
    for section, data in out["data"].items():
        meta = out["meta"]["sections"][section]
        assert (data is None) == (meta["status"] in ("absent", "unavailable")), section
        rows = {row["id"]: row for row in data} if isinstance(data, list) else {"": data}
        for missing in meta["missing"]:
            row_id, _, field = (
                missing.rpartition(".") if isinstance(data, list) else ("", "", missing)
            )
            assert rows[row_id][field] in ("", None), (section, missing)
