"""What every section area reads: the device document, its data model and profile, the clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.tr069.document import DeviceDocument, Param
from ponapi.tr069.fields import Fields
from ponapi.tr069.profiles import Profile, detect
from ponapi.tr069.spec import data_model_root


def ref_of(value: object) -> str:
    """A TR-181 reference without its optional trailing dot."""
    return str(value).strip().rstrip(".") if isinstance(value, str) else ""


class DeviceView:
    """One device document as the section areas see it."""

    log_limit = 50  # how many device-log lines ``deviceLogs`` shows (newest first)

    def __init__(self, raw: Mapping[str, Any], *, now: datetime, tz: ZoneInfo) -> None:
        self.doc = DeviceDocument(raw)
        self.memo: dict[str, Any] = {}  # what several areas read, read once
        self.now = now
        self.tz = tz
        self.root = data_model_root(raw)
        self.profile: Profile = detect(self.doc, self.root or "InternetGatewayDevice")
        self.tr181 = self.root == "Device"
        cr = self.doc.get(f"{self.root}.ManagementServer.ConnectionRequestURL")
        try:
            self.acs_ip = (urlsplit(str(cr.value)).hostname or "") if cr else ""
        except ValueError:  # not a URL
            self.acs_ip = ""

    def time_pair(self, f: Fields, p: Param | None, prefix: str = "") -> None:
        """``uptime`` / ``uptimeAgo`` from elapsed seconds and the time they were reported."""
        if p is None:
            return
        start = fmt.started_at(p.timestamp or self.doc.last_inform, p.value)
        if start is None:
            return
        f.put(prefix + "uptime", fmt.display_time(start, self.tz))
        f.put(prefix + "uptimeAgo", fmt.ago(start, self.now))
        f.started_at = start
