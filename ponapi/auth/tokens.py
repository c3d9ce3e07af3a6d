"""JWT access tokens (PyJWT). HS256 only: the algorithm is pinned on decode, so tokens with
``alg: none`` or any other algorithm are rejected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "role", "iat"]},
        )
        return TokenClaims(int(payload["sub"]), str(payload["role"]), int(payload.get("ver", 0)))
    except jwt.ExpiredSignatureError as exc:
        raise TokenError("The token has expired; log in again.") from exc
    except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
        raise TokenError("The token is malformed or its signature is invalid.") from exc
