"""``hosts[]``: the devices the ONU sees on its LAN.

TR-098 ``LANDevice.1.Hosts.Host.{i}`` (``MACAddress``), TR-181 ``Hosts.Host.{i}``
(``PhysAddress``). ``port`` is ``SSID<n>`` / ``LAN<n>``: from the host's interface reference
(TR-098 ``Layer2Interface``, TR-181 ``Layer1Interface``) when it names an existing instance, else
from the Wi-Fi association tables by MAC (``WLANConfiguration.{n}.AssociatedDevice``,
``WiFi.AccessPoint.{a}.AssociatedDevice`` -> ``SSIDReference``); a real Intelbras dump points a
host at a WLAN instance that does not exist while its MAC sits in another's table. TP-Link's
``X_TP_*`` port codes differ per model and are not used.
"""

from __future__ import annotations

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.row_fields import HOST_FIELDS
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = HOST_FIELDS
PROJECTION = (
    "InternetGatewayDevice.LANDevice.1.Hosts",
    "InternetGatewayDevice.LANDevice.1.WLANConfiguration",
    "Device.Hosts",
    "Device.WiFi.AccessPoint",
    "Device.WiFi.SSID",
    "Device.Ethernet.Interface",
)


def hosts(doc: DeviceDocument) -> kit.Rows:
    root = kit.root_of(doc)
    if root == kit.TR098:
        table = f"{root}.LANDevice.1.Hosts.Host"
        if doc.node(f"{root}.LANDevice.1.Hosts") is None:
            return kit.absent_rows()
        associated = _associations_tr098(doc, root)
    elif root == kit.TR181:
        table = f"{root}.Hosts.Host"
        if doc.node(f"{root}.Hosts") is None:
            return kit.absent_rows()
        associated = _associations_tr181(doc, root)
    else:
        return kit.absent_rows()
    items: list[tuple[str, Section]] = []
    for i in doc.instances(table):
        row = _host(doc, f"{table}.{i}", root, associated)
        if row is not None:
            items.append((i, row))
    return kit.rows(items)


def _associations_tr098(doc: DeviceDocument, root: str) -> dict[str, str]:
    """MAC (lower case) -> ``SSID<n>`` from every WLAN's association table."""
    found: dict[str, str] = {}
    base = f"{root}.LANDevice.1.WLANConfiguration"
    for n in doc.instances(base):
        table = f"{base}.{n}.AssociatedDevice"
        for k in doc.instances(table):
            mac = doc.get(f"{table}.{k}.AssociatedDeviceMACAddress")
            text = kit.mac_lower(mac.value) if mac else None
            if text:
                found.setdefault(text, f"SSID{n}")
    return found


def _associations_tr181(doc: DeviceDocument, root: str) -> dict[str, str]:
    found: dict[str, str] = {}
    base = f"{root}.WiFi.AccessPoint"
    for a in doc.instances(base):
        ssid_ref = doc.get(f"{base}.{a}.SSIDReference")
        ssid = kit.index_of(kit.ref(ssid_ref.value), "SSID") if ssid_ref else None
        if ssid is None:
            continue
        table = f"{base}.{a}.AssociatedDevice"
        for k in doc.instances(table):
            mac = doc.get(f"{table}.{k}.MACAddress")
            text = kit.mac_lower(mac.value) if mac else None
            if text:
                found.setdefault(text, f"SSID{ssid}")
    return found


def _port_from_ref(doc: DeviceDocument, root: str, reference: str) -> str | None:
    if not reference or doc.node(reference) is None:
        return None  # empty, or names an instance that does not exist
    for table, label in (
        ("WLANConfiguration", "SSID"),
        ("LANEthernetInterfaceConfig", "LAN"),
        ("WiFi.SSID", "SSID"),
        ("Ethernet.Interface", "LAN"),
    ):
        n = kit.index_of(reference, table)
        if n is not None:
            if table == "Ethernet.Interface":
                alias = doc.get(f"{reference}.X_TP_IfNameAlias")
                alias_text = str(alias.value).strip().upper() if alias else ""
                if alias_text.startswith("LAN") and alias_text[3:].isdigit():
                    return alias_text
            return f"{label}{n}"
    return None


def _host(doc: DeviceDocument, path: str, root: str, associated: dict[str, str]) -> Section | None:
    f = Fields(doc, FIELDS)
    mac = f.first(path, ("MACAddress", "PhysAddress"))
    ip = f.read(f"{path}.IPAddress")
    mac_text = kit.mac_lower(mac.value) if mac else None
    ip_text = fmt.address(ip.value) if ip else None
    if mac is not None and ip is not None and not mac_text and not ip_text:
        return None  # an empty row (no MAC, no address): nothing to show
    f.put("macAddress", mac_text)
    f.put("ipAddress", ip_text)
    f.put_from("addressSource", f.read(f"{path}.AddressSource"), kit.text)
    f.put_from("hostname", f.read(f"{path}.HostName"), kit.text)
    f.put_from("active", f.read(f"{path}.Active"), fmt.yes_no)
    iface = f.first(path, ("Layer2Interface", "Layer1Interface"))
    port = _port_from_ref(doc, root, kit.ref(iface.value)) if iface else None
    if port is None and mac_text:
        port = associated.get(mac_text)
    f.put("port", port)
    return f.finish()


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"hosts": hosts(m.doc)}


HOSTS = SectionSpec(
    "hosts",
    "list",
    build,
    projection=by_root(*PROJECTION),
    refresh=by_root(
        "InternetGatewayDevice.LANDevice.1.Hosts",
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration.*.AssociatedDevice",
        "Device.Hosts",
        "Device.WiFi.AccessPoint.*.AssociatedDevice",
    ),
    limitation="Over the OLT CLI: the MAC addresses (and VLAN) the OLT learned behind the ONU "
    "only; no IP address, hostname or port, which only the ONU's TR-069 reports.",
)
