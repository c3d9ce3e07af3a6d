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
from dataclasses import dataclass
from typing import Any

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.cache import Cache
from ponapi.errors import ApiError, ErrorCode, NotSupported, is_upstream
from ponapi.serials import Serial
from ponapi.tr069.document import DeviceDocument

log = logging.getLogger("ponapi.stats")

# Where each vendor keeps its scan (DiagnosticsState + results), in the order tried.
SCAN_ROOTS = (
    "InternetGatewayDevice.LANDevice.1.WiFi.NeighboringWiFiDiagnostic",  # Huawei
    "InternetGatewayDevice.X_ALU-COM_NeighboringWiFiDiagnostic",  # Nokia
    "InternetGatewayDevice.WiFi.NeighboringWiFiDiagnostic",
    "Device.WiFi.NeighboringWiFiDiagnostic",  # TR-181
    "InternetGatewayDevice.LANDevice.1.WIFI.Radio.1",  # ZTE: one scan per radio; 1 = 2.4 GHz
)
DONE = {"Complete", "Completed"}


@dataclass
class ScanOutcome:
    state: str  # complete | queued | timeout | error
    detail: str
    root: str


def scan_root(doc: dict[str, Any]) -> str | None:
    d = DeviceDocument(doc)
    return next((root for root in SCAN_ROOTS if d.node(root) is not None), None)


async def run_scan(
    acs: GenieAcsClient, doc: dict[str, Any], *, limit: float, poll: float, deadline: float
) -> ScanOutcome:
    root = scan_root(doc)
    if root is None:
        raise ApiError(
            ErrorCode.TR069_NOT_SUPPORTED, "This device's data model has no Wi-Fi neighbour scan."
        )
    device_id = str(doc["_id"])
    state_path = f"{root}.DiagnosticsState"
    remaining = max(1.0, deadline - time.monotonic() - 2)
    started = await acs.set_values(
        device_id, [(state_path, "Requested", "xsd:string")], time_limit=remaining
    )
    if not started.fresh:
        return ScanOutcome("queued", started.reason, root)
    end = min(deadline - 2, time.monotonic() + limit)
    while time.monotonic() < end:
        await asyncio.sleep(poll)
        left = end - time.monotonic()
        if left < 0.5:
            break
        try:
            checked = await acs.refresh(device_id, [state_path], time_limit=left)
            now = await acs.read_paths(device_id, [state_path]) if checked.fresh else None
        except ApiError as exc:
            if exc.code is not ErrorCode.UPSTREAM_TIMEOUT:
                raise
            break  # the bound ran out during a poll
        if not checked.fresh:
            return ScanOutcome("queued", checked.reason, root)
        param = DeviceDocument(now or {}).get(state_path)
        state = str(param.value) if param else ""
        if state in DONE:
            # The results: refresh the whole scan object once, so the cache read sees them.
            await acs.refresh(device_id, [root], time_limit=max(1.0, deadline - time.monotonic()))
            return ScanOutcome("complete", state, root)
        if state.startswith("Error") or state == "Canceled":
            return ScanOutcome("error", state, root)
    return ScanOutcome("timeout", f"The device did not finish the scan within {limit:g} s.", root)


async def scan_document(
    acs: GenieAcsClient | None, cli_only: bool, serial: Serial
) -> dict[str, Any]:
    """The device document a scan needs, or TR069_NOT_SUPPORTED when no scan can run (a
    CLI-only OLT, no ACS, a device the ACS does not know or whose model has no scan)."""
    if acs is None or cli_only:
        raise NotSupported(
            "A Wi-Fi neighbour scan needs TR-069 through an ACS; the OLT CLI cannot run one."
        )
    doc = await acs.read_device(serial, {"wifiSurvey"})
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
