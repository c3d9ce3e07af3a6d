"""Every ONU an OLT has: location, serial, state. Only read commands; integers in commands."""

from __future__ import annotations

from dataclasses import dataclass

from ponapi.olt import parsers as p
from ponapi.olt.pool import OltPool
from ponapi.olt.session import CommandFailed
from ponapi.serials import InvalidSerialError, Serial, parse_serial


@dataclass(frozen=True)
class Found:
    frame: int
    slot: int
    port: int
    ont_id: int
    serial: Serial
    state: str
    model: str = ""


def _serial(text: str) -> Serial | None:
    try:
        return parse_serial(text)
    except InvalidSerialError:
        return None


async def discover(pool: OltPool, brand: str, model: str, deadline: float) -> list[Found]:
    if brand == "huawei":
        return await _huawei(pool, deadline)
    return await _zte(pool, model, deadline)


async def _huawei(pool: OltPool, deadline: float) -> list[Found]:
    [boards] = await pool.run(["display board 0"], deadline)
    if isinstance(boards, CommandFailed):
        raise boards
    slots = sorted({int(b["slot"]) for b in p.huawei_boards(boards)})
    outputs = await pool.run([f"display ont info summary 0/{slot}" for slot in slots], deadline)
    found = []
    for out in outputs:
        if isinstance(out, CommandFailed):
            continue  # not a GPON board
        for port in p.huawei_info_summary(out):
            for ont in port["onts"]:
                serial = _serial(ont.get("sn", ""))
                if serial is not None:
                    found.append(
                        Found(
                            port["frame"],
                            port["slot"],
                            port["port"],
                            ont["ontId"],
                            serial,
                            ont.get("runState", ""),
                            ont.get("type", ""),
                        )
                    )
    return found


async def _zte(pool: OltPool, model: str, deadline: float) -> list[Found]:
    titan = model.upper().startswith(("C6", "TITAN"))
    [state] = await pool.run(["show gpon onu state"], deadline)
    if isinstance(state, CommandFailed):
        raise state
    rows = p.zte_onu_state(state)
    ports = sorted({(r["rack"], r["shelf"], r["port"]) for r in rows})
    olt_if = "gpon_olt-{}/{}/{}" if titan else "gpon-olt_{}/{}/{}"
    configs = await pool.run(
        [f"show running-config interface {olt_if.format(*port)}" for port in ports], deadline
    )
    phases = {(r["rack"], r["shelf"], r["port"], r["onuId"]): r["phase"] for r in rows}
    found = []
    for port, out in zip(ports, configs, strict=True):
        if isinstance(out, CommandFailed):
            continue
        for onu in p.zte_olt_config_onus(out):
            serial = _serial(onu["sn"])
            if serial is not None:
                found.append(
                    Found(
                        *port,
                        onu["onuId"],
                        serial,
                        phases.get((*port, onu["onuId"]), ""),
                        onu["type"],
                    )
                )
    return found
