"""The app's buttons replayed as the app sends them (its services/api.ts: the realtime URL,
``Content-Type`` and ``Authorization`` headers, its exact bodies, no query) against the app and
the GenieACS simulator (and a simulated OLT for disable): each answer has the keys the app
prints and is validated against ponapi/contract/app-wire.schema.json."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from ponapi.api.routes.realtime_actions import APP_TIMEOUTS, MARGIN
from tests.conftest import token_for
from tests.fixtures import validate_stats
from tests.test_app_wire import SCHEMA, app_headers, app_stats
from tests.test_olt_cli_api import make_env  # noqa: F401  (the fixture)
from tests.test_tr069_api import V5, env  # noqa: F401  (the fixture)

ACS_ID = "00259E-EG8145V5-48575443A94196A5"
WIFI = {
    "ssid": "Casa Nueva",
    "password": "correct horse 1",
    "auth_mode": "wpa2-psk",
    "channel": 6,
    "tx_power": 100,
    "country_domain": "GB",
}
DHCP = {
    "dhcp_server_enable": True,
    "start_address": "192.168.18.100",
    "end_address": "192.168.18.150",
    "subnet_mask": "255.255.255.0",
    "dns_servers": "1.1.1.1, 8.8.8.8",
    "lease_time": 3600,
}


def check(body: dict[str, Any], definition: str) -> dict[str, Any]:
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"}).validate(body)
    assert isinstance(body["success"], bool) and body["message"]
    return body["data"]


async def press(env, action, body=None, role="technician", serial=V5):  # noqa: F811
    """fetchWithAuth: the JSON headers and the token; a body only when the app sends one."""
    return await env.client.post(
        f"/api/olts/realtime/{env.olt_id}/onus/{serial}/tr069/{action}",
        json=body,
        headers=app_headers(env, role),
    )


def device(env):  # noqa: F811
    return env.sim.devices[ACS_ID]


async def test_wifi_save_answers_and_shows_in_the_next_realtime_read(env):  # noqa: F811
    await app_stats(env, V5)  # cached: the change must drop it
    r = await press(env, "wireless-lan", WIFI)
    assert r.status_code == 200, r.text
    data = check(r.json(), "wirelessLanAnswer")
    assert r.json()["success"] is True and data["status"] == "applied"
    assert data["task_id"] and data["applied_at"]
    assert "correct horse 1" not in r.text
    wlan = (await app_stats(env, V5)).json()["data"]["wireless_lan_2_4ghz"]
    assert wlan["ssid"] == "Casa Nueva"


async def test_an_empty_ssid_message_names_the_field(env):  # noqa: F811
    r = await press(env, "wireless-lan", {**WIFI, "ssid": ""})
    assert r.status_code == 400
    validate_stats(r.json())
    assert r.json()["message"].startswith("ssid:")


async def test_dhcp_save_with_the_apps_dns_string(env):  # noqa: F811
    r = await press(env, "lan-dhcp", DHCP)
    assert r.status_code == 200, r.text
    data = check(r.json(), "lanDhcpAnswer")
    d = data["lan_dhcp_server"]
    assert (d["start_address"], d["end_address"], d["lease_time"]) == (
        "192.168.18.100",
        "192.168.18.150",
        3600,
    )
    assert d["dns_servers"].replace(" ", "") == "1.1.1.1,8.8.8.8"


async def test_ping_and_traceroute_print_numbers(env):  # noqa: F811
    r = await press(
        env, "diagnostic/ping", {"host": "8.8.8.8", "number_of_repetitions": 4, "timeout": 1000}
    )
    assert r.status_code == 200, r.text
    data = check(r.json(), "pingAnswer")
    assert r.json()["success"] is True
    assert (data["success_count"], data["failure_count"]) == (4, 0)
    for key in ("average_response_time", "min_response_time", "max_response_time"):
        assert isinstance(data[key], int | float)
    body = {"host": "example.com", "max_hop_count": 30, "timeout": 5000}
    r = await press(env, "diagnostic/traceroute", body)
    assert r.status_code == 200, r.text
    data = check(r.json(), "tracerouteAnswer")
    assert [h["hop_number"] for h in data["hops"]] == [1, 2, 3]
    assert all(h["host"] and isinstance(h["response_time"], int | float) for h in data["hops"])


@pytest.mark.parametrize(
    "env", [{"speedtest_download_url": "http://127.0.0.1:9/file.bin"}], indirect=True
)
async def test_speed_test_download_is_a_number(env):  # noqa: F811
    r = await press(env, "diagnostic/speedtest", {"direction": "download"})
    assert r.status_code == 200, r.text
    data = check(r.json(), "speedtestAnswer")
    assert r.json()["success"] is True
    assert data["download_mbps"] == pytest.approx(80.0, rel=0.01)
    assert data["jitter_ms"] is None and isinstance(data["test_duration_seconds"], float)


async def test_a_diagnostic_not_done_in_time_is_no_success_without_numbers(env):  # noqa: F811
    device(env).online = False  # the ping is queued for the next session
    r = await press(
        env, "diagnostic/ping", {"host": "8.8.8.8", "number_of_repetitions": 4, "timeout": 1000}
    )
    assert 200 <= r.status_code < 300, r.text
    data = check(r.json(), "pingAnswer")
    assert r.json()["success"] is False and data["status"] in ("queued", "running")
    assert data["task_id"] and r.json()["message"]


async def test_reboot_resync_and_factory_reset_with_the_apps_bodies(env):  # noqa: F811
    r = await press(env, "resync-config")
    assert r.status_code == 200, r.text
    assert check(r.json(), "resyncAnswer")["task_id"]
    r = await press(env, "reboot", {"confirm": True})
    assert r.status_code == 200, r.text
    data = check(r.json(), "rebootAnswer")
    assert data["task_id"] and isinstance(data["estimated_downtime_seconds"], int)


async def test_factory_reset_with_confirm_alone(env):  # noqa: F811
    assert (await press(env, "factory-reset", {"confirm": True})).status_code == 403  # role
    r = await press(env, "factory-reset", {"confirm": True}, role="admin")
    assert r.status_code == 200, r.text
    data = check(r.json(), "factoryResetAnswer")
    assert r.json()["warning"] and data["task_id"]
    assert isinstance(data["estimated_downtime_seconds"], int)
    refused = await press(env, "factory-reset", {"confirm": False}, role="admin")
    assert refused.status_code == 400 and refused.json()["message"].startswith("confirm:")


async def test_a_change_held_for_the_next_session_can_be_cancelled(env):  # noqa: F811
    device(env).online = False
    r = await press(env, "wireless-lan", {"ssid": "Later"})
    assert r.status_code == 200, r.text
    data = check(r.json(), "wirelessLanAnswer")
    assert data["status"] == "queued" and "task_id" in r.json()["message"]
    url = f"/api/olts/realtime/{env.olt_id}/onus/{V5}/tr069/tasks/{data['task_id']}"
    r = await env.client.delete(url, headers=app_headers(env))
    assert r.status_code == 200, r.text
    assert check(r.json(), "cancelAnswer")["status"] == "cancelled"
    assert env.sim.tasks == []
    assert (await env.client.delete(url, headers=app_headers(env))).status_code == 404


async def test_a_slow_action_answers_before_the_app_gives_up(env, monkeypatch):  # noqa: F811
    import ponapi.api.routes.realtime_actions as ra

    device(env).session_delay = 1.0
    monkeypatch.setitem(ra.APP_TIMEOUTS, "wireless-lan", MARGIN + 0.2)  # the app waits 10.2 s
    r = await press(env, "wireless-lan", {"ssid": "Slow"})
    assert r.status_code == 202, r.text
    data = check(r.json(), "wirelessLanAnswer")
    assert data["status"] == "running" and data["task_id"]
    assert "still running" in r.json()["message"]


def test_every_wait_is_under_the_apps_timeout():
    assert set(APP_TIMEOUTS) >= {
        "wireless-lan", "lan-dhcp", "diagnostic/ping", "diagnostic/traceroute",
        "diagnostic/speedtest", "reboot", "resync-config", "factory-reset", "disable", "enable",
    }  # fmt: skip
    assert APP_TIMEOUTS["reboot"] == 120 and APP_TIMEOUTS["factory-reset"] == 150
    assert APP_TIMEOUTS["disable"] == 90 and APP_TIMEOUTS["wireless-lan"] == 60
    assert 0 < MARGIN < min(APP_TIMEOUTS.values())


async def test_disable_with_no_body_on_the_olt(make_env):  # noqa: F811
    env = await make_env("huawei", "ssh")  # noqa: F811
    serial = env.sim.onus[2].serial.canonical
    url = f"/api/olts/realtime/{env.olt_id}/onus/{serial}/tr069"
    tech = {"Authorization": f"Bearer {await token_for(env.client, 'tech')}"}
    admin = {"Authorization": f"Bearer {await token_for(env.client, 'admin')}"}
    json_header = {"Content-Type": "application/json"}
    r = await env.client.post(f"{url}/disable", headers={**json_header, **tech})
    assert r.status_code == 403  # roles still decide
    r = await env.client.post(f"{url}/disable", headers={**json_header, **admin})
    assert r.status_code == 200, r.text
    data = check(r.json(), "adminStateAnswer")
    assert (data["previous_state"], data["new_state"]) == ("enabled", "disabled")
    r = await env.client.post(f"{url}/enable", headers={**json_header, **admin})
    assert r.status_code == 200, r.text
    assert check(r.json(), "adminStateAnswer")["new_state"] == "enabled"


def wlan_node(env):  # noqa: F811
    return device(env).doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]


async def screen_body(env) -> dict[str, Any]:  # noqa: F811
    """What the app's Save Wi-Fi sends when nothing was edited: the screen's values again."""
    wlan = (await app_stats(env, V5)).json()["data"]["wireless_lan_2_4ghz"]
    return {
        "ssid": wlan["ssid"],
        "password": wlan["password"],
        "auth_mode": "wpa2-psk",
        "channel": wlan["channel"],
        "tx_power": wlan["tx_power"],
        "country_domain": wlan["country_domain"],
    }


async def test_saving_the_screen_unchanged_sets_nothing(env):  # noqa: F811
    r = await press(env, "wireless-lan", {"auth_mode": "wpa2-psk"})  # the app's fixed mode
    assert r.status_code == 200, r.text
    before = [t for t in env.sim.log if t[0] == "POST"]
    r = await press(env, "wireless-lan", await screen_body(env))
    assert r.status_code == 200, r.text
    data = check(r.json(), "wirelessLanAnswer")
    assert data["status"] == "unchanged" and "nothing to change" in r.json()["message"]
    assert [t for t in env.sim.log if t[0] == "POST"] == before  # no task sent


async def test_auto_channel_stays_on_unless_the_channel_changes(env):  # noqa: F811
    node = wlan_node(env)
    node["AutoChannelEnable"]["_value"] = True
    body = {**(await screen_body(env)), "ssid": "Only the name"}
    r = await press(env, "wireless-lan", body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "applied"
    assert node["SSID"]["_value"] == "Only the name"
    assert node["AutoChannelEnable"]["_value"] is True  # the channel it was on: not touched
    other = 11 if int(node["Channel"]["_value"]) != 11 else 1
    r = await press(env, "wireless-lan", {**body, "channel": other})
    assert r.status_code == 200, r.text
    assert node["AutoChannelEnable"]["_value"] is False
    assert int(node["Channel"]["_value"]) == other


async def test_a_world_domain_sent_back_is_kept_not_refused(env):  # noqa: F811
    node = wlan_node(env)
    node["RegulatoryDomain"]["_value"] = "00"
    body = await screen_body(env)
    assert body["country_domain"] == "00"
    r = await press(env, "wireless-lan", {**body, "ssid": "World"})
    assert r.status_code == 200, r.text
    assert node["RegulatoryDomain"]["_value"] == "00" and node["SSID"]["_value"] == "World"
    node["RegulatoryDomain"]["_value"] = "GB"
    r = await press(env, "wireless-lan", {**body, "ssid": "World"})
    assert r.status_code == 400 and r.json()["message"].startswith("country_domain:")


async def test_dhcp_saved_unchanged_sets_nothing(env):  # noqa: F811
    assert (await press(env, "lan-dhcp", DHCP)).status_code == 200
    before = [t for t in env.sim.log if t[0] == "POST"]
    r = await press(env, "lan-dhcp", DHCP)
    assert r.status_code == 200, r.text
    assert check(r.json(), "lanDhcpAnswer")["status"] == "unchanged"
    assert [t for t in env.sim.log if t[0] == "POST"] == before


async def test_openapi_documents_the_buttons_under_the_apps_tag(env):  # noqa: F811
    doc = (await env.client.get("/openapi.json")).json()
    base = "/api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069/"
    for action in APP_TIMEOUTS:
        op = doc["paths"][base + action]["post"]
        assert op["tags"] == ["app (realtime)"], action
        for status in ("200", "202"):
            schema = op["responses"][status]["content"]["application/json"]["schema"]
            assert schema["$ref"].startswith("#/components/schemas/AppWire_"), action
        assert "403" in op["responses"] and "400" in op["responses"]
    assert not doc["paths"][base + "disable"]["post"]["requestBody"]["required"]
    assert doc["paths"][base + "wireless-lan"]["post"]["requestBody"]["required"]
    cancel = doc["paths"][base + "tasks/{task_id}"]["delete"]["responses"]["200"]
    assert cancel["content"]["application/json"]["schema"]["$ref"].endswith("cancelAnswer")
