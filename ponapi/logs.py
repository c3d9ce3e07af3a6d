"""Structured (JSON) logs with request ids, and redaction of secrets as a last line of defence.

ponapi never logs a secret on purpose; this filter still scrubs, from every record of every
library, the secret values registered at run time (decrypted OLT passwords, the NBI auth header)
and anything shaped like a password, a bearer token or an authorization header.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from datetime import UTC, datetime
from typing import Any

import orjson

from ponapi.requestid import current_request_id

_known: set[str] = set()
_longest_first: list[str] = []  # _known sorted once per registration, not per log line
_lock = threading.Lock()
_PATTERNS = [
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1***"),
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+(\s+[^'\"\s,}]+)?"),
        r"\1***",
    ),
    (
        re.compile(
            r"(?i)((?:pass(?:word)?|passwd|secret|psk|key(?:passphrase)?)['\"]?\s*[:=]\s*"
            r"['\"]?)[^'\"\s,}&]+"
        ),
        r"\1***",
    ),
    (re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), "***"),  # JWTs
]


def register_secret(value: str | None) -> None:
    """Never let this value appear in a log line (it is replaced by ***)."""
    global _longest_first
    if value and len(value) >= 4 and value not in _known:
        with _lock:
            _known.add(value)
            _longest_first = sorted(_known, key=len, reverse=True)


def redact(text: str) -> str:
    for value in _longest_first:
        if value in text:
            text = text.replace(value, "***")
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw message
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = current_request_id()
        if rid:
            entry["requestId"] = rid
        if record.exc_text:
            entry["exception"] = record.exc_text
        return orjson.dumps(entry).decode()


def configure(level: str = "INFO", fmt: str = "json", stream: Any = None) -> logging.Handler:
    """Send every logger (ponapi, uvicorn, asyncssh, httpx ...) through one redacting handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactFilter())
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    return handler
