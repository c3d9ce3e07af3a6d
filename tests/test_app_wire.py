"""The app's stats route (``/api/olts/realtime/...``) replayed as the app sends it (its
services/api.ts: the URL, ``Content-Type`` and ``Authorization`` headers, no query), on ONUs
read through the ACS and over an OLT CLI: every key the screen's render code reads, the
availability flags, the error ``message``, and every answer validated against
ponapi/contract/app-wire.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ponapi.appwire.availability import NEEDS, flags
from ponapi.appwire.stats import SNAKE_NAMES, render_stats
from ponapi.tr069 import sections as section_registry
from tests.fixtures import validate_stats
from tests.test_olt_cli_api import OLT_PASSWORD, make_env  # noqa: F401  (the fixture)
from tests.test_tr069_api import NOKIA, UNKNOWN, V5, X6, env  # noqa: F401  (the fixture)

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "ponapi/contract/app-wire.schema.json").read_text()
)


def validate(body: dict[str, Any], definition: str) -> None:
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"}).validate(body)


# What TR069StatsScreen.tsx reads of each section (its render functions and loadTr069Stats),
# and what its spec (REQUISITOS_BACKEND_TR069.md) adds: every one must be present.
SCREEN_READS: dict[str, tuple[str, ...]] = {
    "general": (
        "model_name", "software_version", "hardware_version", "serial_number",
        "optical_power_rx", "optical_power_tx", "distance", "temperature", "voltage",
        "uptime", "last_seen", "mac_address",
    ),
    "ip_interface_1_1": (
        "available_via_cli", "data_completeness", "limitation", "recommendation", "name",
        "status", "ip_address", "subnet_mask", "gateway", "dns_servers", "mac_address",
        "vlan_id", "ipv6_address", "ipv6_gateway",
    ),
    "wireless_lan_2_4ghz": (
        "available_via_cli", "recommendation", "limitation", "ssid", "password", "auth_mode",
        "status", "enable", "rf_band", "standard", "radio_enabled", "total_associations",
        "ssid_advertisement_enabled", "wpa_encryption", "channel_width", "auto_channel",
        "channel", "country_domain", "tx_power",
    ),
    "wifi_site_survey": ("available_via_cli", "recommendation", "networks"),
    "lan_dhcp_server": (
        "lan_ip_address", "lan_netmask", "dhcp_enabled", "dhcp_min_addr", "dhcp_max_addr",
        "dhcp_subnet_mask", "dhcp_gateway", "dhcp_dns_servers", "lease_time_sec",
    ),
}  # fmt: skip
SCREEN_READS["ip_interface_2_1"] = SCREEN_READS["ip_interface_1_1"]
SCREEN_READS["wireless_lan_5ghz"] = SCREEN_READS["wireless_lan_2_4ghz"]
HOST_KEYS = ("mac_address", "ip_address", "address_source", "hostname", "port", "active")
NETWORK_KEYS = ("ssid", "channel", "signal_strength", "security")
# The app's key -> the contract's (where the name is not just its snake_case form).
RENAMED = {
    "status": "connectionStatus",
    "gateway": "defaultGateway",
    "dhcp_enabled": "dhcpServerEnabled",
}
FLAG_KEYS = ("available_via_cli", "data_completeness", "limitation", "recommendation")


def app_headers(env: Any, role: str = "technician") -> dict[str, str]:  # noqa: F811
    """fetchWithAuth's headers: JSON and the bearer token, nothing else."""
    return {"Content-Type": "application/json", **env.headers[role]}


async def app_stats(env: Any, serial: str, role: str = "technician") -> Any:  # noqa: F811
    r = await env.client.get(
        f"/api/olts/realtime/{env.olt_id}/onus/{serial}/tr069-stats", headers=app_headers(env, role)
    )
    if r.status_code == 200:
        validate(r.json(), "stats")
    else:
        validate_stats(r.json())  # the contract's error envelope
    return r


def camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p.capitalize() for p in rest)


@pytest.mark.parametrize("serial", [V5, X6, NOKIA])
async def test_acs_read_onu_has_every_key_the_screen_reads(env, serial):  # noqa: F811
    r = await app_stats(env, serial)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["success"], body["source"], body["cached"]) == (True, "acs", False)
    assert body["timestamp"]
    data = body["data"]
    assert set(data) == {*SNAKE_NAMES.values(), "availability"}
    contract = (await env.stats(serial, role="technician")).json()["data"]  # now cached
    inverse = {v: k for k, v in SNAKE_NAMES.items()}
    for section, keys in SCREEN_READS.items():
        got = data[section]
        assert isinstance(got, dict), section
        source = contract[inverse[section]]
        for key in keys:
            assert key in got, f"{section}.{key}"
            reported = source.get(RENAMED.get(key, camel(key)))
            if reported not in (None, ""):  # non-empty where the device reports it
                assert got[key] not in (None, ""), f"{section}.{key}"
        assert got["available_via_cli"] is True  # the app shows the data, no banner
        assert got["data_completeness"] in ("full", "limited")
    wlan = data["wireless_lan_2_4ghz"]
    assert all(isinstance(wlan[k], int) for k in ("channel", "tx_power", "total_associations"))
    assert wlan["data_completeness"] == "full"  # the app would hide it otherwise
    assert wlan["enable"] in ("Yes", "No") and isinstance(data["ip_interface_2_1"]["vlan_id"], str)
    assert isinstance(data["lan_dhcp_server"]["lease_time_sec"], int)
    for net in data["wifi_site_survey"]["networks"]:
        assert set(NETWORK_KEYS) <= set(net)
    for host in data["hosts"]:
        assert set(HOST_KEYS) <= set(host) and isinstance(host["active"], bool)
    assert all(isinstance(a["available_via_cli"], bool) for a in data["availability"].values())


async def test_the_app_route_is_the_same_read_cache_and_audit(env):  # noqa: F811
    first = await app_stats(env, V5)
    second = await env.stats(V5)  # the contract's route, same ONU
    third = await app_stats(env, "hwtc-a94196a5")  # any serial form
    assert env.sim.calls("/devices") == 1  # one ACS read for the three
    assert first.json()["cached"] is False
    assert second.json()["meta"]["cached"] is True and third.json()["cached"] is True
    assert third.json()["data"]["wireless_lan_2_4ghz"]["ssid"] == "Anlix-EG8145"
    await env.app.state.ctx.audit.flush()
    entries = (
        await env.client.get(
            "/api/audit", headers=env.headers["admin"], params={"action": "stats.read"}
        )
    ).json()["data"]
    assert len(entries) == 3


async def test_secrets_follow_the_role(env):  # noqa: F811
    dev = env.sim.device_by_serial("48575443A94196A5")
    web = dev.doc["InternetGatewayDevice"]["UserInterface"]["X_HW_WebUserInfo"]
    web["1"]["Password"]["_value"] = "web-secret-1"
    viewer = await app_stats(env, V5, role="viewer")
    assert "web-secret-1" not in viewer.text
    tech = await app_stats(env, V5, role="technician")
    assert "web-secret-1" in tech.text


async def test_errors_carry_a_message_a_person_can_act_on(env):  # noqa: F811
    r = await app_stats(env, UNKNOWN)
    assert (r.status_code, r.json()["code"]) == (422, "TR069_NOT_SUPPORTED")
    assert UNKNOWN in r.json()["message"]
    r = await app_stats(env, "HWTC0000ABCD")
    assert (r.status_code, r.json()["code"]) == (404, "ONU_NOT_FOUND")
    assert r.json()["message"] == r.json()["details"]
    r = await env.client.get(f"/api/olts/realtime/{env.olt_id}/onus/{V5}/tr069-stats")
    assert r.status_code == 401 and r.json()["message"]
    # The contract's routes too: an empty SSID names the field and its rule.
    r = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{V5}/tr069/wireless-lan",
        json={"ssid": ""},
        headers=app_headers(env),
    )
    assert r.status_code == 400
    assert r.json()["message"].startswith("ssid: must be 1 to 32 bytes")
    validate_stats(r.json())


async def test_cli_read_onu_carries_the_flags_with_a_recommendation(make_env):  # noqa: F811
    cli = await make_env("huawei", "ssh")
    u = cli.sim.onus[2]
    r = await cli.client.get(
        f"/api/olts/realtime/{cli.olt_id}/onus/{u.serial.dashed}/tr069-stats",
        headers={"Content-Type": "application/json", **cli.headers},
    )
    assert r.status_code == 200, r.text
    validate(r.json(), "stats")
    assert OLT_PASSWORD not in r.text
    body = r.json()
    assert body["source"] == "cli"
    data = body["data"]
    for section in ("general", "ip_interface_1_1", "ip_interface_2_1", "wireless_lan_2_4ghz",
                    "wifi_site_survey", "lan_dhcp_server"):  # fmt: skip
        got = data[section]
        assert isinstance(got, dict), section  # never null: the banner needs the flags
        assert isinstance(got["available_via_cli"], bool)
        assert got["data_completeness"] == "limited"
        assert got["limitation"] and got["recommendation"]
    assert data["general"]["distance"].endswith(" m")  # what the OLT does give
    wlan = data["wireless_lan_2_4ghz"]
    assert wlan["available_via_cli"] is False and "ACS" in wlan["recommendation"]
    assert wlan["ssid"]  # what the CLI read is kept
    assert data["wifi_site_survey"]["available_via_cli"] is False
    assert data["wifi_site_survey"]["networks"] == []
    assert data["ip_interface_1_1"]["dns_servers"] == "8.8.8.8, 1.1.1.1"
    assert data["lan_dhcp_server"]["available_via_cli"] is False
    assert data["availability"]["lan_counters"]["available_via_cli"] is False
    assert data["availability"]["hosts"]["available_via_cli"] is True


def test_every_section_has_its_sentences_and_an_app_name():
    assert set(NEEDS) == set(section_registry.names()) == set(SNAKE_NAMES)
    for name, need in NEEDS.items():
        cli = section_registry.spec(name).limitation
        assert cli.endswith(".") and "ACS" in need.recommendation, name
        over_cli = flags(name, "cli", {"status": "unavailable", "missing": []})
        assert over_cli["available_via_cli"] is False and over_cli["limitation"] == cli
        assert flags(name, "acs", {"status": "ok", "missing": []}) == {
            "available_via_cli": True,
            "data_completeness": "full",
            "limitation": None,
            "recommendation": None,
        }


def test_acs_read_without_the_olt_distance_says_what_would_add_it():
    got = flags("general", "acs", {"status": "partial", "missing": ["distance"]})
    assert got["data_completeness"] == "limited"
    assert "distance" in got["limitation"] and "auto" in got["recommendation"]


def test_renderer_types_and_absent_sections():
    body = {
        "success": True,
        "message": "m",
        "data": {
            "general": None,
            "wirelessLan": {"channel": "", "txPower": "20", "totalAssociations": "3",
                            "countryDomain": "BR - Brazil"},
            "lanDhcpServer": {"dhcpServerEnabled": False, "leaseTimeSec": "86400",
                              "dhcpDnsServers": "1.1.1.1,8.8.8.8"},
            "hosts": [{"id": "1", "active": "No"}],
        },
        "meta": {"source": "genieacs", "fetchedAt": "2026-01-01T00:00:00Z", "cached": True,
                 "sections": {"general": {"status": "absent"},
                              "wirelessLan": {"status": "ok", "missing": []}}},
    }  # fmt: skip
    out = render_stats(body)
    assert out["data"]["general"] is None  # the device has no such thing: null
    wlan = out["data"]["wireless_lan_2_4ghz"]
    assert (wlan["channel"], wlan["tx_power"], wlan["total_associations"]) == (None, 20, 3)
    assert wlan["country_domain"] == "BR"
    dhcp = out["data"]["lan_dhcp_server"]
    assert (dhcp["dhcp_enabled"], dhcp["lease_time_sec"]) == (False, 86400)
    assert dhcp["dhcp_dns_servers"] == "1.1.1.1, 8.8.8.8"
    assert out["data"]["hosts"][0]["active"] is False
    assert (out["source"], out["cached"], out["timestamp"]) == ("acs", True, "2026-01-01T00:00:00Z")


async def test_openapi_lists_the_app_route_under_its_own_tag(env):  # noqa: F811
    doc = (await env.client.get("/openapi.json")).json()
    op = doc["paths"]["/api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069-stats"]["get"]
    assert op["tags"] == ["app (realtime)"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/AppWire_stats"}
    assert "AppWire_pingAnswer" in doc["components"]["schemas"]
    assert "message" in doc["components"]["schemas"]["ErrorEnvelope"]["required"]
