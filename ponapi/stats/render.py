"""Stats payloads (what the cache keeps) and their rendering into the contract's data + meta."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ponapi.stats import format as fmt
from ponapi.stats.flight import new_read_id
from ponapi.stats.model import StatsResult
from ponapi.tr069.fields import SECTIONS, Section


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def payload(
    source: str,
    fetched_at: datetime,
    device: dict[str, Any],
    sections: dict[str, Section],
    *,
    live: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One read's payload: every section, and ``readId`` so waiters on other replicas know a
    new read landed; ``live``: the sections read from the device itself just now."""
    return {
        "source": source,
        "fetchedAt": iso(fetched_at),
        "fetchedEpoch": fetched_at.timestamp(),
        "fetchedSections": list(SECTIONS),
        "readId": new_read_id(),
        "live": sorted(live),
        "device": device,
        "stale": False,
        "sections": {
            name: {
                "data": sec.data,
                "status": sec.status,
                "missing": sec.missing,
                "updatedAt": iso(sec.updated_at),
                "startedAt": iso(sec.started_at),
                "extra": sec.extra,
            }
            for name, sec in sections.items()
        },
    }


def render(
    stored: dict[str, Any], sections: frozenset[str], reveal: bool, *, cached: bool
) -> StatsResult:
    now = datetime.now(UTC)
    data: dict[str, Any] = {}
    metas: dict[str, Any] = {}
    for name in SECTIONS:
        entry = stored["sections"][name]
        if name not in sections:
            data[name] = None
            metas[name] = {
                "status": "unavailable",
                "source": stored["source"],
                "updatedAt": None,
                "missing": [],
                "reason": "not requested",
            }
            continue
        section = dict(entry["data"]) if isinstance(entry["data"], dict) else entry["data"]
        started = parse_iso(entry.get("startedAt"))
        if isinstance(section, dict) and started and section.get("uptimeAgo"):
            section["uptimeAgo"] = fmt.ago(started, now)
        if name == "wirelessLan" and isinstance(section, dict) and not reveal:
            section["password"] = ""
        data[name] = section
        metas[name] = {
            "status": entry["status"],
            "source": stored["source"],
            "updatedAt": entry["updatedAt"],
            "missing": entry["missing"],
            **entry.get("extra", {}),
        }
    meta: dict[str, Any] = {
        "source": stored["source"],
        "fetchedAt": stored["fetchedAt"],
        "cached": cached,
        "stale": bool(stored.get("stale")),
        "device": stored["device"],
        "sections": metas,
    }
    if stored.get("staleReason"):
        meta["staleReason"] = stored["staleReason"]
    if stored.get("refresh") and not cached:
        meta["refresh"] = stored["refresh"]
    return StatsResult(data, meta)
