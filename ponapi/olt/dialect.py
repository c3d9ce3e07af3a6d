"""What a vendor's CLI looks like: prompts, login, pager, hint prompts, errors (scrapli's
"platform" half; the bytes move in ``transport``, the conversation runs in ``session``).
Each platform module (``ponapi.olt.platforms``) defines its own."""

from __future__ import annotations

import re
from dataclasses import dataclass


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
