"""The sources of one ONU's stats: the ACS (GenieACS NBI, with a live refresh) and the OLT's
CLI (pooled sessions, the platform of its brand and model). Each returns a payload."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.acs.genieacs import GenieAcsClient, refresh_paths
from ponapi.errors import ApiError, OnuNotFound, is_upstream
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location, serial_of
from ponapi.olt.platforms import platform_for
from ponapi.olt.pool import OltPool
from ponapi.serials import Serial
from ponapi.stats.model import OltRef
from ponapi.stats.render import LOG_LIMIT_MAX, payload
from ponapi.tr069.fields import SECTIONS
from ponapi.tr069.mapper import map_device

log = logging.getLogger("ponapi.stats")
REFRESH_RESERVE = 3.0  # seconds kept for the read after a refresh task


async def read_acs(
    acs: GenieAcsClient,
    doc: dict[str, Any],
    serial: Serial,
    sections: frozenset[str],
    *,
    refresh: bool,
    deadline: float,
    tz: ZoneInfo,
) -> dict[str, Any]:
    """The payload of a device document the ACS returned (refreshed first when asked)."""
    refresh_info: dict[str, Any] | None = None
    if refresh:
        refresh_info = await refresh_device(acs, doc, sections, deadline)
        if refresh_info["status"] == "done":
            doc = await acs.read_device(serial, set(sections)) or doc
    fetched_at = datetime.now(UTC)
    # The sections asked for (the NBI read projected only their subtrees), the device log with
    # as many lines as any caller may ask for (``limit_logs`` cuts it per request).
    mapped = map_device(doc, now=fetched_at, tz=tz, names=sections, log_limit=LOG_LIMIT_MAX)
    done = refresh_info is not None and refresh_info["status"] == "done"
    live = sections if done else frozenset()
    out = payload("genieacs", fetched_at, mapped.device, mapped.sections, live=live)
    if refresh_info is not None:
        out["refresh"] = refresh_info
        if refresh_info["status"] != "done":
            out["stale"] = True
            out["staleReason"] = refresh_info["reason"]
    return out


async def refresh_device(
    acs: GenieAcsClient, doc: dict[str, Any], sections: frozenset[str], deadline: float
) -> dict[str, Any]:
    device_id = str(doc.get("_id", ""))
    tr181 = "Device" in doc and "InternetGatewayDevice" not in doc
    root = "Device" if tr181 else "InternetGatewayDevice"
    paths = refresh_paths(root, set(sections))
    if not paths:
        return {
            "requested": True,
            "status": "skipped",
            "reason": "Nothing to refresh for the requested sections",
        }
    remaining = deadline - time.monotonic() - REFRESH_RESERVE
    if remaining < 1:
        return {
            "requested": True,
            "status": "failed",
            "reason": "No time left in the request budget for a live read",
        }
    try:
        result = await acs.refresh(device_id, paths, time_limit=remaining)
    except ApiError as exc:
        if not is_upstream(exc):
            raise
        log.warning("live refresh of %s failed: %s", device_id, exc.code)
        return {"requested": True, "status": "failed", "reason": exc.details}
    if result.fresh:
        return {"requested": True, "status": "done", "reason": "ok"}
    return {
        "requested": True,
        "status": "queued" if result.status == 202 else "failed",
        "reason": result.reason,
    }


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
    return payload(
        "olt-cli", fetched_at, device, cli_sections, live=frozenset(SECTIONS), fetched=SECTIONS
    )


def location_dict(location: Location) -> dict[str, int]:
    return {
        "frame": location.frame,
        "slot": location.slot,
        "port": location.port,
        "ontId": location.ont_id,
    }
