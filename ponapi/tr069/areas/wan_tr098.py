"""The WAN connections of a TR-098 device
(``WANDevice.*.WANConnectionDevice.*.WAN{IP,PPP}Connection``)."""

from __future__ import annotations

from typing import Any

from ponapi import display as fmt
from ponapi.tr069 import wan_roles
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    WAN_FIELDS,
    Fields,
)


def wans(m: DeviceView) -> list[dict[str, Any]]:
    wans = []
    base = f"{m.root}.WANDevice"
    for wd in m.doc.instances(base):
        for wcd in m.doc.instances(f"{base}.{wd}.WANConnectionDevice"):
            wcd_path = f"{base}.{wd}.WANConnectionDevice.{wcd}"
            for kind in ("WANIPConnection", "WANPPPConnection"):
                for j in m.doc.instances(f"{wcd_path}.{kind}"):
                    wans.append(_wan(m, wcd_path, wcd, kind, j))
    return wans


def _wan(m: DeviceView, wcd_path: str, wcd: str, kind: str, j: str) -> dict[str, Any]:
    ppp = kind == "WANPPPConnection"
    c = f"{wcd_path}.{kind}.{j}"
    f = Fields(m.doc, WAN_FIELDS)
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
        m.time_pair(f, up)
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
    mtu_names = m.profile.ppp_mtu if ppp else m.profile.ip_mtu
    f.put_from("maxMtuSize", f.first(c, mtu_names), fmt.to_str)
    f.put_from("natEnabled", f.read(f"{c}.NATEnabled"), fmt.to_bool)
    vlan = f.first(c, m.profile.conn_vlan)
    wcd_vlan = f.first(wcd_path, m.profile.wcd_vlan)
    # A per-connection 0 (untagged) yields to a non-zero link-level VLAN (Nokia).
    if vlan is None or (
        fmt.to_int(vlan.value) == 0
        and wcd_vlan is not None
        and (fmt.to_int(wcd_vlan.value) or 0) > 0
    ):
        vlan = wcd_vlan
    f.put_from("vlanId", vlan, fmt.vlan)
    _ipv6(m, f, c)
    services = f.first(c, m.profile.service_list)
    tokens = wan_roles.services_in(str(services.value)) if services else frozenset()
    if not tokens:
        tokens = wan_roles.services_in(str(f.values.get("name", "")))
    ctype = m.doc.get(f"{c}.ConnectionType")
    facts = wan_roles.WanFacts(
        services=tokens,
        routed=not (ctype and "Bridged" in str(ctype.value)),
        nat=f.values.get("natEnabled") is True,
        gateway=bool(f.values.get("defaultGateway")),
        connected=connected,
        carries_acs=bool(m.acs_ip) and m.acs_ip == str(ip.value if ip else ""),
        instance=(int(wcd), int(j)),
    )
    return {"fields": f, "label": f"{'PPP' if ppp else 'IP'} Interface {wcd}.{j}", "facts": facts}


def _ipv6(m: DeviceView, f: Fields, c: str) -> None:
    # Huawei: X_HW_IPv6.IPv6Address.{a} / IPv6Prefix.{p}
    for a in m.doc.instances(f"{c}.X_HW_IPv6.IPv6Address"):
        addr = f.read(f"{c}.X_HW_IPv6.IPv6Address.{a}.IPAddress")
        text = fmt.address(addr.value) if addr else None
        if text and not text.lower().startswith("fe80"):
            f.put("ipv6Address", text)
            f.put_from(
                "ipv6Gateway",
                f.read(f"{c}.X_HW_IPv6.IPv6Address.{a}.DefaultGateway"),
                fmt.address,
            )
    for p in m.doc.instances(f"{c}.X_HW_IPv6.IPv6Prefix"):
        origin = m.doc.get(f"{c}.X_HW_IPv6.IPv6Prefix.{p}.Origin")
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
