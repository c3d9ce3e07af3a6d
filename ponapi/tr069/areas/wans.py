"""Beyond the app: ``wans[]``, every WAN connection (``ponapi.tr069.areas.wan`` picks two of them).

``wans[]`` is every WAN connection the WAN readers enumerate, each with its ``label`` (the true
instance) and ``role``; ``roles`` lists every service the connection carries, so a single WAN
carrying management and internet says both.
"""

from __future__ import annotations

from ponapi.tr069 import kit, wan_roles
from ponapi.tr069.areas import wan_tr098, wan_tr181
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import WAN_OPTIONAL, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

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


def wans(m: DeviceView) -> kit.Rows:
    if not m.root:
        return kit.absent_rows()
    found = wan_tr181.wans(m) if m.tr181 else wan_tr098.wans(m)
    if not found:
        return kit.absent_rows()
    items: list[tuple[str, Section]] = []
    # ``id`` is the position in instance order: an IP and a PPP connection can share an
    # instance pair (Intelbras), and ``label`` names the true instance.
    for n, w in enumerate(sorted(found, key=lambda w: (w["facts"].instance, w["label"])), start=1):
        section = w["fields"].finish(WAN_OPTIONAL)
        assert section.data is not None
        section.data["label"] = w["label"]
        section.data["role"] = wan_roles.role_of(w["facts"])
        section.data["roles"] = wan_roles.roles_of(w["facts"])
        items.append((str(n), section))
    rows = kit.rows(items)
    # When each connection came up, so ``uptimeAgo`` can be recomputed at serving time.
    rows.extra["startedAt"] = {
        row_id: sec.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        for row_id, sec in items
        if sec.started_at is not None
    }
    return rows


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"wans": wans(m)}


WANS = SectionSpec(
    "wans",
    "list",
    build,
    projection=by_root(*PROJECTION_WANS),
    refresh=by_root(
        "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANIPConnection.*",
        "InternetGatewayDevice.WANDevice.*.WANConnectionDevice.*.WANPPPConnection.*",
        "Device.IP.Interface.*",
        "Device.PPP.Interface.*",
        "Device.DHCPv4.Client",
    ),
    limitation="Every WAN with its role is read from the ONU's TR-069; the OLT CLI shows two at "
    "most.",
)
