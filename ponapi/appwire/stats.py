"""The stats answer in the app's wire format: a second rendering of the contract's answer
(``StatsResult.body()``), nothing read twice.

``render_stats(body)`` -> ``{success, message, data: {<snake_case sections>}, timestamp,
source: "acs" | "cli", cached, stale}``. Every section of the screen gets its snake_case name
(``SNAKE_NAMES``) and its fields their snake_case keys; the values keep the contract's display
strings, except where the app's own spec reads another type (numbers for ``channel``,
``tx_power``, ``total_associations``, ``lease_time_sec``; booleans for ``hosts[].active``; one
``"a, b"`` string for DNS servers). Object sections carry the availability flags
(``availability.flags``); ``data.availability`` has them for every section, lists included.
"""

from __future__ import annotations

import re
from typing import Any

from ponapi.appwire.availability import flags
from ponapi.tr069 import sections as section_registry

# The contract's section name -> the app's.
SNAKE_NAMES: dict[str, str] = {
    "general": "general",
    "ipInterface11": "ip_interface_1_1",
    "ipInterface21": "ip_interface_2_1",
    "wirelessLan": "wireless_lan_2_4ghz",
    "wifiSurvey": "wifi_site_survey",
    "lanDhcpServer": "lan_dhcp_server",
    "lanPorts": "lan_ports",
    "lanCounters": "lan_counters",
    "wlanCounters": "wlan_counters",
    "wlanCounters5": "wlan_counters_5ghz",
    "hosts": "hosts",
    "security": "security",
    "voiceLines": "voice_lines",
    "miscellaneous": "miscellaneous",
    "deviceLogs": "device_logs",
    "wirelessLan5": "wireless_lan_5ghz",
    "wifiSurvey5": "wifi_site_survey_5ghz",
    "wans": "wans",
}
assert set(SNAKE_NAMES) == set(section_registry.names())

_SURVEY_SECTIONS = frozenset({"wifiSurvey", "wifiSurvey5"})
_NUMBERS = frozenset({"channel", "tx_power", "total_associations", "lease_time_sec"})
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(key: str) -> str:
    """``modelName`` -> ``model_name``, ``ipv6Address`` -> ``ipv6_address``."""
    return _CAMEL.sub("_", key).lower()


def number(value: Any) -> int | None:
    """A display string of digits as a number; ``None`` when the device reports none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if re.fullmatch(r"-?[0-9]{1,12}", text) else None


def dns(value: Any) -> str:
    """``"8.8.8.8,1.1.1.1"`` -> ``"8.8.8.8, 1.1.1.1"`` (the app's one string)."""
    return ", ".join(p.strip() for p in str(value or "").split(",") if p.strip())


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        name = snake(key)
        out[name] = number(value) if name in _NUMBERS else value
    return out


def _wan(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data)
    out["status"] = data.get("connectionStatus", "")
    out["gateway"] = data.get("defaultGateway", "")
    out["dns_servers"] = dns(data.get("dnsServers"))
    out.setdefault("ipv6_address", "")
    out.setdefault("ipv6_gateway", "")
    return out


def _wlan(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data)
    # The app's spec reads the ISO code ("DO"); a write takes either form.
    out["country_domain"] = str(data.get("countryDomain") or "")[:2].strip().upper()
    return out


def _survey(data: dict[str, Any]) -> dict[str, Any]:
    networks = [
        {**_fields(n), "channel": number(n.get("channel"))} for n in data.get("networks") or []
    ]
    return {"has_records": bool(data.get("hasRecords")), "networks": networks}


def _dhcp(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data)
    enabled = data.get("dhcpServerEnabled")
    out["dhcp_enabled"] = enabled  # the app's spec; dhcp_server_enabled its type's name
    out["dhcp_dns_servers"] = dns(data.get("dhcpDnsServers"))
    return out


def _general(data: dict[str, Any]) -> dict[str, Any]:
    out = _fields(data)
    out.setdefault("last_seen", "")
    out.setdefault("distance", "")
    # The app's spec lists the ONU's MAC; TR-069's DeviceInfo has none (each WAN's MAC is in
    # ip_interface_1_1 / ip_interface_2_1).
    out.setdefault("mac_address", "")
    return out


def _host(row: dict[str, Any]) -> dict[str, Any]:
    out = _fields(row)
    active = row.get("active")
    out["active"] = {"Yes": True, "No": False}.get(str(active)) if active else None
    return out


_OBJECTS = {
    "general": _general,
    "ipInterface11": _wan,
    "ipInterface21": _wan,
    "wirelessLan": _wlan,
    "wirelessLan5": _wlan,
    "wifiSurvey": _survey,
    "wifiSurvey5": _survey,
    "lanDhcpServer": _dhcp,
}


def render_section(name: str, data: Any) -> Any:
    """One section's data in the app's keys (``None`` stays ``None``)."""
    if data is None:
        return None
    if name in section_registry.list_sections():
        row = _host if name == "hosts" else _wan if name == "wans" else _fields
        return [row(r) for r in data]
    return _OBJECTS.get(name, _fields)(data)


def render_stats(body: dict[str, Any]) -> dict[str, Any]:
    """The contract's stats answer (``StatsResult.body()``) in the app's format."""
    meta = body.get("meta") or {}
    source = "cli" if str(meta.get("source", "")).startswith("olt") else "acs"
    entries = meta.get("sections") or {}
    data: dict[str, Any] = {}
    availability: dict[str, Any] = {}
    for name in section_registry.names():
        if name not in SNAKE_NAMES:
            continue
        entry = entries.get(name)
        status = (entry or {}).get("status")
        snake_name = SNAKE_NAMES[name]
        avail = flags(name, source, entry)
        availability[snake_name] = {**avail, "status": status}
        section = render_section(name, (body.get("data") or {}).get(name))
        if name in section_registry.list_sections():
            data[snake_name] = section if section is not None else []
        elif section is not None:
            data[snake_name] = {**section, **avail}
        elif status in ("unavailable", "error"):  # the source cannot give it: say so
            data[snake_name] = {**_empty(name), **avail}
        else:  # the device has no such thing (absent), or it was not asked for
            data[snake_name] = None
    data["availability"] = availability
    return {
        "success": True,
        "message": body.get("message", ""),
        "data": data,
        "timestamp": meta.get("fetchedAt"),
        "source": source,
        "cached": bool(meta.get("cached")),
        "stale": bool(meta.get("stale")),
    }


def _empty(name: str) -> dict[str, Any]:
    """What an unavailable section still holds so the app's table code runs: a survey's
    empty ``networks``."""
    return {"has_records": False, "networks": []} if name in _SURVEY_SECTIONS else {}


__all__ = ["SNAKE_NAMES", "render_section", "render_stats", "snake"]
