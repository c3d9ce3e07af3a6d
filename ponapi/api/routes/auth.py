from __future__ import annotations

import json
from datetime import timedelta

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlalchemy import select

from ponapi import ratelimit
from ponapi.api.deps import Ctx, CurrentUser, Db
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.schemas import Envelope, LoginRequest, TokenResponse, UserOut
from ponapi.auth.passwords import verify_password
from ponapi.auth.tokens import create_token
from ponapi.db.models import User

router = APIRouter(prefix="/api/auth", tags=["auth"])

_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginRequest.model_json_schema()},
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string", "minLength": 1, "maxLength": 64},
                        "password": {"type": "string", "minLength": 1, "maxLength": 256},
                        "grant_type": {"type": "string"},
                    },
                }
            },
        },
    }
}


async def _read_credentials(request: Request) -> LoginRequest:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form()
            raw: object = {"username": form.get("username"), "password": form.get("password")}
        else:
            raw = json.loads(await request.body() or b"null")
        return LoginRequest.model_validate(raw)
    except (ValueError, ValidationError) as exc:
        raise ApiError(
            ErrorCode.INVALID_REQUEST,
            'Send JSON {"username": ..., "password": ...} or an OAuth2 password form.',
        ) from exc


@router.post("/login", response_model=TokenResponse, openapi_extra=_LOGIN_BODY)
async def login(request: Request, ctx: Ctx, db: Db) -> TokenResponse:
    creds = await _read_credentials(request)
    account = creds.username.lower()
    address = request.client.host if request.client else "unknown"
    s = ctx.settings
    wait = await ratelimit.login_blocked(ctx.cache, account, address, s.login_max_failures)
    if wait:
        ctx.audit.record("login", username=account, result="throttled", client=address)
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            f"Too many failed logins; retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
    user = (
        await db.execute(select(User).where(User.username == creds.username))
    ).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, creds.password)
    if user is None or not ok or not user.active:
        await ratelimit.login_failed(ctx.cache, account, address, s.login_failure_window_seconds)
        ctx.audit.record("login", username=account, result="failed", client=address)
        raise ApiError(
            ErrorCode.UNAUTHORIZED,
            "Invalid username or password, or the account is disabled.",
            message="Login failed",
        )
    await ratelimit.login_succeeded(ctx.cache, account)
    ctx.audit.record("login", user=user, client=address)
    token, expires_in = create_token(
        ctx.settings.secret_key,
        user.id,
        user.role,
        user.token_version,
        timedelta(minutes=ctx.settings.access_token_expire_minutes),
    )
    return TokenResponse(
        access_token=token, expires_in=expires_in, user=UserOut.model_validate(user)
    )


@router.get("/me", response_model=Envelope[UserOut])
async def me(user: CurrentUser) -> Envelope[UserOut]:
    return Envelope(data=UserOut.model_validate(user), message="Current user")
