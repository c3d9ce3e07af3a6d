"""The TR-069 screen's buttons: POST /api/olts/{olt_id}/onus/{onu_serial}/tr069/<action>.

Thin: parse and validate the body (400 INVALID_REQUEST naming the field), check the role, hand
the action to ``ctx.actions`` and answer 200 with the result when it ended within ``wait``
seconds, else 202 with its job (``Location: /api/jobs/{id}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from ponapi.actions import models as m
from ponapi.actions.errors import ActionValidationError, NotConfiguredError
from ponapi.actions.service import Submitted, as_api_error
from ponapi.actions.work import Work
from ponapi.api.deps import AdminUser, AuthUser, Ctx, OltId, OnuSerial, TechnicianUser
from ponapi.api.envelope import success_body
from ponapi.api.registry import lookup
from ponapi.errors import ApiError, ErrorCode, InvalidRequest
from ponapi.jobs import job_view
from ponapi.serials import Serial
from ponapi.stats.model import OltRef

router = APIRouter(prefix="/api/olts/{olt_id}/onus/{onu_serial}/tr069", tags=["actions"])

_KEY = re.compile(r"[\x21-\x7e]{1,200}")
_TASK_ID = re.compile(r"[0-9a-f]{24}")
_DOC = {
    200: {
        "description": "The action ended within `wait` s: its result (`status` says "
        "applied, queued, complete...)"
    },
    202: {"description": "Still running: the job; poll GET /api/jobs/{id}"},
    400: {"description": "INVALID_REQUEST naming the field"},
    403: {"description": "FORBIDDEN (role)"},
    409: {"description": "CONFLICT: another action runs on this ONU (its job named)"},
    422: {"description": "TR069_NOT_SUPPORTED (device lacks it, or a setting is unset)"},
    429: {"description": "RATE_LIMITED (reboot/factory-reset cooldown)"},
    502: {"description": "UPSTREAM_ERROR (fault, read-back mismatch), ACS/OLT unavailable"},
}

Wait = Annotated[
    float | None,
    Query(ge=0, le=1800, description="Seconds to wait for the result (default 60)"),
]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidRequest("body: is not valid JSON") from None


def _parse(model: type[m.M], body: Any) -> m.M:
    try:
        return m.parse(model, body)
    except ActionValidationError as exc:
        raise as_api_error(exc) from None


def _answer(sub: Submitted, message: str) -> Response:
    job = sub.job
    if sub.done:
        result = sub.result
        status = 200
        body = success_body(result, message, {"jobId": job["id"]})
        headers: dict[str, str] = {}
    else:
        location = f"/api/jobs/{job['id']}"
        status = 202
        body = success_body(job_view(job), "Still running; poll the job", {"location": location})
        headers = {"Location": location}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


async def _submit(
    ctx: Ctx,
    kind: str,
    user: AuthUser,
    olt_id: int,
    serial: Serial,
    request: dict[str, Any],
    build: Callable[[OltRef], Work],
    wait: float | None,
    key: str | None,
    message: str,
) -> Response:
    if key is not None and not _KEY.fullmatch(key):
        raise InvalidRequest("Idempotency-Key: 1-200 printable ASCII characters")
    ref, _ = await lookup(ctx, olt_id, serial)
    sub = await ctx.actions.guards.submit(
        kind, user, olt_id, serial, request, build(ref), wait=wait, idempotency_key=key
    )
    return _answer(sub, message)


@router.post("/wireless-lan", responses=_DOC)  # type: ignore[arg-type]
async def wireless_lan(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    """Change the Wi-Fi of a band; the result is the new ``wirelessLan``, read back."""
    body = await _body(request)
    req = _parse(m.WirelessLanRequest, body)
    return await _submit(
        ctx,
        "wireless-lan",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.wireless_lan(serial, req),
        wait,
        key,
        "Wi-Fi settings",
    )


@router.post("/lan-dhcp", responses=_DOC)  # type: ignore[arg-type]
async def lan_dhcp(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    """Change the LAN DHCP server; the result is the new ``lanDhcpServer``, read back."""
    body = await _body(request)
    req = _parse(m.LanDhcpRequest, body)
    return await _submit(
        ctx,
        "lan-dhcp",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.lan_dhcp(serial, req),
        wait,
        key,
        "LAN DHCP settings",
    )


@router.post("/diagnostic/ping", responses=_DOC)  # type: ignore[arg-type]
async def ping(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    body = await _body(request)
    req = _parse(m.PingRequest, body)
    return await _submit(
        ctx,
        "ping",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.ping(serial, req),
        wait,
        key,
        "Ping",
    )


@router.post("/diagnostic/traceroute", responses=_DOC)  # type: ignore[arg-type]
async def traceroute(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    body = await _body(request)
    req = _parse(m.TracerouteRequest, body)
    return await _submit(
        ctx,
        "traceroute",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.traceroute(serial, req),
        wait,
        key,
        "Traceroute",
    )


@router.post("/diagnostic/speedtest", responses=_DOC)  # type: ignore[arg-type]
async def speedtest(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    body = await _body(request)
    req = _parse(m.SpeedtestRequest, body)
    s = ctx.settings
    url = s.speedtest_download_url if req.direction == "download" else s.speedtest_upload_url
    if not url:  # at once, not after a job
        raise as_api_error(
            NotConfiguredError(f"speedtest {req.direction} URL", "no test server is configured")
        )
    return await _submit(
        ctx,
        "speedtest",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.speedtest(serial, req),
        wait,
        key,
        "Speed test",
    )


@router.post("/reboot", responses=_DOC)  # type: ignore[arg-type]
async def reboot(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    """Reboot through the ACS; through the OLT CLI when no ACS knows the ONU."""
    body = await _body(request)
    _parse(m.ConfirmRequest, body)
    acts = ctx.actions

    async def sent() -> None:
        await acts.guards.start_cooldown(olt_id, serial)

    def build(ref: OltRef) -> Work:
        by_acs = acts.acs.reboot(serial, sent)
        by_olt = acts.cli.reboot(ref.id, ref.target, ref.brand, ref.model, ref.location, sent)

        async def work(deadline: float) -> dict[str, Any]:
            # Through the ACS when it knows the ONU (it sees the device come back), else the OLT.
            known = await acts.acs.device_id(serial) is not None
            return await (by_acs if known else by_olt)(deadline)

        return work

    return await _submit(
        ctx, "reboot", user, olt_id, serial, body or {}, build, wait, key, "Reboot"
    )


@router.post("/resync-config", responses=_DOC)  # type: ignore[arg-type]
async def resync(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    """A full re-read of the device into the ACS; its session re-applies the provisions."""
    body = await _body(request)
    _parse(m.ResyncRequest, body)
    return await _submit(
        ctx,
        "resync-config",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: ctx.actions.acs.resync(serial),
        wait,
        key,
        "Resync",
    )


@router.post("/factory-reset", responses=_DOC)  # type: ignore[arg-type]
async def factory_reset(
    request: Request,
    olt_id: OltId,
    onu_serial: Annotated[str, Path()],
    serial: OnuSerial,
    user: AdminUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    body = await _body(request)
    req = _parse(m.FactoryResetRequest, body)
    try:
        req.check_serial(onu_serial)
    except ActionValidationError as exc:
        raise as_api_error(exc) from None
    acts = ctx.actions

    async def sent() -> None:
        await acts.guards.start_cooldown(olt_id, serial)

    return await _submit(
        ctx,
        "factory-reset",
        user,
        olt_id,
        serial,
        body or {},
        lambda ref: acts.acs.factory_reset(serial, sent),
        wait,
        key,
        "Factory reset",
    )


async def _admin_state(
    request: Request,
    ctx: Ctx,
    olt_id: int,
    serial: Serial,
    user: AuthUser,
    enable: bool,
    wait: float | None,
    key: str | None,
) -> Response:
    body = await _body(request)
    _parse(m.ConfirmRequest, body)
    kind = "enable" if enable else "disable"

    def build(ref: OltRef) -> Work:
        return ctx.actions.cli.admin_state(
            ref.id, ref.target, ref.brand, ref.model, ref.location, enable
        )

    return await _submit(
        ctx, kind, user, olt_id, serial, body or {}, build, wait, key, f"ONU {kind}d on the OLT"
    )


@router.post("/disable", responses=_DOC)  # type: ignore[arg-type]
async def disable(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: AdminUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    """Suspend the ONU on the OLT (its admin state); ``previousState``/``newState``."""
    return await _admin_state(request, ctx, olt_id, serial, user, False, wait, key)


@router.post("/enable", responses=_DOC)  # type: ignore[arg-type]
async def enable(
    request: Request,
    olt_id: OltId,
    serial: OnuSerial,
    user: AdminUser,
    ctx: Ctx,
    wait: Wait = None,
    key: IdemKey = None,
) -> Response:
    return await _admin_state(request, ctx, olt_id, serial, user, True, wait, key)


@router.delete("/tasks/{task_id}")
async def cancel_task(
    task_id: Annotated[str, Path(max_length=64)],
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Cancel a change GenieACS still holds for this ONU's next session."""
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
    body = success_body({"taskId": task_id, "status": "cancelled"}, "Task cancelled")
    return Response(orjson.dumps(body), media_type="application/json")
