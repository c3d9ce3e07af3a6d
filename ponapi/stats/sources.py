"""The sources of one ONU's stats: the ACS (GenieACS NBI, with a live refresh) and the OLT's
CLI (pooled sessions, the platform of its brand and model). Each returns a payload."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.acs import tasks
from ponapi.acs.genieacs import GenieAcsClient
from ponapi.errors import ApiError, OnuNotFound, is_upstream
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location, serial_of
from ponapi.olt.platforms import platform_for
from ponapi.olt.pool import OltPool
from ponapi.serials import Serial
from ponapi.stats.model import OltRef
from ponapi.stats.render import LOG_LIMIT_MAX, payload
from ponapi.tr069 import sections as registry
from ponapi.tr069.mapper import map_device
from ponapi.tr069.spec import data_model_root

log = logging.getLogger("ponapi.stats")
REFRESH_RESERVE = 3.0  # seconds kept for the read after a refresh task


async def read_acs(
    acs: GenieAcsClient,
    doc: Mapping[str, Any],
    serial: Serial,
    sections: frozenset[str],
    *,
    refresh: bool,
    deadline: float,
    tz: ZoneInfo,
) -> dict[str, Any]:
    """The payload of a device document the ACS returned (refreshed first when asked)."""
    refresh_info: dict[str, Any] | None = None
    refreshed: frozenset[str] = frozenset()
    if refresh:
        refresh_info, refreshed = await refresh_device(acs, doc, sections, deadline)
        if refresh_info["status"] == "done":
            doc = await acs.read_document(serial, registry.projection(sections)) or doc
    fetched_at = datetime.now(UTC)
    # The sections asked for (the NBI read projected only their subtrees), the device log with
    # as many lines as any caller may ask for (``limit_logs`` cuts it per request).
    mapped = map_device(doc, now=fetched_at, tz=tz, names=sections, log_limit=LOG_LIMIT_MAX)
    done = refresh_info is not None and refresh_info["status"] == "done"
    out = payload(
        "genieacs",
        fetched_at,
        mapped.device,
        mapped.sections,
        live=refreshed if done else frozenset(),
        live_asked=sections if done else frozenset(),
    )
    if refresh_info is not None:
        out["refresh"] = refresh_info
        if refresh_info["status"] != "done":
            out["stale"] = True
            out["staleReason"] = refresh_info["reason"]
    return out


async def refresh_device(
    acs: GenieAcsClient, doc: Mapping[str, Any], sections: frozenset[str], deadline: float
) -> tuple[dict[str, Any], frozenset[str]]:
    """Ask the device for every asked section's refresh paths (one task); the outcome for
    ``meta.refresh`` and the sections it re-read. A section with no refresh path on this data
    model (the device has no such thing) is not re-read, and said so."""
    device_id = str(doc.get("_id", ""))
    root = data_model_root(doc) or "InternetGatewayDevice"
    paths = registry.refresh_paths(root, sections)
    refreshed = frozenset(s for s in sections if registry.refresh_paths(root, (s,)))
    if not paths:
        return {
            "requested": True,
            "status": "skipped",
            "reason": "Nothing to refresh for the requested sections",
        }, frozenset()
    remaining = deadline - time.monotonic() - REFRESH_RESERVE
    if remaining < 1:
        return {
            "requested": True,
            "status": "failed",
            "reason": "No time left in the request budget for a live read",
        }, frozenset()
    try:
        result = await acs.run_task(device_id, tasks.get_values(paths), time_limit=remaining)
    except OnuNotFound:  # deleted since the read: the next read searches it by serial again
        return {
            "requested": True,
            "status": "failed",
            "reason": "The ACS no longer has this device",
        }, frozenset()
    except ApiError as exc:
        if not is_upstream(exc):
            raise
        log.warning("live refresh of %s failed: %s", device_id, exc.code)
        return {"requested": True, "status": "failed", "reason": exc.details}, frozenset()
    if result.state == "applied":
        info: dict[str, Any] = {
            "requested": True,
            "status": "done",
            "reason": "ok",
            "sections": sorted(refreshed),
        }
        if refreshed != sections:
            info["notRefreshed"] = sorted(sections - refreshed)
        return info, refreshed
    if result.state == "faulted":
        return {
            "requested": True,
            "status": "failed",
            "reason": f"The device refused the live read ({result.fault}); the request was "
            "withdrawn.",
        }, frozenset()
    return {"requested": True, "status": "queued", "reason": result.reason}, frozenset()


async def read_cli(
    pool: OltPool, olt: OltRef, serial: Serial, deadline: float, tz: ZoneInfo
) -> dict[str, Any]:
    """Read the ONU over the OLT's CLI: partial data, said so. At its registered location
    first; where another ONU (or none) answers there, found again by serial."""
    platform = platform_for(olt.brand, olt.model)
    location = olt.location
    raw: dict[str, Any] | None = None
    for attempt in (1, 2):
        if location is None:
            found = await pool.run(platform.locate(serial), deadline)
            location = platform.location_from(found)
            if location is None:
                raise OnuNotFound(f"OLT {olt.id} has no ONU with serial {serial.canonical}.")
        outputs = await pool.run(platform.read(location), deadline)
        failure = ""
        try:
            raw = platform.raw_from(outputs)
        except CommandFailed as exc:
            raw, failure = None, exc.details
        if raw is not None and serial_of(platform.reported_serial(raw)) == serial:
            break
        if attempt == 1 and olt.location is not None:
            location = None  # the registered location is stale: find the ONU by serial
            continue
        raise OnuNotFound(
            f"OLT {olt.id} has no ONU {serial.canonical} at frame/slot/port/ONT "
            f"{location.frame}/{location.slot}/{location.port}/{location.ont_id}. "
            f"{failure}".strip()
        )
    assert raw is not None and location is not None
    fetched_at = datetime.now(UTC)
    device = {"olt": olt.id, "location": location_dict(location)}
    cli_sections = platform.sections(raw, fetched_at, tz)
    # Every section is covered: what the CLI cannot see is rendered ``unavailable``.
    every = registry.names()
    return payload(
        "olt-cli", fetched_at, device, cli_sections, live=frozenset(every), fetched=every
    )


def location_dict(location: Location) -> dict[str, int]:
    return {
        "frame": location.frame,
        "slot": location.slot,
        "port": location.port,
        "ontId": location.ont_id,
    }
