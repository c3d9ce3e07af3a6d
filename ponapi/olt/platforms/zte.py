"""ZTE ZXA10 (C300/C320, and C600/C620/C650 "TITAN" with other interface names): the
dialect, how to locate and read an ONU, how the outputs become records and then the stats
sections, and how to list every ONU. Commands are built only from integers (validated
locations) and normalized serials.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi import display as fmt
from ponapi.errors import NotSupported
from ponapi.olt import parsers as p
from ponapi.olt import screen_parsers as sp
from ponapi.olt.dialect import Confirm, Dialect, ModeCommand
from ponapi.olt.errors import CommandFailed
from ponapi.olt.location import Location
from ponapi.olt.parsers import first
from ponapi.olt.platforms.common import (
    VENDORS,
    both_wans,
    duration_seconds,
    finish,
    mac,
    metres,
    since,
    unavailable,
)
from ponapi.olt.platforms.runner import (
    Command,
    Found,
    OnuState,
    Outputs,
    Runner,
    labelled,
    serial_or_none,
    text_of,
)
from ponapi.olt.platforms.screen import (
    hosts_from_macs,
    not_shown,
    unseen_sections,
    zte_lan_ports,
    zte_optical,
    zte_optical_extra,
)
from ponapi.serials import Serial
from ponapi.tr069 import wan_roles
from ponapi.tr069.fields import (
    GENERAL_FIELDS,
    WAN_FIELDS,
    WAN_OPTIONAL,
    AnySection,
    Fields,
    Section,
)
from ponapi.tr069.wan_roles import WanFacts

DIALECT = Dialect(
    name="zte",
    username_prompt=re.compile(r"(Username|Login):\s*$", re.I),
    password_prompt=re.compile(r"Password:\s*$", re.I),
    prompt=re.compile(r"(?:^|\n)(?P<host>[A-Za-z0-9_.\-]+)(?:\([^)\n]*\))?[>#]\s*$"),
    on_open=("terminal length 0",),
    pager=re.compile(r"\s?--More--\s*$"),
    hint=re.compile(r"\[yes/no\]:?\s*$", re.I),
    login_failed=re.compile(
        r"(Bad password|Login incorrect|Authentication failed|"
        r"Username or password (is )?(wrong|invalid))",
        re.I,
    ),
    login_limit=re.compile(r"(too many (users|sessions)|user limit|max-?sessions)", re.I),
    failure=re.compile(
        r"^\s*(%Error \d+.*|% ?Invalid input.*|%Code \d+-\w+ ?: (?!No rel).*)$", re.M
    ),
    empty=re.compile(r"No relate[d]? information to show", re.I),
    quit="exit",
    # ``configure terminal`` / ``exit`` (one level) / ``end`` (back to privileged): operator
    # notes and tools. Sent only after a level was entered.
    config_mode="configure terminal",
    leave_level="exit",
    leave_all="end",
)
# ``reboot`` in ``pon-onu-mng`` asks ``[yes/no]``: third-party code (ONMT) and notes.
REBOOT_CONFIRM = Confirm(re.compile(r"\[yes/no\]:?\s*$", re.I), "yes")


class ZtePlatform:
    """ZTE ZXA10 C300/C320 and C600/C620/C650 (TITAN, other interface names)."""

    brand = "zte"
    dialect = DIALECT

    def __init__(self, titan: bool = False) -> None:
        # C600/C620/C650 (TITAN) name ONUs gpon_onu-R/S/P:ID; C300/C320 gpon-onu_R/S/P:ID.
        self.titan = titan

    def iface(self, loc: Location) -> str:
        prefix = "gpon_onu-" if self.titan else "gpon-onu_"
        return f"{prefix}{loc.frame}/{loc.slot}/{loc.port}:{loc.ont_id}"

    # --- device actions: commands and modes (the flow is ``ponapi.actions.olt``) -------------
    # C300/C320: ``interface gpon-olt_R/S/P`` -> ``onu ID state disable|enable`` (third-party
    # code only, go-api-c320); ``pon-onu-mng gpon-onu_R/S/P:ID`` -> ``reboot`` (ONMT, notes).
    # C600/C620/C650: the ``pon-onu-mng gpon_onu-R/S/P:ID`` mode and its ``reboot`` are a real
    # capture; no source shows how to change an ONU's admin state, so that is refused.

    def onu_state(self, loc: Location) -> str:
        return f"show gpon onu detail-info {self.iface(loc)}"

    def parse_onu_state(self, text: str) -> OnuState:
        return onu_state(text)

    def set_admin_state(self, loc: Location, enable: bool) -> ModeCommand:
        if self.titan:
            raise NotSupported(
                f"{'enable' if enable else 'disable'}: no confirmed command to change an "
                "ONU's admin state on ZTE C600/C650"
            )
        port = f"interface gpon-olt_{loc.frame}/{loc.slot}/{loc.port}"
        word = "enable" if enable else "disable"
        return ModeCommand((DIALECT.config_mode, port), f"onu {loc.ont_id} state {word}")

    def reboot(self, loc: Location) -> ModeCommand:
        enter = (DIALECT.config_mode, f"pon-onu-mng {self.iface(loc)}")
        return ModeCommand(enter, "reboot", REBOOT_CONFIRM)

    def locate(self, serial: Serial) -> list[str]:
        return [f"show gpon onu by sn {serial.canonical}"]

    def location_from(self, outputs: Outputs) -> Location | None:
        text = text_of(outputs[0])
        found = p.zte_by_sn(text) if text else None
        if not found:
            return None
        return Location(found["rack"], found["shelf"], found["port"], found["onuId"])

    def read(self, loc: Location) -> list[Command]:
        iface = self.iface(loc)
        return [
            f"show gpon onu detail-info {iface}",
            f"show gpon remote-onu equip {iface}",
            f"show gpon remote-onu wan-ip {iface}",
            f"show pon power attenuation {iface}",
            f"show gpon remote-onu interface eth {iface}",
            f"show mac gpon onu {iface}",
        ]

    def raw_from(self, outputs: Outputs) -> dict[str, Any]:
        detail, equip, wan, power, eth, macs = (
            text_of(o) if o is not None else None for o in (*outputs, *[None] * 6)[:6]
        )
        if detail is None:
            assert isinstance(outputs[0], CommandFailed)
            raise outputs[0]
        return {
            "detail": p.zte_detail_info(detail),
            "equip": p.zte_equip(equip) if equip else {},
            # The PPPoE password printed by wan-ip never leaves the parser's output.
            "wan": [p.redact(r) for r in p.zte_wan_ip(wan)] if wan else [],
            "power": p.zte_attenuation(power) if power else {},
            "eth": sp.zte_eth_ports(eth) if eth is not None else None,
            "macs": sp.zte_onu_macs(macs) if macs is not None else None,
        }

    def reported_serial(self, raw: dict[str, Any]) -> str | None:
        value = raw.get("detail", {}).get("Serial number")
        return str(value) if value else None

    @staticmethod
    def sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, AnySection]:
        shown = {
            **sections(raw, now, tz),
            "lanPorts": zte_lan_ports(raw.get("eth"), now),
            "hosts": hosts_from_macs(
                None
                if raw.get("macs") is None
                else [(r.get("Mac address", ""), r.get("Vlan", "")) for r in raw["macs"]],
                now,
            ),
        }
        return {**shown, **unseen_sections(shown)}

    async def discover(self, pool: Runner, deadline: float) -> list[Found]:
        titan = self.titan
        [state] = await pool.run(["show gpon onu state"], deadline)
        if isinstance(state, CommandFailed):
            raise state
        rows = p.zte_onu_state(state)
        ports = sorted({(r["rack"], r["shelf"], r["port"]) for r in rows})
        olt_if = "gpon_olt-{}/{}/{}" if titan else "gpon-olt_{}/{}/{}"
        configs = await pool.run(
            [f"show running-config interface {olt_if.format(*port)}" for port in ports], deadline
        )
        phases = {(r["rack"], r["shelf"], r["port"], r["onuId"]): r["phase"] for r in rows}
        found = []
        for port, out in zip(ports, configs, strict=True):
            if isinstance(out, CommandFailed):
                continue
            for onu in p.zte_olt_config_onus(out):
                serial = serial_or_none(onu["sn"])
                if serial is not None:
                    found.append(
                        Found(
                            *port,
                            onu["onuId"],
                            serial,
                            phases.get((*port, onu["onuId"]), ""),
                            onu["type"],
                        )
                    )
        return found


def sections(raw: dict[str, Any], now: datetime, tz: ZoneInfo) -> dict[str, Section]:
    detail: dict[str, Any] = raw.get("detail") or {}
    equip: dict[str, str] = raw.get("equip") or {}
    g = Fields(None, GENERAL_FIELDS)
    vendor = first(equip, "Vendor ID", "Vendor-ID")
    if vendor:
        g.put("manufacturer", VENDORS.get(vendor.upper(), vendor))
    # "Type" in detail-info is the configured type profile, not the model: only equip says.
    g.put("modelName", first(equip, "Model", "Equipment ID", "Equipment-ID"))
    g.put("softwareVersion", first(equip, "S/W Version", "Software Version"))
    g.put("hardwareVersion", first(equip, "H/W Version", "Hardware Version"))
    g.put("serialNumber", first(detail, "Serial number"))
    working = str(first(detail, "Phase state") or "").lower() == "working"
    if working:
        since(
            g,
            duration_seconds(first(equip, "System uptime"))
            or duration_seconds(first(detail, "Online Duration")),
            now,
            tz,
        )
    else:
        g.not_applicable.update(("uptime", "uptimeAgo"))
    g.put("distance", metres(first(detail, "ONU Distance")))
    for name, value in zte_optical(raw.get("power") or {}).items():
        g.put(name, value)
    general = finish(g, now)  # CPU and RAM are never visible from a ZTE OLT: partial
    general.extra["phaseState"] = first(detail, "Phase state") or ""
    general.extra.update(zte_optical_extra(raw.get("power") or {}))

    wans: list[tuple[WanFacts, Section]] = []
    for rec in raw.get("wan") or []:
        f = Fields(None, WAN_FIELDS)
        f.put("name", first(rec, "Host name") or f"WAN {first(rec, 'WAN id') or '?'}")
        mode = first(rec, "Mode")
        f.put(
            "addressingType",
            {"PPPOE": "PPPoE", "DHCP": "DHCP", "STATIC": "Static"}.get((mode or "").upper(), mode),
        )
        status = first(rec, "Status")
        f.put("connectionStatus", status.capitalize() if status else None)
        f.put("ipAddress", first(rec, "Current IP"))
        f.put("subnetMask", first(rec, "Current mask"))
        f.put("defaultGateway", first(rec, "Current gateway"))
        dns = [
            d for d in (first(rec, "Current primary DNS"), first(rec, "Current secondary DNS")) if d
        ]
        f.put("dnsServers", fmt.dns_list(",".join(dns)) if dns else None)
        f.put("macAddress", mac(first(rec, "MAC address")))
        f.put("vlanId", fmt.vlan(first(rec, "CVLAN")) if first(rec, "CVLAN") else None)
        section = finish(f, now, WAN_OPTIONAL)
        assert section.data is not None
        # No service type here: the services a WAN carries are read from its host name.
        facts = WanFacts(
            services=wan_roles.services_in(first(rec, "Host name")),
            gateway=bool(section.data.get("defaultGateway")),
            connected=(status or "").lower() == "connected",
            instance=(fmt.to_int(first(rec, "WAN id")) or 0, 1),
        )
        section.data["label"] = f"WAN {first(rec, 'WAN id') or '?'}"
        wans.append((facts, section))
    mgmt, inet = both_wans(wans)
    return {
        "general": general,
        "ipInterface11": mgmt,
        "ipInterface21": inet,
        "wirelessLan": unavailable("ZTE OLTs do not show an ONU's Wi-Fi state over the CLI."),
        "wifiSurvey": not_shown("wifiSurvey"),
    }


# --- device actions --------------------------------------------------------------------------


def onu_state(text: str) -> OnuState:
    """``Admin state: enable|disable`` and ``Phase state: working|LOS|DyingGasp|OffLine...`` of
    ``show gpon onu detail-info`` (real captures ``show-gpon-onu-detail-info__*.txt``), and
    its ``Serial number``."""
    flag, run = labelled(text, "Admin state"), labelled(text, "Phase state")
    admin = {"enable": "enabled", "disable": "disabled"}.get(flag.lower())
    online = (run.lower() == "working") if run else None
    sn = serial_or_none(labelled(text, "Serial number"))
    return OnuState(admin, online, flag, run, sn)  # type: ignore[arg-type]
