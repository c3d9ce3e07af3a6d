"""The WAN connections of a TR-181 device: IP interfaces and the layer chains below them."""

from __future__ import annotations

from typing import Any

from ponapi import display as fmt
from ponapi.tr069 import wan_roles
from ponapi.tr069.areas.base import DeviceView, ref_of
from ponapi.tr069.document import Param
from ponapi.tr069.fields import (
    WAN_FIELDS,
    Fields,
)


def layer_chain(m: DeviceView, start: str, limit: int = 8) -> list[str]:
    """Follow ``LowerLayers`` references down from an interface (first reference each hop)."""
    out: list[str] = []
    cur = start
    for _ in range(limit):
        lower = m.doc.get(f"{cur}.LowerLayers")
        nxt = ref_of(str(lower.value).split(",")[0]) if lower else ""
        if not nxt or nxt in out:
            break
        out.append(nxt)
        cur = nxt
    return out


def referring(m: DeviceView, table: str, key: str, target: str) -> list[str]:
    """Instances of ``table`` whose ``key`` parameter references ``target``."""
    found = []
    for i in m.doc.instances(table):
        ref = m.doc.get(f"{table}.{i}.{key}")
        if ref is not None and ref_of(ref.value) == target:
            found.append(f"{table}.{i}")
    return found


def wans(m: DeviceView) -> list[dict[str, Any]]:
    wans = []
    for k in m.doc.instances("Device.IP.Interface"):
        ip_if = f"Device.IP.Interface.{k}"
        chain = layer_chain(m, ip_if)
        name = m.doc.get(f"{ip_if}.Name")
        lan = any(".Bridging." in x or x.startswith("Device.Bridging") for x in chain) or (
            name is not None and str(name.value) in ("lo", "br0", "br-lan")
        )
        loopback = m.doc.get(f"{ip_if}.Loopback")
        if lan or (loopback is not None and fmt.to_bool(loopback.value)):
            continue
        wans.append(_wan(m, ip_if, k, chain))
    return wans


def _wan(m: DeviceView, ip_if: str, k: str, chain: list[str]) -> dict[str, Any]:
    f = Fields(m.doc, WAN_FIELDS)
    ppp = next((x for x in chain if x.startswith("Device.PPP.Interface.")), None)
    vlan_term = next((x for x in chain if x.startswith("Device.Ethernet.VLANTermination.")), None)
    link = next((x for x in chain if x.startswith("Device.Ethernet.Link.")), None)
    dhcp = next(iter(referring(m, "Device.DHCPv4.Client", "Interface", ip_if)), None)
    name = f.read(f"{ip_if}.Name")
    if name is None or not str(name.value):
        name = f.read(f"{ip_if}.X_TP_ConnName") or f.read(f"{ip_if}.Alias") or name
    f.put_from("name", name, fmt.to_str)
    addr_inst = None
    for a in m.doc.instances(f"{ip_if}.IPv4Address"):
        ipa = m.doc.get(f"{ip_if}.IPv4Address.{a}.IPAddress")
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
    gateway = _gateway(m, f, ip_if, dhcp, ppp)
    f.put_from("defaultGateway", gateway, lambda v: (fmt.address(v) or "").split(",")[0])
    for server in referring(m, "Device.DNS.Client.Server", "Interface", ip_if):
        f.put_from("dnsServers", f.read(f"{server}.DNSServer"), fmt.dns_list)
    last_change = f.read(f"{ip_if}.LastChange")
    if ppp and (last_change is None or not fmt.to_int(last_change.value)):
        last_change = f.read(f"{ppp}.X_TP_UpTime") or last_change
    if connected and last_change is not None and (fmt.to_int(last_change.value) or 0) > 0:
        m.time_pair(f, last_change)
    else:
        f.not_applicable.update(("uptime", "uptimeAgo"))
    if link:
        f.put_from("macAddress", f.read(f"{link}.MACAddress"), fmt.mac)
    f.put_from("maxMtuSize", f.read(f"{ip_if}.MaxMTUSize"), fmt.to_str)
    nat = referring(m, "Device.NAT.InterfaceSetting", "Interface", ip_if)
    if nat:
        f.put_from("natEnabled", f.read(f"{nat[0]}.Enable"), fmt.to_bool)
    elif m.doc.node("Device.NAT.InterfaceSetting") is not None:
        f.put("natEnabled", False)
    if vlan_term:
        f.put_from("vlanId", f.read(f"{vlan_term}.VLANID"), fmt.vlan)
    elif link:
        f.put("vlanId", "untagged")
    _ipv6(m, f, ip_if)
    ip_text = str(f.values.get("ipAddress", ""))
    facts = wan_roles.WanFacts(
        nat=f.values.get("natEnabled") is True,
        gateway=bool(f.values.get("defaultGateway")),
        connected=connected,
        carries_acs=bool(m.acs_ip) and m.acs_ip == ip_text,
        instance=(int(k), 1),
    )
    return {"fields": f, "label": f"IP Interface {k}", "facts": facts}


def _gateway(
    m: DeviceView, f: Fields, ip_if: str, dhcp: str | None, ppp: str | None
) -> Param | None:
    """The IPv4 default route of the interface, else what DHCP or PPP (IPCP) gave."""
    gateway = None
    for router in m.doc.instances("Device.Routing.Router"):
        table = f"Device.Routing.Router.{router}.IPv4Forwarding"
        for route in referring(m, table, "Interface", ip_if):
            dest = m.doc.get(f"{route}.DestIPAddress")
            gw = m.doc.get(f"{route}.GatewayIPAddress")
            if gw and fmt.address(gw.value) and (dest is None or not fmt.address(dest.value)):
                gateway = f.seen(gw)
    if gateway is None and dhcp:
        gateway = f.read(f"{dhcp}.IPRouters")
    if gateway is None and ppp:
        gateway = f.read(f"{ppp}.IPCP.RemoteIPAddress")
    return gateway


def _ipv6(m: DeviceView, f: Fields, ip_if: str) -> None:
    """Global address, delegated prefix and default route of the interface (IPv6)."""
    for a in m.doc.instances(f"{ip_if}.IPv6Address"):
        addr = m.doc.get(f"{ip_if}.IPv6Address.{a}.IPAddress")
        origin = m.doc.get(f"{ip_if}.IPv6Address.{a}.Origin")
        text = fmt.address(addr.value) if addr else None
        if (
            text
            and not text.lower().startswith("fe80")
            and not (origin and str(origin.value) == "WellKnown")
        ):
            f.put("ipv6Address", text)
    for p in m.doc.instances(f"{ip_if}.IPv6Prefix"):
        origin = m.doc.get(f"{ip_if}.IPv6Prefix.{p}.Origin")
        prefix = m.doc.get(f"{ip_if}.IPv6Prefix.{p}.Prefix")
        if origin and str(origin.value) == "PrefixDelegation" and prefix:
            f.put("ipv6DelegatedPrefix", fmt.address(prefix.value) or None)
    for router in m.doc.instances("Device.Routing.Router"):
        table = f"Device.Routing.Router.{router}.IPv6Forwarding"
        for route in referring(m, table, "Interface", ip_if):
            dest = m.doc.get(f"{route}.DestIPPrefix")
            hop = m.doc.get(f"{route}.NextHop")
            if hop and (dest is None or str(dest.value) in ("", "::/0")):
                f.put("ipv6Gateway", fmt.address(hop.value) or None)
