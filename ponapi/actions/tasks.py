"""The plan a planner returns, the read-back comparison, and the small Protocol the service
layer implements to talk to GenieACS's NBI. The task bodies and what an answer to one means are
the transport's (``ponapi.acs.tasks``, re-exported here): neither a ``200`` nor a ``202`` proves
a write, hence the read-back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ponapi.acs.tasks import (
    Task,
    TaskAnswer,
    TaskOutcome,
    factory_reset,
    fault_text,
    get_values,
    outcome,
    reboot,
    refresh,
    set_values,
)
from ponapi.actions.errors import MASK, Mismatch, ReadbackMismatch
from ponapi.tr069.document import DeviceDocument

__all__ = [
    "Task",
    "TaskAnswer",
    "TaskOutcome",
    "factory_reset",
    "fault_text",
    "get_values",
    "outcome",
    "reboot",
    "refresh",
    "set_values",
]


@dataclass(frozen=True)
class Write:
    """One parameter to set: ``field`` is the request field it comes from."""

    field: str
    path: str
    value: Any
    xsd: str
    secret: bool = False

    def masked(self) -> Any:
        return MASK if self.secret else self.value


@dataclass
class Plan:
    """What to send, in order, and what to read back afterwards.

    ``tasks``: task bodies to post one after the other (each with a connection request).
    ``writes``: the values the ``setParameterValues`` task carries, for the read-back and the
    audit (use :meth:`audit_values`: secrets masked). ``readback``: parameter or object paths
    to re-read (``getParameterValues``) before comparing. ``skipped``: request fields the
    device has no writable parameter for (left unchanged), with the reason.
    """

    tasks: list[Task]
    writes: list[Write] = field(default_factory=list)
    readback: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    target: dict[str, str] = field(default_factory=dict)

    def audit_values(self) -> dict[str, Any]:
        return {w.path: w.masked() for w in self.writes}


# --- read-back ----------------------------------------------------------------------------


def _same(expected: Any, actual: Any, xsd: str, path: str) -> bool:
    if xsd == "xsd:boolean":
        return _as_bool(expected) == _as_bool(actual)
    if xsd in ("xsd:int", "xsd:unsignedInt", "xsd:long", "xsd:unsignedLong"):
        try:
            return int(expected) == int(actual)
        except (TypeError, ValueError):
            return False
    text_e, text_a = str(expected), str(actual)
    if path.endswith("RegulatoryDomain"):  # "BR " and "BR" are the same domain
        return text_e.rstrip()[:2].upper() == text_a.rstrip()[:2].upper()
    if path.endswith(("DNSServers", "ModesSupported")):
        return [x.strip() for x in text_e.split(",")] == [x.strip() for x in text_a.split(",")]
    return text_e == text_a


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in ("true", "1") else False if text in ("false", "0") else None


def compare(plan: Plan, doc: DeviceDocument) -> list[Mismatch]:
    """The writes the device reports differently. Hidden secrets (read back ``""``, as TR-098
    requires for passphrases) cannot be verified and are not mismatches; a secret read back
    with another non-empty value is, shown masked. A parameter that vanished is a mismatch."""
    out: list[Mismatch] = []
    for w in plan.writes:
        p = doc.get(w.path)
        actual = p.value if p is not None else None
        if w.secret:
            if actual in ("", None) and p is not None:
                continue
            if actual == w.value:
                continue
            shown = MASK if actual not in ("", None) else actual
            out.append(Mismatch(w.field, w.path, MASK, shown))
            continue
        if p is None or not _same(w.value, actual, w.xsd, w.path):
            out.append(Mismatch(w.field, w.path, w.value, actual))
    return out


def verify(plan: Plan, doc: DeviceDocument) -> None:
    """Raise :class:`ReadbackMismatch` if the device reports other values than written."""
    mismatches = compare(plan, doc)
    if mismatches:
        raise ReadbackMismatch(mismatches)


# --- the NBI, as the service layer provides it --------------------------------------------------


class Nbi(Protocol):
    """The calls the actions need from GenieACS's NBI (every call bounded by the caller)."""

    async def run_task(
        self,
        device_id: str,
        task: Task,
        *,
        timeout_ms: int | None = None,
        time_limit: float | None = None,
        locate: bool = False,
    ) -> TaskOutcome: ...

    async def device(self, device_id: str, projection: Sequence[str]) -> dict[str, Any] | None: ...

    async def delete_task(self, task_id: str) -> bool: ...
