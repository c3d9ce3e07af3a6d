"""Changes GenieACS already holds for a device (queued for its next session, or faulted and
waiting for a retry): a new change does not silently pile up behind them. It is refused
(``409 CONFLICT`` naming them) unless the caller cancels them first (``onQueued=cancel``) or
queues behind them (``onQueued=queue-behind``); a factory reset that ends up queued supersedes
the changes queued with it (deleted, and listed as ``superseded``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ponapi.actions.acs_flow import AcsRun
from ponapi.errors import ApiError, ErrorCode


class Nbi(Protocol):
    async def device_tasks(self, device_id: str) -> list[dict[str, Any]]: ...

    async def delete_task(self, task_id: str) -> bool: ...


OnQueued = Literal["refuse", "cancel", "queue-behind"]


@dataclass(frozen=True)
class Queued:
    """What a change does about the changes GenieACS already holds for the device (queued for
    its next session): ``refuse`` (409 naming them), ``cancel`` (delete them first; each one
    told to ``cancelled``, for the audit) or ``queue-behind`` (accept this one after them)."""

    mode: OnQueued = "refuse"
    cancelled: Callable[[dict[str, Any]], None] | None = None


CHANGE_TASKS = frozenset(
    {
        "setParameterValues",
        "addObject",
        "deleteObject",
        "factoryReset",
        "download",
        "provisions",
    }
)


def _changes(task: dict[str, Any]) -> bool:
    if task.get("name") not in CHANGE_TASKS or not isinstance(task.get("_id"), str):
        return False
    provisions = task.get("provisions")
    if task.get("name") == "provisions" and isinstance(provisions, list) and provisions:
        # Only refreshes (an action's read-back, ``tasks.reread``): a read, not a change.
        return not all(isinstance(p, list) and p[:1] == ["refresh"] for p in provisions)
    return True


def queued_changes(held: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tasks GenieACS holds for a device that change it (reads, read-backs and reboots
    left out)."""
    return [x for x in held if _changes(x)]


def task_summary(task: dict[str, Any]) -> dict[str, Any]:
    """A held task as answers name it: id, name, when it was queued."""
    return {
        "taskId": str(task.get("_id")),
        "name": str(task.get("name")),
        "queuedAt": str(task.get("timestamp") or "") or None,
    }


async def held(nbi: Nbi | None, run: AcsRun, policy: Queued | None) -> list[dict[str, Any]]:
    """The changes GenieACS holds for the device, when ``policy`` has to know them."""
    if policy is None or policy.mode == "queue-behind" or nbi is None:
        return []
    return queued_changes(await run.bounded(nbi.device_tasks(run.device_id)))


async def decide(
    nbi: Nbi | None, run: AcsRun, policy: Queued | None, changes: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """What ``policy`` does about the held ``changes``: refused (``CONFLICT`` naming them),
    cancelled (listed as ``cancelled``) or queued behind. Called once the new change is
    planned, so an invalid request never cancels anything."""
    if not changes or policy is None or nbi is None or policy.mode == "queue-behind":
        return {}
    if policy.mode == "refuse":
        named = "; ".join(
            f"{x['taskId']} {x['name']} (queued {x['queuedAt'] or 'at an unknown time'})"
            for x in map(task_summary, changes)
        )
        raise ApiError(
            ErrorCode.CONFLICT,
            f"The ACS holds changes not yet applied for this ONU: {named}. Send "
            "onQueued=cancel to delete them first, or onQueued=queue-behind to queue this "
            "change after them.",
            message="Changes are queued for this ONU",
        )
    cancelled = []
    for task in changes:
        if await run.bounded(nbi.delete_task(str(task["_id"]))):
            summary = task_summary(task)
            cancelled.append(summary)
            if policy.cancelled is not None:
                policy.cancelled(summary)
    return {"cancelled": cancelled}


async def settle(nbi: Nbi | None, run: AcsRun, policy: Queued | None) -> dict[str, Any]:
    """Before a change: the changes GenieACS holds for the device, refused, cancelled or
    queued behind, per ``policy`` (``held`` then ``decide``)."""
    return await decide(nbi, run, policy, await held(nbi, run, policy))


async def supersede(nbi: Nbi | None, run: AcsRun, reset_id: object) -> list[dict[str, Any]]:
    """A factory reset queued in GenieACS wipes whatever changes are queued with it: they
    are deleted now (not applied to a device about to be reset), and listed."""
    if nbi is None:
        return []
    held = await run.bounded(nbi.device_tasks(run.device_id))
    gone = []
    for task in queued_changes(held):
        if str(task.get("_id")) == str(reset_id):
            continue
        if await run.bounded(nbi.delete_task(str(task["_id"]))):
            gone.append(task_summary(task))
    return gone
