"""Typed writes restricted to what the device document has, shared by the planners; the
writes that would set what the device already has are dropped (:meth:`Writes.drop_unchanged`)."""

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


UNCHANGED = "unchanged: the device already has this value"


def _same(current: Any, new: Any, xsd: str, field: str) -> bool:
    """Whether the device's ``current`` value is ``new`` (typed as the write types it)."""
    if current is None:
        return False
    if xsd == "xsd:boolean":
        if isinstance(current, str):
            return (
                current.strip().lower() in ("true", "1")
                if new
                else current.strip()
                in (
                    "false",
                    "0",
                )
            )
        return bool(current) == bool(new)
    try:
        now = typed(current, xsd)
    except (TypeError, ValueError):
        return False
    if field == "dns_servers":  # "a, b" and "a,b" are the same list
        return str(now).replace(" ", "") == str(new).replace(" ", "")
    return bool(now == new)


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

    def drop_unchanged(self) -> list[str]:
        """Drop the fields each of whose writes sets the value the device already has (a
        field's writes go together: one that differs keeps them all); their names, each also
        listed in ``skipped`` as :data:`UNCHANGED`."""
        fields: dict[str, list[t.Write]] = {}
        for x in self.items:
            fields.setdefault(x.field, []).append(x)
        same = [
            name
            for name, writes in fields.items()
            if all(_same(self.dev.value(w.path), w.value, w.xsd, name) for w in writes)
        ]
        self.items = [x for x in self.items if x.field not in same]
        for name in same:
            self.skipped[name] = UNCHANGED
        return same
