"""First-start set-up: an admin account with a random password, and user creation."""

from __future__ import annotations

import asyncio
import os
import secrets
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ponapi.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from ponapi.db.models import Role, User


class UserExistsError(Exception):
    pass


async def create_user(db: AsyncSession, username: str, password: str, role: Role) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if (
        await db.execute(select(User).where(func.lower(User.username) == username.lower()))
    ).scalar_one_or_none():
        raise UserExistsError(username)
    user = User(username=username, password_hash=hash_password(password), role=role.value)
    db.add(user)
    await db.commit()
    return user


async def ensure_admin(db: AsyncSession, data_dir: Path) -> str | None:
    """Create ``admin`` with a random password when there is no user at all.

    Returns the password (to print once) or None when users already exist. The password is also
    kept in ``<data_dir>/initial_admin_password`` (mode 0600) until an operator removes it.
    """
    if int((await db.execute(select(func.count(User.id)))).scalar_one()) > 0:
        return None
    password = secrets.token_urlsafe(12)
    await create_user(db, "admin", password, Role.admin)
    await asyncio.to_thread(_write_private, data_dir / "initial_admin_password", password + "\n")
    return password


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
