"""One user's stats read, shared by every wire format's route: the checks, the rate limits,
the live-read rule, the registry, the read itself, the audit and the secrets by role; and the
answer's bytes with their ``ETag`` (``304`` for a client whose copy is current)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Header
from fastapi.responses import Response

from ponapi import ratelimit
from ponapi.api.deps import ROLE_RANK, AppContext, AuthUser, serial_from_path
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.registry import lookup, remember_if_moved, remember_location_if_moved
from ponapi.db.models import Role
from ponapi.serials import Serial
from ponapi.stats.answers import Answer, Encode, body_etag, cached_answer, matches, read_etag
from ponapi.stats.entry import parse_sections, read_stats
from ponapi.stats.model import OltRef, StatsResult
from ponapi.stats.render import limit_logs, revealed_secrets

__all__ = ["IfNoneMatch", "answer_for", "check_live_read", "send"]

IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=2000,
        description="The ETag of the copy the client has: 304 Not Modified when it is current",
    ),
]

# Every stats answer is one user's view: kept by the app (private), always revalidated (its
# ETag makes that a 304 when nothing changed).
CACHE_CONTROL = "private, no-cache"


async def answer_for(
    ctx: AppContext,
    user: AuthUser,
    olt_id: int,
    onu_serial: str,
    refresh: bool,
    sections: str | None,
    log_limit: int,
    *,
    variant: tuple[str | int, ...],
    encode: Encode,
    if_none_match: str | None,
) -> Answer:
    """One user's stats answer in bytes (``encode``: the route's wire format; ``variant``
    names it and its parameters). A fresh cached entry answers with its kept rendering
    (``ponapi.stats.answers``); otherwise a read (cache, single flight, budget)."""
    started = time.monotonic()
    serial, wanted = await _checked(ctx, user, olt_id, onu_serial, refresh, sections)
    ref, onu_id = await _lookup(ctx, user, olt_id, serial)
    reveal = _reveals(user)
    if not refresh:
        answer = await cached_answer(
            ctx.stats,
            ref,
            serial,
            sections=wanted,
            reveal=reveal,
            variant=variant,
            encode=encode,
            if_none_match=if_none_match,
        )
        if answer is not None:
            target = f"olt {olt_id} onu {serial.canonical}"
            ctx.audit.record(
                "stats.read",
                user=user,
                target=target,
                refresh=False,
                source=answer.source,
                stale=answer.stale,
            )
            for secret in answer.revealed:
                ctx.audit.record("secret.reveal", user=user, target=target, field=secret)
            await remember_location_if_moved(ctx, answer.location, ref, onu_id)
            return answer
    result = await _read(ctx, user, olt_id, serial, ref, onu_id, wanted, refresh, reveal, started)
    limit_logs(result, log_limit)
    body = encode(result)
    named = read_etag(
        ctx.stats, ref, serial, result, sections=wanted, reveal=reveal, variant=variant
    )
    etag = named or body_etag(body)
    meta = result.meta
    sent = None if matches(if_none_match, etag) else body
    return Answer(etag, sent, str(meta["source"]), bool(meta["stale"]))


def send(answer: Answer) -> Response:
    """The answer as sent: its bytes, or ``304 Not Modified`` with headers only."""
    headers = {"ETag": answer.etag, "Cache-Control": CACHE_CONTROL}
    if answer.body is None:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


def _reveals(user: AuthUser) -> bool:
    return ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]


async def _checked(
    ctx: AppContext,
    user: AuthUser,
    olt_id: int,
    onu_serial: str,
    refresh: bool,
    sections: str | None,
) -> tuple[Serial, frozenset[str]]:
    """The serial and the sections checked, the rate limits, the live-read rule."""
    serial = await serial_from_path(onu_serial)
    wanted = parse_sections(sections)
    limits = ctx.settings
    await ratelimit.check(ctx.cache, f"stats:{user.id}", limits.rate_limit_stats_per_minute)
    if refresh:
        await check_live_read(ctx, user, olt_id, serial, wanted)
    return serial, wanted


async def _lookup(
    ctx: AppContext, user: AuthUser, olt_id: int, serial: Serial
) -> tuple[OltRef, int]:
    try:
        return await lookup(ctx, olt_id, serial)
    except ApiError as exc:
        target = f"olt {olt_id} onu {serial.canonical}"
        ctx.audit.record("stats.read", user=user, target=target, result=exc.code.value)
        raise


async def _read(
    ctx: AppContext,
    user: AuthUser,
    olt_id: int,
    serial: Serial,
    ref: OltRef,
    onu_id: int,
    wanted: frozenset[str],
    refresh: bool,
    reveal: bool,
    started: float,
) -> StatsResult:
    """The read (cache, single flight, budget), audited."""
    audit = ctx.audit
    target = f"olt {olt_id} onu {serial.canonical}"
    try:
        result = await read_stats(
            ctx.stats,
            ref,
            serial,
            sections=wanted,
            refresh=refresh,
            reveal_secrets=reveal,
            started=started,
            budget=ctx.settings.request_budget_seconds,
        )
    except ApiError as exc:
        audit.record("stats.read", user=user, target=target, result=exc.code.value, refresh=refresh)
        raise
    audit.record(
        "stats.read",
        user=user,
        target=target,
        refresh=refresh,
        source=result.meta["source"],
        stale=result.meta["stale"],
    )
    for secret in revealed_secrets(result):
        audit.record("secret.reveal", user=user, target=target, field=secret)
    await remember_if_moved(ctx, result, ref, onu_id)
    return result


async def check_live_read(
    ctx: AppContext, user: AuthUser, olt_id: int, serial: Serial, sections: frozenset[str]
) -> None:
    """The one rule of live reads, ``GET ...?refresh=true`` and ``POST .../refresh`` alike:
    the technician role or higher; the refresh rate limit counts only reads that may reach
    the device (an answer from the ONU's cooldown spends none)."""
    if ROLE_RANK[Role(user.role)] < ROLE_RANK[Role.technician]:
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "A live read (refresh) needs the technician role or higher; without refresh the "
            "last known values are returned.",
        )
    if await ctx.stats.serves_cooldown(olt_id, serial, sections):
        return
    await ratelimit.check(
        ctx.cache, f"refresh:{user.id}", ctx.settings.rate_limit_refresh_per_minute
    )
