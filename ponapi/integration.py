"""Mount ponapi's TR-069 stats endpoint in an existing FastAPI app.

The host app keeps its own users, OLT and ONU tables; it tells ponapi how to find them and
what role each of its users has (see ``examples/host_app.py`` and docs/integration.md)::

    from ponapi.integration import OltInfo, OnuInfo, stats_router

    async def olt_info(olt_id: int) -> OltInfo | None: ...          # from your database
    async def onu_info(olt_id: int, serial: str) -> OnuInfo | None: ...   # serial: HWTC25F08D9D
    def role_of(user) -> str: return "technician" if user.is_staff else "viewer"

    router = stats_router(get_user=current_user, get_olt=olt_info, get_onu=onu_info,
                          get_role=role_of, settings=Settings(genieacs_url="http://genieacs:7557"))
    app.include_router(router, prefix="/api")
    # and in the host app's lifespan, after its ``yield``: await router.stats_handle.aclose()

``get_user`` is the host app's own FastAPI dependency (it raises its own 401). The endpoint is
``GET {prefix}/olts/{olt_id}/onus/{onu_serial}/tr069-stats`` and answers the contract, errors
included, with the service's rules: a live read (``refresh=true``) needs the technician role
or higher (a viewer gets 403); per-user limits on reads and live reads
(``RATE_LIMIT_STATS_PER_MINUTE``, ``RATE_LIMIT_REFRESH_PER_MINUTE``; a read answered from the
ONU's live-read cooldown spends no refresh); the Wi-Fi password only to technicians and admins;
``logLimit``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from ponapi import ratelimit
from ponapi.acs.genieacs import GenieAcsClient
from ponapi.api.errors import ApiError, ErrorCode, error_response
from ponapi.cache import Cache, make_cache
from ponapi.config import Settings
from ponapi.serials import InvalidSerialError, parse_serial
from ponapi.stats.entry import parse_sections, read_stats
from ponapi.stats.refs import OltInfo, OnuInfo, make_ref
from ponapi.stats.render import LOG_LIMIT_DEFAULT, LOG_LIMIT_MAX, limit_logs
from ponapi.stats.service import StatsService

__all__ = ["ROLES", "OltInfo", "OnuInfo", "StatsHandle", "make_ref", "stats_router"]

# The service's roles, lowest first; a host app maps its own users onto them.
ROLES = ("viewer", "technician", "admin")


def default_user_key(user: Any) -> str:
    """What the per-user limits count by: the user's ``id`` (or ``username``/``name``), as an
    attribute or a mapping key."""
    for name in ("id", "username", "name"):
        value = user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)
        if value is not None and value != "":
            return f"{name}:{value}"
    raise TypeError("stats_router: pass user_key= to say which user a request is from")


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
    get_role: Callable[[Any], str] = lambda user: "viewer",
    user_key: Callable[[Any], str] = default_user_key,
    reveal_secrets: Callable[[Any], bool] | None = None,
    handle: StatsHandle | None = None,
) -> APIRouter:
    """The stats route for a host app. ``get_role(user)`` says which of ``ROLES`` the host's
    user has (default: viewer, so live reads stay refused until the host says otherwise);
    ``user_key(user)`` names the user for the rate limits; ``reveal_secrets(user)`` overrides
    who sees the Wi-Fi password (default: technicians and admins)."""
    handle = handle or StatsHandle(settings)
    router = APIRouter(tags=["tr069"])
    router.stats_handle = handle  # type: ignore[attr-defined]

    def rank(user: Any) -> int:
        role = get_role(user)
        if role not in ROLES:
            raise ValueError(f"get_role returned {role!r}; expected one of {ROLES}")
        return ROLES.index(role)

    @router.get("/olts/{olt_id}/onus/{onu_serial}/tr069-stats")
    async def tr069_stats(
        olt_id: str,
        onu_serial: str,
        # A default, not Annotated: get_user is a closure variable, which FastAPI cannot
        # resolve from a postponed (string) annotation.
        user: Any = Depends(get_user),
        refresh: bool = Query(False, description="Read live from the device (technician+)"),
        sections: str | None = Query(None, max_length=400),
        log_limit: int = Query(LOG_LIMIT_DEFAULT, alias="logLimit", ge=1, le=LOG_LIMIT_MAX),
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
            level = rank(user)
            service = handle.service
            who = f"host:{user_key(user)}"
            await ratelimit.check(
                service.cache, f"stats:{who}", settings.rate_limit_stats_per_minute
            )
            if refresh:
                if level < ROLES.index("technician"):
                    raise ApiError(
                        ErrorCode.FORBIDDEN,
                        "A live read (refresh) needs the technician role or higher; without "
                        "refresh the last known values are returned.",
                    )
                if not await service.serves_cooldown(int(olt_id), serial, wanted):
                    await ratelimit.check(
                        service.cache, f"refresh:{who}", settings.rate_limit_refresh_per_minute
                    )
            olt = await get_olt(int(olt_id))
            if olt is None:
                raise ApiError(ErrorCode.OLT_NOT_FOUND, f"No OLT with id {olt_id}.")
            onu = await get_onu(olt.id, serial.canonical)
            if onu is None:
                raise ApiError(
                    ErrorCode.ONU_NOT_FOUND, f"ONU {serial.canonical} is not on OLT {olt.id}."
                )
            reveal = reveal_secrets(user) if reveal_secrets else level >= ROLES.index("technician")
            result = await read_stats(
                service,
                make_ref(olt, onu),
                serial,
                sections=wanted,
                refresh=refresh,
                reveal_secrets=reveal,
                started=started,
                budget=settings.request_budget_seconds,
            )
            limit_logs(result, log_limit)
            return JSONResponse(result.body())
        except ApiError as exc:
            return error_response(
                exc.code, exc.details, message=exc.message, status=exc.status, headers=exc.headers
            )

    return router
