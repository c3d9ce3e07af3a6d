"""The one place that renders errors as responses (the codes and exception types live in
``ponapi.errors``): the contract's envelope for every error under /api.

``{"success": false, "error": <short label>, "code": <CODE>, "details": <plain words>,
"message": <the sentence a person reads: details>}``
Never FastAPI's ``{"detail": ...}``, never a stack trace, never a secret.
"""

from __future__ import annotations

import logging
from types import TracebackType

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from ponapi.errors import DEFAULTS, ApiError, DatabaseUnavailable, ErrorCode, error_body
from ponapi.requestid import REQUEST_ID_HEADER, current_request_id

__all__ = ["ApiError", "ErrorCode", "error_body", "error_response", "install_error_handlers"]

log = logging.getLogger("ponapi.errors")


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
        status_code=status or DEFAULTS[code][0],
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
        return database_response()

    async def connection_error(request: Request, exc: Exception) -> JSONResponse:
        # A bare ConnectionError is a database outage only when the database driver raised it
        # (asyncpg's refused connect is not wrapped by SQLAlchemy); any other is a bug here.
        if _raised_by_database(exc.__traceback__):
            return await database_down(request, exc)
        return await unexpected(request, exc)

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
    app.add_exception_handler(DatabaseUnavailable, database_down)
    app.add_exception_handler(ConnectionError, connection_error)
    app.add_exception_handler(PoolTimeout, database_busy)
    app.add_exception_handler(Exception, unexpected)


_DATABASE_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "ponapi.db")


def _raised_by_database(tb: TracebackType | None) -> bool:
    depth = 0
    while tb is not None and depth < 200:
        name = str(tb.tb_frame.f_globals.get("__name__", ""))
        if name.startswith(_DATABASE_MODULES):
            return True
        tb, depth = tb.tb_next, depth + 1
    return False


def database_response() -> JSONResponse:
    """A database outage: UPSTREAM_ERROR, with the status the contract pairs with it (502)
    and a hint to retry shortly."""
    return error_response(
        ErrorCode.UPSTREAM_ERROR,
        "The database is unreachable; try again shortly. Operators: check DATABASE_URL "
        "and the database server.",
        message="Database unavailable",
        headers={"Retry-After": "5"},
    )


def _internal_details() -> str:
    rid = current_request_id() or "unknown"
    return f"An unexpected error occurred. Quote request id {rid} to your administrator."
