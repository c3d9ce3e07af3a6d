"""Typed writes restricted to what the device document has, shared by the planners."""

from __future__ import annotations

from typing import Any

from ponapi.actions import tasks as t
from ponapi.actions.locate import Device


def typed(value: Any, xsd: str) -> Any:
    """``value`` as the JSON type GenieACS expects for ``xsd``."""
    if xsd == "xsd:boolean":
        return bool(value)
    if xsd in ("xsd:int", "xsd:unsignedInt", "xsd:long", "xsd:unsignedLong"):
        return int(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Writes:
    """Collects the writes of a plan: only parameters present and writable in the document,
    typed as the document types them; the others are listed in ``skipped`` with the reason."""

    def __init__(self, dev: Device) -> None:
        self.dev = dev
        self.items: list[t.Write] = []
        self.skipped: dict[str, str] = {}

    def add(self, field: str, path: str, value: Any, xsd: str, *, secret: bool = False) -> bool:
        if not self.dev.writable(path):
            why = "is read-only" if self.dev.doc.node(path) is not None else "does not exist"
            self.skipped.setdefault(field, f"{path} {why} on this device")
            return False
        self.skipped.pop(field, None)
        kind = self.dev.xsd(path, xsd)
        self.items.append(t.Write(field, path, typed(value, kind), kind, secret))
        return True
