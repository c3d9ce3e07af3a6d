"""A cached read's answer, rendered once per stored entry and kept beside it, ready to send.

The rendered bytes live with the entry this process decoded (``PayloadStore.entry``): keyed by
what changes the bytes (the sections, whether the reader may see secrets, the wire format and
its own parameters, the OLT's optical view laid over ``general``), and gone with the entry
when it changes (a refresh, an action's invalidation, by any replica: a new version) or leaves
the cache (its TTL). A stale rendering cannot be served: each hit first reads the entry from
the cache, and a different entry is a different version.

The answer's ages (``lastInformAgeSeconds``, ``uptimeAgo``, the ``stale`` warnings) follow the
clock: a rendering serves the clock second it was made in, then the next hit renders again
(at most once a second per ONU and kind of answer, whatever the traffic).

An answer that shows a device secret (a role that may see Wi-Fi or device passwords) is kept
sealed (AES-256-GCM, ``ponapi.crypto``) and opened per hit; the others are kept as sent.

The ``ETag`` names the entry's version and the rendering (not the clock second), so it is the
same for every hit of one stored read, on every replica: ``If-None-Match`` with it answers
``304`` with headers only, without rendering anything. The answer of the read that stored the
entry (a cold or live read) goes out under the same tag (``read_etag``), so the first
revalidation after it is a 304 too. The tags are weak (``W/``): one tag covers answers with
the same data whose ages, ``cached`` flag or ``meta.refresh`` differ.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ponapi.crypto import CredentialError
from ponapi.metrics import STATS_CACHE
from ponapi.serials import Serial
from ponapi.stats.annotate import annotate, now
from ponapi.stats.model import OltRef, StatsResult, StatsSource
from ponapi.stats.render import render, revealed_secrets

if TYPE_CHECKING:
    from ponapi.stats.service import StatsService

SEALED = b"ponapi-stats-answer v1"  # the seal's label: a sealed answer opens as nothing else
ANSWERS_KEPT = 8  # renderings kept per entry (the oldest goes first)

Encode = Callable[[StatsResult], bytes]


@dataclass(frozen=True, slots=True)
class Answer:
    """A stats answer ready to send: its bytes (``None``: the client's copy, named by
    ``If-None-Match``, is current) and what the audit needs of it."""

    etag: str
    body: bytes | None
    source: str
    stale: bool
    revealed: tuple[str, ...] = ()
    location: dict[str, int] | None = None


@dataclass(frozen=True, slots=True)
class _Rendered:
    etag: str
    second: int  # the clock second its ages were computed for
    body: bytes  # sealed when ``sealed``
    sealed: bool
    revealed: tuple[str, ...]


def etag_of(*parts: str) -> str:
    """A weak entity tag from ``parts``."""
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def body_etag(body: bytes) -> str:
    """The entity tag of an answer rendered for one request (a live or cold read)."""
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 says for it)."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == opaque:
            return True
    return False


async def cached_answer(
    service: StatsService,
    olt: OltRef,
    serial: Serial,
    *,
    sections: frozenset[str],
    reveal: bool,
    variant: tuple[str | int, ...],
    encode: Encode,
    if_none_match: str | None = None,
) -> Answer | None:
    """The answer from the cached entry when it is fresh and covers ``sections``, else
    ``None`` (the caller reads as usual). ``variant`` names the wire format and any parameter
    of its own that changes the bytes ``encode`` makes."""
    kept = await service.store.entry(service.cache_key(olt.id, serial))
    if kept is None:
        return None
    stored = kept.value
    if not sections <= set(stored["fetchedSections"]) or not service._fresh(stored, sections):
        return None
    STATS_CACHE.labels(result="hit").inc()
    source = str(stored["source"])
    optical_raw: bytes | None = None
    optical = None
    overlaid = (
        "general" in sections
        and olt.stats_source == StatsSource.auto.value
        and olt.target is not None
        and source == "genieacs"
    )
    if overlaid:
        optical_raw, optical = await service.optical.peek(olt, serial)
    location = (stored.get("device") or {}).get("location")
    location = location if isinstance(location, dict) else None
    key = (sections, reveal, variant, optical_raw)
    kept_answer: _Rendered | None = kept.answers.get(key)
    etag = kept_answer.etag if kept_answer else _etag(kept.version, key)
    if matches(if_none_match, etag):
        return Answer(etag, None, source, False, location=location)
    second = int(time.time())
    if kept_answer is not None and kept_answer.second == second:
        body = _open(service, kept_answer)
        if body is not None:
            return Answer(etag, body, source, False, kept_answer.revealed, location)
    result = render(stored, sections, reveal, cached=True)
    if overlaid:
        service.optical.apply(result, optical)
    annotate(result.meta, sections, service.settings.data_stale_after_seconds, now())
    revealed = tuple(revealed_secrets(result))
    body = encode(result)
    sealed = bool(revealed)
    kept.answers.pop(key, None)
    kept.answers[key] = _Rendered(
        etag, second, service.store.cipher.seal(body, SEALED) if sealed else body, sealed, revealed
    )
    while len(kept.answers) > ANSWERS_KEPT:
        del kept.answers[next(iter(kept.answers))]
    return Answer(etag, body, source, False, revealed, location)


def read_etag(
    service: StatsService,
    olt: OltRef,
    serial: Serial,
    result: StatsResult,
    *,
    sections: frozenset[str],
    reveal: bool,
    variant: tuple[str | int, ...],
) -> str | None:
    """The ETag of an answer that read the ONU (not served from the cache): the one the
    entry it stored has for the same rendering (sections, secrets, wire format, optical
    view), on every replica; so revalidating it is a 304 while that entry holds. None when
    this process did not store what the answer shows (a stale answer: an upstream failed
    and the last values were served; a read another replica stored)."""
    if result.read_id is None or result.meta.get("cached") or result.meta.get("stale"):
        return None
    version = service.store.written(service.cache_key(olt.id, serial), result.read_id)
    if version is None:
        return None
    return _etag(version, (sections, reveal, variant, result.optical))


def _etag(
    version: str, key: tuple[frozenset[str], bool, tuple[str | int, ...], bytes | None]
) -> str:
    sections, reveal, variant, optical = key
    return etag_of(
        version,
        ",".join(sorted(sections)),
        "secrets" if reveal else "-",
        *(str(v) for v in variant),
        hashlib.blake2b(optical, digest_size=8).hexdigest() if optical else "-",
    )


def _open(service: StatsService, kept: _Rendered) -> bytes | None:
    if not kept.sealed:
        return kept.body
    try:
        return service.store.cipher.unseal(kept.body, SEALED)
    except CredentialError:  # not this process's key: render again
        return None
