"""Field validators: every check that can be made before anything is sent to a device.

Each raises :class:`ActionValidationError` naming the field and the reason, and nothing else
(a property test feeds them arbitrary values). Device-dependent checks (tx power among the
device's ``TransmitPowerSupported``, the DHCP range inside the device's LAN subnet) take the
device's values as arguments; the planners read those from the device document.
"""

from __future__ import annotations

import ipaddress
import re
import string
from typing import Any

import pycountry

from ponapi.actions.errors import ActionValidationError

BANDS = ("2.4GHz", "5GHz")

# --- regulatory table ------------------------------------------------------------------------
# A deliberately small table: which 20 MHz channels a country allows, by regulatory class.
# 2.4 GHz: channels 1-13 in most of the world (ETSI and most others); 1-11 in the FCC-style
# domains (US, CA, and those that follow the FCC plan); 14 only in JP (802.11b, kept for
# completeness). 5 GHz (IEEE 802.11 Annex E classes; UNII-1 36-48, UNII-2 52-64, UNII-2e
# 100-144, UNII-3 149-165): FCC-style domains 36-64, 100-144, 149-165; ETSI (EU/UK/CH/NO and
# others) 36-64, 100-140; JP 36-64, 100-144; CN 36-64, 149-165; BR (Anatel) and IN 36-64,
# 100-140, 149-165. Any other country gets the ETSI 5 GHz set and 2.4 GHz 1-13, the common
# denominator. Channel 0 means "automatic" everywhere.
_FCC = frozenset({"US", "CA", "MX", "TW", "PR", "CO", "PA", "DO", "GT", "PH", "UZ"})
_CH_24_WORLD = frozenset(range(1, 14))
_CH_24_FCC = frozenset(range(1, 12))
_CH_24_JP = frozenset(range(1, 15))
_UNII1_2 = frozenset(range(36, 65, 4))
_UNII2E_140 = frozenset(range(100, 141, 4))
_UNII2E_144 = frozenset(range(100, 145, 4))
_UNII3 = frozenset(range(149, 166, 4))
_CH_5_ETSI = _UNII1_2 | _UNII2E_140
_CH_5 = {
    "FCC": _UNII1_2 | _UNII2E_144 | _UNII3,
    "JP": _UNII1_2 | _UNII2E_144,
    "CN": _UNII1_2 | _UNII3,
    "BR": _UNII1_2 | _UNII2E_140 | _UNII3,
    "IN": _UNII1_2 | _UNII2E_140 | _UNII3,
}


def channels_for(band: str, country: str | None) -> frozenset[int]:
    """The channels ``country`` (ISO alpha-2; None when unknown: the common set; ``*``: any
    country) allows on ``band``."""
    code = (country or "").upper()
    if code == "*":  # any country: the union (a first check before the device's is known)
        if band == "2.4GHz":
            return _CH_24_JP
        return _CH_5_ETSI.union(*_CH_5.values())
    if band == "2.4GHz":
        if code == "JP":
            return _CH_24_JP
        return _CH_24_FCC if code in _FCC else _CH_24_WORLD
    key = "FCC" if code in _FCC else code
    return _CH_5.get(key, _CH_5_ETSI)


def band(value: Any, field: str = "band") -> str:
    if value is None:
        return "2.4GHz"
    text = str(value).strip().replace(" ", "").lower() if isinstance(value, str) else ""
    for name in BANDS:
        if text in (name.lower(), name.lower().removesuffix("ghz"), name.lower() + "z"):
            return name
    raise ActionValidationError(field, "must be 2.4GHz or 5GHz")


def channel(value: Any, band_name: str, country: str | None, field: str = "channel") -> int:
    n = integer(value, field, 0, 255)
    if n == 0:
        return 0
    allowed = channels_for(band_name, country)
    if n not in allowed:
        where = f" in {country}" if country and country != "*" else ""
        raise ActionValidationError(
            field,
            f"channel {n} is not allowed on {band_name}{where}; allowed: 0 (auto), "
            + ", ".join(str(c) for c in sorted(allowed)),
        )
    return n


# The world regulatory domain some devices report: kept when sent back, never set.
WORLD_DOMAIN = "00"


def country(value: Any, field: str = "country_domain") -> str:
    """An ISO 3166-1 alpha-2 code; the display form ``BR - Brazil`` is accepted too."""
    if not isinstance(value, str):
        raise ActionValidationError(field, "must be an ISO 3166-1 two-letter country code")
    text = value.strip()
    code = text[:2].upper() if len(text) == 2 or text[2:3] in (" ", "-") else ""
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise ActionValidationError(field, "must be an ISO 3166-1 two-letter country code")
    if pycountry.countries.get(alpha_2=code) is None:
        raise ActionValidationError(field, f"{code} is not an ISO 3166-1 country code")
    return code


def ssid(value: Any, field: str = "ssid") -> str:
    if not isinstance(value, str):
        raise ActionValidationError(field, "must be a string")
    size = len(value.encode("utf-8", "surrogatepass"))
    if not 1 <= size <= 32:
        raise ActionValidationError(field, f"must be 1 to 32 bytes in UTF-8 (got {size})")
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise ActionValidationError(field, "must not contain control characters")
    hidden = next((c for c in value if _invisible(c)), None)
    if hidden is not None:
        raise ActionValidationError(
            field, f"must not contain invisible or direction characters (U+{ord(hidden):04X})"
        )
    return value


# Characters a network name must not hide: C1 controls, bidi embeddings/overrides/isolates and
# marks, line/paragraph separators, BOM, zero-width space, tag characters. Zero-width joiner
# (U+200D) and variation selectors (U+FE00-FE0F) stay: emoji sequences need them.
_INVISIBLE = frozenset(
    [
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *(0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF),
    ]
)


def _invisible(c: str) -> bool:
    n = ord(c)
    return n in _INVISIBLE or 0xE0000 <= n <= 0xE007F


_PRINTABLE = frozenset(chr(c) for c in range(32, 127))
_HEX = frozenset(string.hexdigits)


def passphrase(value: Any, field: str = "password") -> str:
    """WPA: 8-63 printable ASCII characters, or exactly 64 hex digits (a raw PSK)."""
    if not isinstance(value, str):
        raise ActionValidationError(field, "must be a string")
    if len(value) == 64 and set(value) <= _HEX:
        return value
    if not 8 <= len(value) <= 63:
        raise ActionValidationError(
            field, "must be 8 to 63 printable ASCII characters, or 64 hex digits"
        )
    if not set(value) <= _PRINTABLE:
        raise ActionValidationError(field, "must be printable ASCII characters only")
    return value


def tx_power(value: Any, supported: list[int] | None, field: str = "tx_power") -> int:
    """A percentage among the device's ``TransmitPowerSupported`` (TR-181: -1 = auto)."""
    n = integer(value, field, -1, 100)
    if supported:
        if n not in supported:
            raise ActionValidationError(
                field,
                f"{n} is not supported by this device; supported: "
                + ", ".join(str(x) for x in supported),
            )
    elif n < 0:
        raise ActionValidationError(field, "this device does not report an automatic power")
    return n


def integer(value: Any, field: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
            value = int(value.strip())
        else:
            raise ActionValidationError(field, "must be an integer")
    if not lo <= value <= hi:
        raise ActionValidationError(field, f"must be between {lo} and {hi}")
    return int(value)


def boolean(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ActionValidationError(field, "must be true or false")


# --- addresses --------------------------------------------------------------------------------


def ipv4(value: Any, field: str) -> ipaddress.IPv4Address:
    if not isinstance(value, str):
        raise ActionValidationError(field, "must be an IPv4 address")
    try:
        return ipaddress.IPv4Address(value.strip())
    except ValueError:
        raise ActionValidationError(field, "must be an IPv4 address") from None


def netmask(value: Any, field: str = "subnet_mask") -> ipaddress.IPv4Address:
    mask = ipv4(value, field)
    bits = int(mask)
    inverted = (~bits) & 0xFFFFFFFF
    if bits == 0 or (inverted & (inverted + 1)) != 0:
        raise ActionValidationError(field, "must be a contiguous subnet mask")
    prefix = bin(bits).count("1")
    if prefix > 30:
        raise ActionValidationError(field, "leaves no room for a DHCP range (longer than /30)")
    return mask


_IP_CHARS = frozenset("0123456789abcdefABCDEF.:")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``text`` as an IP literal, or None. Only hex digits, dots and colons: ``ip_address``
    also takes an IPv6 zone id (``fe80::1%`` and almost anything after it), which would carry
    shell characters or separators to the device."""
    if not text or not set(text) <= _IP_CHARS:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def ip_literal(value: Any, field: str) -> str:
    """An IPv4 or IPv6 literal, without a zone id."""
    addr = _ip(value.strip()) if isinstance(value, str) else None
    if addr is None:
        raise ActionValidationError(field, "must be an IP address (without a zone id)")
    return str(addr)


LEASE_MIN, LEASE_MAX = 60, 7 * 24 * 3600


def dhcp_range(
    start: Any,
    end: Any,
    mask: Any,
    lan_address: str,
) -> tuple[str, str, str]:
    """Start/end inside the LAN subnet (the LAN address with ``mask``), start <= end, the LAN
    address, network and broadcast addresses outside the range."""
    first = ipv4(start, "start_address")
    last = ipv4(end, "end_address")
    m = netmask(mask)
    try:
        lan = ipaddress.IPv4Address(lan_address)
    except ValueError:
        raise ActionValidationError(
            "subnet_mask", "the device reports no usable LAN address to check the range against"
        ) from None
    net = ipaddress.IPv4Network(f"{lan}/{m}", strict=False)
    for name, addr in (("start_address", first), ("end_address", last)):
        if addr not in net:
            raise ActionValidationError(name, f"{addr} is outside the LAN subnet {net}")
        if addr in (net.network_address, net.broadcast_address):
            raise ActionValidationError(name, f"{addr} is the network or broadcast address")
    if first > last:
        raise ActionValidationError("end_address", "must not be before start_address")
    if first <= lan <= last:
        raise ActionValidationError(
            "start_address", f"the range contains the LAN address {lan} of the device"
        )
    return str(first), str(last), str(m)


def dns_servers(value: Any, field: str = "dns_servers", *, version: int | None = None) -> list[str]:
    """A list (or comma-separated string) of 1-3 IP literals (of IP ``version`` when given).

    Every item is split at commas and parsed first, then the addresses are counted: an item
    that carries commas cannot smuggle more servers past the limit."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ActionValidationError(field, "must be a list of 1 to 3 IP addresses")
    parts: list[Any] = []
    for item in items:
        parts.extend(item.split(",") if isinstance(item, str) else [item])
    servers = [ip_literal(x, field) for x in parts]
    if len(servers) > 3:
        raise ActionValidationError(field, f"at most 3 DNS servers (got {len(servers)})")
    if version is not None:
        for text in servers:
            if ipaddress.ip_address(text).version != version:
                raise ActionValidationError(
                    field, f"{text} is not an IPv{version} address (this pool is IPv{version})"
                )
    return servers


# --- hosts for ping / traceroute ----------------------------------------------------------------

_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def host(value: Any, field: str = "host") -> str:
    """A hostname (RFC 1123 labels, <= 253 characters) or an IP literal without a zone id;
    nothing else."""
    if not isinstance(value, str):
        raise ActionValidationError(field, "must be a hostname or an IP address")
    text = value
    if not text:
        raise ActionValidationError(field, "must not be empty")
    if len(text) > 253:
        raise ActionValidationError(field, "must be at most 253 characters")
    if any(c.isspace() or ord(c) < 32 or 127 <= ord(c) <= 159 for c in text):
        raise ActionValidationError(field, "must not contain spaces or control characters")
    if "%" in text:
        raise ActionValidationError(field, "must not contain a zone id ('%')")
    addr = _ip(text)
    if addr is not None:
        return str(addr)
    name = text[:-1] if text.endswith(".") else text
    labels = name.split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        raise ActionValidationError(
            field,
            "must be an IP address or a hostname of letters, digits and hyphens "
            "(labels of 1-63 characters, not starting or ending with a hyphen)",
        )
    if labels[-1].isdigit():
        raise ActionValidationError(field, "a hostname's last label must not be all digits")
    return name
