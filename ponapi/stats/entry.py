"""The one entry point of a stats read, shared by the app's route and the integration router:
sections validated, the request budget enforced, a spent budget said in plain words."""

from __future__ import annotations

import asyncio
import time
from functools import lru_cache

from ponapi.errors import InvalidRequest, UpstreamTimeout
from ponapi.serials import Serial
from ponapi.stats.model import OltRef, StatsResult
from ponapi.stats.service import StatsService
from ponapi.tr069 import sections as registry


def parse_sections(value: str | None) -> frozenset[str]:
    """``None`` (not given): every section. Given, it must name at least one section
    (``sections=%20,%20`` is an error, not a request for nothing)."""
    return _parse_sections(value, registry.names())


@lru_cache(maxsize=256)  # every read parses it; a client sends one of a handful of values
def _parse_sections(value: str | None, every: tuple[str, ...]) -> frozenset[str]:
    if value is None:
        return frozenset(every)
    names = {part.strip() for part in value.split(",") if part.strip()}
    if not names:
        raise InvalidRequest(
            f"sections names no section; choose from {', '.join(every)}, comma separated, "
            "or leave it out for all."
        )
    unknown = sorted(names - set(every))
    if unknown:
        raise InvalidRequest(
            f"Unknown section(s) {', '.join(unknown)[:200]}; choose from {', '.join(every)}."
        )
    return frozenset(names)


async def read_stats(
    service: StatsService,
    ref: OltRef,
    serial: Serial,
    *,
    sections: frozenset[str],
    refresh: bool,
    reveal_secrets: bool,
    started: float,
    budget: float,
) -> StatsResult:
    """One ONU's stats within ``budget`` seconds from ``started`` (monotonic)."""
    try:
        async with asyncio.timeout(budget - (time.monotonic() - started)):
            return await service.get(
                ref,
                serial,
                sections=sections,
                refresh=refresh,
                reveal_secrets=reveal_secrets,
                deadline=started + budget,
            )
    except TimeoutError as exc:
        raise UpstreamTimeout(
            f"No answer within the {budget:g} s budget for {serial.canonical}; try again, or "
            "call without refresh=true to get the last known values."
        ) from exc
