"""LAN DHCP server: a validated ``LanDhcpRequest`` + the device document -> the GenieACS tasks,
and the read-back section (the stats ``lanDhcpServer`` section's own builder).

TR-098 ``LANDevice.{i}.LANHostConfigManagement``: ``DHCPServerEnable``, ``MinAddress``,
``MaxAddress``, ``SubnetMask``, ``DNSServers`` (comma list), ``DHCPLeaseTime``; the LAN address
is ``IPInterface.{1}.IPInterfaceIPAddress``. TR-181 ``Device.DHCPv4.Server.Enable`` and
``Pool.{1}.Enable/MinAddress/MaxAddress/SubnetMask/DNSServers/LeaseTime``; the LAN address is on
the pool's ``Interface``. The range is checked against the device's LAN address and the mask
(the request's, else the device's) before anything is sent.
"""

from __future__ import annotations

from typing import Any

from ponapi.actions import tasks as t
from ponapi.actions import validate as v
from ponapi.actions.errors import ActionValidationError, NotSupportedError
from ponapi.actions.locate import Device, lan
from ponapi.actions.models import LanDhcpRequest
from ponapi.actions.writes import UNCHANGED, Writes
from ponapi.tr069.areas import lan as lan_area


def plan_dhcp(req: LanDhcpRequest, raw: dict[str, Any]) -> t.Plan:
    dev = Device(raw)
    where = lan(dev)
    w = Writes(dev)
    lease_name = "LeaseTime" if where.tr181 else "DHCPLeaseTime"
    enable_paths = (
        [f"{where.server}.Enable", f"{where.pool}.Enable"]
        if where.tr181
        else [f"{where.server}.DHCPServerEnable"]
    )
    if req.dhcp_server_enable:
        lan_ip = str(dev.value(where.address_path) or "")
        mask = req.subnet_mask or str(
            dev.value(where.mask_path) or dev.value(f"{where.pool}.SubnetMask") or ""
        )
        if not mask:
            raise ActionValidationError("subnet_mask", "is required: the device reports none")
        first, last, mask = v.dhcp_range(req.start_address, req.end_address, mask, lan_ip)
        w.add("start_address", f"{where.pool}.MinAddress", first, "xsd:string")
        w.add("end_address", f"{where.pool}.MaxAddress", last, "xsd:string")
        if req.subnet_mask is not None:
            w.add("subnet_mask", f"{where.pool}.SubnetMask", mask, "xsd:string")
        if req.dns_servers is not None:
            w.add(
                "dns_servers", f"{where.pool}.DNSServers", ",".join(req.dns_servers), "xsd:string"
            )
        if req.lease_time is not None:
            w.add("lease_time", f"{where.pool}.{lease_name}", req.lease_time, "xsd:int")
    for path in enable_paths:  # enable last: the range must be valid before the server starts
        if dev.doc.node(path) is not None:
            w.add("dhcp_server_enable", path, req.dhcp_server_enable, "xsd:boolean")
    if req.dhcp_server_enable:
        required = ("start_address", "end_address", "dhcp_server_enable")
        missing = [f for f in required if f in w.skipped]
        if missing:
            raise NotSupportedError("lanDhcpServer", w.skipped[missing[0]])
    w.drop_unchanged()  # only what differs from the device is set
    if not w.items and UNCHANGED not in w.skipped.values():
        raise NotSupportedError("lanDhcpServer", "; ".join(w.skipped.values()) or "nothing to set")
    return t.Plan(
        tasks=[t.set_values([(x.path, x.value, x.xsd) for x in w.items])] if w.items else [],
        writes=w.items,
        readback=list(dict.fromkeys(x.path for x in w.items)),
        skipped=w.skipped,
        target={"server": where.server, "pool": where.pool},
    )


def dhcp_section(raw: dict[str, Any]) -> dict[str, Any]:
    """``lanDhcpServer`` as read back: the stats section itself (same builder, same fields and
    display formats as ``tr069-stats``' ``lanDhcpServer``)."""
    dev = Device(raw)
    lan(dev)  # a device without a DHCP server says so as the plan did
    section = lan_area.lan_dhcp_server(dev.doc)
    if section.data is None:
        raise NotSupportedError("lanDhcpServer", "the device no longer reports its DHCP server")
    return dict(section.data)
