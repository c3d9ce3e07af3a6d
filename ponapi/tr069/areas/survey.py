"""The ``wifiSurvey`` section: the neighbour networks of the last scan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ponapi import display as fmt
from ponapi.tr069.areas import wifi
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import NODE_TYPES, DeviceDocument, plain
from ponapi.tr069.fields import (
    Fields,
    Section,
)
from ponapi.tr069.spec import SectionSpec, by_root

# Where each vendor keeps its neighbour scan (DiagnosticsState + results), in the order tried:
# one scan for every band...
SURVEY_ROOTS = (
    "InternetGatewayDevice.LANDevice.1.WiFi.NeighboringWiFiDiagnostic",  # Huawei
    "InternetGatewayDevice.X_ALU-COM_NeighboringWiFiDiagnostic",  # Nokia
    "InternetGatewayDevice.WiFi.NeighboringWiFiDiagnostic",
    "Device.WiFi.NeighboringWiFiDiagnostic",  # TR-181
)
# ... or, on ZTE, one scan per radio: radio 1 is 2.4 GHz, radio 2 is 5 GHz.
ZTE_RADIOS = "InternetGatewayDevice.LANDevice.1.WIFI.Radio"
ZTE_RADIO = {"2.4GHz": "1", "5GHz": "2"}
ZTE_RESULTS = "X_ZTE-COM_NeighborAP"
# The objects a scan is started on (the 2.4 GHz radio for ZTE), in the order tried.
SCAN_ROOTS = (*SURVEY_ROOTS, f"{ZTE_RADIOS}.{ZTE_RADIO['2.4GHz']}")


def survey(m: DeviceView, band: str = "2.4GHz") -> Section:
    """The neighbour networks on ``band``. A scan table holds every band: it is read once per
    device view, and each band's section is cut from it."""
    for root in SURVEY_ROOTS:
        if m.doc.node(root) is not None:
            key = f"survey:{root}"
            if key not in m.memo:
                m.memo[key] = _scan(m, root, f"{root}.Result", "SignalStrength", "Radio")
            scans: dict[str, Section] = m.memo[key]
            return scans.get(band) or _section(m, root, Fields(m.doc, _FIELDS), [])
    radio = ZTE_RADIO.get(band)
    zte = f"{ZTE_RADIOS}.{radio}"
    if radio and m.doc.node(zte) is not None:
        scan = _scan(m, zte, f"{zte}.{ZTE_RESULTS}", "RSSI", None, band)
        return scan.get(band) or _section(m, zte, Fields(m.doc, _FIELDS), [])
    return Section(None, "absent")


_FIELDS = ("hasRecords", "networks")
_NONE = object()  # a result's field the device did not report (or GenieACS never fetched)


def _value(result: Mapping[str, Any], name: str, default: Any = _NONE) -> Any:
    """The value of the parameter ``name`` of a scan result, else ``default``."""
    node = result.get(name)
    if isinstance(node, NODE_TYPES):
        return plain(node.get("_value", default))
    return default


def _scan(
    m: DeviceView,
    root: str,
    table: str,
    signal_name: str,
    radio_name: str | None,
    fixed_band: str | None = None,
) -> dict[str, Section]:
    """Every band's section of one scan table (``fixed_band``: the table is one radio's)."""
    found: dict[str, tuple[Fields, list[tuple[int, dict[str, Any]]]]] = {}
    leaf = DeviceDocument.leaf
    shown: dict[datetime, str] = {}  # a scan's results share one or two times
    for i in m.doc.instances(table):
        # A scan holds ~100 results: each is resolved once and read field by field, the
        # values only (a parameter with its time only where the time is shown).
        result = m.doc.node(f"{table}.{i}") or {}
        net_band = fixed_band
        v_band = _value(result, "OperatingFrequencyBand")
        if v_band is not _NONE and str(v_band).strip():
            net_band = str(v_band).strip()
        elif radio_name and (rb := wifi.radio_band(m, _value(result, radio_name, None))):
            net_band = rb
        v_channel = _value(result, "Channel")
        channel = fmt.to_int(v_channel) if v_channel is not _NONE else None
        if net_band is None and channel:
            net_band = "2.4GHz" if channel <= 14 else "5GHz"
        if net_band is None:
            continue
        if net_band not in found:
            found[net_band] = (Fields(m.doc, _FIELDS), [])
        f, networks = found[net_band]
        p_ssid = f.seen(leaf(result, "SSID"))
        v_bssid = _value(result, "BSSID")
        if p_ssid is None and v_bssid is _NONE:
            continue
        v_signal = _value(result, signal_name)
        v_sec = _value(result, "SecurityModeEnabled")
        net: dict[str, Any] = {
            "ssid": (fmt.to_str(p_ssid.value) if p_ssid else None) or "",
            "channel": str(channel) if channel is not None else "",
            "signalStrength": (fmt.dbm(v_signal) if v_signal is not _NONE else None) or "",
            "security": (fmt.security(v_sec) if v_sec is not _NONE else None) or "",
            "bssid": (fmt.mac(v_bssid) if v_bssid is not _NONE else None) or "",
            "band": net_band,
        }
        seen = p_ssid or leaf(result, "BSSID")
        stamp = seen.timestamp if seen is not None else None
        if stamp:
            if stamp not in shown:
                shown[stamp] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
            net["scannedAt"] = shown[stamp]
        strength = fmt.to_int(v_signal) if v_signal is not _NONE else None
        networks.append((strength if strength is not None else -999, net))
    return {band: _section(m, root, f, networks) for band, (f, networks) in found.items()}


def _section(
    m: DeviceView, root: str, f: Fields, networks: list[tuple[int, dict[str, Any]]]
) -> Section:
    networks.sort(key=lambda item: -item[0])
    f.put("hasRecords", bool(networks))
    f.put("networks", [n for _, n in networks])
    section = f.finish()
    state = m.doc.get(f"{root}.DiagnosticsState")
    if state is not None:
        section.extra["scanState"] = str(state.value)
    return section


def build(m: DeviceView) -> dict[str, Section]:
    return {"wifiSurvey": survey(m)}


def build5(m: DeviceView) -> dict[str, Section]:
    return {"wifiSurvey5": survey(m, "5GHz")}


# The scan objects and the radio tables their results point to (a result's band).
_RADIOS = ("InternetGatewayDevice.LANDevice.1.WiFi.Radio", "Device.WiFi.Radio")
_LIMITATION = "A neighbour scan runs on the ONU's radio; an OLT CLI cannot start or read one."
WIFI_SURVEY = SectionSpec(
    "wifiSurvey",
    "object",
    build,
    projection=by_root(*SURVEY_ROOTS, *_RADIOS, f"{ZTE_RADIOS}.{ZTE_RADIO['2.4GHz']}"),
    # A live read re-reads the last scan's results (a new scan is the survey action).
    refresh=by_root(*SURVEY_ROOTS, f"{ZTE_RADIOS}.{ZTE_RADIO['2.4GHz']}.{ZTE_RESULTS}"),
    limitation=_LIMITATION,
)
WIFI_SURVEY_5 = SectionSpec(
    "wifiSurvey5",
    "object",
    build5,
    projection=by_root(*SURVEY_ROOTS, *_RADIOS, ZTE_RADIOS),
    refresh=by_root(*SURVEY_ROOTS, f"{ZTE_RADIOS}.{ZTE_RADIO['5GHz']}.{ZTE_RESULTS}"),
    limitation=_LIMITATION,
)
