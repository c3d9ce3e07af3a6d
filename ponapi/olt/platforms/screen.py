"""The screen's extra sections as an OLT's CLI sees them: the ONU's optical levels (into
``general``), its LAN ports and the hosts behind it (the OLT's MAC table for the ONU). What the CLI
cannot see is ``unavailable`` with the section's own reason, its ``limitation`` in the section
registry (``unseen_sections``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ponapi.olt.parsers import first
from ponapi.olt.platforms.common import mac, unavailable
from ponapi.tr069 import sections as section_registry
from ponapi.tr069.fields import Fields, Rows, Section
from ponapi.tr069.kit import decimal, rows, to_float
from ponapi.tr069.row_fields import HOST_FIELDS, PORT_FIELDS


def dbm(text: str | None) -> str | None:
    """``-17.560(dbm)`` / ``-18.18`` -> ``"-17.56 dBm"``."""
    m = re.match(r"\s*(-?\d+(?:\.\d+)?)", text or "")
    return f"{round(float(m.group(1)), 2):g} dBm" if m else None


def zte_optical(att: dict[str, dict[str, str]]) -> dict[str, Any]:
    """``show pon power attenuation``: the ONU's levels (``down`` Rx, ``up`` Tx) and the OLT's."""
    out: dict[str, Any] = {}
    down, up = att.get("down") or {}, att.get("up") or {}
    if dbm(down.get("onu")):
        out["opticalPowerRx"] = dbm(down.get("onu"))
    if dbm(up.get("onu")):
        out["opticalPowerTx"] = dbm(up.get("onu"))
    return out


def zte_optical_extra(att: dict[str, dict[str, str]]) -> dict[str, Any]:
    down, up = att.get("down") or {}, att.get("up") or {}
    extra = {
        "oltRxPower": dbm(up.get("olt")),
        "attenuationUp": f"{up['attenuation']} dB" if up.get("attenuation") else None,
        "attenuationDown": f"{down['attenuation']} dB" if down.get("attenuation") else None,
    }
    return {k: v for k, v in extra.items() if v}


def _zte_speed(status: str | None) -> tuple[str | None, str | None]:
    """``full-100`` -> (``"100 Mbps"``, ``"Full"``); ``auto`` (no link) -> ("", "")."""
    m = re.fullmatch(r"(full|half)-(\d+)", (status or "").strip().lower())
    if m:
        return f"{m.group(2)} Mbps", m.group(1).capitalize()
    return ("", "") if status else (None, None)


def zte_lan_ports(records: list[dict[str, str]] | None, now: datetime) -> Rows | Section:
    """``show gpon remote-onu interface eth``: one row per ``eth_0/N`` port."""
    if records is None:
        return unavailable("The OLT did not return the ONU's Ethernet ports.")
    items: list[tuple[str, Section]] = []
    for rec in records:
        port = re.search(r"(\d+)$", first(rec, "Interface") or "")
        if port is None:
            continue
        f = Fields(None, PORT_FIELDS)
        f.put("name", f"LAN{port.group(1)}")
        admin = (first(rec, "Admin status") or "").lower()
        f.put("enable", {"unlock": "Yes", "lock": "No"}.get(admin))
        state = (first(rec, "Operate status") or "").lower()
        f.put("status", {"enable": "Up", "disable": "NoLink"}.get(state))
        speed, duplex = _zte_speed(first(rec, "Speed status"))
        f.put("speed", speed)
        f.put("duplex", duplex)
        config = (first(rec, "Speed config") or "").lower()
        if config == "auto":
            f.put("speedMode", "Auto")
            f.put("duplexMode", "Auto")
        else:
            mode_speed, mode_duplex = _zte_speed(config)
            f.put("speedMode", mode_speed or None)
            f.put("duplexMode", mode_duplex or None)
        f.newest = now
        items.append((port.group(1), f.finish()))
    return rows(items) if items else Rows(None, "absent")


def huawei_optical(info: dict[str, str]) -> dict[str, str]:
    """``display ont optical-info``: the ONU's own levels, by label (``-`` = not reported)."""
    out: dict[str, str] = {}
    for field, labels, unit, places in _HW_OPTICAL:
        number = to_float(first(info, *labels))
        if number is not None:
            out[field] = f"{decimal(number, places)} {unit}"
    return out


_HW_OPTICAL = (
    ("opticalPowerRx", ("Rx optical power(dBm)",), "dBm", 2),
    ("opticalPowerTx", ("Tx optical power(dBm)",), "dBm", 2),
    ("temperature", ("Temperature(C)",), "°C", 1),
    ("voltage", ("Voltage(V)",), "V", 3),
    ("biasCurrent", ("Laser bias current(mA)",), "mA", 2),
)


def huawei_lan_ports(records: list[dict[str, str]] | None, now: datetime) -> Rows | Section:
    """``display ont port state P ID eth-port all``: one row per ONT port (``LinkState``
    up/down, ``Speed(Mbps)``, ``Duplex``); the admin state is not shown there (``missing``)."""
    if records is None:
        return unavailable("The OLT did not return the ONT's Ethernet port state.")
    items: list[tuple[str, Section]] = []
    for rec in records:
        port = first(rec, "ONT port-ID", "ONT-port-ID", "Port-ID", "Port ID")
        if port is None or not port.isdigit():
            continue
        f = Fields(None, PORT_FIELDS)
        f.put("name", f"LAN{port}")
        link = (first(rec, "LinkState", "Link State") or "").lower()
        f.put("status", {"up": "Up", "down": "NoLink"}.get(link))
        speed = first(rec, "Speed(Mbps)", "Speed")
        duplex = first(rec, "Duplex")
        if link in ("up", "down"):  # "-" while the link is down: no speed to show
            f.put("speed", f"{speed} Mbps" if speed and speed.isdigit() else "")
            f.put("duplex", duplex.capitalize() if duplex else "")
        f.newest = now
        section = f.finish()
        kind = first(rec, "ONT Port-type", "Port-type")
        if kind and section.data is not None:
            section.data["portType"] = kind
        items.append((port, section))
    return rows(items) if items else Rows(None, "absent")


def hosts_from_macs(entries: list[tuple[str, str]] | None, now: datetime) -> Rows | Section:
    """The hosts behind the ONU as the OLT's MAC table shows them: ``(mac, vlan)`` each. The
    OLT has no IP, name or LAN port for them: those fields are listed in ``missing``."""
    if entries is None:
        return unavailable("The OLT did not return its MAC table for this ONU.")
    items: list[tuple[str, Section]] = []
    for n, (address, vlan) in enumerate(entries, start=1):
        shown = mac(address)
        if shown is None:
            continue
        f = Fields(None, HOST_FIELDS)
        f.put("macAddress", shown.lower())
        f.put("active", "Yes")  # a learned (dynamic) entry: the host sent traffic lately
        f.newest = now
        section = f.finish()
        if vlan and section.data is not None:
            section.data["vlan"] = vlan
        items.append((str(n), section))
    result = rows(items)
    result.extra["source"] = "olt-mac-table"
    return result


def not_shown(name: str) -> Section:
    """Section ``name`` where an OLT's CLI shows none of it: ``unavailable``, with its
    limitation from the section registry."""
    return unavailable(section_registry.spec(name).limitation)


def unseen_sections(shown: Iterable[str]) -> dict[str, Section]:
    """Every registered section not in ``shown`` (what no OLT CLI shows: the ONU's own
    configuration and counters live in its data model), each ``not_shown``, in screen order."""
    seen = set(shown)
    return {name: not_shown(name) for name in section_registry.names() if name not in seen}
