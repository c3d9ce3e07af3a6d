"""The CPE's connection-request HTTP server (TR-069 section 3.2.2) with HTTP digest
authentication (RFC 7616, MD5, qop=auth), against the data model's
``ManagementServer.ConnectionRequestUsername/Password``.

Hand-written digest verification: the well-kept HTTP libraries here (httpx) implement the client
side only; the header is parsed with the stdlib's ``urllib.request.parse_http_list``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from urllib.request import parse_http_list, parse_keqv_list

from ponapi.sim.http import HttpServer, Request, Response

REALM = "ponapi-cpe"
NONCE_TTL = 300.0


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def digest_response(
    username: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    nc: str = "",
    cnonce: str = "",
    qop: str = "",
    realm: str = REALM,
) -> str:
    ha1 = _md5(f"{username}:{realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    if qop:
        return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _md5(f"{ha1}:{nonce}:{ha2}")


def parse_digest(header: str) -> dict[str, str] | None:
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "digest":
        return None
    return parse_keqv_list(parse_http_list(rest))


class ConnectionRequestServer:
    """Answers 200 to an authenticated GET and calls ``on_request``; 401 with a fresh digest
    challenge otherwise. ``online`` False closes the port (the ACS sees ``Device is offline``)."""

    def __init__(
        self,
        credentials: Callable[[], tuple[str, str]],
        on_request: Callable[[], None],
        path: str = "/",
    ) -> None:
        self._credentials = credentials
        self._on_request = on_request
        self.path = path
        self._nonces: dict[str, float] = {}
        self._server: HttpServer | None = None
        self.host = "127.0.0.1"
        self.port = 0
        self.accepted = 0
        self.rejected = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self.host = host
        self._server = HttpServer(self.handle)
        await self._server.start(host, port or self.port)
        self.port = self._server.port
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
            self._server = None

    def _challenge(self) -> Response:
        now = time.monotonic()
        self._nonces = {n: t for n, t in self._nonces.items() if t > now}
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = now + NONCE_TTL
        self.rejected += 1
        header = f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'
        return Response(401, b"", "Unauthorized", {"WWW-Authenticate": header})

    def verify(self, method: str, header: str) -> bool:
        fields = parse_digest(header)
        if not fields:
            return False
        nonce = fields.get("nonce", "")
        if self._nonces.get(nonce, 0.0) < time.monotonic():
            return False
        username, password = self._credentials()
        if fields.get("username") != username or fields.get("realm") != REALM:
            return False
        expected = digest_response(
            username,
            password,
            method,
            fields.get("uri", ""),
            nonce,
            fields.get("nc", ""),
            fields.get("cnonce", ""),
            fields.get("qop", ""),
        )
        if not hmac.compare_digest(expected, fields.get("response", "")):
            return False
        del self._nonces[nonce]  # one use per nonce: no replay
        return True

    async def handle(self, req: Request) -> Response:
        if req.method != "GET" or req.target.split("?", 1)[0] != self.path:
            return Response(404, b"", "Not Found")
        header = req.headers.get("authorization", "")
        if not self.verify(req.method, header):
            return self._challenge()
        self.accepted += 1
        self._on_request()
        return Response(200, b"", "OK")
