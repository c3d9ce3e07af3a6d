"""The two WAN sections (``ipInterface11`` management, ``ipInterface21`` internet): which WAN
plays which role, in one place for both data models."""

from __future__ import annotations

from typing import Any

from ponapi.tr069.areas import wan_tr098, wan_tr181
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    WAN_OPTIONAL,
    Fields,
    Section,
)
from ponapi.tr069.spec import SectionSpec, by_root


def role_of(w: dict[str, Any]) -> str:
    s = w["services"]
    if "TR069" in s or w["carries_acs"]:
        return "management"
    if "INTERNET" in s or (not s and w["routed"] and (w["nat"] or w["gateway"])):
        return "internet"
    if "VOIP" in s:
        return "voip"
    if "IPTV" in s:
        return "iptv"
    return "other"


def select(m: DeviceView) -> tuple[Section, Section]:
    if not m.root:
        return Section(None, "absent"), Section(None, "absent")
    wans = wan_tr181.wans(m) if m.tr181 else wan_tr098.wans(m)
    if not wans:
        return Section(None, "absent"), Section(None, "absent")

    def by_instance(i: int, j: int) -> dict[str, Any] | None:
        return next((w for w in wans if w["instance"] == (i, j)), None)

    mgmt_candidates = [w for w in wans if "TR069" in w["services"] or w["carries_acs"]]
    mgmt = min(
        mgmt_candidates,
        key=lambda w: (not w["carries_acs"], not w["connected"], w["instance"]),
        default=None,
    )
    mgmt_role = "management" if mgmt else None
    if mgmt is None:
        mgmt = by_instance(1, 1)
    internet_candidates = [
        w
        for w in wans
        if w["routed"]
        and ("INTERNET" in w["services"] or (not w["services"] and (w["nat"] or w["gateway"])))
    ]
    inet = min(
        internet_candidates,
        key=lambda w: (
            not w["connected"],
            w is mgmt,
            not w["nat"],
            not w["gateway"],
            w["instance"],
        ),
        default=None,
    )
    inet_role = "internet" if inet else None
    if inet is None:
        inet = by_instance(2, 1)
    up = [w for w in internet_candidates if w["connected"]]
    if mgmt is None and len(up) == 1:
        mgmt = up[0]  # the only connected routed WAN carries the ACS session too
    return _section(m, mgmt, mgmt_role), _section(m, inet, inet_role)


def _section(m: DeviceView, w: dict[str, Any] | None, role: str | None) -> Section:
    if w is None:
        return Section(None, "absent")
    f: Fields = w["fields"]
    section = f.finish(WAN_OPTIONAL)
    assert section.data is not None
    section.data["label"] = w["label"]
    section.data["role"] = role or role_of(w)
    return section


def build(m: DeviceView) -> dict[str, Section]:
    management, internet = select(m)
    return {"ipInterface11": management, "ipInterface21": internet}


# Connections only: WANDevice also holds interface configs and counters the mapping never
# reads. Instance 2 is where ZTE routers keep their 3G/LTE WAN.
_PROJECTION = by_root(
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice",
    "InternetGatewayDevice.WANDevice.2.WANConnectionDevice",
    "InternetGatewayDevice.ManagementServer.ConnectionRequestURL",
    "Device.ManagementServer.ConnectionRequestURL",
    "Device.IP.Interface",
    "Device.PPP.Interface",
    "Device.Ethernet.Link",
    "Device.Ethernet.VLANTermination",
    "Device.NAT.InterfaceSetting",
    "Device.Routing.Router",
    "Device.DNS.Client.Server",
    "Device.DHCPv4.Client",
)
_REFRESH = by_root(
    "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*",
    "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANPPPConnection.*",
    "Device.IP.Interface.*",
    "Device.PPP.Interface.*",
)
IP_INTERFACE_11 = SectionSpec(
    "ipInterface11",
    "object",
    build,
    projection=_PROJECTION,
    refresh=_REFRESH,
    limitation="The OLT CLI shows only part of the ONU's WANs (what the ONU reports to the "
    "OLT); the rest is read over TR-069.",
)
IP_INTERFACE_21 = SectionSpec(
    "ipInterface21",
    "object",
    build,
    projection=_PROJECTION,
    refresh=_REFRESH,
    limitation="The OLT CLI shows only part of the ONU's WANs (what the ONU reports to the "
    "OLT); the rest is read over TR-069.",
)
