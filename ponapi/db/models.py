"""Tables: users, OLTs, ONUs. Portable types only, so SQLite and PostgreSQL behave the same."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    admin = "admin"
    technician = "technician"
    viewer = "viewer"


class Brand(StrEnum):
    huawei = "huawei"
    zte = "zte"


class Protocol(StrEnum):
    ssh = "ssh"
    telnet = "telnet"


class StatsSource(StrEnum):
    """Where TR-069 statistics of an OLT's ONUs come from."""

    acs = "acs"  # only the ACS (GenieACS)
    cli = "cli"  # only the OLT's CLI
    auto = "auto"  # the ACS when it knows the ONU, else the OLT's CLI


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped when a user is disabled or their password changes: older tokens stop working.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # The ISP this account belongs to (None: none; an admin without one is a platform admin).
    tenant: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def platform(self) -> bool:
        """An admin without a tenant administers every ISP."""
        return self.role == Role.admin.value and self.tenant is None


# Usernames are case-insensitive: ``ANA`` and ``ana`` are one account (migration 0004).
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    result: Mapped[str] = mapped_column(String(32), default="ok")
    details: Mapped[str] = mapped_column(Text, default="{}")
    client: Mapped[str] = mapped_column(String(64), default="")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    # The actor's ISP (None: a platform user or an untenanted one) and, for a platform token,
    # the platform's user id.
    tenant: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    subject: Mapped[str] = mapped_column(String(255), default="", server_default="")


class Olt(Base):
    __tablename__ = "olts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The ISP the OLT belongs to; None: visible to platform users (and untenanted local users).
    tenant: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    brand: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(64), default="")
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    protocol: Mapped[str] = mapped_column(String(8))
    username: Mapped[str] = mapped_column(String(128))
    # AES-GCM ciphertext (nonce || ciphertext+tag); never the clear password.
    password_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    stats_source: Mapped[str] = mapped_column(String(8), default=StatsSource.auto.value)
    # The OLT's SSH host key (OpenSSH public-key line), pinned at the first SSH login or set
    # by an admin; later logins to a host presenting another key are refused. "" = not pinned.
    ssh_host_key: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    onus: Mapped[list[Onu]] = relationship(
        back_populates="olt", cascade="all, delete-orphan", passive_deletes=True
    )


class Onu(Base):
    __tablename__ = "onus"
    # One registration per device: a serial once per OLT, a place (frame/slot/port/ONT id) on
    # an OLT holds one ONU (rows without a known place do not count: NULLs are distinct).
    __table_args__ = (
        UniqueConstraint("olt_id", "serial", name="uq_onus_olt_serial"),
        UniqueConstraint("olt_id", "frame", "slot", "port", "ont_id", name="uq_onus_olt_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    olt_id: Mapped[int] = mapped_column(ForeignKey("olts.id", ondelete="CASCADE"), index=True)
    serial: Mapped[str] = mapped_column(String(12), index=True)
    frame: Mapped[int | None] = mapped_column(Integer, nullable=True)
    slot: Mapped[int | None] = mapped_column(Integer, nullable=True)
    port: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ont_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    description: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    olt: Mapped[Olt] = relationship(back_populates="onus")
