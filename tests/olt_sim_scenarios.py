"""Scripted sessions against the OLT simulators, driven in memory (no socket): every command
the simulators know, their errors, modes, pagers and faults. Their transcripts are kept in
tests/fixtures/sim_olt/ so the simulators' output stays byte for byte what it was."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ponapi.serials import parse_serial


@dataclass(frozen=True)
class Scenario:
    name: str
    sim: dict[str, Any]  # OltSim fields (onus come from ``onus``)
    onus: Callable[[], list[Any]]
    script: str  # everything typed, in order (pager keys and answers included)
    authenticated: bool = False  # True: as after an SSH login (no login prompts)


def _huawei_onus() -> list[Any]:
    from ponapi.sim.olt import demo_onus

    onus = demo_onus("huawei", 3)
    onus[1] = dataclasses.replace(onus[1], online=False, description="x" * 70)
    onus.append(dataclasses.replace(demo_onus("huawei", 1, start_slot=2)[0], ont_id=5))
    return onus


def _zte_onus() -> list[Any]:
    from ponapi.sim.olt import demo_onus

    onus = demo_onus("zte", 30)
    onus[2] = dataclasses.replace(onus[2], online=False, admin=False)
    onus[3] = dataclasses.replace(onus[3], macs=(), lan_links=("full-1000", "half-10"))
    return onus


_HW_SN = parse_serial("HWTC1A2B3C00").hex
_HUAWEI = "\n".join(
    [
        "noc",
        "wrong",
        "noc",
        "olt-pass",
        "display board 0",  # not privileged yet
        "enable",
        "display board 0",
        "",  # Enter at the smart hint
        "undo smart",
        "display ont info 0 1 0 0",
        " ",  # pager: next page
        "display ont wan-info 0/1 0 0",
        "q",  # pager: break
        "display ont info summary 0/1",
        "",
        "scroll 512",
        "display ont info summary 0/9",
        "display ont info summary 0-1",
        f"display ont info by-sn {_HW_SN}",
        "display ont info by-sn HWTC00000000",
        "display ont info by-sn nonsense",
        "display ont info 0 1 0 1",
        "display ont info 0 1 7 7",
        "display ont version 0 1 0 0",
        "display ont version 0 1 9 9",
        "display ont wan-info 0/1 0 1",
        "display ont wlan-info 0/1 0 0",
        "display ont wlan-info 0/1 0 1",
        "display ont wlan-info 0/1 9 9",
        "display ont wan-info 0-1 0 0",
        "display mac-address port 0/1/0 ont 0",
        "display mac-address port 0/1/0 ont 9",
        "display ont optical-info 0 0",  # only in the GPON interface mode
        "display nothing",
        "infoswitch cli OFF",
        "display ont info 0 2 0 5",
        "interface gpon 0/1",  # not in config mode
        "config",
        "interface gpon 0-1",
        "interface gpon 0/1",
        "display ont optical-info 0 0",
        "display ont optical-info 0 1",
        "display ont optical-info 0 9",
        "display ont port state 0 0 eth-port all",
        "display ont port state 0 1 eth-port all",
        "ont deactivate 0 2",
        "display ont info 0 1 0 2",
        "ont activate 0 2",
        "ont reset 0 0",
        "y",
        "ont reset 0 1",
        "y",
        "ont reset 0 2",
        "n",
        "ont reset 0 9",
        "ont frobnicate 0 0",
        "quit",
        "interface gpon 0/2",
        "display ont optical-info 0 5",
        "quit",
        "quit",
        "exit",
        "quit",
        "n",
        "quit",
        "y",
    ]
)
_ZTE_SN = parse_serial("ZTEG1A2B3C00").canonical


def _zte(titan: bool) -> str:
    onu = "gpon_onu-1/1/0:{}" if titan else "gpon-onu_1/1/0:{}"
    olt = "gpon_olt-1/1/0" if titan else "gpon-olt_1/1/0"
    wrong = "gpon-onu_1/1/0:1" if titan else "gpon_onu-1/1/0:1"
    return "\n".join(
        [
            "noc",
            "bad",
            "noc",
            "olt-pass",
            "show gpon onu state",
            " ",
            "terminal length 0",
            "show gpon onu state",
            f"show running-config interface {olt}",
            "show running-config interface bogus",
            f"show gpon onu by sn {_ZTE_SN}",
            "show gpon onu by sn ZTEG00000000",
            *(
                f"{cmd} {onu.format(n)}"
                for n in (1, 3, 4, 99)
                for cmd in (
                    "show pon power attenuation",
                    "show gpon remote-onu interface eth",
                    "show mac gpon onu",
                    "show gpon onu detail-info",
                    "show gpon remote-onu equip",
                    "show gpon remote-onu wan-ip",
                )
            ),
            f"show gpon onu detail-info {wrong}",
            f"show pon power attenuation {wrong}",
            "show version",
            "configure terminal",
            "interface bogus",
            f"interface {olt}",
            "onu 2 state disable",
            "onu 99 state disable",
            "onu 2 state sideways",
            "exit",
            f"show gpon onu detail-info {onu.format(2)}",
            f"pon-onu-mng {onu.format(99)}",
            f"pon-onu-mng {onu.format(1)}",
            "reboot",
            "yes",
            "end",
            "configure terminal",
            f"pon-onu-mng {onu.format(3)}",
            "reboot",
            "yes",
            "reboot",
            "no",
            "end",
            "end",
        ]
    )


SCENARIOS = [
    Scenario("huawei-ma5800", {"model": "MA5800-X7", "hostname": "OLT-A"}, _huawei_onus, _HUAWEI),
    Scenario("huawei-ma5608t", {"model": "MA5608T"}, _huawei_onus, "enable\nquit\ny\n", True),
    Scenario("huawei-ma5600t", {"model": "MA5600T"}, _huawei_onus, "noc\nolt-pass\nquit\ny\n"),
    Scenario("huawei-refused-logins", {}, _huawei_onus, "a\nb\nc\nd\ne\nf\n"),  # three wrong logins
    Scenario("huawei-login-limit", {"max_sessions": 0}, _huawei_onus, "noc\nolt-pass\n"),
    Scenario(
        "huawei-drop",
        {"fault": "drop"},
        _huawei_onus,
        "enable\nundo smart\ndisplay ont info 0 1 0 0\n",
        True,
    ),
    Scenario(
        "huawei-endless-pager",
        {"fault": "endless_pager", "alarms": False},
        _huawei_onus,
        "enable\nundo smart\nscroll\ndisplay ont info 0 1 0 0\n  q",
        True,
    ),
    Scenario("zte-c320", {"brand": "zte", "model": "C320"}, _zte_onus, _zte(False)),
    Scenario("zte-c300", {"brand": "zte", "model": "C300"}, _zte_onus, _zte(False)),
    Scenario("zte-c600", {"brand": "zte", "model": "C600"}, _zte_onus, _zte(True)),
    Scenario("zte-c650", {"brand": "zte", "model": "C650"}, _zte_onus, _zte(True)),
    Scenario("zte-login-limit", {"brand": "zte", "max_sessions": 0}, _zte_onus, "noc\nolt-pass\n"),
    Scenario(
        "zte-endless-pager",
        {"brand": "zte", "model": "C320", "fault": "endless_pager"},
        _zte_onus,
        "terminal length 0\nshow gpon remote-onu equip gpon-onu_1/1/0:1\n q",
        True,
    ),
]


async def transcript(scenario: Scenario, io_class: Any) -> bytes:
    """Everything the simulator wrote for this scenario's script, as bytes on the wire."""
    from ponapi.sim.olt import OltSim

    sim = OltSim(onus=scenario.onus(), **scenario.sim)
    pending = [scenario.script.replace("\n", "\r\n")]
    written: list[str] = []

    async def read(n: int) -> str:
        return pending.pop() if pending else ""

    io = io_class(read=read, write=written.append, close=lambda: None)
    await asyncio.wait_for(sim._shell(io, authenticated=scenario.authenticated), 10)
    return "".join(written).encode("latin-1")
