"""The Wi-Fi neighbour scan on demand, through the ACS.

Set ``DiagnosticsState = Requested`` on the vendor's scan object with a connection request; the
CPE scans after the session ends and keeps the results. Not every CPE reports completion
(ZTE sends no ``8 DIAGNOSTICS COMPLETE``), so ponapi polls the state within a bound, then
re-reads the results, and the next stats response carries them with their scan time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ponapi.acs import tasks
from ponapi.acs.genieacs import GenieAcsClient
from ponapi.cache import Cache
from ponapi.errors import ApiError, ErrorCode, NotSupported, is_upstream
from ponapi.serials import Serial
from ponapi.tr069 import sections as registry
from ponapi.tr069.areas.survey import SCAN_ROOTS
from ponapi.tr069.document import DeviceDocument

log = logging.getLogger("ponapi.stats")

DONE = {"Complete", "Completed"}


@dataclass
class ScanOutcome:
    state: str  # complete | queued | faulted | timeout | error
    detail: str
    root: str


def scan_root(doc: Mapping[str, Any]) -> str | None:
    d = DeviceDocument(doc)
    return next((root for root in SCAN_ROOTS if d.node(root) is not None), None)


async def run_scan(
    acs: GenieAcsClient, doc: Mapping[str, Any], *, limit: float, poll: float, deadline: float
) -> ScanOutcome:
    root = scan_root(doc)
    if root is None:
        raise ApiError(
            ErrorCode.TR069_NOT_SUPPORTED, "This device's data model has no Wi-Fi neighbour scan."
        )
    device_id = str(doc["_id"])
    state_path = f"{root}.DiagnosticsState"
    remaining = max(1.0, deadline - time.monotonic() - 2)
    started = await acs.run_task(
        device_id,
        tasks.set_values([(state_path, "Requested", "xsd:string")]),
        time_limit=remaining,
    )
    if started.state != "applied":
        return _not_run(started, root)
    end = min(deadline - 2, time.monotonic() + limit)
    while time.monotonic() < end:
        await asyncio.sleep(poll)
        left = end - time.monotonic()
        if left < 0.5:
            break
        try:
            checked = await acs.run_task(device_id, tasks.get_values([state_path]), time_limit=left)
            ran = checked.state == "applied"
            now = await acs.device(device_id, [state_path]) if ran else None
        except ApiError as exc:
            if exc.code is not ErrorCode.UPSTREAM_TIMEOUT:
                raise
            break  # the bound ran out during a poll
        if not ran:
            return _not_run(checked, root)
        param = DeviceDocument(now or {}).get(state_path)
        state = str(param.value) if param else ""
        if state in DONE:
            # The results: refresh the whole scan object once, so the cache read sees them.
            await acs.run_task(
                device_id,
                tasks.get_values([root]),
                time_limit=max(1.0, deadline - time.monotonic()),
            )
            return ScanOutcome("complete", state, root)
        if state.startswith("Error") or state == "Canceled":
            return ScanOutcome("error", state, root)
    return ScanOutcome("timeout", f"The device did not finish the scan within {limit:g} s.", root)


def _not_run(out: tasks.TaskOutcome, root: str) -> ScanOutcome:
    """A task of the scan that did not run now: queued (GenieACS keeps it), or refused by the
    device (withdrawn by the task engine, with the device's fault)."""
    if out.state == "faulted":
        return ScanOutcome("faulted", out.fault, root)
    return ScanOutcome("queued", out.reason, root)


async def scan_document(
    acs: GenieAcsClient | None, cli_only: bool, serial: Serial
) -> Mapping[str, Any]:
    """The device document a scan needs, or TR069_NOT_SUPPORTED when no scan can run (a
    CLI-only OLT, no ACS, a device the ACS does not know or whose model has no scan)."""
    if acs is None or cli_only:
        raise NotSupported(
            "A Wi-Fi neighbour scan needs TR-069 through an ACS; the OLT CLI cannot run one."
        )
    doc = await acs.read_document(serial, registry.projection(("wifiSurvey",)))
    if doc is None:
        raise NotSupported(f"No ACS has a device with serial {serial.canonical} ({serial.hex}).")
    if scan_root(doc) is None:
        raise NotSupported("This device's data model has no Wi-Fi neighbour scan.")
    return doc


async def check_scan(acs: GenieAcsClient | None, cli_only: bool, serial: Serial) -> None:
    """Refuse up front a scan that cannot succeed; an ACS failing now is left to the job."""
    try:
        await scan_document(acs, cli_only, serial)
    except ApiError as exc:
        if not is_upstream(exc):
            raise


async def claim_scan(cache: Cache, key: str, seconds: float) -> None:
    """A scan of this ONU starts the ONU's scan cooldown; within it, another is refused with
    RATE_LIMITED and Retry-After (a scan takes the radio off its channel for seconds, and
    every replica sees the claim). A cache that fails never blocks a scan."""
    if seconds <= 0:
        return
    try:
        claimed = await cache.acquire(f"scan-cooldown:{key}", seconds)
        left = None if claimed is not None else await cache.ttl(f"scan-cooldown:{key}")
    except Exception:
        log.warning("scan cooldown unavailable", exc_info=True)
        return
    if claimed is None:
        wait = max(1, int(left or seconds) + (0 if left is None else 1))
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            f"A Wi-Fi scan of this ONU started less than {seconds:g} s ago; its results show "
            f"in the stats response (wifiSurvey) when done. Retry in {wait} s.",
            headers={"Retry-After": str(wait)},
        )
