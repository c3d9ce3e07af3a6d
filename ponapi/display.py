"""Raw values -> the app's display strings. The only place display formats are decided; a leaf
module (it imports nothing from ponapi), so the TR-069 mapping and the OLT parsers may use it.

Devices type values inconsistently (``1``/``"1"``/``true``; ints as strings), so every
function here accepts anything and returns None when it cannot make sense of it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pycountry


def to_bool(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes", "on", "enabled", "enable", "up"):
            return True
        if low in ("false", "0", "no", "off", "disabled", "disable", "down"):
            return False
    return None


def to_int(value: object) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d{1,18}", text):
            return int(text)
        if re.fullmatch(r"[+-]?\d{1,18}\.0*", text):
            return int(float(text))
    return None


def to_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value).strip()
    return None


def yes_no(value: object) -> str | None:
    b = to_bool(value)
    return None if b is None else ("Yes" if b else "No")


def on_off(value: object) -> str | None:
    b = to_bool(value)
    return None if b is None else ("on" if b else "off")


def percent(value: object) -> str | None:
    n = to_int(value)
    return None if n is None or not 0 <= n <= 100 else f"{n}%"


def kib_to_mb(value: object) -> str | None:
    n = to_int(value)
    return None if n is None or n < 0 else f"{round(n / 1024)} MB"


def seconds(value: object) -> int | None:
    n = to_int(value)
    return n if n is not None and 0 <= n < 100 * 365 * 86400 else None


def started_at(reported_at: datetime | None, elapsed: object) -> datetime | None:
    """When something started, from the elapsed seconds and the time the device reported them."""
    secs = seconds(elapsed)
    if reported_at is None or secs is None:
        return None
    start = reported_at - timedelta(seconds=secs)
    # Whole seconds (device counters are whole seconds), so uptime and uptimeAgo agree.
    return (start + timedelta(microseconds=500_000)).replace(microsecond=0)


def display_time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def _unit(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def ago(moment: datetime, now: datetime) -> str:
    """``"3 hours, 26 minutes, 38 seconds ago"``, with a leading ``"N days, "`` when due."""
    total = max(0, int((now - moment).total_seconds()))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [_unit(hours, "hour"), _unit(minutes, "minute"), _unit(secs, "second")]
    if days:
        parts.insert(0, _unit(days, "day"))
    return ", ".join(parts) + " ago"


_NO_ADDRESS = {"", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"}  # noqa: S104 (values, not a bind)


def address(value: object) -> str | None:
    """An IP address; unset addresses (``0.0.0.0``) become ``""``."""
    text = to_str(value)
    if text is None:
        return None
    return "" if text in _NO_ADDRESS else text


def dns_list(value: object) -> str | None:
    text = to_str(value)
    if text is None:
        return None
    servers = [s.strip() for s in re.split(r"[,\s]+", text)]
    return ",".join(s for s in servers if s and s not in _NO_ADDRESS)


def mac(value: object) -> str | None:
    text = to_str(value)
    return None if text is None else text.upper()


def manufacturer(name: str | None, oui: str | None) -> str | None:
    if not name and not oui:
        return None
    name = _VENDOR_NAMES.get((name or "").strip().upper(), name or "")
    if oui:
        return f"{name} (OUI: {oui.upper()})" if name else f"OUI: {oui.upper()}"
    return name


# Vendor ids that devices report instead of a readable manufacturer name.
_VENDOR_NAMES = {"ALCL": "Nokia (ALCL)", "NBEL": "Nokia (NBEL)", "ZTEG": "ZTE", "HWTC": "Huawei"}


def wifi_standard(value: object) -> str | None:
    """``11bgn``, ``b,g,n``, ``b/g/n``, ``a,n,ac``, ``11ac``, ``ax`` -> ``802.11 b/g/n`` ..."""
    text = to_str(value)
    if not text:
        return None
    low = text.lower().replace("802.11", "").replace("ieee", "").strip()
    low = re.sub(r"\b11(?=[a-z])", "", low)
    if re.search(r"[,/ ]", low):
        letters = [t for t in re.split(r"[,/ ]+", low) if t]
    elif low == "g-only":
        letters = ["g"]
    elif re.fullmatch(r"(ax|ac|be|[abgn])+", low):
        letters = re.findall(r"ax|ac|be|[abgn]", low)
    else:
        letters = []
    if not letters or any(not re.fullmatch(r"ax|ac|be|[abgn]|g-only", t) for t in letters):
        return text
    letters = ["g" if t == "g-only" else t for t in letters]
    return "802.11 " + "/".join(dict.fromkeys(letters))


_BEACON_AUTH = {
    "none": "Open",
    "basic": "Open",
    "wpa": "WPA PreSharedKey",
    "11i": "WPA2 PreSharedKey",
    "wpaand11i": "WPA/WPA2 PreSharedKey",
    "wpawpa2": "WPA/WPA2 PreSharedKey",
    "basicandwpa": "WPA PreSharedKey",
    "basicand11i": "WPA2 PreSharedKey",
    "basicandwpaand11i": "WPA/WPA2 PreSharedKey",
    "wpa3": "WPA3 SAE",
    "wpa2/wpa3": "WPA2/WPA3 PSKandSAE",
    "11iandwpa3": "WPA2/WPA3 PSKandSAE",
}

_TR181_MODE = {
    "none": "Open",
    "wep-64": "WEP",
    "wep-128": "WEP",
    "wpa-personal": "WPA PreSharedKey",
    "wpa2-personal": "WPA2 PreSharedKey",
    "wpa-wpa2-personal": "WPA/WPA2 PreSharedKey",
    "wpa3-personal": "WPA3 SAE",
    "wpa3-personal-transition": "WPA2/WPA3 PSKandSAE",
    "wpa2-psk-wpa3-sae": "WPA2/WPA3 PSKandSAE",
    "wpa-enterprise": "WPA Enterprise",
    "wpa2-enterprise": "WPA2 Enterprise",
    "wpa3-enterprise": "WPA3 Enterprise",
    "wpa-wpa2-enterprise": "WPA/WPA2 Enterprise",
    "owe": "OWE",
}


def auth_mode_tr098(beacon: object, basic_encryption: object, eap: bool) -> str | None:
    text = to_str(beacon)
    if not text:
        return None
    key = text.lower()
    if key == "basic" and (to_str(basic_encryption) or "").lower().startswith("wep"):
        return "WEP"
    label = _BEACON_AUTH.get(key)
    if label is None:
        return text
    if eap and "PreSharedKey" in label:
        label = label.replace("PreSharedKey", "Enterprise")
    return label


def auth_mode_tr181(mode: object) -> str | None:
    text = to_str(mode)
    if not text:
        return None
    return _TR181_MODE.get(text.lower(), text)


def encryption(value: object) -> str | None:
    """``TKIPandAESEncryption`` / ``TKIP,AES`` / ``AES`` -> ``TKIP + AES`` / ``AES``."""
    text = to_str(value)
    if not text:
        return None
    low = text.lower()
    found = [name for name in ("TKIP", "AES") if name.lower() in low]
    if "wep" in low and not found:
        return "WEP"
    if low in ("none", "noneencryption"):
        return "None"
    return " + ".join(found) if found else text


# Huawei X_HW_HT20 codes (Huawei ONT web UI: bztlfWlanAdvance.asp, ampdes.html).
HUAWEI_HT20 = {
    0: "Auto 20/40 MHz",
    1: "20 MHz",
    2: "40 MHz",
    3: "Auto 20/40/80 MHz",
    4: "Auto 20/40/80/160 MHz",
}


def channel_width(value: object) -> str | None:
    """Vendor strings (``Auto``, ``20/40MHz``, ``80M``, ``20MHz`` ...) -> ``Auto 20/40 MHz`` ..."""
    text = to_str(value)
    if not text:
        return None
    low = text.lower().replace(" ", "").replace("mhz", "").replace("m", "")
    if low in ("auto", "20/40coexistence", "20/40", "auto20/40"):
        return "Auto 20/40 MHz"
    if low in ("20/40/80", "auto20/40/80"):
        return "Auto 20/40/80 MHz"
    if low in ("20/40/80/160", "auto20/40/80/160"):
        return "Auto 20/40/80/160 MHz"
    if re.fullmatch(r"\d{2,3}", low):
        return f"{int(low)} MHz"
    return text


def country(value: object) -> str | None:
    """``CN`` / ``BRI`` / ``BR `` / ``00`` -> ``CN - China`` / ``BR - Brazil`` / ``00 - World``."""
    text = to_str(value)
    if text is None:
        return None
    code = text[:2].upper()
    if not code:
        return ""
    if code == "00":
        return "00 - World"
    entry = pycountry.countries.get(alpha_2=code)
    if entry is None:
        return code
    name = getattr(entry, "common_name", None) or entry.name
    return f"{code} - {name}"


def dbm(value: object) -> str | None:
    n = to_int(value)
    if n is None:
        text = to_str(value)
        try:
            n = round(float(text)) if text else None
        except ValueError:
            n = None
    return None if n is None else f"{n} dBm"


_SECURITY = {
    "none": "Open",
    "wpa-wpa2": "WPA/WPA2",
    "wpa-wpa2-personal": "WPA/WPA2",
    "wpa2-personal": "WPA2",
    "wpa-personal": "WPA",
    "wpa3-sae": "WPA3",
    "wpa3-personal": "WPA3",
    "wpa2-psk-wpa3-sae": "WPA2/WPA3",
    "wpa3-personal-transition": "WPA2/WPA3",
    "wpa-wpa2-enterprise": "WPA/WPA2 Enterprise",
    "wpa2-enterprise": "WPA2 Enterprise",
}


def security(value: object) -> str | None:
    text = to_str(value)
    if text is None:
        return None
    return _SECURITY.get(text.lower(), text)


def connection_error(value: object) -> str | None:
    """``ERROR_NONE`` -> ``no error``; ``ERROR_NO_CARRIER`` -> ``no carrier`` ..."""
    text = to_str(value)
    if text is None:
        return None
    if text.upper() in ("ERROR_NONE", "NONE"):
        return "no error"
    if text.upper().startswith("ERROR_"):
        return text[6:].replace("_", " ").lower()
    return text


def vlan(value: object) -> str | None:
    """VLAN id as text; ``0`` means untagged."""
    n = to_int(value)
    if n is None:
        return None
    return "untagged" if n == 0 else str(n) if 0 < n < 4096 else None
