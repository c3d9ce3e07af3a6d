"""OAuth 2.0 token introspection (RFC 7662): for a platform whose tokens are not JWTs.

The endpoint is asked ``token=...``; an ``active`` answer is mapped with the same claim rules
as a JWT (role, tenant). Answers, inactive ones too, are cached briefly
(``HOST_INTROSPECTION_CACHE_SECONDS``, never past the token's ``exp``) under the token's
SHA-256, never the token itself."""

from __future__ import annotations

import hashlib
import logging
import time

import httpx

from ponapi.auth.claims import ClaimRules, HostIdentity, HostTokenError, identity
from ponapi.ttlcache import TtlMap

log = logging.getLogger("ponapi.auth")


class Introspector:
    def __init__(
        self,
        url: str,
        rules: ClaimRules,
        *,
        auth_header: str = "",
        cache_seconds: float = 30.0,
        timeout_seconds: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.rules = rules
        self.headers = {"Accept": "application/json"}
        if auth_header:
            self.headers["Authorization"] = auth_header
        self.timeout = timeout_seconds
        self.transport = transport
        self.answers: TtlMap[str, HostIdentity | str] = TtlMap(cache_seconds, 10_000)

    async def _ask(self, token: str) -> HostIdentity | str:
        """The identity, or the reason it is refused."""
        try:
            async with httpx.AsyncClient(
                timeout=self.timeout, transport=self.transport, follow_redirects=False
            ) as client:
                answer = await client.post(
                    self.url,
                    data={"token": token, "token_type_hint": "access_token"},
                    headers=self.headers,
                )
            answer.raise_for_status()
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("token introspection failed: %s", type(exc).__name__)
            raise HostTokenError("The token could not be checked with the platform.") from exc
        if not isinstance(body, dict) or body.get("active") is not True:
            return "The token is not active."
        exp = body.get("exp")
        if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= time.time():
            return "The token has expired; log in again."
        try:
            return identity(body, self.rules)
        except HostTokenError as exc:
            return str(exc)

    async def verify(self, token: str) -> HostIdentity:
        key = hashlib.sha256(token.encode()).hexdigest()
        found = await self.answers.get_or_load(key, lambda: self._ask(token))
        if isinstance(found, HostIdentity) and found.expires and found.expires <= time.time():
            raise HostTokenError("The token has expired; log in again.")
        if not isinstance(found, HostIdentity):
            raise HostTokenError(found or "The token is not active.")
        return found
