"""The Wi-Fi neighbour scan on demand, through the ACS.

Set ``DiagnosticsState = Requested`` on the vendor's scan object with a connection request; the
CPE scans after the session ends and keeps the results. Not every CPE reports completion
(ZTE sends no ``8 DIAGNOSTICS COMPLETE``), so ponapi polls the state within a bound, then
re-reads the results, and the next stats response carries them with their scan time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.errors import ApiError, ErrorCode
from ponapi.tr069.document import DeviceDocument

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
