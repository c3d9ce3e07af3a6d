"""OLT CLI parsers on the real captures in tests/fixtures/cli, values pinned."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponapi.olt import parsers as p
from ponapi.olt.platforms.common import duration_seconds
from ponapi.olt.platforms.huawei import sections as huawei_sections
from ponapi.olt.platforms.zte import sections as zte_sections
from tests.fixtures import CLI


def fx(name: str) -> str:
    return (CLI / name).read_text(encoding="latin-1")


def test_huawei_ont_info_by_label():
    info = p.huawei_ont_info(fx("huawei/display-ont-info__1.txt"))
    assert info["F/S/P"] == "0/ 0/6" and info["ONT-ID"] == "2"
    assert info["Run state"] == "online"
    assert (info["CPU occupation"], info["Memory occupation"]) == ("84", "44")
    assert info["Description"] == "New_link"
    assert info["ONT online duration"] == "0 day(s), 0 hour(s), 3 minute(s), 0 second(s)"
    assert info["Last ONT actual NNI type"] == "auto"
    assert info["Line profile name"] == "new_link"  # a later block, merged
    assert info["Tr069 management"] == "Disable"  # no space after the colon


def test_huawei_ont_info_other_firmware_and_by_sn():
    info = p.huawei_ont_info(fx("huawei/display-ont-info__2.txt"))
    assert info["ONT-ID"] == "131"
    by_sn = p.huawei_ont_info(fx("huawei/display-ont-info-by-sn__2.txt"))
    assert by_sn["F/S/P"] == "0/0/7" and by_sn["Run state"] == "offline"
    assert p.first(by_sn, "ONT distance(m)") is None  # "-" means no value


def test_huawei_version_joins_the_wrapped_description_and_drops_session_noise():
    v = p.huawei_ont_version(fx("huawei/display-ont-version__1.txt"))
    assert v["Equipment-ID"] == "EG8145X6"
    assert v["Main Software Version"] == "V5R020C00S080"
    assert v["ONT Version"] == "22AD.A"
    assert v["OntProductDescription"] == (
        "OptiXstar EG8145X6 GPON Terminal (CLASS B+/PRODUCT ID:2150084405HYM7076782/CHIP:"
        "00000020210603)"
    )
    assert "Command" not in v and not any("MARLLM01" in k for k in v)


def test_huawei_wan_info_new_and_old_labels():
    wans = p.huawei_wan_info(fx("huawei/display-ont-wan-info__1.txt"))
    assert [w["Name"] for w in wans] == [
        "OLT_1",
        "OLT_2",
        "PATATA",
        "PATATA_2",
        "INTERNET_5",
        "INTERNET_7",
    ]
    assert (wans[0]["Service type"], wans[0]["IPv4 address"], wans[0]["Manage VLAN"]) == (
        "Tr069",
        "1.1.1.1",
        "1000",
    )
    assert wans[0]["IPv6 address preferred time"] == "-"
    old = p.huawei_wan_info(fx("huawei/display-ont-wan-info__2.txt"))
    assert old[0]["Connection status"] == "Connected" and old[0]["IP"] == "1.1.2.2"


def test_huawei_wlan_and_optical_with_hint_prompt_and_prompts():
    ssids = p.huawei_wlan_info(fx("huawei/display-ont-wlan-info__1.txt"))
    assert [(s["SSID Index"], s["SSID"]) for s in ssids] == [("1", "TEST_2_4G"), ("5", "TEST_5_G")]
    optical = p.huawei_optical_info(fx("huawei/display-ont-optical-info__1.txt"))
    assert optical["Rx optical power(dBm)"] == "-18.18"
    assert optical["OLT Rx ONT optical power(dBm)"] == "-22.22"
    assert optical["Vendor name"] == "HUAWEI"


def test_alarm_blocks_are_skipped():
    text = p.clean(fx("huawei/alarm-interleaved-in-session__1.txt"))
    assert "ALARM" not in text and "CAUSE" not in text and "END-" not in text
    assert p.kv_blocks(fx("huawei/alarm-interleaved-in-session__1.txt")) == []


def test_huawei_info_summary_per_port():
    [port] = p.huawei_info_summary(fx("huawei/display-ont-info-summary__1.txt"))
    assert (port["frame"], port["slot"], port["port"]) == (0, 1, 0)
    assert [(o["ontId"], o["runState"], o["type"]) for o in port["onts"]] == [
        (0, "online", "P612E"),
        (1, "offline", "P871E-G"),
    ]
    ports = p.huawei_info_summary(fx("huawei/display-ont-info-summary__2.txt"))
    assert [(x["port"], x["onts"][0]["sn"]) for x in ports][:2] == [
        (11, "1234567890ABCDEF"),
        (12, "AAAAAAAAAAAAAAAA"),
    ]


def test_board_list_and_zte_olt_config():
    boards = p.huawei_boards(fx("huawei/display-board__1.txt"))
    assert [(b["slot"], b["status"]) for b in boards] == [
        ("0", "Normal"),
        ("2", "Normal"),
        ("3", "Active_normal"),
        ("4", "Standby_failed"),
    ]
    assert p.zte_olt_config_onus(fx("zte/c600-show-running-config-excerpt__1.txt")) == [
        {"onuId": 1, "type": "F601", "sn": "FHTT6A9B7700"}
    ]


def test_zte_detail_info():
    d = p.zte_detail_info(fx("zte/show-gpon-onu-detail-info__1.txt"))
    assert d["ONU interface"] == "gpon-onu_1/12/1:1"
    assert d["Serial number"] == "ZTEGCCEC5655"
    assert d["Online Duration"] == "127h 56m 21s"
    assert d["Multicast encryption current state"] == "N/A"
    assert d["Password"] == ""
    assert [r["authpass"] for r in d["_history"]][-1] == "2023-03-29 00:17:28"
    assert d["_history"][-1]["offline"] is None and len(d["_history"]) == 4


def test_zte_wan_ip_redacts_pppoe_credentials():
    [wan] = p.zte_wan_ip(fx("zte/show-gpon-remote-onu-wan-ip__1.txt"))
    assert (wan["Mode"], wan["CVLAN"], wan["Current gateway"]) == ("PPPoE", "88", "172.16.202.1")
    redacted = p.PARSERS["zte"]["show-gpon-remote-onu-wan-ip"](
        fx("zte/show-gpon-remote-onu-wan-ip__1.txt")
    )
    assert redacted[0]["Password"] == "***" and redacted[0]["User name"] == "***"


def test_zte_tables():
    att = p.zte_attenuation(fx("zte/show-pon-power-attenuation__1.txt"))
    assert att["up"] == {"olt": "-20.980", "onu": "2.359", "attenuation": "23.339"}
    assert att["down"]["onu"] == "-17.560"
    assert p.zte_attenuation(fx("zte/show-pon-power-attenuation__2.txt"))
    state = p.zte_onu_state(fx("zte/show-gpon-onu-state__1.txt"))
    assert state[0] == {
        "interface": "gpon-onu_1/1/1:1",
        "rack": 1,
        "shelf": 1,
        "port": 1,
        "onuId": 1,
        "admin": "enable",
        "omcc": "enable",
        "o7": "operation",
        "phase": "working",
    }
    assert {r["phase"] for r in state} >= {"working", "LOS", "DyingGasp"}
    uncfg = p.zte_uncfg(fx("zte/show-gpon-onu-uncfg__2.txt"))
    assert [r["sn"] for r in uncfg] == ["HWTC1F14CAAD", "ZTEGD824CDF3", "ZTEGDA5918AC"]
    assert [r["sn"] for r in p.zte_uncfg(fx("zte/show-gpon-onu-uncfg__1.txt"))] == ["HWTC12930F9D"]


@pytest.mark.parametrize(
    "path", sorted(str(x.relative_to(CLI)) for x in CLI.glob("*/*.txt")) if CLI.is_dir() else []
)
def test_every_capture_goes_through_every_parser_of_its_vendor(path):
    text = fx(path)
    for parse in p.PARSERS[path.split("/")[0]].values():
        out = parse(text)  # must not raise, and must print as JSON (ponapi parse)
        assert json.loads(json.dumps(out)) == out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=600))
def test_parsers_never_raise_on_arbitrary_text(text):
    for table in p.PARSERS.values():
        for parse in table.values():
            out = parse(text)
            assert isinstance(out, dict | list) or out is None
            json.dumps(out)  # printable by ponapi parse


def test_durations():
    assert duration_seconds("22 day(s), 1 hour(s), 23 minute(s), 23 second(s)") == 1905803
    assert duration_seconds("127h 56m 21s") == 127 * 3600 + 56 * 60 + 21
    assert duration_seconds("-") is None


NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_huawei_sections_from_real_captures():
    raw = {
        "info": p.huawei_ont_info(fx("huawei/display-ont-info__1.txt")),
        "version": p.huawei_ont_version(fx("huawei/display-ont-version__1.txt")),
        "wan": p.huawei_wan_info(fx("huawei/display-ont-wan-info__1.txt")),
        "wlan": p.huawei_wlan_info(fx("huawei/display-ont-wlan-info__1.txt")),
    }
    s = huawei_sections(raw, NOW, ZoneInfo("UTC"))
    g = s["general"]
    assert g.status == "partial"
    assert set(g.missing) == {"provisioningCode", "totalRam", "freeRam"}
    assert (g.data["modelName"], g.data["cpuUsage"], g.data["memoryUsage"]) == (
        "EG8145X6",
        "84%",
        "44%",
    )
    assert g.data["uptime"] == "2024-05-01 11:57:00"  # online 3 minutes
    mgmt = s["ipInterface11"]
    assert mgmt.status == "partial" and mgmt.data["role"] == "management"
    assert (mgmt.data["name"], mgmt.data["ipAddress"], mgmt.data["vlanId"]) == (
        "OLT_1",
        "1.1.1.1",
        "1000",
    )
    assert mgmt.data["natEnabled"] is False and mgmt.data["dnsServers"] == "8.8.8.8,8.8.4.4"
    # Every INTERNET WAN of this ONT is bridged: the ONT routes no internet WAN itself.
    assert s["ipInterface21"].status == "absent"
    w = s["wirelessLan"]
    assert (w.data["ssid"], w.data["standard"], w.data["totalAssociations"]) == (
        "TEST_2_4G",
        "802.11 b/g/n",
        "2",
    )
    assert w.status == "partial" and "channel" in w.missing and "password" not in w.missing
    assert s["wifiSurvey"].status == "unavailable"


def test_zte_sections_from_real_captures():
    raw = {
        "detail": p.zte_detail_info(fx("zte/show-gpon-onu-detail-info__1.txt")),
        "equip": {},
        "wan": [p.redact(r) for r in p.zte_wan_ip(fx("zte/show-gpon-remote-onu-wan-ip__1.txt"))],
    }
    s = zte_sections(raw, NOW, ZoneInfo("UTC"))
    g = s["general"]
    assert g.data["serialNumber"] == "ZTEGCCEC5655"
    assert g.data["modelName"] == ""  # detail-info's Type (F601) is a profile, not the model
    assert "modelName" in g.missing and "cpuUsage" in g.missing and g.status == "partial"
    assert g.data["uptimeAgo"] == "5 days, 7 hours, 56 minutes, 21 seconds ago"
    wan = s["ipInterface21"].data
    assert (wan["addressingType"], wan["vlanId"], wan["defaultGateway"]) == (
        "PPPoE",
        "88",
        "172.16.202.1",
    )
    assert "XXXXXXXXXX" not in str(s) and "***" not in str(wan.values())
    assert s["wirelessLan"].status == "unavailable" and s["wifiSurvey"].status == "unavailable"


@pytest.mark.parametrize(
    ("brand", "fixture", "distance"),
    [
        ("huawei", "huawei/display-ont-info__1.txt", "47 m"),
        ("huawei", "huawei/display-ont-info__4.txt", "2802 m"),
        ("zte", "zte/show-gpon-onu-detail-info__1.txt", "1033 m"),
        ("zte", "zte/show-gpon-onu-detail-info__3.txt", "1900 m"),
        ("zte", "zte/show-gpon-onu-detail-info__4.txt", "2809 m"),
    ],
)
def test_cli_general_shows_the_fibre_distance_of_real_captures(brand, fixture, distance):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ponapi.olt.platforms import huawei, zte

    now, tz = datetime(2024, 1, 1, tzinfo=UTC), ZoneInfo("UTC")
    if brand == "huawei":
        raw = {"info": p.huawei_ont_info(fx(fixture))}
        general = huawei.sections(raw, now, tz)["general"]
    else:
        raw = {"detail": p.zte_detail_info(fx(fixture)), "equip": {}, "wan": []}
        general = zte.sections(raw, now, tz)["general"]
    assert general.data is not None and general.data["distance"] == distance


def test_huawei_cli_general_keeps_the_link_history_of_a_real_capture():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ponapi.olt.platforms import huawei

    raw = {"info": p.huawei_ont_info(fx("huawei/display-ont-info__2.txt"))}
    general = huawei.sections(raw, datetime(2024, 1, 1, tzinfo=UTC), ZoneInfo("UTC"))["general"]
    assert general.extra["lastUpTime"] == "09/02/2019 01:58:52+00:00"
    assert general.extra["lastDownTime"] == "22/01/2019 01:57:55+00:00"
    assert general.extra["lastDownCause"] == "dying-gasp"


@pytest.mark.parametrize(
    ("n", "count", "first_row"),
    [
        (1, 12, ("gpon-onu_1/1/1:1", 1, 1, 1, 1, "operation", "working")),  # C320, O7 column
        (3, 40, ("1/2/1:1", 1, 2, 1, 1, "", "OffLine")),  # C600: Channel column, bare index
        (4, 2, ("1/1/1:1", 1, 1, 1, 1, "", "working")),  # C650 TITAN: Speed mode column
        (5, 6, ("1/1/1:1", 1, 1, 1, 1, "", "working")),
        (6, 28, ("gpon-onu_1/1/1:1", 1, 1, 1, 1, "operation", "working")),
    ],
)
def test_zte_onu_state_is_read_by_header_names_on_every_capture(n, count, first_row):
    rows = p.zte_onu_state(fx(f"zte/show-gpon-onu-state__{n}.txt"))
    assert len(rows) == count
    r = rows[0]
    assert (r["interface"], r["rack"], r["shelf"], r["port"], r["onuId"], r["o7"], r["phase"]) == (
        first_row
    )


def test_header_table_follows_moved_renamed_and_extra_columns():
    from ponapi.olt.tables import header_table

    text = (
        "Phase State  Extra col   OnuIndex\n"
        "---------------------------------\n"
        "working      x y         1/1/1:9\n"
    )
    assert header_table(text, ("OnuIndex", "Phase State")) == [
        {"Phase State": "working", "Extra col": "x y", "OnuIndex": "1/1/1:9"}
    ]


def test_zte_eth_ports_and_mac_table_of_real_captures():
    from ponapi.olt import screen_parsers as sp
    from ponapi.olt.platforms import screen

    ports = sp.zte_eth_ports(fx("zte/show-gpon-remote-onu-interface-eth__1.txt"))
    assert [(r["Interface"], r["Speed status"], r["Operate status"]) for r in ports][:2] == [
        ("eth_0/1", "auto", "disable"),
        ("eth_0/2", "full-100", "enable"),
    ]
    now = datetime(2024, 1, 1, tzinfo=UTC)
    lan = screen.zte_lan_ports(ports, now)
    assert lan.data is not None
    assert (lan.data[1]["name"], lan.data[1]["status"], lan.data[1]["speed"]) == (
        "LAN2",
        "Up",
        "100 Mbps",
    )
    assert "2.flowControl" in lan.missing  # the OLT does not show it
    for n, mac, vlan in ((1, "c025.2ff5.555d", "1201"), (2, "8cdc.0294.a5cd", "88")):
        [row] = sp.zte_onu_macs(fx(f"zte/show-mac-gpon-onu__{n}.txt"))
        assert (row["Mac address"], row["Vlan"], row["Type"]) == (mac, vlan, "Dynamic")


def test_huawei_mac_table_of_a_real_capture_and_other_spacing():
    from ponapi.olt import screen_parsers as sp

    [row] = sp.huawei_ont_macs(fx("huawei/display-mac-address-ont__1.txt"))
    assert row == {
        "MAC": "dc54-ad8c-04bc",
        "MAC TYPE": "dynamic",
        "F/S/P": "0/9/0",
        "VLAN ID": "206",
    }
    tight = "   4252 - gpon dc54-ad8c-04bd dynamic 0/1/0 56 1 300\n"  # MA5608T-style spacing
    assert sp.huawei_ont_macs(tight)[0]["F/S/P"] == "0/1/0"


@pytest.mark.parametrize(
    ("n", "levels"),
    [
        (1, ("-18.18 dBm", "2.27 dBm", "58 °C", "3.36 V", "16 mA")),  # MA5608T, in the mode
        (2, ("-15.1 dBm", "3.61 dBm", "49 °C", "3.24 V", "11 mA")),  # MA5800, XG-PON
        (3, ("-18.18 dBm", "2.27 dBm", "58 °C", "3.36 V", "16 mA")),  # with the hint prompt
    ],
)
def test_huawei_optical_levels_of_real_captures(n, levels):
    from ponapi.olt.platforms import screen

    info = p.huawei_optical_info(fx(f"huawei/display-ont-optical-info__{n}.txt"))
    shown = screen.huawei_optical(info)
    names = ("opticalPowerRx", "opticalPowerTx", "temperature", "voltage", "biasCurrent")
    assert tuple(shown[k] for k in names) == levels


def test_huawei_port_state_of_a_real_capture_by_its_wrapped_header():
    from datetime import UTC, datetime

    from ponapi.olt import screen_parsers as sp
    from ponapi.olt.platforms import screen

    records = sp.huawei_port_states(fx("huawei/display-ont-port-state-eth-port__1.txt"))
    assert [(r["ONT port-ID"], r["ONT Port-type"], r["LinkState"]) for r in records] == [
        ("1", "GE", "down"),
        ("2", "FE", "down"),
        ("3", "FE", "down"),
        ("4", "FE", "down"),
    ]
    ports = screen.huawei_lan_ports(records, datetime.now(UTC))
    assert [(r["name"], r["status"], r["speed"]) for r in ports.data] == [
        (f"LAN{n}", "NoLink", "") for n in (1, 2, 3, 4)
    ]
    # A firmware that adds a column still parses (names from the header, not positions).
    wider = (
        "  ONT-ID   ONT      ONT       Speed(Mbps)   Duplex   LinkState  Alias  RingStatus\n"
        "           port-ID  Port-type\n"
        "  ----------------------------------------------------------------------------\n"
        "       1         1         GE 1000          full     up         x      -\n"
    )
    [row] = sp.huawei_port_states(wider)
    assert (row["ONT port-ID"], row["Speed(Mbps)"], row["LinkState"]) == ("1", "1000", "up")


@pytest.mark.parametrize(
    ("n", "rx", "tx"), [(1, "-17.56 dBm", "2.36 dBm"), (2, "-16.68 dBm", "2.42 dBm")]
)
def test_zte_optical_levels_of_real_captures(n, rx, tx):
    from ponapi.olt.platforms import screen

    att = p.zte_attenuation(fx(f"zte/show-pon-power-attenuation__{n}.txt"))
    assert screen.zte_optical(att) == {"opticalPowerRx": rx, "opticalPowerTx": tx}
