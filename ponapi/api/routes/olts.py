"""Registry: OLTs and the ONUs behind them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ponapi.api.deps import (
    AdminUser,
    AppContext,
    Ctx,
    CurrentUser,
    Db,
    OnuSerial,
    TechnicianUser,
    find_onu,
    get_olt,
)
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.schemas import Envelope, OltCreate, OltOut, OltUpdate, OnuCreate, OnuOut
from ponapi.db.models import Olt, Onu, Protocol
from ponapi.serials import InvalidSerialError, parse_serial

router = APIRouter(prefix="/api/olts", tags=["registry"])

DEFAULT_PORT = {Protocol.ssh: 22, Protocol.telnet: 23}
OltDep = Annotated[Olt, Depends(get_olt)]


def onu_out(onu: Onu) -> OnuOut:
    serial = parse_serial(onu.serial)
    return OnuOut(
        id=onu.id,
        olt_id=onu.olt_id,
        serial=serial.canonical,
        serial_hex=serial.hex,
        frame=onu.frame,
        slot=onu.slot,
        port=onu.port,
        ont_id=onu.ont_id,
        description=onu.description,
        created_at=onu.created_at,
    )


def registry_changed(ctx: AppContext) -> None:
    """Drop this process's cached registry lookups (see REGISTRY_CACHE_SECONDS)."""
    ctx.registry.clear()


async def _commit(db: Db, what: str) -> None:
    try:
        await db.commit()
    except IntegrityError as exc:
        await db.rollback()
        raise ApiError(ErrorCode.CONFLICT, f"{what} already exists.") from exc


@router.get("", response_model=Envelope[list[OltOut]])
async def list_olts(_: CurrentUser, db: Db) -> Envelope[list[OltOut]]:
    olts = (await db.execute(select(Olt).order_by(Olt.id))).scalars().all()
    return Envelope(data=[OltOut.model_validate(o) for o in olts], message=f"{len(olts)} OLTs")


@router.post("", response_model=Envelope[OltOut], status_code=201)
async def create_olt(body: OltCreate, user: AdminUser, ctx: Ctx, db: Db) -> Envelope[OltOut]:
    olt = Olt(
        name=body.name,
        brand=body.brand.value,
        model=body.model,
        host=body.host,
        port=body.port or DEFAULT_PORT[body.protocol],
        protocol=body.protocol.value,
        username=body.username,
        password_encrypted=ctx.cipher.encrypt(body.password),
        stats_source=body.stats_source.value,
    )
    db.add(olt)
    await _commit(db, f"An OLT named {body.name!r}")
    await db.refresh(olt)
    ctx.audit.record("olt.create", user=user, target=f"olt {olt.id}", name=olt.name, host=olt.host)
    return Envelope(data=OltOut.model_validate(olt), message="OLT created")


@router.get("/{olt_id}", response_model=Envelope[OltOut])
async def get_one(olt: OltDep, _: CurrentUser) -> Envelope[OltOut]:
    return Envelope(data=OltOut.model_validate(olt), message="OLT")


@router.patch("/{olt_id}", response_model=Envelope[OltOut])
async def update_olt(
    body: OltUpdate, olt: OltDep, user: AdminUser, ctx: Ctx, db: Db
) -> Envelope[OltOut]:
    changes = body.model_dump(exclude_unset=True)
    # Field names only: the password's value never goes to the audit log.
    ctx.audit.record("olt.update", user=user, target=f"olt {olt.id}", fields=sorted(changes))
    nulls = sorted(k for k, v in changes.items() if v is None and k not in ("port", "model"))
    if nulls:
        raise ApiError(ErrorCode.INVALID_REQUEST, f"{', '.join(nulls)} cannot be null.")
    password = changes.pop("password", None)
    port_given = "port" in changes
    changes.pop("port", None)
    reset_port = body.port is None and (port_given or "protocol" in changes)
    for key, value in changes.items():
        setattr(olt, key, "" if value is None else getattr(value, "value", value))
    if body.port is not None:
        olt.port = body.port
    elif reset_port:
        olt.port = DEFAULT_PORT[Protocol(olt.protocol)]
    if password:
        olt.password_encrypted = ctx.cipher.encrypt(password)
    await _commit(db, f"An OLT named {olt.name!r}")
    registry_changed(ctx)
    if "ssh_host_key" in changes:  # a new pin (or none) applies from the next login
        ctx.stats.pools.forget(olt.id)
    await db.refresh(olt)
    return Envelope(data=OltOut.model_validate(olt), message="OLT updated")


@router.delete("/{olt_id}", status_code=204, response_class=Response)
async def delete_olt(olt: OltDep, user: AdminUser, db: Db, ctx: Ctx) -> Response:
    ctx.audit.record("olt.delete", user=user, target=f"olt {olt.id}", name=olt.name)
    await db.delete(olt)
    await db.commit()
    registry_changed(ctx)
    return Response(status_code=204)


# --- ONUs ---------------------------------------------------------------------------------


@router.get("/{olt_id}/onus", response_model=Envelope[list[OnuOut]])
async def list_onus(olt: OltDep, _: CurrentUser, db: Db) -> Envelope[list[OnuOut]]:
    onus = (
        (await db.execute(select(Onu).where(Onu.olt_id == olt.id).order_by(Onu.id))).scalars().all()
    )
    return Envelope(data=[onu_out(o) for o in onus], message=f"{len(onus)} ONUs")


@router.post("/{olt_id}/onus", response_model=Envelope[OnuOut], status_code=201)
async def register_onu(
    body: OnuCreate, olt: OltDep, user: TechnicianUser, db: Db, ctx: Ctx
) -> Envelope[OnuOut]:
    try:
        serial = parse_serial(body.serial)
    except InvalidSerialError as exc:
        raise ApiError(ErrorCode.INVALID_SERIAL, str(exc)) from exc
    onu = Onu(
        olt_id=olt.id,
        serial=serial.canonical,
        frame=body.frame,
        slot=body.slot,
        port=body.port,
        ont_id=body.ont_id,
        description=body.description,
    )
    db.add(onu)
    await _commit(db, f"ONU {serial.canonical} on OLT {olt.id}")
    ctx.audit.record("onu.register", user=user, target=f"olt {olt.id} onu {serial.canonical}")
    await db.refresh(onu)
    return Envelope(data=onu_out(onu), message="ONU registered")


@router.get("/{olt_id}/onus/{onu_serial}", response_model=Envelope[OnuOut])
async def get_onu(olt: OltDep, serial: OnuSerial, _: CurrentUser, db: Db) -> Envelope[OnuOut]:
    return Envelope(data=onu_out(await find_onu(db, olt, serial)), message="ONU")


@router.delete("/{olt_id}/onus/{onu_serial}", status_code=204, response_class=Response)
async def delete_onu(olt: OltDep, serial: OnuSerial, user: AdminUser, db: Db, ctx: Ctx) -> Response:
    ctx.audit.record("onu.delete", user=user, target=f"olt {olt.id} onu {serial.canonical}")
    await db.delete(await find_onu(db, olt, serial))
    await db.commit()
    registry_changed(ctx)
    return Response(status_code=204)
