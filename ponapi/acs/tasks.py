"""GenieACS tasks: their bodies, and what an answer to one means.

Task shapes are the ones GenieACS 1.2 ``sanitizeTask`` accepts (``lib/api-functions.ts``): one
task object per ``POST /devices/{id}/tasks``. With a connection request, ``200`` means the
session ran the task; ``202`` means it is queued, with the reason in the HTTP reason phrase
(``Task queued but not processed``, ``Device is offline``, ``Task faulted``: the CPE refused it
and a fault record holds the CWMP fault). Neither proves a write (hence the actions' read-back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Task = dict[str, Any]


def set_values(values: Sequence[tuple[str, Any, str]]) -> Task:
    return {"name": "setParameterValues", "parameterValues": [list(v) for v in values]}


def refresh(object_name: str) -> Task:
    return {"name": "refreshObject", "objectName": object_name}


def get_values(names: Sequence[str]) -> Task:
    """Re-read these parameters (an object path re-reads its whole subtree; ``*`` allowed)."""
    return {"name": "getParameterValues", "parameterNames": list(names)}


def reboot() -> Task:
    return {"name": "reboot"}


def factory_reset() -> Task:
    return {"name": "factoryReset"}


@dataclass(frozen=True)
class TaskAnswer:
    """What ``POST /devices/{id}/tasks?connection_request`` answered."""

    status: int
    reason: str
    task: Mapping[str, Any]


@dataclass(frozen=True)
class TaskOutcome:
    """A task's fate: ``applied`` (the session ran it), ``queued`` (GenieACS keeps it for the
    device's next session; ``reason`` says why), ``in-progress`` (the device's session started
    but had not ended when the wait did: GenieACS still holds the task, ``task_id``) or
    ``faulted`` (the CPE refused it: ``fault`` is its CWMP fault, and the task was withdrawn so
    GenieACS does not retry it alone)."""

    state: Literal["applied", "queued", "in-progress", "faulted"]
    task_id: str | None
    reason: str
    fault: str = ""


def outcome(answer: TaskAnswer) -> TaskOutcome:
    """Applied vs queued vs faulted, from the NBI's answer."""
    task_id = answer.task.get("_id")
    tid = str(task_id) if task_id is not None else None
    if answer.status == 200:
        return TaskOutcome("applied", tid, "")
    if answer.status == 202 and answer.reason.strip().lower() == "task faulted":
        return TaskOutcome("faulted", tid, answer.reason)
    if answer.status == 202:
        return TaskOutcome("queued", tid, answer.reason or "Task queued")
    raise ValueError(f"unexpected NBI answer {answer.status} {answer.reason}")


def fault_text(fault: Mapping[str, Any] | None) -> str:
    """A fault record as ``<code> <message>`` (GenieACS ``cwmp.9003 Invalid arguments``)."""
    code = str((fault or {}).get("code") or "unknown")
    message = str((fault or {}).get("message") or "no fault detail recorded")
    return f"{code} {message}"
