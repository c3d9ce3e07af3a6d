"""Helpers for the screen-section tests: the raw CSV rows of a dump, the mapped sections, and the
endpoint-shaped envelope the contract schema validates."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069.document import document_from_csv
from ponapi.tr069.full_screen import map_full_screen
from ponapi.tr069.mapper import map_device
from tests.fixtures import csv_text

NOW = datetime(2023, 3, 28, 18, 0, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
STAMP = "2023-01-01T00:00:00Z"  # for the genieacs-sim format, which has no timestamps


@cache
def raw_rows(name: str) -> dict[str, tuple[str, str]]:
    """``path -> (value, xsd type)`` of every value the dump holds (fetched leaves only)."""
    out = {}
    for row in csv.DictReader(io.StringIO(csv_text(name))):
        kind = (row.get("Value type") or "").strip()
        if kind and (row.get("Object") or "").strip().lower() != "true":
            out[row["Parameter"].strip()] = (row.get("Value") or "", kind)
    return out


def listed(name: str) -> set[str]:
    """Every path the dump lists, fetched or not."""
    return {row["Parameter"].strip() for row in csv.DictReader(io.StringIO(csv_text(name)))}


def doc_of(name: str) -> dict[str, Any]:
    return document_from_csv(csv_text(name), default_timestamp=STAMP)


@cache
def full(name: str, log_limit: int = 50) -> dict[str, Any]:
    return map_full_screen(doc_of(name), NOW, UTC_ZONE, log_limit=log_limit)


def envelope(raw: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """The five sections and the extra ones, as the endpoint would wrap them."""
    m = map_device(raw, now=NOW, tz=UTC_ZONE)
    sections = dict(m.sections)
    sections.update({k: v for k, v in extra.items() if k != "optical"})
    if "optical" in extra and sections["general"].data is not None:
        sections["general"].data.update(extra["optical"].data or {})
    return {
        "success": True,
        "message": "x",
        "data": {k: s.data for k, s in sections.items()},
        "meta": {
            "source": "genieacs",
            "fetchedAt": "2023-01-01T00:00:00Z",
            "cached": False,
            "stale": False,
            "sections": {
                k: {"status": s.status, "missing": s.missing} for k, s in sections.items()
            },
        },
    }


def value(rows: dict[str, tuple[str, str]], path: str) -> str | None:
    hit = rows.get(path)
    return hit[0] if hit else None
