"""The stats service's plain data: what it needs of an OLT, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ponapi.olt.location import Location
from ponapi.olt.session import Target

MESSAGE = "TR-069 statistics retrieved successfully"


class StatsSource(StrEnum):
    """Where TR-069 statistics of an OLT's ONUs come from (the registry stores the value)."""

    acs = "acs"  # only the ACS (GenieACS)
    cli = "cli"  # only the OLT's CLI
    auto = "auto"  # the ACS when it knows the ONU, else the OLT's CLI


@dataclass(frozen=True, slots=True)
class OltRef:
    """What the service needs of an OLT and the ONU's registry row (plain data: no database
    session is held during upstream calls)."""

    id: int
    stats_source: str
    brand: str = "huawei"
    model: str = ""
    target: Target | None = None  # CLI access (None: the CLI source is not usable)
    location: Location | None = None  # the ONU's registered frame/slot/port/ONT id
    # CLI access is configured but its stored password cannot be decrypted.
    credentials_unreadable: bool = False
    tenant: str | None = None  # the OLT's ISP (None: untenanted)


@dataclass(frozen=True, slots=True)
class StatsResult:
    """One ONU's statistics: the contract's ``data`` and ``meta``; the caller wraps them."""

    data: dict[str, Any]
    meta: dict[str, Any]
    message: str = MESSAGE
    # Not sent: the stored read it was rendered from (its ``readId``), and the OLT's optical
    # view laid over ``general`` (its cached bytes): what names the answer (``ETag``).
    read_id: str | None = None
    optical: bytes | None = None

    def body(self) -> dict[str, Any]:
        """The contract's success envelope."""
        return {"success": True, "data": self.data, "message": self.message, "meta": self.meta}

    @property
    def location(self) -> dict[str, int] | None:
        """Where the OLT CLI found the ONU (frame/slot/port/ontId), when it read it."""
        loc = self.meta.get("device", {}).get("location")
        return loc if isinstance(loc, dict) else None
