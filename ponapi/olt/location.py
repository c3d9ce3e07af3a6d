"""Where an ONU sits on an OLT, and the serial an OLT reports, both validated."""

from __future__ import annotations

from dataclasses import dataclass

from ponapi.serials import InvalidSerialError, Serial, parse_serial


@dataclass(frozen=True)
class Location:
    frame: int
    slot: int
    port: int
    ont_id: int

    def __post_init__(self) -> None:
        for name, value, hi in (
            ("frame", self.frame, 15),
            ("slot", self.slot, 63),
            ("port", self.port, 127),
            ("ont_id", self.ont_id, 255),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= hi:
                raise ValueError(f"{name} must be an integer 0..{hi}")


def serial_of(raw_sn: str | None) -> Serial | None:
    if not raw_sn:
        return None
    try:
        return parse_serial(raw_sn.split()[0])
    except InvalidSerialError:
        return None
