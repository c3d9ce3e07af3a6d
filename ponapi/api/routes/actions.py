"""The TR-069 screen's buttons: POST /api/olts/{olt_id}/onus/{onu_serial}/tr069/<action>.

Thin: each route takes the shared parameters (``action_calls``' dependency bundle) and its
validated body, calls the action's function and answers 200 with the result when it ended
within ``wait`` seconds, else 202 with its job (``Location: /api/jobs/{id}``). Each body's
schema is in the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from ponapi.actions import models as m
from ponapi.actions.service import Submitted
from ponapi.api import action_calls as run
from ponapi.api.action_calls import AdminCall, OnQueuedParam, TechnicianCall, body
from ponapi.api.deps import Ctx, OltId, OnuSerial, TechnicianUser
from ponapi.api.envelope import success_body

router = APIRouter(prefix="/api/olts/{olt_id}/onus/{onu_serial}/tr069", tags=["actions"])

_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The action ended within `wait` s: its result (`status` says "
        "applied, queued, complete...)"
    },
    202: {"description": "Still running: the job; poll GET /api/jobs/{id}"},
    400: {"description": "INVALID_REQUEST naming the field"},
    403: {"description": "FORBIDDEN (role)"},
    409: {
        "description": "CONFLICT: another action runs on this ONU (its job named), or the ACS "
        "holds queued changes for it (named; see `onQueued`)"
    },
    422: {"description": "TR069_NOT_SUPPORTED (device lacks it, or a setting is unset)"},
    429: {"description": "RATE_LIMITED (reboot/factory-reset cooldown)"},
    502: {"description": "UPSTREAM_ERROR (fault, read-back mismatch), ACS/OLT unavailable"},
}


def _answer(sub: Submitted, message: str) -> Response:
    status, answer, headers = run.contract_answer(sub, message)
    return Response(
        orjson.dumps(answer), status_code=status, media_type="application/json", headers=headers
    )


@router.post("/wireless-lan", responses=_DOC, openapi_extra=run.body_doc(m.WirelessLanRequest))
async def wireless_lan(
    request: Request, call: TechnicianCall, on_queued: OnQueuedParam = None
) -> Response:
    """Change the Wi-Fi of a band; the result is the new ``wirelessLan``, read back."""
    req = await body(request, m.WirelessLanRequest)
    return _answer(await run.wireless_lan(call.queued(on_queued), req), "Wi-Fi settings")


@router.post("/lan-dhcp", responses=_DOC, openapi_extra=run.body_doc(m.LanDhcpRequest))
async def lan_dhcp(
    request: Request, call: TechnicianCall, on_queued: OnQueuedParam = None
) -> Response:
    """Change the LAN DHCP server; the result is the new ``lanDhcpServer``, read back."""
    req = await body(request, m.LanDhcpRequest)
    return _answer(await run.lan_dhcp(call.queued(on_queued), req), "LAN DHCP settings")


@router.post("/diagnostic/ping", responses=_DOC, openapi_extra=run.body_doc(m.PingRequest))
async def ping(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.PingRequest)
    return _answer(await run.ping(call, req), "Ping")


@router.post(
    "/diagnostic/traceroute", responses=_DOC, openapi_extra=run.body_doc(m.TracerouteRequest)
)
async def traceroute(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.TracerouteRequest)
    return _answer(await run.traceroute(call, req), "Traceroute")


@router.post(
    "/diagnostic/speedtest", responses=_DOC, openapi_extra=run.body_doc(m.SpeedtestRequest)
)
async def speedtest(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.SpeedtestRequest)
    return _answer(await run.speedtest(call, req), "Speed test")


@router.post("/reboot", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest))
async def reboot(request: Request, call: TechnicianCall) -> Response:
    """Reboot through the ACS; through the OLT CLI when no ACS knows the ONU."""
    req = await body(request, m.ConfirmRequest)
    return _answer(await run.reboot(call, req), "Reboot")


@router.post("/resync-config", responses=_DOC, openapi_extra=run.body_doc(m.ResyncRequest))
async def resync(request: Request, call: TechnicianCall) -> Response:
    """A full re-read of the device into the ACS; its session re-applies the provisions."""
    req = await body(request, m.ResyncRequest)
    return _answer(await run.resync(call, req), "Resync")


@router.post("/factory-reset", responses=_DOC, openapi_extra=run.body_doc(m.FactoryResetRequest))
async def factory_reset(
    request: Request, call: AdminCall, on_queued: OnQueuedParam = None
) -> Response:
    req = await body(request, m.FactoryResetRequest)
    return _answer(await run.factory_reset(call.queued(on_queued), req), "Factory reset")


@router.post("/disable", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest))
async def disable(request: Request, call: AdminCall) -> Response:
    """Suspend the ONU on the OLT (its admin state); ``previousState``/``newState``."""
    req = await body(request, m.ConfirmRequest)
    return _answer(await run.admin_state(call, req, enable=False), "ONU disabled on the OLT")


@router.post("/enable", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest))
async def enable(request: Request, call: AdminCall) -> Response:
    req = await body(request, m.ConfirmRequest)
    return _answer(await run.admin_state(call, req, enable=True), "ONU enabled on the OLT")


@router.delete("/tasks/{task_id}")
async def cancel_task(
    task_id: Annotated[str, Path(max_length=64)],
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Cancel a change GenieACS still holds for this ONU's next session."""
    await run.cancel_task(ctx, user, olt_id, serial, task_id)
    answer = success_body({"taskId": task_id, "status": "cancelled"}, "Task cancelled")
    return Response(orjson.dumps(answer), media_type="application/json")
