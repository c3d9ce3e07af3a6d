"""Registry: OLTs and the ONUs behind them, each OLT in one ISP (its tenant).

Every route sees only the user's ISP (a platform user: every ISP); the OLT of another ISP is
answered exactly as a missing one. ``get_olt`` and the user dependency's gate do it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ponapi.api.audited import audited
from ponapi.api.deps import (
    AdminUser,
    AppContext,
    AuthUser,
    Ctx,
    CurrentUser,
    Db,
    OltId,
    OnuSerial,
    PlatformUser,
    TechnicianUser,
    find_onu,
    get_olt,
)
from ponapi.api.errors import ApiError, ErrorCode
from ponapi.api.onu_claims import check_new
from ponapi.api.schemas import Envelope, OltCreate, OltOut, OltUpdate, OnuCreate, OnuOut
from ponapi.db.ids import advance_id_sequence
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
    ctx.registry_changed()


async def _commit(db: Db, what: str) -> None:
    try:
        await db.commit()
    except IntegrityError as exc:
        await db.rollback()
        raise ApiError(ErrorCode.CONFLICT, f"{what} already exists.") from exc


@router.get("", response_model=Envelope[list[OltOut]])
async def list_olts(user: CurrentUser, db: Db) -> Envelope[list[OltOut]]:
    q = select(Olt).order_by(Olt.id)
    scope = user.scope
    if not scope.everything:
        q = q.where(Olt.tenant.is_(None) if scope.tenant is None else Olt.tenant == scope.tenant)
    olts = (await db.execute(q)).scalars().all()
    return Envelope(data=[OltOut.model_validate(o) for o in olts], message=f"{len(olts)} OLTs")


def tenant_for_new(user: AuthUser, wanted: str | None) -> str | None:
    """A platform user creates an OLT in any ISP (or none); an ISP's admin in its own only."""
    if user.platform:
        return wanted
    if wanted is not None and wanted != user.tenant:
        raise ApiError(ErrorCode.FORBIDDEN, "An ISP's admin creates OLTs in its own ISP only.")
    return user.tenant


def _fill(olt: Olt, body: OltCreate, tenant: str | None, ctx: AppContext) -> None:
    olt.tenant = tenant
    olt.name = body.name
    olt.brand = body.brand.value
    olt.model = body.model
    olt.host = body.host
    olt.port = body.port or DEFAULT_PORT[body.protocol]
    olt.protocol = body.protocol.value
    olt.username = body.username
    olt.password_encrypted = ctx.cipher.encrypt(body.password)
    olt.stats_source = body.stats_source.value


@router.post("", response_model=Envelope[OltOut], status_code=201)
async def create_olt(body: OltCreate, user: AdminUser, ctx: Ctx, db: Db) -> Envelope[OltOut]:
    tenant = tenant_for_new(user, body.tenant)
    with audited(ctx, "olt.create", user=user, name=body.name, host=body.host) as note:
        olt = Olt(ssh_host_key="")
        _fill(olt, body, tenant, ctx)
        db.add(olt)
        await _commit(db, f"An OLT named {body.name!r}")
        await db.refresh(olt)
        note.target = f"olt {olt.id}"
    return Envelope(data=OltOut.model_validate(olt), message="OLT created")


@router.put(
    "/{olt_id}",
    response_model=Envelope[OltOut],
    responses={201: {"description": "Created with this id"}, 200: {"description": "Replaced"}},
)
async def put_olt(
    olt_id: OltId, body: OltCreate, user: PlatformUser, ctx: Ctx, db: Db, response: Response
) -> Envelope[OltOut]:
    """Create or replace the OLT with this id (the platform's own OLT id): idempotent. A
    platform admin only; the SSH host key stays pinned unless the host or port changes."""
    olt = await db.get(Olt, olt_id)
    created = olt is None
    action = "olt.create" if created else "olt.replace"
    with audited(ctx, action, user=user, target=f"olt {olt_id}", name=body.name, put=True):
        if olt is None:
            olt = Olt(id=olt_id, ssh_host_key="")
            db.add(olt)
        before = (olt.host, olt.port)
        _fill(olt, body, body.tenant, ctx)
        if not created and before != (olt.host, olt.port):
            olt.ssh_host_key = ""
        await _commit(db, f"An OLT named {body.name!r}")
        if created:
            await advance_id_sequence(db, "olts")
            await db.commit()
    registry_changed(ctx)
    if not created:
        ctx.stats.pools.settings_changed(olt_id, set(body.model_fields_set) | {"password"})
    await db.refresh(olt)
    response.status_code = 201 if created else 200
    return Envelope(
        data=OltOut.model_validate(olt), message="OLT created" if created else "OLT replaced"
    )


@router.get("/{olt_id}", response_model=Envelope[OltOut])
async def get_one(olt: OltDep, _: CurrentUser) -> Envelope[OltOut]:
    return Envelope(data=OltOut.model_validate(olt), message="OLT")


@router.patch("/{olt_id}", response_model=Envelope[OltOut])
async def update_olt(
    body: OltUpdate, olt: OltDep, user: AdminUser, ctx: Ctx, db: Db
) -> Envelope[OltOut]:
    changes = body.model_dump(exclude_unset=True)
    if "tenant" in changes and changes["tenant"] != olt.tenant and not user.platform:
        raise ApiError(ErrorCode.FORBIDDEN, "Only a platform admin moves an OLT between ISPs.")
    # Field names only: the password's value never goes to the audit log.
    with audited(ctx, "olt.update", user=user, target=f"olt {olt.id}", fields=sorted(changes)):
        _apply_update(olt, body, changes, ctx)
        await _commit(db, f"An OLT named {olt.name!r}")
    registry_changed(ctx)
    ctx.stats.pools.settings_changed(olt.id, body.model_fields_set)  # its sessions end
    await db.refresh(olt)
    return Envelope(data=OltOut.model_validate(olt), message="OLT updated")


def _apply_update(olt: Olt, body: OltUpdate, changes: dict[str, object], ctx: AppContext) -> None:
    nullable = ("port", "model", "tenant")
    nulls = sorted(k for k, v in changes.items() if v is None and k not in nullable)
    if nulls:
        raise ApiError(ErrorCode.INVALID_REQUEST, f"{', '.join(nulls)} cannot be null.")
    changes = dict(changes)
    password = changes.pop("password", None)
    port_given = "port" in changes
    changes.pop("port", None)
    reset_port = body.port is None and (port_given or "protocol" in changes)
    if "tenant" in changes:
        changes.pop("tenant")
        olt.tenant = body.tenant
    for key, value in changes.items():
        setattr(olt, key, "" if value is None else getattr(value, "value", value))
    if body.port is not None:
        olt.port = body.port
    elif reset_port:
        olt.port = DEFAULT_PORT[Protocol(olt.protocol)]
    if isinstance(password, str) and password:
        olt.password_encrypted = ctx.cipher.encrypt(password)


@router.delete("/{olt_id}", status_code=204, response_class=Response)
async def delete_olt(olt: OltDep, user: AdminUser, db: Db, ctx: Ctx) -> Response:
    with audited(ctx, "olt.delete", user=user, target=f"olt {olt.id}", name=olt.name):
        await db.delete(olt)
        await db.commit()
    registry_changed(ctx)
    ctx.stats.pools.forget(olt.id)  # its logged-in CLI sessions end with it
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
        target = f"olt {olt.id} onu {body.serial[:40]!r}"
        with audited(ctx, "onu.register", user=user, target=target):
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
    f, s, p, o = body.frame, body.slot, body.port, body.ont_id
    place = (
        (f, s, p, o)
        if f is not None and s is not None and p is not None and o is not None
        else None
    )
    with audited(ctx, "onu.register", user=user, target=f"olt {olt.id} onu {serial.canonical}"):
        await check_new(db, olt, serial, place)
        db.add(onu)
        await _commit(db, f"ONU {serial.canonical} on OLT {olt.id}")
    await db.refresh(onu)
    return Envelope(data=onu_out(onu), message="ONU registered")


@router.get("/{olt_id}/onus/{onu_serial}", response_model=Envelope[OnuOut])
async def get_onu(olt: OltDep, serial: OnuSerial, _: CurrentUser, db: Db) -> Envelope[OnuOut]:
    return Envelope(data=onu_out(await find_onu(db, olt, serial)), message="ONU")


@router.delete("/{olt_id}/onus/{onu_serial}", status_code=204, response_class=Response)
async def delete_onu(olt: OltDep, serial: OnuSerial, user: AdminUser, db: Db, ctx: Ctx) -> Response:
    with audited(ctx, "onu.delete", user=user, target=f"olt {olt.id} onu {serial.canonical}"):
        await db.delete(await find_onu(db, olt, serial))
        await db.commit()
    registry_changed(ctx)
    return Response(status_code=204)
