"""Fixed-window counters in the cache backend (Redis when configured, so limits hold across
replicas): per-user limits on stats, refresh and survey, and login throttling per account and
per client address. Exceeding one is ``429 RATE_LIMITED`` with ``Retry-After``."""

from __future__ import annotations

import logging
import math
import time

from ponapi.cache import Cache
from ponapi.errors import ApiError, ErrorCode

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


def _login_keys(account: str, address: str, limit: int) -> tuple[tuple[str, int], ...]:
    # ``la:``: attempts, counted before the check (unlike the earlier ``lfc:`` failure counts).
    return ((f"la:user:{account}", limit), (f"la:ip:{address}", limit * ADDRESS_FACTOR))


async def login_attempt(cache: Cache, account: str, address: str, limit: int, window: float) -> int:
    """Count one login attempt against the account (``limit`` per window) and the client
    address (``ADDRESS_FACTOR`` x ``limit``) *before* its password is checked, and say how
    many seconds to wait when either is over its limit (0: go on and check it).

    Each count is one atomic increment (INCR in Redis, shared by the replicas), so of any
    number of simultaneous guesses at most ``limit`` per account reach the password check;
    reading a counter first and raising it after the check let them all through. The window
    starts at the first attempt. ``account`` is the case-folded username."""
    wait = 0
    for key, most in _login_keys(account, address, limit):
        try:
            count = await cache.incr(key, window)
            if count <= most:
                continue
            left = await cache.ttl(key)
        except Exception:  # the limiter never turns a healthy request into an error
            log.warning("login-attempt counter unavailable", exc_info=True)
            continue
        wait = max(wait, math.ceil(left or 1))
    return wait


async def login_succeeded(cache: Cache, account: str, address: str, window: float) -> None:
    """A good password: the account's count is cleared, and this attempt is taken back from
    the address's count (colleagues behind one NAT address do not use up its allowance by
    logging in). An attacker's failures on that address stay counted."""
    try:
        await cache.delete(f"la:user:{account}")
        await cache.incr(f"la:ip:{address}", window, -1)
    except Exception:
        log.warning("login-attempt counter unavailable", exc_info=True)
