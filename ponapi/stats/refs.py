"""What a host registry says about an OLT and an ONU, and the service's plain view of them."""

from __future__ import annotations

from dataclasses import dataclass

from ponapi.logs import register_secret
from ponapi.olt.location import Location
from ponapi.olt.session import Target
from ponapi.stats.model import OltRef


@dataclass(frozen=True)
class OltInfo:
    id: int
    brand: str  # huawei | zte
    model: str = ""
    stats_source: str = "auto"  # acs | cli | auto
    host: str = ""  # leave empty when ponapi must not log into this OLT
    port: int = 22
    protocol: str = "ssh"
    username: str = ""
    password: str = ""
    # The OLT's SSH host key (OpenSSH public-key line) to require; empty: the first key seen
    # is kept for this process's pool (pin it in your registry to survive restarts).
    ssh_host_key: str = ""
    credentials_unreadable: bool = False  # the stored password could not be decrypted
    tenant: str | None = None  # the ISP the OLT belongs to


@dataclass(frozen=True)
class OnuInfo:
    frame: int | None = None
    slot: int | None = None
    port: int | None = None
    ont_id: int | None = None


def make_ref(olt: OltInfo, onu: OnuInfo) -> OltRef:
    register_secret(olt.password)
    target = (
        Target(
            olt.host,
            olt.port,
            olt.protocol,
            olt.username,
            olt.password,
            olt.brand,
            olt.ssh_host_key,
        )
        if olt.host and olt.username and not olt.credentials_unreadable
        else None
    )
    location = None
    if onu.frame is not None and onu.slot is not None and onu.port is not None:
        if onu.ont_id is not None:
            try:
                location = Location(onu.frame, onu.slot, onu.port, onu.ont_id)
            except ValueError:
                location = None
    return OltRef(
        id=olt.id,
        stats_source=olt.stats_source,
        brand=olt.brand,
        model=olt.model,
        target=target,
        location=location,
        credentials_unreadable=olt.credentials_unreadable,
        tenant=olt.tenant,
    )
