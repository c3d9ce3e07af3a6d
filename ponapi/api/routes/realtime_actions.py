"""The app's buttons (``POST /api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069/...``): the
same actions as the contract's routes (``action_calls``: guards, roles, jobs, audit), with the
app's bodies, answered in its ``{success, message, data}`` format (``render_action``;
docs/contract/app-wire.md).

Each answer comes before the app gives up: a route waits at most its action's app timeout
minus :data:`MARGIN` seconds (less when ``wait`` asks for less); an action still running then
answers ``202`` with ``data.status = "running"``, ``data.task_id`` (its job) and a message
saying so. The app confirms factory reset and disable in its own dialogs: ``{confirm: true}``
alone (factory reset) and no body (disable, enable) are accepted here; roles still decide.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from ponapi.actions import models as m
from ponapi.actions.service import Submitted
from ponapi.api import action_calls as run
from ponapi.api.action_calls import (
    ActionCall,
    AdminCall,
    OnQueuedParam,
    TechnicianCall,
    body,
    body_with,
)
from ponapi.api.deps import Ctx, OltId, OnuSerial, TechnicianUser
from ponapi.appwire.actions import render_action

router = APIRouter(
    prefix="/api/olts/realtime/{olt_id}/onus/{onu_serial}/tr069", tags=["app (realtime)"]
)

# How long the app waits for each answer (its services/api.ts), and the margin kept before.
APP_TIMEOUTS: dict[str, float] = {
    "wireless-lan": 60,
    "lan-dhcp": 60,
    "diagnostic/ping": 60,
    "diagnostic/traceroute": 60,
    "diagnostic/speedtest": 60,
    "reboot": 120,
    "resync-config": 60,
    "factory-reset": 150,
    "disable": 90,
    "enable": 90,
}
MARGIN = 10.0

_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "Done: `{success, message, data}` with the keys the app prints"},
    202: {"description": "Still running: `data.status` `running`, `data.task_id` (the job)"},
    400: {"description": "INVALID_REQUEST; `message` names the field and the rule"},
    403: {"description": "FORBIDDEN (role)"},
    409: {"description": "CONFLICT: another action runs on this ONU, or changes are queued"},
    422: {"description": "TR069_NOT_SUPPORTED"},
    429: {"description": "RATE_LIMITED (reboot/factory-reset cooldown)"},
    502: {"description": "UPSTREAM_ERROR, ACS/OLT unavailable"},
}


def patient(call: ActionCall, action: str) -> ActionCall:
    """The call with ``wait`` capped at the app's timeout for ``action`` minus :data:`MARGIN`."""
    limit = APP_TIMEOUTS[action] - MARGIN
    wanted = call.ctx.settings.action_wait_seconds if call.wait is None else call.wait
    return replace(call, wait=max(0.0, min(wanted, limit)))


def _answer(action: str, sub: Submitted) -> Response:
    status, answer, headers = run.contract_answer(sub, action)
    return Response(
        orjson.dumps(render_action(action, answer)),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


@router.post("/wireless-lan", responses=_DOC, openapi_extra=run.body_doc(m.WirelessLanRequest))
async def app_wireless_lan(
    request: Request, call: TechnicianCall, on_queued: OnQueuedParam = None
) -> Response:
    """``{ssid, password, auth_mode, channel, tx_power, country_domain}``: only what differs
    from the device is set; the same values again are a no-op that says so."""
    req = await body(request, m.WirelessLanRequest)
    return _answer(
        "wireless-lan", await run.wireless_lan(patient(call.queued(on_queued), "wireless-lan"), req)
    )


@router.post("/lan-dhcp", responses=_DOC, openapi_extra=run.body_doc(m.LanDhcpRequest))
async def app_lan_dhcp(
    request: Request, call: TechnicianCall, on_queued: OnQueuedParam = None
) -> Response:
    """``{dhcp_server_enable, start_address, end_address, subnet_mask, dns_servers: "a, b",
    lease_time}``: only what differs from the device is set."""
    req = await body(request, m.LanDhcpRequest)
    return _answer("lan-dhcp", await run.lan_dhcp(patient(call.queued(on_queued), "lan-dhcp"), req))


@router.post("/diagnostic/ping", responses=_DOC, openapi_extra=run.body_doc(m.PingRequest))
async def app_ping(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.PingRequest)
    action = "diagnostic/ping"
    return _answer(action, await run.ping(patient(call, action), req))


@router.post(
    "/diagnostic/traceroute", responses=_DOC, openapi_extra=run.body_doc(m.TracerouteRequest)
)
async def app_traceroute(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.TracerouteRequest)
    action = "diagnostic/traceroute"
    return _answer(action, await run.traceroute(patient(call, action), req))


@router.post(
    "/diagnostic/speedtest", responses=_DOC, openapi_extra=run.body_doc(m.SpeedtestRequest)
)
async def app_speedtest(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.SpeedtestRequest)
    action = "diagnostic/speedtest"
    return _answer(action, await run.speedtest(patient(call, action), req))


@router.post("/reboot", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest))
async def app_reboot(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.ConfirmRequest)
    return _answer("reboot", await run.reboot(patient(call, "reboot"), req))


@router.post("/resync-config", responses=_DOC, openapi_extra=run.body_doc(m.ResyncRequest))
async def app_resync(request: Request, call: TechnicianCall) -> Response:
    req = await body(request, m.ResyncRequest)
    return _answer("resync-config", await run.resync(patient(call, "resync-config"), req))


@router.post("/factory-reset", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest))
async def app_factory_reset(
    request: Request, call: AdminCall, on_queued: OnQueuedParam = None
) -> Response:
    """``{confirm: true}``: the serial is the path's (the app confirms in its own dialog)."""
    req = await body_with(request, m.FactoryResetRequest, {"serial": call.serial.canonical})
    action = "factory-reset"
    return _answer(action, await run.factory_reset(patient(call.queued(on_queued), action), req))


@router.post(
    "/disable", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest, required=False)
)
async def app_disable(request: Request, call: AdminCall) -> Response:
    """No body (the app confirms in its own dialog); ``previous_state``/``new_state``."""
    req = await body_with(request, m.ConfirmRequest, {"confirm": True})
    return _answer("disable", await run.admin_state(patient(call, "disable"), req, enable=False))


@router.post(
    "/enable", responses=_DOC, openapi_extra=run.body_doc(m.ConfirmRequest, required=False)
)
async def app_enable(request: Request, call: AdminCall) -> Response:
    req = await body_with(request, m.ConfirmRequest, {"confirm": True})
    return _answer("enable", await run.admin_state(patient(call, "enable"), req, enable=True))


@router.delete("/tasks/{task_id}")
async def app_cancel_task(
    task_id: Annotated[str, Path(max_length=64)],
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Cancel a change GenieACS still holds for this ONU's next session."""
    await run.cancel_task(ctx, user, olt_id, serial, task_id)
    answer = {
        "success": True,
        "message": f"Task {task_id} was cancelled; the ONU will not receive it.",
        "data": {"task_id": task_id, "status": "cancelled"},
    }
    return Response(orjson.dumps(answer), media_type="application/json")
