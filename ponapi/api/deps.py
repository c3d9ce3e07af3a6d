"""Every dependency of the routes: the app context, a DB session, the current user, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ponapi.api.errors import ApiError, ErrorCode
from ponapi.auth.tokens import TokenError, decode_token
from ponapi.cache import Cache
from ponapi.config import Settings
from ponapi.crypto import CredentialCipher
from ponapi.db.models import Olt, Onu, Role, User
from ponapi.serials import InvalidSerialError, Serial, parse_serial
from ponapi.ttlcache import TtlMap

if TYPE_CHECKING:
    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.audit import AuditLog
    from ponapi.jobs import Jobs
    from ponapi.stats.model import OltRef
    from ponapi.stats.service import StatsService

ROLE_RANK = {Role.viewer: 0, Role.technician: 1, Role.admin: 2}
MAX_DB_ID = 2**31 - 1


@dataclass
class AppContext:
    """The application's services, typed: built once by ``ponapi.main.build_context``."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: Cache
    cipher: CredentialCipher
    acs: GenieAcsClient | None
    users: TtlMap[int, AuthUser]  # the auth cache (AUTH_CACHE_SECONDS)
    registry: TtlMap[tuple[int, str], tuple[OltRef, int, bool]]  # REGISTRY_CACHE_SECONDS
    stats: StatsService
    jobs: Jobs
    audit: AuditLog

    @property
    def extras(self) -> Mapping[str, Any]:
        """Read-only view by name, for code written against the former string-keyed dict;
        new code uses the typed attributes."""
        return {
            "acs": self.acs,
            "users": self.users,
            "registry": self.registry,
            "stats": self.stats,
            "jobs": self.jobs,
            "audit": self.audit,
        }


# Dependencies are ``async def`` even when they do not await: FastAPI runs a plain ``def``
# dependency in a worker thread, and the thread hop costs more than the work itself.
async def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


async def get_db(ctx: Ctx) -> AsyncIterator[AsyncSession]:
    async with ctx.sessions() as session:
        yield session


Db = Annotated[AsyncSession, Depends(get_db)]

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/login", auto_error=False)

_BEARER = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True, slots=True)
class AuthUser:
    """The authenticated user as routes see it (plain data, cacheable for a few seconds)."""

    id: int
    username: str
    role: str
    active: bool
    token_version: int
    created_at: Any


async def get_current_user(ctx: Ctx, token: str | None = Depends(oauth2)) -> AuthUser:
    if not token:
        raise ApiError(
            ErrorCode.UNAUTHORIZED,
            "Send 'Authorization: Bearer <token>'; get a token from POST /api/auth/login.",
            headers=_BEARER,
        )
    try:
        claims = decode_token(ctx.settings.secret_key, token)
    except TokenError as exc:
        raise ApiError(ErrorCode.UNAUTHORIZED, str(exc), headers=_BEARER) from exc
    users = ctx.users

    async def load() -> AuthUser | None:  # a session only on a miss
        async with ctx.sessions() as db:
            row = await db.get(User, claims.user_id)
        if row is None:
            return None
        return AuthUser(
            row.id, row.username, row.role, row.active, row.token_version, row.created_at
        )

    user = await users.get_or_load(claims.user_id, load)
    if user is None or not user.active or user.token_version != claims.version:
        raise ApiError(
            ErrorCode.UNAUTHORIZED,
            "The token is no longer valid for this account; log in again.",
            headers=_BEARER,
        )
    return user


CurrentUser = Annotated[AuthUser, Depends(get_current_user)]


def require_role(minimum: Role) -> Any:
    async def check(user: CurrentUser) -> AuthUser:
        if ROLE_RANK[Role(user.role)] < ROLE_RANK[minimum]:
            raise ApiError(
                ErrorCode.FORBIDDEN, f"This action needs the {minimum.value} role or higher."
            )
        return user

    return Depends(check)


AdminUser = Annotated[AuthUser, require_role(Role.admin)]
TechnicianUser = Annotated[AuthUser, require_role(Role.technician)]

OltId = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="OLT id in the registry")]


async def get_olt(olt_id: OltId, db: Db) -> Olt:
    olt = await db.get(Olt, olt_id)
    if olt is None:
        raise ApiError(ErrorCode.OLT_NOT_FOUND, f"No OLT with id {olt_id} in the registry.")
    return olt


async def serial_from_path(
    onu_serial: Annotated[str, Path(description="GPON serial in any form")],
) -> Serial:
    try:
        return parse_serial(onu_serial)
    except InvalidSerialError as exc:
        raise ApiError(ErrorCode.INVALID_SERIAL, str(exc)) from exc


OnuSerial = Annotated[Serial, Depends(serial_from_path)]


async def find_onu(db: AsyncSession, olt: Olt, serial: Serial) -> Onu:
    onu = (
        await db.execute(select(Onu).where(Onu.olt_id == olt.id, Onu.serial == serial.canonical))
    ).scalar_one_or_none()
    if onu is None:
        raise ApiError(
            ErrorCode.ONU_NOT_FOUND,
            f"ONU {serial.canonical} is not registered on OLT {olt.id}.",
        )
    return onu
