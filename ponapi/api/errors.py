"""The one place that builds error responses: the contract's envelope for every error under /api.

``{"success": false, "error": <short message>, "code": <CODE>, "details": <plain words>}``
Never FastAPI's ``{"detail": ...}``, never a stack trace, never a secret.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from ponapi.requestid import REQUEST_ID_HEADER, current_request_id

log = logging.getLogger("ponapi.errors")


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


# Default HTTP status and short message of each code.
_DEFAULTS: dict[ErrorCode, tuple[int, str]] = {
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
    """An error with a contract code. Raise it anywhere; the handler renders the envelope."""

    def __init__(
        self,
        code: ErrorCode,
        details: str,
        *,
        message: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        default_status, default_message = _DEFAULTS[code]
        self.code = code
        self.details = details
        self.message = message or default_message
        self.status = status or default_status
        self.headers = headers or {}
        super().__init__(f"{code}: {details}")


def error_body(code: ErrorCode, details: str, message: str | None = None) -> dict[str, Any]:
    return {
        "success": False,
        "error": message or _DEFAULTS[code][1],
        "code": code.value,
        "details": details,
    }


def error_response(
    code: ErrorCode,
    details: str,
    *,
    message: str | None = None,
    status: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    hdrs = dict(headers or {})
    rid = current_request_id()
    if rid:
        hdrs.setdefault(REQUEST_ID_HEADER, rid)
    return JSONResponse(
        error_body(code, details, message),
        status_code=status or _DEFAULTS[code][0],
        headers=hdrs,
    )


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "request"
        parts.append(f"{loc}: {err.get('msg', 'invalid value')}")
    return "; ".join(parts) or "The request is not valid."


def install_error_handlers(app: FastAPI) -> None:
    async def api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(
            exc.code, exc.details, message=exc.message, status=exc.status, headers=exc.headers
        )

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error_response(ErrorCode.INVALID_REQUEST, _describe_validation(exc))

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            return error_response(
                ErrorCode.NOT_FOUND, f"No route {request.url.path}.", headers=headers
            )
        if exc.status_code == 405:
            return error_response(
                ErrorCode.METHOD_NOT_ALLOWED,
                f"{request.method} is not allowed on {request.url.path}.",
                headers=headers,
            )
        if exc.status_code == 401:
            return error_response(ErrorCode.UNAUTHORIZED, str(exc.detail), headers=headers)
        if exc.status_code == 403:
            return error_response(ErrorCode.FORBIDDEN, str(exc.detail), headers=headers)
        if exc.status_code >= 500:
            return error_response(ErrorCode.INTERNAL_ERROR, _internal_details(), headers=headers)
        return error_response(
            ErrorCode.INVALID_REQUEST, str(exc.detail), status=exc.status_code, headers=headers
        )

    async def database_down(_: Request, exc: Exception) -> JSONResponse:
        # No URL, driver message or SQL in the answer: they can carry credentials.
        log.error("database unavailable: %s", type(exc).__name__)
        # UPSTREAM_ERROR: the contract's code for a failed dependency of the request.
        return error_response(
            ErrorCode.UPSTREAM_ERROR,
            "The database is unreachable; try again shortly. Operators: check DATABASE_URL "
            "and the database server.",
            message="Database unavailable",
            status=503,
            headers={"Retry-After": "5"},
        )

    async def database_busy(_: Request, exc: Exception) -> JSONResponse:
        # Every pooled connection stayed in use for the pool's whole timeout: overload, not a
        # bug; the client may retry.
        log.error("database pool exhausted: %s", type(exc).__name__)
        return error_response(
            ErrorCode.UPSTREAM_ERROR,
            "The database is busy; try again shortly.",
            message="Database busy",
            status=503,
            headers={"Retry-After": "2"},
        )

    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(ErrorCode.INTERNAL_ERROR, _internal_details())

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(OperationalError, database_down)
    app.add_exception_handler(InterfaceError, database_down)
    app.add_exception_handler(ConnectionError, database_down)
    app.add_exception_handler(PoolTimeout, database_busy)
    app.add_exception_handler(Exception, unexpected)


def _internal_details() -> str:
    rid = current_request_id() or "unknown"
    return f"An unexpected error occurred. Quote request id {rid} to your administrator."
