"""Where a device keeps what an action changes: the WLAN of a band, the internet WAN, the LAN.

All choices are the stats section areas' own (``ponapi.tr069.areas``: the root and vendor
profile of ``DeviceView``, the band of a TR-098 WLANConfiguration, the TR-181 SSID -> Radio /
AccessPoint links, and the internet WAN by role), called rather than re-implemented, so a
device's "2.4 GHz Wi-Fi" and "internet WAN" are the same objects in ``tr069-stats`` and in the
actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.actions.errors import NotSupportedError
from ponapi.tr069.areas import wan, wifi
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.profiles import Profile

_UTC = ZoneInfo("UTC")


class Device:
    """A device document plus the section areas' view of it."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.mapper = DeviceView(raw, now=datetime.now(UTC), tz=_UTC)
        self.doc: DeviceDocument = self.mapper.doc
        self.root: str = self.mapper.root
        self.tr181: bool = self.mapper.tr181
        self.profile: Profile = self.mapper.profile
        if not self.root:
            raise NotSupportedError("device", "the ACS holds no TR-098 or TR-181 tree for it")

    def writable(self, path: str) -> bool:
        """A parameter (not an object) the ACS knows as writable: GenieACS sends an SPV only for
        those (``canWrite`` needs the cached ``_writable``), fetched value or not."""
        node = self.doc.node(path)
        return (
            node is not None and node.get("_object") is not True and node.get("_writable") is True
        )

    def xsd(self, path: str, default: str = "xsd:string") -> str:
        p = self.doc.get(path)
        return p.type if p is not None and p.type else default

    def value(self, path: str) -> Any:
        p = self.doc.get(path)
        return p.value if p is not None else None


Wlan = wifi.Wlan


def wlan(dev: Device, band: str) -> Wlan:
    """The WLAN the device serves ``band`` on: the ``wirelessLan`` sections' own choice."""
    chosen = wifi.choose(dev.mapper, band)
    if chosen is None:
        raise NotSupportedError("band", f"this device reports no {band} Wi-Fi")
    return chosen


_LABEL = re.compile(r"(?P<kind>IP|PPP) Interface (?P<a>\d+)(?:\.(?P<b>\d+))?")


def internet_interface(dev: Device) -> str:
    """The IP-layer interface of the internet WAN, as a diagnostics ``Interface`` value: TR-098
    ``...WANConnectionDevice.i.WANIPConnection.j`` (no trailing dot, as TR-098's examples),
    TR-181 ``Device.IP.Interface.k.`` (with the dot, as the TR-181 devices here write it).
    ``""`` (the routing table decides) when the mapper finds no WAN with the internet role."""
    _mgmt, inet = wan.select(dev.mapper)
    data = inet.data or {}
    if data.get("role") != "internet":
        return ""
    m = _LABEL.fullmatch(str(data.get("label", "")))
    if m is None:
        return ""
    if dev.tr181:
        path = f"Device.IP.Interface.{m['a']}"
        return f"{path}." if dev.doc.node(path) is not None else ""
    kind = "WANPPPConnection" if m["kind"] == "PPP" else "WANIPConnection"
    for wd in dev.doc.instances(f"{dev.root}.WANDevice"):
        path = f"{dev.root}.WANDevice.{wd}.WANConnectionDevice.{m['a']}.{kind}.{m['b']}"
        if dev.doc.node(path) is not None:
            return path
    return ""


@dataclass(frozen=True)
class Lan:
    """The DHCP server's parameters. TR-098: ``server`` is LANHostConfigManagement, ``pool`` the
    same object; TR-181: ``server`` is Device.DHCPv4.Server, ``pool`` its first pool."""

    server: str
    pool: str
    address_path: str
    mask_path: str

    @property
    def tr181(self) -> bool:
        return self.server.startswith("Device.")


def lan(dev: Device) -> Lan:
    if dev.tr181:
        pools = dev.doc.instances("Device.DHCPv4.Server.Pool")
        if not pools:
            raise NotSupportedError("lanDhcpServer", "this device has no DHCPv4 server pool")
        pool = f"Device.DHCPv4.Server.Pool.{pools[0]}"
        ref = str(dev.value(f"{pool}.Interface") or "").strip().rstrip(".")
        addrs = dev.doc.instances(f"{ref}.IPv4Address") if ref else []
        addr = f"{ref}.IPv4Address.{addrs[0]}" if addrs else ""
        return Lan("Device.DHCPv4.Server", pool, f"{addr}.IPAddress", f"{addr}.SubnetMask")
    for n in dev.doc.instances(f"{dev.root}.LANDevice"):
        base = f"{dev.root}.LANDevice.{n}.LANHostConfigManagement"
        if dev.doc.node(base) is None:
            continue
        ifs = dev.doc.instances(f"{base}.IPInterface")
        ip_if = f"{base}.IPInterface.{ifs[0]}" if ifs else ""
        return Lan(
            base,
            base,
            f"{ip_if}.IPInterfaceIPAddress",
            f"{ip_if}.IPInterfaceSubnetMask",
        )
    raise NotSupportedError("lanDhcpServer", "this device has no LANHostConfigManagement")
