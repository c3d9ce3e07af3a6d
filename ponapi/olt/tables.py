"""Tables read by their header names: a firmware that adds, drops, renames or moves a column
still parses (hand-written: TextFSM templates pin one column set and fail on any other line)."""

from __future__ import annotations

import re

_RULE = re.compile(r"^\s*-{5,}\s*$")
_CELL = re.compile(r"\S+(?: \S+)*")  # a cell: words separated by single spaces


def header_table(text: str, must_have: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of the first table whose header (the line right above a rule of dashes, or a
    line holding every name in ``must_have``) names every ``must_have`` column (case-insensitive).
    Each cell goes to the column whose header starts nearest to it; rows end at a rule or a
    blank line after data."""
    lines = text.split("\n")
    wanted = [w.lower() for w in must_have]
    for i, line in enumerate(lines):
        low = line.lower()
        if not all(w in low for w in wanted):
            continue
        # A header may wrap onto a second line (Huawei): the first line names the columns.
        columns = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", line)]
        rows: list[dict[str, str]] = []
        for row_line in lines[i + 1 :]:
            if _RULE.match(row_line):
                if rows:
                    break
                continue
            if not row_line.strip():
                if rows:
                    break
                continue
            cells = [(m.start(), m.group(0)) for m in _CELL.finditer(row_line)]
            row: dict[str, str] = {}
            for start, value in cells:
                name = min(columns, key=lambda c: abs(c[0] - start))[1]
                row[name] = f"{row[name]} {value}" if name in row else value
            rows.append(row)
        return rows
    return []
