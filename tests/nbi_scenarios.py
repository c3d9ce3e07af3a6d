"""One set of GenieACS NBI scenarios, run against the real GenieACS 1.2.16 (tests/real_acs) and
against ponapi's NBI simulator (tests/test_nbi_differential.py): each scenario returns what it
observed, and both must observe exactly ``EXPECTED`` (recorded from the real GenieACS).

The scenarios are what ponapi's NBI client does (ponapi/acs/genieacs.py): device reads by ``_id``
and by ``_deviceId._SerialNumber`` ``$in``, with projections (nested answers, a parent projected
with its child), the ``total`` header, parameter-path queries (``._value`` expansion, numeric
strings, ``$and``), and tasks with every outcome, ids with ``%`` included.

Not a scenario: an invalid task body (e.g. getParameterValues without parameterNames) makes
GenieACS 1.2.16's NBI worker die with an uncaught exception (the connection closes unanswered and
the NBI is gone for ~20 s until its master restarts it); the simulator answers 400 instead.
ponapi never sends one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

IGD = "InternetGatewayDevice"


@dataclass
class Target:
    nbi: str
    online: str  # device ids (all H199A dumps: "C0B101-ZXHN%20H199A-<serial>")
    offline: str
    faulty: str
    slow: str
    serial: str  # the online device's serial
    interval: int  # the online device's PeriodicInformInterval
    # (role, on): make a device offline/faulty/slow or not; "deaf": the online device accepts
    # sets but keeps its values
    prepare: Callable[[str, bool], None]


Observation = dict[str, Any]


def _get(
    t: Target, query: Any, projection: str | None = None, raw_query: str = ""
) -> httpx.Response:
    params = {"query": raw_query or json.dumps(query, separators=(",", ":"))}
    if projection:
        params["projection"] = projection
    return httpx.get(f"{t.nbi}/devices/", params=params, timeout=30)


def _task(
    t: Target,
    device_id: str,
    task: dict[str, Any] | None,
    cr: bool = True,
    timeout_ms: int = 3000,
    encode: bool = True,
) -> httpx.Response:
    path_id = quote(device_id, safe="") if encode else device_id
    params = {"connection_request": "", "timeout": str(timeout_ms)} if cr else {}
    return httpx.post(
        f"{t.nbi}/devices/{path_id}/tasks",
        params=params,
        content=json.dumps(task).encode() if task is not None else b"",
        timeout=timeout_ms / 1000 + 30,
    )


def _shape(node: Any, depth: int = 3) -> Any:
    """The key structure of a (nested) document, to a depth; leaves as their ``_value``."""
    if not isinstance(node, dict):
        return node
    if "_value" in node:
        return node["_value"]
    if depth == 0:
        return "..."
    return {k: _shape(v, depth - 1) for k, v in sorted(node.items()) if not k.startswith("_")}


def read_by_id_with_nested_projection(t: Target) -> Observation:
    r = _get(
        t, {"_id": t.online}, f"_id,{IGD}.DeviceInfo.ModelName,{IGD}.DeviceInfo.HardwareVersion"
    )
    [doc] = r.json()
    return {
        "status": r.status_code,
        "total": r.headers.get("total"),
        "keys": sorted(doc),
        "shape": _shape(doc),
    }


def projection_parent_wins_over_child(t: Target) -> Observation:
    r = _get(t, {"_id": t.online}, f"{IGD}.DeviceInfo.ModelName,{IGD}.DeviceInfo")
    [doc] = r.json()
    info = doc[IGD]["DeviceInfo"]
    return {
        "status": r.status_code,
        "has_siblings": "Manufacturer" in info,
        "id": doc["_id"] == t.online,
    }


def read_by_serial_in_both_forms(t: Target) -> Observation:
    q = {"_deviceId._SerialNumber": {"$in": [t.serial, "4E4F4E4500000000"]}}
    r = _get(t, q, "_id,_deviceId._SerialNumber")
    docs = r.json()
    return {
        "status": r.status_code,
        "total": r.headers.get("total"),
        "ids": [d["_id"] == t.online for d in docs],
        "serials": [d["_deviceId"]["_SerialNumber"] == t.serial for d in docs],
    }


def read_no_match(t: Target) -> Observation:
    r = _get(t, {"_id": "no-such-device"}, "_id")
    return {"status": r.status_code, "total": r.headers.get("total"), "body": r.json()}


def parameter_query_and_numeric_string(t: Target) -> Observation:
    ids = [t.online, t.offline, "no-such-device"]
    by_model = {"$and": [{"_id": {"$in": ids}}, {f"{IGD}.DeviceInfo.ModelName": "ZXHN H199A"}]}
    by_number = {"_id": t.online, f"{IGD}.ManagementServer.PeriodicInformInterval": str(t.interval)}
    r1 = _get(t, by_model, "_id")
    r2 = _get(t, by_number, "_id")
    return {
        "model": (r1.status_code, r1.headers.get("total"), len(r1.json())),
        "number_as_string": (r2.status_code, len(r2.json())),
    }


def bad_query(t: Target) -> Observation:
    r = _get(t, None, raw_query="{not json")
    return {"status": r.status_code}


def task_online_done(t: Target) -> Observation:
    r = _task(
        t, t.online, {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
    )
    body = r.json()
    return {
        "status": (r.status_code, r.reason_phrase),
        "task": (body["name"], body["device"] == t.online, "_id" in body),
        "keys": sorted(body),
    }


def task_without_connection_request(t: Target) -> Observation:
    task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
    r = _task(t, t.offline, task, cr=False)
    return {"status": (r.status_code, r.reason_phrase), "name": r.json()["name"]}


def task_device_offline(t: Target) -> Observation:
    t.prepare("offline", True)
    try:
        task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
        r = _task(t, t.offline, task)
    finally:
        t.prepare("offline", False)
    return {"status": (r.status_code, r.reason_phrase)}


def task_queued_not_processed(t: Target) -> Observation:
    t.prepare("slow", True)
    try:
        task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
        r = _task(t, t.slow, task, timeout_ms=1000)
    finally:
        t.prepare("slow", False)
    return {"status": (r.status_code, r.reason_phrase)}


def task_faulted(t: Target) -> Observation:
    t.prepare("faulty", True)
    try:
        task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
        r = _task(t, t.faulty, task)
        faults = httpx.get(
            f"{t.nbi}/faults/", params={"query": json.dumps({"device": t.faulty})}, timeout=30
        ).json()
    finally:
        t.prepare("faulty", False)
    return {
        "status": (r.status_code, r.reason_phrase),
        "fault": sorted({(f["code"], f["message"]) for f in faults}),
        "keys": sorted({k for f in faults for k in f}),
        "channel": sorted({f["channel"].startswith("task_") for f in faults}),
    }


def task_unknown_device(t: Target) -> Observation:
    task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
    r = _task(t, "000000-NoSuchDevice-000000", task)
    return {"status": (r.status_code, r.reason_phrase), "body": r.text}


def task_id_with_percent_needs_double_encoding(t: Target) -> Observation:
    task = {"name": "getParameterValues", "parameterNames": [f"{IGD}.DeviceInfo.UpTime"]}
    once = _task(t, t.online, task, encode=False, cr=False)
    return {"percent_in_id": "%" in t.online, "encoded_once": (once.status_code, once.text)}


def reread_in_a_new_session_asks_the_device(t: Target) -> Observation:
    """A CPE that accepts a set but keeps its old value: a ``refresh`` provision with ``every``
    1 ms, in the session after the set's, asks the CPE again, so GenieACS then holds what the
    CPE holds (a ``getParameterValues`` task is answered from the set's own values when both
    sessions start in the same second: ponapi's read-back uses the former)."""
    path = f"{IGD}.LANDevice.1.WLANConfiguration.1.SSID"

    def ssid() -> Any:
        [doc] = _get(t, {"_id": t.online}, path).json()
        return doc[IGD]["LANDevice"]["1"]["WLANConfiguration"]["1"]["SSID"]["_value"]

    before = ssid()
    t.prepare("deaf", True)
    try:
        set_task = {"name": "setParameterValues", "parameterValues": [[path, "Deaf", "xsd:string"]]}
        r1 = _task(t, t.online, set_task)
        r2 = _task(t, t.online, {"name": "provisions", "provisions": [["refresh", path, 0.001]]})
        after = ssid()
    finally:
        t.prepare("deaf", False)
    return {
        "set": (r1.status_code, r1.reason_phrase),
        "reread": (r2.status_code, r2.reason_phrase),
        "keys": sorted(r2.json()),
        "device_value_kept": after == before != "Deaf",
    }


SCENARIOS: dict[str, Callable[[Target], Observation]] = {
    f.__name__: f
    for f in (
        read_by_id_with_nested_projection,
        projection_parent_wins_over_child,
        read_by_serial_in_both_forms,
        read_no_match,
        parameter_query_and_numeric_string,
        bad_query,
        task_online_done,
        task_without_connection_request,
        task_device_offline,
        task_queued_not_processed,
        task_faulted,
        task_unknown_device,
        task_id_with_percent_needs_double_encoding,
        reread_in_a_new_session_asks_the_device,
    )
}

# Recorded from GenieACS 1.2.16 (make test-real-acs prints each observation). JSON values.
EXPECTED: dict[str, Observation] = {
    "bad_query": {"status": 400},
    "parameter_query_and_numeric_string": {"model": [200, "2", 2], "number_as_string": [200, 1]},
    "projection_parent_wins_over_child": {"has_siblings": True, "id": True, "status": 200},
    "read_by_id_with_nested_projection": {
        "keys": ["InternetGatewayDevice", "_id"],
        "shape": {
            "InternetGatewayDevice": {
                "DeviceInfo": {"HardwareVersion": "V9.1.1", "ModelName": "ZXHN H199A"}
            }
        },
        "status": 200,
        "total": "1",
    },
    "read_by_serial_in_both_forms": {"ids": [True], "serials": [True], "status": 200, "total": "1"},
    "read_no_match": {"body": [], "status": 200, "total": "0"},
    "task_device_offline": {"status": [202, "Device is offline"]},
    "task_faulted": {
        "channel": [True],
        "fault": [["cwmp.9002", "Internal error"]],
        "keys": [
            "_id",
            "channel",
            "code",
            "detail",
            "device",
            "message",
            "provisions",
            "retries",
            "timestamp",
        ],
        "status": [202, "Task faulted"],
    },
    "task_id_with_percent_needs_double_encoding": {
        "encoded_once": [404, "No such device"],
        "percent_in_id": True,
    },
    "task_online_done": {
        "keys": ["_id", "device", "name", "parameterNames", "timestamp"],
        "status": [200, "OK"],
        "task": ["getParameterValues", True, True],
    },
    "task_queued_not_processed": {"status": [202, "Task queued but not processed"]},
    "reread_in_a_new_session_asks_the_device": {
        "device_value_kept": True,
        "keys": ["_id", "device", "name", "provisions", "timestamp"],
        "reread": [200, "OK"],
        "set": [200, "OK"],
    },
    "task_unknown_device": {"body": "No such device", "status": [404, "Not Found"]},
    "task_without_connection_request": {"name": "getParameterValues", "status": [202, "Accepted"]},
}
