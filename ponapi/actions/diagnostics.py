"""Diagnostics: ping, traceroute and speed test through the device's own diagnostics objects.

TR-098: ``IPPingDiagnostics``, ``TraceRouteDiagnostics`` and TR-143 ``DownloadDiagnostics`` /
``UploadDiagnostics`` under ``InternetGatewayDevice``; TR-181: ``Device.IP.Diagnostics.IPPing``,
``.TraceRoute``, ``.DownloadDiagnostics``, ``.UploadDiagnostics``. A plan first refreshes the
object (GenieACS skips an SPV equal to its cache, so a cached ``Requested`` would silently
suppress a re-run), then sets the inputs and ``DiagnosticsState=Requested`` in one SPV, with
``Interface`` = the internet WAN (``""`` lets the routing table decide when none is known).
The readers report ``pending`` until the state is newer than the request and is ``Complete``
(or the ``Completed`` some CPEs and TR-143 use) or an ``Error_*`` / ``Canceled`` state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from ponapi import display as fmt
from ponapi.actions import tasks as t
from ponapi.actions.errors import NotConfiguredError, NotSupportedError
from ponapi.actions.locate import Device, internet_interface
from ponapi.actions.models import PingRequest, SpeedtestRequest, TracerouteRequest
from ponapi.actions.writes import Writes
from ponapi.tr069.document import parse_time

Kind = Literal["ping", "traceroute", "download", "upload"]
_TR098 = {
    "ping": "InternetGatewayDevice.IPPingDiagnostics",
    "traceroute": "InternetGatewayDevice.TraceRouteDiagnostics",
    "download": "InternetGatewayDevice.DownloadDiagnostics",
    "upload": "InternetGatewayDevice.UploadDiagnostics",
}
_TR181 = {
    "ping": "Device.IP.Diagnostics.IPPing",
    "traceroute": "Device.IP.Diagnostics.TraceRoute",
    "download": "Device.IP.Diagnostics.DownloadDiagnostics",
    "upload": "Device.IP.Diagnostics.UploadDiagnostics",
}
_NAMES = {
    "ping": "ping (IPPingDiagnostics)",
    "traceroute": "traceroute (TraceRouteDiagnostics)",
    "download": "download speed test (TR-143 DownloadDiagnostics)",
    "upload": "upload speed test (TR-143 UploadDiagnostics)",
}


def root_of(dev: Device, kind: Kind) -> str:
    root = (_TR181 if dev.tr181 else _TR098)[kind]
    if not dev.writable(f"{root}.DiagnosticsState"):
        raise NotSupportedError(kind, f"this device has no {_NAMES[kind]}")
    return root


def _plan(dev: Device, kind: Kind, inputs: list[tuple[str, str, Any, str]]) -> t.Plan:
    root = root_of(dev, kind)
    w = Writes(dev)
    iface = internet_interface(dev)
    if dev.doc.get(f"{root}.Interface") is not None:
        w.add("interface", f"{root}.Interface", iface, "xsd:string")
    for fld, rel, value, xsd in inputs:
        w.add(fld, f"{root}.{rel}", value, xsd)
    for required in ("host", "url"):
        if required in w.skipped:
            raise NotSupportedError(kind, w.skipped[required])
    w.add("state", f"{root}.DiagnosticsState", "Requested", "xsd:string")
    return t.Plan(
        tasks=[t.refresh(root), t.set_values([(x.path, x.value, x.xsd) for x in w.items])],
        writes=w.items,
        readback=[root],
        skipped={k: s for k, s in w.skipped.items() if k != "interface"},
        target={"object": root, "interface": iface},
    )


def plan_ping(req: PingRequest, raw: dict[str, Any]) -> t.Plan:
    return _plan(
        Device(raw),
        "ping",
        [
            ("host", "Host", req.host, "xsd:string"),
            (
                "number_of_repetitions",
                "NumberOfRepetitions",
                req.number_of_repetitions,
                "xsd:unsignedInt",
            ),
            ("timeout", "Timeout", req.timeout, "xsd:unsignedInt"),
        ],
    )


def plan_traceroute(req: TracerouteRequest, raw: dict[str, Any]) -> t.Plan:
    return _plan(
        Device(raw),
        "traceroute",
        [
            ("host", "Host", req.host, "xsd:string"),
            ("max_hop_count", "MaxHopCount", req.max_hop_count, "xsd:unsignedInt"),
            ("timeout", "Timeout", req.timeout, "xsd:unsignedInt"),
        ],
    )


def plan_speedtest(
    req: SpeedtestRequest,
    raw: dict[str, Any],
    *,
    download_url: str | None,
    upload_url: str | None,
    upload_bytes: int = 10_000_000,
) -> t.Plan:
    """``download_url`` / ``upload_url``: the test server, from the settings; unset raises
    :class:`NotConfiguredError` at once instead of a test that can never finish."""
    dev = Device(raw)
    if req.direction == "download":
        if not download_url:
            raise NotConfiguredError("speedtest download URL", "no test server is configured")
        return _plan(dev, "download", [("url", "DownloadURL", download_url, "xsd:string")])
    if not upload_url:
        raise NotConfiguredError("speedtest upload URL", "no test server is configured")
    return _plan(
        dev,
        "upload",
        [
            ("url", "UploadURL", upload_url, "xsd:string"),
            ("test_file_length", "TestFileLength", upload_bytes, "xsd:unsignedInt"),
        ],
    )


# --- results ------------------------------------------------------------------------------


@dataclass
class DiagResult:
    status: Literal["pending", "complete", "error"]
    state: str
    result: dict[str, Any] = field(default_factory=dict)


def _state(dev: Device, root: str, requested_at: datetime | None) -> DiagResult | None:
    p = dev.doc.get(f"{root}.DiagnosticsState")
    state = str(p.value).strip() if p is not None else ""
    fresh = requested_at is None or (p is not None and p.timestamp and p.timestamp >= requested_at)
    if not fresh or state in ("", "None", "Requested"):
        return DiagResult("pending", state)
    if state in ("Complete", "Completed"):
        return None
    return DiagResult("error", state)


def _num(dev: Device, path: str) -> int | None:
    return fmt.to_int(dev.value(path))


def read_ping(raw: dict[str, Any], requested_at: datetime | None = None) -> DiagResult:
    dev = Device(raw)
    root = root_of(dev, "ping")
    early = _state(dev, root, requested_at)
    if early is not None:
        return early
    result = {
        "host": fmt.to_str(dev.value(f"{root}.Host")) or "",
        "successCount": _num(dev, f"{root}.SuccessCount"),
        "failureCount": _num(dev, f"{root}.FailureCount"),
        "averageResponseTime": _num(dev, f"{root}.AverageResponseTime"),
        "minResponseTime": _num(dev, f"{root}.MinimumResponseTime"),
        "maxResponseTime": _num(dev, f"{root}.MaximumResponseTime"),
    }
    return DiagResult("complete", "Complete", result)


def _rtts(value: Any) -> list[int]:
    out = []
    for part in str(value or "").split(","):
        n = fmt.to_int(part.strip())
        if n is not None:
            out.append(n)
    return out


def read_traceroute(raw: dict[str, Any], requested_at: datetime | None = None) -> DiagResult:
    dev = Device(raw)
    root = root_of(dev, "traceroute")
    early = _state(dev, root, requested_at)
    if early is not None:
        return early
    names = (
        ("Host", "HostAddress", "ErrorCode", "RTTimes")
        if dev.tr181
        else ("HopHost", "HopHostAddress", "HopErrorCode", "HopRTTimes")
    )
    hops = []
    for i in dev.doc.instances(f"{root}.RouteHops"):
        hop = f"{root}.RouteHops.{i}"
        times = _rtts(dev.value(f"{hop}.{names[3]}"))
        hops.append(
            {
                "hopNumber": int(i),
                "host": fmt.to_str(dev.value(f"{hop}.{names[0]}")) or "",
                "address": fmt.to_str(dev.value(f"{hop}.{names[1]}")) or "",
                "responseTime": round(sum(times) / len(times), 1) if times else None,
                "rtTimes": times,
                "errorCode": _num(dev, f"{hop}.{names[2]}"),
            }
        )
    result = {
        "host": fmt.to_str(dev.value(f"{root}.Host")) or "",
        "responseTime": _num(dev, f"{root}.ResponseTime"),
        "hops": hops,
    }
    return DiagResult("complete", "Complete", result)


def _time(dev: Device, path: str) -> datetime | None:
    stamp = parse_time(dev.value(path))
    return stamp if stamp is not None and stamp.year > 1970 else None


def read_speedtest(
    raw: dict[str, Any], direction: str, requested_at: datetime | None = None
) -> DiagResult:
    """Mbps per TR-143: test bytes x 8 / (EOMTime - BOMTime), in decimal megabits (Flashman
    divides by 1024^2); with several connections, the full-loading bytes and period."""
    dev = Device(raw)
    kind: Kind = "download" if direction == "download" else "upload"
    root = root_of(dev, kind)
    early = _state(dev, root, requested_at)
    if early is not None:
        return early
    verb = "Received" if kind == "download" else "Sent"
    test_bytes = _num(dev, f"{root}.TestBytes{verb}")
    total_bytes = _num(dev, f"{root}.TotalBytes{verb}")
    bom, eom = _time(dev, f"{root}.BOMTime"), _time(dev, f"{root}.EOMTime")
    seconds = (eom - bom).total_seconds() if bom and eom else None
    full_bytes = _num(dev, f"{root}.TestBytes{verb}UnderFullLoading")
    full_us = _num(dev, f"{root}.PeriodOfFullLoading")
    mbps = None
    if full_bytes and full_us:
        mbps = full_bytes * 8 / (full_us / 1e6) / 1e6
    elif test_bytes and seconds and seconds > 0:
        mbps = test_bytes * 8 / seconds / 1e6
    if mbps is None:
        return DiagResult("error", "Error_NoResult", {"reason": "the device reported no timing"})
    req_t, resp_t = (
        _time(dev, f"{root}.TCPOpenRequestTime"),
        _time(dev, f"{root}.TCPOpenResponseTime"),
    )
    result: dict[str, Any] = {
        f"{kind}Mbps": round(mbps, 2),
        "testDurationSeconds": round(seconds, 3) if seconds is not None else None,
        "testBytes": test_bytes,
        "totalBytes": total_bytes,
    }
    if req_t and resp_t and resp_t >= req_t:
        result["latencyMs"] = round((resp_t - req_t).total_seconds() * 1000, 1)
    return DiagResult("complete", "Complete", result)
