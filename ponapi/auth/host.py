"""The platform's tokens: a JWT verified here, or an opaque token introspected (RFC 7662)."""

from __future__ import annotations

from typing import Protocol

import jwt

from ponapi.auth.claims import ClaimRules, HostIdentity, HostTokenError
from ponapi.auth.host_jwt import HostJwt
from ponapi.auth.hostconfig import HostSettings, algorithms
from ponapi.auth.introspect import Introspector
from ponapi.auth.tokens import ISSUER


class HostSettingsFull(HostSettings, Protocol):
    host_jwks_cache_seconds: float
    host_jwks_refetch_seconds: float
    host_jwks_timeout_seconds: float
    host_jwt_issuer: str
    host_jwt_audience: str
    host_jwt_leeway_seconds: float
    host_jwt_subject_claim: str
    host_jwt_role_claim: str
    host_jwt_tenant_claim: str
    host_introspection_auth_header: str
    host_introspection_cache_seconds: float
    host_introspection_timeout_seconds: float


class HostAuth:
    def __init__(self, jwt_verifier: HostJwt | None, introspector: Introspector | None) -> None:
        self.jwt = jwt_verifier
        self.introspection = introspector

    @property
    def enabled(self) -> bool:
        return self.jwt is not None or self.introspection is not None

    @classmethod
    def from_settings(cls, s: HostSettingsFull) -> HostAuth:
        rules = ClaimRules(
            subject_claim=s.host_jwt_subject_claim,
            role_claim=s.host_jwt_role_claim,
            role_map=dict(s.host_jwt_role_map),
            tenant_claim=s.host_jwt_tenant_claim,
        )
        algs = algorithms(s.host_jwt_algorithms)
        verifier = None
        if algs:
            verifier = HostJwt(
                algorithms=algs,
                rules=rules,
                secret=s.host_jwt_secret,
                public_key_file=s.host_jwt_public_key_file,
                jwks_url=s.host_jwks_url,
                jwks_cache_seconds=s.host_jwks_cache_seconds,
                jwks_refetch_seconds=s.host_jwks_refetch_seconds,
                jwks_timeout_seconds=s.host_jwks_timeout_seconds,
                issuer=s.host_jwt_issuer,
                audience=s.host_jwt_audience,
                leeway_seconds=s.host_jwt_leeway_seconds,
            )
        introspector = None
        if s.host_introspection_url:
            introspector = Introspector(
                s.host_introspection_url,
                rules,
                auth_header=s.host_introspection_auth_header,
                cache_seconds=s.host_introspection_cache_seconds,
                timeout_seconds=s.host_introspection_timeout_seconds,
            )
        return cls(verifier, introspector)

    async def verify(self, token: str) -> HostIdentity:
        is_jwt = True
        try:
            jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            is_jwt = False
        if is_jwt and self.jwt is not None:
            return await self.jwt.verify(token)
        if self.introspection is not None:
            return await self.introspection.verify(token)
        raise HostTokenError("The token is malformed or its signature is invalid.")


def is_own_token(token: str) -> bool:
    """Whether the token claims to be one of ponapi's own (its ``iss``); unverified: it only
    decides which verification applies, and each one is complete on its own."""
    try:
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return False
    return isinstance(payload, dict) and payload.get("iss") == ISSUER
