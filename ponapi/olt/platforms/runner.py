"""What every platform shares: the session runner it drives, its outputs, a found ONU."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from ponapi.olt.errors import CommandFailed
from ponapi.serials import InvalidSerialError, Serial, parse_serial

Outputs = list[str | CommandFailed]


@dataclass(frozen=True)
class InMode:
    """Commands run inside a CLI mode (Huawei ``config`` -> ``interface gpon F/S``): the
    ``enter`` lines are run in order, each must succeed; then ``commands`` (each yields its
    output or its ``CommandFailed``, like a plain command); then ``leave`` once per level
    entered, always, so the session is back in privileged mode. If a level cannot be entered,
    every command of the block yields that failure. If leaving fails the session is dropped
    (its mode is unknown)."""

    enter: tuple[str, ...]
    commands: tuple[str, ...]
    leave: str


Command = str | InMode


class Runner(Protocol):
    """Runs commands back to back on one logged-in session (``ponapi.olt.pool.OltPool``)."""

    async def run(self, commands: Sequence[Command], deadline: float) -> Outputs: ...


@dataclass(frozen=True)
class Found:
    frame: int
    slot: int
    port: int
    ont_id: int
    serial: Serial
    state: str
    model: str = ""


def serial_or_none(text: str) -> Serial | None:
    try:
        return parse_serial(text)
    except InvalidSerialError:
        return None


def text_of(out: str | CommandFailed) -> str | None:
    return None if isinstance(out, CommandFailed) else out


AdminState = Literal["enabled", "disabled"]


@dataclass(frozen=True)
class OnuState:
    """An ONU's admin state (``enabled``/``disabled``, None when unreadable) and whether it is
    online, as the OLT shows them; ``raw_*`` are the OLT's own words; ``serial`` the serial of
    the ONU the OLT has at that place (None when it shows none)."""

    admin: AdminState | None
    online: bool | None
    raw_admin: str
    raw_run: str
    serial: Serial | None = None


def labelled(text: str, label: str) -> str:
    """The first word after ``label :`` on a line of ``text`` ("" when absent)."""
    m = re.search(rf"^\s*{label}\s*:\s*(\S+)", text.replace("\r", ""), re.M | re.I)
    return m.group(1) if m else ""
