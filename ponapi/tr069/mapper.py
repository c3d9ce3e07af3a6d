"""The one mapper: a TR-069 parameter tree (GenieACS document) -> the stats sections.

Works on TR-098 (``InternetGatewayDevice.``) and TR-181 (``Device.``) trees, with vendor
profiles for the values the standards lack. A value the device does not report becomes ``""``
(``null`` for ``natEnabled``) and its field is listed in the section's ``missing``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069 import sections as registry
from ponapi.tr069.areas import logs
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
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
    "WAN_FIELDS",
    "WAN_OPTIONAL",
    "WLAN_FIELDS",
    "Fields",
    "Mapped",
    "Section",
    "map_device",
]

log = logging.getLogger("ponapi.tr069")


def failed(name: str, status: str = "error") -> AnySection:
    return Rows(None, status) if name in registry.list_sections() else Section(None, status)


class Mapper(DeviceView):
    def areas(self, asked: set[str]) -> dict[str, AnySection]:
        """Run the areas that build any of the ``asked`` sections (and their parts, such as
        ``optical`` for ``general``); a failing area leaves its sections "error" and the
        others intact."""
        sections: dict[str, AnySection] = {}
        for build, built in registry.areas(asked):
            try:
                sections.update(build(self))
            except Exception:  # a malformed tree must not take the other sections down
                log.exception("mapping %s of %s failed", "/".join(built), self.doc.device_id)
                sections.update({name: failed(name) for name in built})
        return sections

    def map(self, names: Iterable[str] | None = None) -> Mapped:
        """Map the named sections (all by default); each area runs only when asked for."""
        asked = set(registry.names() if names is None else names)
        wanted = [name for name in registry.names() if name in asked]
        sections = self.areas(set(wanted))
        for part in registry.with_parts(wanted):
            whole = sections.get(part.part_of)
            if part.part_of and isinstance(whole, Section):
                merge_part(whole, sections.get(part.name))
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


def merge_part(general_section: Section, optical_section: AnySection | None) -> None:
    """Add a part's fields (and what of them is missing) to its section: the optical/link
    fields to ``general``."""
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


merge_optical = merge_part


def map_device(
    raw: Mapping[str, Any],
    *,
    now: datetime,
    tz: ZoneInfo,
    names: Iterable[str] | None = None,
    log_limit: int = logs.DEFAULT_LIMIT,
) -> Mapped:
    """Map one GenieACS device document to the sections (all, or ``names``)."""
    mapper = Mapper(raw, now=now, tz=tz)
    mapper.log_limit = log_limit
    return mapper.map(names)
