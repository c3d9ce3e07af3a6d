"""Fixed-window counters in the cache backend (Redis when configured, so limits hold across
replicas): per-user limits on stats, refresh and survey, and login throttling per account and
per client address. Exceeding one is ``429 RATE_LIMITED`` with ``Retry-After``."""

from __future__ import annotations

import logging
import math
import time

from ponapi.api.errors import ApiError, ErrorCode
from ponapi.cache import Cache

log = logging.getLogger("ponapi.ratelimit")
WINDOW = 60.0


def _retry_after(window: float) -> int:
    return max(1, math.ceil(window - time.time() % window))


async def check(cache: Cache, key: str, limit: int, window: float = WINDOW) -> None:
    """Count one hit in the current window; raise RATE_LIMITED past ``limit``."""
    slot = int(time.time() // window)
    try:
        count = await cache.incr(f"rl:{key}:{slot}", window)
    except Exception:  # the limiter never turns a healthy request into an error
        log.warning("rate-limit counter unavailable", exc_info=True)
        return
    if count > limit:
        wait = _retry_after(window)
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            f"Limit of {limit} per {window:g} s reached; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


ADDRESS_FACTOR = 5  # an office behind NAT shares one address: more room per address


async def login_blocked(cache: Cache, account: str, address: str, limit: int) -> int:
    """Seconds to wait when the account (``limit`` failures) or the client address
    (``ADDRESS_FACTOR`` x ``limit``) has too many recent failed logins; else 0."""
    for key, most in ((f"user:{account}", limit), (f"ip:{address}", limit * ADDRESS_FACTOR)):
        try:
            raw = await cache.get(f"lfc:{key}")
            if raw is None or int(raw) < most:
                continue
            left = await cache.ttl(f"lfc:{key}")
        except Exception:
            return 0
        return max(1, math.ceil(left or 1))
    return 0


async def login_failed(cache: Cache, account: str, address: str, window: float) -> None:
    """Count a failed login against the account and the address: one atomic increment each
    (INCR in Redis), so failures arriving at several replicas at once are all counted. The
    window starts at the first failure. (``lfc:``: counters, unlike the earlier ``lf:`` values.)"""
    for key in (f"user:{account}", f"ip:{address}"):
        try:
            await cache.incr(f"lfc:{key}", window)
        except Exception:
            log.warning("login-failure counter unavailable", exc_info=True)


async def login_succeeded(cache: Cache, account: str) -> None:
    """Clears the account's failures (not the address's: one good account must not reset
    the counter an attacker on that address is climbing)."""
    try:
        await cache.delete(f"lfc:user:{account}")
    except Exception:
        return
