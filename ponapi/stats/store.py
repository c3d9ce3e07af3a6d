"""Where stats payloads are kept between reads: the shared cache (Redis or memory), compressed,
with the device's secrets (Wi-Fi and device passwords) encrypted (never in clear in the cache),
and the last few decoded payloads kept in process."""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from ponapi.cache import Cache
from ponapi.crypto import CredentialCipher, CredentialError
from ponapi.tr069 import sections as registry

log = logging.getLogger("ponapi.stats")

T = TypeVar("T")
DECODED_KEPT = 256  # decoded cached payloads kept per process (a few MB at most)
SECRET_PREFIX = "enc:"  # noqa: S105 - a marker, not a secret: a stored secret that is a ciphertext


def _each_secret(payload: dict[str, Any], change: Callable[[str], str | None]) -> dict[str, Any]:
    """A copy of ``payload`` with every secret field (the registry's) passed through
    ``change`` (``None``: left as is); ``payload`` itself is not changed."""
    sections = payload.get("sections")
    if not isinstance(sections, dict):
        return payload
    changed: dict[str, Any] = {}
    for name, fields in registry.secret_fields().items():
        entry = sections.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
            continue
        data: dict[str, Any] = entry["data"]
        new = {
            k: out
            for k in fields
            if isinstance(data.get(k), str) and data[k] and (out := change(data[k])) is not None
        }
        if new:
            changed[name] = {**entry, "data": {**data, **new}}
    if not changed:
        return payload
    return {**payload, "sections": {**sections, **changed}}


def seal_secrets(payload: dict[str, Any], cipher: CredentialCipher) -> dict[str, Any]:
    """A copy of ``payload`` whose secrets (Wi-Fi and device passwords) are encrypted (what the
    cache may hold)."""
    return _each_secret(payload, lambda clear: SECRET_PREFIX + cipher.encrypt(clear).hex())


def open_secrets(payload: dict[str, Any], cipher: CredentialCipher) -> dict[str, Any]:
    """The payload with its secrets decrypted (blank when the key changed since)."""

    def opened(secret: str) -> str | None:
        if not secret.startswith(SECRET_PREFIX):
            return None
        try:
            return cipher.decrypt(bytes.fromhex(secret[len(SECRET_PREFIX) :]))
        except (CredentialError, ValueError):
            log.warning("a cached device secret cannot be decrypted (key changed); hidden")
            return ""

    return _each_secret(payload, opened)


@dataclass(slots=True)
class Kept:
    """One cached entry as this process decoded it: the cache's bytes, the payload they hold,
    the entry's version (a digest of those bytes: any change of the entry, by any replica,
    is a new version) and the answers rendered from it (``ponapi.stats.answers``), which go
    with it when the entry changes or leaves the cache."""

    raw: bytes
    value: dict[str, Any]
    version: str
    answers: dict[Hashable, Any] = field(default_factory=dict)


def _version(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=12).hexdigest()


def _keep(kept: dict[str, T], key: str, value: T) -> None:
    """``kept[key] = value``, the oldest going past ``DECODED_KEPT`` keys."""
    kept.pop(key, None)
    kept[key] = value
    if len(kept) > DECODED_KEPT:
        del kept[next(iter(kept))]


class PayloadStore:
    def __init__(self, cache: Cache, cipher: CredentialCipher, ttl: float) -> None:
        self.cache = cache
        self.cipher = cipher
        self.ttl = ttl
        self._decoded: dict[str, Kept] = {}
        # The entries this process wrote: the read (``readId``) and the version, per key.
        self._written: dict[str, tuple[str, str]] = {}

    async def get(self, key: str) -> dict[str, Any] | None:
        kept = await self.entry(key)
        return None if kept is None else kept.value

    async def entry(self, key: str) -> Kept | None:
        """The cached entry, decoded (callers must not mutate its payload)."""
        try:
            raw = await self.cache.get(key)
        except Exception:
            log.warning("cache read failed; continuing without cache", exc_info=True)
            return None
        if raw is None:
            return None
        # The same cached bytes decode to the same payload: the last few decoded payloads are
        # kept, so a hot ONU's cached read skips decompressing and parsing.
        memo = self._decoded.get(key)
        if memo is not None and (memo.raw is raw or memo.raw == raw):
            return memo
        try:
            value = orjson.loads(zlib.decompress(raw))
        except (orjson.JSONDecodeError, ValueError, zlib.error):
            log.warning("an unreadable stats cache entry was ignored")
            return None
        if not isinstance(value, dict):
            return None
        value = open_secrets(value, self.cipher)
        kept = Kept(raw, value, _version(raw))
        _keep(self._decoded, key, kept)
        return kept

    async def set(self, key: str, payload: dict[str, Any]) -> None:
        if self.ttl <= 0:
            return
        try:
            # Compressed: ~5x less memory per cached ONU (and less Redis traffic).
            sealed = seal_secrets(payload, self.cipher)
            raw = zlib.compress(orjson.dumps(sealed), 1)
            await self.cache.set(key, raw, self.ttl)
        except Exception:
            log.warning("cache write failed; continuing without cache", exc_info=True)
            return
        read_id = payload.get("readId")
        if isinstance(read_id, str):
            _keep(self._written, key, (read_id, _version(raw)))

    def written(self, key: str, read_id: str) -> str | None:
        """The version of the entry this process wrote for the read ``read_id``, while it is
        the last this process wrote under ``key`` (no cache call): what the answer of that
        read is named by (``ponapi.stats.answers``)."""
        written = self._written.get(key)
        return written[1] if written is not None and written[0] == read_id else None

    async def delete(self, key: str) -> None:
        try:
            await self.cache.delete(key)
        except Exception:
            log.warning("cache delete failed", exc_info=True)

    async def raw(self, key: str) -> bytes | None:
        try:
            return await self.cache.get(key)
        except Exception:
            log.warning("cache read failed", exc_info=True)
            return None

    async def cooldown_left(self, key: str) -> int:
        raw = await self.raw(f"cooldown:{key}")
        if raw is None:
            return 0
        try:
            until = float(raw)
        except ValueError:
            return 0
        return max(0, int(until - time.time()) + 1) if until > time.time() else 0

    async def start_cooldown(self, key: str, seconds: float) -> None:
        if seconds <= 0:
            return
        try:
            await self.cache.set(f"cooldown:{key}", str(time.time() + seconds).encode(), seconds)
        except Exception:
            log.warning("could not record the live-read cooldown", exc_info=True)
