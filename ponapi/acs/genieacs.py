"""Async client for the GenieACS northbound interface (NBI), per GenieACS v1.2 ``lib/nbi.ts``: a
transport. It reads a device's paths and runs tasks; what the paths mean is ``ponapi.tr069``'s.

- One ``GET /devices`` per read: the device found by serial in both forms (``$in``) or by its
  remembered ``_id``, projected on the paths the caller names (only its data model's, once the
  device's is known).
- ``run_task``, the one task engine (live reads, scans, actions): post a task with a connection
  request and say what became of it (``ponapi.acs.tasks.TaskOutcome``). A faulted task is
  withdrawn at once, with its CWMP fault: GenieACS would otherwise retry it alone 5, 10, 20...
  minutes later, when nobody expects it any more.
- Device reads (``GET /devices``, answers of 100-600 kB) go through aiohttp: it reads such an
  answer for about a third of httpx's CPU time, and takes the already encoded URL as it is
  (httpx checks a 3 kB projection character by character). The task side (posts, cancels,
  task and fault lists) shares that session: about a millisecond less per device action.
  Every call goes through httpx when a test hands the client an httpx transport.
- Device ids contain ``%`` escapes (``9075BC-G%2D1425G%2DA-...``); the NBI URL-decodes path
  segments, so ids are percent-encoded once more in paths.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, cast
from urllib.parse import quote

import aiohttp
import httpx
import orjson
import simdjson
import yarl
from cachetools import TTLCache

from ponapi.acs.tasks import Task, TaskAnswer, TaskOutcome, fault_text, outcome
from ponapi.config import Settings
from ponapi.errors import (
    AcsAuthRejected,
    AcsOverloaded,
    AcsRejected,
    ApiError,
    ErrorCode,
    OnuNotFound,
)
from ponapi.logs import register_secret
from ponapi.metrics import UPSTREAM_REQUESTS
from ponapi.serials import Serial
from ponapi.tr069.document import NODE_TYPES, parse_lazy
from ponapi.tr069.spec import ROOTS, data_model_root

MAX_BODY = 32 * 1024 * 1024
LATE_ANSWER = 5.0  # s past the connection-request wait: a 202 that late had a session start


@lru_cache(maxsize=256)
def _projection_param(paths: tuple[str, ...], root: str = "") -> bytes:
    """``&projection=...`` for these paths, percent-encoded once: the projection is ~2 kB, and
    having httpx encode and validate it character by character on every read cost half a
    millisecond. With the device's data model known (``root``), the other model's paths go."""
    kept = [p for p in dict.fromkeys(("_id", *paths)) if not root or _under_root(p, root)]
    return b"&projection=" + quote(",".join(kept), safe="").encode()


def _under_root(path: str, root: str) -> bool:
    head = path.split(".", 1)[0]
    return head == root or head not in ROOTS


class GenieAcsClient:
    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 10.0,
        auth_header: str = "",
        connection_request_timeout_ms: int = 3000,
        id_cache_ttl: float = 3600.0,
        id_cache_size: int = 100_000,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": "ponapi"}
        if auth_header:
            headers["Authorization"] = auth_header
            register_secret(auth_header)
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            headers=headers,
            transport=transport,
        )
        # The device reads' session (opened at the first read, in the running loop); none
        # when an httpx transport is handed in (tests): then httpx reads too.
        self._reads_direct = transport is None
        self._base = base_url.rstrip("/")
        self._headers = headers
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None
        self.cr_timeout_ms = connection_request_timeout_ms
        # serial -> (GenieACS id, data-model root): bounded and expiring (cachetools), so a
        # long-running process does not keep every serial it ever read.
        self._ids: TTLCache[str, tuple[str, str]] = TTLCache(id_cache_size, id_cache_ttl)
        self.calls = 0  # NBI requests sent (for metrics and benchmarks)

    @classmethod
    def from_settings(cls, settings: Settings) -> GenieAcsClient | None:
        """The client for ``GENIEACS_URL``, or None when no ACS is configured."""
        if not settings.genieacs_url:
            return None
        return cls(
            settings.genieacs_url,
            timeout=settings.genieacs_timeout_seconds,
            auth_header=settings.genieacs_auth_header,
            connection_request_timeout_ms=settings.genieacs_connection_request_timeout_ms,
        )

    async def close(self) -> None:
        await self._client.aclose()
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- HTTP ------------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: Any = None,
        content: bytes | None = None,
        time_limit: float | None = None,
    ) -> tuple[httpx.Response, bytes]:
        self.calls += 1
        UPSTREAM_REQUESTS.labels(source="genieacs").inc()
        kwargs: dict[str, Any] = {"params": params, "content": content}
        if time_limit is not None:
            kwargs["timeout"] = httpx.Timeout(time_limit, connect=min(time_limit, 5.0))
        try:
            async with self._client.stream(method, url, **kwargs) as resp:
                return resp, await _capped(resp.aiter_bytes())
        except httpx.HTTPError as exc:
            raise _transport_error(exc) from exc

    async def _query(self, target: bytes) -> tuple[int, bytes]:
        """``GET <base><target>`` (``target``: path and query, already percent-encoded): the
        status and the body."""
        status, _, body = await self._call("GET", target)
        return status, body

    async def _call(
        self,
        method: str,
        target: bytes,
        *,
        content: bytes | None = None,
        time_limit: float | None = None,
    ) -> tuple[int, str, bytes]:
        """``<method> <base><target>`` for the task side (posts, cancels, task and fault
        lists; ``target``: path and query, already percent-encoded): the status, the reason
        phrase (GenieACS's task outcome) and the body. Through aiohttp, as the device reads
        (httpx cost about a millisecond more per call); through httpx when a test hands in
        its transport. ``time_limit``: seconds for the whole call (default: the client's)."""
        if not self._reads_direct:
            base = self._client.base_url
            via = base.copy_with(raw_path=base.raw_path.rstrip(b"/") + target)
            resp, body = await self._request(method, via, content=content, time_limit=time_limit)
            return resp.status_code, resp.reason_phrase, body
        self.calls += 1
        UPSTREAM_REQUESTS.labels(source="genieacs").inc()
        session = await self._direct_session()
        url = yarl.URL(self._base + target.decode(), encoded=True)
        timeout = (
            aiohttp.ClientTimeout(total=time_limit, connect=min(time_limit, 5.0))
            if time_limit is not None
            else session.timeout  # passing None would mean no timeout at all
        )
        try:
            async with session.request(
                method, url, data=content, allow_redirects=False, timeout=timeout
            ) as answer:
                return answer.status, answer.reason or "", await _capped(answer.content.iter_any())
        except (TimeoutError, aiohttp.ClientError) as exc:
            # A TimeoutError here is aiohttp's own (connect, total), not the budget's cancel.
            raise _transport_error(exc) from exc

    async def _direct_session(self) -> aiohttp.ClientSession:
        """The aiohttp session of the running loop (device reads and task calls). The
        environment's proxy (HTTP(S)_PROXY / NO_PROXY, and ``.netrc`` credentials) is looked
        up once, when the session opens, as httpx does when its client is made: aiohttp's
        ``trust_env`` looks both up again on every request, in two thread hops that cost
        about 0.4 ms per NBI call."""
        loop = asyncio.get_running_loop()
        if self._session is None or self._session_loop is not loop:  # a session is one loop's
            proxy, proxy_auth, auth = await asyncio.to_thread(
                _env_access, self._base, "Authorization" in self._headers
            )
            if self._session is not None and self._session_loop is loop:
                return self._session  # opened meanwhile by another call
            self._session_loop = loop
            self._session = aiohttp.ClientSession(
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout, connect=min(self._timeout, 5.0)),
                connector=aiohttp.TCPConnector(limit=50),
                proxy=proxy,
                proxy_auth=proxy_auth,
                auth=auth,
            )
        return self._session

    @staticmethod
    def _devices(status: int, body: bytes, lazy: bool) -> list[Mapping[str, Any]]:
        if status != 200:
            raise rejected(status, "a device query")
        data: Any = None
        if lazy:
            # Device documents are 100-600 kB: parsed lazily when the caller maps a few
            # hundred values out of them, else by the fast whole-tree parser.
            with contextlib.suppress(ValueError, RuntimeError):
                data = parse_lazy(body)
        if data is None:
            # Also what a lazy parse refuses: an integer beyond 64 bits (GenieACS writes a
            # device's overflowed xsd:unsignedInt, parsed as a JS number, as 20 digits),
            # which orjson reads as a float.
            try:
                data = orjson.loads(body)
            except ValueError as exc:  # invalid JSON or UTF-8, nested too deep
                raise ApiError(
                    ErrorCode.UPSTREAM_ERROR, "The ACS answered a device query with invalid JSON."
                ) from exc
        if not isinstance(data, list | simdjson.Array) or not all(
            isinstance(d, NODE_TYPES) for d in data
        ):
            raise ApiError(
                ErrorCode.UPSTREAM_ERROR,
                "The ACS answered a device query with an unexpected shape.",
            )
        return list(data)

    # --- reads -----------------------------------------------------------------------------

    def _remembered(self, serial: Serial) -> tuple[str, str] | None:
        """The device's GenieACS id and data-model root, from an earlier read."""
        return self._ids.get(serial.canonical)

    def known_id(self, serial: Serial) -> str | None:
        """The device's GenieACS id when an earlier read found it (no request)."""
        known = self._remembered(serial)
        return known[0] if known else None

    def forget(self, serial: Serial) -> None:
        self._ids.pop(serial.canonical, None)

    async def read_device(self, serial: Serial, paths: Sequence[str]) -> dict[str, Any] | None:
        """The device document projected on ``paths`` (``ponapi.tr069.sections.projection``),
        or None when the ACS has no such device.

        One NBI call: by remembered id when known, else by serial in both forms.
        """
        return cast("dict[str, Any] | None", await self._read(serial, paths, lazy=False))

    async def read_document(self, serial: Serial, paths: Sequence[str]) -> Mapping[str, Any] | None:
        """``read_device``, parsed lazily (``ponapi.tr069.document.parse_lazy``): for a read
        that is mapped (``DeviceDocument``) rather than changed or kept, such as the stats
        read of every section; only the values looked up become Python objects."""
        return await self._read(serial, paths, lazy=True)

    async def _read(
        self, serial: Serial, paths: Sequence[str], *, lazy: bool
    ) -> Mapping[str, Any] | None:
        known = self._remembered(serial)
        device_id, root = known if known else (None, "")
        if device_id is not None:
            query: dict[str, Any] = {"_id": device_id}
        else:
            query = {"_deviceId._SerialNumber": {"$in": [serial.canonical, serial.hex]}}
        target = (
            b"/devices/?query="
            + quote(json.dumps(query, separators=(",", ":")), safe="").encode()
            + _projection_param(tuple(paths), root)
        )
        devices = self._devices(*await self._query(target), lazy)
        device = max(devices, key=lambda d: str(d.get("_lastInform") or "")) if devices else None
        if device_id is not None and (device is None or (root and root not in device)):
            # The id went away (device re-registered) or the data model changed (firmware):
            # search again by serial, with every path.
            self.forget(serial)
            return await self._read(serial, paths, lazy=lazy)
        if device is None:
            return None
        if isinstance(device.get("_id"), str):
            self._ids[serial.canonical] = (device["_id"], data_model_root(device))
        return device

    async def run_task(
        self,
        device_id: str,
        task: Task,
        *,
        timeout_ms: int | None = None,
        time_limit: float | None = None,
        locate: bool = False,
    ) -> TaskOutcome:
        """The one task engine: post ``task`` with a connection request and say what became of
        it. A faulted task is withdrawn (deleted) with its fault recorded in the outcome, so
        GenieACS does not retry it by itself later. ``timeout_ms``: how long GenieACS waits
        for the device to open its session (default: the configured connection-request
        wait); ``time_limit``: seconds for the whole post (GenieACS then waits for the session
        to end), by default the client's timeout plus that wait. ``locate``: when that wait
        ends after the task was sent (a session outlasting it), find the task GenieACS holds
        and answer ``in-progress`` with its id rather than a timeout."""
        wait = self.cr_timeout_ms if timeout_ms is None else timeout_ms
        started = time.monotonic()
        try:
            answer = await self.post_task(
                device_id, task, connection_request=True, timeout_ms=wait, time_limit=time_limit
            )
        except ApiError as exc:
            if not (locate and _sent_then_timed_out(exc)):
                raise
            # GenieACS stored the task before its connection request and answers only when
            # the session ends: the wait was over before it did. The session had started (else
            # GenieACS answers 202 at ``timeout``): the task is in progress, if still held.
            found = await self.find_task(device_id, task)
            if found is None:
                raise
            return TaskOutcome(
                "in-progress",
                str(found["_id"]),
                "The device's session started but had not ended when the ACS's wait ran out.",
            )
        out = outcome(answer)
        if (
            locate
            and out.state == "queued"
            and answer.reason.strip().lower() == "task queued but not processed"
            and time.monotonic() - started > wait / 1000 + LATE_ANSWER
        ):
            # The 202 came long after ``timeout``: GenieACS saw the session start and gave up
            # waiting for its end (its 120 s), so the session may still be running the task.
            return TaskOutcome("in-progress", out.task_id, out.reason)
        if out.state != "faulted":
            return out
        fault = None
        if out.task_id:
            fault = await self.task_fault(device_id, out.task_id)
            await self.delete_task(out.task_id)
        return TaskOutcome("faulted", out.task_id, out.reason, fault_text(fault))

    async def post_task(
        self,
        device_id: str,
        task: Task,
        *,
        connection_request: bool,
        timeout_ms: int,
        time_limit: float | None = None,
    ) -> TaskAnswer:
        """Post one task; 200 = the session ran, 202 = queued with GenieACS's reason (the HTTP
        reason phrase), 404 = the ACS has no such device. Bounded by ``time_limit``, by
        default the connection request wait plus the client's timeout (GenieACS's own 120 s
        session wait is cut by it)."""
        target = f"/devices/{quote(device_id, safe='')}/tasks"
        if connection_request:
            target += f"?connection_request=&timeout={int(timeout_ms)}"
        if time_limit is None:
            time_limit = (self._client.timeout.read or 10.0) + timeout_ms / 1000
        status, phrase, body = await self._call(
            "POST", target.encode(), content=orjson.dumps(task), time_limit=time_limit
        )
        if status == 404:
            raise OnuNotFound("The ACS no longer has this device.")
        if status not in (200, 202):
            raise rejected(status, f"a {task.get('name', 'device')} task")
        try:
            echoed = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            echoed = {}
        reason = phrase or ("OK" if status == 200 else "Accepted")
        return TaskAnswer(status, reason, echoed if isinstance(echoed, dict) else {})

    async def find_task(self, device_id: str, task: Task) -> dict[str, Any] | None:
        """The newest task GenieACS holds for the device with this body (name and arguments),
        or None: how a task posted without an answer is found again (its id is an ObjectId,
        so the newest sorts last)."""
        held = [
            x
            for x in await self.device_tasks(device_id)
            if all(x.get(k) == v for k, v in task.items()) and isinstance(x.get("_id"), str)
        ]
        return max(held, key=lambda x: str(x["_id"])) if held else None

    async def task_held(self, device_id: str, task_id: str) -> bool:
        """Whether GenieACS still holds the task (a task done by a session is deleted)."""
        return any(str(x.get("_id")) == task_id for x in await self.device_tasks(device_id))

    async def delete_task(self, task_id: str) -> bool:
        """Cancel a queued task (and its fault); False when GenieACS has no such task."""
        status, _, _ = await self._call("DELETE", f"/tasks/{quote(task_id, safe='')}".encode())
        if status == 404:
            return False
        if status != 200:
            raise rejected(status, "a task cancellation")
        return True

    async def device(self, device_id: str, projection: Sequence[str]) -> dict[str, Any] | None:
        """The device document by GenieACS id, projected on ``projection`` (all when empty).
        The query string is percent-encoded here once (as ``read_device`` does): httpx checks
        a long projection character by character on every request otherwise."""
        query = json.dumps({"_id": device_id}, separators=(",", ":"))
        target = b"/devices/?query=" + quote(query, safe="").encode()
        if projection:
            paths = ",".join(dict.fromkeys(["_id", *projection]))
            target += b"&projection=" + quote(paths, safe="").encode()
        devices = self._devices(*await self._query(target), False)
        return cast("dict[str, Any]", devices[0]) if devices else None

    async def device_tasks(self, device_id: str) -> list[dict[str, Any]]:
        """The tasks GenieACS still holds for the device (queued, or faulted)."""
        status, _, body = await self._call(
            "GET", b"/tasks/?query=" + _query_arg({"device": device_id})
        )
        if status != 200:
            raise rejected(status, "a task list")
        try:
            found = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise ApiError(ErrorCode.UPSTREAM_ERROR, "The ACS sent an invalid task list.") from exc
        return [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []

    async def task_fault(self, device_id: str, task_id: str) -> dict[str, Any] | None:
        """The fault GenieACS recorded for a task (``<device>:task_<id>``), if any."""
        query = {"_id": f"{device_id}:task_{task_id}"}
        status, _, body = await self._call("GET", b"/faults/?query=" + _query_arg(query))
        if status != 200:
            return None
        try:
            faults = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        return (
            faults[0]
            if isinstance(faults, list) and faults and isinstance(faults[0], dict)
            else None
        )


def _env_access(
    base: str, has_auth_header: bool
) -> tuple[yarl.URL | None, aiohttp.BasicAuth | None, aiohttp.BasicAuth | None]:
    """The proxy the environment names for the NBI (None when none, or when NO_PROXY exempts
    it) with its credentials, and the NBI's own ``.netrc`` credentials when no Authorization
    header is configured: what aiohttp's ``trust_env`` would find, looked up once."""
    url = yarl.URL(base)
    proxy: yarl.URL | None = None
    proxy_auth: aiohttp.BasicAuth | None = None
    with contextlib.suppress(LookupError):
        proxy, proxy_auth = aiohttp.helpers.get_env_proxy_for_url(url)
    auth = None
    if not has_auth_header and url.host is not None:
        with contextlib.suppress(LookupError):
            auth = aiohttp.helpers.basicauth_from_netrc(aiohttp.helpers.netrc_from_env(), url.host)
    return proxy, proxy_auth, auth


async def _capped(chunks: AsyncIterator[bytes]) -> bytes:
    """An answer's body, refused past ``MAX_BODY``."""
    parts = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > MAX_BODY:
            raise ApiError(ErrorCode.UPSTREAM_ERROR, "The ACS answered with an oversized body.")
        parts.append(chunk)
    return b"".join(parts)


def _transport_error(exc: Exception) -> ApiError:
    """What a failed call is in the contract, from either client's exception (httpx: tests
    and a test transport; aiohttp: everything else)."""
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return ApiError(
            ErrorCode.UPSTREAM_TIMEOUT, "The ACS (GenieACS NBI) did not answer in time."
        )
    if isinstance(exc, httpx.ConnectError | aiohttp.ClientConnectorError):
        return ApiError(
            ErrorCode.ACS_UNAVAILABLE,
            "Cannot connect to the ACS (GenieACS NBI); check GENIEACS_URL and that the NBI "
            "service is running.",
        )
    closed = (
        httpx.RemoteProtocolError,
        httpx.ReadError,
        httpx.WriteError,
        aiohttp.ServerDisconnectedError,
        aiohttp.ClientPayloadError,
    )
    if isinstance(exc, closed):
        return ApiError(
            ErrorCode.UPSTREAM_ERROR, "The ACS closed the connection before a complete answer."
        )
    return ApiError(ErrorCode.ACS_UNAVAILABLE, f"ACS request failed ({type(exc).__name__}).")


def _query_arg(query: dict[str, Any]) -> bytes:
    """An NBI ``query`` argument: compact JSON, percent-encoded once."""
    return quote(json.dumps(query, separators=(",", ":")), safe="").encode()


def _sent_then_timed_out(exc: ApiError) -> bool:
    """A wait that ended after the request was sent (a read timeout), not before (a connect
    timeout)."""
    cause = exc.__cause__
    if exc.code is not ErrorCode.UPSTREAM_TIMEOUT:
        return False
    if isinstance(cause, httpx.TimeoutException):
        return isinstance(cause, httpx.ReadTimeout)
    return isinstance(cause, TimeoutError) and not isinstance(cause, aiohttp.ConnectionTimeoutError)


def rejected(status: int, what: str) -> ApiError:
    """A non-success NBI answer, by what it means: ponapi's credentials refused (a setting to
    fix), the ACS busy or down for a while (retry), or anything else."""
    if status in (401, 403):
        return AcsAuthRejected(
            f"The ACS refused ponapi's credentials (HTTP {status}) for {what}; operators: check "
            "GENIEACS_AUTH_HEADER.",
            status,
        )
    if status in (429, 502, 503, 504):
        return AcsOverloaded(
            f"The ACS is busy or unavailable (HTTP {status}) for {what}; try again shortly.", status
        )
    return AcsRejected(f"The ACS answered HTTP {status} to {what}.", status)
