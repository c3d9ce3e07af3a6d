"""The errors an action raises before anything reaches a device, and the read-back mismatch.

The API layer renders :class:`ActionValidationError` as ``400 INVALID_REQUEST`` with the field
and the reason, :class:`NotSupportedError` as a clear "not supported by this device" answer
(the request was valid, the device lacks the parameter or object), :class:`NotConfiguredError`
when a server-side setting is missing (speed-test URLs), and :class:`ReadbackMismatch` when the
device accepted a change but reports other values (secrets already masked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ActionValidationError(ValueError):
    """A request field is invalid: ``field`` names it (as the app sent it), ``reason`` says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotSupportedError(Exception):
    """The device's data model has no place for what was asked (e.g. no TraceRouteDiagnostics)."""

    def __init__(self, feature: str, reason: str) -> None:
        super().__init__(f"{feature}: {reason}")
        self.feature = feature
        self.reason = reason


class NotConfiguredError(Exception):
    """A setting the action needs is unset (e.g. the speed-test download URL)."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"{setting}: {reason}")
        self.setting = setting
        self.reason = reason


MASK = "********"


@dataclass(frozen=True)
class Mismatch:
    """One parameter the device reports differently from what was written (masked if secret)."""

    field: str
    path: str
    expected: Any
    actual: Any


class ReadbackMismatch(Exception):
    """The device accepted the change but reports other values."""

    def __init__(self, mismatches: list[Mismatch]) -> None:
        names = ", ".join(m.field for m in mismatches)
        super().__init__(f"the device reports other values for: {names}")
        self.mismatches = mismatches
