"""The TR-069 screen's sections beyond the first five, as the registry
(``ponapi.tr069.sections``) declares them.

``map_full_screen(raw, now, tz)`` -> ``{name: Section | Rows}`` for those sections (``optical``
as its own entry: the mapper adds its fields to ``general``). ``projection()`` is what one NBI
read needs for them; ``redact`` blanks a section's secret fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ponapi.tr069 import sections as registry
from ponapi.tr069.areas import logs
from ponapi.tr069.fields import AnySection
from ponapi.tr069.mapper import Mapper, merge_optical

__all__ = ["full_screen_sections", "map_full_screen", "merge_optical", "projection", "redact"]


def full_screen_sections() -> dict[str, bool]:
    """name -> is a list section: the sections after the first five, and ``optical``."""
    return {
        "optical": False,
        **{name: name in registry.list_sections() for name in registry.names()[5:]},
    }


FULL_SCREEN_SECTIONS = full_screen_sections()


def projection(names: Iterable[str] | None = None) -> tuple[str, ...]:
    """The subtrees the named sections need (these sections by default)."""
    return registry.projection(full_screen_sections() if names is None else names)


PROJECTION = projection()


def map_full_screen(
    raw: dict[str, Any],
    now: datetime,
    tz: ZoneInfo,
    *,
    names: Iterable[str] | None = None,
    log_limit: int = logs.DEFAULT_LIMIT,
) -> dict[str, AnySection]:
    """Map these sections (all, or ``names``); a failing one is ``error``."""
    known = full_screen_sections()
    wanted = [n for n in (known if names is None else names) if n in known]
    mapper = Mapper(raw, now=now, tz=tz)
    mapper.log_limit = log_limit
    built = mapper.areas(set(wanted))
    return {name: built[name] for name in wanted if name in built}


def redact(name: str, data: Any) -> Any:
    """``data`` with the section's secret fields blanked (a copy; ``data`` is not changed)."""
    secret = registry.secret_fields().get(name)
    if not secret or not isinstance(data, dict):
        return data
    return {k: ("" if k in secret and v is not None else v) for k, v in data.items()}
