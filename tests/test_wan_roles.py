"""One WAN-role rule for the TR-069 mapping and both OLT platforms, on the real captures: a VoIP
WAN is never the internet WAN, whichever source describes it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from ponapi.olt import parsers as p
from ponapi.olt.platforms.huawei import sections as huawei_sections
from ponapi.olt.platforms.zte import sections as zte_sections
from ponapi.tr069.document import document_from_csv
from ponapi.tr069.mapper import map_device
from ponapi.tr069.wan_roles import WanFacts, pick, role_of, roles_of, services_in
from tests.fixtures import CLI, csv_text
from tests.sections_support import NOW, STAMP, UTC_ZONE, full

UTC_TZ = ZoneInfo("UTC")
CLI_NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
ZTE_H199A = "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"
BM632W = "genieacs-sim_data_model_202BC1-BM632w-8KA8WA1151100043.csv"


def _zte_wan_capture() -> str:
    return (CLI / "zte" / "show-gpon-remote-onu-wan-ip__1.txt").read_text(encoding="latin-1")


def _zte_voip_block(wan_id: int) -> str:
    """The real capture's block as a VoIP IP host (DHCP, its own VLAN and gateway) would print."""
    return (
        _zte_wan_capture()
        .replace("WAN id:         1", f"WAN id:         {wan_id}")
        .replace("Mode:           PPPoE", "Mode:           DHCP")
        .replace("CVLAN:          88", "CVLAN:          300")
        .replace("Current IP:     172.16.202.74", "Current IP:     10.90.0.12")
        .replace("Current gateway:172.16.202.1", "Current gateway:10.90.0.1")
        .replace("Host name:      omci_ipv4_pppoe_1", f"Host name:      omci_ipv4_voip_{wan_id}")
        .replace("IP host id:     1", f"IP host id:     {wan_id}")
    )


def _zte(text: str) -> dict[str, object]:
    raw = {
        "detail": p.zte_detail_info((CLI / "zte/show-gpon-onu-detail-info__1.txt").read_text()),
        "equip": {},
        "wan": [p.redact(r) for r in p.zte_wan_ip(text)],
    }
    return zte_sections(raw, CLI_NOW, UTC_TZ)  # type: ignore[return-value]


def test_zte_voip_wan_is_not_the_internet_wan():
    # The VoIP IP host comes first (WAN 1); the real PPPoE WAN is WAN 2.
    pppoe = (
        _zte_wan_capture()
        .replace("WAN id:         1", "WAN id:         2")
        .replace("omci_ipv4_pppoe_1", "omci_ipv4_pppoe_2")
    )
    s = _zte(_zte_voip_block(1) + "\n\n" + pppoe)
    inet = s["ipInterface21"].data  # type: ignore[attr-defined]
    assert (inet["label"], inet["role"], inet["vlanId"]) == ("WAN 2", "internet", "88")
    assert inet["addressingType"] == "PPPoE"
    # No WAN names TR069 and the PPPoE one is the only connected internet WAN: it carries both.
    mgmt = s["ipInterface11"].data  # type: ignore[attr-defined]
    assert mgmt["label"] == "WAN 2"


def test_zte_lone_voip_wan_stands_for_no_internet_wan():
    s = _zte(_zte_voip_block(1))
    assert s["ipInterface21"].status == "absent"  # type: ignore[attr-defined]


def test_zte_real_capture_keeps_its_internet_wan():
    s = _zte(_zte_wan_capture())
    inet = s["ipInterface21"].data  # type: ignore[attr-defined]
    assert (inet["label"], inet["role"], inet["vlanId"]) == ("WAN 1", "internet", "88")


def test_huawei_real_capture_roles_by_the_same_rule():
    raw = {
        "info": p.huawei_ont_info((CLI / "huawei/display-ont-info__1.txt").read_text()),
        "wan": p.huawei_wan_info((CLI / "huawei/display-ont-wan-info__1.txt").read_text()),
    }
    s = huawei_sections(raw, CLI_NOW, UTC_TZ)
    assert s["ipInterface11"].data["role"] == "management"  # type: ignore[index]
    # WAN 2 (Voip, routed, with a gateway) is not the internet WAN; the Internet WANs are bridged.
    assert s["ipInterface21"].status == "absent"


def _acs_mutated(name: str, *edits: tuple[str, str]) -> dict[str, object]:
    text = csv_text(name)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return document_from_csv(text, default_timestamp=STAMP)


def test_acs_positional_fallback_never_takes_a_voip_wan():
    # The real ZTE H199A dump with its PPPoE WAN carrying TR069 only and its WANDevice 2 WAN
    # (instance 2.1, the positional stand-in for the internet WAN) carrying VoIP.
    raw = _acs_mutated(
        ZTE_H199A,
        ('"INTERNET_TR069_IPTV"', '"TR069"'),
        (
            "WANDevice.2.WANConnectionDevice.2.WANIPConnection.1.X_ZTE-COM_ServiceList,false,"
            '2023-03-28T15:39:56.053Z,true,2023-03-28T15:39:56.053Z,"INTERNET"',
            "WANDevice.2.WANConnectionDevice.2.WANIPConnection.1.X_ZTE-COM_ServiceList,false,"
            '2023-03-28T15:39:56.053Z,true,2023-03-28T15:39:56.053Z,"VOIP"',
        ),
    )
    s = map_device(raw, now=NOW, tz=UTC_ZONE).sections
    assert s["ipInterface11"].data["label"] == "PPP Interface 1.2"  # type: ignore[index]
    assert s["ipInterface21"].status == "absent"


def test_acs_real_dump_internet_wan_unchanged():
    s = map_device(
        document_from_csv(csv_text(ZTE_H199A), default_timestamp=STAMP), now=NOW, tz=UTC_ZONE
    ).sections
    assert s["ipInterface21"].data["label"] == "PPP Interface 1.2"  # type: ignore[index]
    assert s["ipInterface21"].data["role"] == "internet"  # type: ignore[index]


def test_voice_in_a_wan_name_is_voip():
    # BM632w lists no service; its name says WAN1_INTERNET_TR069_VOICE_R.
    assert full(BM632W)["wans"].data[0]["roles"] == ["management", "internet", "voip"]


@pytest.mark.parametrize(
    ("text", "services"),
    [
        ("TR069_VOIP_INTERNET", {"TR069", "VOIP", "INTERNET"}),  # Huawei X_HW_SERVICELIST
        ("INTERNET_TR069_IPTV", {"INTERNET", "TR069", "IPTV"}),  # ZTE X_ZTE-COM_ServiceList
        ("Tr069", {"TR069"}),  # Huawei OLT Service type
        ("Voip", {"VOIP"}),
        ("1_TR069_INTERNET_R_VID_10", {"TR069", "INTERNET"}),
        ("MGMT-ONU", {"TR069"}),
        ("omci_ipv4_pppoe_1", set()),
        ("omci_ipv4_voip_1", {"VOIP"}),
        ("", set()),
        (None, set()),
    ],
)
def test_services_in_service_lists_and_names(text, services):
    assert services_in(text) == services


def test_one_role_per_facts():
    assert role_of(WanFacts(services=frozenset({"VOIP"}), gateway=True, nat=True)) == "voip"
    assert role_of(WanFacts(gateway=True)) == "internet"
    assert role_of(WanFacts(routed=False, gateway=True)) == "other"
    assert role_of(WanFacts(carries_acs=True, services=frozenset({"INTERNET"}))) == "management"
    assert roles_of(WanFacts(carries_acs=True, services=frozenset({"INTERNET"}))) == [
        "management",
        "internet",
    ]


def test_pick_prefers_connected_routed_internet_and_not_the_management_wan():
    wans = {
        "mgmt": WanFacts(services=frozenset({"TR069", "INTERNET"}), connected=True),
        "voip": WanFacts(services=frozenset({"VOIP"}), gateway=True, connected=True),
        "bridged": WanFacts(services=frozenset({"INTERNET"}), routed=False, connected=True),
        "inet": WanFacts(services=frozenset({"INTERNET"}), nat=True, connected=True),
    }
    mgmt, inet = pick(list(wans), wans.__getitem__)
    assert mgmt is not None and (mgmt.wan, mgmt.role) == ("mgmt", "management")
    assert inet is not None and (inet.wan, inet.role) == ("inet", "internet")
