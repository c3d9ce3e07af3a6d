"""Parsers for Huawei SmartAX and ZTE ZXA10 CLI output, by label, never by position.

Firmware adds, renames and drops fields, so: unknown lines are ignored, wrapped values are
joined, alarm blocks and session noise (echo, prompts, pager, hint prompts) are removed first.
Every parser accepts any text and returns plain data; none raises on odd input.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ponapi.olt.tables import header_table

_ANSI_FORWARD = re.compile(r"\x1b\[(\d*)C")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
_PAGERS = re.compile(r"-+\s*More\s*\(\s*Press 'Q' to break\s*\)\s*-+|\s?--More--")
_HINT = re.compile(r"^\s*\{\s*<cr>.*\}:\s*$")
_PROMPT = re.compile(r"^\s*[A-Za-z0-9_.\-]+(\([^)]*\))?(>|#|%%)(\s.*|[a-z].*)?$")
_RULE = re.compile(r"^\s*[-=*]{5,}\s*$")
_KV = re.compile(r"^(\s*)([A-Za-z0-9][^:]{0,60}?)\s*:\s?(.*)$")
_ALARM_START = re.compile(r"^\s*(ALARM\s+\d+|!\s*\d+\s*\[)")
_ALARM_END = re.compile(r"^\s*---\s*END-?\s*$")
_NOISE = re.compile(r"^\s*(Command is being executed\. Please wait|Command:)\s*$")


def clean(text: str) -> str:
    """Remove terminal and session noise; keep the command's own output lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").replace("\xff", "")
    # Some OLTs align columns with cursor-forward escapes: keep them as spaces.
    text = _ANSI_FORWARD.sub(lambda m: " " * int(m.group(1) or 1), text)
    text = text.replace(" \x1b[1D", "")  # Huawei echo noise: space + cursor-left
    text = _ANSI.sub("", text)
    text = _PAGERS.sub("", text)
    out: list[str] = []
    in_alarm = False
    skip_echo = False
    for line in text.split("\n"):
        if in_alarm:
            if _ALARM_END.match(line):
                in_alarm = False
            continue
        if _ALARM_START.match(line):
            in_alarm = True
            continue
        if line.strip() == "****":
            continue
        if skip_echo:
            skip_echo = False
            if line.strip():
                continue
        if _NOISE.match(line):
            skip_echo = line.strip() == "Command:"
            continue
        if _HINT.match(line) or _PROMPT.match(line):
            continue
        out.append(line.rstrip())
    return "\n".join(out)


def kv_blocks(text: str) -> list[dict[str, str]]:
    """``Label : value`` records, split at rule lines (``-----``); wrapped values joined."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last_key: str | None = None
    value_col = 0
    for line in clean(text).split("\n"):
        if _RULE.match(line):
            if current:
                blocks.append(current)
            current, last_key = {}, None
            continue
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if last_key is not None and value_col and indent >= value_col - 1:
            current[last_key] += line.strip()  # a hard-wrapped continuation of the value
            continue
        m = _KV.match(line)
        if not m:
            last_key = None
            continue
        key, value = m.group(2).strip(), m.group(3).strip()
        if key in current:  # a repeated label starts a new record (ZTE lists, no rules)
            blocks.append(current)
            current = {}
        current[key] = value
        last_key = key
        value_col = len(line) - len(m.group(3).lstrip()) if m.group(3).strip() else 0
    if current:
        blocks.append(current)
    return blocks


def merged(blocks: list[dict[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for block in blocks:
        for k, v in block.items():
            out.setdefault(k, v)
    return out


def first(record: dict[str, str], *labels: str) -> str | None:
    """The value of the first label present (firmware renames labels), ``-``/``N/A`` = None."""
    for label in labels:
        value = record.get(label)
        if value is not None:
            value = value.strip()
            return None if value in ("", "-", "N/A", "--", "--------------") else value
    return None


# --- Huawei ---------------------------------------------------------------------------------


def huawei_ont_info(text: str) -> dict[str, str]:
    """``display ont info F S P ID`` / ``display ont info by-sn SN``."""
    return merged(kv_blocks(text))


def huawei_ont_version(text: str) -> dict[str, str]:
    return merged(kv_blocks(text))


def huawei_optical_info(text: str) -> dict[str, str]:
    return merged(kv_blocks(text))


def huawei_wan_info(text: str) -> list[dict[str, str]]:
    return [b for b in kv_blocks(text) if "Index" in b]


def huawei_wlan_info(text: str) -> list[dict[str, str]]:
    return [b for b in kv_blocks(text) if "SSID Index" in b]


_SUMMARY_ROW = re.compile(
    r"^\s*(\d+)\s+(online|offline)\s+(\S+\s+\S+|-)\s+(\S+\s+\S+|-)\s+(.+?)\s*$", re.I
)
_SN_ROW = re.compile(r"^\s*(\d+)\s+([0-9A-Fa-f]{16})\s+(\S+)\s+(-?\d+|-)\s+(\S+)/(\S+)\s*(.*)$")
_PORT = re.compile(r"In port\s+(\d+)\s*/\s*(\d+)\s*/\s*(\d+)")


def huawei_info_summary(text: str) -> list[dict[str, Any]]:
    """``display ont info summary F/S[/P]``: every ONT of each port (id, state, serial, type)."""
    ports: list[dict[str, Any]] = []
    onts: dict[int, dict[str, Any]] = {}
    for line in clean(text).split("\n"):
        m = _PORT.search(line)
        if m:
            onts = {}
            ports.append(
                {
                    "frame": int(m.group(1)),
                    "slot": int(m.group(2)),
                    "port": int(m.group(3)),
                    "onts": onts,
                }
            )
            continue
        if not ports:
            continue
        m = _SUMMARY_ROW.match(line)
        if m:
            onts.setdefault(int(m.group(1)), {})["runState"] = m.group(2).lower()
            continue
        m = _SN_ROW.match(line)
        if m:
            onts.setdefault(int(m.group(1)), {}).update(
                {"sn": m.group(2).upper(), "type": m.group(3), "description": m.group(7).strip()}
            )
    return [
        {**port, "onts": [{"ontId": k, **v} for k, v in sorted(port["onts"].items())]}
        for port in ports
    ]


def huawei_boards(text: str) -> list[dict[str, str]]:
    """``display board F``: slots that hold a board (slot, name, status)."""
    rows = []
    for line in clean(text).split("\n"):
        m = re.match(r"^\s*(\d+)\s+(\S+)\s+(\S+)", line)
        if m:
            rows.append({"slot": m.group(1), "board": m.group(2), "status": m.group(3)})
    return rows


# --- ZTE ------------------------------------------------------------------------------------

_ZTE_IF = re.compile(r"gpon[-_]onu[-_](\d+)/(\d+)/(\d+):(\d+)")


def zte_detail_info(text: str) -> dict[str, Any]:
    """``show gpon onu detail-info gpon-onu_R/S/P:ID``: fields and the auth/offline history."""
    body, _, history = clean(text).partition("\n---")
    record = merged(kv_blocks(body))
    rows = []
    for line in history.split("\n"):
        m = re.match(
            r"^\s*(\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s+"
            r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*(\S*)",
            line,
        )
        if m and not m.group(2).startswith("0000"):
            rows.append(
                {
                    "authpass": m.group(2),
                    "offline": None if m.group(3).startswith("0000") else m.group(3),
                    "cause": m.group(4) or None,
                }
            )
    return {**record, "_history": rows}


def zte_wan_ip(text: str) -> list[dict[str, str]]:
    """``show gpon remote-onu wan-ip``: one record per ``WAN id``. Contains the PPPoE password:
    callers must not keep it (see ``redact``)."""
    return [b for b in kv_blocks(text) if "WAN id" in b]


def zte_equip(text: str) -> dict[str, str]:
    """``show gpon remote-onu equip`` (fields per C320 V2.1 notes: Equipment ID, Model, ...)."""
    return merged(kv_blocks(text))


_ATT = re.compile(
    r"^\s*(up|down)\s+(?:Rx|Tx)\s*:\s*(-?[\d.]+)\(dbm\)\s+(?:Rx|Tx)\s*:\s*(-?[\d.]+)\(dbm\)"
    r"\s+(-?[\d.]+)\(dB\)",
    re.I,
)


def zte_attenuation(text: str) -> dict[str, dict[str, str]]:
    """``show pon power attenuation``: OLT/ONU power and attenuation per direction."""
    out: dict[str, dict[str, str]] = {}
    for line in clean(text).split("\n"):
        m = _ATT.match(line)
        if m:
            out[m.group(1).lower()] = {
                "olt": m.group(2),
                "onu": m.group(3),
                "attenuation": m.group(4),
            }
    return out


def zte_onu_state(text: str) -> list[dict[str, Any]]:
    """``show gpon onu state [gpon-olt_R/S/P]``: every ONU and its phase state, by header names
    (C300/C320: ``gpon-onu_`` names and an ``O7 State``; C600/C650: bare ``R/S/P:ID``, a
    ``Channel`` or ``Speed mode`` column, no O7 state)."""
    rows = []
    for row in header_table(clean(text), ("OnuIndex", "Phase State")):
        cell = {name.lower(): value for name, value in row.items()}
        m = _ZTE_INDEX.search(cell.get("onuindex", ""))
        if m is None:
            continue
        rows.append(
            {
                "interface": cell["onuindex"],
                "rack": int(m.group(1)),
                "shelf": int(m.group(2)),
                "port": int(m.group(3)),
                "onuId": int(m.group(4)),
                "admin": cell.get("admin state", ""),
                "omcc": cell.get("omcc state", ""),
                "o7": cell.get("o7 state", ""),
                "phase": cell.get("phase state", ""),
            }
        )
    return rows


_ZTE_INDEX = re.compile(r"(\d+)/(\d+)/(\d+):(\d+)$")


def zte_by_sn(text: str) -> dict[str, Any] | None:
    """``show gpon onu by sn SN``: where the ONU is (``Search result`` / ``SearchResult``)."""
    m = _ZTE_IF.search(clean(text))
    if not m:
        return None
    return {
        "interface": m.group(0),
        "rack": int(m.group(1)),
        "shelf": int(m.group(2)),
        "port": int(m.group(3)),
        "onuId": int(m.group(4)),
    }


def zte_uncfg(text: str) -> list[dict[str, str]]:
    """``show gpon onu uncfg`` (C3xx: ``OnuIndex Sn State``; C600 adds a model column)."""
    rows = []
    for line in clean(text).split("\n"):
        m = re.match(
            r"^\s*(gpon[-_]o(?:lt|nu)[-_]\S+)\s+(?:(\S+)\s+)?([A-Za-z]{4}[0-9A-Fa-f]{8})\b",
            line,
        )
        if m:
            rows.append(
                {"interface": m.group(1), "model": m.group(2) or "", "sn": m.group(3).upper()}
            )
    return rows


_CFG_ONU = re.compile(r"^\s*onu\s+(\d+)\s+type\s+(\S+)\s+sn\s+([A-Za-z]{4}[0-9A-Fa-f]{8})\b")


def zte_olt_config_onus(text: str) -> list[dict[str, Any]]:
    """``show running-config interface gpon-olt_R/S/P``: ``onu N type T sn SN`` lines."""
    rows = []
    for line in clean(text).split("\n"):
        m = _CFG_ONU.match(line)
        if m:
            rows.append({"onuId": int(m.group(1)), "type": m.group(2), "sn": m.group(3).upper()})
    return rows


SECRET_LABELS = {"Password", "User name", "Username", "PPPoE password", "Key", "WPA key"}


def redact(record: dict[str, Any]) -> dict[str, Any]:
    """Blank the secrets ZTE prints in clear (PPPoE user/password) before logging or storing."""
    return {
        k: ("***" if k in SECRET_LABELS and v not in ("", None) else v) for k, v in record.items()
    }


# Operator command names (``ponapi parse``): the command with spaces as dashes.
PARSERS: dict[str, dict[str, Callable[[str], Any]]] = {
    "huawei": {
        "display-ont-info": huawei_ont_info,
        "display-ont-info-by-sn": huawei_ont_info,
        "display-ont-version": huawei_ont_version,
        "display-ont-wan-info": huawei_wan_info,
        "display-ont-wlan-info": huawei_wlan_info,
        "display-ont-optical-info": huawei_optical_info,
        "display-ont-info-summary": huawei_info_summary,
        "display-board": huawei_boards,
    },
    "zte": {
        "show-gpon-onu-detail-info": zte_detail_info,
        "show-gpon-onu-by-sn": zte_by_sn,
        "show-gpon-onu-state": zte_onu_state,
        "show-gpon-onu-uncfg": zte_uncfg,
        "show-gpon-remote-onu-wan-ip": lambda t: [redact(r) for r in zte_wan_ip(t)],
        "show-gpon-remote-onu-equip": zte_equip,
        "show-pon-power-attenuation": zte_attenuation,
        "show-running-config-interface-gpon-olt": zte_olt_config_onus,
    },
}
