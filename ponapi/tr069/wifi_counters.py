"""``wlanCounters`` (2.4 GHz) and ``wlanCounters5`` (5 GHz): traffic of the SSID the Wi-Fi
section shows for that band.

TR-098 ``WLANConfiguration.{n}``: ``TotalBytes*`` / ``TotalPackets*`` (ZTE and TP-Link EC220
also, or only, ``Stats.Bytes*`` / ``Stats.Packets*``), ``Stats.DiscardPackets*`` and
``Stats.Errors*``. TR-181 ``WiFi.SSID.{s}.Stats.*`` (same names as ``Stats`` above). The SSID is
the one the mapper picks for ``wirelessLan`` / ``wirelessLan5`` (by band, enabled first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069 import kit
from ponapi.tr069.beyond import mapper_for
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.mapper import Fields, Mapper, Section

FIELDS = (
    "bytesIn",
    "bytesOut",
    "pktsIn",
    "pktsOut",
    "discardsIn",
    "discardsOut",
    "errIn",
    "errOut",
)
_TR098: dict[str, tuple[str, ...]] = {
    "bytesIn": ("TotalBytesReceived", "Stats.BytesReceived"),
    "bytesOut": ("TotalBytesSent", "Stats.BytesSent"),
    "pktsIn": ("TotalPacketsReceived", "Stats.PacketsReceived"),
    "pktsOut": ("TotalPacketsSent", "Stats.PacketsSent"),
    "discardsIn": ("Stats.DiscardPacketsReceived",),
    "discardsOut": ("Stats.DiscardPacketsSent",),
    "errIn": ("Stats.ErrorsReceived",),
    "errOut": ("Stats.ErrorsSent",),
}
_TR181: dict[str, tuple[str, ...]] = {
    name: (f"Stats.{names[-1].split('.')[-1]}",) for name, names in _TR098.items()
}
PROJECTION = (
    "InternetGatewayDevice.LANDevice.1.WLANConfiguration",
    "Device.WiFi.SSID",
    "Device.WiFi.Radio",
)


def ssid_path(m: Mapper) -> str | None:
    """The SSID object the mapper's Wi-Fi section reads for its band."""
    if not m.root:
        return None
    if not m.tr181:
        chosen = m.wireless()
        n = chosen.extra.get("instance")
        if n is None:
            return None
        for lan in m.doc.instances(f"{m.root}.LANDevice"):
            path = f"{m.root}.LANDevice.{lan}.WLANConfiguration.{n}"
            if m.doc.node(path) is not None and m._band_tr098(path) == m.band:
                return path
        return None
    for s in m.doc.instances("Device.WiFi.SSID"):
        ssid = f"Device.WiFi.SSID.{s}"
        radio = next((x for x in m._chain(ssid, 2) if "WiFi.Radio." in x), None)
        band = m.doc.get(f"{radio}.OperatingFrequencyBand") if radio else None
        if band is not None and str(band.value).startswith(m.band.removesuffix("GHz")):
            return ssid
    return None


def wlan_counters(
    raw: dict[str, Any], now: datetime, tz: ZoneInfo, band: str = "2.4GHz"
) -> Section:
    m = mapper_for(raw, band, now, tz)
    path = ssid_path(m)
    if path is None:
        return kit.absent()
    return _counters(m.doc, path, _TR181 if m.tr181 else _TR098, band, path)


def _counters(
    doc: DeviceDocument, path: str, names: dict[str, tuple[str, ...]], band: str, ssid: str
) -> Section:
    f = Fields(doc, FIELDS)
    for name, candidates in names.items():
        f.put_from(name, f.first(path, candidates), kit.counter)
    section = f.finish()
    section.extra.update({"band": band, "instance": ssid.rsplit(".", 1)[-1]})
    return section
