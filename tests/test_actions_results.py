"""Result readers on realistic documents (real dumps, plus the values a CPE reports after the
change or the test), applied-vs-queued, and the read-back comparison with secrets masked."""

from datetime import UTC, datetime

import pytest

from ponapi.actions import device as dv
from ponapi.actions import dhcp, wifi
from ponapi.actions import diagnostics as d
from ponapi.actions import models as m
from ponapi.actions import tasks as t
from ponapi.actions.errors import MASK, NotSupportedError, ReadbackMismatch
from ponapi.tr069.document import DeviceDocument
from tests.test_actions_planners import V5, V5_VOIP, X6, XX230V, ZTE, raw

LATER = "2026-01-01T10:00:05.000Z"
REQUESTED = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)


def put(doc, path, value, xsd="xsd:string", stamp=LATER):
    node = doc
    for part in path.split("."):
        node = node.setdefault(part, {})
    node.update({"_object": False, "_writable": True, "_value": value, "_type": xsd})
    node["_timestamp"] = stamp


def applied(plan, doc, hide_secrets=True):
    """The document as a CPE reports it after accepting the plan's writes."""
    for w in plan.writes:
        put(doc, w.path, "" if (w.secret and hide_secrets) else w.value, w.xsd)
    return doc


# --- ping / traceroute on real completed runs ------------------------------------------------


def test_ping_result_from_the_eg8145x6_dump():
    result = d.read_ping(raw(X6))
    assert result.status == "complete"
    assert result.result == {
        "host": "www.google.com",
        "successCount": 1,
        "failureCount": 9,
        "averageResponseTime": 2,
        "minResponseTime": 2,
        "maxResponseTime": 2,
    }


def test_ping_completed_spelling_of_the_xx230v_is_complete():
    result = d.read_ping(raw(XX230V))
    assert result.status == "complete"
    assert (result.result["successCount"], result.result["failureCount"]) == (3, 0)
    assert result.result["averageResponseTime"] == 3


def test_traceroute_hops_from_the_xx230v_dump():
    result = d.read_traceroute(raw(XX230V))
    assert result.status == "complete"
    hops = result.result["hops"]
    assert [h["hopNumber"] for h in hops] == list(range(1, 10))
    assert hops[0]["host"] == "192.168.89.1" and hops[0]["address"] == "192.168.89.1"
    assert hops[0]["rtTimes"] == [1, 1, 1] and hops[0]["responseTime"] == 1.0
    assert hops[-1]["host"] == "www.google.com (142.251.129.68)"
    assert hops[-1]["address"] == "142.251.129.68"
    assert hops[-1]["responseTime"] == pytest.approx(7 / 3, abs=0.05)


def test_a_result_older_than_the_request_is_still_pending():
    assert d.read_ping(raw(X6), requested_at=REQUESTED).status == "pending"
    doc = raw(X6)
    put(doc, "InternetGatewayDevice.IPPingDiagnostics.DiagnosticsState", "Complete")
    assert d.read_ping(doc, requested_at=REQUESTED).status == "complete"


@pytest.mark.parametrize("state", ["Requested", "None", ""])
def test_requested_or_idle_state_is_pending(state):
    doc = raw(V5)
    put(doc, "InternetGatewayDevice.IPPingDiagnostics.DiagnosticsState", state)
    assert d.read_ping(doc, requested_at=REQUESTED).status == "pending"


@pytest.mark.parametrize("state", ["Error_CannotResolveHostName", "Error_Internal", "Canceled"])
def test_error_states_are_reported(state):
    doc = raw(ZTE)
    put(doc, "InternetGatewayDevice.TraceRouteDiagnostics.DiagnosticsState", state)
    result = d.read_traceroute(doc, requested_at=REQUESTED)
    assert (result.status, result.state) == ("error", state)


def test_tr098_traceroute_hop_names():
    doc = raw(ZTE)
    base = "InternetGatewayDevice.TraceRouteDiagnostics"
    put(doc, f"{base}.DiagnosticsState", "Complete")
    put(doc, f"{base}.RouteHops.1.HopHost", "gw.isp.net")
    put(doc, f"{base}.RouteHops.1.HopHostAddress", "100.64.0.1")
    put(doc, f"{base}.RouteHops.1.HopErrorCode", 0, "xsd:unsignedInt")
    put(doc, f"{base}.RouteHops.1.HopRTTimes", "4,6")
    hops = d.read_traceroute(doc, requested_at=REQUESTED).result["hops"]
    assert hops == [
        {
            "hopNumber": 1,
            "host": "gw.isp.net",
            "address": "100.64.0.1",
            "responseTime": 5.0,
            "rtTimes": [4, 6],
            "errorCode": 0,
        }
    ]


def test_reading_a_missing_object_is_not_supported():
    with pytest.raises(NotSupportedError):
        d.read_ping(raw(V5_VOIP))


# --- speed test (TR-143) -----------------------------------------------------------------------


def _download(doc, root="InternetGatewayDevice.DownloadDiagnostics", **extra):
    put(doc, f"{root}.DiagnosticsState", "Completed")
    put(doc, f"{root}.BOMTime", "2026-01-01T10:00:01.250000Z", "xsd:dateTime")
    put(doc, f"{root}.EOMTime", "2026-01-01T10:00:11.250000Z", "xsd:dateTime")
    put(doc, f"{root}.TestBytesReceived", 125_000_000, "xsd:unsignedInt")
    put(doc, f"{root}.TotalBytesReceived", 125_400_000, "xsd:unsignedInt")
    put(doc, f"{root}.TCPOpenRequestTime", "2026-01-01T10:00:01.000000Z", "xsd:dateTime")
    put(doc, f"{root}.TCPOpenResponseTime", "2026-01-01T10:00:01.012500Z", "xsd:dateTime")
    for k, (value, xsd) in extra.items():
        put(doc, f"{root}.{k}", value, xsd)
    return doc


def test_download_mbps_from_bom_eom_and_test_bytes():
    result = d.read_speedtest(_download(raw(V5)), "download", requested_at=REQUESTED)
    assert result.status == "complete"
    assert result.result == {
        "downloadMbps": 100.0,
        "testDurationSeconds": 10.0,
        "testBytes": 125_000_000,
        "totalBytes": 125_400_000,
        "latencyMs": 12.5,
    }


def test_download_mbps_prefers_full_loading_figures():
    doc = _download(
        raw(X6),
        TestBytesReceivedUnderFullLoading=(50_000_000, "xsd:unsignedInt"),
        PeriodOfFullLoading=(2_000_000, "xsd:unsignedInt"),
    )
    assert d.read_speedtest(doc, "download").result["downloadMbps"] == 200.0


def test_tr181_upload_result():
    doc = raw(XX230V)
    root = "Device.IP.Diagnostics.UploadDiagnostics"
    put(doc, f"{root}.DiagnosticsState", "Complete")
    put(doc, f"{root}.BOMTime", "2026-01-01T10:00:00.000000Z", "xsd:dateTime")
    put(doc, f"{root}.EOMTime", "2026-01-01T10:00:04.000000Z", "xsd:dateTime")
    put(doc, f"{root}.TestBytesSent", 25_000_000, "xsd:unsignedInt")
    result = d.read_speedtest(doc, "upload", requested_at=REQUESTED)
    assert result.result["uploadMbps"] == 50.0 and "latencyMs" not in result.result


def test_a_completed_run_without_timing_is_an_error_not_a_number():
    doc = raw(V5)  # real dump: empty BOM/EOM times
    put(doc, "InternetGatewayDevice.DownloadDiagnostics.DiagnosticsState", "Completed")
    result = d.read_speedtest(doc, "download", requested_at=REQUESTED)
    assert result.status == "error"


def test_download_error_state():
    doc = raw(V5)
    put(doc, "InternetGatewayDevice.DownloadDiagnostics.DiagnosticsState", "Error_NoResponse")
    assert d.read_speedtest(doc, "download", requested_at=REQUESTED).state == "Error_NoResponse"


# --- read-back ---------------------------------------------------------------------------------

WIFI = {"ssid": "Casa", "password": "segredo-123", "auth_mode": "wpa2", "channel": 6}


@pytest.mark.parametrize("name", [V5, ZTE, XX230V])
def test_readback_of_an_accepted_change_passes_with_the_passphrase_hidden(name):
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, WIFI), raw(name))
    after = DeviceDocument(applied(plan, raw(name)))
    assert t.compare(plan, after) == []
    t.verify(plan, after)


def test_readback_mismatch_shows_both_values():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, WIFI), raw(V5))
    doc = applied(plan, raw(V5))
    put(doc, "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Channel", 1, "xsd:unsignedInt")
    with pytest.raises(ReadbackMismatch) as info:
        t.verify(plan, DeviceDocument(doc))
    (bad,) = info.value.mismatches
    assert (bad.field, bad.path, bad.expected, bad.actual) == (
        "channel",
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.Channel",
        6,
        1,
    )


def test_readback_mismatch_of_a_secret_is_masked():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, WIFI), raw(ZTE))
    doc = applied(plan, raw(ZTE))
    psk = next(w.path for w in plan.writes if w.secret)
    put(doc, psk, "old-password-1")
    (bad,) = t.compare(plan, DeviceDocument(doc))
    assert (bad.field, bad.expected, bad.actual) == ("password", MASK, MASK)
    assert "segredo" not in str(bad) and "old-password" not in str(bad)


def test_readback_tolerates_the_regulatory_domain_padding():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"country_domain": "US"}), raw(XX230V))
    doc = applied(plan, raw(XX230V))
    put(doc, "Device.WiFi.Radio.1.RegulatoryDomain", "US")
    assert t.compare(plan, DeviceDocument(doc)) == []


def test_readback_of_a_vanished_parameter_is_a_mismatch():
    plan = wifi.plan_wifi(m.parse(m.WirelessLanRequest, {"ssid": "Casa"}), raw(ZTE))
    doc = raw(ZTE)
    del doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]["SSID"]
    assert [x.actual for x in t.compare(plan, DeviceDocument(doc))] == [None]


def test_wlan_section_after_a_5ghz_change():
    req = m.parse(m.WirelessLanRequest, {**WIFI, "band": "5GHz", "channel": 40, "tx_power": 80})
    doc = applied(wifi.plan_wifi(req, raw(V5)), raw(V5))
    section = wifi.wlan_section(doc, "5GHz")
    assert section["ssid"] == "Casa" and section["channel"] == "40"
    assert section["authMode"] == "WPA2 PreSharedKey" and section["txPower"] == "80"
    assert section["autoChannel"] == "off" and section["rfBand"] == "5GHz"
    assert section["password"] == ""  # never the passphrase


def test_the_channel_it_is_on_leaves_auto_channel_on():
    req = m.parse(m.WirelessLanRequest, {**WIFI, "band": "5GHz", "channel": 36})
    plan = wifi.plan_wifi(req, raw(V5))  # on auto, now on 36
    assert not any(w.field == "channel" for w in plan.writes)
    section = wifi.wlan_section(applied(plan, raw(V5)), "5GHz")
    assert (section["autoChannel"], section["channel"]) == ("on", "36")


def test_dhcp_section_after_a_change():
    body = {
        "dhcp_server_enable": True,
        "start_address": "192.168.1.100",
        "end_address": "192.168.1.150",
        "dns_servers": ["1.1.1.1"],
        "lease_time": 7200,
    }
    plan = dhcp.plan_dhcp(m.parse(m.LanDhcpRequest, body), raw(XX230V))
    after = applied(plan, raw(XX230V))
    t.verify(plan, DeviceDocument(after))
    section = dhcp.dhcp_section(after)
    assert section["dhcpServerEnabled"] is True
    assert (section["lanIpAddress"], section["dhcpSubnetMask"]) == ("192.168.1.1", "255.255.255.0")
    assert (section["dhcpMinAddr"], section["dhcpMaxAddr"]) == ("192.168.1.100", "192.168.1.150")
    assert (section["dhcpDnsServers"], section["leaseTimeSec"]) == ("1.1.1.1", "7200")


# --- applied vs queued, reboot comeback -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason", "state"),
    [
        (200, "OK", "applied"),
        (202, "Task queued but not processed", "queued"),
        (202, "Device is offline", "queued"),
        (202, "Task faulted", "faulted"),
    ],
)
def test_task_answers_are_applied_queued_or_faulted(status, reason, state):
    out = t.outcome(t.TaskAnswer(status, reason, {"_id": "abc123", "name": "reboot"}))
    assert (out.state, out.task_id) == (state, "abc123")
    if state != "applied":
        assert out.reason == reason


def test_an_unexpected_nbi_answer_is_not_taken_for_success():
    with pytest.raises(ValueError):
        t.outcome(t.TaskAnswer(404, "No such device", {}))


def test_reboot_came_back_after_a_boot_inform():
    doc = raw(V5)
    doc["_lastBoot"] = "2025-12-31T10:00:00.000Z"
    assert not dv.came_back(doc, REQUESTED).back
    doc["_lastBoot"] = LATER
    assert dv.came_back(doc, REQUESTED).back
    assert not dv.came_back(doc, REQUESTED, bootstrap=True).back
    doc["_lastBootstrap"] = LATER
    assert dv.came_back(doc, REQUESTED, bootstrap=True).at == datetime(
        2026, 1, 1, 10, 0, 5, tzinfo=UTC
    )
