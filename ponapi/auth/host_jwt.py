"""The platform's JWTs, verified with PyJWT: the algorithms come from the settings only (never
from the token's header), ``exp`` is required, issuer and audience are checked when set.

Keys: an HMAC secret, a PEM public key, or a JWKS endpoint read with PyJWT's ``PyJWKClient``:
the key set is cached (``HOST_JWKS_CACHE_SECONDS``), refetched when a token names an unknown
``kid`` (at most once per ``HOST_JWKS_REFETCH_SECONDS``), fetched with a timeout, and while the
endpoint is down the last key set it served keeps working."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKSet
from jwt.exceptions import PyJWKClientConnectionError, PyJWKClientError

from ponapi.auth.claims import ClaimRules, HostIdentity, HostTokenError, identity

log = logging.getLogger("ponapi.auth")


class StaleTolerantJwks(PyJWKClient):
    """``PyJWKClient`` whose last good key set keeps serving while the endpoint is down."""

    def get_jwk_set(self, refresh: bool = False) -> PyJWKSet:
        try:
            return super().get_jwk_set(refresh)
        except PyJWKClientConnectionError:
            held = self.jwk_set_cache.jwk_set_with_timestamp if self.jwk_set_cache else None
            if held is None:
                raise
            log.warning("JWKS endpoint unreachable; using the keys it served last")
            return held.get_jwk_set()

    def cached_key(self, kid: str) -> PyJWK | None:
        """The key from the unexpired cached set, without any network call."""
        held = self.jwk_set_cache.get() if self.jwk_set_cache else None
        if held is None:
            return None
        return self.match_kid(self._get_signing_keys_from_jwk_set(held), kid)


class HostJwt:
    def __init__(
        self,
        *,
        algorithms: list[str],
        rules: ClaimRules,
        secret: str = "",
        public_key_file: Path | None = None,
        jwks_url: str = "",
        jwks_cache_seconds: float = 300.0,
        jwks_refetch_seconds: float = 30.0,
        jwks_timeout_seconds: float = 5.0,
        issuer: str = "",
        audience: str = "",
        leeway_seconds: float = 0.0,
    ) -> None:
        self.algorithms = list(algorithms)
        self.rules = rules
        self.issuer = issuer or None
        self.audience = audience or None
        self.leeway = leeway_seconds
        self.timeout = jwks_timeout_seconds
        self.key: Any = secret or None
        if public_key_file is not None:
            self.key = public_key_file.read_text()
        self.jwks: StaleTolerantJwks | None = None
        if jwks_url:
            self.jwks = StaleTolerantJwks(
                jwks_url,
                cache_keys=False,  # a key removed from the set stops working at the next fetch
                cache_jwk_set=True,
                lifespan=jwks_cache_seconds,
                timeout=jwks_timeout_seconds,
                cooldown_duration=jwks_refetch_seconds,
            )

    async def _signing_key(self, header: dict[str, Any]) -> Any:
        if self.jwks is None:
            return self.key
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise HostTokenError("The token names no signing key (kid).")
        key = self.jwks.cached_key(kid)
        if key is not None:
            return key
        try:  # PyJWKClient uses blocking I/O: a worker thread, bounded by its own timeout
            return await asyncio.wait_for(
                asyncio.to_thread(self.jwks.get_signing_key, kid), self.timeout + 1.0
            )
        except (PyJWKClientError, TimeoutError) as exc:
            log.warning("no JWKS key for kid %r: %s", kid[:64], exc)
            raise HostTokenError("The token's signing key is unknown.") from exc

    async def verify(self, token: str) -> HostIdentity:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise HostTokenError("The token is malformed.") from exc
        key = await self._signing_key(header)
        require = ["exp"] + (["iss"] if self.issuer else []) + (["aud"] if self.audience else [])
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=self.algorithms,
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": require, "verify_aud": self.audience is not None},
            )
        except jwt.ExpiredSignatureError as exc:
            raise HostTokenError("The token has expired; log in again.") from exc
        except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
            raise HostTokenError(
                "The token's signature, algorithm, issuer or audience is not accepted."
            ) from exc
        return identity(payload, self.rules)
