"""What the platforms share to turn parsed CLI records into the stats sections (source
``olt-cli``).

The OLT sees an ONU through OMCI, not TR-069: it knows the model, firmware, serial, link uptime,
CPU (Huawei) and the WANs and SSIDs the ONU reports, but not RAM, MTU, Wi-Fi security or
neighbour scans. Sections say so: ``partial`` with the missing fields listed, ``unavailable``
where the CLI cannot see at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.tr069 import wan_roles
from ponapi.tr069.fields import (
    Fields,
    Section,
)
from ponapi.tr069.wan_roles import WanFacts

VENDORS = {"HWTC": "Huawei", "ZTEG": "ZTE", "ALCL": "Nokia (ALCL)", "FHTT": "FiberHome"}
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


def mac(text: str | None) -> str | None:
    """``30C5-0F51-AC92`` / ``xxxx.xxxx.xxxx`` -> ``30:C5:0F:51:AC:92``."""
    if not text:
        return None
    digits = re.sub(r"[^0-9A-Fa-f]", "", text)
    if len(digits) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()


def metres(text: str | None) -> str | None:
    """A fibre distance as the OLT prints it (``47``, ``1033m``) -> ``"1033 m"``."""
    m = re.fullmatch(r"\s*(\d+)\s*m?\s*", text or "")
    return f"{int(m.group(1))} m" if m else None


def pct(text: str | None) -> str | None:
    n = fmt.to_int((text or "").replace("%", "").strip())
    return fmt.percent(n)


def since(f: Fields, seconds: int | None, now: datetime, tz: ZoneInfo) -> None:
    if seconds is None:
        return
    start = (now - timedelta(seconds=seconds)).replace(microsecond=0)
    f.put("uptime", fmt.display_time(start, tz))
    f.put("uptimeAgo", fmt.ago(start, now))
    f.started_at = start


def finish(f: Fields, now: datetime, optional: tuple[str, ...] = ()) -> Section:
    f.newest = now
    return f.finish(optional)


def unavailable(reason: str) -> Section:
    return Section(None, "unavailable", extra={"reason": reason})


def both_wans(wans: list[tuple[WanFacts, Section]]) -> tuple[Section, Section]:
    """(management, internet) from each WAN's facts and section, by the one WAN-role rule
    (``ponapi.tr069.wan_roles``); the only connected internet WAN stands for both."""
    mgmt, inet = wan_roles.pick(wans, lambda w: w[0])
    return _shown(mgmt), _shown(inet)


def _shown(picked: wan_roles.Picked[tuple[WanFacts, Section]] | None) -> Section:
    if picked is None:
        return Section(None, "absent")
    section = replace(picked.wan[1], data=dict(picked.wan[1].data or {}))
    section.data = {**(section.data or {}), "role": picked.role}
    return section
