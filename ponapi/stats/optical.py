"""The OLT's optical view of an ACS-read ONU (``auto`` mode): Rx/Tx levels, temperature,
voltage, bias and the fibre distance as the OLT's CLI reports them, laid over ``general``.

It has its own cache entry and TTL (``OPTICAL_TTL_SECONDS``) and is refreshed in the background:
an answer only reads the cache (bounded by the cache's own timeout) and, when the entry is old
or missing, starts one refresh per ONU in this process. So a slow or hung OLT never delays the
ACS answer; the read after the refresh shows the OLT's values. Each field's origin is in
``meta.sections.general.fieldSources`` (``olt-cli`` or ``genieacs``); ``distance`` only ever
comes from the OLT (no TR-069 object has it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from ponapi.cache import Cache
from ponapi.errors import ApiError
from ponapi.serials import Serial
from ponapi.stats.model import OltRef, StatsResult

log = logging.getLogger("ponapi.stats")

FIELDS = ("opticalPowerRx", "opticalPowerTx", "temperature", "voltage", "biasCurrent", "distance")
# What the OLT says beside the values (its own Rx of the ONU, attenuation, link history).
EXTRA = ("oltRxPower", "attenuationUp", "attenuationDown", "lastUpTime", "lastDownTime")

Reader = Callable[[OltRef, Serial, float], Awaitable[dict[str, Any]]]


class OpticalView:
    def __init__(
        self, cache: Cache, read: Reader, *, ttl: float, keep: float, budget: float
    ) -> None:
        self.cache = cache
        self.read = read  # an OLT CLI read of the ONU (a stats payload)
        self.ttl = ttl
        self.keep = keep  # how long an entry stays in the cache (shown while it refreshes)
        self.budget = budget  # one background refresh's time limit
        self._running: dict[str, asyncio.Task[None]] = {}

    @staticmethod
    def key(olt_id: int, serial: Serial) -> str:
        return f"optical:v1:{olt_id}:{serial.canonical}"

    async def overlay(self, result: StatsResult, olt: OltRef, serial: Serial) -> bytes | None:
        """In place: the OLT's optical fields over ``general`` (from the cache), and a
        background refresh started when the cached view is older than the TTL. The view's
        cached bytes (what the answer's name depends on)."""
        general = result.data.get("general")
        meta = result.meta["sections"].get("general")
        if not isinstance(general, dict) or not isinstance(meta, dict):
            return None
        raw, entry = await self.peek(olt, serial)
        self.apply(result, entry)
        return raw

    def apply(self, result: StatsResult, entry: dict[str, Any] | None) -> None:
        """In place: the view ``entry`` (``peek``'s) laid over the result's ``general``."""
        general = result.data.get("general")
        meta = result.meta["sections"].get("general")
        if isinstance(general, dict) and isinstance(meta, dict):
            merge(general, meta, entry, self.ttl)

    async def peek(self, olt: OltRef, serial: Serial) -> tuple[bytes | None, dict[str, Any] | None]:
        """The cached view (its bytes and its value), a background refresh started when it
        is older than the TTL or missing."""
        key = self.key(olt.id, serial)
        raw, entry = await self._cached_raw(key)
        if entry is None or time.time() - float(entry.get("epoch", 0)) >= self.ttl:
            self._refresh_later(key, olt, serial)
        return raw, entry

    def _refresh_later(self, key: str, olt: OltRef, serial: Serial) -> None:
        if key in self._running:
            return
        task = asyncio.get_running_loop().create_task(self._refresh(key, olt, serial))
        self._running[key] = task
        task.add_done_callback(lambda _t: self._running.pop(key, None))

    async def wait(self) -> None:
        """Until the background refreshes running now are done (tests, shutdown)."""
        await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._running.values()):
            task.cancel()
        await self.wait()

    async def _refresh(self, key: str, olt: OltRef, serial: Serial) -> None:
        previous = await self._cached(key) or {}
        try:
            async with asyncio.timeout(self.budget):
                stored = await self.read(olt, serial, time.monotonic() + self.budget)
        except (ApiError, TimeoutError) as exc:
            reason = exc.details if isinstance(exc, ApiError) else "the OLT did not answer in time"
            log.info("optical view of %s not refreshed: %s", serial.canonical, reason)
            # The last values stay; the next try waits a TTL (a down OLT is not hammered).
            entry = {**previous, "epoch": time.time(), "error": reason}
        else:
            entry = view_of(stored)
        try:
            await self.cache.set(key, orjson.dumps(entry), self.keep)
        except Exception:  # the cache is down: the next answer tries again
            log.warning("optical view of %s not cached", serial.canonical, exc_info=True)

    async def _cached(self, key: str) -> dict[str, Any] | None:
        return (await self._cached_raw(key))[1]

    async def _cached_raw(self, key: str) -> tuple[bytes | None, dict[str, Any] | None]:
        try:
            raw = await self.cache.get(key)
            value = orjson.loads(raw) if raw else None
        except Exception:  # a cache failure only loses the overlay, never the answer
            log.warning("optical view cache read failed", exc_info=True)
            return None, None
        return (raw, value) if isinstance(value, dict) else (None, None)


def view_of(stored: dict[str, Any]) -> dict[str, Any]:
    """The optical view kept from an OLT CLI payload."""
    general = stored.get("sections", {}).get("general") or {}
    data = general.get("data") or {}
    extra = general.get("extra") or {}
    return {
        "epoch": time.time(),
        "fetchedAt": stored.get("fetchedAt"),
        "fields": {k: data[k] for k in FIELDS if data.get(k)},
        "extra": {k: extra[k] for k in EXTRA if extra.get(k)},
    }


def merge(
    general: dict[str, Any], meta: dict[str, Any], entry: dict[str, Any] | None, ttl: float
) -> None:
    """The OLT's fields win where it has them (its own live measurement); the ACS's stay
    where it has not; each field's origin in ``meta.fieldSources``. ``meta.optical`` says
    when the OLT was read, and ``stale`` when that is older than the TTL (a refresh is under
    way) or the last refresh failed (``reason``)."""
    fields: dict[str, str] = (entry or {}).get("fields") or {}
    sources = {k: "genieacs" for k in FIELDS if general.get(k)}
    for name, value in fields.items():
        general[name] = value
        sources[name] = "olt-cli"
    meta["fieldSources"] = sources
    if entry is None:
        return
    meta["optical"] = {
        "fetchedAt": entry.get("fetchedAt"),
        "stale": bool(entry.get("error")) or time.time() - float(entry["epoch"]) >= ttl,
        **({"reason": entry["error"]} if entry.get("error") else {}),
        **(entry.get("extra") or {}),
    }
    missing = [m for m in meta.get("missing") or [] if m not in fields]
    meta["missing"] = missing
    if meta.get("status") == "partial" and not missing:
        meta["status"] = "ok"
