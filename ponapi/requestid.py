"""Request ids: taken from a sane incoming ``X-Request-ID`` or generated, echoed on every response.

A pure ASGI middleware (not BaseHTTPMiddleware) so that it costs almost nothing per request and
does not buffer streamed bodies.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING

from ponapi.metrics import REQUEST_SECONDS

if TYPE_CHECKING:  # annotations only: logging a request id must not load the web stack
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("ponapi.errors")


def current_request_id() -> str | None:
    return _request_id.get()


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        rid = incoming if _SANE.fullmatch(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        raw = rid.encode("ascii")

        started = False
        status = 500
        t0 = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", raw))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # Rendered here, where the request id is still known, rather than by Starlette's
            # outermost handler. The envelope says only the request id; the log has the trace.
            log.exception("unhandled error (request id %s)", rid)
            if started:
                raise
            details = f"An unexpected error occurred. Quote request id {rid} to your administrator."
            body = json.dumps(
                {
                    "success": False,
                    "error": "Internal error",
                    "code": "INTERNAL_ERROR",
                    "details": details,
                    "message": details,
                }
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"x-request-id", raw),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            _request_id.reset(token)
            route = scope.get("route")
            REQUEST_SECONDS.labels(
                route=getattr(route, "path", "unmatched"),
                method=scope["method"],
                status=str(status),
            ).observe(time.perf_counter() - t0)
