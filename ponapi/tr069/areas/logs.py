"""``deviceLogs[]``: the device log TR-098 exposes as one string, ``DeviceInfo.DeviceLog``.

Two line grammars seen on real dumps (hand-parsed: neither is a format a library reads):

- Huawei, newest first:
  ``1981-01-02 00:58:24 [Critical] Terminal:ACS(192.168.89.1),Result:Success,Type:Set,...``
  ``... [Critical] Terminal:WEB(192.168.18.7),Result:Success,Type:Logout,Username:admin`` and
  alarms ``... [Error] AlarmID:104001,AlarmLevel:Error,Device reset. Cause: ..., Terminal:OTHER``.
  ``terminal`` is the name before the parentheses, ``source`` the address inside them,
  ``username`` the ``UserName:``/``Username:`` pair, ``cmd`` what follows ``Type:`` (or the
  alarm text).
- Nokia, oldest first, RFC 5424 after a bracketed severity:
  ``[err] <131>1 1969-12-31T19:08:12.930091-05:00 AONT syslog 5701 - -  message``:
  ``terminal`` = APP-NAME, ``source`` = HOSTNAME, ``cmd`` = MSG; no result or type. The last
  line is cut off by the 32 KB limit and is dropped.

Rows are newest first, at most ``limit`` of them (``extra.total``: how many lines the log has).
Timestamps are the device's own clock (no zone: it restarts at each boot). TR-181 has no
device log parameter: ``unavailable``.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any

from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = ("timestamp", "severity", "terminal", "result", "type")
OPTIONAL = ("cmd", "username", "source")
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
PROJECTION = ("InternetGatewayDevice.DeviceInfo.DeviceLog",)

_HUAWEI = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \[([^\]]*)\] ?(.*)")
_NOKIA = re.compile(r"\[([^\]]*)\] <\d{1,3}>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) ?(.*)")
_TERMINAL = re.compile(r"Terminal:([^,(]*)(?:\(([^)]*)\))?")
_USER = re.compile(r",?\s*User[Nn]ame:([^,]*)")
_ALARM = re.compile(r"AlarmID:(\d+),(?:AlarmLevel:[^,]*,)?(.*?)(?:,\s*Terminal:.*)?$")


def _pair(body: str, key: str) -> str | None:
    match = re.search(rf"(?:^|,)\s*{key}:([^,]*)", body)
    return match.group(1).strip() if match else None


def _huawei(match: re.Match[str]) -> dict[str, Any]:
    stamp, severity, body = match.groups()
    return {"timestamp": stamp, **_huawei_body(severity, body)}


@lru_cache(maxsize=2048)
def _huawei_body(severity: str, body: str) -> dict[str, Any]:
    """A Huawei line's fields but its time. Memoised (callers copy it): a log repeats a few
    kinds of lines (the ACS's logins, the same alarms) hundreds of times."""
    row: dict[str, Any] = {"severity": severity.strip()}
    terminal = _TERMINAL.search(body)
    if terminal:
        row["terminal"] = terminal.group(1).strip()
        if terminal.group(2):
            row["source"] = terminal.group(2).strip()
    user = _USER.search(body)
    if user:
        row["username"] = user.group(1).strip()
    alarm = _ALARM.search(body)
    if alarm:
        row["type"] = f"Alarm {alarm.group(1)}"
        row["cmd"] = alarm.group(2).strip()
        return row
    result = _pair(body, "Result")
    if result is not None:
        row["result"] = result
    kind = re.search(r"(?:^|,)\s*Type:([^,]*),?(.*)$", body)
    if kind:
        row["type"] = kind.group(1).strip()
        rest = _USER.sub("", kind.group(2)).strip().strip(",")
        if rest:
            row["cmd"] = rest
    return row


def _nokia(match: re.Match[str]) -> dict[str, Any]:
    severity, stamp, host, app, _proc, _msgid, _sd, msg = match.groups()
    try:
        shown = datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        shown = stamp
    row: dict[str, Any] = {"timestamp": shown, "severity": severity, "terminal": app}
    if host != "-":
        row["source"] = host
    if msg.strip():
        row["cmd"] = msg.strip()
    return row


def parse_log(text: str, limit: int | None = None) -> tuple[list[dict[str, Any]], int, int]:
    """Up to ``limit`` entries, newest first; how many scanned lines did not parse; how many
    log lines there are. Only the lines up to the limit are parsed (a full Huawei log is ~300
    lines, of which the screen shows the newest few)."""
    lines = [kept for line in text.splitlines() if (kept := line.strip())]
    if lines and _NOKIA.fullmatch(lines[0]):
        lines.reverse()  # written oldest first
    entries: list[dict[str, Any]] = []
    unparsed = 0
    for line in lines:
        if limit is not None and len(entries) >= limit:
            break
        if m := _HUAWEI.fullmatch(line):
            entries.append(_huawei(m))
        elif m := _NOKIA.fullmatch(line):
            entries.append(_nokia(m))
        else:
            unparsed += 1
    return entries, unparsed, len(lines)


def device_logs(doc: DeviceDocument, limit: int = DEFAULT_LIMIT) -> kit.Rows:
    root = kit.root_of(doc)
    if root == kit.TR181:
        return kit.unavailable_rows("TR-181 has no device log parameter")
    if not root:
        return kit.absent_rows()
    path = f"{root}.DeviceInfo.DeviceLog"
    p = doc.get(path)
    if p is None:
        if doc.node(path) is not None:
            return kit.unavailable_rows("the device log was never fetched from the device")
        return kit.absent_rows()
    text = p.value if isinstance(p.value, str) else ""
    limit = max(0, min(int(limit), MAX_LIMIT))
    entries, unparsed, total = parse_log(text, limit)
    data = []
    for n, entry in enumerate(entries, start=1):  # every parsed value is a string
        row: dict[str, Any] = {"id": str(n)}
        for name in FIELDS:
            row[name] = entry.get(name, "")
        for name in OPTIONAL:
            if name in entry:
                row[name] = entry[name]
        data.append(row)
    section = kit.Rows(data, "ok", [], p.timestamp)
    section.extra.update({"total": total, "limit": limit})
    if unparsed:
        section.extra["unparsedLines"] = unparsed
    return section


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"deviceLogs": device_logs(m.doc, m.log_limit)}


DEVICE_LOGS = SectionSpec(
    "deviceLogs",
    "list",
    build,
    projection=by_root(*PROJECTION),
    limitation="The ONU's own log lives on the ONU; no OLT command reads it.",
)
