"""An action's read-back is the stats section of the same name, built by the same builder:
``lanDhcpServer`` and ``wirelessLan`` have one shape whether ``tr069-stats`` or an action
answers, on every real dump."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ponapi.actions import dhcp, wifi
from ponapi.actions.errors import NotSupportedError
from ponapi.tr069.document import document_from_csv
from ponapi.tr069.full_screen import map_full_screen
from ponapi.tr069.mapper import map_device
from tests.fixtures import all_csv, csv_text
from tests.sections_support import NOW, STAMP, UTC_ZONE, doc_of

CONTRACT = Path(__file__).resolve().parents[1] / "ponapi" / "contract"
ZTE = "anlix-genieacs-sim_device-C0B101-ZXHN_H199A-ZTEYH86LCN10105-2023-03-28T154022233Z.csv"


def _stats(raw: dict[str, object]) -> dict[str, object]:
    return {
        **map_device(raw, now=NOW, tz=UTC_ZONE).sections,
        **map_full_screen(raw, NOW, UTC_ZONE),
    }


@pytest.mark.parametrize("name", all_csv())
def test_dhcp_readback_is_the_stats_section(name):
    raw = doc_of(name)
    section = _stats(raw)["lanDhcpServer"]
    try:
        got = dhcp.dhcp_section(raw)
    except NotSupportedError:
        assert section.data is None  # type: ignore[attr-defined]
        return
    assert got == section.data  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", all_csv())
@pytest.mark.parametrize(("band", "name5"), [("2.4GHz", "wirelessLan"), ("5GHz", "wirelessLan5")])
def test_wifi_readback_is_the_stats_section_without_the_passphrase(name, band, name5):
    raw = doc_of(name)
    section = _stats(raw)[name5]
    try:
        got = wifi.wlan_section(raw, band)
    except NotSupportedError:
        assert section.data is None  # type: ignore[attr-defined]
        return
    assert got == {**section.data, "password": ""}  # type: ignore[attr-defined]


def test_wifi_readback_auth_mode_uses_the_stats_inputs():
    # The real ZTE H199A dump with its 2.4 GHz WLAN on 802.1X (EAP): the stats section says
    # Enterprise; the read-back re-mapped BeaconType alone and said PreSharedKey.
    path = "InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.IEEE11iAuthenticationMode,"
    text = csv_text(ZTE)
    line = next(x for x in text.splitlines() if x.startswith(path))
    raw = document_from_csv(
        text.replace(line, line.replace('"PSKAuthentication"', '"EAPAuthentication"')),
        default_timestamp=STAMP,
    )
    assert _stats(raw)["wirelessLan"].data["authMode"] == "WPA2 Enterprise"  # type: ignore[attr-defined]
    assert wifi.wlan_section(raw, "2.4GHz")["authMode"] == "WPA2 Enterprise"


def test_dhcp_readback_uses_the_stats_field_names():
    got = dhcp.dhcp_section(doc_of(ZTE))
    assert {"dhcpMinAddr", "dhcpMaxAddr", "leaseTimeSec"} <= set(got)
    assert not {"startAddress", "endAddress", "leaseTime"} & set(got)


@pytest.mark.parametrize("name", ["wirelessLan", "lanDhcpServer"])
def test_action_contract_shapes_are_the_stats_shapes(name):
    stats = json.loads((CONTRACT / "tr069-stats.schema.json").read_text())["$defs"][name]
    action = json.loads((CONTRACT / "actions.schema.json").read_text())["$defs"][name]
    drop = {"description"}
    assert {k: v for k, v in action.items() if k not in drop | {"properties"}} == {
        k: v for k, v in stats.items() if k not in drop | {"properties"}
    }
    props = dict(action["properties"])
    if name == "wirelessLan":
        assert props.pop("password")["const"] == ""
        stats["properties"].pop("password")
    assert props == stats["properties"]
