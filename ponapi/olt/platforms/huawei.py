"""Huawei SmartAX (MA5600T, MA5800): the dialect, how to locate and read an ONU, how the
outputs become records and then the stats sections, and how to list every ONU (netmiko's "one
module per platform"). Commands are built only from integers (validated locations) and
normalized serials, so nothing a user typed reaches the CLI as text.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.olt import parsers as p
from ponapi.olt import screen_parsers as sp
from ponapi.olt.dialect import Confirm, Dialect, ModeCommand
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location
from ponapi.olt.parsers import first
from ponapi.olt.platforms.common import (
    VENDORS,
    both_wans,
    duration_seconds,
    finish,
    mac,
    metres,
    pct,
    since,
    unavailable,
)
from ponapi.olt.platforms.runner import (
    Command,
    Found,
    InMode,
    OnuState,
    Outputs,
    Runner,
    labelled,
    serial_or_none,
    text_of,
)
from ponapi.olt.platforms.screen import (
    dbm,
    hosts_from_macs,
    huawei_lan_ports,
    huawei_optical,
    not_shown,
    unseen_sections,
)
from ponapi.serials import Serial
from ponapi.tr069 import wan_roles
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
    WAN_FIELDS,
    WAN_OPTIONAL,
    WLAN_FIELDS,
    AnySection,
    Fields,
    Section,
)
from ponapi.tr069.wan_roles import WanFacts

DIALECT = Dialect(
    name="huawei",
    username_prompt=re.compile(r"(>>User name:|User name:|Username:)\s*$", re.I),
    password_prompt=re.compile(r"(>>User password:|User password:|Password:)\s*$", re.I),
    prompt=re.compile(r"(?:^|\n)(?P<host>[A-Za-z0-9_.\-]+)(?:\([^)\n]*\))?[>#]\s*$"),
    on_open=("enable", "undo smart", "scroll", "infoswitch cli OFF"),
    pager=re.compile(r"-+\s*More \( Press 'Q' to break \)\s*-+(\x1b\[\d*D|\s)*$"),
    hint=re.compile(r"\{\s*<cr>[^{}\n]*\}:\s*$"),
    login_failed=re.compile(r"Username or password invalid|Authentication fail", re.I),
    login_limit=re.compile(r"Reenter times have reached the upper limit", re.I),
    failure=re.compile(
        r"^\s*(Failure:.*|% ?(Unknown command|Parameter error|Too many "
        r"parameters|Incomplete command|Ambiguous command).*|The required ONT "
        r"does not exist.*)$",
        re.M,
    ),
    empty=None,
    quit="quit",
    # ``config`` -> ``(config)#``, ``interface gpon F/S`` -> ``(config-if-gpon-F/S)#``; ``quit``
    # leaves one level (``exit`` is not a command): real captures (EA5800 session log,
    # error-unknown-command__1.txt). One ``quit`` at the top level asks to log out.
    config_mode="config",
    leave_level="quit",
    logout=re.compile(r"Are you sure to log out\?", re.I),
)
# ``ont reset`` asks ``Are you sure to reset the ONT(s)? (y/n)[n]:``: third-party scripts only.
RESET_CONFIRM = Confirm(re.compile(r"\(y/n\)(\[[yn]\])?:?\s*$", re.I), "y")


class HuaweiPlatform:
    """Huawei SmartAX MA5600T/MA5800: commands, parsing, sections, discovery."""

    brand = "huawei"
    dialect = DIALECT

    # --- device actions: commands and modes (the flow is ``ponapi.actions.olt``) -------------
    # ``ont activate P ID`` printing nothing on success: real capture (EA5800). ``ont
    # deactivate``, ``ont reset`` and ``Failure: The ONT is not online``: third-party tools.

    def onu_state(self, loc: Location) -> str:
        return f"display ont info {loc.frame} {loc.slot} {loc.port} {loc.ont_id}"

    def parse_onu_state(self, text: str) -> OnuState:
        return onu_state(text)

    def set_admin_state(self, loc: Location, enable: bool) -> ModeCommand:
        verb = "activate" if enable else "deactivate"
        return ModeCommand(_gpon_port(loc), f"ont {verb} {loc.port} {loc.ont_id}")

    def reboot(self, loc: Location) -> ModeCommand:
        return ModeCommand(_gpon_port(loc), f"ont reset {loc.port} {loc.ont_id}", RESET_CONFIRM)

    def locate(self, serial: Serial) -> list[str]:
        return [f"display ont info by-sn {serial.hex}"]

    def location_from(self, outputs: Outputs) -> Location | None:
        text = text_of(outputs[0])
        if not text:
            return None
        info = p.huawei_ont_info(text)
        fsp = (info.get("F/S/P") or "").replace(" ", "").split("/")
        ont = info.get("ONT-ID") or info.get("ONT ID")
        try:
            return Location(int(fsp[0]), int(fsp[1]), int(fsp[2]), int(str(ont)))
        except (ValueError, IndexError, TypeError):
            return None

    def read(self, loc: Location) -> list[Command]:
        f, s, pt, o = loc.frame, loc.slot, loc.port, loc.ont_id
        return [
            f"display ont info {f} {s} {pt} {o}",
            f"display ont version {f} {s} {pt} {o}",
            f"display ont wan-info {f}/{s} {pt} {o}",
            f"display ont wlan-info {f}/{s} {pt} {o}",
            f"display mac-address port {f}/{s}/{pt} ont {o}",
            # The ONT's optics and port state are shown only in the GPON interface mode
            # (captures display-ont-optical-info__1, display-ont-port-state-eth-port__1).
            InMode(
                enter=("config", f"interface gpon {f}/{s}"),
                commands=(
                    f"display ont optical-info {pt} {o}",
                    f"display ont port state {pt} {o} eth-port all",
                ),
                leave="quit",
            ),
        ]

    def raw_from(self, outputs: Outputs) -> dict[str, Any]:
        info, version, wan, wlan, macs, optical, ports = (
            text_of(o) if o is not None else None for o in (*outputs, *[None] * 7)[:7]
        )
        if info is None:
            assert isinstance(outputs[0], CommandFailed)
            raise outputs[0]
        return {
            "info": p.huawei_ont_info(info),
            "version": p.huawei_ont_version(version) if version else {},
            "wan": p.huawei_wan_info(wan) if wan else [],
            "wlan": p.huawei_wlan_info(wlan) if wlan is not None else None,
            "macs": sp.huawei_ont_macs(macs) if macs is not None else None,
            "optical": p.huawei_optical_info(optical) if optical is not None else None,
            "ports": sp.huawei_port_states(ports) if ports is not None else None,
        }

    def reported_serial(self, raw: dict[str, Any]) -> str | None:
        value = raw.get("info", {}).get("SN")
        return str(value) if value else None

    @staticmethod
    def sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, AnySection]:
        shown = {
            **sections(raw, now, tz),
            "hosts": hosts_from_macs(
                None
                if raw.get("macs") is None
                else [(r["MAC"], r["VLAN ID"]) for r in raw["macs"]],
                now,
            ),
            "lanPorts": huawei_lan_ports(raw.get("ports"), now),
        }
        return {**shown, **unseen_sections(shown)}

    async def discover(self, pool: Runner, deadline: float) -> list[Found]:
        [boards] = await pool.run(["display board 0"], deadline)
        if isinstance(boards, CommandFailed):
            raise boards
        slots = sorted({int(b["slot"]) for b in p.huawei_boards(boards)})
        outputs = await pool.run([f"display ont info summary 0/{slot}" for slot in slots], deadline)
        found = []
        for out in outputs:
            if isinstance(out, CommandFailed):
                continue  # not a GPON board
            for port in p.huawei_info_summary(out):
                for ont in port["onts"]:
                    serial = serial_or_none(ont.get("sn", ""))
                    if serial is not None:
                        found.append(
                            Found(
                                port["frame"],
                                port["slot"],
                                port["port"],
                                ont["ontId"],
                                serial,
                                ont.get("runState", ""),
                                ont.get("type", ""),
                            )
                        )
        return found


def sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Section]:
    mgmt, inet = both_wans([_wan(rec, now) for rec in raw.get("wan") or []])
    return {
        "general": _general(raw, now, tz),
        "ipInterface11": mgmt,
        "ipInterface21": inet,
        "wirelessLan": _wlan(raw, now),
        "wifiSurvey": not_shown("wifiSurvey"),
    }


def _general(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> Section:
    info: dict[str, str] = raw.get("info") or {}
    version: dict[str, str] = raw.get("version") or {}
    g = Fields(None, GENERAL_FIELDS)
    vendor = first(version, "Vendor-ID")
    if vendor:
        g.put("manufacturer", VENDORS.get(vendor.upper(), vendor))
    g.put("modelName", first(version, "Equipment-ID"))
    g.put("softwareVersion", first(version, "Main Software Version"))
    g.put("hardwareVersion", first(version, "ONT Version"))
    sn = first(info, "SN")
    g.put("serialNumber", sn.split()[0] if sn else raw.get("serialHex"))
    g.put("cpuUsage", pct(first(info, "CPU occupation")))
    memory = pct(first(info, "Memory occupation"))
    if memory:
        g.put("memoryUsage", memory)  # additive: the OLT reports memory used, not RAM sizes
    optical = raw.get("optical") or {}
    for name, level in huawei_optical(optical).items():
        g.put(name, level)  # the optics' own temperature first, then the ONT's
    temperature = first(info, "Temperature")
    if temperature:
        g.put("temperature", re.sub(r"\(C\)$", "", temperature) + " °C")
    online = str(first(info, "Run state") or "").lower() == "online"
    if online:
        since(
            g,
            duration_seconds(first(info, "ONT system up duration", "ONT online duration")),
            now,
            tz,
        )
    else:
        g.not_applicable.update(("uptime", "uptimeAgo"))
    g.put("distance", metres(first(info, "ONT distance(m)")))
    general = finish(g, now)
    general.extra["runState"] = first(info, "Run state") or ""
    olt_rx = dbm(first(optical, "OLT Rx ONT optical power(dBm)"))
    if olt_rx:
        general.extra["oltRxPower"] = olt_rx
    # The link history as the OLT prints it (its own clock and format).
    for key, label in LINK_EVENTS:
        value = first(info, label)
        if value:
            general.extra[key] = value
    return general


LINK_EVENTS = (
    ("lastUpTime", "Last up time"),
    ("lastDownTime", "Last down time"),
    ("lastDownCause", "Last down cause"),
)


def _wan(rec: dict[str, str], now: datetime) -> tuple[WanFacts, Section]:
    f = Fields(None, WAN_FIELDS)
    f.put("name", first(rec, "Name"))
    access = first(rec, "IPv4 access type", "IP access type")
    f.put("addressingType", {"PPPOE": "PPPoE"}.get((access or "").upper(), access))
    status = first(rec, "IPv4 Connection status", "Connection status")
    f.put("connectionStatus", status)
    f.put("ipAddress", first(rec, "IPv4 address", "IP"))
    f.put("subnetMask", first(rec, "Subnet mask"))
    f.put("defaultGateway", first(rec, "Default gateway"))
    dns = [d for d in (first(rec, "Primary DNS"), first(rec, "Secondary DNS")) if d]
    if "Primary DNS" in rec:
        f.put("dnsServers", fmt.dns_list(",".join(dns)))
    f.put("macAddress", mac(first(rec, "MAC address")))
    nat = first(rec, "NAT switch")
    if nat:
        f.put("natEnabled", nat.lower() == "enable")
    vlan = first(rec, "Manage VLAN")
    f.put("vlanId", fmt.vlan(vlan) if vlan else None)
    f.put("ipv6Address", first(rec, "IPv6 address"))
    f.put("ipv6DelegatedPrefix", first(rec, "Prefix"))
    ctype = (first(rec, "Connection type") or "").lower()
    if "bridged" in ctype:
        f.not_applicable.update(
            (
                "ipAddress",
                "subnetMask",
                "defaultGateway",
                "dnsServers",
                "natEnabled",
                "addressingType",
            )
        )
    section = finish(f, now, WAN_OPTIONAL)
    assert section.data is not None
    facts = WanFacts(
        services=wan_roles.services_in(first(rec, "Service type")),
        routed="bridged" not in ctype,
        nat=section.data.get("natEnabled") is True,
        gateway=bool(section.data.get("defaultGateway")),
        connected=(status or "").lower() == "connected",
        instance=(fmt.to_int(first(rec, "Index")) or 0, 1),
    )
    section.data["label"] = f"WAN {first(rec, 'Index') or '?'}"
    return facts, section


def _wlan(raw: dict[str, Any], now: datetime) -> Section:
    ssids = raw.get("wlan") or []
    two_four = [
        r
        for r in ssids
        if (fmt.to_int(first(r, "SSID Index")) or 99) <= 4
        or "b" in (fmt.wifi_standard(first(r, "Wireless Standard")) or "")
    ]
    if raw.get("wlan") is None:
        return unavailable("The OLT did not return Wi-Fi information for this ONT.")
    elif not two_four:
        return Section(None, "absent")
    else:
        rec = two_four[0]
        f = Fields(None, WLAN_FIELDS)
        f.not_applicable.add("password")
        f.put("ssid", first(rec, "SSID"))
        f.put("status", (first(rec, "Operational state") or "").capitalize() or None)
        f.put("enable", fmt.yes_no(first(rec, "Administrative state")))
        f.put("rfBand", "2.4GHz")
        f.put(
            "standard",
            fmt.wifi_standard((first(rec, "Wireless Standard") or "").replace("IEEE", "")),
        )
        f.put("totalAssociations", first(rec, "Current associate number"))
        return finish(f, now)


# --- device actions --------------------------------------------------------------------------


def _gpon_port(loc: Location) -> tuple[str, ...]:
    return (DIALECT.config_mode, f"interface gpon {loc.frame}/{loc.slot}")


def onu_state(text: str) -> OnuState:
    """``Control flag : active|deactive``, ``Run state : online|offline`` and ``SN : <hex>
    (<vendor>-<id>)`` of ``display ont info`` (real captures ``display-ont-info__*.txt``)."""
    flag, run = labelled(text, "Control flag"), labelled(text, "Run state")
    admin = {"active": "enabled", "deactive": "disabled", "deactivated": "disabled"}
    online = {"online": True, "offline": False}
    sn = serial_or_none(labelled(text, "SN"))
    return OnuState(admin.get(flag.lower()), online.get(run.lower()), flag, run, sn)  # type: ignore[arg-type]
