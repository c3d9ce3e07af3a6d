"""GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats: the contract of docs/contract."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ponapi import ratelimit
from ponapi.api.deps import (
    AppContext,
    AuthUser,
    Ctx,
    CurrentUser,
    OltId,
    OnuSerial,
    TechnicianUser,
)
from ponapi.api.envelope import success_body
from ponapi.api.reads import IfNoneMatch, answer_for, check_live_read, send
from ponapi.api.registry import lookup, remember_if_moved
from ponapi.jobs import job_view, outcome
from ponapi.serials import Serial
from ponapi.stats.entry import parse_sections
from ponapi.stats.model import StatsResult
from ponapi.stats.render import LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX, limit_logs
from ponapi.tr069 import sections as section_registry

router = APIRouter(prefix="/api/olts", tags=["tr069"])
log = logging.getLogger("ponapi.api")

_STATS_DOC = {
    200: {"description": "The sections and their freshness (see the contract), with an ETag."},
    304: {"description": "Not Modified: If-None-Match names the current ETag (headers only)."},
    400: {"description": "INVALID_SERIAL or INVALID_REQUEST"},
    401: {"description": "UNAUTHORIZED"},
    404: {"description": "OLT_NOT_FOUND or ONU_NOT_FOUND"},
    422: {"description": "TR069_NOT_SUPPORTED"},
    502: {"description": "ACS_UNAVAILABLE, OLT_UNREACHABLE, OLT_AUTH_FAILED or UPSTREAM_ERROR"},
    504: {"description": "UPSTREAM_TIMEOUT"},
}


__all__ = ["check_live_read", "parse_sections", "router"]


@router.get("/{olt_id}/onus/{onu_serial}/tr069-stats", responses=_STATS_DOC)  # type: ignore[arg-type]
async def tr069_stats(
    olt_id: OltId,
    # Parsed in the body rather than through the OnuSerial dependency: the hottest route
    # saves a dependency resolution per request (the same parser, the same INVALID_SERIAL).
    onu_serial: Annotated[str, Path(description="GPON serial in any form")],
    user: CurrentUser,
    ctx: Ctx,
    refresh: Annotated[
        bool, Query(description="Read live from the device (technician or higher)")
    ] = False,
    sections: Annotated[
        str | None, Query(max_length=400, description="Comma-separated subset of sections")
    ] = None,
    log_limit: Annotated[
        int,
        Query(alias="logLimit", ge=1, le=LOG_LIMIT_MAX, description="Device-log lines shown"),
    ] = LOG_LIMIT_DEFAULT,
    if_none_match: IfNoneMatch = None,
) -> Response:
    def encode(result: StatsResult) -> bytes:
        return orjson.dumps(limit_logs(result, log_limit).body())

    answer = await answer_for(
        ctx,
        user,
        olt_id,
        onu_serial,
        refresh,
        sections,
        log_limit,
        variant=("contract", log_limit),
        encode=encode,
        if_none_match=if_none_match,
    )
    return send(answer)


@router.post("/{olt_id}/onus/{onu_serial}/tr069-stats/refresh", status_code=202)
async def refresh_stats(
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Start a live read in the background: 202 with the job; poll ``GET /api/jobs/{id}``."""
    await check_live_read(ctx, user, olt_id, serial, frozenset(section_registry.names()))
    ref, onu_id = await lookup(ctx, olt_id, serial)
    await ctx.stats.accept_refresh(ref, serial)  # one that cannot succeed is refused now

    async def work() -> dict[str, Any]:
        # Kept whole (sealed): GET /api/jobs/{id} blanks secrets by the reader's role then.
        result = await ctx.stats.get(
            ref,
            serial,
            refresh=True,
            reveal_secrets=True,
            deadline=time.monotonic() + ctx.settings.job_budget_seconds,
        )
        await remember_if_moved(ctx, result, ref, onu_id)
        return result.body()

    return await start_job(
        ctx, "stats.refresh", "stats-refresh", user, olt_id, serial, work, "Refresh started"
    )


@router.post("/{olt_id}/onus/{onu_serial}/wifi-survey", status_code=202)
async def wifi_survey(
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Start a Wi-Fi neighbour scan on the ONU (through the ACS): 202 with the job; when it is
    done its result is the stats response with the new ``wifiSurvey``."""
    await ratelimit.check(ctx.cache, f"survey:{user.id}", ctx.settings.rate_limit_survey_per_minute)
    ref, _ = await lookup(ctx, olt_id, serial)
    await ctx.stats.accept_scan(ref, serial)  # refused now: no scan possible, or in cooldown
    budget = ctx.settings.survey_timeout_seconds + ctx.settings.request_budget_seconds

    async def work() -> dict[str, Any]:
        result = await ctx.stats.survey(
            ref, serial, reveal_secrets=True, deadline=time.monotonic() + budget
        )
        return result.body()

    return await start_job(
        ctx, "wifi.survey", "wifi-survey", user, olt_id, serial, work, "Wi-Fi scan started"
    )


async def start_job(
    ctx: AppContext,
    audit_action: str,
    kind: str,
    user: AuthUser,
    olt_id: int,
    serial: Serial,
    work: Callable[[], Awaitable[dict[str, Any]]],
    message: str,
) -> Response:
    """Start a background job, answer 202 with it and its ``Location``. The audit log gets
    the job when it is accepted and its outcome (``ok`` or the error code) when it ends."""
    target = f"olt {olt_id} onu {serial.canonical}"

    def ended(job: dict[str, Any]) -> None:
        ctx.audit.record(audit_action, user=user, target=target, result=outcome(job), job=job["id"])

    job = await ctx.jobs.start(
        kind, user.id, {"oltId": olt_id, "serial": serial.canonical}, work, on_end=ended
    )
    ctx.audit.record(audit_action, user=user, target=target, result="accepted", job=job["id"])
    location = f"/api/jobs/{job['id']}"
    return Response(
        orjson.dumps(success_body(job_view(job), message, {"location": location})),
        status_code=202,
        media_type="application/json",
        headers={"Location": location},
    )
