"""``wlanCounters`` (2.4 GHz) and ``wlanCounters5`` (5 GHz): traffic of the SSID the Wi-Fi
section shows for that band.

TR-098 ``WLANConfiguration.{n}``: ``TotalBytes*`` / ``TotalPackets*`` (ZTE and TP-Link EC220
also, or only, ``Stats.Bytes*`` / ``Stats.Packets*``), ``Stats.DiscardPackets*`` and
``Stats.Errors*``. TR-181 ``WiFi.SSID.{s}.Stats.*`` (same names as ``Stats`` above). The SSID is
the one the mapper picks for ``wirelessLan`` / ``wirelessLan5`` (by band, enabled first).
"""

from __future__ import annotations

from ponapi.tr069 import kit
from ponapi.tr069.areas import wifi
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

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


def ssid_path(m: DeviceView, band: str) -> str | None:
    """The SSID object the ``wirelessLan`` section of ``band`` reads."""
    chosen = wifi.choose(m, band)
    return chosen.wlc if chosen else None


def wlan_counters(m: DeviceView, band: str = "2.4GHz") -> Section:
    path = ssid_path(m, band)
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


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"wlanCounters": wlan_counters(m), "wlanCounters5": wlan_counters(m, "5GHz")}


WLAN_COUNTERS = SectionSpec(
    "wlanCounters",
    "object",
    build,
    projection=by_root(*PROJECTION),
    limitation="Wi-Fi traffic counters are kept by the ONU; no OLT command reads them.",
)
WLAN_COUNTERS_5 = SectionSpec(
    "wlanCounters5",
    "object",
    build,
    projection=by_root(*PROJECTION),
    limitation="Wi-Fi traffic counters are kept by the ONU; no OLT command reads them.",
)
