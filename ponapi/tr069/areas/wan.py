"""The two WAN sections (``ipInterface11`` management, ``ipInterface21`` internet) of both data
models; which WAN plays which role is decided in ``ponapi.tr069.wan_roles``."""

from __future__ import annotations

from typing import Any

from ponapi.tr069 import wan_roles
from ponapi.tr069.areas import wan_tr098, wan_tr181
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    WAN_OPTIONAL,
    Fields,
    Section,
)
from ponapi.tr069.spec import SectionSpec, by_root


def role_of(w: dict[str, Any]) -> str:
    return wan_roles.role_of(w["facts"])


def select(m: DeviceView) -> tuple[Section, Section]:
    if not m.root:
        return Section(None, "absent"), Section(None, "absent")
    wans = wan_tr181.wans(m) if m.tr181 else wan_tr098.wans(m)
    mgmt, inet = wan_roles.pick(wans, lambda w: w["facts"], positions=((1, 1), (2, 1)))
    return _section(mgmt), _section(inet)


def _section(picked: wan_roles.Picked[dict[str, Any]] | None) -> Section:
    if picked is None:
        return Section(None, "absent")
    f: Fields = picked.wan["fields"]
    section = f.finish(WAN_OPTIONAL)
    assert section.data is not None
    section.data["label"] = picked.wan["label"]
    section.data["role"] = picked.role
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
    limitation="Over the OLT CLI: address, mask, gateway, DNS, MAC and VLAN only; no connection "
    "uptime, MTU or last error, which only the ONU's TR-069 reports.",
)
IP_INTERFACE_21 = SectionSpec(
    "ipInterface21",
    "object",
    build,
    projection=_PROJECTION,
    refresh=_REFRESH,
    limitation="Over the OLT CLI: address, mask, gateway, DNS, MAC and VLAN only; no connection "
    "uptime, MTU or last error, which only the ONU's TR-069 reports.",
)
