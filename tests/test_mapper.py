"""The mapper on every real dump in tests/fixtures/acs, with values pinned from raw data."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import orjson
import pytest

from ponapi.tr069.document import DeviceDocument, Param, document_from_csv, parse_lazy
from ponapi.tr069.mapper import GENERAL_FIELDS, map_device
from ponapi.tr069.sections import names
from tests.fixtures import all_csv, all_json, csv_text, nbi_json, nbi_lazy, validate_stats

SECTIONS = names()

NOW = datetime(2023, 3, 28, 18, 0, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")

V5 = "huawei-EG8145V5-48575443A94196A5.projected.json"
X6 = "huawei-EG8145X6-48575443A97D7DAA.projected.json"
NOKIA = "nokia-G-1425G-A-ALCLFC265D6F.projected.json"
TPLINK = "tplink-XX230v-22275A7000395.projected.json"
ZTE = "zte-ZXHN-H199A-ZTEYH86LCN10105.projected.json"


def mapped(name, now=NOW, tz=UTC_ZONE):
    """The dump mapped as a stats read maps it: parsed lazily (``GenieAcsClient.read_document``)."""
    return map_device(nbi_lazy(name), now=now, tz=tz)


def envelope(m):
    """Wrap mapped sections as the endpoint does, for schema validation."""
    return {
        "success": True,
        "message": "x",
        "data": {k: s.data for k, s in m.sections.items()},
        "meta": {
            "source": "genieacs",
            "fetchedAt": "2023-01-01T00:00:00Z",
            "cached": False,
            "stale": False,
            "sections": {
                k: {"status": s.status, "missing": s.missing} for k, s in m.sections.items()
            },
        },
    }


def test_huawei_eg8145v5_general_from_vendor_and_standard_fields():
    g = mapped(V5).sections["general"]
    assert g.status == "partial" and g.missing == ["distance"]  # the OLT has the distance
    assert {k: g.data[k] for k in GENERAL_FIELDS} == {
        "manufacturer": "Huawei Technologies Co., Ltd (OUI: 00259E)",
        "modelName": "EG8145V5",
        "softwareVersion": "V5R020C00S280",
        "hardwareVersion": "159D.A",
        "provisioningCode": "",
        "serialNumber": "48575443A94196A5",
        # X_HW_CpuUsed=14 (what the ONT's own UI shows), not ProcessStatus.CPUUsage=57
        "cpuUsage": "14%",
        # MemoryStatus in KiB: 262144 -> 256 MB, 120072 -> 117 MB
        "totalRam": "256 MB",
        "freeRam": "117 MB",
        # UpTime=89910 s read at 2023-03-28T15:42:30.059Z -> booted 2023-03-27 14:44:00
        "uptime": "2023-03-27 14:44:00",
        "uptimeAgo": "1 day, 3 hours, 16 minutes, 0 seconds ago",
    }


def test_boot_time_uses_the_values_timestamp_and_the_display_zone():
    g = mapped(
        V5, now=datetime(2023, 3, 27, 17, 44, 0, tzinfo=UTC), tz=ZoneInfo("America/Lima")
    ).sections["general"]
    assert g.data["uptime"] == "2023-03-27 09:44:00"  # UTC-5
    assert g.data["uptimeAgo"] == "3 hours, 0 minutes, 0 seconds ago"


def test_huawei_wans_are_chosen_by_role_over_sparse_mixed_instances():
    m = mapped(V5)
    mgmt, inet = m.sections["ipInterface11"].data, m.sections["ipInterface21"].data
    # WANConnectionDevice 4 PPP carries X_HW_SERVICELIST=TR069_INTERNET and the ACS's
    # connection-request address 192.168.89.198.
    assert mgmt["label"] == "PPP Interface 4.1" and mgmt["role"] == "management"
    assert mgmt["name"] == "4_TR069_INTERNET_R_VID_1"
    assert mgmt["addressingType"] == "PPPoE"
    assert mgmt["ipAddress"] == "192.168.89.198"
    assert mgmt["maxMtuSize"] == "1492"  # MaxMRUSize of the PPP connection
    assert mgmt["vlanId"] == "1"  # X_HW_VLAN
    # The connected INTERNET WAN (device 2, IP, DHCP), not the disconnected PPP at 1.1.
    assert inet["label"] == "IP Interface 2.1" and inet["role"] == "internet"
    assert inet == {
        **inet,
        "name": "2_INTERNET_R_VID_1",
        "addressingType": "DHCP",
        "connectionStatus": "Connected",
        "ipAddress": "192.168.88.59",
        "subnetMask": "255.255.255.0",
        "defaultGateway": "192.168.88.1",
        "dnsServers": "192.168.88.1",
        "lastConnectionError": "no error",
        "macAddress": "94:25:33:3B:D1:C4",
        "maxMtuSize": "1500",
        "natEnabled": True,
        "vlanId": "1",
        "uptime": "2023-03-27 14:44:04",
    }
    assert m.sections["ipInterface21"].missing == []


def test_huawei_wlan_reads_the_mixed_mode_encryption_where_huawei_keeps_it():
    w = mapped(V5).sections["wirelessLan"]
    assert w.status == "ok" and w.extra["instance"] == "1"
    assert w.data == {
        "ssid": "Anlix-EG8145",
        "password": "",
        "authMode": "WPA/WPA2 PreSharedKey",
        "status": "Up",
        "enable": "Yes",
        "rfBand": "2.4GHz",
        "standard": "802.11 b/g/n",
        "radioEnabled": "Yes",
        "totalAssociations": "0",
        "ssidAdvertisementEnabled": "Yes",
        # WPAEncryptionModes says TKIPEncryption; X_HW_WPAand11iEncryptionModes is the truth
        "wpaEncryption": "TKIP + AES",
        "channelWidth": "Auto 20/40 MHz",  # X_HW_HT20=0
        "autoChannel": "on",
        "channel": "2",
        "countryDomain": "GB - United Kingdom",
        "txPower": "100",
    }


def test_eg8145x6_scan_keeps_the_31_networks_on_2_4_ghz_of_95():
    s = mapped(X6).sections["wifiSurvey"]
    assert s.status == "ok" and s.extra["scanState"] == "Complete"
    nets = s.data["networks"]
    assert s.data["hasRecords"] is True
    assert len(nets) == 31
    assert all(n["band"] == "2.4GHz" and 1 <= int(n["channel"]) <= 14 for n in nets)
    strengths = [int(n["signalStrength"].split()[0]) for n in nets]
    assert strengths == sorted(strengths, reverse=True)
    assert nets[0] == {
        "ssid": "Anlix-EG8145",
        "channel": "1",
        "signalStrength": "-14 dBm",
        "security": "WPA/WPA2",
        "bssid": "94:25:33:3B:D1:C8",
        "band": "2.4GHz",
        "scannedAt": "2023-10-06T18:07:06Z",
    }


def test_eg8145x6_ipv6_on_the_ppp_wan():
    mgmt = mapped(X6).sections["ipInterface11"].data
    assert mgmt["vlanId"] == "10"
    assert mgmt["ipv6Address"] == "2804:3e0:0:4215:e5b5:3dc2:f8e5:5a78"
    assert mgmt["ipv6Gateway"] == "fe80::f1:428e"
    assert mgmt["ipv6DelegatedPrefix"] == "fc00:dead:c0de:5100::/56"


def test_nokia_vendor_paths():
    m = mapped(NOKIA)
    g = m.sections["general"].data
    assert g["manufacturer"] == "Nokia (ALCL) (OUI: 9075BC)"
    assert (g["cpuUsage"], g["totalRam"], g["freeRam"]) == ("3%", "416 MB", "286 MB")
    wan = m.sections["ipInterface11"].data
    assert wan["vlanId"] == "10"  # X_CT-COM_WANGponLinkConfig.VLANIDMark
    assert wan["maxMtuSize"] == "1492"  # InterfaceMtu (MaxMRUSize reads 1500)
    assert wan["ipv6DelegatedPrefix"] == "fc00:dead:c0de:2b00::/56"
    assert wan["ipv6Gateway"] == "fe80::f0:5526"
    assert "ipv6Address" not in wan  # reported empty
    w = m.sections["wirelessLan"].data
    assert w["channelWidth"] == "20 MHz"  # X_ALU_COM_ChannelBandWidthExtend
    assert w["countryDomain"] == "00 - World"
    assert m.device["acsDeviceId"] == "9075BC-G%2D1425G%2DA-ALCLFC265D6F"
    # The export holds one stored scan result, on 5 GHz: nothing for the 2.4 GHz survey.
    assert m.sections["wifiSurvey"].data == {"hasRecords": False, "networks": []}


def test_tplink_tr181_wan_through_lower_layers():
    m = mapped(TPLINK)
    assert m.device["dataModel"] == "TR-181"
    wan = m.sections["ipInterface21"].data
    # IP.Interface.6 -> PPP.Interface.3 -> Ethernet.VLANTermination.3 -> Ethernet.Link.5
    assert wan["label"] == "IP Interface 6"
    assert wan["addressingType"] == "PPPoE"
    assert wan["ipAddress"] == "192.168.89.137"
    assert wan["vlanId"] == "2"
    assert wan["macAddress"] == "1C:61:B4:FB:2A:CB"
    assert wan["defaultGateway"] == "192.168.89.1"  # Routing.Router.1.IPv4Forwarding.5
    assert wan["dnsServers"] == "192.168.88.1"  # 0.0.0.0 dropped
    assert wan["natEnabled"] is True  # NAT.InterfaceSetting.5
    assert wan["maxMtuSize"] == "1480"
    # LastChange is 0: there is no connection start time to show.
    assert (wan["uptime"], wan["uptimeAgo"]) == ("", "")
    assert m.sections["ipInterface21"].missing == []
    w = m.sections["wirelessLan"].data
    assert (w["authMode"], w["wpaEncryption"], w["channel"]) == ("WPA2 PreSharedKey", "AES", "10")


def test_zte_router_paths():
    m = mapped(ZTE)
    wan = m.sections["ipInterface11"].data
    assert wan["label"] == "PPP Interface 1.2"  # X_ZTE-COM_ServiceList=INTERNET_TR069_IPTV
    assert wan["vlanId"] == "untagged"  # X_ZTE-COM_VLANID=0
    assert wan["ipv6Address"] == "2804:3e0:0:426a:c2b1:1ff:fe31:716e"  # prefix length removed
    assert wan["ipv6DelegatedPrefix"] == "fc00:dead:c0de:2600::/56"  # X_ZTE-COM_PD
    w = m.sections["wirelessLan"].data
    assert w["channelWidth"] == "Auto 20/40 MHz"  # X_ZTE-COM_BandWidth=Auto
    assert w["countryDomain"] == "BR - Brazil"  # RegulatoryDomain=BRI
    assert w["authMode"] == "WPA2 PreSharedKey"  # BeaconType=11i
    assert m.sections["wifiSurvey"].data == {"hasRecords": False, "networks": []}


def test_bm632w_quirks_serial_zero_and_nat_typed_as_number():
    doc = document_from_csv(csv_text("genieacs-sim_data_model_202BC1-BM632w-8KA8WA1151100043.csv"))
    m = map_device(doc, now=NOW, tz=UTC_ZONE)
    assert doc["_id"] == "202BC1-BM632w-8KA8WA1151100043"  # generated as GenieACS does
    assert m.sections["general"].data["serialNumber"] == "8KA8WA1151100043"
    assert m.sections["ipInterface11"].data["natEnabled"] is True  # NATEnabled = 1 (unsignedInt)
    assert m.sections["ipInterface11"].data["dnsServers"] == "5.42.195.218,5.42.195.219"
    # No timestamps in this format: the boot time cannot be known, and says so.
    assert "uptime" in m.sections["general"].missing


@pytest.mark.parametrize("name", all_json())
def test_every_derived_document_maps_and_validates(name):
    m = mapped(name)
    assert set(m.sections) == set(SECTIONS)
    assert all(s.status in ("ok", "partial", "absent", "unavailable") for s in m.sections.values())
    validate_stats(envelope(m))


@pytest.mark.parametrize("name", all_json())
def test_a_lazily_parsed_document_maps_as_the_whole_tree_does(name):
    """The stats read maps views on a lazy parse; the CSV import and the actions map dicts.
    Every section, its status, what is missing and the device block are the same, and nothing
    the mapper returns holds a view on the parse (it must serialise as is)."""
    lazy, whole = mapped(name), map_device(nbi_json(name), now=NOW, tz=UTC_ZONE)
    assert lazy == whole
    orjson.dumps([vars(s) for s in lazy.sections.values()])  # raises on a simdjson view


def test_a_value_read_from_a_lazy_parse_is_plain_python():
    """A parameter holding an object or an array (an ACS answering garbage) comes out as a
    dict or a list, never as a view on the parse the answer could not be cached with."""
    doc = DeviceDocument(
        parse_lazy(
            b'{"A": {"B": {"_value": [1, {"c": 2}], "_type": {"t": 1}}, "C": {"_value": 3}}}'
        )
    )
    b = doc.get("A.B")
    assert b is not None and (b.value, b.type) == ([1, {"c": 2}], {"t": 1})
    assert type(b.value) is list and type(b.type) is dict
    assert doc.get("A.C") == Param(3, None, None) and doc.get("A.D") is None
    # A key twice (no ACS writes one): one instance, not two rows.
    twice = DeviceDocument(parse_lazy(b'{"T": {"2": {}, "1": {}, "2": {}}}'))
    assert twice.instances("T") == ["1", "2"]


def test_lazy_parses_alive_at_once_each_keep_their_document(monkeypatch):
    """Parsers are reused once the views on their document are gone, never while a document
    is being read: documents alive together each read their own values; a few parsers are
    kept, none that read a large answer."""
    import simdjson

    from ponapi.tr069 import document

    made = []
    real = simdjson.Parser
    monkeypatch.setattr(simdjson, "Parser", lambda: made.append(1) or real())
    document._PARSERS.clear()
    alive = [parse_lazy(b'{"n": {"_value": %d}}' % i) for i in range(document.PARSERS_KEPT + 3)]
    assert [DeviceDocument(doc).get("n").value for doc in alive] == list(range(len(alive)))
    kept = list(document._PARSERS)
    assert len(kept) == document.PARSERS_KEPT
    assert len(made) == len(alive)  # one parser per live document
    del alive
    again = parse_lazy(b'{"n": {"_value": 42}}')
    assert DeviceDocument(again).get("n").value == 42 and document._PARSERS == kept
    assert len(made) == document.PARSERS_KEPT + 3  # an idle kept parser took it
    del again
    document._PARSERS.clear()
    big = b'{"n": {"_value": "%s"}}' % (b"x" * document.PARSER_KEPT_UP_TO)
    assert len(DeviceDocument(parse_lazy(big)).get("n").value) == document.PARSER_KEPT_UP_TO
    assert document._PARSERS == []


@pytest.mark.parametrize("name", all_csv())
def test_every_csv_export_maps_and_validates(name):
    m = map_device(document_from_csv(csv_text(name)), now=NOW, tz=UTC_ZONE)
    assert m.sections["general"].data["modelName"]
    assert all(s.status != "error" for s in m.sections.values()), name
    validate_stats(envelope(m))
    for s in m.sections.values():
        if isinstance(s.data, list) and s.status == "partial":  # rows: "<id>.<field>"
            rows = {row["id"]: row for row in s.data}
            assert s.missing and all(
                rows[m.rsplit(".", 1)[0]][m.rsplit(".", 1)[1]] in ("", None) for m in s.missing
            )
        elif s.data is not None and s.status == "partial":
            assert s.missing and all(s.data[f] in ("", None) for f in s.missing)


def test_csv_conversion_matches_the_nbi_document():
    from_csv = map_device(
        document_from_csv(
            csv_text(
                "anlix-genieacs-sim_device-00259E-EG8145V5-48575443A94196A5-2023-03-28T154335106Z.csv"
            )
        ),
        now=NOW,
        tz=UTC_ZONE,
    )
    from_json = mapped(V5)
    for name in SECTIONS[:5]:  # the JSON document holds only the first five's subtrees
        assert from_csv.sections[name].data == from_json.sections[name].data, name


def test_missing_values_are_empty_and_listed():
    doc = nbi_json(V5)
    del doc["InternetGatewayDevice"]["DeviceInfo"]["X_HW_CpuUsed"]
    del doc["InternetGatewayDevice"]["DeviceInfo"]["ProcessStatus"]
    del doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]["Channel"]
    m = map_device(doc, now=NOW, tz=UTC_ZONE)
    assert m.sections["general"].data["cpuUsage"] == ""
    assert m.sections["general"].missing == ["cpuUsage", "distance"]
    assert m.sections["general"].status == "partial"
    assert m.sections["wirelessLan"].missing == ["channel"]


def test_wlan_is_chosen_by_band_not_by_instance_number():
    doc = nbi_json(V5)
    wlc = doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]
    wlc["1"], wlc["5"] = wlc["5"], wlc["1"]  # 5 GHz now at instance 1, 2.4 GHz at 5
    w = map_device(doc, now=NOW, tz=UTC_ZONE).sections["wirelessLan"]
    assert w.data["ssid"] == "Anlix-EG8145" and w.extra["instance"] == "5"


def test_inconsistently_typed_values_are_coerced():
    doc = nbi_json(V5)
    wan = doc["InternetGatewayDevice"]["WANDevice"]["1"]["WANConnectionDevice"]["2"][
        "WANIPConnection"
    ]["1"]
    wan["NATEnabled"]["_value"] = "0"
    wan["MaxMTUSize"]["_value"] = "1500"
    info = doc["InternetGatewayDevice"]["DeviceInfo"]
    info["MemoryStatus"]["Total"]["_value"] = "262144"
    info["X_HW_CpuUsed"]["_value"] = "7"
    m = map_device(doc, now=NOW, tz=UTC_ZONE)
    assert m.sections["ipInterface21"].data["natEnabled"] is False
    assert m.sections["ipInterface21"].data["maxMtuSize"] == "1500"
    assert m.sections["general"].data["totalRam"] == "256 MB"
    assert m.sections["general"].data["cpuUsage"] == "7%"


def test_device_without_wifi_has_absent_sections():
    doc = nbi_json(V5)
    del doc["InternetGatewayDevice"]["LANDevice"]
    m = map_device(doc, now=NOW, tz=UTC_ZONE)
    assert m.sections["wirelessLan"].data is None
    assert m.sections["wirelessLan"].status == "absent"
    assert m.sections["wifiSurvey"].status == "absent"
    validate_stats(envelope(m))


@pytest.mark.parametrize("value", [None, {"nested": 1}, ["x"]])
def test_a_scan_result_whose_ssid_has_no_usable_value_shows_an_empty_ssid(value):
    """Found by the property test: an SSID leaf holding null (or an object) came out as
    ``"ssid": null``, which the contract does not allow."""
    doc = nbi_json(X6)
    results = doc["InternetGatewayDevice"]["LANDevice"]["1"]["WiFi"]["NeighboringWiFiDiagnostic"][
        "Result"
    ]
    first_2g = next(
        r
        for r in results.values()
        if isinstance(r, dict) and r.get("BSSID", {}).get("_value") == "94:25:33:3B:D1:C8"
    )
    first_2g["SSID"]["_value"] = value
    m = map_device(doc, now=NOW, tz=UTC_ZONE)
    net = next(
        n for n in m.sections["wifiSurvey"].data["networks"] if n["bssid"] == "94:25:33:3B:D1:C8"
    )
    assert net["ssid"] == ""
    validate_stats(envelope(m))
