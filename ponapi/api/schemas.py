"""Request and response models. JSON keys are camelCase like the stats contract."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import UTC, datetime
from typing import Annotated, Generic, TypeVar

import asyncssh
import asyncssh.saslprep
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, computed_field, field_validator
from pydantic.alias_generators import to_camel

from ponapi.auth.principal import valid_tenant
from ponapi.db.models import Brand, Protocol, Role, StatsSource

T = TypeVar("T")


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything ponapi stores is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# An RFC 3339 timestamp with its offset, whatever the database returned.
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]

_HOSTNAME = re.compile(
    r"(?=.{1,253}\Z)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def no_control_chars(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def cli_credential(value: str) -> str:
    """An OLT username or password as SSH and Telnet will send it: no control, format or
    unassigned characters, no line or paragraph separators (U+2028 ends a Telnet line as
    surely as a newline)."""
    no_control_chars(value)
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in value):
        raise ValueError("must not contain control, format or line-separator characters")
    return value


def cli_username(value: str) -> str:
    """``cli_credential``, and unchanged by SASLprep (RFC 4013), which asyncssh applies to the
    username before it logs in: a name it would refuse, or send changed, is refused here."""
    cli_credential(value)
    try:
        prepared = asyncssh.saslprep.saslprep(value)
    except asyncssh.saslprep.SASLPrepError as exc:
        raise ValueError(f"not usable as an SSH username ({exc})") from exc
    if prepared != value:
        raise ValueError("not usable as an SSH username (SASLprep would change it)")
    return value


def valid_host(value: str) -> str:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if not _HOSTNAME.fullmatch(value):
        raise ValueError("must be an IP address or a host name")
    return value


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class Envelope(CamelModel, Generic[T]):
    success: bool = True
    data: T
    message: str = "OK"


class ErrorEnvelope(BaseModel):
    success: bool = False
    error: str
    code: str
    details: str


# --- auth -------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(CamelModel):
    id: int
    username: str
    role: Role
    active: bool
    tenant: str | None = None
    platform: bool = Field(
        default=False, description="An admin of every ISP (a local admin without a tenant)."
    )
    created_at: UtcDatetime


class TokenResponse(BaseModel):
    """OAuth2-style keys (snake_case) so standard clients and Swagger's Authorize work."""

    success: bool = True
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int
    user: UserOut


# --- OLTs -------------------------------------------------------------------------------


class OltBase(CamelModel):
    name: str = Field(min_length=1, max_length=100)
    brand: Brand
    model: str = Field(default="", max_length=64)
    host: str = Field(min_length=1, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    protocol: Protocol = Protocol.ssh
    username: str = Field(min_length=1, max_length=128)
    stats_source: StatsSource = StatsSource.auto

    _names = field_validator("name", "model")(no_control_chars)
    _username = field_validator("username")(cli_username)
    _host = field_validator("host")(valid_host)


def tenant_value(value: str | None) -> str | None:
    """An ISP's id as the platform names it: 1-64 characters, no control characters."""
    if value is not None and not valid_tenant(value):
        raise ValueError("1-64 characters, no control characters nor surrounding spaces")
    return value


TENANT_DOC = (
    "The ISP the OLT belongs to (the platform's ISP id); only a platform admin sets another "
    "ISP's or changes it. null: no ISP (visible to platform users only)."
)


class OltCreate(OltBase):
    password: str = Field(min_length=1, max_length=256, description="Write-only; never returned.")
    tenant: str | None = Field(default=None, max_length=64, description=TENANT_DOC)

    _password = field_validator("password")(cli_credential)
    _tenant = field_validator("tenant")(tenant_value)


def ssh_host_key_line(value: str) -> str:
    """An OpenSSH public-key line (``ssh-ed25519 AAAA...``), normalised; "" stays "" (unpin)."""
    if not value.strip():
        return ""
    try:
        key = asyncssh.import_public_key(value.strip())
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise ValueError("not an OpenSSH public key (e.g. 'ssh-ed25519 AAAA...')") from exc
    return " ".join(key.export_public_key("openssh").decode().split()[:2])  # no comment


def ssh_fingerprint(line: str) -> str:
    """``SHA256:...`` as ``ssh-keygen -lf`` prints it; "" when nothing is pinned."""
    if not line:
        return ""
    try:
        return str(asyncssh.import_public_key(line).get_fingerprint("sha256"))
    except (asyncssh.KeyImportError, ValueError):
        return ""


class OltUpdate(CamelModel):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    brand: Brand | None = None
    model: str | None = Field(default=None, max_length=64)
    host: str | None = Field(default=None, min_length=1, max_length=255)
    port: int | None = Field(default=None, ge=1, le=65535)
    protocol: Protocol | None = None
    username: str | None = Field(default=None, min_length=1, max_length=128)
    password: str | None = Field(default=None, min_length=1, max_length=256)
    stats_source: StatsSource | None = None
    ssh_host_key: str | None = Field(
        default=None,
        max_length=4096,
        description="Pin this OpenSSH public key ('ssh-ed25519 AAAA...'); \"\" unpins, and the "
        "key the OLT presents at the next login is pinned.",
    )
    tenant: str | None = Field(default=None, max_length=64, description=TENANT_DOC)

    _tenant = field_validator("tenant")(tenant_value)
    _names = field_validator("name", "model")(lambda v: v if v is None else no_control_chars(v))
    _username = field_validator("username")(lambda v: v if v is None else cli_username(v))
    _password = field_validator("password")(lambda v: v if v is None else cli_credential(v))
    _host = field_validator("host")(lambda v: v if v is None else valid_host(v))
    _host_key = field_validator("ssh_host_key")(lambda v: v if v is None else ssh_host_key_line(v))


class OltOut(CamelModel):
    id: int
    tenant: str | None = None
    name: str
    brand: Brand
    model: str
    host: str
    port: int
    protocol: Protocol
    username: str
    stats_source: StatsSource
    has_password: bool = True
    ssh_host_key: str = Field(
        default="", description='The pinned SSH host key; "" until the first SSH login.'
    )
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ssh_host_key_fingerprint(self) -> str:
        return ssh_fingerprint(self.ssh_host_key)


# --- ONUs -------------------------------------------------------------------------------


class OnuCreate(CamelModel):
    serial: str = Field(min_length=1, max_length=64, description="Any accepted serial form.")
    frame: int | None = Field(default=None, ge=0, le=15)
    slot: int | None = Field(default=None, ge=0, le=63)
    port: int | None = Field(default=None, ge=0, le=127)
    ont_id: int | None = Field(default=None, ge=0, le=255)
    description: str = Field(default="", max_length=255)

    _desc = field_validator("description")(no_control_chars)


class OnuOut(CamelModel):
    id: int
    olt_id: int
    serial: str = Field(description="Canonical 12-character form, e.g. HWTC25F08D9D")
    serial_hex: str = Field(description="16-hex form, e.g. 4857544325F08D9D")
    frame: int | None
    slot: int | None
    port: int | None
    ont_id: int | None
    description: str
    created_at: UtcDatetime
