"""GPON serial numbers in every form operators and OLTs use.

A GPON serial is a 4-letter vendor id plus 8 hex digits. It is written as:

- ``HWTC25F08D9D``       (12 characters: what ZTE OLTs and most operators print)
- ``HWTC-25F08D9D``      (Huawei OLTs print this in brackets)
- ``4857544325F08D9D``   (16 hex: the vendor id hex-encoded; Huawei ONTs report this over TR-069)
- any of the above in lower case.

Everything else is rejected with :class:`InvalidSerialError` before it can reach an OLT CLI,
an ACS query or a database query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_INPUT = 64
_TEXT_FORM = re.compile(r"([A-Z]{4})-?([0-9A-F]{8})")
_HEX_FORM = re.compile(r"([0-9A-F]{8})([0-9A-F]{8})")
_VENDOR = re.compile(r"[A-Z]{4}")


class InvalidSerialError(ValueError):
    """The text is not a GPON serial number in any accepted form."""


@dataclass(frozen=True, slots=True)
class Serial:
    vendor: str
    tail: str

    @property
    def canonical(self) -> str:
        """The 12-character form, e.g. ``HWTC25F08D9D``."""
        return self.vendor + self.tail

    @property
    def hex(self) -> str:
        """The 16-hex form, e.g. ``4857544325F08D9D``."""
        return self.vendor.encode("ascii").hex().upper() + self.tail

    @property
    def dashed(self) -> str:
        """Huawei's bracketed form, e.g. ``HWTC-25F08D9D``."""
        return f"{self.vendor}-{self.tail}"

    def __str__(self) -> str:
        return self.canonical


def parse_serial(value: object) -> Serial:
    """Parse any accepted form; raise :class:`InvalidSerialError` for anything else."""
    if not isinstance(value, str):
        raise InvalidSerialError("serial must be a string")
    if len(value) > _MAX_INPUT:
        raise InvalidSerialError("serial is too long")
    # Upper-case only ASCII so that no Unicode case folding can turn odd input into a valid serial.
    text = "".join(c.upper() if "a" <= c <= "z" else c for c in value)
    m = _TEXT_FORM.fullmatch(text)
    if m:
        return Serial(m.group(1), m.group(2))
    m = _HEX_FORM.fullmatch(text)
    if m:
        vendor = bytes.fromhex(m.group(1)).decode("latin-1")
        if _VENDOR.fullmatch(vendor):
            return Serial(vendor, m.group(2))
        raise InvalidSerialError("the first 8 hex digits do not encode a 4-letter vendor id")
    raise InvalidSerialError(
        "expected 4 letters + 8 hex digits (HWTC25F08D9D, HWTC-25F08D9D) or 16 hex digits"
    )
