"""Planners on every real dump in tests/fixtures/acs: the paths they write exist in that dump and
are writable there, with the dump's own types; TR-181 vs TR-098; per-vendor passphrase
parameters; diagnostics objects or a clear "not supported by this device"."""

import ipaddress

import pytest

from ponapi.actions import device as dv
from ponapi.actions import dhcp, wifi
from ponapi.actions import diagnostics as d
from ponapi.actions import models as m
from ponapi.actions.errors import ActionValidationError, NotConfiguredError, NotSupportedError
from ponapi.actions.writes import UNCHANGED
from ponapi.tr069.document import DeviceDocument, document_from_csv
from tests.fixtures import all_csv, csv_text

V5 = "anlix-genieacs-sim_device-00259E-EG8145V5-48575443A94196A5-2023-03-28T154335106Z.csv"
X6 = "anlix-genieacs-sim_device-eg8145x6-no-mesh.csv"
V5_VOIP = "anlix-genieacs-sim_device-eg8145v5-has-voip.csv"
W5 = "anlix-genieacs-sim_device-00E04C-W5-2100G-D8365F659C6E.csv"
EX220 = "anlix-genieacs-sim_device-1C61B4-EX220-2226469000523.csv"
XX230V = "anlix-genieacs-sim_device-1C61B4-XX230v-22275A7000395-2023-04-27T154050686Z.csv"
NOKIA = "anlix-genieacs-sim_device-9075BC-G-1425G-A-ALCLFC265D6F-2023-03-28T160833431Z.csv"
EC220V2 = "anlix-genieacs-sim_device-9CA2F4-EC220_G5_V2-22282X5007025.csv"
EC220V3 = "anlix-genieacs-sim_device-9CA2F4-EC220_G5_V3-22275K2000315.csv"
ZTE = "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
BM632W = "genieacs-sim_data_model_202BC1-BM632w-8KA8WA1151100043.csv"

# Per dump: TR-181?, bands with Wi-Fi, passphrase parameter (relative to the WLAN / AP),
# whether ping and traceroute objects exist.
EXPECTED = {
    V5: (False, ("2.4GHz", "5GHz"), "PreSharedKey.1.PreSharedKey", True, True),
    "anlix-genieacs-sim_device-eg8145v5-has-voip.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.PreSharedKey",
        False,
        False,
    ),
    "anlix-genieacs-sim_device-eg8145v5-no-voip.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.PreSharedKey",
        False,
        False,
    ),
    X6: (False, ("2.4GHz", "5GHz"), "PreSharedKey.1.PreSharedKey", True, True),
    "anlix-genieacs-sim_device-eg8145x6-has-mesh.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.PreSharedKey",
        True,
        True,
    ),
    "anlix-genieacs-sim_device-eg8145x6-no-root-mesh.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.PreSharedKey",
        True,
        True,
    ),
    "anlix-genieacs-sim_device-eg8145x6-static-wan.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.PreSharedKey",
        False,
        False,
    ),
    W5: (False, ("2.4GHz", "5GHz"), "KeyPassphrase", True, False),
    EX220: (True, ("2.4GHz", "5GHz"), "Security.KeyPassphrase", True, True),
    XX230V: (True, ("2.4GHz", "5GHz"), "Security.KeyPassphrase", True, True),
    NOKIA: (False, ("2.4GHz", "5GHz"), "PreSharedKey.1.KeyPassphrase", True, True),
    EC220V2: (False, ("2.4GHz", "5GHz"), "X_TP_PreSharedKey", True, True),
    EC220V3: (True, ("2.4GHz", "5GHz"), "Security.KeyPassphrase", True, True),
    ZTE: (False, ("2.4GHz", "5GHz"), "PreSharedKey.1.KeyPassphrase", True, True),
    "anlix-genieacs-sim_device-H199Z.csv": (
        False,
        ("2.4GHz", "5GHz"),
        "PreSharedKey.1.KeyPassphrase",
        True,
        True,
    ),
    BM632W: (False, ("2.4GHz",), "PreSharedKey.1.PreSharedKey", True, False),
}


def raw(name):
    return document_from_csv(csv_text(name), default_timestamp="2023-03-28T15:00:00Z")


def test_every_dump_has_an_expectation():
    assert set(EXPECTED) == set(all_csv())


def assert_writable_in_dump(plan, doc):
    for w in plan.writes:
        node = doc.node(w.path)
        assert node is not None and node.get("_object") is not True, w.path
        assert node.get("_writable") is True, w.path
        assert w.xsd == node.get("_type", w.xsd), w.path
    (spv,) = [t for t in plan.tasks if t["name"] == "setParameterValues"]
    assert spv["parameterValues"] == [[w.path, w.value, w.xsd] for w in plan.writes]


WIFI_BODY = {
    "ssid": "Casa da Ana",
    "password": "segredo-123",
    "auth_mode": "wpa-wpa2",
    "channel": 0,
    "enable": True,
    "ssid_advertisement_enabled": True,
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_wifi_plan_writes_only_writable_paths_of_the_dump(name):
    tr181, bands, psk, _, _ = EXPECTED[name]
    doc = DeviceDocument(raw(name))
    for band in bands:
        req = m.parse(m.WirelessLanRequest, {**WIFI_BODY, "band": band})
        plan = wifi.plan_wifi(req, raw(name))
        assert_writable_in_dump(plan, doc)
        root = "Device." if tr181 else "InternetGatewayDevice."
        assert all(w.path.startswith(root) for w in plan.writes)
        secrets = [w for w in plan.writes if w.secret]
        assert len(secrets) == 1, "exactly one passphrase parameter"
        assert secrets[0].path.endswith("." + psk)
        assert secrets[0].field == "password" and plan.audit_values()[secrets[0].path] == "********"
        by_field = {w.field for w in plan.writes}
        assert {"ssid", "password"} <= by_field
        if tr181:
            assert any(w.path.endswith("Security.ModeEnabled") for w in plan.writes)
            assert not any("BeaconType" in w.path for w in plan.writes)
        else:
            beacon = [w for w in plan.writes if w.path.endswith(".BeaconType")]
            if not beacon:  # the device already has it: nothing set for it
                assert plan.skipped["auth_mode"] == UNCHANGED
            else:
                assert [b.value for b in beacon] == ["WPAand11i"]
        assert plan.readback == list(dict.fromkeys(w.path for w in plan.writes))


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if "5GHz" not in e[1]))
def test_wifi_plan_for_a_missing_band_is_not_supported(name):
    with pytest.raises(NotSupportedError) as info:
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"ssid": "x", "band": "5GHz"}), raw(name))
    assert info.value.feature == "band"


def test_huawei_wpa2_writes_beacon_and_11i_modes():
    plan = wifi.plan_wifi(
        m.parse(m.WirelessLanRequest, {"auth_mode": "wpa2", "channel": 11, "tx_power": 60}), raw(V5)
    )
    wlc = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1"
    assert [(w.path, w.value, w.xsd) for w in plan.writes] == [
        (f"{wlc}.AutoChannelEnable", False, "xsd:boolean"),
        (f"{wlc}.Channel", 11, "xsd:unsignedInt"),
        (f"{wlc}.TransmitPower", 60, "xsd:unsignedInt"),
        (f"{wlc}.BeaconType", "11i", "xsd:string"),
        (f"{wlc}.IEEE11iAuthenticationMode", "PSKAuthentication", "xsd:string"),
        (f"{wlc}.IEEE11iEncryptionModes", "AESEncryption", "xsd:string"),
    ]


def test_tx_power_must_be_one_the_device_supports():
    with pytest.raises(ActionValidationError) as info:
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"tx_power": 50}), raw(V5))
    assert info.value.field == "tx_power" and "20, 40, 60, 80, 100" in info.value.reason
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"tx_power": 35}), raw(W5))
    assert plan.writes[0].path.endswith("WLANConfiguration.2.TransmitPower")


def test_channel_is_checked_against_the_devices_own_country():
    # XX230v reports "US " on both radios: channel 13 is not allowed there.
    with pytest.raises(ActionValidationError) as info:
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"channel": 13}), raw(XX230V))
    assert info.value.field == "channel"
    assert wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"channel": 13}), raw(EX220)).writes


@pytest.mark.parametrize(
    ("name", "expected"),
    [(XX230V, "FR "), (EX220, "FR "), (ZTE, "FRI"), (V5, "FR"), (NOKIA, "FR"), (BM632W, "FR")],
)
def test_regulatory_domain_keeps_the_devices_format(name, expected):
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"country_domain": "FR"}), raw(name))
    assert [w.value for w in plan.writes if w.path.endswith("RegulatoryDomain")] == [expected]


@pytest.mark.parametrize(
    ("name", "code"), [(XX230V, "US"), (EX220, "BR"), (ZTE, "BR"), (NOKIA, "00"), (V5, "gb")]
)
def test_the_country_the_device_has_is_not_set_again(name, code):
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"country_domain": code}), raw(name))
    assert plan.writes == [] and plan.tasks == []
    assert plan.skipped["country_domain"] == UNCHANGED


def test_country_is_skipped_where_the_device_has_no_regulatory_domain():
    plan = wifi.plan_wifi(
        m.parse(m.WirelessLanRequest, {"country_domain": "BR", "ssid": "x"}), raw(EC220V3)
    )
    assert "country_domain" in plan.skipped and "does not exist" in plan.skipped["country_domain"]
    assert [w.field for w in plan.writes] == ["ssid"]


def test_intelbras_5ghz_is_instance_1_chosen_by_band():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"ssid": "x", "band": "5GHz"}), raw(W5))
    assert plan.target["wlan"].endswith("WLANConfiguration.1")


def test_tr181_wpa2_wpa3_uses_the_name_the_device_lists():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"auth_mode": "wpa2-wpa3"}), raw(EX220))
    assert [(w.path, w.value) for w in plan.writes] == [
        ("Device.WiFi.AccessPoint.1.Security.ModeEnabled", "WPA2-WPA3-Personal")
    ]


def test_tr098_has_no_wpa3():
    with pytest.raises(NotSupportedError):
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"auth_mode": "wpa3"}), raw(ZTE))


def test_raw_hex_psk_goes_to_the_literal_key_parameter():
    key = "ab" * 32
    with pytest.raises(NotSupportedError, match="no writable passphrase"):
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"password": key}), raw(ZTE))
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"password": key}), raw(NOKIA))
    assert [w.path.rsplit(".", 3)[-3:] for w in plan.writes] == [
        ["PreSharedKey", "1", "PreSharedKey"]
    ]
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"password": key}), raw(XX230V))
    assert plan.writes[0].path == "Device.WiFi.AccessPoint.1.Security.PreSharedKey"


def test_nokia_ssid_change_needs_the_password_too():
    with pytest.raises(ActionValidationError) as info:
        wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"ssid": "x"}), raw(NOKIA))
    assert info.value.field == "password"


def test_open_network_ignores_the_password():
    plan = wifi.plan_wifi(
        m.parse(m.WirelessLanRequest, {"auth_mode": "open", "password": "12345678"}), raw(ZTE)
    )
    assert not any(w.secret for w in plan.writes)
    assert [w.value for w in plan.writes if w.path.endswith("BeaconType")] == ["Basic"]


# --- DHCP ---------------------------------------------------------------------------------------


def _lan(doc, tr181):
    if tr181:
        ref = str(doc.get("Device.DHCPv4.Server.Pool.1.Interface").value).rstrip(".")
        ip = doc.get(f"{ref}.IPv4Address.1.IPAddress").value
        mask = doc.get(f"{ref}.IPv4Address.1.SubnetMask").value
    else:
        base = "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement.IPInterface.1"
        ip = doc.get(f"{base}.IPInterfaceIPAddress").value
        mask = doc.get(f"{base}.IPInterfaceSubnetMask").value
    return ipaddress.IPv4Interface(f"{ip}/{mask}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_dhcp_plan_inside_each_dumps_lan(name):
    tr181 = EXPECTED[name][0]
    doc = DeviceDocument(raw(name))
    lan = _lan(doc, tr181)
    hosts = list(lan.network.hosts())
    start, end = hosts[-21], hosts[-4]  # not what the dumps hold: each is set
    body = {
        "dhcp_server_enable": True,
        "start_address": str(start),
        "end_address": str(end),
        "dns_servers": ["1.1.1.1", "8.8.8.8"],
        "lease_time": 7260,
    }
    plan = dhcp.plan_dhcp(m.parse(m.LanDhcpRequest, body), raw(name))
    assert_writable_in_dump(plan, doc)
    values = {w.path.rsplit(".", 1)[-1]: w.value for w in plan.writes}
    assert values["MinAddress"] == str(start) and values["MaxAddress"] == str(end)
    assert values["DNSServers"] == "1.1.1.1,8.8.8.8"
    assert values["LeaseTime" if tr181 else "DHCPLeaseTime"] == 7260
    if plan.skipped.get("dhcp_server_enable") != UNCHANGED:  # on already: not set again
        assert plan.writes[-1].field == "dhcp_server_enable"
    outside = {**body, "start_address": str(lan.ip + 256), "end_address": str(lan.ip + 300)}
    with pytest.raises(ActionValidationError) as info:
        dhcp.plan_dhcp(m.parse(m.LanDhcpRequest, outside), raw(name))
    assert info.value.field == "start_address"
    around = {**body, "start_address": str(hosts[0]), "end_address": str(hosts[-1])}
    if hosts[0] <= lan.ip <= hosts[-1]:
        with pytest.raises(ActionValidationError, match="LAN address"):
            dhcp.plan_dhcp(m.parse(m.LanDhcpRequest, around), raw(name))


def test_dhcp_disable_writes_only_the_switch():
    plan = dhcp.plan_dhcp(m.parse(m.LanDhcpRequest, {"dhcp_server_enable": False}), raw(XX230V))
    assert [(w.path, w.value) for w in plan.writes] == [
        ("Device.DHCPv4.Server.Enable", False),
        ("Device.DHCPv4.Server.Pool.1.Enable", False),
    ]


# --- diagnostics --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ping_and_traceroute_plans_or_not_supported(name):
    tr181, _, _, has_ping, has_trace = EXPECTED[name]
    doc = DeviceDocument(raw(name))
    for kind, plan_fn, req, present in (
        ("ping", d.plan_ping, m.PingRequest(host="8.8.8.8"), has_ping),
        ("traceroute", d.plan_traceroute, m.TracerouteRequest(host="example.com"), has_trace),
    ):
        if not present:
            with pytest.raises(NotSupportedError) as info:
                plan_fn(req, raw(name))
            assert info.value.feature == kind and "no " in info.value.reason
            continue
        plan = plan_fn(req, raw(name))
        root = plan.target["object"]
        assert root.startswith("Device.IP.Diagnostics." if tr181 else "InternetGatewayDevice.")
        assert plan.tasks[0] == {"name": "refreshObject", "objectName": root}
        assert_writable_in_dump(plan, doc)
        assert plan.writes[-1].path == f"{root}.DiagnosticsState"
        assert plan.writes[-1].value == "Requested"
        host = next(w for w in plan.writes if w.field == "host")
        assert host.value == req.host and host.path == f"{root}.Host"
        assert plan.readback == [root]


@pytest.mark.parametrize(
    ("name", "interface"),
    [
        (V5, "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.2.WANIPConnection.1"),
        (XX230V, "Device.IP.Interface.6."),
        (ZTE, "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.2"),
    ],
)
def test_diagnostics_run_on_the_internet_wan(name, interface):
    plan = d.plan_ping(m.PingRequest(host="8.8.8.8"), raw(name))
    assert plan.target["interface"] == interface
    assert [w.value for w in plan.writes if w.path.endswith(".Interface")] == [interface]


def test_interface_is_left_out_where_the_object_has_none():
    plan = d.plan_ping(m.PingRequest(host="8.8.8.8"), raw(EC220V3))
    assert not any(w.path.endswith(".Interface") for w in plan.writes)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_speedtest_plans_or_not_supported(name):
    tr181 = EXPECTED[name][0]
    doc = DeviceDocument(raw(name))
    root = ("Device.IP.Diagnostics." if tr181 else "InternetGatewayDevice.") + "DownloadDiagnostics"
    req = m.SpeedtestRequest(direction="download")
    if doc.get(f"{root}.DiagnosticsState") is None:
        with pytest.raises(NotSupportedError):
            d.plan_speedtest(req, raw(name), download_url="http://127.0.0.1/f", upload_url=None)
        return
    plan = d.plan_speedtest(req, raw(name), download_url="http://127.0.0.1/f", upload_url=None)
    assert_writable_in_dump(plan, doc)
    assert [w.value for w in plan.writes if w.path == f"{root}.DownloadURL"] == [
        "http://127.0.0.1/f"
    ]
    up = d.plan_speedtest(
        m.SpeedtestRequest(direction="upload"),
        raw(name),
        download_url=None,
        upload_url="http://127.0.0.1/u",
    )
    assert_writable_in_dump(up, doc)
    assert up.target["object"].endswith("UploadDiagnostics")


def test_speedtest_without_a_server_is_not_configured_at_once():
    with pytest.raises(NotConfiguredError):
        d.plan_speedtest(m.SpeedtestRequest(), raw(V5), download_url=None, upload_url=None)
    with pytest.raises(NotConfiguredError):
        d.plan_speedtest(
            m.SpeedtestRequest(direction="upload"), raw(V5), download_url="http://x/", upload_url=""
        )


# --- whole device -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [V5, XX230V])
def test_reboot_reset_and_resync_tasks(name):
    root = "Device" if EXPECTED[name][0] else "InternetGatewayDevice"
    assert dv.plan_reboot(raw(name)).tasks == [{"name": "reboot"}]
    assert dv.plan_factory_reset(raw(name)).tasks == [{"name": "factoryReset"}]
    assert dv.plan_resync(raw(name)).tasks == [{"name": "refreshObject", "objectName": root}]


def test_a_document_without_a_tree_is_not_supported():
    with pytest.raises(NotSupportedError):
        dv.plan_reboot({"_id": "x"})


def _plan_or_refusal(planner, doc):
    try:
        plan = planner(doc)
    except (NotSupportedError, NotConfiguredError) as exc:
        return type(exc).__name__
    return plan.tasks, plan.skipped


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_actions_plan_the_same_from_their_projected_read_as_from_the_whole_tree(name):
    # An action reads only part of the device (ponapi.actions.work.READS); planned from that
    # part, every action must send exactly what it would from the whole document.
    from ponapi.actions.work import READS
    from ponapi.sim.genieacs import project

    full = raw(name)
    wifi_req = m.parse(m.WirelessLanRequest, WIFI_BODY)
    dhcp_req = m.parse(m.LanDhcpRequest, {"dhcp_server_enable": False})
    ping_req = m.parse(m.PingRequest, {"host": "192.0.2.1"})
    cases = {
        "wifi": lambda doc: wifi.plan_wifi(wifi_req, doc),
        "dhcp": lambda doc: dhcp.plan_dhcp(dhcp_req, doc),
        "diagnostics": lambda doc: d.plan_ping(ping_req, doc),
    }
    for read, planner in cases.items():
        part = project(full, ["_id", *READS[read]])
        assert _plan_or_refusal(planner, part) == _plan_or_refusal(planner, full), read
