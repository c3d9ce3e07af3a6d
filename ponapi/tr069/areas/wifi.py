"""The ``wirelessLan`` section: SSIDs, radios and security (TR-098 and TR-181)."""

from __future__ import annotations

from dataclasses import dataclass

from ponapi import display as fmt
from ponapi.tr069.areas import wan_tr181
from ponapi.tr069.areas.base import DeviceView, ref_of
from ponapi.tr069.fields import (
    WLAN_FIELDS,
    Fields,
    Section,
)
from ponapi.tr069.spec import SectionSpec, by_root


def band_of(text: object) -> str | None:
    """A reported radio band (``2.4GHz``, ``2.4G``, ``5GHz``, ``5G``, ``6GHz`` ...) -> ``2.4GHz`` /
    ``5GHz`` / ``6GHz``: the one band test of the stats sections and the actions."""
    value = str(text if text is not None else "").strip().upper()
    for prefix, band in (("2.4", "2.4GHz"), ("2", "2.4GHz"), ("5", "5GHz"), ("6", "6GHz")):
        if value.startswith(prefix):
            return band
    return None


def _band_tr098(m: DeviceView, wlc: str) -> str | None:
    for rel in ("X_HW_RFBand", "OperatingFrequencyBand", "X_ZTE-COM_RFBand"):
        p = m.doc.get(f"{wlc}.{rel}")
        if p is not None and str(p.value).strip():
            return band_of(p.value) or "2.4GHz"
    lower = m.doc.get(f"{wlc}.LowerLayers")
    if lower is not None:
        band = m.doc.get(f"{ref_of(lower.value)}.OperatingFrequencyBand")
        if band is not None and str(band.value).strip():
            return band_of(band.value)
    channel = m.doc.get(f"{wlc}.Channel")
    ch = fmt.to_int(channel.value) if channel else None
    if ch:
        return "2.4GHz" if ch <= 14 else "5GHz"
    std = m.doc.get(f"{wlc}.Standard")
    if std is not None:
        letters = fmt.wifi_standard(std.value) or ""
        if "b" in letters or "g" in letters:
            return "2.4GHz"
        if "a" in letters:
            return "5GHz"
    return None


def wireless(m: DeviceView, band: str = "2.4GHz") -> Section:
    """The Wi-Fi section of one radio band (chosen from the data, never the instance number)."""
    if not m.root:
        return Section(None, "absent")
    return _tr181(m, band) if m.tr181 else _tr098(m, band)


def band_tr098(m: DeviceView, wlc: str) -> str | None:
    return _band_tr098(m, wlc)


@dataclass(frozen=True)
class Wlan:
    """The WLAN a device serves a band on. TR-098: ``wlc`` is the WLANConfiguration (radio, SSID
    and security in one object, so ``radio`` and ``ap`` name it too). TR-181: ``wlc`` is the
    SSID, ``radio`` its Radio, ``ap`` the AccessPoint that refers to it (``""`` if none)."""

    band: str
    wlc: str
    radio: str
    ap: str


def choose(m: DeviceView, band: str) -> Wlan | None:
    """The WLAN of ``band``, chosen by the band the device reports, never by instance number
    (Intelbras W5-2100G has 5 GHz on instance 1): the one choice of the ``wirelessLan`` sections
    and of the Wi-Fi actions. TR-098: the first enabled WLANConfiguration on the band, else the
    first; TR-181: the first SSID whose Radio is on the band."""
    if not m.root:
        return None
    if m.tr181:
        found = ssid_radio_tr181(m, band)
        if found is None:
            return None
        ssid, radio = found
        aps = wan_tr181.referring(m, "Device.WiFi.AccessPoint", "SSIDReference", ssid)
        return Wlan(band, ssid, radio, aps[0] if aps else "")
    for lan in m.doc.instances(f"{m.root}.LANDevice"):
        base = f"{m.root}.LANDevice.{lan}.WLANConfiguration"
        insts = [f"{base}.{n}" for n in m.doc.instances(base)]
        on_band = [w for w in insts if _band_tr098(m, w) == band]
        enabled = [
            w for w in on_band if fmt.to_bool(getattr(m.doc.get(f"{w}.Enable"), "value", None))
        ]
        pick = (enabled or on_band)[:1]
        if pick:
            return Wlan(band, pick[0], pick[0], pick[0])
    return None


def _tr098(m: DeviceView, band: str) -> Section:
    found = choose(m, band)
    chosen = found.wlc if found else None
    if chosen is None:
        return Section(None, "absent")
    w = chosen
    f = Fields(m.doc, WLAN_FIELDS)
    f.put_from("ssid", f.read(f"{w}.SSID"), fmt.to_str)
    psk = f.first(w, m.profile.psk)
    f.put("password", fmt.to_str(psk.value) if psk else "")  # hidden by TR-098: often ""
    beacon = f.read(f"{w}.BeaconType")
    eap = any(
        "EAP" in str(getattr(m.doc.get(f"{w}.{mode}"), "value", ""))
        for mode in ("WPAAuthenticationMode", "IEEE11iAuthenticationMode")
    )
    basic_enc = m.doc.get(f"{w}.BasicEncryptionModes")
    if beacon is not None:
        f.put(
            "authMode",
            fmt.auth_mode_tr098(beacon.value, basic_enc.value if basic_enc else None, eap),
        )
        key = str(beacon.value).lower()
        if key in ("wpa", "basicandwpa"):
            enc = f.read(f"{w}.WPAEncryptionModes")
        elif key in ("11i", "basicand11i"):
            enc = f.read(f"{w}.IEEE11iEncryptionModes")
        elif key in ("basic", "none"):
            enc = None
            f.put("wpaEncryption", "None")
        else:  # WPA/WPA2 mixed and WPA3 variants: Huawei keeps the real value apart
            enc = f.first(
                w,
                (
                    "X_HW_WPAand11iEncryptionModes",
                    "IEEE11iEncryptionModes",
                    "WPAEncryptionModes",
                ),
            )
        f.put_from("wpaEncryption", enc, fmt.encryption)
    status = f.read(f"{w}.Status")
    f.put_from("status", status, lambda v: (fmt.to_str(v) or "").capitalize() or None)
    f.put_from("enable", f.read(f"{w}.Enable"), fmt.yes_no)
    f.put("rfBand", band)
    f.put_from(
        "standard",
        f.first(w, ("Standard", "X_HW_Standard", "X_ZTE-COM_WlanStandard")),
        fmt.wifi_standard,
    )
    f.put_from("radioEnabled", f.read(f"{w}.RadioEnabled"), fmt.yes_no)
    f.put_from("totalAssociations", f.read(f"{w}.TotalAssociations"), fmt.to_str)
    f.put_from("ssidAdvertisementEnabled", f.read(f"{w}.SSIDAdvertisementEnabled"), fmt.yes_no)
    width = f.first(w, m.profile.channel_width)
    if width is not None:
        hit = m.doc.first(w, *m.profile.channel_width)
        rel = hit[0].rsplit(".", 1)[-1] if hit else ""
        if rel == "X_HW_HT20":
            code = fmt.to_int(width.value)
            f.put("channelWidth", fmt.HUAWEI_HT20.get(code if code is not None else -1))
        else:
            f.put("channelWidth", fmt.channel_width(width.value))
    f.put_from("autoChannel", f.read(f"{w}.AutoChannelEnable"), fmt.on_off)
    f.put_from("channel", f.read(f"{w}.Channel"), fmt.to_str)
    f.put_from("countryDomain", f.read(f"{w}.RegulatoryDomain"), fmt.country)
    f.put_from("txPower", f.read(f"{w}.TransmitPower"), fmt.to_str)
    section = f.finish()
    section.extra["instance"] = w.rsplit(".", 1)[-1]
    return section


def ssid_radio_tr181(m: DeviceView, band: str) -> tuple[str, str] | None:
    """The first TR-181 SSID on ``band`` and its radio."""
    for s in m.doc.instances("Device.WiFi.SSID"):
        ssid = f"Device.WiFi.SSID.{s}"
        radio = next((x for x in wan_tr181.layer_chain(m, ssid, 2) if "WiFi.Radio." in x), None)
        on = m.doc.get(f"{radio}.OperatingFrequencyBand") if radio else None
        if radio and on is not None and band_of(on.value) == band:
            return ssid, radio
    return None


def _tr181(m: DeviceView, band: str) -> Section:
    chosen = choose(m, band)
    if chosen is None:
        return Section(None, "absent")
    ssid, radio, ap = chosen.wlc, chosen.radio, chosen.ap or None
    f = Fields(m.doc, WLAN_FIELDS)
    f.put_from("ssid", f.read(f"{ssid}.SSID"), fmt.to_str)
    psk = f.read(f"{ap}.Security.KeyPassphrase") if ap else None
    f.put("password", fmt.to_str(psk.value) if psk else "")
    if ap:
        f.put_from("authMode", f.read(f"{ap}.Security.ModeEnabled"), fmt.auth_mode_tr181)
        enc = f.first(ap, ("Security.EncryptionMode", "Security.X_TP_WPAWPA2EncryptionMode"))
        f.put_from("wpaEncryption", enc, fmt.encryption)
        f.put_from("totalAssociations", f.read(f"{ap}.AssociatedDeviceNumberOfEntries"), fmt.to_str)
        f.put_from("ssidAdvertisementEnabled", f.read(f"{ap}.SSIDAdvertisementEnabled"), fmt.yes_no)
    f.put_from("status", f.read(f"{ssid}.Status"), fmt.to_str)
    f.put_from("enable", f.read(f"{ssid}.Enable"), fmt.yes_no)
    f.put("rfBand", band)
    f.put_from("standard", f.read(f"{radio}.OperatingStandards"), fmt.wifi_standard)
    f.put_from("radioEnabled", f.read(f"{radio}.Enable"), fmt.yes_no)
    width = f.first(radio, ("CurrentOperatingChannelBandwidth", "OperatingChannelBandwidth"))
    f.put_from("channelWidth", width, fmt.channel_width)
    f.put_from("autoChannel", f.read(f"{radio}.AutoChannelEnable"), fmt.on_off)
    f.put_from("channel", f.read(f"{radio}.Channel"), fmt.to_str)
    f.put_from("countryDomain", f.read(f"{radio}.RegulatoryDomain"), fmt.country)
    f.put_from("txPower", f.read(f"{radio}.TransmitPower"), fmt.to_str)
    return f.finish()


def radio_band(m: DeviceView, ref: object) -> str | None:
    target = ref_of(ref)
    if not target:
        return None
    band = m.doc.get(f"{target}.OperatingFrequencyBand")
    return str(band.value) if band else None


def build(m: DeviceView) -> dict[str, Section]:
    return {"wirelessLan": wireless(m)}


def build5(m: DeviceView) -> dict[str, Section]:
    return {"wirelessLan5": wireless(m, "5GHz")}


WIRELESS_LAN = SectionSpec(
    "wirelessLan",
    "object",
    build,
    projection=by_root(
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration",
        "InternetGatewayDevice.LANDevice.1.WiFi.Radio",
        "Device.WiFi.SSID",
        "Device.WiFi.Radio",
        "Device.WiFi.AccessPoint",
    ),
    refresh=by_root(
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration.*",
        "Device.WiFi.SSID.*",
        "Device.WiFi.Radio.*",
        "Device.WiFi.AccessPoint.*",
    ),
    secret=("password",),
    limitation="An OLT CLI shows at most the SSID, its state and the client count; channel, "
    "security, power and every Wi-Fi change need the ONU's TR-069.",
)
WIRELESS_LAN_5 = SectionSpec(
    "wirelessLan5",
    "object",
    build5,
    projection=by_root(
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration",
        "InternetGatewayDevice.LANDevice.1.WiFi",
        "InternetGatewayDevice.LANDevice.1.WIFI",
        "Device.WiFi.SSID",
        "Device.WiFi.Radio",
        "Device.WiFi.AccessPoint",
    ),
    refresh=by_root(
        "InternetGatewayDevice.LANDevice.1.WLANConfiguration.*",
        "InternetGatewayDevice.LANDevice.1.WiFi.Radio",
        "InternetGatewayDevice.LANDevice.1.WIFI.Radio",
        "Device.WiFi.SSID.*",
        "Device.WiFi.Radio.*",
        "Device.WiFi.AccessPoint.*",
    ),
    secret=("password",),
    limitation="An OLT CLI shows the 2.4 GHz SSIDs at most; the 5 GHz radio needs the ONU's "
    "TR-069.",
)
