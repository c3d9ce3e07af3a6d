"""What the simulated CPE does with a task that ran (GenieACS answered 200), so every button of
the app works in the demo: a reboot resets the uptime and bumps ``_lastBoot``; a factory reset
restores the device's original dump (and ``_lastBootstrap``); ``refreshObject`` refreshes the
timestamps under the object; a diagnostic set to ``Requested`` completes with plausible
results (IPPing, TraceRoute, TR-143 Download/Upload, TR-098 and TR-181 names).

Called by ``ponapi.sim.genieacs`` after its own handling of the task (which stores SPV values
and refreshes GPV paths).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

_DIAG = (
    "IPPingDiagnostics",
    "IPPing",
    "TraceRouteDiagnostics",
    "TraceRoute",
    "DownloadDiagnostics",
    "UploadDiagnostics",
)


class Cpe(Protocol):
    doc: dict[str, Any]
    initial: dict[str, Any]
    ignore_writes: bool
    scan_root: str
    scan_ready_at: float | None


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _node(doc: dict[str, Any], path: str) -> dict[str, Any]:
    node = doc
    for part in path.split("."):
        child = node.get(part)
        if not isinstance(child, dict):
            child = {"_object": True}
            node[part] = child
        node = child
    return node


def _leaf(doc: dict[str, Any], path: str, value: Any, xsd: str, stamp: str) -> None:
    node = _node(doc, path)
    node.update({"_object": False, "_value": value, "_type": xsd, "_timestamp": stamp})
    node.setdefault("_writable", False)


def _value(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node.get("_value") if isinstance(node, dict) else None


def _root(doc: dict[str, Any]) -> str:
    return "InternetGatewayDevice" if "InternetGatewayDevice" in doc else "Device"


def apply(device: Cpe, task: dict[str, Any], before: dict[str, Any] | None = None) -> None:
    """Apply a task that ran. ``before``: the document before the simulator stored an SPV's
    values (a device with ``ignore_writes`` reports those instead)."""
    now = datetime.now(UTC)
    stamp = _iso(now)
    name = task.get("name")
    if name == "setParameterValues":
        if device.ignore_writes and before is not None:
            device.doc.clear()
            device.doc.update(before)
            return
        for entry in task.get("parameterValues", []):
            path, value = str(entry[0]), entry[1]
            if path.endswith(".DiagnosticsState") and value == "Requested":
                diag_root = path.rsplit(".", 1)[0]
                if diag_root.rsplit(".", 1)[-1] in _DIAG:
                    _complete(device.doc, diag_root, now)
                    if device.scan_root == diag_root:
                        device.scan_ready_at = None
    elif name == "reboot":
        _booted(device.doc, stamp)
    elif name == "factoryReset":
        keep = device.doc.get("_id")
        device.doc.clear()
        device.doc.update(copy.deepcopy(device.initial))
        device.doc["_id"] = keep
        _booted(device.doc, stamp)
        device.doc["_lastBootstrap"] = stamp
    elif name == "refreshObject":
        _touch(device.doc, str(task.get("objectName") or ""), stamp)


def _booted(doc: dict[str, Any], stamp: str) -> None:
    doc["_lastBoot"] = stamp
    doc["_lastInform"] = stamp
    _leaf(doc, f"{_root(doc)}.DeviceInfo.UpTime", 0, "xsd:unsignedInt", stamp)


def _touch(doc: dict[str, Any], path: str, stamp: str) -> None:
    node: Any = doc
    for part in [p for p in path.split(".") if p]:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return
    stack = [node]
    while stack:
        cur = stack.pop()
        if "_value" in cur:
            cur["_timestamp"] = stamp
        stack.extend(v for k, v in cur.items() if not k.startswith("_") and isinstance(v, dict))


def _complete(doc: dict[str, Any], root: str, now: datetime) -> None:
    stamp = _iso(now)
    kind = root.rsplit(".", 1)[-1]
    tr181 = root.startswith("Device.")
    if kind in ("IPPingDiagnostics", "IPPing"):
        reps = int(_value(doc, f"{root}.NumberOfRepetitions") or 4)
        for leaf, v in (
            ("SuccessCount", reps),
            ("FailureCount", 0),
            ("AverageResponseTime", 12),
            ("MinimumResponseTime", 9),
            ("MaximumResponseTime", 17),
        ):
            _leaf(doc, f"{root}.{leaf}", v, "xsd:unsignedInt", stamp)
        state = "Complete"
    elif kind in ("TraceRouteDiagnostics", "TraceRoute"):
        names = (
            ("Host", "HostAddress", "ErrorCode", "RTTimes")
            if tr181
            else ("HopHost", "HopHostAddress", "HopErrorCode", "HopRTTimes")
        )
        hops = (("192.168.100.1", "3,2,3"), ("10.20.0.1", "8,7,9"), ("203.0.113.9", "14,13,15"))
        for i, (addr, rtts) in enumerate(hops, 1):
            hop = f"{root}.RouteHops.{i}"
            _leaf(doc, f"{hop}.{names[0]}", addr, "xsd:string", stamp)
            _leaf(doc, f"{hop}.{names[1]}", addr, "xsd:string", stamp)
            _leaf(doc, f"{hop}.{names[2]}", 0, "xsd:unsignedInt", stamp)
            _leaf(doc, f"{hop}.{names[3]}", rtts, "xsd:string", stamp)
        _leaf(doc, f"{root}.ResponseTime", 14, "xsd:unsignedInt", stamp)
        _leaf(doc, f"{root}.RouteHopsNumberOfEntries", len(hops), "xsd:unsignedInt", stamp)
        state = "Complete"
    else:
        download = kind == "DownloadDiagnostics"
        verb = "Received" if download else "Sent"
        size = 25_000_000 if download else int(_value(doc, f"{root}.TestFileLength") or 10_000_000)
        seconds = 2.5 if download else 4.0
        bom = now - timedelta(seconds=seconds)
        leaves: tuple[tuple[str, object, str], ...] = (
            ("TCPOpenRequestTime", _iso(bom - timedelta(milliseconds=11)), "xsd:dateTime"),
            ("TCPOpenResponseTime", _iso(bom - timedelta(milliseconds=3)), "xsd:dateTime"),
            ("BOMTime", _iso(bom), "xsd:dateTime"),
            ("EOMTime", stamp, "xsd:dateTime"),
            (f"TestBytes{verb}", size, "xsd:unsignedInt"),
            (f"TotalBytes{verb}", size + size // 50, "xsd:unsignedInt"),
        )
        for name, val, xsd in leaves:
            _leaf(doc, f"{root}.{name}", val, xsd, stamp)
        state = "Completed"
    _leaf(doc, f"{root}.DiagnosticsState", state, "xsd:string", stamp)
