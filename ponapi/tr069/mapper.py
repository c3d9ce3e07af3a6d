"""The one mapper: a TR-069 parameter tree (GenieACS document) -> the five stats sections.

Works on TR-098 (``InternetGatewayDevice.``) and TR-181 (``Device.``) trees, with vendor
profiles for the values the standards lack. A value the device does not report becomes ``""``
(``null`` for ``natEnabled``) and its field is listed in the section's ``missing``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069.areas import general, survey, wan, wifi
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
    SECTIONS,
    WAN_FIELDS,
    WAN_OPTIONAL,
    WLAN_FIELDS,
    Fields,
    Mapped,
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
# ``build`` returns; a failing area leaves its sections "error" and the others intact.
AREAS: tuple[tuple[tuple[str, ...], Callable[[DeviceView], dict[str, Section]]], ...] = (
    (("general",), general.build),
    (("ipInterface11", "ipInterface21"), wan.build),
    (("wirelessLan",), wifi.build),
    (("wifiSurvey",), survey.build),
)


class Mapper(DeviceView):
    def map(self) -> Mapped:
        sections: dict[str, Section] = {}
        for names, build in AREAS:
            try:
                sections.update(build(self))
            except Exception:  # a malformed tree must not take the other sections down
                log.exception("mapping %s of %s failed", "/".join(names), self.doc.device_id)
                sections.update({name: Section(None, "error") for name in names})
        device = {
            "acsDeviceId": self.doc.device_id,
            "dataModel": "TR-181" if self.tr181 else ("TR-098" if self.root else "unknown"),
            "profile": self.profile.name,
        }
        if self.doc.last_inform:
            device["lastInform"] = self.doc.last_inform.strftime("%Y-%m-%dT%H:%M:%SZ")
        return Mapped(
            {name: sections.get(name, Section(None, "absent")) for name in SECTIONS}, device
        )


def map_device(raw: dict[str, Any], *, now: datetime, tz: ZoneInfo) -> Mapped:
    """Map one GenieACS device document to the sections."""
    return Mapper(raw, now=now, tz=tz).map()
