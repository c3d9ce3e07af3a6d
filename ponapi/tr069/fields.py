"""The contract's section shapes: each section's fields, and the collector every section builder
(TR-069 mapper areas, OLT platforms) fills. The sections themselves (names, which are lists,
which fields are secret ...) are in the registry, ``ponapi.tr069.sections``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ponapi.tr069.document import DeviceDocument, Param

GENERAL_FIELDS = (
    "manufacturer",
    "modelName",
    "softwareVersion",
    "hardwareVersion",
    "provisioningCode",
    "serialNumber",
    "cpuUsage",
    "totalRam",
    "freeRam",
    "uptime",
    "uptimeAgo",
)
WAN_FIELDS = (
    "name",
    "addressingType",
    "connectionStatus",
    "uptime",
    "uptimeAgo",
    "ipAddress",
    "subnetMask",
    "defaultGateway",
    "dnsServers",
    "lastConnectionError",
    "macAddress",
    "maxMtuSize",
    "natEnabled",
    "vlanId",
)
WAN_OPTIONAL = ("ipv6Address", "ipv6Gateway", "ipv6DelegatedPrefix")
WLAN_FIELDS = (
    "ssid",
    "password",
    "authMode",
    "status",
    "enable",
    "rfBand",
    "standard",
    "radioEnabled",
    "totalAssociations",
    "ssidAdvertisementEnabled",
    "wpaEncryption",
    "channelWidth",
    "autoChannel",
    "channel",
    "countryDomain",
    "txPower",
)


@dataclass
class Section:
    data: dict[str, Any] | None
    status: str
    missing: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # When the boot or connection began, so ``uptimeAgo`` can be recomputed at serving time.
    started_at: datetime | None = None


@dataclass
class Rows:
    """A list section (``lanPorts[]``, ``hosts[]`` ...): ``data`` is a list of rows, each with an
    ``id``; ``missing`` names a missing field of a row as ``"<id>.<field>"``."""

    data: list[dict[str, Any]] | None
    status: str
    missing: list[str] = field(default_factory=list)
    updated_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None


AnySection = Section | Rows


@dataclass
class Mapped:
    sections: dict[str, AnySection]
    device: dict[str, Any]


class Fields:
    """Collects one section's display values, what is missing and the newest value time."""

    def __init__(self, doc: DeviceDocument | None, required: tuple[str, ...]) -> None:
        self.doc = doc
        self.required = required
        self.values: dict[str, Any] = {}
        self.not_applicable: set[str] = set()
        self.newest: datetime | None = None
        self.started_at: datetime | None = None

    def seen(self, p: Param | None) -> Param | None:
        if p is not None and p.timestamp and (self.newest is None or p.timestamp > self.newest):
            self.newest = p.timestamp
        return p

    def read(self, path: str) -> Param | None:
        assert self.doc is not None
        return self.seen(self.doc.get(path))

    def first(self, base: str, candidates: tuple[str, ...]) -> Param | None:
        assert self.doc is not None
        hit = self.doc.first(base, *candidates)
        return self.seen(hit[1]) if hit else None

    def put(self, name: str, value: Any) -> None:
        if value is not None and name not in self.values:
            self.values[name] = value

    def put_from(self, name: str, p: Param | None, conv: Callable[[object], Any]) -> None:
        if p is not None:
            self.put(name, conv(p.value))

    def finish(self, optional: tuple[str, ...] = ()) -> Section:
        data: dict[str, Any] = {}
        missing = []
        for name in self.required:
            if name in self.values:
                data[name] = self.values[name]
            else:
                data[name] = None if name == "natEnabled" else ""
                if name not in self.not_applicable:
                    missing.append(name)
        for name in optional:
            if self.values.get(name):
                data[name] = self.values[name]
        for name, value in self.values.items():
            data.setdefault(name, value)
        status = "partial" if missing else "ok"
        return Section(data, status, missing, self.newest, started_at=self.started_at)
