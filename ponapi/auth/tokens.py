"""JWT access tokens (PyJWT). HS256 only: the algorithm is pinned on decode, so tokens with
``alg: none`` or any other algorithm are rejected."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

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


MAX_ID = 2**31 - 1  # ids and versions are 32-bit integers in the database
ROLES = frozenset({"admin", "technician", "viewer"})
_DIGITS = re.compile(r"[1-9][0-9]{0,9}")


def _claims(payload: dict[str, Any]) -> TokenClaims:
    """The claims, each checked for its type and range: a validly signed token with
    ``sub = 10**20`` or ``ver = "x"`` is refused here, not by the database driver."""
    sub, role, ver = payload["sub"], payload["role"], payload.get("ver", 0)
    if not (isinstance(sub, str) and _DIGITS.fullmatch(sub) and int(sub) <= MAX_ID):
        raise ValueError("sub is not a user id")
    if not (isinstance(role, str) and role in ROLES):
        raise ValueError("role is not a role")
    if not (type(ver) is int and 0 <= ver <= MAX_ID):
        raise ValueError("ver is not a token version")
    return TokenClaims(int(sub), role, ver)


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
        return _claims(payload), float(payload["exp"])
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("The token has expired; log in again.") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
        raise TokenError("The token is malformed or its signature is invalid.") from exc
