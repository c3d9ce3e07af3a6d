"""Beyond the app: ``wirelessLan5``, ``wifiSurvey5`` and ``wans[]``, by calling the mapper.

The 5 GHz sections are the mapper's Wi-Fi and survey code run with ``band = "5GHz"`` (the band
is chosen from the data, never from the instance number). ``wans[]`` is every WAN connection the
mapper enumerates, each with its ``label`` (the true instance) and ``role``; ``roles`` lists every
service the connection carries, so a single WAN carrying management and internet says both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069 import kit
from ponapi.tr069.mapper import Mapper, Section

PROJECTION_WLAN = (
    "InternetGatewayDevice.LANDevice.1.WLANConfiguration",
    "InternetGatewayDevice.LANDevice.1.WiFi",
    "InternetGatewayDevice.LANDevice.1.WIFI",
    "Device.WiFi.SSID",
    "Device.WiFi.Radio",
    "Device.WiFi.AccessPoint",
)
PROJECTION_SURVEY = (
    "InternetGatewayDevice.LANDevice.1.WiFi.NeighboringWiFiDiagnostic",
    "InternetGatewayDevice.LANDevice.1.WiFi.Radio",
    "InternetGatewayDevice.LANDevice.1.WIFI.Radio",
    "InternetGatewayDevice.X_ALU-COM_NeighboringWiFiDiagnostic",
    "InternetGatewayDevice.WiFi.NeighboringWiFiDiagnostic",
    "Device.WiFi.NeighboringWiFiDiagnostic",
    "Device.WiFi.Radio",
)
PROJECTION_WANS = (
    # Connections only (the interface configs and counters beside them are not read);
    # WANDevice 2 is where ZTE routers keep their 3G/LTE WAN.
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice",
    "InternetGatewayDevice.WANDevice.2.WANConnectionDevice",
    "InternetGatewayDevice.ManagementServer.ConnectionRequestURL",
    "Device.IP.Interface",
    "Device.PPP.Interface",
    "Device.Ethernet",
    "Device.DHCPv4.Client",
    "Device.Routing.Router",
    "Device.DNS.Client",
    "Device.NAT.InterfaceSetting",
    "Device.ManagementServer.ConnectionRequestURL",
)


class Mapper5(Mapper):
    """The mapper reading the 5 GHz radio."""

    band = "5GHz"
    zte_survey_radio = "2"


def mapper_for(raw: dict[str, Any], band: str, now: datetime, tz: ZoneInfo) -> Mapper:
    return (Mapper5 if band == "5GHz" else Mapper)(raw, now=now, tz=tz)


def wireless_lan5(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> Section:
    return Mapper5(raw, now=now, tz=tz).wireless()


def wifi_survey5(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> Section:
    return Mapper5(raw, now=now, tz=tz).survey()


def _roles(w: dict[str, Any]) -> list[str]:
    services: set[str] = w["services"]
    roles = [
        role
        for role, token in (
            ("management", "TR069"),
            ("internet", "INTERNET"),
            ("voip", "VOIP"),
            ("iptv", "IPTV"),
        )
        if token in services
    ]
    if w["carries_acs"] and "management" not in roles:
        roles.insert(0, "management")
    if not roles:
        roles.append(Mapper._role(w))
    return roles


def wans(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> kit.Rows:
    m = Mapper(raw, now=now, tz=tz)
    if not m.root:
        return kit.absent_rows()
    found = m._wans_tr181() if m.tr181 else m._wans_tr098()
    if not found:
        return kit.absent_rows()
    items: list[tuple[str, Section]] = []
    # ``id`` is the position in instance order: an IP and a PPP connection can share an
    # instance pair (Intelbras), and ``label`` names the true instance.
    for n, w in enumerate(sorted(found, key=lambda w: (w["instance"], w["label"])), start=1):
        section = m._wan_section(w, None)
        assert section.data is not None
        section.data["roles"] = _roles(w)
        items.append((str(n), section))
    rows = kit.rows(items)
    # When each connection came up, so ``uptimeAgo`` can be recomputed at serving time.
    rows.extra["startedAt"] = {
        row_id: sec.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        for row_id, sec in items
        if sec.started_at is not None
    }
    return rows
