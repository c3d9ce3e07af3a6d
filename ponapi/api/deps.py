"""Every dependency of the routes: the app context, a DB session, the current user, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from ponapi.api.errors import ApiError, ErrorCode
from ponapi.auth.claims import HostTokenError
from ponapi.auth.host import HostAuth, is_own_token
from ponapi.auth.principal import PRINCIPAL, Principal, Scope, scope_for
from ponapi.auth.tokens import TokenError, decode_token
from ponapi.cache import Cache
from ponapi.config import Settings
from ponapi.crypto import CredentialCipher
from ponapi.db.models import Olt, Onu, Role, User
from ponapi.db.registry_watch import RegistryListener
from ponapi.serials import InvalidSerialError, Serial, parse_serial
from ponapi.ttlcache import TtlMap

if TYPE_CHECKING:
    from ponapi.acs.genieacs import GenieAcsClient
    from ponapi.actions.service import DeviceActions
    from ponapi.audit import AuditLog
    from ponapi.auth.passwords import PasswordWorkers
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
    actions: DeviceActions
    # Made at first use by the routes that need them (login, readiness).
    passwords: PasswordWorkers | None = None
    probe_engine: AsyncEngine | None = None
    host_auth: HostAuth | None = None  # the platform's tokens (HOST_* settings)
    # The tenant gate's rows, (OLT id, serial) -> (OLT's tenant, ONU id): TENANT_GATE_CACHE_SECONDS.
    gates: TtlMap[tuple[int, str | None], tuple[str | None, int | None]] = field(
        default_factory=lambda: TtlMap(0)
    )
    # Other processes' registry writes (PostgreSQL): the gate rows are used only while it
    # listens. None: no such notifications (SQLite), the rows live their TTL.
    registry_listener: RegistryListener | None = None

    def gates_usable(self) -> bool:
        """Whether a kept gate row may answer: not while registry notifications, where the
        database has them, are down (then every request asks the database)."""
        return self.registry_listener is None or self.registry_listener.connected

    def registry_changed(self) -> None:
        """The registry changed (this process's commit, or another's notification on
        PostgreSQL): the kept registry lookups and tenant gate rows go at once."""
        self.registry.clear()
        self.gates.clear()


# Dependencies are ``async def`` even when they do not await: FastAPI runs a plain ``def``
# dependency in a worker thread, and the thread hop costs more than the work itself.
async def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    # Every request starts with no principal: nothing is visible until a user is known.
    PRINCIPAL.set(None)
    _GATED.set(None)
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
    """The authenticated user as routes see it (plain data, cacheable for a few seconds).

    ponapi's own users have their database id; a platform token's user has a negative id
    derived from its subject (stable, never a local id) and ``subject`` set."""

    id: int
    username: str
    role: str
    active: bool
    token_version: int
    created_at: Any
    tenant: str | None = None
    platform: bool = False  # an admin of every ISP
    subject: str = ""

    @property
    def scope(self) -> Scope:
        return scope_for(self.tenant, self.platform)


def host_auth(ctx: AppContext) -> HostAuth:
    if ctx.host_auth is None:
        ctx.host_auth = HostAuth.from_settings(ctx.settings)
    return ctx.host_auth


def _unauthorized(details: str) -> ApiError:
    return ApiError(ErrorCode.UNAUTHORIZED, details, headers=_BEARER)


async def _local_user(ctx: AppContext, token: str) -> AuthUser:
    try:
        claims = decode_token(ctx.settings.secret_key, token)
    except TokenError as exc:
        raise _unauthorized(str(exc)) from exc

    async def load() -> AuthUser | None:  # a session only on a miss
        async with ctx.sessions() as db:
            row = await db.get(User, claims.user_id)
        if row is None:
            return None
        platform = row.role == Role.admin.value and row.tenant is None
        return AuthUser(
            row.id,
            row.username,
            row.role,
            row.active,
            row.token_version,
            row.created_at,
            tenant=row.tenant,
            platform=platform,
        )

    user = await ctx.users.get_or_load(claims.user_id, load)
    if user is None or not user.active or user.token_version != claims.version:
        raise _unauthorized("The token is no longer valid for this account; log in again.")
    return user


async def _host_user(host: HostAuth, token: str) -> AuthUser:
    try:
        who = await host.verify(token)
    except HostTokenError as exc:
        raise _unauthorized(str(exc)) from exc
    return AuthUser(
        who.user_id,
        f"platform:{who.subject}"[:64],
        who.role,
        True,
        0,
        datetime.fromtimestamp(0, UTC),
        tenant=who.tenant,
        platform=who.platform,
        subject=who.subject,
    )


async def get_current_user(
    ctx: Ctx, request: Request, token: str | None = Depends(oauth2)
) -> AuthUser:
    """ponapi's own token, or the platform's (HOST_* settings); then the path's objects are
    checked against the user's tenant (see ``gate``) before the route runs."""
    try:
        if not token:
            raise _unauthorized(
                "Send 'Authorization: Bearer <token>'; get a token from POST /api/auth/login."
            )
        host = host_auth(ctx)
        if host.enabled and not is_own_token(token):
            user = await _host_user(host, token)
        else:
            user = await _local_user(ctx, token)
    except ApiError as exc:
        _refused_unknown(ctx, request, exc, bool(token))
        raise
    PRINCIPAL.set(Principal(user.id, user.subject, user.tenant, user.scope))
    await gate(ctx, user, request)
    return user


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _route(request: Request) -> str:
    """The route's template (``/api/olts/{olt_id}/...``), never the path as sent: a bounded
    set of audit targets whatever a caller sends."""
    return str(getattr(request.scope.get("route"), "path", "") or "")[:255]


def _refused_unknown(ctx: AppContext, request: Request, exc: ApiError, sent: bool) -> None:
    """A write refused ``401`` (no token, a bad or stale one) is audited as a refusal with no
    user (the client address is the row's ``client``), aggregated per route and minute like
    every refusal (``AuditLog.refused``), so a flood cannot fill the database."""
    if request.method not in WRITES:
        return
    ctx.audit.refused(
        "access.unauthorized",
        target=_route(request),
        result=exc.code.value,
        method=request.method,
        token="sent" if sent else "none",
    )


CurrentUser = Annotated[AuthUser, Depends(get_current_user)]


def require_role(minimum: Role) -> Any:
    async def check(user: CurrentUser) -> AuthUser:
        if ROLE_RANK[Role(user.role)] < ROLE_RANK[minimum]:
            raise ApiError(
                ErrorCode.FORBIDDEN, f"This action needs the {minimum.value} role or higher."
            )
        return user

    return Depends(check)


async def _platform(user: CurrentUser) -> AuthUser:
    if not user.platform:
        raise ApiError(ErrorCode.FORBIDDEN, "This action needs a platform admin (every ISP).")
    return user


AdminUser = Annotated[AuthUser, require_role(Role.admin)]
PlatformUser = Annotated[AuthUser, Depends(_platform)]
TechnicianUser = Annotated[AuthUser, require_role(Role.technician)]

OltId = Annotated[int, Path(ge=1, le=MAX_DB_ID, description="OLT id in the registry")]


def olt_not_found(olt_id: int) -> ApiError:
    return ApiError(ErrorCode.OLT_NOT_FOUND, f"No OLT with id {olt_id} in the registry.")


def onu_not_found(olt_id: int, serial: Serial) -> ApiError:
    return ApiError(
        ErrorCode.ONU_NOT_FOUND, f"ONU {serial.canonical} is not registered on OLT {olt_id}."
    )


def user_not_found(user_id: int) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"No user with id {user_id}.", message="User not found")


async def get_olt(olt_id: OltId, db: Db, user: CurrentUser) -> Olt:
    """The OLT, when it exists within the user's scope: another ISP's is answered exactly as
    a missing one (404), so nothing tells it exists."""
    olt = await db.get(Olt, olt_id)
    if olt is None or not user.scope.allows(olt.tenant):
        raise olt_not_found(olt_id)
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
    """The ONU on an OLT already in scope (``get_olt``)."""
    onu = (
        await db.execute(select(Onu).where(Onu.olt_id == olt.id, Onu.serial == serial.canonical))
    ).scalar_one_or_none()
    if onu is None:
        raise onu_not_found(olt.id, serial)
    return onu


# --- the tenant gate ------------------------------------------------------------------------
# Every authenticated request's path objects (``olt_id``, ``user_id``) are checked here, in the
# user dependency every protected route has, before the route's own code, role check or cache
# reads run. A route added later is scoped by it too, whatever it forgets. The path's ONU is
# read in the same query, for ``lookup``. The OLT's row (its tenant, the ONU's id) may come
# from this process's TENANT_GATE_CACHE_SECONDS map, which every registry write empties (see
# ``cached_gate``); the user's scope is checked against it on every request. A user row is
# always read from the database.

_GATED: ContextVar[tuple[int, str, int | None] | None] = ContextVar("ponapi_gated", default=None)


def _db_id(raw: object) -> int | None:
    text = str(raw)
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 1 <= value <= MAX_DB_ID else None


# Built once: the OLT's tenant and the id of the ONU with the serial asked (none: NULL).
_GATE_QUERY = (
    select(Olt.tenant, Onu.id)
    .outerjoin(Onu, and_(Onu.olt_id == Olt.id, Onu.serial == bindparam("serial")))
    .where(Olt.id == bindparam("olt_id"))
)


async def _gate_row(
    ctx: AppContext, olt_id: int, serial: Serial | None
) -> tuple[str | None, int | None] | None:
    """The gate's one query, on a plain connection (no ORM session: the hottest query)."""
    params = {"olt_id": olt_id, "serial": serial.canonical if serial else None}
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(_GATE_QUERY, params)).first()
    if row is None:
        return None
    return row[0], None if row[1] is None else int(row[1])


async def cached_gate(
    ctx: AppContext, scope: Scope, olt_id: int, serial: Serial | None
) -> int | None:
    """The OLT within scope (else the very error of a missing OLT) and the id of the ONU
    ``serial`` on it (None: not registered there, or no serial asked): one query, or this
    process's map of gate rows (TENANT_GATE_CACHE_SECONDS). The scope is checked on every
    request against the OLT's tenant; only rows of an existing OLT (and, when asked, a
    registered ONU) are kept, so an OLT or ONU added since is never missed. Registry writes
    drop the rows at once: this process's on commit, every process's through PostgreSQL's
    notifications (``ponapi.db.registry_watch``); while those are not listened to, the map is
    not used. A row read before a change is not kept after it (the map's generation)."""
    key = (olt_id, serial.canonical if serial else None)
    usable = ctx.gates_usable()
    row = ctx.gates.get(key) if usable else None
    if row is None:
        generation = ctx.gates.generation  # a registry change meanwhile: the row is not kept
        row = await _gate_row(ctx, olt_id, serial)
        if usable and row is not None and (serial is None or row[1] is not None):
            ctx.gates.put(key, row, generation)
    if row is None or not scope.allows(row[0]):
        raise olt_not_found(olt_id)
    return row[1]


# Routes whose own audit action records a miss ("stats.read" ONU_NOT_FOUND).
_MISS_ACTION = {"tr069_stats": "stats.read"}


def gated(olt_id: int, serial: Serial) -> tuple[bool, int | None]:
    """Whether this request's gate already read this ONU's registry row within the current
    scope, and the ONU's id it found (None: not registered on that OLT)."""
    seen = _GATED.get()
    if seen is None or seen[:2] != (olt_id, serial.canonical):
        return False, None
    return True, seen[2]


async def gate(ctx: AppContext, user: AuthUser, request: Request) -> None:
    scope = user.scope
    if request.method == "PUT":  # create-or-replace: platform users only (they see all)
        return
    params = request.path_params
    olt_id = _db_id(params["olt_id"]) if "olt_id" in params else None
    user_id = _db_id(params["user_id"]) if "user_id" in params else None
    if olt_id is None and user_id is None:
        return
    serial: Serial | None = None
    if "onu_serial" in params:
        try:
            serial = parse_serial(str(params["onu_serial"]))
        except InvalidSerialError:
            serial = None  # answered INVALID_SERIAL by the route
    try:
        if olt_id is not None:
            onu_id = await cached_gate(ctx, scope, olt_id, serial)
            if serial is not None:  # an unregistered ONU is the route's own 404
                _GATED.set((olt_id, serial.canonical, onu_id))
        if user_id is not None:
            async with ctx.sessions() as db:
                row = (await db.execute(select(User.tenant).where(User.id == user_id))).first()
            if row is None or not scope.allows(row[0]):
                raise user_not_found(user_id)
    except ApiError as exc:  # a miss (or another ISP's object) is audited like any read
        route = request.scope.get("route")
        name = getattr(route, "name", "")
        target = f"olt {olt_id}" if olt_id is not None else f"user {user_id}"
        if serial is not None:
            target += f" onu {serial.canonical}"
        action = _MISS_ACTION.get(name, "access.not-found")
        if request.method in WRITES:  # a refused write: aggregated (``AuditLog.refused``)
            ctx.audit.refused(action, user=user, target=target, result=exc.code.value, route=name)
        else:
            ctx.audit.record(action, user=user, target=target, result=exc.code.value, route=name)
        raise
