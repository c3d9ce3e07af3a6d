"""Parsers of the OLT outputs behind the screen's extra sections (LAN ports, hosts): tables are
read by their header names and label lines by their labels, so a firmware that adds, drops or
moves a column or a label still parses. Hand-written: no maintained template set covers these
ZTE/Huawei outputs (ntc-templates has no ZTE OLT template; see docs/research notes)."""

from __future__ import annotations

import re

from ponapi.olt.parsers import clean
from ponapi.olt.tables import header_table

_LABEL = re.compile(r"^\s*([A-Za-z][\w /().-]*?)\s*:\s*(.*?)\s*$")


def label_blocks(text: str, starts_with: str) -> list[dict[str, str]]:
    """``Label: value`` lines grouped in blocks, a new block at each ``starts_with`` label."""
    blocks: list[dict[str, str]] = []
    for line in clean(text).split("\n"):
        m = _LABEL.match(line)
        if m is None:
            continue
        label, value = m.group(1).strip(), m.group(2)
        if label.lower() == starts_with.lower():
            blocks.append({})
        if blocks:
            blocks[-1].setdefault(label, value)
    return blocks


def zte_eth_ports(text: str) -> list[dict[str, str]]:
    """``show gpon remote-onu interface eth ONU``: one record per ``Interface: eth_0/N``."""
    return label_blocks(text, "Interface")


def zte_onu_macs(text: str) -> list[dict[str, str]]:
    """``show mac gpon onu ONU``: ``Mac address``, ``Vlan``, ``Type``, ``Port`` ... per row."""
    return [r for r in header_table(clean(text), ("Mac address", "Port")) if "Mac address" in r]


_HW_MAC_ROW = re.compile(
    r"(?P<mac>[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})\s+(?P<type>[a-z]+)\s+"
    r"(?P<fsp>\d+\s*/\s*\d+\s*/\s*\d+)\s+.*?(?P<vlan>\d+|-)\s*$",
    re.I,
)


def huawei_ont_macs(text: str) -> list[dict[str, str]]:
    """``display mac-address port F/S/P ont ID``: one record per learned MAC. The header's
    names are single-spaced and wrap (``SRV-P BUNDLE TYPE MAC``), so rows are read from the MAC
    on: its type, the F/S/P (any spacing: MA5800 ``0 /9 /0``, MA5608T ``0/1/0``) and the last
    column, the VLAN."""
    out = []
    for line in clean(text).split("\n"):
        m = _HW_MAC_ROW.search(line)
        if m:
            out.append(
                {
                    "MAC": m.group("mac"),
                    "MAC TYPE": m.group("type"),
                    "F/S/P": re.sub(r"\s+", "", m.group("fsp")),
                    "VLAN ID": m.group("vlan"),
                }
            )
    return out


def huawei_port_states(text: str) -> list[dict[str, str]]:
    """``display ont port state P ID eth-port all``: one record per port. The header wraps
    (``ONT`` over ``port-ID``, ``ONT`` over ``Port-type``): each name is its first line's
    word joined with the word below it. Cells are single words (``-`` when empty) and the
    port type touches the speed (``GE -``), so a row's words map to the names in order; a row
    with another number of words is not a port row."""
    lines = clean(text).split("\n")
    for i, line in enumerate(lines):
        if "linkstate" not in line.lower().replace(" ", ""):
            continue
        heads = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", line)]
        below = lines[i + 1] if i + 1 < len(lines) else ""
        names = []
        for n, (start, word) in enumerate(heads):
            end = heads[n + 1][0] if n + 1 < len(heads) else len(below)
            under = below[start:end].split()
            names.append(f"{word} {under[0]}" if under else word)
        records = []
        for row in lines[i + 1 :]:
            words = row.split()
            if len(words) == len(names) and words[0].isdigit():
                records.append(dict(zip(names, words, strict=True)))
        return records
    return []
