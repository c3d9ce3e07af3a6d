"""The app's own routes (``/api/olts/realtime/...``): the same reads as the contract's routes,
rendered in the app's wire format (``ponapi.appwire``; docs/contract/app-wire.md)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ponapi.api.deps import Ctx, CurrentUser, OltId
from ponapi.api.reads import read_for
from ponapi.appwire.stats import render_stats
from ponapi.stats.render import LOG_LIMIT_DEFAULT

router = APIRouter(prefix="/api/olts/realtime", tags=["app (realtime)"])

_STATS_DOC = {
    200: {"description": "Every section in the app's snake_case form, with availability flags."},
    400: {"description": "INVALID_SERIAL or INVALID_REQUEST"},
    401: {"description": "UNAUTHORIZED"},
    404: {"description": "OLT_NOT_FOUND or ONU_NOT_FOUND"},
    422: {"description": "TR069_NOT_SUPPORTED"},
    429: {"description": "RATE_LIMITED"},
    502: {"description": "ACS_UNAVAILABLE, OLT_UNREACHABLE, OLT_AUTH_FAILED or UPSTREAM_ERROR"},
    504: {"description": "UPSTREAM_TIMEOUT"},
}


@router.get("/{olt_id}/onus/{onu_serial}/tr069-stats", responses=_STATS_DOC)  # type: ignore[arg-type]
async def app_tr069_stats(
    olt_id: OltId,
    onu_serial: Annotated[str, Path(description="GPON serial in any form")],
    user: CurrentUser,
    ctx: Ctx,
    refresh: Annotated[
        bool, Query(description="Read live from the device (technician or higher)")
    ] = False,
) -> Response:
    """The app's stats read: ``GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats`` (same
    guards, cache, single flight, roles and audit), every section, in the app's format."""
    result = await read_for(ctx, user, olt_id, onu_serial, refresh, None, LOG_LIMIT_DEFAULT)
    return Response(orjson.dumps(render_stats(result.body())), media_type="application/json")
