"""The one settings object, read from environment variables and an optional `.env` file.

Every variable is documented in the README ("Configuration").
"""

from __future__ import annotations

import os
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ponapi.auth.hostconfig import algorithms, check_host_settings

MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.development
    database_url: str = "sqlite+aiosqlite:///./ponapi.db"
    redis_url: str = ""
    secret_key: str = ""
    credentials_key: str = ""
    data_dir: Path = Path(".ponapi")
    access_token_expire_minutes: int = Field(default=480, ge=1, le=60 * 24 * 30)
    display_timezone: str = "UTC"
    request_budget_seconds: float = Field(default=30.0, gt=0, le=600)
    log_level: str = "INFO"
    log_format: str = Field(default="json", pattern="^(json|text)$")
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    registry_cache_seconds: float = Field(default=10.0, ge=0, le=3600)
    survey_timeout_seconds: float = Field(default=60.0, gt=0, le=600)
    survey_poll_seconds: float = Field(default=3.0, gt=0, le=60)
    survey_cooldown_seconds: float = Field(default=120.0, ge=0, le=3600)
    job_budget_seconds: float = Field(default=120.0, gt=0, le=1800)
    login_max_failures: int = Field(default=10, ge=1, le=1000)
    login_failure_window_seconds: float = Field(default=300.0, gt=0, le=86400)
    password_hash_threads: int = Field(default=2, ge=1, le=64)
    password_hash_queue: int = Field(default=16, ge=1, le=10_000)
    password_hash_wait_seconds: float = Field(default=2.0, ge=0, le=60)
    cache_timeout_ms: int = Field(default=500, ge=10, le=10_000)
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024, le=1_073_741_824)
    rate_limit_stats_per_minute: int = Field(default=120, ge=1, le=100_000)
    rate_limit_refresh_per_minute: int = Field(default=10, ge=1, le=10_000)
    rate_limit_survey_per_minute: int = Field(default=4, ge=1, le=10_000)
    rate_limit_discover_per_minute: int = Field(default=4, ge=1, le=10_000)
    discover_budget_seconds: float = Field(default=120.0, gt=0, le=1800)
    olt_sessions_per_olt: int = Field(default=1, ge=1, le=8)
    olt_login_timeout_seconds: float = Field(default=20.0, gt=0, le=120)
    olt_command_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    olt_idle_timeout_seconds: float = Field(default=240.0, gt=0, le=3600)
    olt_login_backoff_seconds: float = Field(default=60.0, ge=0, le=3600)
    live_read_cooldown_seconds: float = Field(default=30.0, ge=0, le=3600)
    olt_max_concurrent_reads: int = Field(default=4, ge=1, le=64)
    stats_cache_ttl_seconds: float = Field(default=60.0, ge=0, le=86400)
    stats_section_ttl_seconds: dict[str, float] = Field(default_factory=dict)
    data_stale_after_seconds: float = Field(default=7 * 86400.0, ge=0, le=10 * 365 * 86400)
    stats_stale_ttl_seconds: float = Field(default=86400.0, ge=0, le=30 * 86400)
    optical_ttl_seconds: float = Field(default=300.0, ge=0, le=86400)

    # GenieACS northbound interface (NBI).
    genieacs_url: str = ""
    genieacs_auth_header: str = ""
    genieacs_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    genieacs_connection_request_timeout_ms: int = Field(default=3000, ge=500, le=60000)

    # Device actions (Wi-Fi/DHCP settings, diagnostics, reboot, factory reset, disable).
    action_wait_seconds: float = Field(default=60.0, ge=0, le=600)
    action_budget_seconds: float = Field(default=180.0, gt=0, le=1800)
    action_poll_seconds: float = Field(default=2.0, gt=0, le=60)
    action_reboot_cooldown_seconds: float = Field(default=300.0, ge=0, le=86400)
    action_idempotency_seconds: float = Field(default=86400.0, gt=0, le=7 * 86400)
    speedtest_download_url: str = ""
    speedtest_upload_url: str = ""
    speedtest_upload_bytes: int = Field(default=10_000_000, ge=1, le=1_000_000_000)

    # Behind an ISP platform (docs/platform.md): the platform's own tokens are accepted.
    host_jwt_algorithms: str = Field(default="", max_length=200)
    host_jwt_secret: str = ""
    host_jwt_public_key_file: Path | None = None
    host_jwks_url: str = ""
    host_jwks_cache_seconds: float = Field(default=300.0, gt=0, le=86400)
    host_jwks_refetch_seconds: float = Field(default=30.0, ge=0, le=3600)
    host_jwks_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    host_jwt_issuer: str = ""
    host_jwt_audience: str = ""
    host_jwt_leeway_seconds: float = Field(default=0.0, ge=0, le=600)
    host_jwt_subject_claim: str = Field(default="sub", min_length=1, max_length=200)
    host_jwt_role_claim: str = Field(default="role", min_length=1, max_length=200)
    host_jwt_role_map: dict[str, str] = Field(default_factory=dict)
    host_jwt_tenant_claim: str = Field(default="", max_length=200)
    host_introspection_url: str = ""
    host_introspection_auth_header: str = ""
    host_introspection_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    host_introspection_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @model_validator(mode="after")
    def _host_rules(self) -> Settings:
        check_host_settings(self)
        return self

    @field_validator("stats_section_ttl_seconds")
    @classmethod
    def _known_sections(cls, value: dict[str, float]) -> dict[str, float]:
        # The TTL keys are the section registry's (one per section).
        from ponapi.tr069.sections import names, ttl_keys

        known = ttl_keys()
        unknown = sorted(set(value) - known)
        if unknown:
            ordered = [n for n in names() if n in known]
            raise ValueError(
                f"STATS_SECTION_TTL_SECONDS names unknown section(s) {', '.join(unknown)}; "
                f"known: {', '.join(ordered)}"
            )
        if any(ttl < 0 for ttl in value.values()):
            raise ValueError("TTLs must not be negative")
        return value

    def section_ttl(self, section: str) -> float:
        return self.stats_section_ttl_seconds.get(section, self.stats_cache_ttl_seconds)

    @field_validator("display_timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _secret_rules(self) -> Settings:
        if self.environment is Environment.production:
            if len(self.secret_key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters "
                    "when ENVIRONMENT=production"
                )
        elif not self.secret_key:
            self.secret_key = _dev_secret(self.data_dir)
        return self

    @property
    def host_algorithms(self) -> list[str]:
        return algorithms(self.host_jwt_algorithms)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)


def _dev_secret(data_dir: Path) -> str:
    """A development secret generated once and kept in a local file readable only by its owner."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
