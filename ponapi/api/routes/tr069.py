"""GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats: the contract of docs/contract."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ponapi import ratelimit
from ponapi.api.deps import (
    ROLE_RANK,
    AppContext,
    AuthUser,
    Ctx,
    CurrentUser,
    OltId,
    OnuSerial,
    TechnicianUser,
    get_olt,
    serial_from_path,
)
from ponapi.api.envelope import success_body
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.routes.olts import find_onu
from ponapi.audit import AuditLog
from ponapi.crypto import CredentialError
from ponapi.db.models import Olt, Onu, Role
from ponapi.jobs import Jobs
from ponapi.serials import Serial
from ponapi.stats.service import OltRef, StatsService
from ponapi.tr069.mapper import SECTIONS
from ponapi.ttlcache import TtlMap

router = APIRouter(prefix="/api/olts", tags=["tr069"])
log = logging.getLogger("ponapi.api")

_STATS_DOC = {
    200: {"description": "The five sections and their freshness (see the contract)."},
    400: {"description": "INVALID_SERIAL or INVALID_REQUEST"},
    401: {"description": "UNAUTHORIZED"},
    404: {"description": "OLT_NOT_FOUND or ONU_NOT_FOUND"},
    422: {"description": "TR069_NOT_SUPPORTED"},
    502: {"description": "ACS_UNAVAILABLE, OLT_UNREACHABLE, OLT_AUTH_FAILED or UPSTREAM_ERROR"},
    504: {"description": "UPSTREAM_TIMEOUT"},
}


def parse_sections(value: str | None) -> frozenset[str]:
    if value is None or not value.strip():
        return frozenset(SECTIONS)
    names = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(names - set(SECTIONS))
    if unknown:
        raise ApiError(
            ErrorCode.INVALID_REQUEST,
            f"Unknown section(s) {', '.join(unknown)[:200]}; choose from {', '.join(SECTIONS)}.",
        )
    return frozenset(names)


def stats_service(ctx: AppContext) -> StatsService:
    service: StatsService = ctx.extras["stats"]
    return service


@router.get("/{olt_id}/onus/{onu_serial}/tr069-stats", responses=_STATS_DOC)  # type: ignore[arg-type]
async def tr069_stats(
    olt_id: OltId,
    # Parsed in the body rather than through the OnuSerial dependency: the hottest route
    # saves a dependency resolution per request (the same parser, the same INVALID_SERIAL).
    onu_serial: Annotated[str, Path(description="GPON serial in any form")],
    user: CurrentUser,
    ctx: Ctx,
    refresh: Annotated[bool, Query(description="Read live from the device")] = False,
    sections: Annotated[
        str | None, Query(max_length=200, description="Comma-separated subset of sections")
    ] = None,
) -> Response:
    started = time.monotonic()
    serial = await serial_from_path(onu_serial)
    wanted = parse_sections(sections)
    limits = ctx.settings
    await ratelimit.check(ctx.cache, f"stats:{user.id}", limits.rate_limit_stats_per_minute)
    if refresh:
        await ratelimit.check(ctx.cache, f"refresh:{user.id}", limits.rate_limit_refresh_per_minute)
    audit: AuditLog = ctx.extras["audit"]
    target = f"olt {olt_id} onu {serial.canonical}"
    try:
        ref, onu_id, has_location = await lookup(ctx, olt_id, serial)
    except ApiError as exc:
        audit.record("stats.read", user=user, target=target, result=exc.code.value)
        raise
    reveal = ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]
    budget = ctx.settings.request_budget_seconds
    try:
        async with asyncio.timeout(budget - (time.monotonic() - started)):
            body: dict[str, Any] = await stats_service(ctx).get(
                ref,
                serial,
                sections=wanted,
                refresh=refresh,
                reveal_secrets=reveal,
                deadline=started + budget,
            )
    except ApiError as exc:
        audit.record("stats.read", user=user, target=target, result=exc.code.value, refresh=refresh)
        raise
    except TimeoutError as exc:
        audit.record(
            "stats.read",
            user=user,
            target=target,
            result=ErrorCode.UPSTREAM_TIMEOUT.value,
            refresh=refresh,
        )
        raise ApiError(
            ErrorCode.UPSTREAM_TIMEOUT,
            f"No answer within the {budget:g} s budget for {serial.canonical}; try again, or "
            "call without refresh=true to get the last known values.",
        ) from exc
    audit.record(
        "stats.read",
        user=user,
        target=target,
        refresh=refresh,
        source=body["meta"]["source"],
        stale=body["meta"]["stale"],
    )
    wlan = body["data"].get("wirelessLan") or {}
    if wlan.get("password"):
        audit.record("secret.reveal", user=user, target=target, field="wirelessLan.password")
    await remember_if_found(ctx, body, onu_id, has_location)
    return Response(orjson.dumps(body), media_type="application/json")


async def lookup(ctx: AppContext, olt_id: int, serial: Serial) -> tuple[OltRef, int, bool]:
    """The OLT/ONU registry rows a stats read needs (kept REGISTRY_CACHE_SECONDS in process).

    A session is opened only on a miss, and closed before any upstream call: no database
    connection is held while an ACS or OLT answers."""
    registry: TtlMap[tuple[int, str], tuple[OltRef, int, bool]] = ctx.extras["registry"]

    async def load() -> tuple[OltRef, int, bool]:
        async with ctx.sessions() as db:
            olt = await get_olt(olt_id, db)
            onu = await find_onu(db, olt, serial)
            return olt_ref(ctx, olt, onu), onu.id, onu.ont_id is not None

    hit = await registry.get_or_load((olt_id, serial.canonical), load)
    assert hit is not None  # load() raises rather than returning nothing
    return hit


async def remember_if_found(
    ctx: AppContext, body: dict[str, Any], onu_id: int, has_location: bool
) -> None:
    location = body.get("meta", {}).get("device", {}).get("location")
    if location and not has_location:
        await remember_location(ctx, onu_id, location)
        ctx.extras["registry"].clear()


@router.post("/{olt_id}/onus/{onu_serial}/tr069-stats/refresh", status_code=202)
async def refresh_stats(
    olt_id: OltId,
    serial: OnuSerial,
    user: TechnicianUser,
    ctx: Ctx,
) -> Response:
    """Start a live read in the background: 202 with the job; poll ``GET /api/jobs/{id}``."""
    await ratelimit.check(
        ctx.cache, f"refresh:{user.id}", ctx.settings.rate_limit_refresh_per_minute
    )
    ref, onu_id, has_location = await lookup(ctx, olt_id, serial)
    reveal = ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]

    async def work() -> dict[str, Any]:
        body = await stats_service(ctx).get(
            ref,
            serial,
            refresh=True,
            reveal_secrets=reveal,
            deadline=time.monotonic() + ctx.settings.job_budget_seconds,
        )
        await remember_if_found(ctx, body, onu_id, has_location)
        return body

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
    ref, _, _ = await lookup(ctx, olt_id, serial)
    budget = ctx.settings.survey_timeout_seconds + ctx.settings.request_budget_seconds

    async def work() -> dict[str, Any]:
        return await stats_service(ctx).survey(
            ref, serial, reveal_secrets=True, deadline=time.monotonic() + budget
        )

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
    """Audit, start a background job, answer 202 with it and its ``Location``."""
    ctx.extras["audit"].record(
        audit_action, user=user, target=f"olt {olt_id} onu {serial.canonical}"
    )
    jobs: Jobs = ctx.extras["jobs"]
    job = await jobs.start(kind, user.id, {"oltId": olt_id, "serial": serial.canonical}, work)
    location = f"/api/jobs/{job['id']}"
    return Response(
        orjson.dumps(success_body(job_view(job), message, {"location": location})),
        status_code=202,
        media_type="application/json",
        headers={"Location": location},
    )


def job_view(job: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in job.items() if k not in ("owner", "deadline")}


def olt_ref(ctx: AppContext, olt: Olt, onu: Onu) -> OltRef:
    """Plain data for the service; the OLT password is decrypted only into memory."""
    from ponapi.integration import OltInfo, OnuInfo, make_ref

    password = ""
    try:
        password = ctx.cipher.decrypt(olt.password_encrypted)
    except CredentialError:
        log.error("stored credentials of OLT %s cannot be decrypted", olt.id)
    info = OltInfo(
        id=olt.id,
        brand=olt.brand,
        model=olt.model,
        stats_source=olt.stats_source,
        host=olt.host if password else "",
        port=olt.port,
        protocol=olt.protocol,
        username=olt.username,
        password=password,
        ssh_host_key=olt.ssh_host_key or "",
    )
    return make_ref(info, OnuInfo(onu.frame, onu.slot, onu.port, onu.ont_id))


async def remember_location(ctx: AppContext, onu_id: int, location: dict[str, int]) -> None:
    """An ONU found on the OLT by serial keeps its location in the registry."""
    try:
        async with ctx.sessions() as db:
            row = await db.get(Onu, onu_id)
            if row is not None and row.ont_id is None:
                row.frame, row.slot = location["frame"], location["slot"]
                row.port, row.ont_id = location["port"], location["ontId"]
                await db.commit()
    except Exception:  # the response is already good; the next read locates it again
        log.warning("could not store the location of ONU %s", onu_id, exc_info=True)
