"""User management for admins. A role change, a disable or a password reset invalidates the
user's existing tokens (their token version moves on). An ISP's admin sees and manages its
ISP's users only (another ISP's user is answered as a missing one); a platform admin, all."""

from __future__ import annotations

import re

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ponapi.api.audited import audited
from ponapi.api.deps import MAX_DB_ID, AdminUser, AuthUser, Ctx, Db, user_not_found
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.passwords import hashing_busy, password_workers
from ponapi.api.schemas import CamelModel, Envelope, UserOut, tenant_value
from ponapi.auth.passwords import MIN_PASSWORD_LENGTH, PasswordWorkersBusy
from ponapi.db.models import Role, User

router = APIRouter(prefix="/api/users", tags=["users"])
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    role: Role = Role.viewer
    tenant: str | None = Field(default=None, max_length=64, description="The user's ISP")

    _tenant = field_validator("tenant")(tenant_value)

    @field_validator("username")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _USERNAME.fullmatch(value):
            raise ValueError("letters, digits and . _ @ - only")
        return value


class UserUpdate(CamelModel):
    role: Role | None = None
    active: bool | None = None
    tenant: str | None = Field(default=None, max_length=64, description="Platform admins only")

    _tenant = field_validator("tenant")(tenant_value)


class PasswordReset(BaseModel):
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)


UserId = Path(ge=1, le=MAX_DB_ID)


async def _user(db: Db, user_id: int, admin: AuthUser) -> User:
    user = await db.get(User, user_id)
    if user is None or not admin.scope.allows(user.tenant):
        raise user_not_found(user_id)
    return user


def _forget(ctx: Ctx, user_id: int) -> None:
    ctx.users.clear()  # this process's auth cache: the change applies at once


@router.get("", response_model=Envelope[list[UserOut]])
async def list_users(admin: AdminUser, db: Db) -> Envelope[list[UserOut]]:
    q = select(User).order_by(User.id)
    if not admin.scope.everything:
        q = q.where(User.tenant == admin.scope.tenant)
    users = (await db.execute(q)).scalars().all()
    return Envelope(data=[UserOut.model_validate(u) for u in users], message=f"{len(users)} users")


async def _hash(ctx: Ctx, password: str) -> str:
    try:
        return await password_workers(ctx).hash(password)
    except PasswordWorkersBusy as exc:
        raise hashing_busy() from exc


@router.post("", response_model=Envelope[UserOut], status_code=201)
async def create_user(body: UserCreate, admin: AdminUser, db: Db, ctx: Ctx) -> Envelope[UserOut]:
    target = f"user {body.username}"
    if not admin.platform and body.tenant not in (None, admin.tenant):
        raise ApiError(ErrorCode.FORBIDDEN, "An ISP's admin creates users in its own ISP only.")
    tenant = body.tenant if admin.platform else admin.tenant
    with audited(ctx, "user.create", user=admin, target=target, role=body.role.value):
        taken = await db.execute(
            select(User.id).where(func.lower(User.username) == body.username.lower())
        )
        if taken.first() is not None:  # usernames are case-insensitive: ANA is ana
            raise ApiError(ErrorCode.CONFLICT, f"User {body.username!r} already exists.")
        await db.rollback()  # the connection goes back to the pool while the password hashes
        user = User(
            username=body.username,
            password_hash=await _hash(ctx, body.password),
            role=body.role.value,
            active=True,
            token_version=0,
            tenant=tenant,
        )
        db.add(user)
        try:
            await db.commit()
        except IntegrityError as exc:
            await db.rollback()
            raise ApiError(ErrorCode.CONFLICT, f"User {body.username!r} already exists.") from exc
    await db.refresh(user)
    return Envelope(data=UserOut.model_validate(user), message="User created")


@router.patch("/{user_id}", response_model=Envelope[UserOut])
async def update_user(
    body: UserUpdate, admin: AdminUser, db: Db, ctx: Ctx, user_id: int = UserId
) -> Envelope[UserOut]:
    user = await _user(db, user_id, admin)
    moving = "tenant" in body.model_fields_set and body.tenant != user.tenant
    with audited(ctx, "user.update", user=admin, target=f"user {user.username}") as note:
        if moving and not admin.platform:
            raise ApiError(ErrorCode.FORBIDDEN, "Only a platform admin moves a user between ISPs.")
        if user.id == admin.id and (
            body.active is False or (body.role and body.role != Role.admin) or moving
        ):
            raise ApiError(
                ErrorCode.INVALID_REQUEST,
                "You cannot disable or demote your own account; ask another admin.",
            )
        changed = False
        if body.role is not None and body.role.value != user.role:
            user.role, changed = body.role.value, True
        if body.active is not None and body.active != user.active:
            user.active, changed = body.active, True
        if moving:
            user.tenant, changed = body.tenant, True
        if changed:
            user.token_version += 1
        note.details.update(role=user.role, active=user.active, tenant=user.tenant, changed=changed)
        await db.commit()
    _forget(ctx, user.id)
    await db.refresh(user)
    return Envelope(data=UserOut.model_validate(user), message="User updated")


@router.post("/{user_id}/password", response_model=Envelope[UserOut])
async def reset_password(
    body: PasswordReset, admin: AdminUser, db: Db, ctx: Ctx, user_id: int = UserId
) -> Envelope[UserOut]:
    user = await _user(db, user_id, admin)
    with audited(ctx, "user.password", user=admin, target=f"user {user.username}"):
        await db.rollback()  # no connection held while the password hashes
        new_hash = await _hash(ctx, body.password)
        user = await _user(db, user_id, admin)
        user.password_hash = new_hash
        user.token_version += 1
        await db.commit()
    _forget(ctx, user.id)
    await db.refresh(user)
    return Envelope(data=UserOut.model_validate(user), message="Password reset")
