"""Background jobs (a live refresh a mobile client should not wait 10-30 s for).

A job's state lives in the cache backend (Redis when configured), so any replica can answer
``GET /api/jobs/{id}``; the work runs as a task in the replica that accepted it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from ponapi.auth.principal import current
from ponapi.cache import Cache
from ponapi.crypto import CredentialCipher, CredentialError
from ponapi.errors import ApiError, ErrorCode, error_body
from ponapi.tr069 import sections

log = logging.getLogger("ponapi.jobs")
JOB_TTL = 3600.0
GRACE = 30.0  # past its budget plus this, a job still queued or running has no runner left


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Jobs:
    def __init__(self, cache: Cache, budget: float, cipher: CredentialCipher | None = None) -> None:
        self.cache = cache
        self.budget = budget
        # A job's result can hold a device secret (the Wi-Fi password a technician may see):
        # it is kept encrypted in the cache, never in clear.
        self.cipher = cipher
        self._tasks: set[asyncio.Task[None]] = set()

    async def _save(self, job: dict[str, Any]) -> None:
        job["updatedAt"] = _now()
        stored = dict(job)
        if self.cipher is not None and stored.get("result") is not None:
            sealed = self.cipher.encrypt(orjson.dumps(stored.pop("result")).decode())
            stored["result"], stored["sealedResult"] = None, sealed.hex()
        await self.cache.set(f"job:{job['id']}", orjson.dumps(stored), JOB_TTL)

    def _unseal(self, job: dict[str, Any]) -> None:
        sealed = job.pop("sealedResult", None)
        if not isinstance(sealed, str) or self.cipher is None:
            return
        try:
            job["result"] = orjson.loads(self.cipher.decrypt(bytes.fromhex(sealed)))
        except (CredentialError, ValueError, orjson.JSONDecodeError):
            log.warning(
                "job %s: its stored result cannot be decrypted (key changed)", job.get("id")
            )
            job["result"] = None

    async def get(self, job_id: str) -> dict[str, Any] | None:
        raw = await self.cache.get(f"job:{job_id}")
        if raw is None:
            return None
        try:
            job = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(job, dict):
            return None
        self._unseal(job)
        if job.get("status") in ("queued", "running") and time.time() > job.get(
            "deadline", float("inf")
        ):
            # Every job ends (done or failed) within its budget wherever it runs; one still
            # open past that lost its replica (killed, crashed) and would otherwise stay
            # "running" until it expired an hour later.
            job.update(
                result=None,
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.INTERNAL_ERROR,
                    "The server running this job stopped before it finished; start it again.",
                ),
            )
            await self._save(job)
        return job

    async def start(
        self,
        kind: str,
        owner: int,
        target: dict[str, Any],
        work: Callable[[], Awaitable[dict[str, Any]]],
        on_end: Callable[[dict[str, Any]], None] | None = None,
        budget: float | None = None,
    ) -> dict[str, Any]:
        """Start ``work`` as a job; ``on_end`` is told its final state (done or failed, with
        the error) when it ends, e.g. to audit the outcome rather than the start; ``budget``
        overrides the default job budget (device actions wait longer than reads)."""
        budget = budget or self.budget
        principal = current()  # the request's user: its tenant scopes who may read the job
        job: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "kind": kind,
            "status": "queued",
            "progress": 0,
            "owner": owner,
            "tenant": principal.tenant if principal is not None else None,
            "subject": principal.subject if principal is not None else "",
            "target": target,
            "createdAt": _now(),
            "deadline": time.time() + budget + GRACE,
            "result": None,
            "error": None,
        }
        await self._save(job)
        task = asyncio.create_task(self._run(job, work, on_end, budget), name=f"job:{job['id']}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(
        self,
        job: dict[str, Any],
        work: Callable[[], Awaitable[dict[str, Any]]],
        on_end: Callable[[dict[str, Any]], None] | None = None,
        budget: float | None = None,
    ) -> None:
        try:
            await self._work(job, work, budget)
        finally:
            if on_end is not None:
                try:
                    on_end(job)
                except Exception:
                    log.exception("job %s: its end could not be recorded", job["id"])

    async def _work(
        self,
        job: dict[str, Any],
        work: Callable[[], Awaitable[dict[str, Any]]],
        budget: float | None = None,
    ) -> None:
        budget = budget or self.budget
        job.update(status="running", progress=10)
        await self._save(job)
        _RUNNING.set((self, job))  # this task's own context: what ``publish`` updates
        try:
            async with asyncio.timeout(budget):
                job["result"] = await work()
            job.update(status="done", progress=100)
        except ApiError as exc:
            job.update(
                result=None,
                status="failed",
                progress=100,
                error=error_body(exc.code, exc.details, exc.message),
            )
        except TimeoutError:
            job.update(
                result=None,
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.UPSTREAM_TIMEOUT, f"The job did not finish within {budget:g} s."
                ),
            )
        except asyncio.CancelledError:
            job.update(
                result=None,
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.INTERNAL_ERROR,
                    "The server stopped before the job finished; start it again.",
                ),
            )
            with contextlib.suppress(Exception):
                await self._save(job)
            raise
        except Exception:
            log.exception("job %s failed", job["id"])
            job.update(
                result=None,
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.INTERNAL_ERROR, f"Unexpected error; quote job id {job['id']}."
                ),
            )
        await self._save(job)

    async def wait(self, job_id: str, seconds: float) -> dict[str, Any] | None:
        """The job once it ends or after ``seconds``, whichever first (a job running in
        this process is awaited, not polled; one elsewhere is read as it stands)."""
        task = next((t for t in self._tasks if t.get_name() == f"job:{job_id}"), None)
        if task is not None and seconds > 0:
            await asyncio.wait({task}, timeout=seconds)
        return await self.get(job_id)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task


_RUNNING: contextvars.ContextVar[tuple[Jobs, dict[str, Any]] | None] = contextvars.ContextVar(
    "ponapi_running_job", default=None
)


async def publish(partial: dict[str, Any]) -> None:
    """Show ``partial`` as the result of the job this code runs in while it still runs (e.g.
    the ACS task a device action waits for); its final result replaces it. Outside a job,
    nothing."""
    running = _RUNNING.get()
    if running is None:
        return
    jobs, job = running
    if job.get("status") != "running":
        return
    job["result"] = dict(partial)
    await jobs._save(job)


# Where a job's result (a stats response) can hold a device secret: the section registry's
# secret fields. A job keeps them (sealed); whether a reader sees them is decided by the
# reader's role when the result is read, never by the role its starter had (a technician
# demoted to viewer reads their old jobs as a viewer).
def _secret_fields() -> list[tuple[str, str]]:
    return [(name, f) for name, fields in sections.secret_fields().items() for f in fields]


_PRIVATE = frozenset({"owner", "deadline", "tenant", "subject"})


def job_view(job: dict[str, Any], *, reveal_secrets: bool = False) -> dict[str, Any]:
    """What a client sees of a job (not its owner, tenant nor internal deadline); its result's
    secrets blanked unless ``reveal_secrets``."""
    view = {k: v for k, v in job.items() if k not in _PRIVATE}
    result = view.get("result")
    if reveal_secrets or not isinstance(result, dict) or not isinstance(result.get("data"), dict):
        return view
    data = dict(result["data"])
    for section, field in _secret_fields():
        block = data.get(section)
        if isinstance(block, dict) and block.get(field):
            data[section] = {**block, field: ""}
    view["result"] = {**result, "data": data}
    return view


def outcome(job: dict[str, Any]) -> str:
    """A finished job's outcome as the audit log records it: ``ok`` or its error code."""
    if job.get("status") == "done":
        return "ok"
    error = job.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return str(code or "failed")


def revealed_secrets(job: dict[str, Any]) -> list[str]:
    """The secret fields a job's result holds (``section.field``), for the audit log."""
    result = job.get("result")
    data = result.get("data") if isinstance(result, dict) else None
    if not isinstance(data, dict):
        return []
    return [
        f"{section}.{field}"
        for section, field in _secret_fields()
        if isinstance(data.get(section), dict) and data[section].get(field)
    ]
