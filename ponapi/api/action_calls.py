"""The device actions as an action route calls them, whatever its URL or wire format.

One dependency bundle (:class:`ActionCall`) carries what every action shares: the OLT id and
the ONU's serial from the path, the caller (role checked), the app context, ``wait`` and the
``Idempotency-Key``. One function per action takes the bundle and the validated body
(:func:`body`) and returns the service's :class:`Submitted`; the route set renders it (the
camelCase routes in ``routes/actions.py``). The checks keep the contract's order: token and
role, path, body, ``Idempotency-Key``, registry, then the service's replay, cooldown and lock.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from pydantic import BaseModel

from ponapi.actions import models as m
from ponapi.actions import requests
from ponapi.actions.errors import ActionValidationError
from ponapi.actions.queue import OnQueued
from ponapi.actions.requests import Body
from ponapi.actions.service import Call, JobFailed, Onu, Submitted, as_api_error
from ponapi.api.deps import ROLE_RANK, AppContext, AuthUser, Ctx, CurrentUser, OltId, OnuSerial
from ponapi.api.envelope import success_body
from ponapi.api.registry import lookup
from ponapi.db.models import Role
from ponapi.errors import ApiError, ErrorCode, InvalidRequest
from ponapi.jobs import job_view
from ponapi.serials import Serial

_KEY = re.compile(r"[\x21-\x7e]{1,200}")
_TASK_ID = re.compile(r"[0-9a-f]{24}")

Wait = Annotated[
    float | None,
    Query(ge=0, le=1800, description="Seconds to wait for the result (default 60)"),
]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]
OnQueuedParam = Annotated[
    OnQueued | None,
    Query(
        alias="onQueued",
        description="When the ACS already holds changes for the ONU (queued for its next "
        "session): `refuse` (default, 409 naming them), `cancel` (delete them first, audited) "
        "or `queue-behind` (queue this change after them)",
    ),
]


@dataclass(frozen=True)
class ActionCall:
    """The parameters every action request shares (resolved by one FastAPI dependency)."""

    ctx: AppContext
    user: AuthUser
    olt_id: int
    serial: Serial
    wait: float | None
    key: str | None
    on_queued: OnQueued | None = None

    async def call(self, sent: dict[str, Any]) -> Call:
        """The service's call: the ``Idempotency-Key`` checked, the ONU found in the registry."""
        if self.key is not None and not _KEY.fullmatch(self.key):
            raise InvalidRequest("Idempotency-Key: 1-200 printable ASCII characters")
        ref, _ = await lookup(self.ctx, self.olt_id, self.serial)
        onu = Onu(ref.id, self.serial, ref.brand, ref.model, ref.target, ref.location, ref.tenant)
        return Call(self.user, onu, sent, self.wait, self.key, self.on_queued)

    def queued(self, on_queued: OnQueued | None) -> ActionCall:
        """The call with the caller's choice about changes the ACS already holds."""
        return replace(self, on_queued=on_queued)


@asynccontextmanager
async def _refusals_audited(
    request: Request, call: ActionCall, minimum: Role
) -> AsyncIterator[None]:
    """The bundle, the role checked first; every refusal that follows (``403``, an invalid
    body or key, an unknown ONU, ``409``, ``429``...) is audited with its outcome, bounded
    (``AuditLog.refused``). A job that ran and failed is its own audited outcome."""
    kind = request.url.path.rstrip("/").rsplit("/", 1)[-1][:40]
    try:
        if ROLE_RANK[Role(call.user.role)] < ROLE_RANK[minimum]:
            raise ApiError(
                ErrorCode.FORBIDDEN, f"This action needs the {minimum.value} role or higher."
            )
        yield
    except ApiError as exc:
        if not isinstance(exc, JobFailed):
            call.ctx.audit.refused(
                f"action.{kind}",
                user=call.user,
                target=f"olt {call.olt_id} onu {call.serial.canonical}",
                result=exc.code.value,
                status=exc.status,
            )
        raise


# Two bundles, one per role the action routes require (checked before anything else is).
async def technician_call(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: CurrentUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> AsyncIterator[ActionCall]:
    call = ActionCall(ctx, user, olt_id, serial, wait, key)
    async with _refusals_audited(request, call, Role.technician):
        yield call


async def admin_call(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: CurrentUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> AsyncIterator[ActionCall]:
    call = ActionCall(ctx, user, olt_id, serial, wait, key)
    async with _refusals_audited(request, call, Role.admin):
        yield call


TechnicianCall = Annotated[ActionCall, Depends(technician_call)]
AdminCall = Annotated[ActionCall, Depends(admin_call)]


def body_doc(model: type[BaseModel], *, required: bool | None = None) -> dict[str, Any]:
    """The body's schema for the OpenAPI document (the body itself is read by :func:`body`,
    which keeps the contract's answers for no body and for invalid JSON)."""
    content = {"application/json": {"schema": requests.schema(model)}}
    needed = requests.required(model) if required is None else required
    return {"requestBody": {"required": needed, "content": content}}


async def body(request: Request, model: type[m.M]) -> Body[m.M]:
    """The request's body validated as ``model``: ``400 INVALID_REQUEST`` naming the field."""
    try:
        return requests.parse(model, await request.body())
    except ActionValidationError as exc:
        raise as_api_error(exc) from None


def contract_answer(sub: Submitted, message: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The contract's success answer of a submitted action: ``200`` with its result when it
    ended within ``wait``, else ``202`` with its job and ``Location`` (status, body, headers).
    The app's routes render the same answer in their own format."""
    job = sub.job
    if sub.done:
        return 200, success_body(sub.result, message, {"jobId": job["id"]}), {}
    location = f"/api/jobs/{job['id']}"
    answer = success_body(job_view(job), "Still running; poll the job", {"location": location})
    return 202, answer, {"Location": location}


async def body_with(request: Request, model: type[m.M], fill: dict[str, Any]) -> Body[m.M]:
    """As :func:`body`, the keys of ``fill`` the request lacks taken from it (no body is
    ``fill`` itself); the body kept for the audit is the one sent."""
    try:
        sent = requests.json_of(await request.body())
        if sent is None:
            sent = {}
        full = {**fill, **sent} if isinstance(sent, dict) else sent
        return requests.Body(m.parse(model, full), sent if isinstance(sent, dict) else {})
    except ActionValidationError as exc:
        raise as_api_error(exc) from None


# --- one function per action: the bundle and the validated body -> the service's answer -------


async def wireless_lan(call: ActionCall, req: Body[m.WirelessLanRequest]) -> Submitted:
    return await call.ctx.actions.wireless_lan(await call.call(req.sent), req.value)


async def lan_dhcp(call: ActionCall, req: Body[m.LanDhcpRequest]) -> Submitted:
    return await call.ctx.actions.lan_dhcp(await call.call(req.sent), req.value)


async def ping(call: ActionCall, req: Body[m.PingRequest]) -> Submitted:
    return await call.ctx.actions.ping(await call.call(req.sent), req.value)


async def traceroute(call: ActionCall, req: Body[m.TracerouteRequest]) -> Submitted:
    return await call.ctx.actions.traceroute(await call.call(req.sent), req.value)


async def speedtest(call: ActionCall, req: Body[m.SpeedtestRequest]) -> Submitted:
    return await call.ctx.actions.speedtest(await call.call(req.sent), req.value)


async def reboot(call: ActionCall, req: Body[m.ConfirmRequest]) -> Submitted:
    return await call.ctx.actions.reboot(await call.call(req.sent), req.value)


async def resync(call: ActionCall, req: Body[m.ResyncRequest]) -> Submitted:
    return await call.ctx.actions.resync(await call.call(req.sent), req.value)


async def factory_reset(call: ActionCall, req: Body[m.FactoryResetRequest]) -> Submitted:
    try:  # with the body's checks, before the registry is asked
        req.value.check_serial(call.serial.canonical)
    except ActionValidationError as exc:
        raise as_api_error(exc) from None
    return await call.ctx.actions.factory_reset(await call.call(req.sent), req.value)


async def admin_state(call: ActionCall, req: Body[m.ConfirmRequest], *, enable: bool) -> Submitted:
    service = call.ctx.actions
    return await service.admin_state(await call.call(req.sent), req.value, enable=enable)


async def cancel_task(
    ctx: AppContext, user: AuthUser, olt_id: int, serial: Serial, task_id: str
) -> None:
    """Cancel a change GenieACS still holds for this ONU's next session (audited); raise
    ``NOT_FOUND`` when it holds no such task."""
    if not _TASK_ID.fullmatch(task_id):
        raise InvalidRequest("task_id: a GenieACS task id (24 hex characters)")
    await lookup(ctx, olt_id, serial)
    done = await ctx.actions.acs.cancel(serial, task_id)
    target = f"olt {olt_id} onu {serial.canonical}"
    ctx.audit.record(
        "action.cancel-task",
        user=user,
        target=target,
        result="ok" if done else "NOT_FOUND",
        taskId=task_id,
    )
    if not done:
        raise ApiError(
            ErrorCode.NOT_FOUND, f"No queued task {task_id} for this ONU.", message="Task not found"
        )
