"""A platform's claims -> who the caller is here: subject, role, tenant (the ISP).

Shared by the platform's JWTs and by token introspection answers (RFC 7662)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ponapi.auth.principal import TENANT_MAX, valid_tenant

_MISSING = object()


class HostTokenError(Exception):
    """The platform's token is not accepted (401); the message is safe to show."""


@dataclass(frozen=True, slots=True)
class ClaimRules:
    subject_claim: str
    role_claim: str
    role_map: dict[str, str]
    tenant_claim: str


@dataclass(frozen=True, slots=True)
class HostIdentity:
    subject: str
    role: str  # viewer, technician or admin
    platform: bool  # an admin of every ISP
    tenant: str | None
    expires: float | None

    @property
    def user_id(self) -> int:
        """A stable id for rate limits, job ownership and idempotency keys: negative, so it
        never equals a local user's id (those are positive database ids)."""
        digest = hashlib.sha256(f"host:{self.subject}".encode()).digest()
        return -(int.from_bytes(digest[:6], "big") + 1)


def claim(payload: Any, path: str) -> Any:
    """The value at a dotted path (``user.isp.id``); ``_MISSING`` when absent."""
    node = payload
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def _scalar(value: Any) -> str | None:
    """A string as is, an integer as its decimal string; anything else (list, object, bool,
    float, null) is no value."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def identity(payload: dict[str, Any], rules: ClaimRules) -> HostIdentity:
    subject = _scalar(claim(payload, rules.subject_claim))
    if not subject or len(subject) > 255:
        raise HostTokenError(f"The token has no usable '{rules.subject_claim}' (user id) claim.")
    raw_role = claim(payload, rules.role_claim)
    role_name = _scalar(raw_role)
    if role_name is None:
        raise HostTokenError(f"The token's '{rules.role_claim}' claim is not a single role.")
    mapped = rules.role_map.get(role_name)
    if mapped is None:
        raise HostTokenError("The token's role has no access to this service.")
    platform = mapped == "platform"
    tenant: str | None = None
    if not platform:
        raw = claim(payload, rules.tenant_claim) if rules.tenant_claim else _MISSING
        tenant = _scalar(raw)
        if tenant is not None:
            tenant = tenant.strip()
        if not tenant or len(tenant) > TENANT_MAX or not valid_tenant(tenant):
            raise HostTokenError("The token names no ISP (tenant claim missing or not usable).")
    exp = payload.get("exp")
    expires = float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None
    return HostIdentity(
        subject=subject,
        role="admin" if platform else mapped,
        platform=platform,
        tenant=tenant,
        expires=expires,
    )
