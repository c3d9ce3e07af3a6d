"""Diagnostics state machines (TR-098 and TR-181): IPPing, TraceRoute, TR-143 Download and
Upload. Setting ``DiagnosticsState`` to ``Requested`` arms one; once the session that set it has
ended, the CPE "runs" it (``duration`` seconds), writes plausible results, sets the state to
``Complete`` (or an ``Error_*``) and informs with ``8 DIAGNOSTICS COMPLETE``.

Results are deterministic for a given host/URL (seeded), so tests can compare runs.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ponapi.sim.cpe.model import DataModel

# kind -> object path, per data-model root
OBJECTS: dict[str, dict[str, str]] = {
    "InternetGatewayDevice": {
        "IPPing": "InternetGatewayDevice.IPPingDiagnostics.",
        "TraceRoute": "InternetGatewayDevice.TraceRouteDiagnostics.",
        "Download": "InternetGatewayDevice.DownloadDiagnostics.",
        "Upload": "InternetGatewayDevice.UploadDiagnostics.",
    },
    "Device": {
        "IPPing": "Device.IP.Diagnostics.IPPing.",
        "TraceRoute": "Device.IP.Diagnostics.TraceRoute.",
        "Download": "Device.IP.Diagnostics.DownloadDiagnostics.",
        "Upload": "Device.IP.Diagnostics.UploadDiagnostics.",
    },
}
UINT = "xsd:unsignedInt"


@dataclass(frozen=True)
class Requested:
    kind: str
    prefix: str


def requested(model: DataModel, name: str, value: str) -> Requested | None:
    """The diagnostic a SetParameterValues of ``name`` = ``value`` arms, if any."""
    if not name.endswith(".DiagnosticsState") or value != "Requested":
        return None
    prefix = name[: -len("DiagnosticsState")]
    for kind, path in OBJECTS[model.root].items():
        if prefix == path:
            return Requested(kind, prefix)
    return None


def _rng(seed: str) -> random.Random:
    return random.Random(zlib.crc32(seed.encode()))  # noqa: S311 - simulated results only


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def complete(model: DataModel, req: Requested) -> str:
    """Write the results of ``req`` into the model; the final DiagnosticsState."""
    p = req.prefix
    tr181 = model.root == "Device"
    if req.kind in ("IPPing", "TraceRoute"):
        host = model.params.get(p + "Host")
        target = host.value if host else ""
        if not target or target.endswith(".invalid"):
            state = "Error_CannotResolveHostName"
        elif req.kind == "IPPing":
            state = _ping(model, p, target)
        else:
            state = _traceroute(model, p, target, tr181)
    else:
        url_name = p + ("DownloadURL" if req.kind == "Download" else "UploadURL")
        url = model.params.get(url_name)
        if not url or not url.value.startswith(("http://", "ftp://")):
            state = "Error_InitConnectionFailed"
        else:
            state = _transfer(model, p, req.kind, url.value)
    model.put(p + "DiagnosticsState", state)
    return state


def _int(model: DataModel, name: str, default: int) -> int:
    p = model.params.get(name)
    try:
        return int(p.value) if p and p.value else default
    except ValueError:
        return default


def _ping(model: DataModel, p: str, host: str) -> str:
    rng = _rng(host)
    count = max(1, min(_int(model, p + "NumberOfRepetitions", 4), 100))
    rtts = [rng.randint(3, 40) for _ in range(count)]
    lost = 1 if count >= 4 and rng.random() < 0.2 else 0
    ok = rtts[lost:]
    model.put(p + "SuccessCount", str(len(ok)), UINT)
    model.put(p + "FailureCount", str(lost), UINT)
    model.put(p + "AverageResponseTime", str(sum(ok) // len(ok)), UINT)
    model.put(p + "MinimumResponseTime", str(min(ok)), UINT)
    model.put(p + "MaximumResponseTime", str(max(ok)), UINT)
    return "Complete"


def _traceroute(model: DataModel, p: str, host: str, tr181: bool) -> str:
    rng = _rng(host)
    hops = rng.randint(3, min(8, max(3, _int(model, p + "MaxHopCount", 30))))
    model.delete_object(p + "RouteHops.")
    model.objects[p + "RouteHops."] = False
    names = (
        ("Host", "HostAddress", "ErrorCode", "RTTimes")
        if tr181
        else ("HopHost", "HopHostAddress", "HopErrorCode", "HopRTTimes")
    )
    rtt = 1
    for i in range(1, hops + 1):
        rtt += rng.randint(1, 9)
        address = host if i == hops else f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.1"
        model.objects[f"{p}RouteHops.{i}."] = False
        model.put(f"{p}RouteHops.{i}.{names[0]}", address)
        model.put(f"{p}RouteHops.{i}.{names[1]}", address)
        model.put(f"{p}RouteHops.{i}.{names[2]}", "0", UINT)
        model.put(f"{p}RouteHops.{i}.{names[3]}", ",".join(str(rtt + k) for k in range(3)))
    model.put(p + "ResponseTime", str(rtt), UINT)
    model.put(p + "RouteHopsNumberOfEntries", str(hops), UINT)
    return "Complete"


def _transfer(model: DataModel, p: str, kind: str, url: str) -> str:
    rng = _rng(url)
    start = datetime.now(UTC)
    size = _int(model, p + "TestFileLength", 0) if kind == "Upload" else 0
    size = size or rng.randint(5, 50) * 1_000_000
    seconds = size * 8 / (rng.randint(50, 500) * 1_000_000)
    rom = start + timedelta(milliseconds=rng.randint(5, 30))
    bom = rom + timedelta(milliseconds=rng.randint(5, 30))
    eom = bom + timedelta(seconds=seconds)
    model.put(p + "TCPOpenRequestTime", _iso(start), "xsd:dateTime")
    model.put(p + "TCPOpenResponseTime", _iso(start + timedelta(milliseconds=4)), "xsd:dateTime")
    model.put(p + "ROMTime", _iso(rom), "xsd:dateTime")
    model.put(p + "BOMTime", _iso(bom), "xsd:dateTime")
    model.put(p + "EOMTime", _iso(eom), "xsd:dateTime")
    if kind == "Download":
        model.put(p + "TestBytesReceived", str(size), UINT)
        model.put(p + "TotalBytesReceived", str(size + size // 50), UINT)
    else:
        model.put(p + "TotalBytesSent", str(size + size // 50), UINT)
    return "Complete"
