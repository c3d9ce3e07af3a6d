"""Background jobs (a live refresh a mobile client should not wait 10-30 s for).

A job's state lives in the cache backend (Redis when configured), so any replica can answer
``GET /api/jobs/{id}``; the work runs as a task in the replica that accepted it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson

from ponapi.cache import Cache
from ponapi.crypto import CredentialCipher, CredentialError
from ponapi.errors import ApiError, ErrorCode, error_body

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
    ) -> dict[str, Any]:
        job: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "kind": kind,
            "status": "queued",
            "progress": 0,
            "owner": owner,
            "target": target,
            "createdAt": _now(),
            "deadline": time.time() + self.budget + GRACE,
            "result": None,
            "error": None,
        }
        await self._save(job)
        task = asyncio.create_task(self._run(job, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return job

    async def _run(
        self, job: dict[str, Any], work: Callable[[], Awaitable[dict[str, Any]]]
    ) -> None:
        job.update(status="running", progress=10)
        await self._save(job)
        try:
            async with asyncio.timeout(self.budget):
                job["result"] = await work()
            job.update(status="done", progress=100)
        except ApiError as exc:
            job.update(
                status="failed", progress=100, error=error_body(exc.code, exc.details, exc.message)
            )
        except TimeoutError:
            job.update(
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.UPSTREAM_TIMEOUT, f"The job did not finish within {self.budget:g} s."
                ),
            )
        except asyncio.CancelledError:
            job.update(
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
                status="failed",
                progress=100,
                error=error_body(
                    ErrorCode.INTERNAL_ERROR, f"Unexpected error; quote job id {job['id']}."
                ),
            )
        await self._save(job)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(BaseException):
                await task


def job_view(job: dict[str, Any]) -> dict[str, Any]:
    """What a client sees of a job (not its owner nor its internal deadline)."""
    return {k: v for k, v in job.items() if k not in ("owner", "deadline")}
