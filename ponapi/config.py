"""The one settings object, read from environment variables and an optional `.env` file.

Every variable is documented in docs/configuration.md.
"""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ponapi.auth.hostconfig import algorithms, check_host_settings

MIN_SECRET_LENGTH = 32


class Environment(StrEnum):
    development = "development"
    production = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")
    _generated_key: bool = PrivateAttr(default=False)

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
    tenant_gate_cache_seconds: float = Field(default=30.0, ge=0, le=60)
    gc_gen0_threshold: int = Field(default=50_000, ge=0, le=1_000_000)
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
            _check_key("SECRET_KEY", self.secret_key, required=True)
            _check_key("CREDENTIALS_KEY", self.credentials_key, required=False)
        elif not self.secret_key:
            # Read, never written here: Settings() has no side effects on the filesystem (a
            # host app building one must not find a file in its directory). ``get_settings``,
            # the service's own entry point, keeps the generated key in DATA_DIR.
            self.secret_key = _read_dev_secret(self.data_dir) or secrets.token_urlsafe(48)
            self._generated_key = True
        return self

    @property
    def host_algorithms(self) -> list[str]:
        return algorithms(self.host_jwt_algorithms)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.display_timezone)


# What the README's `.env` used to show in place of a key, and words a hand-typed one is made of.
_PLACEHOLDER_WORDS = ("token_urlsafe", "python3", "change-me", "changeme", "another one")


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot sign tokens or encrypt credentials in production, or None.

    A key must be generated, not typed: at least MIN_SECRET_LENGTH characters, not a
    placeholder (``<...>``, the README's example text) and random-looking: at least 10
    different characters and about 90 bits by their frequencies (a 32-character hex key from
    ``openssl rand -hex 16`` passes, ``"x" * 40`` or a repeated word does not), with few
    repeated character pairs (``"0123456789" * 4`` does not pass)."""
    stripped = value.strip()
    if not stripped:
        return "is not set"
    if stripped.startswith("<") or stripped.endswith(">"):
        return "is a placeholder (<...>), not a key"
    lowered = stripped.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "is example text, not a key"
    if len(stripped) < MIN_SECRET_LENGTH:
        return f"has {len(stripped)} characters; at least {MIN_SECRET_LENGTH} are needed"
    counts = Counter(stripped)
    bits = -sum(n * math.log2(n / len(stripped)) for n in counts.values())
    pairs = {stripped[i : i + 2] for i in range(len(stripped) - 1)}
    if len(counts) < 10 or bits < 90 or len(pairs) < 0.6 * (len(stripped) - 1):
        return "does not look random (too few different characters, or a repeated pattern)"
    return None


KEY_HINT = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _check_key(name: str, value: str, *, required: bool) -> None:
    problem = key_problem(value)
    if problem is not None and (required or value):
        raise ValueError(f"{name} {problem} (ENVIRONMENT=production); {KEY_HINT}")


def _read_dev_secret(data_dir: Path) -> str | None:
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def _dev_secret(data_dir: Path) -> str:
    """A development secret generated once and kept in a local file readable only by its owner
    (so tokens survive a restart and every worker signs with the same key)."""
    existing = _read_dev_secret(data_dir)
    if existing:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    try:
        fd = os.open(data_dir / "secret_key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return _read_dev_secret(data_dir) or value
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


def describe_settings_error(exc: Exception) -> str:
    """A settings failure as one line naming each variable (pydantic's dump is many lines)."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{where.upper()}: {message}" if where else message)
    return "; ".join(parts)


@lru_cache
def get_settings() -> Settings:
    """The service's settings: in development without a SECRET_KEY, the generated key is kept
    in DATA_DIR/secret_key (0600) so it outlives the process and every worker shares it."""
    settings = Settings()
    if settings._generated_key:
        settings.secret_key = _dev_secret(settings.data_dir)
        settings._generated_key = False
    return settings
