"""GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats: the contract of ../shared/contract."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ponapi.api.deps import ROLE_RANK, Ctx, CurrentUser, Db, OnuSerial, get_olt
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.routes.olts import find_onu
from ponapi.db.models import Olt, Role
from ponapi.stats.service import OltRef, StatsService
from ponapi.tr069.mapper import SECTIONS

router = APIRouter(prefix="/api/olts", tags=["tr069"])

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


def get_stats_service(ctx: Ctx) -> StatsService:
    service: StatsService = ctx.extras["stats"]
    return service


@router.get("/{olt_id}/onus/{onu_serial}/tr069-stats", responses=_STATS_DOC)  # type: ignore[arg-type]
async def tr069_stats(
    olt: Annotated[Olt, Depends(get_olt)],
    serial: OnuSerial,
    user: CurrentUser,
    db: Db,
    ctx: Ctx,
    service: Annotated[StatsService, Depends(get_stats_service)],
    refresh: Annotated[bool, Query(description="Read live from the device")] = False,
    sections: Annotated[
        str | None, Query(max_length=200, description="Comma-separated subset of sections")
    ] = None,
) -> JSONResponse:
    started = time.monotonic()
    wanted = parse_sections(sections)
    await find_onu(db, olt, serial)
    ref = OltRef(id=olt.id, stats_source=olt.stats_source)
    reveal = ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]
    await db.commit()  # end the read transaction: no connection is held during upstream calls
    budget = ctx.settings.request_budget_seconds
    try:
        async with asyncio.timeout(budget - (time.monotonic() - started)):
            body: dict[str, Any] = await service.get(
                ref,
                serial,
                sections=wanted,
                refresh=refresh,
                reveal_secrets=reveal,
                deadline=started + budget,
            )
    except TimeoutError as exc:
        raise ApiError(
            ErrorCode.UPSTREAM_TIMEOUT,
            f"No answer within the {budget:g} s budget for {serial.canonical}; try again, or "
            "call without refresh=true to get the last known values.",
        ) from exc
    return JSONResponse(body)
