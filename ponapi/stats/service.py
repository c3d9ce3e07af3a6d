"""StatsService: one ONU's TR-069 statistics, from the cache or from the OLT's chosen source.

cache (fresh) -> single-flight per ONU -> replica lock -> source (ACS or OLT CLI) -> payload
An upstream failure with a cached payload still in its stale window answers with
``meta.stale = true`` and the reason; without one it is the error. The caller (a route, the
integration router, a job) wraps the ``StatsResult`` in the contract's envelope.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.cache import Cache
from ponapi.config import Settings
from ponapi.crypto import CredentialCipher
from ponapi.errors import (
    ApiError,
    CredentialsUnreadable,
    NotConfigured,
    NotSupported,
    UpstreamError,
    UpstreamTimeout,
    is_upstream,
)
from ponapi.metrics import STATS_CACHE
from ponapi.olt.platforms import Found, platform_for
from ponapi.olt.pool import OltPool, OltPools
from ponapi.olt.session import Target
from ponapi.serials import Serial
from ponapi.stats.annotate import annotate, mark_offline, now, refresh_meta
from ponapi.stats.flight import ReplicaLock, SingleFlight
from ponapi.stats.model import OltRef, StatsResult, StatsSource
from ponapi.stats.optical import OpticalView
from ponapi.stats.render import render
from ponapi.stats.sources import read_acs, read_cli
from ponapi.stats.store import PayloadStore
from ponapi.stats.survey import check_scan, claim_scan, run_scan, scan_document
from ponapi.tr069 import sections as registry

log = logging.getLogger("ponapi.stats")
T = TypeVar("T")


class StatsService:
    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        acs: GenieAcsClient | None,
        pools: OltPools | None = None,
        cipher: CredentialCipher | None = None,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.acs = acs
        self.pools = pools or OltPools(
            size=settings.olt_sessions_per_olt,
            login_timeout=settings.olt_login_timeout_seconds,
            command_timeout=settings.olt_command_timeout_seconds,
            idle_timeout=settings.olt_idle_timeout_seconds,
            login_backoff=settings.olt_login_backoff_seconds,
        )
        cipher = cipher or CredentialCipher(settings.credentials_key or settings.secret_key)
        longest = max(
            [settings.stats_cache_ttl_seconds, *settings.stats_section_ttl_seconds.values()]
        )
        self.store = PayloadStore(cache, cipher, longest + settings.stats_stale_ttl_seconds)
        self._flights: SingleFlight[dict[str, Any]] = SingleFlight()
        self._discoveries: SingleFlight[Any] = SingleFlight()
        self._scans: SingleFlight[None] = SingleFlight()
        self._lock = ReplicaLock(cache, self.store)
        self._olt_slots: dict[int, asyncio.Semaphore] = {}
        self._ttls: dict[frozenset[str], float] = {}
        # Where an OLT's SSH host key, seen at its first login, is pinned for good (the
        # registry, set by the app); None keeps it in this process only.
        self.on_host_key: Callable[[int, str], Coroutine[Any, Any, None]] | None = None
        self._background: set[asyncio.Task[None]] = set()
        # auto OLTs: the OLT's optical view of an ACS-read ONU, refreshed in the background.
        self.optical = OpticalView(
            cache,
            self._optical_read,
            ttl=settings.optical_ttl_seconds,
            keep=settings.optical_ttl_seconds + settings.stats_stale_ttl_seconds,
            budget=settings.request_budget_seconds,
        )

    def pool(self, olt_id: int, target: Target) -> OltPool:
        """The OLT's session pool; a host key it learns at a first login gets pinned."""
        return self.pools.get(olt_id, target, on_host_key=lambda key: self._pin(olt_id, key))

    def _pin(self, olt_id: int, key: str) -> None:
        if self.on_host_key is None:
            return
        task = asyncio.get_running_loop().create_task(self.on_host_key(olt_id, key))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    def cache_key(olt_id: int, serial: Serial) -> str:
        return f"stats:v1:{olt_id}:{serial.canonical}"

    async def get(
        self,
        olt: OltRef,
        serial: Serial,
        *,
        sections: frozenset[str] | None = None,
        refresh: bool = False,
        reveal_secrets: bool = False,
        deadline: float | None = None,
    ) -> StatsResult:
        """One ONU's statistics (data + meta): the named sections, or all."""
        sections = frozenset(registry.names()) if sections is None else sections
        result = await self._get(olt, serial, sections, refresh, reveal_secrets, deadline)
        if (
            "general" in sections
            and olt.stats_source == StatsSource.auto.value
            and olt.target is not None
            and result.meta.get("source") == "genieacs"
        ):
            result = replace(result, optical=await self.optical.overlay(result, olt, serial))
        annotate(result.meta, sections, self.settings.data_stale_after_seconds, now())
        if refresh and "refresh" not in result.meta:
            result.meta["refresh"] = refresh_meta(result.meta)
        return result

    async def serves_cooldown(self, olt_id: int, serial: Serial, sections: frozenset[str]) -> bool:
        """Whether a live read of these sections now would be answered from the ONU's
        cooldown (the last values, no device traffic): such answers spend no refresh limit."""
        key = self.cache_key(olt_id, serial)
        if await self.store.cooldown_left(key) <= 0:
            return False
        cached = await self.store.get(key)
        return cached is not None and set(sections) <= set(cached["fetchedSections"])

    async def _get(
        self,
        olt: OltRef,
        serial: Serial,
        sections: frozenset[str],
        refresh: bool,
        reveal_secrets: bool,
        deadline: float | None,
    ) -> StatsResult:
        deadline = deadline or time.monotonic() + self.settings.request_budget_seconds
        key = self.cache_key(olt.id, serial)
        cached = await self.store.get(key)
        covered = cached is not None and set(sections) <= set(cached["fetchedSections"])
        if refresh and cached and covered:
            left = await self.store.cooldown_left(key)
            if left > 0:  # protect the device: serve the last read, say when to retry
                STATS_CACHE.labels(result="hit").inc()
                result = render(cached, sections, reveal_secrets, cached=True)
                result.meta["refresh"] = {
                    "requested": True,
                    "status": "cooldown",
                    "retryAfter": left,
                    "reason": self._cooldown_reason(cached),
                }
                return result
        if cached and covered and not refresh and self._fresh(cached, sections):
            STATS_CACHE.labels(result="hit").inc()
            return render(cached, sections, reveal_secrets, cached=True)
        STATS_CACHE.labels(result="miss").inc()
        # The flight key names the sections: a refresh of some sections is never reported
        # done to a caller that asked for others.
        flight = f"{key}:{'refresh' if refresh else 'read'}:{','.join(sorted(sections))}"
        try:
            stored = await self._flights.run(
                flight, lambda: self._read(key, olt, serial, sections, refresh, deadline), deadline
            )
        except ApiError as exc:
            if is_upstream(exc) and cached and covered:
                log.warning("serving cached stats for %s after upstream error %s", key, exc.code)
                STATS_CACHE.labels(result="stale").inc()
                stale = {**cached, "stale": True, "staleReason": f"{exc.code.value}: {exc.details}"}
                return render(stale, sections, reveal_secrets, cached=True)
            raise
        return render(stored, sections, reveal_secrets, cached=False)

    def _cooldown_reason(self, cached: dict[str, Any]) -> str:
        """Why the last values are served: a live read made, or only asked for (the device
        did not answer and the ACS queued the request)."""
        cooldown = f"{self.settings.live_read_cooldown_seconds:g} s"
        last = cached.get("refresh") or {}
        if cached.get("source") == "genieacs" and last.get("status") not in (None, "done"):
            return (
                f"A live read of this ONU was asked less than {cooldown} ago and the device did "
                f"not answer it ({last.get('reason') or last.get('status')}); these are the "
                "last values the ACS has."
            )
        return f"This ONU was read live less than {cooldown} ago."

    def _fresh(self, cached: dict[str, Any], sections: frozenset[str]) -> bool:
        """Every requested section is within its own TTL (STATS_SECTION_TTL_SECONDS)."""
        fetched = float(cached.get("fetchedEpoch", 0))
        return datetime.now(UTC).timestamp() < fetched + self._shortest_ttl(sections)

    def _shortest_ttl(self, sections: frozenset[str]) -> float:
        """The shortest TTL of these sections, worked out once per set (every cached hit
        asks; a set of sections is one of a handful a client uses)."""
        ttl = self._ttls.get(sections)
        if ttl is None:
            if len(self._ttls) >= 256:
                self._ttls.clear()
            section_ttl = self.settings.section_ttl
            ttl = self._ttls[sections] = min(
                (section_ttl(registry.ttl_key(s)) for s in sections), default=float("inf")
            )
        return ttl

    async def _read(
        self,
        key: str,
        olt: OltRef,
        serial: Serial,
        sections: frozenset[str],
        refresh: bool,
        deadline: float,
    ) -> dict[str, Any]:
        async def locked() -> dict[str, Any]:
            async with self._olt_slot(olt.id):
                stored = await self._fetch(olt, serial, sections, refresh, deadline)
            await self.store.set(key, stored)
            if refresh:
                await self.store.start_cooldown(key, self.settings.live_read_cooldown_seconds)
            return stored

        live = sections if refresh else frozenset()
        return await self._lock.run(key, locked, live=live, deadline=deadline)

    def _olt_slot(self, olt_id: int) -> asyncio.Semaphore:
        slot = self._olt_slots.get(olt_id)
        if slot is None:
            slot = self._olt_slots[olt_id] = asyncio.Semaphore(
                self.settings.olt_max_concurrent_reads
            )
        return slot

    async def _fetch(
        self,
        olt: OltRef,
        serial: Serial,
        sections: frozenset[str],
        refresh: bool,
        deadline: float,
    ) -> dict[str, Any]:
        """Choose the source: the OLT's setting, what is configured, what answers."""
        source = StatsSource(olt.stats_source)
        use_cli = source in (StatsSource.cli, StatsSource.auto) and olt.target is not None
        if source is StatsSource.cli and olt.target is None:
            if olt.credentials_unreadable:
                raise CredentialsUnreadable(
                    f"The stored credentials of OLT {olt.id} cannot be decrypted (the "
                    "credential key changed?); an admin sets the OLT's password again."
                )
            raise NotConfigured(f"OLT {olt.id} has no CLI access configured.")
        if self.acs is None and not use_cli:
            raise NotConfigured(
                f"No ACS is configured (GENIEACS_URL), so there is no TR-069 data for "
                f"{serial.canonical} on OLT {olt.id}."
            )
        if source is StatsSource.cli or self.acs is None:
            return await self._cli(olt, serial, deadline)
        try:
            # One NBI call, projected on the asked sections' subtrees; the cache serves them.
            doc = await self.acs.read_document(serial, registry.projection(sections))
        except ApiError as exc:
            if not use_cli or not is_upstream(exc):
                raise
            log.warning("ACS failed (%s); reading %s over the OLT CLI", exc.code, serial)
            return await self._fallback(olt, serial, deadline, exc)
        if doc is None:
            if use_cli:
                return await self._cli(olt, serial, deadline)
            raise NotSupported(
                f"No ACS has a device with serial {serial.canonical} ({serial.hex}); the ONU "
                "may not have TR-069 enabled or may not have informed the ACS yet."
            )
        return await read_acs(
            self.acs, doc, serial, sections, refresh=refresh, deadline=deadline, tz=self.settings.tz
        )

    async def _fallback(
        self, olt: OltRef, serial: Serial, deadline: float, acs_error: ApiError
    ) -> dict[str, Any]:
        """The OLT CLI after an ACS failure. If it fails too, whatever it says (even that it
        has no such ONU), the ACS's error stands: it is the upstream failure the caller sees,
        and the one the stale-on-error path serves cached data for."""
        try:
            return await self._cli(olt, serial, deadline)
        except ApiError as cli_error:
            acs_error.details = (
                f"{acs_error.details} (the OLT CLI fallback: {cli_error.code.value}: "
                f"{cli_error.details})"
            )
            raise acs_error from cli_error

    async def _optical_read(self, olt: OltRef, serial: Serial, deadline: float) -> dict[str, Any]:
        """A background OLT read for the optical view: within the OLT's read slots."""
        async with self._olt_slot(olt.id):
            return await self._cli(olt, serial, deadline)

    async def _cli(self, olt: OltRef, serial: Serial, deadline: float) -> dict[str, Any]:
        assert olt.target is not None
        pool = self.pool(olt.id, olt.target)
        return mark_offline(await read_cli(pool, olt, serial, deadline, self.settings.tz))

    async def survey(
        self, olt: OltRef, serial: Serial, *, reveal_secrets: bool, deadline: float
    ) -> StatsResult:
        """Run a Wi-Fi neighbour scan on the device now; return the stats with it. Callers
        for one ONU share one running scan."""
        key = self.cache_key(olt.id, serial)
        await self._scans.run(f"scan:{key}", lambda: self._scan(olt, serial, deadline), deadline)
        return await self.get(olt, serial, reveal_secrets=reveal_secrets, deadline=deadline)

    async def _scan(self, olt: OltRef, serial: Serial, deadline: float) -> None:
        doc = await scan_document(self.acs, olt.stats_source == StatsSource.cli.value, serial)
        assert self.acs is not None
        outcome = await run_scan(
            self.acs,
            doc,
            limit=self.settings.survey_timeout_seconds,
            poll=self.settings.survey_poll_seconds,
            deadline=deadline,
        )
        if outcome.state == "queued":
            raise UpstreamError(
                f"The device did not take the scan now ({outcome.detail}); GenieACS keeps the "
                "request for its next inform and the results will show then."
            )
        if outcome.state == "faulted":
            raise UpstreamError(
                f"The device refused the scan ({outcome.detail}); the request was withdrawn."
            )
        if outcome.state == "timeout":
            raise UpstreamTimeout(outcome.detail)
        if outcome.state == "error":
            raise UpstreamError(f"The device reported {outcome.detail} for the scan.")
        await self.store.delete(self.cache_key(olt.id, serial))

    async def accept_scan(self, olt: OltRef, serial: Serial) -> None:
        """Before a scan job starts: refuse a scan that cannot succeed (TR069_NOT_SUPPORTED)
        and one within the ONU's scan cooldown (RATE_LIMITED with Retry-After)."""
        await check_scan(self.acs, olt.stats_source == StatsSource.cli.value, serial)
        await claim_scan(
            self.cache, self.cache_key(olt.id, serial), self.settings.survey_cooldown_seconds
        )

    async def accept_refresh(self, olt: OltRef, serial: Serial) -> None:
        """Before a refresh job starts: refuse one that cannot succeed, an ONU with no TR-069
        data and no OLT CLI to read it (TR069_NOT_SUPPORTED). An ACS failing now is left to
        the job (it may serve the cached values, marked stale)."""
        source = StatsSource(olt.stats_source)
        if olt.target is not None and source is not StatsSource.acs:
            return  # the OLT CLI reads it live
        if source is StatsSource.cli or self.acs is None:
            await self._fetch_check(olt, serial)
            return
        cached = await self.store.get(self.cache_key(olt.id, serial))
        if cached is not None and cached.get("source") == "genieacs":
            return  # the ACS knew it a moment ago
        try:
            doc = await self.acs.read_document(serial, registry.projection(("general",)))
        except ApiError as exc:
            if is_upstream(exc):
                return
            raise
        if doc is None:
            raise NotSupported(
                f"No ACS has a device with serial {serial.canonical} ({serial.hex}); the ONU "
                "may not have TR-069 enabled or may not have informed the ACS yet."
            )

    async def _fetch_check(self, olt: OltRef, serial: Serial) -> None:
        """The configuration errors _fetch would raise, raised now."""
        if olt.credentials_unreadable:
            raise CredentialsUnreadable(
                f"The stored credentials of OLT {olt.id} cannot be decrypted (the credential "
                "key changed?); an admin sets the OLT's password again."
            )
        raise NotConfigured(
            f"OLT {olt.id} has no CLI access configured and no ACS is configured "
            f"(GENIEACS_URL), so there is no TR-069 data for {serial.canonical}."
        )

    async def discovery(
        self, olt_id: int, work: Callable[[], Coroutine[Any, Any, T]], deadline: float
    ) -> T:
        """One discovery per OLT at a time in this process: a call while one runs joins it
        and gets its result (a discovery lists every ONU: dozens of commands to the OLT)."""
        result: T = await self._discoveries.run(f"discover:{olt_id}", work, deadline)
        return result

    async def discover(
        self, olt_id: int, brand: str, model: str, target: Target, deadline: float
    ) -> list[Found]:
        """Every ONU the OLT has (location, serial, state), over its CLI."""
        return await platform_for(brand, model).discover(self.pool(olt_id, target), deadline)
