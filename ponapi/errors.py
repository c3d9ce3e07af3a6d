"""The product's error codes and its typed exceptions, free of any web framework.

Every layer raises these; only ``ponapi.api.errors`` turns them into HTTP responses. Decisions
(a stale answer may stand in, a login is backed off, a source falls back) test the type, never
the message text.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID_SERIAL = "INVALID_SERIAL"
    INVALID_REQUEST = "INVALID_REQUEST"
    UNAUTHORIZED = "UNAUTHORIZED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    OLT_NOT_FOUND = "OLT_NOT_FOUND"
    ONU_NOT_FOUND = "ONU_NOT_FOUND"
    TR069_NOT_SUPPORTED = "TR069_NOT_SUPPORTED"
    RATE_LIMITED = "RATE_LIMITED"
    ACS_UNAVAILABLE = "ACS_UNAVAILABLE"
    OLT_UNREACHABLE = "OLT_UNREACHABLE"
    OLT_AUTH_FAILED = "OLT_AUTH_FAILED"
    UPSTREAM_ERROR = "UPSTREAM_ERROR"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    INTERNAL_ERROR = "INTERNAL_ERROR"


# Default status (the contract's HTTP status, a plain number) and short message of each code.
DEFAULTS: dict[ErrorCode, tuple[int, str]] = {
    ErrorCode.INVALID_SERIAL: (400, "Invalid ONU serial number"),
    ErrorCode.INVALID_REQUEST: (400, "Invalid request"),
    ErrorCode.UNAUTHORIZED: (401, "Authentication required"),
    ErrorCode.FORBIDDEN: (403, "Not allowed for your role"),
    ErrorCode.NOT_FOUND: (404, "Not found"),
    ErrorCode.METHOD_NOT_ALLOWED: (405, "Method not allowed"),
    ErrorCode.CONFLICT: (409, "Conflict"),
    ErrorCode.OLT_NOT_FOUND: (404, "OLT not found"),
    ErrorCode.ONU_NOT_FOUND: (404, "ONU not found"),
    ErrorCode.TR069_NOT_SUPPORTED: (422, "ONU does not support TR-069 protocol"),
    ErrorCode.RATE_LIMITED: (429, "Too many requests"),
    ErrorCode.ACS_UNAVAILABLE: (502, "ACS unavailable"),
    ErrorCode.OLT_UNREACHABLE: (502, "OLT unreachable"),
    ErrorCode.OLT_AUTH_FAILED: (502, "OLT login failed"),
    ErrorCode.UPSTREAM_ERROR: (502, "Upstream error"),
    ErrorCode.UPSTREAM_TIMEOUT: (504, "Upstream timeout"),
    ErrorCode.INTERNAL_ERROR: (500, "Internal error"),
}


class ApiError(Exception):
    """An error with a contract code. Raise it anywhere; the API layer renders the envelope."""

    def __init__(
        self,
        code: ErrorCode,
        details: str,
        *,
        message: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        default_status, default_message = DEFAULTS[code]
        self.code = code
        self.details = details
        self.message = message or default_message
        self.status = status or default_status
        self.headers = headers or {}
        super().__init__(f"{code}: {details}")


class _Coded(ApiError):
    """An ApiError whose code is fixed by its type."""

    CODE = ErrorCode.INTERNAL_ERROR

    def __init__(self, details: str, *, message: str | None = None) -> None:
        super().__init__(self.CODE, details, message=message)


class UpstreamFailure(_Coded):
    """An upstream (ACS, OLT, device) failed, not the request: a cached answer may stand in."""


class UpstreamError(UpstreamFailure):
    CODE = ErrorCode.UPSTREAM_ERROR


class UpstreamTimeout(UpstreamFailure):
    CODE = ErrorCode.UPSTREAM_TIMEOUT


class AcsUnavailable(UpstreamFailure):
    CODE = ErrorCode.ACS_UNAVAILABLE


class AcsRejected(UpstreamError):
    """The ACS answered an HTTP status other than the expected one."""

    def __init__(self, details: str, status: int) -> None:
        super().__init__(details)
        self.upstream_status = status


class AcsAuthRejected(AcsRejected):
    """The ACS refused ponapi's credentials (401/403): a configuration fault, not a blip."""


class AcsOverloaded(AcsUnavailable):
    """The ACS said it is busy or down for a while (429/502/503/504)."""

    def __init__(self, details: str, status: int) -> None:
        super().__init__(details)
        self.upstream_status = status


class OltUnreachable(UpstreamFailure):
    CODE = ErrorCode.OLT_UNREACHABLE


class LoginLimit(OltUnreachable):
    """The OLT refused a login: this user's concurrent-login limit is reached."""


class AuthFailed(UpstreamFailure):
    CODE = ErrorCode.OLT_AUTH_FAILED


class NotSupported(_Coded):
    CODE = ErrorCode.TR069_NOT_SUPPORTED


class NotConfigured(NotSupported):
    """No source is configured for this read (no ACS, no CLI access)."""


class CredentialsUnreadable(AuthFailed):
    """The stored OLT password cannot be decrypted (the credential key changed): no login can
    be tried, which is not the same as no CLI access configured."""


class OnuNotFound(_Coded):
    CODE = ErrorCode.ONU_NOT_FOUND


class InvalidRequest(_Coded):
    CODE = ErrorCode.INVALID_REQUEST


class UnknownPlatform(InvalidRequest):
    """No OLT platform for this brand (and model)."""


class DatabaseUnavailable(UpstreamError):
    """The registry database cannot be reached."""


def is_upstream(exc: BaseException) -> bool:
    """An upstream's failure (stale data may answer), as opposed to the request's own fault."""
    if isinstance(exc, UpstreamFailure):
        return True
    return isinstance(exc, ApiError) and exc.code in UPSTREAM_CODES


# For errors raised with a bare code (ApiError(code, ...)) rather than a type.
UPSTREAM_CODES = frozenset(
    {
        ErrorCode.ACS_UNAVAILABLE,
        ErrorCode.UPSTREAM_ERROR,
        ErrorCode.UPSTREAM_TIMEOUT,
        ErrorCode.OLT_UNREACHABLE,
        ErrorCode.OLT_AUTH_FAILED,
    }
)


def error_body(code: ErrorCode, details: str, message: str | None = None) -> dict[str, Any]:
    """The contract's error envelope as plain data (also stored in failed jobs).

    ``error`` is the short label (``message``, else the code's default); ``message`` is the
    sentence a person can act on, the one the app shows (``data.message || data.error``):
    ``details``, which names the field and its rule for a bad request
    (``"ssid: must be 1 to 32 bytes in UTF-8 (got 0)"``)."""
    error = message or DEFAULTS[code][1]
    return {
        "success": False,
        "error": error,
        "code": code.value,
        "details": details,
        "message": details or error,
    }
