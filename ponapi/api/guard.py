"""The request guard (a plain ASGI middleware, cheap on the hot path):

- caps the request body at ``MAX_REQUEST_BODY_BYTES``: a larger ``Content-Length`` is answered
  ``413`` with the envelope before anything is read, and a body streamed without one is cut off
  (the same ``413``) as soon as it passes the cap, so no handler buffers it;
- makes the client address available to the audit log for every action.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ponapi.api.errors import ErrorCode, error_response
from ponapi.audit import CLIENT


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes the cap. An HTTPException, so
    FastAPI's body parsing lets it through to the handler that renders the envelope."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body exceeds {limit} bytes.")


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = CLIENT.set(str(client[0]) if client else "")
        try:
            await self._guarded(scope, receive, send)
        finally:
            CLIENT.reset(token)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.max_body_bytes
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit() or int(value) > limit:
                    response = error_response(
                        ErrorCode.INVALID_REQUEST,
                        f"The request body exceeds {limit} bytes.",
                        status=413,
                    )
                    await response(scope, receive, send)
                    return
                break
        received = 0

        async def capped() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, capped, send)
