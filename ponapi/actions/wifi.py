"""Wi-Fi settings: a validated ``WirelessLanRequest`` + the device document -> the GenieACS
tasks, with the data model's own paths per vendor; and the read-back section (the stats
``wirelessLan`` section's own builder).

TR-098 (``WLANConfiguration``): ``BeaconType`` with ``WPAAuthenticationMode`` /
``IEEE11iAuthenticationMode`` (and Huawei's ``X_HW_WPAand11i*`` twins), the passphrase in the
parameter the vendor profile names first among those the device has writable (Huawei
``PreSharedKey.1.PreSharedKey``, ZTE/Nokia ``PreSharedKey.1.KeyPassphrase``, TP-Link
``X_TP_PreSharedKey``, others ``KeyPassphrase``: Flashman's per-model files, research notes
§2.2), never two passphrase parameters at once (TR-098 calls that undefined). TR-181: SSID /
Radio / AccessPoint.Security.ModeEnabled (checked against ``ModesSupported``). Only parameters
present and writable in the document are written; each value carries the document's xsd type.
"""

from __future__ import annotations

import string
from typing import Any

from ponapi.actions import tasks as t
from ponapi.actions import validate as v
from ponapi.actions.errors import ActionValidationError, NotSupportedError
from ponapi.actions.locate import Device, Wlan, wlan
from ponapi.actions.models import AuthMode, WirelessLanRequest
from ponapi.actions.writes import UNCHANGED, Writes
from ponapi.tr069.areas import wifi as wifi_area

# TR-098 BeaconType and the modes each auth choice writes (TR-098 has no WPA3).
_TR098_AUTH: dict[AuthMode, tuple[str, dict[str, str]]] = {
    AuthMode.OPEN: ("Basic", {"BasicAuthenticationMode": "None", "BasicEncryptionModes": "None"}),
    AuthMode.WPA: (
        "WPA",
        {"WPAAuthenticationMode": "PSKAuthentication", "WPAEncryptionModes": "AESEncryption"},
    ),
    AuthMode.WPA2: (
        "11i",
        {
            "IEEE11iAuthenticationMode": "PSKAuthentication",
            "IEEE11iEncryptionModes": "AESEncryption",
        },
    ),
    AuthMode.WPA_WPA2: (
        "WPAand11i",
        {
            "WPAAuthenticationMode": "PSKAuthentication",
            "WPAEncryptionModes": "TKIPandAESEncryption",
            "IEEE11iAuthenticationMode": "PSKAuthentication",
            "IEEE11iEncryptionModes": "TKIPandAESEncryption",
            "X_HW_WPAand11iAuthenticationMode": "PSKAuthentication",
            "X_HW_WPAand11iEncryptionModes": "TKIPandAESEncryption",
        },
    ),
}
# TR-181 ModeEnabled names, first the standard one, then names firmwares use instead.
_TR181_MODES: dict[AuthMode, tuple[str, ...]] = {
    AuthMode.OPEN: ("None",),
    AuthMode.WPA: ("WPA-Personal",),
    AuthMode.WPA2: ("WPA2-Personal",),
    AuthMode.WPA_WPA2: ("WPA-WPA2-Personal",),
    AuthMode.WPA3: ("WPA3-Personal",),
    AuthMode.WPA2_WPA3: ("WPA3-Personal-Transition", "WPA2-WPA3-Personal", "WPA2-PSK-WPA3-SAE"),
}


def _supported_powers(dev: Device, path: str) -> list[int]:
    raw = dev.value(path)
    out = []
    for part in str(raw or "").split(","):
        part = part.strip()
        if part.lstrip("-").isdigit():
            out.append(int(part))
    return out


def _country_of(dev: Device, path: str) -> str | None:
    raw = str(dev.value(path) or "").strip()[:2].upper()
    try:
        return v.country(raw)
    except ActionValidationError:
        return None  # "00" (world), "" or garbage: channels checked against the common set


def _domain(current: Any, code: str) -> str:
    """Write the country the way the device reports it: three characters when it uses the
    third (``BRI``, ``"BR "``), else two."""
    text = str(current or "")
    return code + text[2] if len(text) == 3 else code


def _pick_psk(dev: Device, base: str, password: str) -> str | None:
    hex_psk = len(password) == 64 and all(c in string.hexdigits for c in password)
    names = dev.profile.psk
    if hex_psk:  # a raw PSK goes where TR-098 keeps the literal key
        names = ("PreSharedKey.1.PreSharedKey",)
    for rel in names:
        if dev.writable(f"{base}.{rel}"):
            return f"{base}.{rel}"
    return None


def plan_wifi(req: WirelessLanRequest, raw: dict[str, Any]) -> t.Plan:
    dev = Device(raw)
    target = wlan(dev, req.band)
    w = Writes(dev)
    radio_base = target.radio
    domain_path = f"{radio_base}.RegulatoryDomain"
    current_domain = str(dev.value(domain_path) or "").strip()[:2].upper()
    if req.country_domain == v.WORLD_DOMAIN and current_domain != v.WORLD_DOMAIN:
        raise ActionValidationError(
            "country_domain", "00 (world) can be kept but not set: give an ISO 3166-1 code"
        )
    named = req.country_domain if req.country_domain != v.WORLD_DOMAIN else None
    country = named or _country_of(dev, domain_path)
    channel = req.channel
    if channel and str(dev.value(f"{radio_base}.Channel")) == str(channel):
        channel = None  # the channel it is on (auto or not): auto channel stays as it is
    if channel is not None:
        v.channel(channel, req.band, country)
    if req.ssid is not None and req.password is None and dev.profile.name == "nokia":
        # Nokia resets the passphrase on an SSID-only change (Flashman, research notes §2.5).
        raise ActionValidationError(
            "password", "this Nokia ONT resets its password when only the SSID changes: send both"
        )
    if req.ssid is not None:
        w.add("ssid", f"{target.wlc}.SSID", req.ssid, "xsd:string")
    if req.enable is not None:
        w.add("enable", f"{target.wlc}.Enable", req.enable, "xsd:boolean")
    if req.ssid_advertisement_enabled is not None:
        w.add(
            "ssid_advertisement_enabled",
            f"{target.ap}.SSIDAdvertisementEnabled",
            req.ssid_advertisement_enabled,
            "xsd:boolean",
        )
    if channel is not None:
        auto = f"{radio_base}.AutoChannelEnable"
        if channel == 0:
            w.add("channel", auto, True, "xsd:boolean")
        else:
            if dev.writable(auto):  # Flashman's order: auto off first, then the channel
                w.add("channel", auto, False, "xsd:boolean")
            w.add("channel", f"{radio_base}.Channel", channel, "xsd:unsignedInt")
    elif req.channel:
        w.skipped["channel"] = UNCHANGED
    power_path = f"{radio_base}.TransmitPower"
    if req.tx_power is not None and str(dev.value(power_path)) != str(req.tx_power):
        v.tx_power(req.tx_power, _supported_powers(dev, f"{radio_base}.TransmitPowerSupported"))
    if req.tx_power is not None:
        w.add("tx_power", power_path, req.tx_power, "xsd:unsignedInt")
    if named is not None:
        value = _domain(dev.value(domain_path), named)
        w.add("country_domain", domain_path, value, "xsd:string")
    elif req.country_domain is not None:
        w.skipped["country_domain"] = UNCHANGED
    _security(req, dev, target, w)
    w.drop_unchanged()  # only what differs from the device is set
    if not w.items and UNCHANGED not in w.skipped.values():
        raise NotSupportedError("wirelessLan", "; ".join(w.skipped.values()) or "nothing to set")
    return t.Plan(
        tasks=[t.set_values([(x.path, x.value, x.xsd) for x in w.items])] if w.items else [],
        writes=w.items,
        readback=list(dict.fromkeys(x.path for x in w.items)),
        skipped=w.skipped,
        target={"band": req.band, "wlan": target.wlc},
    )


def _security(req: WirelessLanRequest, dev: Device, target: Wlan, w: Writes) -> None:
    mode = req.auth_mode
    if mode is not None:
        if dev.tr181:
            sec = f"{target.ap}.Security"
            supported = [
                x.strip() for x in str(dev.value(f"{sec}.ModesSupported") or "").split(",")
            ]
            names = _TR181_MODES[mode]
            name = next((n for n in names if n in supported), None) if supported != [""] else None
            if name is None and supported != [""]:
                raise NotSupportedError(
                    "auth_mode", f"this device supports only: {', '.join(supported)}"
                )
            w.add("auth_mode", f"{sec}.ModeEnabled", name or names[0], "xsd:string")
        else:
            if mode not in _TR098_AUTH:
                raise NotSupportedError("auth_mode", "TR-098 devices have no WPA3 setting")
            beacon, extra = _TR098_AUTH[mode]
            w.add("auth_mode", f"{target.wlc}.BeaconType", beacon, "xsd:string")
            for rel, value in extra.items():
                if dev.writable(f"{target.wlc}.{rel}"):
                    w.add("auth_mode", f"{target.wlc}.{rel}", value, "xsd:string")
    if req.password is None:
        return
    if mode is AuthMode.OPEN:
        w.skipped["password"] = "not used on an open network"  # noqa: S105 (a reason)
        return
    if dev.tr181:
        sec = f"{target.ap}.Security"
        hex_psk = len(req.password) == 64
        path = f"{sec}.PreSharedKey" if hex_psk else f"{sec}.KeyPassphrase"
        w.add("password", path, req.password, "xsd:string", secret=True)
        return
    psk = _pick_psk(dev, target.wlc, req.password)
    if psk is None:
        w.skipped["password"] = "no writable passphrase parameter on this device"  # noqa: S105
        return
    w.add("password", psk, req.password, "xsd:string", secret=True)


def wlan_section(raw: dict[str, Any], band: str) -> dict[str, Any]:
    """The WLAN of ``band`` as read back: the stats ``wirelessLan`` section itself (same choice,
    same builder, same display formats); ``password`` is always ``""``."""
    dev = Device(raw)
    wlan(dev, band)  # a device without the band says so as the plan did
    section = wifi_area.wireless(dev.mapper, band)
    if section.data is None:
        raise NotSupportedError("band", f"this device no longer reports its {band} Wi-Fi")
    return {**section.data, "password": ""}
