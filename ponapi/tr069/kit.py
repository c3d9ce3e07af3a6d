"""Shared pieces of the TR-069 screen's extra sections (one module per section area).

An object section is the mapper's ``Section``. A list section (``lanPorts[]``, ``hosts[]`` ...)
is a ``Rows``: the same attributes, with ``data`` a list of rows, each row carrying an ``id``,
and ``missing`` naming a missing field of a row as ``"<id>.<field>"``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from ponapi import display as fmt
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import AnySection, Fields, Rows, Section
from ponapi.tr069.spec import TR098, TR181, data_model_root

__all__ = ["TR098", "TR181", "AnySection", "Rows"]


def root_of(doc: DeviceDocument) -> str:
    """``InternetGatewayDevice`` (TR-098), ``Device`` (TR-181) or ``""`` (neither)."""
    return data_model_root(doc.raw)


def ref(value: object) -> str:
    """A path reference without its optional trailing dot (``Device.IP.Interface.1.``)."""
    return value.strip().rstrip(".") if isinstance(value, str) else ""


def finish(f: Fields, bools: Iterable[str] = ()) -> Section:
    """``Fields.finish``, with a missing boolean field as ``null`` (not ``""``)."""
    section = f.finish()
    assert section.data is not None
    for name in bools:
        if name not in f.values:
            section.data[name] = None
    return section


def rows(items: list[tuple[str, Section]]) -> Rows:
    """A list section from ``(id, row section)`` pairs."""
    data: list[dict[str, Any]] = []
    missing: list[str] = []
    newest: datetime | None = None
    for row_id, sec in items:
        data.append({"id": row_id, **(sec.data or {})})
        missing.extend(f"{row_id}.{name}" for name in sec.missing)
        if sec.updated_at and (newest is None or sec.updated_at > newest):
            newest = sec.updated_at
    return Rows(data, "partial" if missing else "ok", missing, newest)


def absent() -> Section:
    return Section(None, "absent")


def absent_rows() -> Rows:
    return Rows(None, "absent")


def unavailable_rows(reason: str) -> Rows:
    return Rows(None, "unavailable", extra={"reason": reason})


# --- display conversions the existing formats lack ---------------------------------------


def to_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) and abs(number) < 1e12 else None


def decimal(number: float, places: int = 2) -> str:
    """``-3.409399`` -> ``-3.41``; ``-3.0`` -> ``-3``."""
    text = f"{number:.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def with_unit(number: float | None, unit: str, places: int = 2) -> str | None:
    return None if number is None else f"{decimal(number, places)} {unit}"


def enabled(value: object) -> str | None:
    b = fmt.to_bool(value)
    return None if b is None else ("Enabled" if b else "Disabled")


def disabled_flag(value: object) -> str | None:
    """A ``...Disabled`` flag (true = blocked) as ``Enabled``/``Disabled``."""
    b = fmt.to_bool(value)
    return None if b is None else ("Disabled" if b else "Enabled")


def counter(value: object) -> str | None:
    n = fmt.to_int(value)
    return None if n is None or n < 0 else str(n)


def mac_lower(value: object) -> str | None:
    text = fmt.to_str(value)
    return None if text is None else text.lower()


def text(value: object) -> str | None:
    return fmt.to_str(value)


Conv = Callable[[object], Any]


def index_of(reference: str, table: str) -> str | None:
    """``<...>.<table>.<n>`` -> ``n``."""
    match = re.search(rf"(?:^|\.){re.escape(table)}\.(\d+)$", reference)
    return match.group(1) if match else None
