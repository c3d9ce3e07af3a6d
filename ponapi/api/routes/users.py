"""User management for admins. A role change, a disable or a password reset invalidates the
user's existing tokens (their token version moves on)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ponapi.api.deps import MAX_DB_ID, AdminUser, Ctx, Db
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.schemas import CamelModel, Envelope, UserOut
from ponapi.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from ponapi.db.models import Role, User

router = APIRouter(prefix="/api/users", tags=["users"])
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    role: Role = Role.viewer

    @field_validator("username")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _USERNAME.fullmatch(value):
            raise ValueError("letters, digits and . _ @ - only")
        return value


class UserUpdate(CamelModel):
    role: Role | None = None
    active: bool | None = None


class PasswordReset(BaseModel):
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)


UserId = Path(ge=1, le=MAX_DB_ID)


async def _user(db: Db, user_id: int) -> User:
    user = await db.get(User, user_id)
    if user is None:
        raise ApiError(ErrorCode.NOT_FOUND, f"No user with id {user_id}.", message="User not found")
    return user


def _forget(ctx: Ctx, user_id: int) -> None:
    ctx.users.clear()  # this process's auth cache: the change applies at once


@router.get("", response_model=Envelope[list[UserOut]])
async def list_users(_: AdminUser, db: Db) -> Envelope[list[UserOut]]:
    users = (await db.execute(select(User).order_by(User.id))).scalars().all()
    return Envelope(data=[UserOut.model_validate(u) for u in users], message=f"{len(users)} users")


@router.post("", response_model=Envelope[UserOut], status_code=201)
async def create_user(body: UserCreate, admin: AdminUser, db: Db, ctx: Ctx) -> Envelope[UserOut]:
    user = User(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role.value,
        active=True,
        token_version=0,
    )
    db.add(user)
    try:
        await db.commit()
    except IntegrityError as exc:
        await db.rollback()
        raise ApiError(ErrorCode.CONFLICT, f"User {body.username!r} already exists.") from exc
    await db.refresh(user)
    ctx.audit.record("user.create", user=admin, target=f"user {user.username}", role=user.role)
    return Envelope(data=UserOut.model_validate(user), message="User created")


@router.patch("/{user_id}", response_model=Envelope[UserOut])
async def update_user(
    body: UserUpdate, admin: AdminUser, db: Db, ctx: Ctx, user_id: int = UserId
) -> Envelope[UserOut]:
    user = await _user(db, user_id)
    if user.id == admin.id and (body.active is False or (body.role and body.role != Role.admin)):
        raise ApiError(
            ErrorCode.INVALID_REQUEST,
            "You cannot disable or demote your own account; ask another admin.",
        )
    changed = False
    if body.role is not None and body.role.value != user.role:
        user.role, changed = body.role.value, True
    if body.active is not None and body.active != user.active:
        user.active, changed = body.active, True
    if changed:
        user.token_version += 1
        ctx.audit.record(
            "user.update",
            user=admin,
            target=f"user {user.username}",
            role=user.role,
            active=user.active,
        )
    await db.commit()
    _forget(ctx, user.id)
    await db.refresh(user)
    return Envelope(data=UserOut.model_validate(user), message="User updated")


@router.post("/{user_id}/password", response_model=Envelope[UserOut])
async def reset_password(
    body: PasswordReset, admin: AdminUser, db: Db, ctx: Ctx, user_id: int = UserId
) -> Envelope[UserOut]:
    user = await _user(db, user_id)
    user.password_hash = hash_password(body.password)
    user.token_version += 1
    ctx.audit.record("user.password", user=admin, target=f"user {user.username}")
    await db.commit()
    _forget(ctx, user.id)
    await db.refresh(user)
    return Envelope(data=UserOut.model_validate(user), message="Password reset")
