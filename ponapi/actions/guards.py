"""The guards every device action runs under, whoever does it (``ActionService``): before
anything is sent, the body was validated (``requests.parse``); an ``Idempotency-Key`` seen
before returns that first job (another body with it is refused); one action per device at a
time (a lock in the cache, shared by replicas through Redis: ``409 CONFLICT`` naming the
running job); reboot and factory reset are refused during their cooldown (``429`` with
``Retry-After``). The lock and the cooldown are the device's, not one registry row's
(:func:`device_keys`): the serial within the OLT's tenant (the ACS finds a device by serial,
whatever OLT it is registered on) and its place on the OLT when known; an action holds every
key of its device. The action runs as a job (``ponapi.jobs``); the caller gets it back after
at most ``wait`` seconds, done or still running. The audit gets the request (secrets masked)
when it starts and the outcome, with old and new values masked, when it ends.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from ponapi.actions.errors import (
    MASK,
    ActionValidationError,
    NotConfiguredError,
    NotSupportedError,
    ReadbackMismatch,
)
from ponapi.cache import Cache
from ponapi.config import Settings
from ponapi.errors import ApiError, ErrorCode, InvalidRequest, NotSupported, UpstreamError
from ponapi.jobs import GRACE, Jobs
from ponapi.olt.location import Location
from ponapi.serials import Serial

log = logging.getLogger("ponapi.actions")

COOLDOWN_KINDS = frozenset({"reboot", "factory-reset"})
# The ACS's answers that mean "it cannot be asked now", after which an action the OLT can do
# (reboot) falls back to the OLT.
ACS_DOWN = frozenset({ErrorCode.ACS_UNAVAILABLE, ErrorCode.UPSTREAM_TIMEOUT})
SECRET_KEYS = frozenset({"password", "passphrase", "keyPassphrase", "preSharedKey"})


class Auditor(Protocol):
    def record(self, action: str, *, user: Any = None, target: str = "", **kw: Any) -> None: ...


class Actor(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


@dataclass(frozen=True)
class Submitted:
    """What the POST answers: ``done`` (200 with ``result``) or not yet (202 with ``job``)."""

    job: dict[str, Any]
    done: bool

    @property
    def result(self) -> dict[str, Any]:
        return dict(self.job.get("result") or {})


class JobFailed(ApiError):
    """An action's job ran and failed: its outcome (audited when the job ended), not a refusal."""


def fingerprint(request: dict[str, Any]) -> str:
    """A digest of the validated body (keys sorted): what a replayed ``Idempotency-Key`` must
    match. A digest, so the remembered key holds no passphrase."""
    return hashlib.sha256(orjson.dumps(request, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _key_reused(what: str) -> ApiError:
    return ApiError(
        ErrorCode.INVALID_REQUEST,
        f"Idempotency-Key: already used with {what}; send a new key for a different request.",
        message="Idempotency-Key reused",
        status=422,
    )


def masked(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (MASK if k in SECRET_KEYS and v not in (None, "") else v) for k, v in values.items()}


def as_api_error(exc: Exception) -> ApiError:
    """The domain's action errors as the product's typed errors."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ActionValidationError):
        return InvalidRequest(f"{exc.field}: {exc.reason}")
    if isinstance(exc, NotConfiguredError):
        return ApiError(
            ErrorCode.TR069_NOT_SUPPORTED,
            f"{exc.setting}: {exc.reason}; operators: set it in the settings.",
            message="Not configured",
        )
    if isinstance(exc, NotSupportedError):
        return NotSupported(f"{exc.feature}: {exc.reason}")
    if isinstance(exc, ReadbackMismatch):
        shown = "; ".join(
            f"{m.field} ({m.path}): sent {m.expected!r}, the device reports {m.actual!r}"
            for m in exc.mismatches
        )
        return UpstreamError(
            f"The device accepted the change but reports other values: {shown}",
            message="Read-back mismatch",
        )
    raise exc


def device_keys(
    tenant: str | None, olt_id: int, serial: Serial, location: Location | None = None
) -> tuple[str, ...]:
    """The keys of one device for the lock, the running job and the cooldown: ``sn:<tenant>:
    <serial>`` (one device per serial in a tenant: the ACS finds it by serial on whatever OLT
    it is registered) and, when the registry knows it, ``at:<olt>:<f>/<s>/<p>/<ont>`` (the
    ONU the OLT addresses there, whatever serial an alias names). An OLT belongs to one
    tenant, so both keys name devices of that tenant only (a conflict never shows another
    tenant's job)."""
    keys = [f"sn:{tenant if tenant is not None else '-'}:{serial.canonical}"]
    if location is not None:
        where = f"{location.frame}/{location.slot}/{location.port}/{location.ont_id}"
        keys.append(f"at:{olt_id}:{where}")
    return tuple(keys)


class ActionService:
    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        jobs: Jobs,
        audit: Auditor,
        invalidate: Callable[[int, Serial], Awaitable[None]],
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.jobs = jobs
        self.audit = audit
        self.invalidate = invalidate  # drops the ONU's cached stats after a change

    @property
    def budget(self) -> float:
        return self.settings.action_budget_seconds

    def wait_for(self, wait: float | None) -> float:
        wanted = self.settings.action_wait_seconds if wait is None else wait
        return max(0.0, min(wanted, self.budget))

    @staticmethod
    def _onu(olt_id: int, serial: Serial) -> str:
        return f"{olt_id}:{serial.canonical}"

    async def _lock(self, keys: tuple[str, ...], serial: Serial) -> list[tuple[str, str]]:
        """Every key of the device locked (in a fixed order, so two actions never each hold
        one), or ``409`` naming the running job and nothing held."""
        held: list[tuple[str, str]] = []
        for key in sorted(keys):
            try:
                token = await self.cache.acquire(f"action-lock:{key}", self.budget + GRACE)
            except BaseException:  # the cache failed half-way: give back what was taken
                await self._unlock(held)
                raise
            if token is None:
                await self._unlock(held)
                running = await self.cache.get(f"action-job:{key}")
                name = f" (job {running.decode()})" if running else ""
                raise ApiError(
                    ErrorCode.CONFLICT,
                    f"Another action is running on ONU {serial.canonical}{name}; wait for it to "
                    "end (GET /api/jobs/{id}).",
                    message="An action is already running on this ONU",
                )
            held.append((key, token))
        return held

    async def _unlock(self, held: list[tuple[str, str]]) -> None:
        """Release every key taken; one failing does not keep the others (they would stay
        locked until the budget plus the grace ran out)."""
        for key, token in held:
            try:
                await self.cache.release(f"action-lock:{key}", token)
            except Exception:
                log.warning("releasing an action lock failed", exc_info=True)

    async def submit(
        self,
        kind: str,
        user: Actor,
        olt_id: int,
        serial: Serial,
        request: dict[str, Any],
        work: Callable[[float], Awaitable[dict[str, Any]]],
        *,
        wait: float | None,
        idempotency_key: str | None = None,
        keys: tuple[str, ...] | None = None,
    ) -> Submitted:
        """Run ``work(deadline)`` as a job under the guards of the device ``keys`` (default:
        the serial's, untenanted); answer within ``wait`` s."""
        seconds = self.wait_for(wait)
        onu = self._onu(olt_id, serial)
        keys = keys or device_keys(None, olt_id, serial)
        idem = f"action-idem:{user.id}:{idempotency_key}" if idempotency_key else None
        body = fingerprint(request)
        if idem is not None:
            first = await self._replay(idem, kind, onu, body, seconds)
            if first is not None:
                return first
        if kind in COOLDOWN_KINDS:
            await self._cooldown_check(keys, kind)
        held = await self._lock(keys, serial)
        target = f"olt {olt_id} onu {serial.canonical}"
        self.audit.record(
            f"action.{kind}", user=user, target=target, result="started", request=masked(request)
        )
        try:
            job = await self.jobs.start(
                f"action.{kind}",
                user.id,
                {"oltId": olt_id, "serial": serial.canonical, "action": kind},
                self._guarded(kind, user, olt_id, serial, held, work),
                budget=self.budget,
            )
        except BaseException:
            await self._unlock(held)
            raise
        try:  # the running job's id, named by a 409; the job already runs either way
            for key in keys:
                await self.cache.set(f"action-job:{key}", job["id"].encode(), self.budget + GRACE)
        except Exception:
            log.warning("naming the running action job failed", exc_info=True)
        if idem is not None:
            remembered = orjson.dumps({"job": job["id"], "kind": kind, "onu": onu, "body": body})
            await self.cache.set(idem, remembered, self.settings.action_idempotency_seconds)
        return await self._settle(job, seconds)

    async def _replay(
        self, idem: str, kind: str, onu: str, body: str, seconds: float
    ) -> Submitted | None:
        raw = await self.cache.get(idem)
        if raw is None:
            return None
        first = orjson.loads(raw)
        if first.get("kind") != kind or first.get("onu") != onu:
            raise _key_reused("another action or ONU")
        if first.get("body", body) != body:
            raise _key_reused("another body")
        job = await self.jobs.get(str(first.get("job")))
        return None if job is None else await self._settle(job, seconds)

    async def _settle(self, job: dict[str, Any], seconds: float) -> Submitted:
        current = await self.jobs.wait(job["id"], seconds) or job
        if current.get("status") == "failed":
            error = current.get("error") or {}
            try:
                code = ErrorCode(str(error.get("code")))
            except ValueError:
                code = ErrorCode.INTERNAL_ERROR
            raise JobFailed(code, str(error.get("details", "")), message=error.get("error"))
        return Submitted(current, current.get("status") == "done")

    async def _cooldown_check(self, keys: tuple[str, ...], kind: str) -> None:
        lefts = [await self.cache.ttl(f"action-cooldown:{key}") for key in keys]
        left = max((x for x in lefts if x is not None), default=None)
        if left is not None and left > 0:
            wait = int(left) + 1
            raise ApiError(
                ErrorCode.RATE_LIMITED,
                f"This ONU was rebooted or reset less than "
                f"{self.settings.action_reboot_cooldown_seconds:g} s ago; a {kind} is possible "
                f"again in {wait} s.",
                headers={"Retry-After": str(wait)},
            )

    async def start_cooldown(self, keys: tuple[str, ...]) -> None:
        """The device's reboot/reset cooldown starts, on every key of it."""
        seconds = self.settings.action_reboot_cooldown_seconds
        if seconds > 0:
            for key in keys:
                await self.cache.set(f"action-cooldown:{key}", b"1", seconds)

    def _guarded(
        self,
        kind: str,
        user: Actor,
        olt_id: int,
        serial: Serial,
        held: list[tuple[str, str]],
        work: Callable[[float], Awaitable[dict[str, Any]]],
    ) -> Callable[[], Awaitable[dict[str, Any]]]:
        target = f"olt {olt_id} onu {serial.canonical}"

        async def run() -> dict[str, Any]:
            outcome = "failed"
            result: dict[str, Any] = {}
            try:
                try:
                    result = await work(time.monotonic() + self.budget - 1.0)
                except Exception as exc:
                    mapped = as_api_error(exc)
                    outcome = mapped.code.value
                    raise mapped from exc
                outcome = str(result.get("status", "done"))
                return result
            finally:
                await self._finish(kind, user, target, olt_id, serial, held, outcome, result)

        return run

    async def _finish(
        self,
        kind: str,
        user: Actor,
        target: str,
        olt_id: int,
        serial: Serial,
        held: list[tuple[str, str]],
        outcome: str,
        result: dict[str, Any],
    ) -> None:
        changes = result.pop("_audit", None)
        self.audit.record(
            f"action.{kind}",
            user=user,
            target=target,
            result=outcome[:32],
            **({"changes": changes} if changes else {}),
        )
        try:
            async with asyncio.timeout(5.0):
                await self.invalidate(olt_id, serial)
                for key, _token in held:
                    await self.cache.delete(f"action-job:{key}")
        except Exception:
            log.warning("dropping the stats of %s failed", serial.canonical, exc_info=True)
        finally:
            try:  # released whatever happened above: a lock is never kept past its action
                async with asyncio.timeout(5.0):
                    await self._unlock(held)
            except Exception:
                log.warning(
                    "releasing the action lock of %s failed", serial.canonical, exc_info=True
                )
