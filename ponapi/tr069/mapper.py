"""The one mapper: a TR-069 parameter tree (GenieACS document) -> the five stats sections.

Works on TR-098 (``InternetGatewayDevice.``) and TR-181 (``Device.``) trees, with vendor
profiles for the values the standards lack. A value the device does not report becomes ``""``
(``null`` for ``natEnabled``) and its field is listed in the section's ``missing``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ponapi.stats import format as fmt
from ponapi.tr069.document import DeviceDocument, Param
from ponapi.tr069.profiles import Profile, detect

log = logging.getLogger("ponapi.tr069")

SECTIONS = ("general", "ipInterface11", "ipInterface21", "wirelessLan", "wifiSurvey")

GENERAL_FIELDS = (
    "manufacturer",
    "modelName",
    "softwareVersion",
    "hardwareVersion",
    "provisioningCode",
    "serialNumber",
    "cpuUsage",
    "totalRam",
    "freeRam",
    "uptime",
    "uptimeAgo",
)
WAN_FIELDS = (
    "name",
    "addressingType",
    "connectionStatus",
    "uptime",
    "uptimeAgo",
    "ipAddress",
    "subnetMask",
    "defaultGateway",
    "dnsServers",
    "lastConnectionError",
    "macAddress",
    "maxMtuSize",
    "natEnabled",
    "vlanId",
)
WAN_OPTIONAL = ("ipv6Address", "ipv6Gateway", "ipv6DelegatedPrefix")
WLAN_FIELDS = (
    "ssid",
    "password",
    "authMode",
    "status",
    "enable",
    "rfBand",
    "standard",
    "radioEnabled",
    "totalAssociations",
    "ssidAdvertisementEnabled",
    "wpaEncryption",
    "channelWidth",
    "autoChannel",
    "channel",
    "countryDomain",
    "txPower",
)


@dataclass
class Section:
    data: dict[str, Any] | None
    status: str
    missing: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # When the boot or connection began, so ``uptimeAgo`` can be recomputed at serving time.
    started_at: datetime | None = None


@dataclass
class Mapped:
    sections: dict[str, Section]
    device: dict[str, Any]


class Fields:
    """Collects one section's display values, what is missing and the newest value time."""

    def __init__(self, doc: DeviceDocument | None, required: tuple[str, ...]) -> None:
        self.doc = doc
        self.required = required
        self.values: dict[str, Any] = {}
        self.not_applicable: set[str] = set()
        self.newest: datetime | None = None
        self.started_at: datetime | None = None

    def seen(self, p: Param | None) -> Param | None:
        if p is not None and p.timestamp and (self.newest is None or p.timestamp > self.newest):
            self.newest = p.timestamp
        return p

    def read(self, path: str) -> Param | None:
        assert self.doc is not None
        return self.seen(self.doc.get(path))

    def first(self, base: str, candidates: tuple[str, ...]) -> Param | None:
        assert self.doc is not None
        hit = self.doc.first(base, *candidates)
        return self.seen(hit[1]) if hit else None

    def put(self, name: str, value: Any) -> None:
        if value is not None and name not in self.values:
            self.values[name] = value

    def put_from(self, name: str, p: Param | None, conv: Callable[[object], Any]) -> None:
        if p is not None:
            self.put(name, conv(p.value))

    def finish(self, optional: tuple[str, ...] = ()) -> Section:
        data: dict[str, Any] = {}
        missing = []
        for name in self.required:
            if name in self.values:
                data[name] = self.values[name]
            else:
                data[name] = None if name == "natEnabled" else ""
                if name not in self.not_applicable:
                    missing.append(name)
        for name in optional:
            if self.values.get(name):
                data[name] = self.values[name]
        for name, value in self.values.items():
            data.setdefault(name, value)
        status = "partial" if missing else "ok"
        return Section(data, status, missing, self.newest, started_at=self.started_at)


def _ref(value: object) -> str:
    """A TR-181 reference without its optional trailing dot."""
    return str(value).strip().rstrip(".") if isinstance(value, str) else ""


def _service_tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^A-Z0-9]+", text.upper()) if t}


class Mapper:
    # The radio band the Wi-Fi and survey sections read; a subclass reads the other band
    # (ponapi.tr069.beyond: wirelessLan5, wifiSurvey5).
    band = "2.4GHz"
    zte_survey_radio = "1"  # ZTE scans per radio: radio 1 is 2.4 GHz, radio 2 is 5 GHz

    def __init__(self, raw: dict[str, Any], *, now: datetime, tz: ZoneInfo) -> None:
        self.doc = DeviceDocument(raw)
        self.now = now
        self.tz = tz
        if self.doc.node("InternetGatewayDevice") is not None:
            self.root = "InternetGatewayDevice"
        elif self.doc.node("Device") is not None:
            self.root = "Device"
        else:
            self.root = ""
        self.profile: Profile = detect(self.doc, self.root or "InternetGatewayDevice")
        self.tr181 = self.root == "Device"
        cr = self.doc.get(f"{self.root}.ManagementServer.ConnectionRequestURL")
        try:
            self.acs_ip = (urlsplit(str(cr.value)).hostname or "") if cr else ""
        except ValueError:  # not a URL
            self.acs_ip = ""

    # --- helpers -------------------------------------------------------------------------

    def _time_pair(self, f: Fields, p: Param | None, prefix: str = "") -> None:
        """``uptime`` / ``uptimeAgo`` from elapsed seconds and the time they were reported."""
        if p is None:
            return
        start = fmt.started_at(p.timestamp or self.doc.last_inform, p.value)
        if start is None:
            return
        f.put(prefix + "uptime", fmt.display_time(start, self.tz))
        f.put(prefix + "uptimeAgo", fmt.ago(start, self.now))
        f.started_at = start

    # --- general -------------------------------------------------------------------------

    def general(self) -> Section:
        if not self.root:
            return Section(None, "absent")
        f = Fields(self.doc, GENERAL_FIELDS)
        di = f"{self.root}.DeviceInfo"
        maker = f.read(f"{di}.Manufacturer")
        oui = f.read(f"{di}.ManufacturerOUI")
        f.put(
            "manufacturer",
            fmt.manufacturer(
                fmt.to_str(maker.value) if maker else self.doc.device_id_field("_Manufacturer"),
                fmt.to_str(oui.value) if oui else self.doc.device_id_field("_OUI"),
            ),
        )
        model = f.read(f"{di}.ModelName")
        model_text = fmt.to_str(model.value) if model else None
        if not model_text or model_text == "ModelName":  # Intelbras reports the name literally
            model_text = self.doc.device_id_field("_ProductClass") or model_text
        f.put("modelName", model_text)
        for name, param in (
            ("softwareVersion", "SoftwareVersion"),
            ("hardwareVersion", "HardwareVersion"),
            ("provisioningCode", "ProvisioningCode"),
        ):
            f.put_from(name, f.read(f"{di}.{param}"), fmt.to_str)
        serial = f.read(f"{di}.SerialNumber")
        serial_text = fmt.to_str(serial.value) if serial else None
        if not serial_text or serial_text == "0":  # BM632w reports 0; the Inform has it
            serial_text = self.doc.device_id_field("_SerialNumber") or serial_text
        f.put("serialNumber", serial_text)
        f.put_from("cpuUsage", f.first(di, self.profile.cpu), fmt.percent)
        total = f.read(f"{di}.MemoryStatus.Total")
        free = f.read(f"{di}.MemoryStatus.Free")
        f.put_from("totalRam", total, fmt.kib_to_mb)
        f.put_from("freeRam", free, fmt.kib_to_mb)
        if free is None and total is not None:
            used = f.first(di, self.profile.mem_used_percent)
            t, u = fmt.to_int(total.value), fmt.to_int(used.value) if used else None
            if t is not None and u is not None and 0 <= u <= 100:
                f.put("freeRam", fmt.kib_to_mb(t * (100 - u) // 100))
        self._time_pair(f, f.read(f"{di}.UpTime"))
        return f.finish()

    # --- WAN (TR-098) --------------------------------------------------------------------

    def _wans_tr098(self) -> list[dict[str, Any]]:
        wans = []
        base = f"{self.root}.WANDevice"
        for wd in self.doc.instances(base):
            for wcd in self.doc.instances(f"{base}.{wd}.WANConnectionDevice"):
                wcd_path = f"{base}.{wd}.WANConnectionDevice.{wcd}"
                for kind in ("WANIPConnection", "WANPPPConnection"):
                    for j in self.doc.instances(f"{wcd_path}.{kind}"):
                        wans.append(self._wan_tr098(wcd_path, wcd, kind, j))
        return wans

    def _wan_tr098(self, wcd_path: str, wcd: str, kind: str, j: str) -> dict[str, Any]:
        ppp = kind == "WANPPPConnection"
        c = f"{wcd_path}.{kind}.{j}"
        f = Fields(self.doc, WAN_FIELDS)
        f.put_from("name", f.read(f"{c}.Name"), fmt.to_str)
        if ppp:
            f.put("addressingType", "PPPoE")
            f.not_applicable.add("subnetMask")
        else:
            f.put_from("addressingType", f.read(f"{c}.AddressingType"), fmt.to_str)
        status = f.read(f"{c}.ConnectionStatus")
        f.put_from("connectionStatus", status, fmt.to_str)
        connected = status is not None and str(status.value) == "Connected"
        up = f.read(f"{c}.Uptime")
        if connected and up is not None and (fmt.to_int(up.value) or 0) > 0:
            self._time_pair(f, up)
        elif up is not None:
            f.not_applicable.update(("uptime", "uptimeAgo"))  # not connected: no start time
        ip = f.read(f"{c}.ExternalIPAddress")
        f.put_from("ipAddress", ip, fmt.address)
        f.put_from("subnetMask", f.read(f"{c}.SubnetMask"), fmt.address)
        gw = f.read(f"{c}.DefaultGateway") or (f.read(f"{c}.RemoteIPAddress") if ppp else None)
        f.put_from("defaultGateway", gw, fmt.address)
        f.put_from("dnsServers", f.read(f"{c}.DNSServers"), fmt.dns_list)
        f.put_from("lastConnectionError", f.read(f"{c}.LastConnectionError"), fmt.connection_error)
        f.put_from("macAddress", f.read(f"{c}.MACAddress"), fmt.mac)
        mtu_names = self.profile.ppp_mtu if ppp else self.profile.ip_mtu
        f.put_from("maxMtuSize", f.first(c, mtu_names), fmt.to_str)
        f.put_from("natEnabled", f.read(f"{c}.NATEnabled"), fmt.to_bool)
        vlan = f.first(c, self.profile.conn_vlan)
        wcd_vlan = f.first(wcd_path, self.profile.wcd_vlan)
        # A per-connection 0 (untagged) yields to a non-zero link-level VLAN (Nokia).
        if vlan is None or (
            fmt.to_int(vlan.value) == 0
            and wcd_vlan is not None
            and (fmt.to_int(wcd_vlan.value) or 0) > 0
        ):
            vlan = wcd_vlan
        f.put_from("vlanId", vlan, fmt.vlan)
        self._ipv6_tr098(f, c)
        services = f.first(c, self.profile.service_list)
        tokens = _service_tokens(str(services.value)) if services else set()
        name = str(f.values.get("name", ""))
        if not tokens:
            tokens = _service_tokens(name) & {"TR069", "INTERNET", "VOIP", "IPTV", "OTHER"}
        ctype = self.doc.get(f"{c}.ConnectionType")
        label = f"{'PPP' if ppp else 'IP'} Interface {wcd}.{j}"
        return {
            "fields": f,
            "label": label,
            "instance": (int(wcd), int(j)),
            "services": tokens,
            "connected": connected,
            "carries_acs": bool(self.acs_ip) and self.acs_ip == str(ip.value if ip else ""),
            "routed": not (ctype and "Bridged" in str(ctype.value)),
            "nat": f.values.get("natEnabled") is True,
            "gateway": bool(f.values.get("defaultGateway")),
        }

    def _ipv6_tr098(self, f: Fields, c: str) -> None:
        # Huawei: X_HW_IPv6.IPv6Address.{a} / IPv6Prefix.{p}
        for a in self.doc.instances(f"{c}.X_HW_IPv6.IPv6Address"):
            addr = f.read(f"{c}.X_HW_IPv6.IPv6Address.{a}.IPAddress")
            text = fmt.address(addr.value) if addr else None
            if text and not text.lower().startswith("fe80"):
                f.put("ipv6Address", text)
                f.put_from(
                    "ipv6Gateway",
                    f.read(f"{c}.X_HW_IPv6.IPv6Address.{a}.DefaultGateway"),
                    fmt.address,
                )
        for p in self.doc.instances(f"{c}.X_HW_IPv6.IPv6Prefix"):
            origin = self.doc.get(f"{c}.X_HW_IPv6.IPv6Prefix.{p}.Origin")
            if origin is None or str(origin.value) == "PrefixDelegation":
                f.put_from(
                    "ipv6DelegatedPrefix",
                    f.read(f"{c}.X_HW_IPv6.IPv6Prefix.{p}.Prefix"),
                    fmt.address,
                )
        # ZTE, Nokia (ALU), CMCC and FiberHome firmwares keep flat names on the connection.
        addr = f.first(
            c,
            (
                "X_ZTE-COM_ExternalIPv6Address",
                "X_ALU-COM_IPv6IPAddress",
                "X_CMCC_IPv6IPAddress",
                "X_FH_IPv6IPAddress",
            ),
        )
        if addr is not None:
            f.put("ipv6Address", (fmt.address(addr.value) or "").split("/")[0] or None)
        f.put_from(
            "ipv6Gateway",
            f.first(
                c,
                (
                    "X_ZTE-COM_IPv6GatewayAddress",
                    "X_ALU-COM_DefaultIPv6Gateway",
                    "X_CMCC_DefaultIPv6Gateway",
                    "X_FH_DefaultIPv6Gateway",
                ),
            ),
            fmt.address,
        )
        f.put_from(
            "ipv6DelegatedPrefix",
            f.first(
                c,
                (
                    "X_ZTE-COM_PD",
                    "X_ZTE-COM_IPv6PrefixDelegationAddress",
                    "X_ALU-COM_IPv6Prefix",
                    "X_CMCC_IPv6Prefix",
                    "X_FH_IPv6Prefix",
                ),
            ),
            fmt.address,
        )

    # --- WAN (TR-181) --------------------------------------------------------------------

    def _chain(self, start: str, limit: int = 8) -> list[str]:
        """Follow ``LowerLayers`` references down from an interface (first reference each hop)."""
        out: list[str] = []
        cur = start
        for _ in range(limit):
            lower = self.doc.get(f"{cur}.LowerLayers")
            nxt = _ref(str(lower.value).split(",")[0]) if lower else ""
            if not nxt or nxt in out:
                break
            out.append(nxt)
            cur = nxt
        return out

    def _referring(self, table: str, key: str, target: str) -> list[str]:
        """Instances of ``table`` whose ``key`` parameter references ``target``."""
        found = []
        for i in self.doc.instances(table):
            ref = self.doc.get(f"{table}.{i}.{key}")
            if ref is not None and _ref(ref.value) == target:
                found.append(f"{table}.{i}")
        return found

    def _wans_tr181(self) -> list[dict[str, Any]]:
        wans = []
        for k in self.doc.instances("Device.IP.Interface"):
            ip_if = f"Device.IP.Interface.{k}"
            chain = self._chain(ip_if)
            name = self.doc.get(f"{ip_if}.Name")
            lan = any(".Bridging." in x or x.startswith("Device.Bridging") for x in chain) or (
                name is not None and str(name.value) in ("lo", "br0", "br-lan")
            )
            loopback = self.doc.get(f"{ip_if}.Loopback")
            if lan or (loopback is not None and fmt.to_bool(loopback.value)):
                continue
            wans.append(self._wan_tr181(ip_if, k, chain))
        return wans

    def _wan_tr181(self, ip_if: str, k: str, chain: list[str]) -> dict[str, Any]:
        f = Fields(self.doc, WAN_FIELDS)
        ppp = next((x for x in chain if x.startswith("Device.PPP.Interface.")), None)
        vlan_term = next(
            (x for x in chain if x.startswith("Device.Ethernet.VLANTermination.")), None
        )
        link = next((x for x in chain if x.startswith("Device.Ethernet.Link.")), None)
        dhcp = next(iter(self._referring("Device.DHCPv4.Client", "Interface", ip_if)), None)
        name = f.read(f"{ip_if}.Name")
        if name is None or not str(name.value):
            name = f.read(f"{ip_if}.X_TP_ConnName") or f.read(f"{ip_if}.Alias") or name
        f.put_from("name", name, fmt.to_str)
        addr_inst = None
        for a in self.doc.instances(f"{ip_if}.IPv4Address"):
            ipa = self.doc.get(f"{ip_if}.IPv4Address.{a}.IPAddress")
            if addr_inst is None or (ipa is not None and fmt.address(ipa.value)):
                addr_inst = f"{ip_if}.IPv4Address.{a}"
                if ipa is not None and fmt.address(ipa.value):
                    break
        if ppp:
            f.put("addressingType", "PPPoE")
            status = f.read(f"{ppp}.ConnectionStatus")
            f.put_from("connectionStatus", status, fmt.to_str)
            f.put_from(
                "lastConnectionError", f.read(f"{ppp}.LastConnectionError"), fmt.connection_error
            )
            f.put_from("dnsServers", f.read(f"{ppp}.IPCP.DNSServers"), fmt.dns_list)
        else:
            if addr_inst:
                f.put_from("addressingType", f.read(f"{addr_inst}.AddressingType"), fmt.to_str)
            status = f.read(f"{ip_if}.Status")
            if status is not None:
                f.put(
                    "connectionStatus",
                    {"Up": "Connected", "Down": "Disconnected"}.get(
                        str(status.value), fmt.to_str(status.value)
                    ),
                )
            f.not_applicable.add("lastConnectionError")  # TR-181 has it only for PPP
        connected = f.values.get("connectionStatus") == "Connected"
        if addr_inst:
            f.put_from("ipAddress", f.read(f"{addr_inst}.IPAddress"), fmt.address)
            f.put_from("subnetMask", f.read(f"{addr_inst}.SubnetMask"), fmt.address)
        if dhcp:
            f.put_from("ipAddress", f.read(f"{dhcp}.IPAddress"), fmt.address)
            f.put_from("subnetMask", f.read(f"{dhcp}.SubnetMask"), fmt.address)
            f.put_from("dnsServers", f.read(f"{dhcp}.DNSServers"), fmt.dns_list)
        if ppp:
            f.put_from("ipAddress", f.read(f"{ppp}.IPCP.LocalIPAddress"), fmt.address)
        gateway = None
        for router in self.doc.instances("Device.Routing.Router"):
            table = f"Device.Routing.Router.{router}.IPv4Forwarding"
            for route in self._referring(table, "Interface", ip_if):
                dest = self.doc.get(f"{route}.DestIPAddress")
                gw = self.doc.get(f"{route}.GatewayIPAddress")
                if gw and fmt.address(gw.value) and (dest is None or not fmt.address(dest.value)):
                    gateway = f.seen(gw)
        if gateway is None and dhcp:
            gateway = f.read(f"{dhcp}.IPRouters")
        if gateway is None and ppp:
            gateway = f.read(f"{ppp}.IPCP.RemoteIPAddress")
        f.put_from("defaultGateway", gateway, lambda v: (fmt.address(v) or "").split(",")[0])
        for server in self._referring("Device.DNS.Client.Server", "Interface", ip_if):
            f.put_from("dnsServers", f.read(f"{server}.DNSServer"), fmt.dns_list)
        last_change = f.read(f"{ip_if}.LastChange")
        if ppp and (last_change is None or not fmt.to_int(last_change.value)):
            last_change = f.read(f"{ppp}.X_TP_UpTime") or last_change
        if connected and last_change is not None and (fmt.to_int(last_change.value) or 0) > 0:
            self._time_pair(f, last_change)
        else:
            f.not_applicable.update(("uptime", "uptimeAgo"))
        if link:
            f.put_from("macAddress", f.read(f"{link}.MACAddress"), fmt.mac)
        f.put_from("maxMtuSize", f.read(f"{ip_if}.MaxMTUSize"), fmt.to_str)
        nat = self._referring("Device.NAT.InterfaceSetting", "Interface", ip_if)
        if nat:
            f.put_from("natEnabled", f.read(f"{nat[0]}.Enable"), fmt.to_bool)
        elif self.doc.node("Device.NAT.InterfaceSetting") is not None:
            f.put("natEnabled", False)
        if vlan_term:
            f.put_from("vlanId", f.read(f"{vlan_term}.VLANID"), fmt.vlan)
        elif link:
            f.put("vlanId", "untagged")
        for a in self.doc.instances(f"{ip_if}.IPv6Address"):
            addr = self.doc.get(f"{ip_if}.IPv6Address.{a}.IPAddress")
            origin = self.doc.get(f"{ip_if}.IPv6Address.{a}.Origin")
            text = fmt.address(addr.value) if addr else None
            if (
                text
                and not text.lower().startswith("fe80")
                and not (origin and str(origin.value) == "WellKnown")
            ):
                f.put("ipv6Address", text)
        for p in self.doc.instances(f"{ip_if}.IPv6Prefix"):
            origin = self.doc.get(f"{ip_if}.IPv6Prefix.{p}.Origin")
            prefix = self.doc.get(f"{ip_if}.IPv6Prefix.{p}.Prefix")
            if origin and str(origin.value) == "PrefixDelegation" and prefix:
                f.put("ipv6DelegatedPrefix", fmt.address(prefix.value) or None)
        for router in self.doc.instances("Device.Routing.Router"):
            table = f"Device.Routing.Router.{router}.IPv6Forwarding"
            for route in self._referring(table, "Interface", ip_if):
                dest = self.doc.get(f"{route}.DestIPPrefix")
                hop = self.doc.get(f"{route}.NextHop")
                if hop and (dest is None or str(dest.value) in ("", "::/0")):
                    f.put("ipv6Gateway", fmt.address(hop.value) or None)
        ip_text = str(f.values.get("ipAddress", ""))
        return {
            "fields": f,
            "label": f"IP Interface {k}",
            "instance": (int(k), 1),
            "services": set(),
            "connected": connected,
            "carries_acs": bool(self.acs_ip) and self.acs_ip == ip_text,
            "routed": True,
            "nat": f.values.get("natEnabled") is True,
            "gateway": bool(f.values.get("defaultGateway")),
        }

    # --- WAN selection -------------------------------------------------------------------

    @staticmethod
    def _role(w: dict[str, Any]) -> str:
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

    def wans(self) -> tuple[Section, Section]:
        if not self.root:
            return Section(None, "absent"), Section(None, "absent")
        wans = self._wans_tr181() if self.tr181 else self._wans_tr098()
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
        return self._wan_section(mgmt, mgmt_role), self._wan_section(inet, inet_role)

    def _wan_section(self, w: dict[str, Any] | None, role: str | None) -> Section:
        if w is None:
            return Section(None, "absent")
        f: Fields = w["fields"]
        section = f.finish(WAN_OPTIONAL)
        assert section.data is not None
        section.data["label"] = w["label"]
        section.data["role"] = role or self._role(w)
        return section

    # --- WLAN ----------------------------------------------------------------------------

    def _band_tr098(self, wlc: str) -> str | None:
        for rel in ("X_HW_RFBand", "OperatingFrequencyBand", "X_ZTE-COM_RFBand"):
            p = self.doc.get(f"{wlc}.{rel}")
            if p is not None and str(p.value).strip():
                return (
                    "5GHz"
                    if str(p.value).strip().startswith("5")
                    else ("6GHz" if str(p.value).strip().startswith("6") else "2.4GHz")
                )
        lower = self.doc.get(f"{wlc}.LowerLayers")
        if lower is not None:
            band = self.doc.get(f"{_ref(lower.value)}.OperatingFrequencyBand")
            if band is not None and str(band.value).strip():
                return str(band.value).strip()
        channel = self.doc.get(f"{wlc}.Channel")
        ch = fmt.to_int(channel.value) if channel else None
        if ch:
            return "2.4GHz" if ch <= 14 else "5GHz"
        std = self.doc.get(f"{wlc}.Standard")
        if std is not None:
            letters = fmt.wifi_standard(std.value) or ""
            if "b" in letters or "g" in letters:
                return "2.4GHz"
            if "a" in letters:
                return "5GHz"
        return None

    def wireless(self) -> Section:
        if not self.root:
            return Section(None, "absent")
        return self._wlan_tr181() if self.tr181 else self._wlan_tr098()

    def _wlan_tr098(self) -> Section:
        chosen = None
        for lan in self.doc.instances(f"{self.root}.LANDevice"):
            base = f"{self.root}.LANDevice.{lan}.WLANConfiguration"
            insts = [f"{base}.{n}" for n in self.doc.instances(base)]
            two_four = [w for w in insts if self._band_tr098(w) == self.band]
            enabled = [
                w
                for w in two_four
                if fmt.to_bool(getattr(self.doc.get(f"{w}.Enable"), "value", None))
            ]
            pick = (enabled or two_four or [])[:1]
            if pick:
                chosen = pick[0]
                break
        if chosen is None:
            return Section(None, "absent")
        w = chosen
        f = Fields(self.doc, WLAN_FIELDS)
        f.put_from("ssid", f.read(f"{w}.SSID"), fmt.to_str)
        psk = f.first(w, self.profile.psk)
        f.put("password", fmt.to_str(psk.value) if psk else "")  # hidden by TR-098: often ""
        beacon = f.read(f"{w}.BeaconType")
        eap = any(
            "EAP" in str(getattr(self.doc.get(f"{w}.{m}"), "value", ""))
            for m in ("WPAAuthenticationMode", "IEEE11iAuthenticationMode")
        )
        basic_enc = self.doc.get(f"{w}.BasicEncryptionModes")
        if beacon is not None:
            f.put(
                "authMode",
                fmt.auth_mode_tr098(beacon.value, basic_enc.value if basic_enc else None, eap),
            )
            key = str(beacon.value).lower()
            if key in ("wpa", "basicandwpa"):
                enc = f.read(f"{w}.WPAEncryptionModes")
            elif key in ("11i", "basicand11i"):
                enc = f.read(f"{w}.IEEE11iEncryptionModes")
            elif key in ("basic", "none"):
                enc = None
                f.put("wpaEncryption", "None")
            else:  # WPA/WPA2 mixed and WPA3 variants: Huawei keeps the real value apart
                enc = f.first(
                    w,
                    (
                        "X_HW_WPAand11iEncryptionModes",
                        "IEEE11iEncryptionModes",
                        "WPAEncryptionModes",
                    ),
                )
            f.put_from("wpaEncryption", enc, fmt.encryption)
        status = f.read(f"{w}.Status")
        f.put_from("status", status, lambda v: (fmt.to_str(v) or "").capitalize() or None)
        f.put_from("enable", f.read(f"{w}.Enable"), fmt.yes_no)
        f.put("rfBand", self.band)
        f.put_from(
            "standard",
            f.first(w, ("Standard", "X_HW_Standard", "X_ZTE-COM_WlanStandard")),
            fmt.wifi_standard,
        )
        f.put_from("radioEnabled", f.read(f"{w}.RadioEnabled"), fmt.yes_no)
        f.put_from("totalAssociations", f.read(f"{w}.TotalAssociations"), fmt.to_str)
        f.put_from("ssidAdvertisementEnabled", f.read(f"{w}.SSIDAdvertisementEnabled"), fmt.yes_no)
        width = f.first(w, self.profile.channel_width)
        if width is not None:
            hit = self.doc.first(w, *self.profile.channel_width)
            rel = hit[0].rsplit(".", 1)[-1] if hit else ""
            if rel == "X_HW_HT20":
                code = fmt.to_int(width.value)
                f.put("channelWidth", fmt.HUAWEI_HT20.get(code if code is not None else -1))
            else:
                f.put("channelWidth", fmt.channel_width(width.value))
        f.put_from("autoChannel", f.read(f"{w}.AutoChannelEnable"), fmt.on_off)
        f.put_from("channel", f.read(f"{w}.Channel"), fmt.to_str)
        f.put_from("countryDomain", f.read(f"{w}.RegulatoryDomain"), fmt.country)
        f.put_from("txPower", f.read(f"{w}.TransmitPower"), fmt.to_str)
        section = f.finish()
        section.extra["instance"] = w.rsplit(".", 1)[-1]
        return section

    def _wlan_tr181(self) -> Section:
        chosen = None
        for s in self.doc.instances("Device.WiFi.SSID"):
            ssid = f"Device.WiFi.SSID.{s}"
            radio = next((x for x in self._chain(ssid, 2) if "WiFi.Radio." in x), None)
            band = self.doc.get(f"{radio}.OperatingFrequencyBand") if radio else None
            if band is not None and str(band.value).startswith(self.band.removesuffix("GHz")):
                chosen = (ssid, radio)
                break
        if chosen is None:
            return Section(None, "absent")
        ssid, radio = chosen
        assert radio is not None
        ap = next(iter(self._referring("Device.WiFi.AccessPoint", "SSIDReference", ssid)), None)
        f = Fields(self.doc, WLAN_FIELDS)
        f.put_from("ssid", f.read(f"{ssid}.SSID"), fmt.to_str)
        psk = f.read(f"{ap}.Security.KeyPassphrase") if ap else None
        f.put("password", fmt.to_str(psk.value) if psk else "")
        if ap:
            f.put_from("authMode", f.read(f"{ap}.Security.ModeEnabled"), fmt.auth_mode_tr181)
            enc = f.first(ap, ("Security.EncryptionMode", "Security.X_TP_WPAWPA2EncryptionMode"))
            f.put_from("wpaEncryption", enc, fmt.encryption)
            f.put_from(
                "totalAssociations", f.read(f"{ap}.AssociatedDeviceNumberOfEntries"), fmt.to_str
            )
            f.put_from(
                "ssidAdvertisementEnabled", f.read(f"{ap}.SSIDAdvertisementEnabled"), fmt.yes_no
            )
        f.put_from("status", f.read(f"{ssid}.Status"), fmt.to_str)
        f.put_from("enable", f.read(f"{ssid}.Enable"), fmt.yes_no)
        f.put("rfBand", self.band)
        f.put_from("standard", f.read(f"{radio}.OperatingStandards"), fmt.wifi_standard)
        f.put_from("radioEnabled", f.read(f"{radio}.Enable"), fmt.yes_no)
        width = f.first(radio, ("CurrentOperatingChannelBandwidth", "OperatingChannelBandwidth"))
        f.put_from("channelWidth", width, fmt.channel_width)
        f.put_from("autoChannel", f.read(f"{radio}.AutoChannelEnable"), fmt.on_off)
        f.put_from("channel", f.read(f"{radio}.Channel"), fmt.to_str)
        f.put_from("countryDomain", f.read(f"{radio}.RegulatoryDomain"), fmt.country)
        f.put_from("txPower", f.read(f"{radio}.TransmitPower"), fmt.to_str)
        return f.finish()

    # --- site survey ---------------------------------------------------------------------

    SURVEY_ROOTS = (
        "InternetGatewayDevice.LANDevice.1.WiFi.NeighboringWiFiDiagnostic",  # Huawei
        "InternetGatewayDevice.X_ALU-COM_NeighboringWiFiDiagnostic",  # Nokia
        "InternetGatewayDevice.WiFi.NeighboringWiFiDiagnostic",
        "Device.WiFi.NeighboringWiFiDiagnostic",  # TR-181
    )

    def _radio_band(self, ref: object) -> str | None:
        target = _ref(ref)
        if not target:
            return None
        band = self.doc.get(f"{target}.OperatingFrequencyBand")
        return str(band.value) if band else None

    def survey(self) -> Section:
        for root in self.SURVEY_ROOTS:
            if self.doc.node(root) is not None:
                return self._survey(root, f"{root}.Result", "SignalStrength", "Radio")
        zte = f"{self.root}.LANDevice.1.WIFI.Radio.{self.zte_survey_radio}"
        if self.doc.node(zte) is not None:  # ZTE: per radio, radio 1 is 2.4 GHz
            return self._survey(zte, f"{zte}.X_ZTE-COM_NeighborAP", "RSSI", None, band=self.band)
        return Section(None, "absent")

    def _survey(
        self,
        root: str,
        table: str,
        signal_name: str,
        radio_name: str | None,
        band: str | None = None,
    ) -> Section:
        f = Fields(self.doc, ("hasRecords", "networks"))
        state = self.doc.get(f"{root}.DiagnosticsState")
        networks: list[tuple[int, dict[str, Any]]] = []
        leaf = DeviceDocument.leaf
        for i in self.doc.instances(table):
            # A scan holds ~100 results: each is resolved once and read field by field, and
            # the band is settled first so results on other bands cost three look-ups.
            result = self.doc.node(f"{table}.{i}")
            net_band = band
            p_band = leaf(result, "OperatingFrequencyBand")
            if p_band is not None and str(p_band.value).strip():
                net_band = str(p_band.value).strip()
            elif radio_name and (
                rb := self._radio_band(getattr(leaf(result, radio_name), "value", None))
            ):
                net_band = rb
            p_channel = leaf(result, "Channel")
            channel = fmt.to_int(p_channel.value) if p_channel else None
            if net_band is None and channel:
                net_band = "2.4GHz" if channel <= 14 else "5GHz"
            if net_band != self.band:
                continue
            p_ssid = f.seen(leaf(result, "SSID"))
            p_bssid = leaf(result, "BSSID")
            if p_ssid is None and p_bssid is None:
                continue
            p_signal = leaf(result, signal_name)
            p_sec = leaf(result, "SecurityModeEnabled")
            net: dict[str, Any] = {
                "ssid": (fmt.to_str(p_ssid.value) if p_ssid else None) or "",
                "channel": str(channel) if channel is not None else "",
                "signalStrength": (fmt.dbm(p_signal.value) if p_signal else None) or "",
                "security": (fmt.security(p_sec.value) if p_sec else None) or "",
                "bssid": (fmt.mac(p_bssid.value) if p_bssid else None) or "",
                "band": self.band,
            }
            seen = p_ssid or p_bssid
            stamp = seen.timestamp if seen is not None else None
            if stamp:
                net["scannedAt"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
            strength = fmt.to_int(p_signal.value) if p_signal else None
            networks.append((strength if strength is not None else -999, net))
        networks.sort(key=lambda item: -item[0])
        f.put("hasRecords", bool(networks))
        f.put("networks", [n for _, n in networks])
        section = f.finish()
        if state is not None:
            section.extra["scanState"] = str(state.value)
        return section

    # --- everything ----------------------------------------------------------------------

    def map(self) -> Mapped:
        sections: dict[str, Section] = {}
        for name, build in (
            ("general", self.general),
            ("wirelessLan", self.wireless),
            ("wifiSurvey", self.survey),
        ):
            sections[name] = _safely(build)
        try:
            sections["ipInterface11"], sections["ipInterface21"] = self.wans()
        except Exception:  # a malformed tree must not take the other sections down
            log.exception("mapping the WAN sections of %s failed", self.doc.device_id)
            sections["ipInterface11"] = Section(None, "error")
            sections["ipInterface21"] = Section(None, "error")
        device = {
            "acsDeviceId": self.doc.device_id,
            "dataModel": "TR-181" if self.tr181 else ("TR-098" if self.root else "unknown"),
            "profile": self.profile.name,
        }
        if self.doc.last_inform:
            device["lastInform"] = self.doc.last_inform.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Mapped({name: sections[name] for name in SECTIONS}, device)


def _safely(build: Callable[[], Section]) -> Section:
    try:
        return build()
    except Exception:  # a malformed tree must not take the other sections down
        log.exception("mapping a section failed")
        return Section(None, "error")


def map_device(raw: dict[str, Any], *, now: datetime, tz: ZoneInfo) -> Mapped:
    """Map one GenieACS device document to the five sections."""
    return Mapper(raw, now=now, tz=tz).map()
