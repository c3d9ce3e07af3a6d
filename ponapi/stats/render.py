"""Stats payloads (what the cache keeps) and their rendering into the contract's data + meta."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ponapi import display as fmt
from ponapi.stats.flight import new_read_id
from ponapi.stats.model import StatsResult
from ponapi.tr069 import sections as registry
from ponapi.tr069.fields import AnySection

# Why a source has no data for a section it was asked for.
UNSEEN = {
    "olt-cli": "The OLT's CLI does not show this section; it is read from the ACS (TR-069).",
}


# Device-log lines kept per read (newest first); a request shows ``logLimit`` of them.
LOG_LIMIT_DEFAULT = 50
LOG_LIMIT_MAX = 200


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
    sections: Mapping[str, AnySection],
    *,
    live: frozenset[str] = frozenset(),
    live_asked: frozenset[str] | None = None,
    fetched: Iterable[str] | None = None,
) -> dict[str, Any]:
    """One read's payload: every section, and ``readId`` so waiters on other replicas know a
    new read landed; ``live``: the sections read from the device itself just now;
    ``live_asked``: the sections that live read answers for (``live`` by default: a section
    the device has no refresh path for is answered, not re-read); ``fetched``: the sections
    this read covers (default: those in ``sections``)."""
    return {
        "source": source,
        "fetchedAt": iso(fetched_at),
        "fetchedEpoch": fetched_at.timestamp(),
        "fetchedSections": [
            name
            for name in registry.names()
            if name in (sections if fetched is None else set(fetched))
        ],
        "readId": new_read_id(),
        "live": sorted(live),
        "liveAsked": sorted(live if live_asked is None else live_asked),
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
    secret = registry.secret_fields()
    for name in registry.names():
        entry = stored["sections"].get(name)
        if entry is None and name in sections:  # a source that cannot see this section
            data[name] = None
            metas[name] = {
                "status": "unavailable",
                "source": stored["source"],
                "updatedAt": None,
                "missing": [],
                "reason": UNSEEN.get(stored["source"], "not read"),
            }
            continue
        if entry is None or name not in sections:
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
        if name in secret and isinstance(section, dict) and not reveal:
            section.update({k: "" for k in secret[name] if section.get(k)})
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
    read_id = stored.get("readId")
    return StatsResult(data, meta, read_id=read_id if isinstance(read_id, str) else None)


def limit_logs(result: StatsResult, limit: int) -> StatsResult:
    """The result with at most ``limit`` device-log lines (the newest)."""
    rows = result.data.get("deviceLogs")
    if isinstance(rows, list) and len(rows) > limit:
        result.data["deviceLogs"] = rows[:limit]
    meta = result.meta["sections"].get("deviceLogs")
    if isinstance(meta, dict) and "limit" in meta:
        result.meta["sections"]["deviceLogs"] = {**meta, "limit": limit}
    return result


def revealed_secrets(result: StatsResult) -> list[str]:
    """The secret fields this result shows (``section.field``), for the audit log."""
    out: list[str] = []
    for name, fields in registry.secret_fields().items():
        section = result.data.get(name)
        if isinstance(section, dict):
            out.extend(f"{name}.{k}" for k in fields if section.get(k))
    return out
