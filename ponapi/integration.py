"""Mount ponapi's TR-069 stats endpoint in an existing FastAPI app.

The host app keeps its own users, OLT and ONU tables; it tells ponapi how to find them::

    from ponapi.integration import OltInfo, OnuInfo, stats_router

    async def olt_info(olt_id: int) -> OltInfo | None: ...          # from your database
    async def onu_info(olt_id: int, serial: str) -> OnuInfo | None: ...   # serial: HWTC25F08D9D
    def can_see_secrets(user) -> bool: return user.is_staff

    app.include_router(
        stats_router(get_user=current_user, get_olt=olt_info, get_onu=onu_info,
                     reveal_secrets=can_see_secrets,
                     settings=Settings(genieacs_url="http://genieacs:7557")),
        prefix="/api",
    )

``get_user`` is the host app's own FastAPI dependency (it raises its own 401). The endpoint is
``GET {prefix}/olts/{olt_id}/onus/{onu_serial}/tr069-stats`` and answers the contract, errors
included, without the host app installing anything else.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.api.errors import ApiError, ErrorCode, error_response
from ponapi.cache import Cache, make_cache
from ponapi.config import Settings
from ponapi.serials import InvalidSerialError, parse_serial
from ponapi.stats.entry import parse_sections, read_stats
from ponapi.stats.refs import OltInfo, OnuInfo, make_ref
from ponapi.stats.render import LOG_LIMIT_DEFAULT, limit_logs
from ponapi.stats.service import StatsService

__all__ = ["OltInfo", "OnuInfo", "StatsHandle", "make_ref", "stats_router"]


class StatsHandle:
    """The service behind the router, created on first use; ``await handle.aclose()`` on
    shutdown to close ACS connections and OLT sessions."""

    def __init__(self, settings: Settings, cache: Cache | None = None) -> None:
        self.settings = settings
        self._cache = cache
        self._service: StatsService | None = None

    @property
    def service(self) -> StatsService:
        if self._service is None:
            s = self.settings
            acs = GenieAcsClient.from_settings(s)
            self._service = StatsService(s, self._cache or make_cache(s.redis_url), acs)
        return self._service

    async def aclose(self) -> None:
        if self._service is not None:
            if self._service.acs is not None:
                await self._service.acs.close()
            await self._service.optical.close()
            await self._service.pools.close()
            await self._service.cache.close()
            self._service = None


def stats_router(
    *,
    get_user: Callable[..., Any],
    get_olt: Callable[[int], Awaitable[OltInfo | None]],
    get_onu: Callable[[int, str], Awaitable[OnuInfo | None]],
    settings: Settings,
    reveal_secrets: Callable[[Any], bool] = lambda user: False,
    handle: StatsHandle | None = None,
) -> APIRouter:
    handle = handle or StatsHandle(settings)
    router = APIRouter(tags=["tr069"])
    router.stats_handle = handle  # type: ignore[attr-defined]

    @router.get("/olts/{olt_id}/onus/{onu_serial}/tr069-stats")
    async def tr069_stats(
        olt_id: str,
        onu_serial: str,
        # A default, not Annotated: get_user is a closure variable, which FastAPI cannot
        # resolve from a postponed (string) annotation.
        user: Any = Depends(get_user),
        refresh: bool = Query(False),
        sections: str | None = Query(None, max_length=200),
    ) -> JSONResponse:
        started = time.monotonic()
        try:
            if not olt_id.isdigit() or len(olt_id) > 10:
                raise ApiError(ErrorCode.INVALID_REQUEST, "olt_id must be a positive integer.")
            try:
                serial = parse_serial(onu_serial)
            except InvalidSerialError as exc:
                raise ApiError(ErrorCode.INVALID_SERIAL, str(exc)) from exc
            wanted = parse_sections(sections)
            olt = await get_olt(int(olt_id))
            if olt is None:
                raise ApiError(ErrorCode.OLT_NOT_FOUND, f"No OLT with id {olt_id}.")
            onu = await get_onu(olt.id, serial.canonical)
            if onu is None:
                raise ApiError(
                    ErrorCode.ONU_NOT_FOUND, f"ONU {serial.canonical} is not on OLT {olt.id}."
                )
            result = await read_stats(
                handle.service,
                make_ref(olt, onu),
                serial,
                sections=wanted,
                refresh=refresh,
                reveal_secrets=reveal_secrets(user),
                started=started,
                budget=settings.request_budget_seconds,
            )
            limit_logs(result, LOG_LIMIT_DEFAULT)
            return JSONResponse(result.body())
        except ApiError as exc:
            return error_response(
                exc.code, exc.details, message=exc.message, status=exc.status, headers=exc.headers
            )

    return router
