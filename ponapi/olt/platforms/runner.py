"""What every platform shares: the session runner it drives, its outputs, a found ONU."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ponapi.olt.errors import CommandFailed
from ponapi.serials import InvalidSerialError, Serial, parse_serial

Outputs = list[str | CommandFailed]


class Runner(Protocol):
    """Runs commands back to back on one logged-in session (``ponapi.olt.pool.OltPool``)."""

    async def run(self, commands: list[str], deadline: float) -> Outputs: ...


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
