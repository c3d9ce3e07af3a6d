"""The TR-069 screen's sections beyond the first five, in one place: which are lists, which
fields are secret, and which NBI subtrees each reads.

``map_full_screen(raw, now, tz)`` -> ``{name: Section | Rows}`` for those sections (``optical``
as its own entry: the mapper adds its fields to ``general``). ``PROJECTION`` is what one NBI read
needs for all of them; ``redact`` blanks a section's secret fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069.areas import hosts, lan, logs, misc, optical, security, voice, wans, wifi_counters
from ponapi.tr069.fields import LIST_SECTIONS, SECRET_FIELDS, SECTIONS, AnySection
from ponapi.tr069.mapper import Mapper, merge_optical

__all__ = ["SECRET_FIELDS", "map_full_screen", "merge_optical", "redact"]

# name -> is a list section (the sections after the first five, and ``optical``)
FULL_SCREEN_SECTIONS: dict[str, bool] = {
    "optical": False,
    **{name: name in LIST_SECTIONS for name in SECTIONS[5:]},
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
    "wirelessLan5": wans.PROJECTION_WLAN,
    "wifiSurvey5": wans.PROJECTION_SURVEY,
    "wans": wans.PROJECTION_WANS,
}
assert set(SECTION_PROJECTIONS) == set(FULL_SCREEN_SECTIONS)

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
    """Map these sections (all, or ``names``); a failing one is ``error``."""
    wanted = [
        n for n in (FULL_SCREEN_SECTIONS if names is None else names) if n in FULL_SCREEN_SECTIONS
    ]
    mapper = Mapper(raw, now=now, tz=tz)
    mapper.log_limit = log_limit
    built = mapper.areas(set(wanted))
    return {name: built[name] for name in wanted if name in built}


def redact(name: str, data: Any) -> Any:
    """``data`` with the section's secret fields blanked (a copy; ``data`` is not changed)."""
    secret = SECRET_FIELDS.get(name)
    if not secret or not isinstance(data, dict):
        return data
    return {k: ("" if k in secret and v is not None else v) for k, v in data.items()}
