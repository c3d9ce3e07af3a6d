"""The one mapper: a TR-069 parameter tree (GenieACS document) -> the stats sections.

Works on TR-098 (``InternetGatewayDevice.``) and TR-181 (``Device.``) trees, with vendor
profiles for the values the standards lack. A value the device does not report becomes ``""``
(``null`` for ``natEnabled``) and its field is listed in the section's ``missing``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069.areas import (
    general,
    hosts,
    lan,
    logs,
    misc,
    optical,
    security,
    survey,
    voice,
    wan,
    wans,
    wifi,
    wifi_counters,
)
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
    LIST_SECTIONS,
    SECTIONS,
    WAN_FIELDS,
    WAN_OPTIONAL,
    WLAN_FIELDS,
    AnySection,
    Fields,
    Mapped,
    Rows,
    Section,
)

__all__ = [
    "GENERAL_FIELDS",
    "SECTIONS",
    "WAN_FIELDS",
    "WAN_OPTIONAL",
    "WLAN_FIELDS",
    "Fields",
    "Mapped",
    "Section",
    "map_device",
]

log = logging.getLogger("ponapi.tr069")


# The section areas: one module each, one row here. A row names the sections its module's
# ``build`` returns; a failing area leaves its sections "error" and the others intact. ``optical``
# is not a section: its fields are added to ``general``.
Area = tuple[tuple[str, ...], Callable[[DeviceView], Mapping[str, AnySection]]]
AREAS: tuple[Area, ...] = (
    (("general",), general.build),
    (("optical",), optical.build),
    (("ipInterface11", "ipInterface21"), wan.build),
    (("wirelessLan",), wifi.build),
    (("wifiSurvey",), survey.build),
    (("lanDhcpServer", "lanPorts", "lanCounters"), lan.build),
    (("wlanCounters", "wlanCounters5"), wifi_counters.build),
    (("hosts",), hosts.build),
    (("security",), security.build),
    (("voiceLines",), voice.build),
    (("miscellaneous",), misc.build),
    (("deviceLogs",), logs.build),
    (("wirelessLan5",), wifi.build5),
    (("wifiSurvey5",), survey.build5),
    (("wans",), wans.build),
)


def failed(name: str, status: str = "error") -> AnySection:
    return Rows(None, status) if name in LIST_SECTIONS else Section(None, status)


class Mapper(DeviceView):
    def areas(self, asked: set[str]) -> dict[str, AnySection]:
        """Run the areas that build any of the ``asked`` sections (``optical`` included)."""
        sections: dict[str, AnySection] = {}
        for area, build in AREAS:
            if not asked.intersection(area):
                continue
            try:
                sections.update(build(self))
            except Exception:  # a malformed tree must not take the other sections down
                log.exception("mapping %s of %s failed", "/".join(area), self.doc.device_id)
                sections.update({name: failed(name) for name in area})
        return sections

    def map(self, names: Iterable[str] = SECTIONS) -> Mapped:
        """Map the named sections (all by default); each area runs only when asked for."""
        wanted = [name for name in SECTIONS if name in set(names)]
        sections = self.areas({*wanted, *(("optical",) if "general" in wanted else ())})
        general_section = sections.get("general")
        if isinstance(general_section, Section):
            merge_optical(general_section, sections.get("optical"))
        device = {
            "acsDeviceId": self.doc.device_id,
            "dataModel": "TR-181" if self.tr181 else ("TR-098" if self.root else "unknown"),
            "profile": self.profile.name,
        }
        if self.doc.last_inform:
            device["lastInform"] = self.doc.last_inform.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Mapped(
            {name: sections.get(name) or failed(name, "absent") for name in wanted}, device
        )


def merge_optical(general_section: Section, optical_section: AnySection | None) -> None:
    """Add the optical/link fields (and what of them is missing) to ``general``."""
    if general_section.data is None or not isinstance(optical_section, Section):
        return
    if optical_section.data is None:
        return
    general_section.data.update(optical_section.data)
    missing = general_section.missing
    missing.extend(m for m in optical_section.missing if m not in missing)
    if missing and general_section.status == "ok":
        general_section.status = "partial"
    general_section.extra.update(optical_section.extra)


def map_device(
    raw: dict[str, Any],
    *,
    now: datetime,
    tz: ZoneInfo,
    names: Iterable[str] = SECTIONS,
    log_limit: int = logs.DEFAULT_LIMIT,
) -> Mapped:
    """Map one GenieACS device document to the sections (all, or ``names``)."""
    mapper = Mapper(raw, now=now, tz=tz)
    mapper.log_limit = log_limit
    return mapper.map(names)
