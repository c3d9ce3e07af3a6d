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
    "REREAD_EVERY",
    "Task",
    "TaskAnswer",
    "TaskOutcome",
    "factory_reset",
    "fault_text",
    "get_values",
    "outcome",
    "reboot",
    "refresh",
    "reread",
    "set_values",
]

# GenieACS 1.2 re-reads a parameter only when its stored value is older than the refresh's
# time: ``interval(session start, every, variance(device id, every))``, ``every`` = 1 s for a
# ``getParameterValues`` task. The values it set in an earlier session are stamped with that
# session's start (+ a few), so a ``getParameterValues`` task whose session starts in the same
# second bucket sends no GetParameterValues and "reads back" what GenieACS itself sent
# (lib/session.ts ``SetParameterValuesResponse``, lib/default-provisions.ts ``refresh``). A
# ``refresh`` provision with ``every`` = 1 ms makes the bucket the session's start: whatever an
# earlier session stored is asked from the device again.
REREAD_EVERY = 0.001


def reread(paths: Sequence[str]) -> Task:
    """Ask the device for these parameters in the task's own session, even when GenieACS set
    them a moment ago (see ``REREAD_EVERY``); an object path re-reads its subtree. Within the
    session that set them, nothing re-reads them: the read-back needs a session of its own."""
    return {"name": "provisions", "provisions": [["refresh", p, REREAD_EVERY] for p in paths]}


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
    to re-read (``reread``, in a session of its own) before comparing. ``skipped``: request
    fields the device has no writable parameter for (left unchanged), with the reason.
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
    requires for passphrases) cannot be verified and are not mismatches (``secrets_shown``
    says so); a secret read back with another non-empty value is, shown masked. A parameter
    that vanished is a mismatch."""
    out: list[Mismatch] = []
    for w in plan.writes:
        p = doc.get(w.path)
        actual = p.value if p is not None else None
        if w.secret:
            if (actual in ("", None) and p is not None) or actual == w.value:
                continue
            shown = MASK if actual not in ("", None) else actual
            out.append(Mismatch(w.field, w.path, MASK, shown))
            continue
        if p is None or not _same(w.value, actual, w.xsd, w.path):
            out.append(Mismatch(w.field, w.path, w.value, actual))
    return out


def secrets_shown(plan: Plan, doc: DeviceDocument) -> dict[str, bool]:
    """Per secret field written (``password``): True when the device read it back as written,
    False when it read it back empty (a TR-098 passphrase: the device does not reveal it, so
    the write cannot be verified)."""
    out: dict[str, bool] = {}
    for w in plan.writes:
        if w.secret:
            p = doc.get(w.path)
            shown = p is not None and p.value == w.value
            out[w.field] = out.get(w.field, True) and shown
    return out


def verify(plan: Plan, doc: DeviceDocument) -> dict[str, bool]:
    """Raise :class:`ReadbackMismatch` if the device reports other values than written; else
    ``secrets_shown``: whether each secret field written could be verified."""
    mismatches = compare(plan, doc)
    if mismatches:
        raise ReadbackMismatch(mismatches)
    return secrets_shown(plan, doc)


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
