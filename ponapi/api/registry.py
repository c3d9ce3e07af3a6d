"""The registry as a stats read sees it: the OLT/ONU rows as plain data for the service (the
OLT password decrypted into memory only), and where the OLT CLI found an ONU."""

from __future__ import annotations

import logging

from sqlalchemy import select

from ponapi.api.deps import AppContext, cached_gate, gated, onu_not_found
from ponapi.api.onu_claims import vacate
from ponapi.auth.principal import Scope, current_scope
from ponapi.crypto import CredentialError
from ponapi.db.models import Olt, Onu
from ponapi.serials import Serial
from ponapi.stats.model import OltRef, StatsResult
from ponapi.stats.refs import OltInfo, OnuInfo, make_ref

log = logging.getLogger("ponapi.api")


async def lookup(
    ctx: AppContext, olt_id: int, serial: Serial, scope: Scope | None = None
) -> tuple[OltRef, int]:
    """The OLT/ONU registry rows a read or an action needs, within ``scope`` (default: the
    request's user, set by the user dependency; none known: nothing is found).

    The tenant gate runs first: this request's user dependency already ran it for the path's
    ONU (then it is not repeated), else here, with the request's scope checked against the
    OLT's tenant (the row itself may come from the TENANT_GATE_CACHE_SECONDS map).
    Only then the rows (the decrypted OLT credentials) may come from this process's
    REGISTRY_CACHE_SECONDS map. No connection is held while an ACS or OLT answers."""
    current = current_scope()
    scope = scope if scope is not None else current
    done, onu_id = gated(olt_id, serial) if scope == current else (False, None)
    if scope.nothing or not done:
        onu_id = await cached_gate(ctx, scope, olt_id, serial)
    if onu_id is None:
        raise onu_not_found(olt_id, serial)

    async def load() -> tuple[OltRef, int, bool]:
        async with ctx.sessions() as db:
            olt = await db.get(Olt, olt_id)
            onu = (
                await db.execute(
                    select(Onu).where(Onu.olt_id == olt_id, Onu.serial == serial.canonical)
                )
            ).scalar_one_or_none()
            if olt is None or onu is None:  # removed since the gate: as if never there
                raise onu_not_found(olt_id, serial)
            return olt_ref(ctx, olt, onu), onu.id, onu.ont_id is not None

    hit = await ctx.registry.get_or_load((olt_id, serial.canonical), load)
    assert hit is not None  # load() raises rather than returning nothing
    return hit[0], hit[1]


async def remember_if_moved(ctx: AppContext, result: StatsResult, ref: OltRef, onu_id: int) -> None:
    """Where the OLT CLI found the ONU elsewhere than registered (or first found it), the
    registry learns it: the next read goes straight there (4 commands, not 9)."""
    await remember_location_if_moved(ctx, result.location, ref, onu_id)


async def remember_location_if_moved(
    ctx: AppContext, found: dict[str, int] | None, ref: OltRef, onu_id: int
) -> None:
    """``remember_if_moved`` for a location ``found`` by a read (``None``: none found)."""
    if not found:
        return
    known = ref.location
    if known and (known.frame, known.slot, known.port, known.ont_id) == (
        found["frame"],
        found["slot"],
        found["port"],
        found["ontId"],
    ):
        return
    await remember_location(ctx, onu_id, found)
    ctx.registry_changed()


def olt_ref(ctx: AppContext, olt: Olt, onu: Onu) -> OltRef:
    """Plain data for the service; the OLT password is decrypted only into memory."""
    password, unreadable = "", False
    try:
        password = ctx.cipher.decrypt(olt.password_encrypted)
    except CredentialError:
        log.error("stored credentials of OLT %s cannot be decrypted", olt.id)
        unreadable = bool(olt.host and olt.username)
    info = OltInfo(
        id=olt.id,
        brand=olt.brand,
        model=olt.model,
        stats_source=olt.stats_source,
        host=olt.host if password else "",
        port=olt.port,
        protocol=olt.protocol,
        username=olt.username,
        password=password,
        ssh_host_key=olt.ssh_host_key or "",
        credentials_unreadable=unreadable,
        tenant=olt.tenant,
    )
    return make_ref(info, OnuInfo(onu.frame, onu.slot, onu.port, onu.ont_id))


async def remember_location(ctx: AppContext, onu_id: int, location: dict[str, int]) -> None:
    """An ONU found on the OLT by serial (first, or after it moved) keeps its location in the
    registry."""
    try:
        async with ctx.sessions() as db:
            row = await db.get(Onu, onu_id)
            if row is not None:
                place = (location["frame"], location["slot"], location["port"], location["ontId"])
                await vacate(db, row.olt_id, place, row.serial)
                row.frame, row.slot = location["frame"], location["slot"]
                row.port, row.ont_id = location["port"], location["ontId"]
                await db.commit()
    except Exception:  # the response is already good; the next read locates it again
        log.warning("could not store the location of ONU %s", onu_id, exc_info=True)
