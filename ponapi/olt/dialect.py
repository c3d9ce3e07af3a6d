"""What a vendor's CLI looks like: prompts, login, pager, hint prompts, errors, and its modes
(scrapli's "platform" half; the bytes move in ``transport``, the conversation runs in
``session``). Each platform module (``ponapi.olt.platforms``) defines its own.

Modes, as netmiko keeps ``config_mode``/``exit_config_mode`` in its platform class: a
:class:`ModeCommand` names the lines that enter a mode level by level from privileged mode (the
platform builds them); :meth:`Dialect.leave` says how to get back from the levels actually
entered, so a level that was never entered is never left (on Huawei one ``quit`` too many asks
"Are you sure to log out?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Confirm:
    """A question the OLT may ask after a command, and what to answer."""

    question: re.Pattern[str]
    answer: str


@dataclass(frozen=True)
class ModeCommand:
    """One command run inside a CLI mode: ``enter`` from privileged mode, level by level (each
    must succeed), then ``command`` (answering ``confirm`` if asked)."""

    enter: tuple[str, ...]
    command: str
    confirm: Confirm | None = None


@dataclass(frozen=True)
class Dialect:
    name: str
    username_prompt: re.Pattern[str]
    password_prompt: re.Pattern[str]
    prompt: re.Pattern[str]  # any prompt at the end of the buffer; group "host"
    on_open: tuple[str, ...]
    pager: re.Pattern[str]
    hint: re.Pattern[str]  # a question the OLT waits on: answer with Enter
    login_failed: re.Pattern[str]
    login_limit: re.Pattern[str]
    failure: re.Pattern[str]
    empty: re.Pattern[str] | None
    quit: str
    config_mode: str = "config"  # privileged -> configuration mode
    leave_level: str = "quit"  # up one level
    leave_all: str = ""  # back to privileged from any depth ("" = none: one leave_level each)
    logout: re.Pattern[str] | None = None  # "log out?" asked at the top level: answered no

    def leave(self, entered: int) -> tuple[str, ...]:
        """The lines that return to privileged mode from ``entered`` levels (none from 0)."""
        if entered <= 0:
            return ()
        return (self.leave_all,) if self.leave_all else (self.leave_level,) * entered

    def failure_line(self, text: str) -> str | None:
        """The line of ``text`` that says the command failed, or None."""
        m = self.failure.search(text)
        return m.group(1).strip() if m else None

    def empty_line(self, text: str) -> str | None:
        """The "no such entry" line of ``text`` (ZTE ``No related information``), or None."""
        if self.empty is None:
            return None
        for line in text.replace("\r", "").split("\n"):
            if self.empty.search(line):
                return line.strip()
        return None
