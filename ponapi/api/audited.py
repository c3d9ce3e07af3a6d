"""Audit a change with its outcome: ``ok``, ``failed`` (an answered error: its contract code is
in the details) or ``error`` (an unexpected one). Recorded when the change is over, so a
refused rename is never written down as done."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ponapi.api.deps import AppContext
from ponapi.api.errors import ApiError


@dataclass
class AuditNote:
    target: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@contextmanager
def audited(
    ctx: AppContext, action: str, *, user: Any, target: str = "", **details: Any
) -> Iterator[AuditNote]:
    """``with audited(ctx, "olt.update", user=u, target="olt 1") as note: ...``; the block may
    fill ``note.target`` and ``note.details`` as it learns them."""
    note = AuditNote(target, dict(details))
    result = "ok"
    extra: dict[str, Any] = {}
    try:
        yield note
    except ApiError as exc:
        result, extra = "failed", {"code": exc.code.value, "status": exc.status}
        raise
    except BaseException as exc:
        result, extra = "error", {"error": type(exc).__name__}
        raise
    finally:
        ctx.audit.record(
            action, user=user, target=note.target, result=result, **note.details, **extra
        )
