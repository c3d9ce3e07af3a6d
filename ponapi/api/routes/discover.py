"""POST /api/olts/{olt_id}/onus/discover: every ONU the OLT has, registered in one go."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ponapi import ratelimit
from ponapi.api.deps import Ctx, Db, TechnicianUser, get_olt
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.onu_claims import vacate
from ponapi.api.registry import olt_ref
from ponapi.api.schemas import CamelModel, Envelope
from ponapi.db.models import Olt, Onu
from ponapi.errors import CredentialsUnreadable
from ponapi.olt.platforms import Found

router = APIRouter(prefix="/api/olts", tags=["registry"])


class DiscoveredOnu(CamelModel):
    serial: str
    serial_hex: str
    frame: int
    slot: int
    port: int
    ont_id: int
    state: str
    model: str
    registry: str = Field(
        description="new | moved | known | elsewhere (registered on another OLT of the ISP: "
        "not registered here)"
    )


class DiscoveryResult(CamelModel):
    onus: list[DiscoveredOnu]
    registered: int
    moved: int
    known: int
    elsewhere: int = 0


@router.post("/{olt_id}/onus/discover", response_model=Envelope[DiscoveryResult])
async def discover_onus(
    olt: Annotated[Olt, Depends(get_olt)], user: TechnicianUser, db: Db, ctx: Ctx
) -> Envelope[DiscoveryResult]:
    """List every ONU the OLT has over its CLI (location, serial, state) and register them;
    ONUs already registered get their location updated when the OLT says it changed. One
    discovery per OLT runs at a time: a call while one runs joins it and gets its result."""
    started = time.monotonic()
    await ratelimit.check(
        ctx.cache, f"discover:{user.id}", ctx.settings.rate_limit_discover_per_minute
    )
    stub = Onu(id=0, olt_id=olt.id, serial="", frame=None, slot=None, port=None, ont_id=None)
    ref = olt_ref(ctx, olt, stub)
    olt_id, brand, model = olt.id, olt.brand, olt.model
    await db.commit()  # no database connection is held while the OLT is read
    if ref.credentials_unreadable:
        raise CredentialsUnreadable(
            f"The stored credentials of OLT {olt_id} cannot be decrypted (the credential key "
            "changed?); an admin sets the OLT's password again."
        )
    target = ref.target
    if target is None:
        raise ApiError(ErrorCode.INVALID_REQUEST, f"OLT {olt_id} has no CLI access configured.")
    deadline = started + ctx.settings.discover_budget_seconds

    async def work() -> DiscoveryResult:
        found = await ctx.stats.discover(olt_id, brand, model, target, deadline)
        # Its own session: the result is shared with the calls that joined this one.
        async with ctx.sessions() as session:
            out, counts = await register_found(session, olt_id, found)
            await session.commit()
        ctx.registry_changed()
        return DiscoveryResult(
            onus=out,
            registered=counts["new"],
            moved=counts["moved"],
            known=counts["known"],
            elsewhere=counts["elsewhere"],
        )

    result = await ctx.stats.discovery(olt_id, work, deadline)
    ctx.audit.record(
        "onu.discover",
        user=user,
        target=f"olt {olt_id}",
        found=len(result.onus),
        registered=result.registered,
        moved=result.moved,
    )
    return Envelope(data=result, message=f"{len(result.onus)} ONUs found on OLT {olt_id}")


async def register_found(
    db: AsyncSession, olt_id: int, found: list[Found]
) -> tuple[list[DiscoveredOnu], dict[str, int]]:
    """Register the ONUs the OLT listed: new ones added, moved ones updated (not committed).
    The OLT's word wins over the registry's: a row registered at a place where the OLT has
    another ONU loses that place. A serial registered on another OLT of the ISP is one device:
    it is not registered a second time (``elsewhere``)."""
    olt = await db.get(Olt, olt_id)
    tenant = None if olt is None else olt.tenant
    scope = Olt.tenant.is_(None) if tenant is None else Olt.tenant == tenant
    others = set(
        (
            await db.execute(
                select(Onu.serial)
                .join(Olt, Olt.id == Onu.olt_id)
                .where(Onu.olt_id != olt_id, scope)
            )
        ).scalars()
    )
    existing = {
        o.serial: o
        for o in (await db.execute(select(Onu).where(Onu.olt_id == olt_id))).scalars().all()
    }
    out: list[DiscoveredOnu] = []
    counts = {"new": 0, "moved": 0, "known": 0, "elsewhere": 0}
    for f in found:
        row = existing.get(f.serial.canonical)
        where = (f.frame, f.slot, f.port, f.ont_id)
        if row is None and f.serial.canonical in others:
            await vacate(db, olt_id, where, f.serial.canonical)
            status = "elsewhere"
        elif row is None:
            await vacate(db, olt_id, where, f.serial.canonical)
            row = Onu(
                olt_id=olt_id,
                serial=f.serial.canonical,
                frame=f.frame,
                slot=f.slot,
                port=f.port,
                ont_id=f.ont_id,
                description="",
            )
            db.add(row)
            existing[row.serial] = row
            status = "new"
        elif (row.frame, row.slot, row.port, row.ont_id) != where:
            await vacate(db, olt_id, where, f.serial.canonical)
            row.frame, row.slot, row.port, row.ont_id = where
            status = "moved"
        else:
            status = "known"
        counts[status] += 1
        out.append(
            DiscoveredOnu(
                serial=f.serial.canonical,
                serial_hex=f.serial.hex,
                frame=f.frame,
                slot=f.slot,
                port=f.port,
                ont_id=f.ont_id,
                state=f.state,
                model=f.model,
                registry=status,
            )
        )
    return out, counts
