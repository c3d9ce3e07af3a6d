"""A GenieACS NBI simulator: behaves like GenieACS v1.2 (``lib/nbi.ts``, ``lib/query.ts``)
where ponapi touches it, over real HTTP on loopback.

- ``GET|HEAD /devices?query=&projection=&skip=&limit=``: query expansion (``._value`` appended to
  parameter paths, ``_``-prefixed keys verbatim, ``$in``/``$nin``/``$eq``/``$ne``/``$gt``...,
  ``$and``/``$or``, numeric strings also match numbers), projections (a parent wins over its
  children; ``_id`` always), the ``total`` header, a JSON array body; 400 ``SyntaxError`` on bad
  JSON.
- ``POST /devices/<id>/tasks[?connection_request][&timeout=ms]``: the id is URL-decoded once
  (so ids with ``%`` must be double-encoded, as with GenieACS); ``404 Not Found`` with the body
  ``No such device``; without ``connection_request`` 202 (queued); with it: online 200 (values
  refreshed), offline ``202 Device is offline``, ``202 Task queued but not processed`` when the
  CPE does not open its session within ``timeout`` (``start_delay``; once a session has started
  GenieACS waits up to 120 s for it to end, ``session_delay``), faulty ``202 Task faulted`` (and
  a fault document like GenieACS's). As with GenieACS, the task is stored before the connection
  request and deleted when a session has done it, and a session goes on when the client stops
  waiting for the answer (a session that outlasts the client's wait: ``GET /tasks`` lists the
  task until the session ends).
- ``GET /tasks``, ``GET /faults``; any other collection 404.

Knobs: per-request latency, per-device online/fault/session delay, and whole-server failure
modes (``http500``, ``garbage``, ``truncate``, ``stall``) for fault-injection tests.
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ponapi.sim import tasks as sim_tasks
from ponapi.sim.http import HttpServer, Request, Response
from ponapi.tr069.document import document_from_csv, parse_time

VERSION = "1.2.16"
_TASKS_PATH = re.compile(r"^/devices/([a-zA-Z0-9\-_%]+)/tasks/?$")
SESSION_END_WAIT = 120.0  # lib/nbi.ts: awaitSessionEnd(deviceId, 120000)
_TASK_PATH = re.compile(r"^/tasks/([0-9a-fA-F]{24})/?$")
_COLLECTION = re.compile(r"^/([a-zA-Z0-9_]+)/?$")
_COLLECTIONS = {
    "devices",
    "presets",
    "objects",
    "provisions",
    "virtualParameters",
    "faults",
    "tasks",
    "files",
    "operations",
    "permissions",
    "users",
    "config",
}


@dataclass
class SimDevice:
    doc: dict[str, Any]
    online: bool = True
    fault: bool = False
    start_delay: float = 0.0  # seconds from connection request to the CPE's Inform
    session_delay: float = 0.02  # seconds from the Inform to the session's end
    fault_code: str = "cwmp.9002"  # what a faulty device's task records
    fault_message: str = "Internal error"
    scan_seconds: float = 0.3  # how long a requested neighbour scan takes on the CPE
    scan_never_completes: bool = False
    scan_ready_at: float | None = None  # CPE side: when the requested scan finishes
    scan_root: str = ""
    ignore_writes: bool = False  # accepts SPV but keeps reporting the old values
    # Leaf names the CPE reads back as "" (TR-098 passphrases: KeyPassphrase, PreSharedKey).
    hidden: tuple[str, ...] = ()
    initial: dict[str, Any] = field(default_factory=dict)  # what a factory reset restores

    def __post_init__(self) -> None:
        self.initial = self.initial or copy.deepcopy(self.doc)

    @property
    def id(self) -> str:
        return str(self.doc["_id"])


@dataclass
class GenieAcsSim:
    devices: dict[str, SimDevice] = field(default_factory=dict)
    latency: float = 0.0
    mode: str = "ok"  # ok | http500 | garbage | truncate | stall
    stall_seconds: float = 60.0
    log: list[tuple[str, str]] = field(default_factory=list)
    inflight: int = 0
    peak_inflight: int = 0  # most requests handled at once (fault and load tests read it)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    # Results a completed scan reports when the device's own table is empty (a real scan).
    scan_results: dict[str, Any] = field(default_factory=dict)
    _server: HttpServer | None = None
    _sessions: set[asyncio.Future[str]] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- set-up ----------------------------------------------------------------------------

    def add(self, doc: dict[str, Any], **knobs: Any) -> SimDevice:
        huawei_scan = (
            doc.get("InternetGatewayDevice", {})
            .get("LANDevice", {})
            .get("1", {})
            .get("WiFi", {})
            .get("NeighboringWiFiDiagnostic", {})
            .get("Result")
        )
        if isinstance(huawei_scan, dict) and len(huawei_scan) > len(self.scan_results):
            self.scan_results = copy.deepcopy(huawei_scan)
        device = SimDevice(copy.deepcopy(doc), **knobs)
        self.devices[device.id] = device
        return device

    def device_by_serial(self, serial: str) -> SimDevice:
        for d in self.devices.values():
            if d.doc.get("_deviceId", {}).get("_SerialNumber") == serial:
                return d
        raise KeyError(serial)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server = HttpServer(self.handle)
        return await self._server.start(host, port)

    async def stop(self) -> None:
        for session in list(self._sessions):
            session.cancel()
        if self._server:
            await self._server.stop()

    def calls(self, prefix: str = "") -> int:
        return sum(1 for _, target in self.log if target.startswith(prefix))

    # --- HTTP ------------------------------------------------------------------------------

    async def handle(self, req: Request) -> Response:
        self.log.append((req.method, req.target))
        self.inflight += 1
        self.peak_inflight = max(self.peak_inflight, self.inflight)
        try:
            return await self._handle(req)
        finally:
            self.inflight -= 1

    async def _handle(self, req: Request) -> Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.mode == "http500":
            return Response(500, b"Internal Server Error", "Internal Server Error")
        if self.mode == "stall":
            return Response(200, b"[]", stall=self.stall_seconds)
        response = await self._route(req)
        response.headers.setdefault("GenieACS-Version", VERSION)
        if self.mode == "garbage":
            response.body = b"<html><body>502 Bad Gateway</body></html>"
            response.headers["Content-Type"] = "text/html"
        elif self.mode == "truncate" and len(response.body) > 2:
            response.truncate_to = len(response.body) // 2
        return response

    async def _route(self, req: Request) -> Response:
        url = urlsplit(req.target)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        m = _TASKS_PATH.match(url.path)
        if m:
            if req.method != "POST":
                return Response(405, b"", "Method Not Allowed", {"Allow": "POST"})
            return await self._post_task(unquote(m.group(1)), params, req.body)
        m = _TASK_PATH.match(url.path)
        if m and req.method == "DELETE":
            return self._delete_task(unquote(m.group(1)))
        m = _COLLECTION.match(url.path)
        if m and m.group(1) in _COLLECTIONS:
            if req.method not in ("GET", "HEAD"):
                return Response(405, b"", "Method Not Allowed", {"Allow": "GET, HEAD"})
            return self._get_collection(m.group(1), params)
        return Response(404, b"404 Not Found", "Not Found")

    def _delete_task(self, task_id: str) -> Response:
        """``DELETE /tasks/{id}``: the task and its fault go; ``404 Task not found``."""
        kept = [t for t in self.tasks if t.get("_id") != task_id]
        if len(kept) == len(self.tasks):
            return Response(404, b"Task not found", "Task not found")
        self.tasks[:] = kept
        self.faults[:] = [f for f in self.faults if f.get("channel") != f"task_{task_id}"]
        return Response(200, b"", "OK")

    def _get_collection(self, name: str, params: dict[str, str]) -> Response:
        try:
            query = json.loads(params["query"]) if params.get("query") else {}
        except ValueError as exc:
            message = f"SyntaxError: {exc}"
            return Response(400, message.encode(), message[:100])
        if not isinstance(query, dict):
            return Response(400, b"SyntaxError: query must be an object", "SyntaxError")
        if name == "devices":
            docs = [d.doc for d in self.devices.values()]
            expanded = expand(query)
        else:
            docs = self.tasks if name == "tasks" else self.faults if name == "faults" else []
            expanded = query
        matched = [d for d in docs if matches(d, expanded)]
        total = len(matched)
        skip = int(params.get("skip") or 0)
        limit = int(params["limit"]) if params.get("limit") else None
        matched = matched[skip:] if limit is None else matched[skip : skip + limit]
        if params.get("projection") and name == "devices":
            paths = [p for p in params["projection"].split(",") if p]
            matched = [project(d, paths) for d in matched]
        body = ("[\n" + ",\n".join(json.dumps(d) for d in matched) + "\n]").encode()
        return Response(200, body, "OK", {"Content-Type": "application/json", "total": str(total)})

    async def _post_task(self, device_id: str, params: dict[str, str], body: bytes) -> Response:
        device = self.devices.get(device_id)
        try:
            task = json.loads(body) if body else None
        except ValueError as exc:
            return Response(400, f"SyntaxError: {exc}".encode(), "SyntaxError")
        if task is None and "connection_request" not in params:
            return Response(400, b"", "Bad Request")
        if device is None:
            return Response(404, b"No such device", "Not Found")
        if task is not None:
            error = _validate_task(task)
            if error:
                return Response(400, error.encode(), "Bad Request")
            task = {
                **task,
                "_id": f"{next(self._ids):024x}",
                "device": device_id,
                "timestamp": _now_iso(),
            }
        if "connection_request" not in params:
            assert task is not None  # checked above: no body needs connection_request
            self.tasks.append(task)
            return Response(
                202, json.dumps(task).encode(), "Accepted", {"Content-Type": "application/json"}
            )
        body_out = json.dumps(task or {}).encode()
        headers = {"Content-Type": "application/json"}
        if task:
            self.tasks.append(task)  # GenieACS inserts the task before the connection request
        if not device.online:
            return Response(202, body_out, "Device is offline", headers)
        # GenieACS waits `timeout` for the session to start, then up to 120 s for it to end.
        timeout = int(params.get("timeout") or 4000) / 1000
        if device.start_delay > timeout:
            await asyncio.sleep(timeout)
            return Response(202, body_out, "Task queued but not processed", headers)
        # The session runs on the CPE's side whatever becomes of this request: a client that
        # stops waiting (its own timeout) does not stop it, as with GenieACS.
        session = asyncio.ensure_future(self._session(device, task))
        self._sessions.add(session)
        session.add_done_callback(self._sessions.discard)
        try:
            async with asyncio.timeout(device.start_delay + SESSION_END_WAIT):
                status = await asyncio.shield(session)
        except TimeoutError:
            return Response(202, body_out, "Task queued but not processed", headers)
        if status:
            return Response(202, body_out, status, headers)
        return Response(200, body_out, "OK", headers)

    async def _session(self, device: SimDevice, task: dict[str, Any] | None) -> str:
        """The CPE's session: the task done (and gone from the task list) or faulted (kept,
        with a fault document like GenieACS's); the NBI status it ends with."""
        await asyncio.sleep(device.start_delay + device.session_delay)
        if device.fault and task:
            device_id = device.id
            self.faults.append(
                {
                    "_id": f"{device_id}:task_{task['_id']}",
                    "device": device_id,
                    "channel": f"task_{task['_id']}",
                    "code": device.fault_code,
                    "message": device.fault_message,
                    "detail": {
                        "faultCode": device.fault_code.removeprefix("cwmp."),
                        "faultString": device.fault_message,
                    },
                    "timestamp": _now_iso(),
                    "retries": 0,
                    "provisions": [],
                }
            )
            return "Task faulted"
        if task:
            self.tasks[:] = [t for t in self.tasks if t.get("_id") != task["_id"]]
        before = copy.deepcopy(device.doc) if device.ignore_writes else None
        if task and task["name"] == "setParameterValues":
            _set_values(device, task["parameterValues"])
        if task and task["name"] == "getParameterValues":
            _complete_scan(device, self.scan_results)
            _refresh(device.doc, task["parameterNames"], device.hidden)
        if task and task["name"] == "provisions":  # ["refresh", path, every...] re-reads path
            paths = [str(p[1]) for p in task["provisions"] if p[:1] == ["refresh"]]
            _refresh(device.doc, paths, device.hidden)
        if task:
            sim_tasks.apply(device, task, before)
        device.doc["_lastInform"] = _now_iso()
        return ""


def _validate_task(task: object) -> str | None:
    if not isinstance(task, dict) or not isinstance(task.get("name"), str):
        return "Invalid task"
    if task["name"] == "getParameterValues":
        names = task.get("parameterNames")
        if (
            not isinstance(names, list)
            or not names
            or not all(isinstance(n, str) and n for n in names)
        ):
            return "Missing or invalid parameterNames"
    elif task["name"] == "setParameterValues":
        values = task.get("parameterValues")
        if not isinstance(values, list) or not values:
            return "Missing or invalid parameterValues"
    elif task["name"] == "provisions":
        provisions = task.get("provisions")
        if not isinstance(provisions, list) or not all(
            isinstance(p, list) and all(x is None or isinstance(x, str | int | float) for x in p)
            for p in provisions
        ):
            return "Invalid 'provisions' property"
    elif task["name"] not in (
        "refreshObject",
        "reboot",
        "factoryReset",
        "download",
        "addObject",
        "deleteObject",
        "provisions",
    ):
        return "Invalid task name"
    return None


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"


# --- query.ts ------------------------------------------------------------------------------


def expand(query: dict[str, Any]) -> dict[str, Any]:
    """GenieACS ``query.expand`` for devices: ``._value`` on parameter paths."""
    out: dict[str, Any] = {}
    for key, value in query.items():
        if key in ("$and", "$or", "$nor") and isinstance(value, list):
            out[key] = [expand(v) for v in value if isinstance(v, dict)]
        elif key.startswith("$"):
            out[key] = value
        elif key.split(".")[-1].startswith("_"):
            out[key] = value
        else:
            out[f"{key}._value"] = value
    return out


def _lookup(doc: Any, path: str) -> tuple[bool, Any]:
    cur = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return False, None
        cur = cur[part]
    return True, cur


def _alternatives(value: Any) -> list[Any]:
    """``normalize`` in query.ts: a string also matches its number and its date."""
    alts = [value]
    if isinstance(value, str):
        try:
            alts.append(float(value) if "." in value else int(value))
        except ValueError:
            pass
        if len(value) >= 8 and parse_time(value) is not None:
            alts.append(parse_time(value))
    return alts


def _equal(actual: Any, expected: Any) -> bool:
    for alt in _alternatives(expected):
        if isinstance(alt, datetime):
            if parse_time(actual) == alt:
                return True
        elif (actual == alt and type(actual) is not bool) or actual is alt:
            return True
        elif isinstance(actual, list) and alt in actual:
            return True
    return False


def _compare(actual: Any, op: str, expected: Any) -> bool:
    try:
        if op == "$gt":
            return bool(actual > expected)
        if op == "$gte":
            return bool(actual >= expected)
        if op == "$lt":
            return bool(actual < expected)
        return bool(actual <= expected)
    except TypeError:
        return False


def matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, cond in query.items():
        if key == "$and":
            if not all(matches(doc, q) for q in cond):
                return False
            continue
        if key == "$or":
            if not any(matches(doc, q) for q in cond):
                return False
            continue
        if key == "$nor":
            if any(matches(doc, q) for q in cond):
                return False
            continue
        found, actual = _lookup(doc, key)
        if isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond):
            for op, arg in cond.items():
                if op == "$in":
                    ok = found and any(_equal(actual, v) for v in arg)
                elif op == "$nin":
                    ok = not (found and any(_equal(actual, v) for v in arg))
                elif op == "$eq":
                    ok = found and _equal(actual, arg)
                elif op == "$ne":
                    ok = not (found and _equal(actual, arg))
                elif op == "$exists":
                    ok = found == bool(arg)
                elif op in ("$gt", "$gte", "$lt", "$lte"):
                    ok = found and _compare(actual, op, arg)
                else:
                    ok = False
                if not ok:
                    return False
        elif not (found and _equal(actual, cond)):
            return False
    return True


def project(doc: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """MongoDB projection after GenieACS ``optimizeProjection``: parents win over children."""
    keep = [p for p in paths if not any(p != q and p.startswith(q + ".") for q in paths)]
    out: dict[str, Any] = {"_id": doc.get("_id")}
    for path in keep:
        found, value = _lookup(doc, path)
        if not found:
            continue
        parts = path.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = copy.deepcopy(value)
    return out


def _set_values(device: SimDevice, values: list[Any]) -> None:
    """setParameterValues: store the values; a DiagnosticsState of Requested starts a scan."""
    stamp = _now_iso()
    for entry in values:
        path, value = str(entry[0]), entry[1]
        xsd = str(entry[2]) if len(entry) > 2 else "xsd:string"
        node: dict[str, Any] = device.doc
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.update({"_object": False, "_value": value, "_type": xsd, "_timestamp": stamp})
        if path.endswith(".DiagnosticsState") and value == "Requested":
            device.scan_root = path.rsplit(".", 1)[0]
            device.scan_ready_at = time.monotonic() + device.scan_seconds


def _complete_scan(device: SimDevice, results: dict[str, Any]) -> None:
    """When a requested scan has finished on the CPE, the next read shows it complete."""

    if (
        device.scan_ready_at is None
        or device.scan_never_completes
        or time.monotonic() < device.scan_ready_at
    ):
        return
    found, root = _lookup(device.doc, device.scan_root)
    if not found or not isinstance(root, dict):
        return
    root["DiagnosticsState"] = {
        "_object": False,
        "_value": "Complete",
        "_type": "xsd:string",
        "_timestamp": _now_iso(),
    }
    has_results = any(k.isdigit() for k in root.get("Result", {}))
    if "X_ZTE-COM_NeighborAP" not in root and not has_results and results:
        root["Result"] = copy.deepcopy(results)
    device.scan_ready_at = None


_COUNTERS = re.compile(r"(^|\.)(UpTime|Uptime|LastChange)$")


def _refresh(doc: dict[str, Any], names: list[str], hidden: tuple[str, ...] = ()) -> None:
    """What a completed getParameterValues does: the values under the paths are re-read now,
    and elapsed-seconds counters (UpTime, Uptime, LastChange) advance to the present; leaves
    named in ``hidden`` read back ``""``."""
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def walk(node: dict[str, Any], parts: list[str], path: str) -> None:
        if not parts:
            touch(node, path)
            return
        head, rest = parts[0], parts[1:]
        keys = [k for k in node if not k.startswith("_")] if head == "*" else [head]
        for k in keys:
            child = node.get(k)
            if isinstance(child, dict):
                walk(child, rest, f"{path}.{k}" if path else k)

    def touch(node: dict[str, Any], path: str) -> None:
        if "_value" in node:
            old = parse_time(node.get("_timestamp"))
            value = node["_value"]
            if old and _COUNTERS.search(path) and isinstance(value, int) and value > 0:
                node["_value"] = value + max(0, int((now - old).total_seconds()))
            if hidden and path.rsplit(".", 1)[-1] in hidden:
                node["_value"] = ""
            node["_timestamp"] = stamp
        for k, child in node.items():
            if not k.startswith("_") and isinstance(child, dict):
                touch(child, f"{path}.{k}")

    for name in names:
        walk(doc, [p for p in name.split(".") if p], "")


# --- device sets ---------------------------------------------------------------------------


def bundled_documents() -> list[dict[str, Any]]:
    """The real device dumps shipped with ponapi (see ponapi/sim/data/SOURCES.md)."""
    out = []
    data = resources.files("ponapi.sim") / "data"
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".csv.gz"):
            out.append(document_from_csv(gzip.decompress(entry.read_bytes()).decode("utf-8")))
    return out


def load_documents(paths: list[Path]) -> list[dict[str, Any]]:
    docs = []
    for path in paths:
        text = (
            gzip.decompress(path.read_bytes()).decode()
            if path.suffix == ".gz"
            else path.read_text(encoding="utf-8")
        )
        if path.name.endswith((".csv", ".csv.gz")):
            docs.append(document_from_csv(text))
        else:
            loaded = json.loads(text)
            docs.extend(loaded if isinstance(loaded, list) else [loaded])
    return docs
