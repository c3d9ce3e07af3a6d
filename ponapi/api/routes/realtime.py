"""The app's own routes (``/api/olts/realtime/...``): the same reads as the contract's routes,
rendered in the app's wire format (``ponapi.appwire``; docs/contract/app-wire.md)."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ponapi.api.deps import Ctx, CurrentUser, OltId
from ponapi.api.reads import IfNoneMatch, answer_for, send
from ponapi.appwire.stats import render_stats
from ponapi.stats.model import StatsResult
from ponapi.stats.render import LOG_LIMIT_DEFAULT, limit_logs

router = APIRouter(prefix="/api/olts/realtime", tags=["app (realtime)"])

_STATS_DOC = {
    200: {"description": "Every section in the app's snake_case form, with availability flags."},
    304: {"description": "Not Modified: If-None-Match names the current ETag (headers only)."},
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
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The app's stats read: ``GET /api/olts/{olt_id}/onus/{onu_serial}/tr069-stats`` (same
    guards, cache, single flight, roles and audit), every section, in the app's format."""
    answer = await answer_for(
        ctx,
        user,
        olt_id,
        onu_serial,
        refresh,
        None,
        LOG_LIMIT_DEFAULT,
        variant=("app",),
        encode=_encode,
        if_none_match=if_none_match,
    )
    return send(answer)


def _encode(result: StatsResult) -> bytes:
    return orjson.dumps(render_stats(limit_logs(result, LOG_LIMIT_DEFAULT).body()))
