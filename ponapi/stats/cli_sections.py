"""Parsed OLT CLI records -> the five stats sections (source ``olt-cli``).

The OLT sees an ONU through OMCI, not TR-069: it knows the model, firmware, serial, link uptime,
CPU (Huawei) and the WANs and SSIDs the ONU reports, but not RAM, MTU, Wi-Fi security or
neighbour scans. Sections say so: ``partial`` with the missing fields listed, ``unavailable``
where the CLI cannot see at all.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.olt.parsers import first
from ponapi.stats import format as fmt
from ponapi.tr069.mapper import (
    GENERAL_FIELDS,
    WAN_FIELDS,
    WAN_OPTIONAL,
    WLAN_FIELDS,
    Fields,
    Section,
)

_VENDORS = {"HWTC": "Huawei", "ZTEG": "ZTE", "ALCL": "Nokia (ALCL)", "FHTT": "FiberHome"}
_DURATION_HW = re.compile(
    r"(\d+)\s*day\(s\),\s*(\d+)\s*hour\(s\),\s*(\d+)\s*minute\(s\),\s*(\d+)\s*second\(s\)"
)
_DURATION_ZTE = re.compile(r"(?:(\d+)d\s*)?(\d+)h\s*(\d+)m\s*(\d+)s")


def duration_seconds(text: str | None) -> int | None:
    """``22 day(s), 1 hour(s), 23 minute(s), 23 second(s)`` (Huawei) or ``127h 56m 21s`` (ZTE)."""
    if not text:
        return None
    m = _DURATION_HW.search(text)
    if m:
        d, h, mi, s = (int(x) for x in m.groups())
        return d * 86400 + h * 3600 + mi * 60 + s
    m = _DURATION_ZTE.search(text)
    if m:
        d = int(m.group(1) or 0)
        return d * 86400 + int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
    return None


def _mac(text: str | None) -> str | None:
    """``30C5-0F51-AC92`` / ``xxxx.xxxx.xxxx`` -> ``30:C5:0F:51:AC:92``."""
    if not text:
        return None
    digits = re.sub(r"[^0-9A-Fa-f]", "", text)
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def _pct(text: str | None) -> str | None:
    n = fmt.to_int((text or "").replace("%", "").strip())
    return fmt.percent(n)


def _since(f: Fields, seconds: int | None, now: datetime, tz: ZoneInfo) -> None:
    if seconds is None:
        return
    start = (now - timedelta(seconds=seconds)).replace(microsecond=0)
    f.put("uptime", fmt.display_time(start, tz))
    f.put("uptimeAgo", fmt.ago(start, now))
    f.started_at = start


def _finish(f: Fields, now: datetime, optional: tuple[str, ...] = ()) -> Section:
    f.newest = now
    return f.finish(optional)


def _unavailable(reason: str) -> Section:
    return Section(None, "unavailable", extra={"reason": reason})


def _both_wans(wans: list[tuple[str, Section]]) -> tuple[Section, Section]:
    """(management, internet) from (role, section) pairs; one WAN stands for both."""
    if not wans:
        absent = Section(None, "absent")
        return absent, absent
    mgmt = next((s for r, s in wans if r == "management"), None)
    inet = next((s for r, s in wans if r == "internet"), None)
    if mgmt is None and len(wans) == 1:
        mgmt = wans[0][1]
    if inet is None and len(wans) == 1:
        inet = wans[0][1]
    return mgmt or Section(None, "absent"), inet or Section(None, "absent")


# --- Huawei ---------------------------------------------------------------------------------


def huawei_sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Section]:
    info: dict[str, str] = raw.get("info") or {}
    version: dict[str, str] = raw.get("version") or {}
    g = Fields(None, GENERAL_FIELDS)
    vendor = first(version, "Vendor-ID")
    if vendor:
        g.put("manufacturer", _VENDORS.get(vendor.upper(), vendor))
    g.put("modelName", first(version, "Equipment-ID"))
    g.put("softwareVersion", first(version, "Main Software Version"))
    g.put("hardwareVersion", first(version, "ONT Version"))
    sn = first(info, "SN")
    g.put("serialNumber", sn.split()[0] if sn else raw.get("serialHex"))
    g.put("cpuUsage", _pct(first(info, "CPU occupation")))
    memory = _pct(first(info, "Memory occupation"))
    if memory:
        g.put("memoryUsage", memory)  # additive: the OLT reports memory used, not RAM sizes
    temperature = first(info, "Temperature")
    if temperature:
        g.put("temperature", re.sub(r"\(C\)$", "", temperature) + " °C")
    online = str(first(info, "Run state") or "").lower() == "online"
    if online:
        _since(
            g,
            duration_seconds(first(info, "ONT system up duration", "ONT online duration")),
            now,
            tz,
        )
    else:
        g.not_applicable.update(("uptime", "uptimeAgo"))
    general = _finish(g, now)
    general.extra["runState"] = first(info, "Run state") or ""

    wans: list[tuple[str, Section]] = []
    for rec in raw.get("wan") or []:
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
        f.put("macAddress", _mac(first(rec, "MAC address")))
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
        section = _finish(f, now, WAN_OPTIONAL)
        assert section.data is not None
        service = (first(rec, "Service type") or "").lower()
        role = (
            "management"
            if "tr069" in service
            else "voip"
            if "voip" in service
            else "iptv"
            if "iptv" in service
            else "internet"
            if "internet" in service and "bridged" not in ctype
            else "other"
        )
        section.data["label"] = f"WAN {first(rec, 'Index') or '?'}"
        section.data["role"] = role
        wans.append((role, section))
    mgmt, inet = _both_wans(wans)

    wlan: Section
    ssids = raw.get("wlan") or []
    two_four = [
        r
        for r in ssids
        if (fmt.to_int(first(r, "SSID Index")) or 99) <= 4
        or "b" in (fmt.wifi_standard(first(r, "Wireless Standard")) or "")
    ]
    if raw.get("wlan") is None:
        wlan = _unavailable("The OLT did not return Wi-Fi information for this ONT.")
    elif not two_four:
        wlan = Section(None, "absent")
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
        wlan = _finish(f, now)
    return {
        "general": general,
        "ipInterface11": mgmt,
        "ipInterface21": inet,
        "wirelessLan": wlan,
        "wifiSurvey": _unavailable("A neighbour scan needs TR-069; the OLT CLI cannot run one."),
    }


# --- ZTE ------------------------------------------------------------------------------------


def zte_sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Section]:
    detail: dict[str, Any] = raw.get("detail") or {}
    equip: dict[str, str] = raw.get("equip") or {}
    g = Fields(None, GENERAL_FIELDS)
    vendor = first(equip, "Vendor ID", "Vendor-ID")
    if vendor:
        g.put("manufacturer", _VENDORS.get(vendor.upper(), vendor))
    # "Type" in detail-info is the configured type profile, not the model: only equip says.
    g.put("modelName", first(equip, "Model", "Equipment ID", "Equipment-ID"))
    g.put("softwareVersion", first(equip, "S/W Version", "Software Version"))
    g.put("hardwareVersion", first(equip, "H/W Version", "Hardware Version"))
    g.put("serialNumber", first(detail, "Serial number"))
    working = str(first(detail, "Phase state") or "").lower() == "working"
    if working:
        _since(
            g,
            duration_seconds(first(equip, "System uptime"))
            or duration_seconds(first(detail, "Online Duration")),
            now,
            tz,
        )
    else:
        g.not_applicable.update(("uptime", "uptimeAgo"))
    general = _finish(g, now)  # CPU and RAM are never visible from a ZTE OLT: partial
    general.extra["phaseState"] = first(detail, "Phase state") or ""

    wans: list[tuple[str, Section]] = []
    for rec in raw.get("wan") or []:
        f = Fields(None, WAN_FIELDS)
        f.put("name", first(rec, "Host name") or f"WAN {first(rec, 'WAN id') or '?'}")
        mode = first(rec, "Mode")
        f.put(
            "addressingType",
            {"PPPOE": "PPPoE", "DHCP": "DHCP", "STATIC": "Static"}.get((mode or "").upper(), mode),
        )
        status = first(rec, "Status")
        f.put("connectionStatus", status.capitalize() if status else None)
        f.put("ipAddress", first(rec, "Current IP"))
        f.put("subnetMask", first(rec, "Current mask"))
        f.put("defaultGateway", first(rec, "Current gateway"))
        dns = [
            d for d in (first(rec, "Current primary DNS"), first(rec, "Current secondary DNS")) if d
        ]
        f.put("dnsServers", fmt.dns_list(",".join(dns)) if dns else None)
        f.put("macAddress", _mac(first(rec, "MAC address")))
        f.put("vlanId", fmt.vlan(first(rec, "CVLAN")) if first(rec, "CVLAN") else None)
        section = _finish(f, now, WAN_OPTIONAL)
        assert section.data is not None
        name = str(section.data.get("name", "")).lower()
        role = "management" if ("tr069" in name or "mgmt" in name) else "internet"
        section.data["label"] = f"WAN {first(rec, 'WAN id') or '?'}"
        section.data["role"] = role
        wans.append((role, section))
    mgmt, inet = _both_wans(wans)
    return {
        "general": general,
        "ipInterface11": mgmt,
        "ipInterface21": inet,
        "wirelessLan": _unavailable("ZTE OLTs do not show an ONU's Wi-Fi state over the CLI."),
        "wifiSurvey": _unavailable("A neighbour scan needs TR-069; the OLT CLI cannot run one."),
    }
