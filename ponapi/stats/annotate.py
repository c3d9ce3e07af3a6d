"""What a stats answer says about itself beyond the values: whether the OLT sees the ONU
online, how old the device's data is, which sections were asked for, and the live read's
outcome when one was asked for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ponapi import display as fmt
from ponapi.stats.render import parse_iso

# The OLT's word for an ONU that is up: Huawei "Run state", ZTE "Phase state".
_STATE_KEYS = ("runState", "phaseState")
_UP = {"online", "working"}


def mark_offline(stored: dict[str, Any]) -> dict[str, Any]:
    """An OLT CLI payload: ``device.online`` from the state the OLT reports, and when the ONU
    is offline its sections with no data are ``unavailable`` with that reason, not
    ``absent`` (which says the device has no such thing)."""
    general = stored["sections"].get("general") or {}
    extra = general.get("extra") or {}
    state = next((str(extra[k]) for k in _STATE_KEYS if extra.get(k)), "")
    if not state:
        return stored
    online = state.lower() in _UP
    stored["device"] = {**stored.get("device", {}), "online": online}
    if online:
        return stored
    reason = (
        f"The OLT reports this ONU offline (state: {state}); it cannot be read until it is "
        "back online. Values shown elsewhere are what the OLT itself keeps."
    )
    for entry in stored["sections"].values():
        if entry.get("data") is None:  # absent, unavailable or failed: because it is offline
            entry["status"] = "unavailable"
            entry["extra"] = {**(entry.get("extra") or {}), "reason": reason}
    return stored


def annotate(
    meta: dict[str, Any], sections: frozenset[str], stale_after: float, now: datetime
) -> None:
    """In place: only the requested sections in ``meta.sections``; the age of the device's
    last inform; a ``stale`` warning on each section last updated longer ago than
    ``stale_after`` seconds (0: never)."""
    metas: dict[str, Any] = meta["sections"]
    for name in [n for n in metas if n not in sections]:
        del metas[name]
    device = meta.get("device")
    informed = parse_iso(device.get("lastInform")) if isinstance(device, dict) else None
    if informed is not None and isinstance(device, dict):
        meta["device"] = {
            **device,
            "lastInformAgeSeconds": max(0, int((now - informed).total_seconds())),
            "lastInformAgo": fmt.ago(informed, now),
        }
    if stale_after <= 0:
        return
    for name, entry in metas.items():
        updated = parse_iso(entry.get("updatedAt"))
        if updated is None or (now - updated).total_seconds() <= stale_after:
            continue
        metas[name] = {
            **entry,
            "stale": True,
            "warning": f"The device last reported this {fmt.ago(updated, now)} "
            f"({entry['updatedAt']}); it may have changed since.",
        }


def refresh_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """``meta.refresh`` for an answer to a live read that did not say how it went: a read
    from the upstream is a live read (an OLT CLI read always is); stale data served after
    an upstream error is a failed one."""
    if meta.get("stale"):
        reason = str(meta.get("staleReason") or "The live read failed")
        return {"requested": True, "status": "failed", "reason": reason}
    return {"requested": True, "status": "done", "reason": "ok"}


def now() -> datetime:
    return datetime.now(UTC)
