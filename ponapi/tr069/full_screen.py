"""Every section the TR-069 screen adds to the five, for one device document, in one place.

``map_full_screen(raw, now, tz)`` -> ``{name: Section | Rows}`` (``Rows``: a list section, see
``ponapi.tr069.kit``). ``optical`` is not a section of its own: its fields are added to
``general`` (``merge_optical``). ``PROJECTION`` is what one NBI read needs for all of them
(together with the five sections' own subtrees); ``SECRET_FIELDS`` names the fields only roles
allowed to see secrets get (``redact`` blanks them for everyone else).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069 import beyond, hosts, lan, logs, misc, optical, security, voice, wifi_counters
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.kit import AnySection, Rows
from ponapi.tr069.mapper import Section

log = logging.getLogger("ponapi.tr069")

# name -> is a list section
FULL_SCREEN_SECTIONS: dict[str, bool] = {
    "optical": False,  # merged into ``general``
    "lanDhcpServer": False,
    "lanPorts": True,
    "lanCounters": True,
    "wlanCounters": False,
    "wlanCounters5": False,
    "hosts": True,
    "security": False,
    "voiceLines": True,
    "miscellaneous": False,
    "deviceLogs": True,
    "wirelessLan5": False,
    "wifiSurvey5": False,
    "wans": True,
}
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "wirelessLan": ("password",),
    "wirelessLan5": ("password",),
    "security": security.SECRETS,
}
# NBI projection subtrees per section (GenieACS ``projection=``; absent paths are harmless).
SECTION_PROJECTIONS: dict[str, tuple[str, ...]] = {
    "optical": optical.PROJECTION,
    "lanDhcpServer": lan.PROJECTION,
    "lanPorts": lan.PROJECTION,
    "lanCounters": lan.PROJECTION,
    "wlanCounters": wifi_counters.PROJECTION,
    "wlanCounters5": wifi_counters.PROJECTION,
    "hosts": hosts.PROJECTION,
    "security": security.PROJECTION,
    "voiceLines": voice.PROJECTION,
    "miscellaneous": misc.PROJECTION,
    "deviceLogs": logs.PROJECTION,
    "wirelessLan5": beyond.PROJECTION_WLAN,
    "wifiSurvey5": beyond.PROJECTION_SURVEY,
    "wans": beyond.PROJECTION_WANS,
}


# What every section reads besides its subtrees: the ids, the last inform (``lastSeen``) and
# the manufacturer (the mapper's vendor profile).
IDENTITY = (
    "_id",
    "_deviceId",
    "_lastInform",
    "InternetGatewayDevice.DeviceInfo.Manufacturer",
    "Device.DeviceInfo.Manufacturer",
)


def projection(names: Iterable[str] = FULL_SCREEN_SECTIONS) -> tuple[str, ...]:
    """The subtrees the named sections need, without a path already covered by its parent."""
    paths = sorted({*IDENTITY, *(p for name in names for p in SECTION_PROJECTIONS.get(name, ()))})
    kept: list[str] = []
    for path in paths:  # sorted: a parent comes right before its children
        if not any(path.startswith(parent + ".") for parent in kept):
            kept.append(path)
    return tuple(kept)


PROJECTION = projection()


def map_full_screen(
    raw: dict[str, Any],
    now: datetime,
    tz: ZoneInfo,
    *,
    names: Iterable[str] | None = None,
    log_limit: int = logs.DEFAULT_LIMIT,
) -> dict[str, AnySection]:
    """Map the screen's extra sections (all, or ``names``); a failing one is ``error``."""
    doc = DeviceDocument(raw)
    builders: dict[str, Callable[[], AnySection]] = {
        "optical": lambda: optical.optical(doc, tz),
        "lanDhcpServer": lambda: lan.lan_dhcp_server(doc),
        "lanPorts": lambda: lan.lan_ports(doc),
        "lanCounters": lambda: lan.lan_counters(doc),
        "wlanCounters": lambda: wifi_counters.wlan_counters(raw, now, tz, "2.4GHz"),
        "wlanCounters5": lambda: wifi_counters.wlan_counters(raw, now, tz, "5GHz"),
        "hosts": lambda: hosts.hosts(doc),
        "security": lambda: security.security(doc),
        "voiceLines": lambda: voice.voice_lines(doc),
        "miscellaneous": lambda: misc.miscellaneous(doc, tz),
        "deviceLogs": lambda: logs.device_logs(doc, log_limit),
        "wirelessLan5": lambda: beyond.wireless_lan5(raw, now, tz),
        "wifiSurvey5": lambda: beyond.wifi_survey5(raw, now, tz),
        "wans": lambda: beyond.wans(raw, now, tz),
    }
    wanted = list(FULL_SCREEN_SECTIONS if names is None else names)
    out: dict[str, AnySection] = {}
    for name in wanted:
        build = builders.get(name)
        if build is None:
            continue
        try:
            out[name] = build()
        except Exception:  # a malformed tree must not take the other sections down
            log.exception("mapping section %s of %s failed", name, doc.device_id)
            out[name] = (
                Rows(None, "error") if FULL_SCREEN_SECTIONS[name] else Section(None, "error")
            )
    return out


def merge_optical(general: Section, optical_section: AnySection) -> None:
    """Add the optical/link fields (and what of them is missing) to ``general``."""
    if general.data is None or not isinstance(optical_section, Section):
        return
    if optical_section.data is None:
        return
    general.data.update(optical_section.data)
    general.missing.extend(m for m in optical_section.missing if m not in general.missing)
    if general.missing and general.status == "ok":
        general.status = "partial"
    general.extra.update(optical_section.extra)


def redact(name: str, data: Any) -> Any:
    """``data`` with the section's secret fields blanked (a copy; ``data`` is not changed)."""
    secret = SECRET_FIELDS.get(name)
    if not secret or not isinstance(data, dict):
        return data
    return {k: ("" if k in secret and v is not None else v) for k, v in data.items()}
