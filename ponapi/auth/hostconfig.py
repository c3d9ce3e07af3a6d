"""The rules of the ``HOST_*`` settings (a platform's tokens), checked when settings load:
a misconfiguration fails at start, never at the first login."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import urlparse

HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# What a platform role maps to: ponapi's roles, or ``platform`` (an admin of every ISP).
MAPPED_ROLES = frozenset({"viewer", "technician", "admin", "platform"})


class HostSettings(Protocol):
    host_jwt_algorithms: str
    host_jwt_secret: str
    host_jwt_public_key_file: Path | None
    host_jwks_url: str
    host_jwt_role_map: dict[str, str]
    host_introspection_url: str


def algorithms(value: str) -> list[str]:
    """``"RS256, ES256"`` -> ``["RS256", "ES256"]``."""
    return [a.strip() for a in value.split(",") if a.strip()]


def _http_url(name: str, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{name} must be an http(s) URL")


def check_host_settings(s: HostSettings) -> None:
    algs = algorithms(s.host_jwt_algorithms)
    refused = sorted(set(algs) - HMAC_ALGORITHMS - PUBLIC_KEY_ALGORITHMS)
    if refused:
        raise ValueError(
            f"HOST_JWT_ALGORITHMS: {refused} not accepted (known: HS256/384/512, RS*, PS*, "
            "ES*, EdDSA; 'none' never)"
        )
    hmac = [a for a in algs if a in HMAC_ALGORITHMS]
    public = [a for a in algs if a in PUBLIC_KEY_ALGORITHMS]
    if hmac and public:
        # One key kind per install: an HMAC algorithm next to a public key is the classic
        # algorithm-confusion hole (the public key used as an HMAC secret).
        raise ValueError("HOST_JWT_ALGORITHMS mixes HMAC (HS*) and public-key algorithms")
    if hmac and not s.host_jwt_secret:
        raise ValueError("HOST_JWT_SECRET is required with an HS* algorithm")
    if hmac and (s.host_jwt_public_key_file or s.host_jwks_url):
        raise ValueError("HS* algorithms take HOST_JWT_SECRET, not a public key or JWKS")
    if public and not (s.host_jwt_public_key_file or s.host_jwks_url):
        raise ValueError(
            "HOST_JWT_PUBLIC_KEY_FILE or HOST_JWKS_URL is required with a public-key algorithm"
        )
    if public and s.host_jwt_public_key_file and s.host_jwks_url:
        raise ValueError("set HOST_JWT_PUBLIC_KEY_FILE or HOST_JWKS_URL, not both")
    if not algs and (s.host_jwt_secret or s.host_jwt_public_key_file or s.host_jwks_url):
        raise ValueError("HOST_JWT_ALGORITHMS must name the platform's token algorithm(s)")
    if s.host_jwks_url:
        _http_url("HOST_JWKS_URL", s.host_jwks_url)
    if s.host_introspection_url:
        _http_url("HOST_INTROSPECTION_URL", s.host_introspection_url)
    wrong = sorted(v for v in s.host_jwt_role_map.values() if v not in MAPPED_ROLES)
    if wrong:
        raise ValueError(f"HOST_JWT_ROLE_MAP: {wrong} not among {sorted(MAPPED_ROLES)}")
    if (algs or s.host_introspection_url) and not s.host_jwt_role_map:
        raise ValueError("HOST_JWT_ROLE_MAP must map the platform's roles (JSON object)")
