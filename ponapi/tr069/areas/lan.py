"""LAN side: ``lanDhcpServer``, ``lanPorts[]``, ``lanCounters[]``.

TR-098: ``LANDevice.1.LANHostConfigManagement`` and ``LANDevice.1.LANEthernetInterfaceConfig.{i}``
(+ ``.Stats``); TR-181: ``DHCPv4.Server.Pool.{i}`` (its ``Interface`` names the LAN IP
interface) and ``Ethernet.Interface.{i}`` (+ ``.Stats``), skipping upstream (WAN) ports and
TP-Link's aggregate ``LAN`` interface. Vendor extras: Huawei ``X_HW_Speed``/``X_HW_DuplexMode``/
``X_HW_L3Enable``/``X_HW_FlowCtrlEnable``/``X_HW_DNSList``, Nokia ``X_ALU_COM_CurMaxBitRate``/
``X_ALU_COM_CurDuplexMode``, TP-Link ``X_TP_NegoSpeed``/``X_TP_IfNameAlias``/``X_TP_RemoteGw``/
``X_TP_RemoteDns``.
"""

from __future__ import annotations

import re

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.row_fields import PORT_FIELDS
from ponapi.tr069.spec import SectionSpec, by_root

DHCP_FIELDS = (
    "lanIpAddress",
    "lanNetmask",
    "dhcpServerEnabled",
    "dhcpMinAddr",
    "dhcpMaxAddr",
    "dhcpSubnetMask",
    "dhcpGateway",
    "dhcpDnsServers",
    "clientsDomainName",
    "reservedIpAddress",
    "leaseTimeSec",
)
COUNTERS = {
    "bytesIn": "BytesReceived",
    "bytesOut": "BytesSent",
    "pktsIn": "PacketsReceived",
    "pktsOut": "PacketsSent",
    "uniIn": "UnicastPacketsReceived",
    "uniOut": "UnicastPacketsSent",
    "multiIn": "MulticastPacketsReceived",
    "multiOut": "MulticastPacketsSent",
    "broIn": "BroadcastPacketsReceived",
    "broOut": "BroadcastPacketsSent",
    "errIn": "ErrorsReceived",
    "errOut": "ErrorsSent",
    "discIn": "DiscardPacketsReceived",
    "discOut": "DiscardPacketsSent",
}
COUNTER_FIELDS = tuple(COUNTERS)
PROJECTION = (
    "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement",
    "InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig",
    "Device.DHCPv4.Server",
    "Device.IP.Interface",
    "Device.Ethernet.Interface",
)


def _lan_ports(doc: DeviceDocument, root: str) -> list[tuple[str, str]]:
    """``(id, path)`` of each LAN Ethernet port."""
    if root == kit.TR098:
        table = f"{root}.LANDevice.1.LANEthernetInterfaceConfig"
        return [(i, f"{table}.{i}") for i in doc.instances(table)]
    table = f"{root}.Ethernet.Interface"
    ports = []
    for i in doc.instances(table):
        path = f"{table}.{i}"
        upstream = doc.get(f"{path}.Upstream")
        alias = doc.get(f"{path}.X_TP_IfNameAlias")
        if upstream is not None and fmt.to_bool(upstream.value):
            continue
        if alias is not None and str(alias.value).strip().upper() == "LAN":
            continue  # TP-Link's aggregate of all LAN ports
        ports.append((i, path))
    return ports


# --- lanDhcpServer -----------------------------------------------------------------------


def lan_dhcp_server(doc: DeviceDocument) -> Section:
    root = kit.root_of(doc)
    if root == kit.TR098:
        base = f"{root}.LANDevice.1.LANHostConfigManagement"
        if doc.node(base) is None:
            return kit.absent()
        return _dhcp_tr098(doc, base)
    if root == kit.TR181:
        pools = doc.instances(f"{root}.DHCPv4.Server.Pool")
        if not pools:
            return kit.absent()
        return _dhcp_tr181(doc, root, f"{root}.DHCPv4.Server.Pool.{pools[0]}")
    return kit.absent()


def _leases(doc: DeviceDocument, f: Fields, table: str) -> None:
    """Static leases as ``"<ip> (<mac>)"``, comma separated (enabled, complete rows)."""
    if doc.node(table) is None:
        return
    leases = []
    for i in doc.instances(table):
        mac = f.read(f"{table}.{i}.Chaddr")
        ip = f.read(f"{table}.{i}.Yiaddr")
        on = doc.get(f"{table}.{i}.Enable")
        if on is not None and fmt.to_bool(on.value) is False:
            continue
        mac_text = kit.mac_lower(mac.value) if mac else None
        ip_text = fmt.address(ip.value) if ip else None
        if mac_text and ip_text:
            leases.append(f"{ip_text} ({mac_text})")
    f.put("reservedIpAddress", ",".join(leases))


def _dhcp_common(f: Fields, base: str, lease_name: str) -> None:
    f.put_from("dhcpMinAddr", f.read(f"{base}.MinAddress"), fmt.address)
    f.put_from("dhcpMaxAddr", f.read(f"{base}.MaxAddress"), fmt.address)
    f.put_from("dhcpSubnetMask", f.read(f"{base}.SubnetMask"), fmt.address)
    f.put_from("dhcpGateway", f.read(f"{base}.IPRouters"), fmt.address)
    f.put_from("dhcpDnsServers", f.read(f"{base}.DNSServers"), fmt.dns_list)
    f.put_from("clientsDomainName", f.read(f"{base}.DomainName"), kit.text)
    f.put_from("leaseTimeSec", f.read(f"{base}.{lease_name}"), lambda v: kit.text(fmt.to_int(v)))


def _dhcp_tr098(doc: DeviceDocument, base: str) -> Section:
    f = Fields(doc, DHCP_FIELDS)
    for i in doc.instances(f"{base}.IPInterface"):
        ip = f.read(f"{base}.IPInterface.{i}.IPInterfaceIPAddress")
        if ip is not None and fmt.address(ip.value):
            f.put("lanIpAddress", fmt.address(ip.value))
            f.put_from(
                "lanNetmask", f.read(f"{base}.IPInterface.{i}.IPInterfaceSubnetMask"), fmt.address
            )
            break
    f.put_from("dhcpServerEnabled", f.read(f"{base}.DHCPServerEnable"), fmt.to_bool)
    _dhcp_common(f, base, "DHCPLeaseTime")
    f.put_from("dhcpGateway", f.read(f"{base}.X_TP_RemoteGw"), fmt.address)
    f.put_from("dhcpDnsServers", f.first(base, ("X_HW_DNSList", "X_TP_RemoteDns")), fmt.dns_list)
    _leases(doc, f, f"{base}.DHCPStaticAddress")
    return kit.finish(f, bools=("dhcpServerEnabled",))


def _dhcp_tr181(doc: DeviceDocument, root: str, pool: str) -> Section:
    f = Fields(doc, DHCP_FIELDS)
    interface = f.read(f"{pool}.Interface")
    ip_if = kit.ref(interface.value) if interface else ""
    if ip_if:
        for a in doc.instances(f"{ip_if}.IPv4Address"):
            ip = f.read(f"{ip_if}.IPv4Address.{a}.IPAddress")
            if ip is not None and fmt.address(ip.value):
                f.put("lanIpAddress", fmt.address(ip.value))
                f.put_from("lanNetmask", f.read(f"{ip_if}.IPv4Address.{a}.SubnetMask"), fmt.address)
                break
    server_on = f.read(f"{root}.DHCPv4.Server.Enable")
    pool_on = f.read(f"{pool}.Enable")
    flags = [fmt.to_bool(p.value) for p in (server_on, pool_on) if p is not None]
    if flags and None not in flags:
        f.put("dhcpServerEnabled", all(flags))
    _dhcp_common(f, pool, "LeaseTime")
    _leases(doc, f, f"{pool}.StaticAddress")
    return kit.finish(f, bools=("dhcpServerEnabled",))


# --- lanPorts ----------------------------------------------------------------------------


def _speed(value: object) -> str | None:
    """``Auto_1000`` / ``1000`` -> ``1000 Mbps``; ``Auto`` stays ``Auto``."""
    text = fmt.to_str(value)
    if text is None:
        return None
    match = re.fullmatch(r"(?:auto_?)?(\d+)", text.strip(), re.IGNORECASE)
    return f"{int(match.group(1))} Mbps" if match else text


def _speed_mode(value: object) -> str | None:
    n = fmt.to_int(value)
    if n is not None:
        return "Auto" if n == -1 else (f"{n} Mbps" if n > 0 else str(n))
    return fmt.to_str(value)


def _port_status(value: object, enable: object, tr181: bool) -> str | None:
    text = fmt.to_str(value)
    if text and tr181 and text == "Down" and fmt.to_bool(enable) is not False:
        return "NoLink"  # TR-181 has no NoLink: an enabled port that is down has no link
    return text


def lan_ports(doc: DeviceDocument) -> kit.Rows:
    root = kit.root_of(doc)
    ports = _lan_ports(doc, root) if root else []
    if not root or (not ports and not _has_port_table(doc, root)):
        return kit.absent_rows()
    return kit.rows([(i, _port(doc, path, root == kit.TR181)) for i, path in ports])


def _has_port_table(doc: DeviceDocument, root: str) -> bool:
    if root == kit.TR098:
        return doc.node(f"{root}.LANDevice.1.LANEthernetInterfaceConfig") is not None
    return doc.node(f"{root}.Ethernet.Interface") is not None


def _port(doc: DeviceDocument, path: str, tr181: bool) -> Section:
    f = Fields(doc, PORT_FIELDS)
    f.put_from("name", f.first(path, ("X_TP_IfNameAlias", "Name")), kit.text)
    if not f.values.get("name"):
        f.values.pop("name", None)
        f.put_from("name", f.read(f"{path}.Name"), kit.text)
    enable = f.read(f"{path}.Enable")
    f.put_from("enable", enable, fmt.yes_no)
    status = f.read(f"{path}.Status")
    if status is not None:
        f.put("status", _port_status(status.value, enable.value if enable else None, tr181))
    up = f.values.get("status") == "Up"
    speed = f.first(path, ("X_HW_Speed", "X_ALU_COM_CurMaxBitRate", "X_TP_NegoSpeed"))
    if speed is None and tr181:
        speed = f.read(f"{path}.CurrentBitRate")
    duplex = f.first(path, ("X_HW_DuplexMode", "X_ALU_COM_CurDuplexMode"))
    if duplex is None and tr181:
        duplex = f.read(f"{path}.DuplexMode")
    for name, p, conv in (("speed", speed, _speed), ("duplex", duplex, kit.text)):
        if p is not None and status is not None and not up:
            f.not_applicable.add(name)  # no link: a negotiated speed/duplex means nothing
        else:
            f.put_from(name, p, conv)
    f.put_from("speedMode", f.read(f"{path}.MaxBitRate"), _speed_mode)
    f.put_from("duplexMode", f.read(f"{path}.DuplexMode"), kit.text)
    f.put_from("l3Enable", f.read(f"{path}.X_HW_L3Enable"), fmt.yes_no)
    f.put_from("flowControl", f.read(f"{path}.X_HW_FlowCtrlEnable"), fmt.yes_no)
    return f.finish()


# --- lanCounters -------------------------------------------------------------------------


def lan_counters(doc: DeviceDocument) -> kit.Rows:
    root = kit.root_of(doc)
    ports = _lan_ports(doc, root) if root else []
    if not root or (not ports and not _has_port_table(doc, root)):
        return kit.absent_rows()
    return kit.rows([(i, counters(doc, f"{path}.Stats", COUNTERS)) for i, path in ports])


def counters(doc: DeviceDocument, stats: str, names: dict[str, str]) -> Section:
    f = Fields(doc, tuple(names))
    node = doc.node(stats)
    for name, param in names.items():
        f.put_from(name, f.seen(DeviceDocument.leaf(node, param)), kit.counter)
    return f.finish()


def build(m: DeviceView) -> dict[str, AnySection]:
    return {
        "lanDhcpServer": lan_dhcp_server(m.doc),
        "lanPorts": lan_ports(m.doc),
        "lanCounters": lan_counters(m.doc),
    }


LAN_DHCP_SERVER = SectionSpec(
    "lanDhcpServer",
    "object",
    build,
    projection=by_root(*PROJECTION),
    refresh=by_root(
        "InternetGatewayDevice.LANDevice.1.LANHostConfigManagement",
        "Device.DHCPv4.Server",
        "Device.IP.Interface",
    ),
    limitation="The LAN DHCP server is configured on the ONU itself; no OLT command reads it.",
)
_PORTS = by_root(
    "InternetGatewayDevice.LANDevice.1.LANEthernetInterfaceConfig", "Device.Ethernet.Interface"
)
LAN_PORTS = SectionSpec(
    "lanPorts",
    "list",
    build,
    projection=by_root(*PROJECTION),
    refresh=_PORTS,
    limitation="Over the OLT CLI: each port's link, speed and duplex (on some OLTs its admin "
    "state and modes too) only; no flow control or layer-3 setting, which only the ONU's TR-069 "
    "reports.",
)
LAN_COUNTERS = SectionSpec(
    "lanCounters",
    "list",
    build,
    projection=by_root(*PROJECTION),
    refresh=_PORTS,
    limitation="Per-port traffic counters are kept by the ONU; no OLT command reads them.",
)
