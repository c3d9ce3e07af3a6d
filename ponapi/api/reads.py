"""One user's stats read, shared by every wire format's route: the checks, the rate limits,
the live-read rule, the registry, the read itself, the audit and the secrets by role."""

from __future__ import annotations

import time

from ponapi import ratelimit
from ponapi.api.deps import ROLE_RANK, AppContext, AuthUser, serial_from_path
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.registry import lookup, remember_if_moved
from ponapi.db.models import Role
from ponapi.serials import Serial
from ponapi.stats.entry import parse_sections, read_stats
from ponapi.stats.model import StatsResult
from ponapi.stats.render import limit_logs, revealed_secrets

__all__ = ["check_live_read", "read_for"]


async def read_for(
    ctx: AppContext,
    user: AuthUser,
    olt_id: int,
    onu_serial: str,
    refresh: bool,
    sections: str | None,
    log_limit: int,
) -> StatsResult:
    """One user's stats read, whatever format renders it: the serial and sections checked,
    the rate limits, the live-read rule, the registry, the read (cache, single flight,
    budget), the audit and the secrets by role. Both wire formats call this."""
    started = time.monotonic()
    serial = await serial_from_path(onu_serial)
    wanted = parse_sections(sections)
    limits = ctx.settings
    await ratelimit.check(ctx.cache, f"stats:{user.id}", limits.rate_limit_stats_per_minute)
    if refresh:
        await check_live_read(ctx, user, olt_id, serial, wanted)
    audit = ctx.audit
    target = f"olt {olt_id} onu {serial.canonical}"
    try:
        ref, onu_id = await lookup(ctx, olt_id, serial)
    except ApiError as exc:
        audit.record("stats.read", user=user, target=target, result=exc.code.value)
        raise
    reveal = ROLE_RANK[Role(user.role)] >= ROLE_RANK[Role.technician]
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
    limit_logs(result, log_limit)
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
