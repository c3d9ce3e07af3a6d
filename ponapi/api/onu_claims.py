"""One registration per device: a serial names one ONU within an ISP (the ACS finds a device by
serial, whatever OLT it is registered on), and a place on an OLT (frame/slot/port/ONT id) holds
one ONU. Registering a second name for either is refused (``409 CONFLICT`` naming the existing
registration); the OLT's own word (a discovery, a CLI read that found the ONU elsewhere) wins
over a stale place in the registry, which is cleared.

The place is also unique in the database (migration 0006); the serial across OLTs of a tenant
is checked here (an OLT's tenant is on the OLT, not on its ONUs)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ponapi.db.models import Olt, Onu
from ponapi.errors import ApiError, ErrorCode
from ponapi.serials import Serial

Place = tuple[int, int, int, int]  # frame, slot, port, ONT id


def _conflict(details: str) -> ApiError:
    return ApiError(ErrorCode.CONFLICT, details, message="The ONU is already registered")


def shown(place: Place) -> str:
    frame, slot, port, ont_id = place
    return f"{frame}/{slot}/{port} ONT {ont_id}"


async def check_new(db: AsyncSession, olt: Olt, serial: Serial, place: Place | None) -> None:
    """Refuse registering ``serial`` (at ``place``) on ``olt`` when the serial is registered on
    another OLT of the same ISP, or the place holds another serial on this OLT."""
    tenant = Olt.tenant.is_(None) if olt.tenant is None else Olt.tenant == olt.tenant
    other = (
        await db.execute(
            select(Onu.olt_id)
            .join(Olt, Olt.id == Onu.olt_id)
            .where(Onu.serial == serial.canonical, Onu.olt_id != olt.id, tenant)
            .order_by(Onu.olt_id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if other is not None:
        raise _conflict(
            f"ONU {serial.canonical} is already registered on OLT {other}: one device, one "
            f"registration. Delete it there first (DELETE /api/olts/{other}/onus/"
            f"{serial.canonical}) if it moved."
        )
    if place is None:
        return
    holder = await held_by(db, olt.id, place)
    if holder is not None and holder != serial.canonical:
        raise _conflict(
            f"OLT {olt.id} has ONU {holder} registered at {shown(place)}; a place holds one ONU."
        )


async def held_by(db: AsyncSession, olt_id: int, place: Place) -> str | None:
    frame, slot, port, ont_id = place
    query = select(Onu.serial).where(
        Onu.olt_id == olt_id,
        Onu.frame == frame,
        Onu.slot == slot,
        Onu.port == port,
        Onu.ont_id == ont_id,
    )
    return (await db.execute(query.limit(1))).scalar_one_or_none()


async def vacate(db: AsyncSession, olt_id: int, place: Place, keep: str) -> None:
    """The OLT says ONU ``keep`` is at ``place``: any other row registered there is stale and
    loses its place (the next CLI read locates it by serial)."""
    frame, slot, port, ont_id = place
    await db.execute(
        update(Onu)
        .where(
            Onu.olt_id == olt_id,
            Onu.frame == frame,
            Onu.slot == slot,
            Onu.port == port,
            Onu.ont_id == ont_id,
            Onu.serial != keep,
        )
        .values(frame=None, slot=None, port=None, ont_id=None)
    )
