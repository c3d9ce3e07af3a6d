"""Vendor drivers: which commands read an ONU, and how their outputs become raw records.

Commands are built only from integers (locations, validated in range) and normalized serials
(``[A-Z0-9]`` only), so nothing a user typed can reach the CLI as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ponapi.olt import parsers as p
from ponapi.olt.session import CommandFailed
from ponapi.serials import InvalidSerialError, Serial, parse_serial

Outputs = list[str | CommandFailed]


@dataclass(frozen=True)
class Location:
    frame: int
    slot: int
    port: int
    ont_id: int

    def __post_init__(self) -> None:
        for name, value, hi in (
            ("frame", self.frame, 15),
            ("slot", self.slot, 63),
            ("port", self.port, 127),
            ("ont_id", self.ont_id, 255),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= hi:
                raise ValueError(f"{name} must be an integer 0..{hi}")


def _text(out: str | CommandFailed) -> str | None:
    return None if isinstance(out, CommandFailed) else out


class HuaweiDriver:
    brand = "huawei"

    def __init__(self, model: str = "") -> None:
        self.model = model

    def locate(self, serial: Serial) -> list[str]:
        return [f"display ont info by-sn {serial.hex}"]

    def location_from(self, outputs: Outputs) -> Location | None:
        text = _text(outputs[0])
        if not text:
            return None
        info = p.huawei_ont_info(text)
        fsp = (info.get("F/S/P") or "").replace(" ", "").split("/")
        ont = info.get("ONT-ID") or info.get("ONT ID")
        try:
            return Location(int(fsp[0]), int(fsp[1]), int(fsp[2]), int(str(ont)))
        except (ValueError, IndexError, TypeError):
            return None

    def read(self, loc: Location) -> list[str]:
        f, s, pt, o = loc.frame, loc.slot, loc.port, loc.ont_id
        return [
            f"display ont info {f} {s} {pt} {o}",
            f"display ont version {f} {s} {pt} {o}",
            f"display ont wan-info {f}/{s} {pt} {o}",
            f"display ont wlan-info {f}/{s} {pt} {o}",
        ]

    def raw_from(self, outputs: Outputs) -> dict[str, Any]:
        info, version, wan, wlan = (_text(o) for o in outputs)
        if info is None:
            assert isinstance(outputs[0], CommandFailed)
            raise outputs[0]
        return {
            "info": p.huawei_ont_info(info),
            "version": p.huawei_ont_version(version) if version else {},
            "wan": p.huawei_wan_info(wan) if wan else [],
            "wlan": p.huawei_wlan_info(wlan) if wlan is not None else None,
        }


class ZteDriver:
    brand = "zte"

    def __init__(self, model: str = "") -> None:
        # C600/C620/C650 (TITAN) name ONUs gpon_onu-R/S/P:ID; C300/C320 gpon-onu_R/S/P:ID.
        self.titan = model.upper().startswith(("C6", "TITAN"))

    def iface(self, loc: Location) -> str:
        prefix = "gpon_onu-" if self.titan else "gpon-onu_"
        return f"{prefix}{loc.frame}/{loc.slot}/{loc.port}:{loc.ont_id}"

    def locate(self, serial: Serial) -> list[str]:
        return [f"show gpon onu by sn {serial.canonical}"]

    def location_from(self, outputs: Outputs) -> Location | None:
        text = _text(outputs[0])
        found = p.zte_by_sn(text) if text else None
        if not found:
            return None
        return Location(found["rack"], found["shelf"], found["port"], found["onuId"])

    def read(self, loc: Location) -> list[str]:
        iface = self.iface(loc)
        return [
            f"show gpon onu detail-info {iface}",
            f"show gpon remote-onu equip {iface}",
            f"show gpon remote-onu wan-ip {iface}",
        ]

    def raw_from(self, outputs: Outputs) -> dict[str, Any]:
        detail, equip, wan = (_text(o) for o in outputs)
        if detail is None:
            assert isinstance(outputs[0], CommandFailed)
            raise outputs[0]
        return {
            "detail": p.zte_detail_info(detail),
            "equip": p.zte_equip(equip) if equip else {},
            # The PPPoE password printed by wan-ip never leaves the parser's output.
            "wan": [p.redact(r) for r in p.zte_wan_ip(wan)] if wan else [],
        }


def driver_for(brand: str, model: str = "") -> HuaweiDriver | ZteDriver:
    return HuaweiDriver(model) if brand == "huawei" else ZteDriver(model)


def serial_of(raw_sn: str | None) -> Serial | None:
    if not raw_sn:
        return None
    try:
        return parse_serial(raw_sn.split()[0])
    except InvalidSerialError:
        return None
