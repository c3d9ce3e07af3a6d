"""This process's password hashing workers, shared by the login and user-management routes."""

from __future__ import annotations

from ponapi.api.deps import AppContext
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.auth.passwords import PasswordWorkers


def password_workers(ctx: AppContext) -> PasswordWorkers:
    """This process's password hashing threads (made at first use)."""
    workers: PasswordWorkers | None = ctx.passwords
    if workers is None:
        s = ctx.settings
        workers = PasswordWorkers(
            s.password_hash_threads, s.password_hash_queue, s.password_hash_wait_seconds
        )
        ctx.passwords = workers
    return workers


def hashing_busy() -> ApiError:
    return ApiError(
        ErrorCode.RATE_LIMITED,
        "Too many logins are being checked right now; retry in 1 s.",
        headers={"Retry-After": "1"},
    )
