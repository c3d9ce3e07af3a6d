"""Running a plan through GenieACS: post its tasks (connection request), tell applied from
queued and faulted, read the changed parameters back, wait for a diagnostic's result or for a
rebooted device to come back. Every call bounded by the action's deadline.

A ``202`` is never reported as applied: the answer is ``status: "queued"`` with GenieACS's
reason and the task id (``DELETE .../tr069/tasks/{id}`` cancels it). A faulted task is deleted
at once (GenieACS would otherwise retry it by itself 5, 10, 20... minutes later, when nobody
expects the change any more) and reported with the device's CWMP fault. A device session that
outlasts the NBI's wait (GenieACS answers when the session ends) is not a timeout: the task is
found again among those GenieACS holds, shown ``in-progress`` with its id in the running job,
and followed until it is done, faulted, or the budget ends (then ``queued``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from ponapi.actions import device as dev_actions
from ponapi.actions import tasks as t
from ponapi.actions.diagnostics import DiagResult
from ponapi.errors import AcsRejected, ApiError, ErrorCode, UpstreamError, UpstreamTimeout
from ponapi.jobs import publish
from ponapi.tr069.document import DeviceDocument

T = TypeVar("T")


class ActionNbi(t.Nbi, Protocol):
    """The NBI as the actions use it (``t.Nbi``: run a task, read, cancel; follow a task)."""

    async def task_held(self, device_id: str, task_id: str) -> bool: ...

    async def task_fault(self, device_id: str, task_id: str) -> dict[str, Any] | None: ...


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_floor() -> datetime:
    """Now, to the second: device timestamps newer than this are the action's results."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class AcsRun:
    nbi: ActionNbi
    device_id: str
    deadline: float  # time.monotonic()
    cr_timeout_ms: int
    poll: float
    # When GenieACS reported the end of the session that ran the last task (its ``200``);
    # None when the end was only seen by following the task (or not at all).
    session_end: datetime | None = None

    def left(self) -> float:
        return self.deadline - time.monotonic()

    async def bounded(self, call: Awaitable[T]) -> T:
        if self.left() <= 0:
            raise UpstreamTimeout("The action's time budget ran out.")
        try:
            async with asyncio.timeout(self.left()):
                return await call
        except TimeoutError as exc:
            raise UpstreamTimeout("The action's time budget ran out waiting for the ACS.") from exc

    async def post(
        self,
        task: t.Task,
        on_sent: Callable[[], Awaitable[None]] | None = None,
        *,
        refused: str = "Nothing was changed and the task was withdrawn.",
    ) -> t.TaskOutcome:
        """Run one task (the ACS's task engine); a faulted one was withdrawn and is an error.
        A session that outlasts the NBI's wait is found again by the task's body and followed
        to its end (``follow``), never a timeout. ``on_sent`` is told once the task reached
        the ACS, answered or not (a reboot's cooldown starts there)."""
        wait = max(500, min(self.cr_timeout_ms, int(self.left() * 1000) - 500))
        try:
            out = await self.bounded(
                self.nbi.run_task(self.device_id, task, timeout_ms=wait, locate=True)
            )
        except ApiError as exc:
            if on_sent is not None and _maybe_sent(exc):  # it may have reached the device
                await on_sent()
            raise
        if on_sent is not None:
            await on_sent()
        if out.state == "faulted":
            raise UpstreamError(
                f"The device refused the {task.get('name')} task: {out.fault}. {refused}"
            )
        self.session_end = now_floor() if out.state == "applied" else None
        if out.state == "in-progress":
            return await self.follow(task, out)
        return out

    async def follow(self, task: t.Task, out: t.TaskOutcome) -> t.TaskOutcome:
        """Follow a task whose session outlasted the NBI's wait until GenieACS no longer holds
        it (done: ``applied``) or records a fault for it (withdrawn, an error), within the
        budget; the job shows it ``in-progress`` with its id meanwhile. Still held when the
        budget ends: ``queued`` (GenieACS keeps it; its id cancels it)."""
        task_id = out.task_id or ""
        if not task_id:  # nothing to follow: unseen is not done
            return t.TaskOutcome("queued", None, out.reason or "GenieACS gave no task id")
        await publish(pending("in-progress", out))
        while self.left() > self.poll + 1:
            await asyncio.sleep(self.poll)
            if not await self.bounded(self.nbi.task_held(self.device_id, task_id)):
                return t.TaskOutcome("applied", task_id, "")
            fault = await self.bounded(self.nbi.task_fault(self.device_id, task_id))
            if fault is not None:
                with contextlib.suppress(ApiError):  # 503 while the device is in session
                    await self.bounded(self.nbi.delete_task(task_id))
                raise UpstreamError(
                    f"The device refused the {task.get('name')} task {task_id}: "
                    f"{t.fault_text(fault)}. The task was withdrawn."
                )
        return t.TaskOutcome(
            "queued",
            task_id,
            "The device's session had not finished the task within the action's budget; "
            "GenieACS keeps it",
        )

    async def run_plan(
        self, plan: t.Plan, on_sent: Callable[[], Awaitable[None]] | None = None
    ) -> dict[str, Any] | None:
        """Post the plan's tasks in order; a queued one stops there (the rest would run before
        it). None when every task ran, else the queued answer."""
        for task in plan.tasks:
            out = await self.post(task, on_sent)
            if out.state == "queued":
                return queued(out)
        return None

    async def read(self, projection: Sequence[str] = ()) -> dict[str, Any]:
        doc = await self.bounded(self.nbi.device(self.device_id, projection))
        if doc is None:
            raise UpstreamError("The ACS no longer has this device.")
        return doc

    async def read_back(
        self, plan: t.Plan, before: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, bool]]:
        """Ask the device for the written parameters in a session of their own, then compare
        (a 200 proves no write: GenieACS skips equal, read-only and unknown parameters
        silently). ``t.reread``, not ``getParameterValues``: GenieACS would answer the latter
        from what it set itself when both sessions start in the same second. Only the written
        parameters are read again (the rest of the document is what ``before`` holds: the
        read-back session refreshed nothing else). Returns ``before`` with the values read
        back, and per secret field written whether the device showed it back."""
        if plan.readback:
            out = await self.post(
                t.reread(plan.readback),
                refused="The change was sent, but its read-back was refused (and withdrawn): "
                "read the ONU's stats again to see what it holds.",
            )
            if out.state == "queued":
                if out.task_id:  # a read left queued is withdrawn: it changes nothing
                    with contextlib.suppress(ApiError):
                        await self.bounded(self.nbi.delete_task(out.task_id))
                raise UpstreamError(
                    f"The change was sent but the device did not answer the read-back "
                    f"({out.reason}); read the ONU's stats again to see what it holds."
                )
        fresh = await self.read(plan.readback or ["_id"])
        secrets = t.verify(plan, DeviceDocument(fresh))
        return overlay(before, fresh, plan.readback), secrets

    async def diagnostic(
        self, root: str, reader: Callable[[dict[str, Any], datetime], DiagResult], since: datetime
    ) -> DiagResult:
        """Ask for the diagnostics object until its state is final or the budget ends."""
        while True:
            out = await self.post(t.get_values([root]))
            if out.state == "applied":
                result = reader(await self.read([root]), since)
                if result.status != "pending":
                    return result
            if self.left() <= self.poll:
                raise UpstreamTimeout(
                    f"The device had not finished the diagnostic within the budget ({root})."
                )
            await asyncio.sleep(self.poll)

    async def came_back(self, since: datetime, *, bootstrap: bool, root: str) -> dict[str, Any]:
        """Wait for the device's ``1 BOOT`` (``0 BOOTSTRAP``) inform after ``since``."""
        paths = ["_lastBoot", "_lastBootstrap", "_lastInform", f"{root}.DeviceInfo.UpTime"]
        while True:
            raw = await self.read(paths)
            back = dev_actions.came_back(raw, since, bootstrap=bootstrap)
            if back.back and back.at is not None:
                return {"cameBack": True, "cameBackAt": _stamp(back.at)}
            if self.left() <= self.poll + 1:
                return {"cameBack": False, "cameBackAt": None}
            await asyncio.sleep(self.poll)


def overlay(base: dict[str, Any], fresh: dict[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """``base`` with the nodes at ``paths`` taken from ``fresh`` (dropped where ``fresh`` has
    none), copying only the dicts on the way to them: ``base`` is left as it was."""
    out = dict(base)
    copied = {id(out)}
    for path in paths:
        parts = path.split(".")
        src: Any = fresh
        for part in parts:
            src = src.get(part) if isinstance(src, dict) else None
        node = out
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict) or id(child) not in copied:
                child = dict(child) if isinstance(child, dict) else {}
                node[part] = child
                copied.add(id(child))
            node = child
        if src is None:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = src
    return out


def _maybe_sent(exc: ApiError) -> bool:
    """A post that failed after it may have reached the ACS (no complete answer), not one
    refused (an HTTP error status) or that never connected."""
    sent = exc.code in (ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.UPSTREAM_ERROR)
    return sent and not isinstance(exc, AcsRejected)


def pending(status: str, out: t.TaskOutcome) -> dict[str, Any]:
    """A task GenieACS holds: ``queued`` (for the device's next session) or ``in-progress``
    (its session is running it), with the id that cancels it."""
    return {
        "status": status,
        "reason": out.reason,
        "taskId": out.task_id,
        "note": "GenieACS holds the task; cancel it with DELETE .../tr069/tasks/{taskId} while "
        "it is queued.",
    }


def queued(out: t.TaskOutcome) -> dict[str, Any]:
    return {
        "status": "queued",
        "reason": out.reason,
        "taskId": out.task_id,
        "note": "GenieACS keeps the task and the device applies it at its next session; "
        "cancel it with DELETE .../tr069/tasks/{taskId}.",
    }


def stamp(at: datetime) -> str:
    return _stamp(at)
