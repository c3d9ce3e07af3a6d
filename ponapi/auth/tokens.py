"""JWT access tokens (PyJWT). HS256 only: the algorithm is pinned on decode, so tokens with
``alg: none`` or any other algorithm are rejected."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt

ALGORITHM = "HS256"
ISSUER = "ponapi"


class TokenError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    role: str
    version: int


def create_token(
    secret: str, user_id: int, role: str, version: int, lifetime: timedelta
) -> tuple[str, int]:
    now = datetime.now(UTC)
    payload = {
        "sub": str(user_id),
        "role": role,
        "ver": version,
        "iat": now,
        "exp": now + lifetime,
        "iss": ISSUER,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM), int(lifetime.total_seconds())


def decode_token(secret: str, token: str) -> TokenClaims:
    claims, expires = _verified(secret, token)
    if expires <= time.time():
        raise TokenError("The token has expired; log in again.")
    return claims


@lru_cache(maxsize=4096)
def _verified(secret: str, token: str) -> tuple[TokenClaims, float]:
    # Memoised: a client sends the same token with every request, and checking it (signature,
    # two base64 and JSON decodes, key checks) cost more than the rest of a cached stats read.
    # Only tokens that passed are kept (a raised error is not cached); expiry is checked on
    # every use, and revocation (token version, disabled user) is the caller's check.
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "role", "iat"]},
        )
        claims = TokenClaims(int(payload["sub"]), str(payload["role"]), int(payload.get("ver", 0)))
        return claims, float(payload["exp"])
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("The token has expired; log in again.") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
        raise TokenError("The token is malformed or its signature is invalid.") from exc
