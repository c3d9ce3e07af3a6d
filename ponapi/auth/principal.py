"""Who is asking, as the registry sees it: the ISP (tenant) whose network they may see.

A ``platform`` user (an admin of every ISP, or a local admin without a tenant) sees everything;
anyone else sees only the OLTs of their own tenant (a local user without a tenant: the OLTs
without one, as a standalone install always had). The principal of the request being served is
kept in a context variable, so the shared registry lookup, the audit log and background jobs
read it without every caller passing it along."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

TENANT_MAX = 64
_TENANT = re.compile(rf"[^\x00-\x1f\x7f]{{1,{TENANT_MAX}}}")


def valid_tenant(value: str) -> bool:
    return bool(_TENANT.fullmatch(value)) and value == value.strip()


@dataclass(frozen=True, slots=True)
class Scope:
    """What a principal may see: every tenant, or exactly one (``None``: untenanted objects)."""

    everything: bool
    tenant: str | None
    nothing: bool = False

    def allows(self, tenant: str | None) -> bool:
        if self.nothing:
            return False
        return self.everything or tenant == self.tenant


# No principal known (a route that forgot to authenticate): nothing is visible.
NOWHERE = Scope(everything=False, tenant=None, nothing=True)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    subject: str  # the platform's user id ("" for ponapi's own users)
    tenant: str | None
    scope: Scope


PRINCIPAL: ContextVar[Principal | None] = ContextVar("ponapi_principal", default=None)


def current() -> Principal | None:
    return PRINCIPAL.get()


def current_scope() -> Scope:
    principal = PRINCIPAL.get()
    return principal.scope if principal is not None else NOWHERE


def scope_for(tenant: str | None, platform: bool) -> Scope:
    return Scope(everything=platform, tenant=None if platform else tenant)
