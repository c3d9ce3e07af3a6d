"""GET /api/audit: the audit log, newest first, filterable (admins; an ISP's admin sees its
ISP's entries only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from sqlalchemy import select

from ponapi.api.deps import AdminUser, Ctx, Db
from ponapi.api.schemas import CamelModel, Envelope, UtcDatetime
from ponapi.audit import AuditLog
from ponapi.db.models import AuditEntry

router = APIRouter(prefix="/api/audit", tags=["audit"])


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC, as entries are stored. SQLite keeps timestamps as text without
    their offset, so ``+05:00`` compared as written would be five hours off; a value without
    an offset is taken as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AuditOut(CamelModel):
    id: int
    at: UtcDatetime
    user_id: int | None
    username: str
    action: str
    target: str
    result: str
    details: dict[str, Any] | None
    details_unreadable: bool = False  # a stored row whose details are not a JSON object
    client: str
    request_id: str
    tenant: str | None = None
    subject: str = ""


def readable(text: str | None) -> dict[str, Any] | None:
    """A row's details, or None when they cannot be read back (a row written by an older
    version, cut mid-JSON): that row is shown as unreadable, the listing still answers."""
    try:
        value = orjson.loads(text or "{}")
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


@router.get("", response_model=Envelope[list[AuditOut]])
async def list_audit(
    user: AdminUser,
    db: Db,
    ctx: Ctx,
    username: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[
        str | None, Query(max_length=48, description="e.g. login, stats.read")
    ] = None,
    target: Annotated[str | None, Query(max_length=255)] = None,
    result: Annotated[str | None, Query(max_length=32)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Envelope[list[AuditOut]]:
    audit: AuditLog = ctx.audit
    await audit.flush()
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    if not user.scope.everything:  # an ISP's admin: its own ISP's entries only
        q = q.where(AuditEntry.tenant == user.scope.tenant)
    if username:
        q = q.where(AuditEntry.username == username)
    if action:
        q = q.where(AuditEntry.action == action)
    if target:
        q = q.where(AuditEntry.target == target)
    if result:
        q = q.where(AuditEntry.result == result)
    if since:
        q = q.where(AuditEntry.at >= as_utc(since))
    if until:
        q = q.where(AuditEntry.at <= as_utc(until))
    rows = (await db.execute(q)).scalars().all()
    out = [
        AuditOut(
            id=r.id,
            at=r.at,
            user_id=r.user_id,
            username=r.username,
            action=r.action,
            target=r.target,
            result=r.result,
            details=(details := readable(r.details)),
            details_unreadable=details is None,
            client=r.client,
            request_id=r.request_id,
            tenant=r.tenant,
            subject=r.subject,
        )
        for r in rows
    ]
    return Envelope(data=out, message=f"{len(out)} entries")
