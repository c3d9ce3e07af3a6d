"""ponapi serve against the real GenieACS 1.2.16 NBI, reading CPEs that speak real CWMP."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from datetime import datetime
from urllib.parse import quote

import httpx
import pytest

from tests.real_acs.conftest import (
    ACTIONS,
    COLD,
    DUMPS,
    FAULTY,
    H199A,
    NOKIA,
    OFFLINE,
    V5,
    XX230V,
    Dump,
    World,
)
from tests.real_acs.harness import wait_for

pytestmark = pytest.mark.real_acs

# Values derived from the clock, which legitimately differ: a live CPE's uptime counts from the
# simulator's start (``uptime``, ``uptimeAgo``), and GenieACS stamps each value when it fetches it
# (a survey entry's ``scannedAt`` is its value's stamp), and ``general.lastSeen`` is the device's
# last inform (now, for a live CPE), while the dump froze all of them in 2023.
CLOCK_FIELDS = {"uptime", "uptimeAgo", "scannedAt", "lastSeen"}


def offline_mapping(world: World, dump: Dump) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ponapi.cli",
            "tr069",
            "map",
            str(world.dumps_dir / f"{dump.onu}.csv"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return json.loads(out)


def differences(live, offline, path: str = "") -> list[str]:
    """Where two mapped values differ, as readable paths (``wifiSurvey.networks[3].channel``)."""
    if isinstance(live, dict) and isinstance(offline, dict):
        out = []
        for k in sorted(set(live) | set(offline)):
            if k in CLOCK_FIELDS:
                continue
            out += differences(live.get(k, "<absent>"), offline.get(k, "<absent>"), f"{path}.{k}")
        return out
    if isinstance(live, list) and isinstance(offline, list):
        if len(live) != len(offline):
            return [f"{path}: {len(live)} items live, {len(offline)} offline"]
        return [
            d
            for i, (a, b) in enumerate(zip(live, offline, strict=True))
            for d in differences(a, b, f"{path}[{i}]")
        ]
    return [] if live == offline else [f"{path}: live {live!r} != offline {offline!r}"]


def without_clock(section: dict | None) -> dict | None:
    if section is None:
        return None
    return {k: v for k, v in section.items() if k not in CLOCK_FIELDS}


@pytest.mark.parametrize("dump", DUMPS, ids=lambda d: d.onu)
def test_every_section_equals_the_offline_mapping_of_the_same_dump(world, dump):
    offline = offline_mapping(world, dump)
    with world.ponapi.client() as c:
        r = c.get(world.ponapi.stats_path(dump.onu))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["device"]["acsDeviceId"] == world.ids[dump.onu]
    assert set(body["data"]) == set(offline["data"])
    for name, section in offline["data"].items():
        live = body["data"][name]
        assert differences(live, section, name) == []
        # the clock fields are there exactly when the dump has them (rows of a list section too)
        rows = section if isinstance(section, list) else [section] if section else []
        live_rows = live if isinstance(live, list) else [live] if live else []
        for live_row, row in zip(live_rows, rows, strict=True):
            assert {k for k in live_row if k in CLOCK_FIELDS} == {
                k for k in row if k in CLOCK_FIELDS
            }
            for k in CLOCK_FIELDS & set(row):
                assert bool(live_row[k]) == bool(row[k]), (name, k)
        meta, off = body["meta"]["sections"][name], offline["meta"]["sections"][name]
        assert (meta["status"], meta.get("missing")) == (off["status"], off.get("missing")), name


def test_refresh_of_an_online_device_is_fresh(world):
    def refresh() -> tuple[dict, float]:
        t0 = time.monotonic()
        with world.ponapi.client() as c:
            r = c.get(world.ponapi.stats_path(V5.onu), params={"refresh": "true"})
        assert r.status_code == 200, r.text
        return r.json(), time.monotonic() - t0

    with world.ponapi.client() as c:
        before = c.get(world.ponapi.stats_path(V5.onu)).json()
    mark = world.acs.nbi_log_size()
    first, took = refresh()
    meta = first["meta"]
    assert meta["stale"] is False and meta["refresh"]["status"] == "done", meta
    assert (
        meta["sections"]["general"]["updatedAt"]
        > before["meta"]["sections"]["general"]["updatedAt"]
    )
    posts = world.acs.nbi_requests(mark, r"POST /devices/.*/tasks")
    assert len(posts) == 1 and "connection_request" in posts[0]
    time.sleep(3)
    second, _ = refresh()
    # The CPE's uptime is live: three seconds later the boot instant (value stamp minus uptime)
    # has not moved, to within how far into its session the CPE answered.
    boots = [datetime.fromisoformat(b["data"]["general"]["uptime"]) for b in (first, second)]
    assert abs((boots[1] - boots[0]).total_seconds()) <= 1.5
    assert (
        second["meta"]["sections"]["general"]["updatedAt"]
        > meta["sections"]["general"]["updatedAt"]
    )
    print(f"\nrefresh round trip through ponapi and GenieACS: {took:.2f} s")


def test_an_offline_device_answers_stale_with_genieacs_reason(world):
    cpe = world.cpe(OFFLINE)
    world.loop.call(cpe.set_online(False))
    try:
        with world.ponapi.client() as c:
            r = c.get(world.ponapi.stats_path(OFFLINE.onu), params={"refresh": "true"})
    finally:
        world.loop.call(cpe.set_online(True))
    body = r.json()
    assert r.status_code == 200, body
    assert body["meta"]["stale"] is True
    assert body["meta"]["staleReason"] == "Device is offline"
    assert body["meta"]["refresh"] == {
        "requested": True,
        "status": "queued",
        "reason": "Device is offline",
    }
    assert body["data"]["general"]["modelName"] == "ZXHN H199A"


def test_a_faulted_task(world):
    cpe = world.cpe(FAULTY)
    cpe.knobs.faults["GetParameterValues"] = 9002
    try:
        with world.ponapi.client() as c:
            r = c.get(world.ponapi.stats_path(FAULTY.onu), params={"refresh": "true"})
    finally:
        cpe.knobs.faults.clear()
    body = r.json()
    assert r.status_code == 200, body
    assert body["meta"]["stale"] is True
    # The CPE's own fault reaches the answer, and the faulted task is withdrawn: GenieACS
    # does not retry it alone at the next inform.
    refresh = body["meta"]["refresh"]
    assert refresh["status"] == "failed", refresh
    assert "cwmp.9002" in refresh["reason"] and "withdrawn" in refresh["reason"]
    tasks = httpx.get(
        f"{world.acs.nbi}/tasks/",
        params={"query": json.dumps({"device": world.ids[FAULTY.onu]})},
        timeout=30,
    ).json()
    faults = httpx.get(
        f"{world.acs.nbi}/faults/",
        params={"query": json.dumps({"device": world.ids[FAULTY.onu]})},
        timeout=30,
    ).json()
    assert (tasks, [f["code"] for f in faults]) == ([], []), (tasks, faults)


def test_an_unknown_device(world):
    """Registered in ponapi, unknown to GenieACS: the contract's 422 after one NBI query by
    serial in both forms (the NBI's own 404 for tasks is in the differential scenarios)."""
    mark = world.acs.nbi_log_size()
    with world.ponapi.client() as c:
        r = c.get(world.ponapi.stats_path("HWTC0BADBEEF"))
        unregistered = c.get(world.ponapi.stats_path("HWTC0BADBEE0"))
    assert r.status_code == 422
    assert r.json()["code"] == "TR069_NOT_SUPPORTED"
    [read] = world.acs.nbi_requests(mark, r"GET /devices/")
    assert "0BADBEEF" in read and "48575443" in read
    assert (unregistered.status_code, unregistered.json()["code"]) == (404, "ONU_NOT_FOUND")


@pytest.mark.parametrize("dump", [NOKIA, H199A], ids=["genieacs-sim %2D", "ponapi-sim %20"])
def test_ids_with_percent_read_and_refresh(world, dump):
    device_id = world.ids[dump.onu]
    assert "%" in device_id
    mark = world.acs.nbi_log_size()
    with world.ponapi.client() as c:
        r = c.get(world.ponapi.stats_path(dump.onu), params={"refresh": "true"})
    body = r.json()
    assert r.status_code == 200, body
    assert body["meta"]["device"]["acsDeviceId"] == device_id
    assert body["meta"]["refresh"]["status"] == "done", body["meta"]
    encoded = device_id.replace("%", "%25")
    assert world.acs.nbi_requests(mark, f"POST /devices/{encoded}/tasks")


def test_single_flight_and_cache_against_the_real_nbi(world):
    n = 20
    mark = world.acs.nbi_log_size()

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            base_url=world.ponapi.url,
            headers={"Authorization": f"Bearer {world.ponapi.token}"},
            timeout=60,
        ) as c:
            return await asyncio.gather(
                *(c.get(world.ponapi.stats_path(COLD.onu)) for _ in range(n))
            )

    results = asyncio.run(burst())
    assert [r.status_code for r in results] == [200] * n
    reads = world.acs.nbi_requests(mark, r"GET /devices/")
    assert len(reads) == 1, reads  # n concurrent cold requests, one NBI device read
    mark = world.acs.nbi_log_size()
    with world.ponapi.client() as c:
        again = c.get(world.ponapi.stats_path(COLD.onu))
    assert again.json()["meta"]["cached"] is True
    assert world.acs.nbi_requests(mark, r"GET /devices/") == []


def _wait_event(world: World, dump: Dump, event: str, before: int) -> None:
    cpe = world.cpe(dump)
    wait_for(lambda: cpe.informs[event] > before, 30, f"an Inform with {event}")


def _value(world: World, dump: Dump, path: str):
    doc = world.acs.devices({"_id": world.ids[dump.onu]}, path)[0]
    node = doc
    for part in path.split("."):
        node = node[part]
    return node["_value"]


def test_cpe_simulator_rpcs_through_the_real_genieacs(world):
    cpe, device_id = world.cpe(ACTIONS), world.ids[ACTIONS.onu]
    root = cpe.model.root
    # SetParameterValues: kept by the CPE, ParameterKey honoured
    name = f"{root}.ManagementServer.PeriodicInformInterval"
    r = world.acs.task(
        device_id,
        {"name": "setParameterValues", "parameterValues": [[name, 123, "xsd:unsignedInt"]]},
    )
    assert r.status_code == 200, r.reason_phrase
    assert cpe.model.params[name].value == "123"
    r = world.acs.task(device_id, {"name": "getParameterValues", "parameterNames": [name]})
    assert (r.status_code, _value(world, ACTIONS, name)) == (200, 123)
    # an invalid value: a CWMP fault, and GenieACS reports the task faulted
    r = world.acs.task(
        device_id, {"name": "setParameterValues", "parameterValues": [[name, "abc", "xsd:string"]]}
    )
    assert (r.status_code, r.reason_phrase) == (202, "Task faulted")
    faults = httpx.get(
        f"{world.acs.nbi}/faults/", params={"query": json.dumps({"device": device_id})}, timeout=30
    ).json()
    assert "cwmp.9007" in [f["code"] for f in faults]
    for f in faults:  # clear it, or GenieACS retries the task on every session
        httpx.delete(f"{world.acs.nbi}/faults/{quote(f['_id'], safe='')}", timeout=30)
    # Reboot: back with 1 BOOT / M Reboot and the uptime from zero
    before = cpe.informs["M Reboot"]
    r = world.acs.task(device_id, {"name": "reboot"})
    assert r.status_code == 200, r.reason_phrase
    _wait_event(world, ACTIONS, "M Reboot", before)
    assert cpe.informs["1 BOOT"] >= 2
    r = world.acs.task(
        device_id, {"name": "getParameterValues", "parameterNames": [f"{root}.DeviceInfo.UpTime"]}
    )
    assert r.status_code == 200 and _value(world, ACTIONS, f"{root}.DeviceInfo.UpTime") < 30
    # AddObject / DeleteObject
    obj = f"{root}.WANDevice.1.WANConnectionDevice."
    r = world.acs.task(device_id, {"name": "addObject", "objectName": obj.rstrip(".")})
    assert r.status_code == 200, r.reason_phrase
    added = max(
        int(k)
        for k in {o[len(obj) :].split(".", 1)[0] for o in cpe.model.objects if o.startswith(obj)}
        if k.isdigit()
    )
    r = world.acs.task(device_id, {"name": "deleteObject", "objectName": f"{obj}{added}"})
    assert r.status_code == 200 and f"{obj}{added}." not in cpe.model.objects
    # Download: the CPE reports the transfer in a later session (7 TRANSFER COMPLETE, then
    # TransferComplete) a second later at the earliest, as a real CPE (``Knobs.transfer_seconds``
    # says why); start.sh runs no genieacs-fs, so the file server is unreachable and
    # GenieACS records the CPE's transfer fault against the task. The NBI's answer depends on
    # whether that later session began before it saw the first one end (200 or Task faulted).
    before = cpe.informs["7 TRANSFER COMPLETE"]
    r = world.acs.task(
        device_id,
        {"name": "download", "fileType": "1 Firmware Upgrade Image", "fileName": "fw.bin"},
    )
    assert (r.status_code, r.reason_phrase) in ((200, "OK"), (202, "Task faulted"))
    _wait_event(world, ACTIONS, "7 TRANSFER COMPLETE", before)

    channel = f"task_{r.json()['_id']}"

    def transfer_fault() -> list[dict]:
        query = {"query": json.dumps({"device": device_id, "channel": channel})}
        return httpx.get(f"{world.acs.nbi}/faults/", params=query, timeout=30).json()

    # GenieACS records it against the task while handling that later session: give a loaded
    # machine time. The CPE's code is a transfer failure (9010 download failure, or 9016 and
    # kin when the file server never answers), recorded as cwmp.90xx.
    [fault] = wait_for(transfer_fault, 90, "the transfer fault")
    assert fault["code"].startswith("cwmp.90"), fault
    httpx.delete(f"{world.acs.nbi}/tasks/{r.json()['_id']}", timeout=30)


def test_diagnostics_end_with_8_diagnostics_complete(world):
    cpe, device_id = world.cpe(ACTIONS), world.ids[ACTIONS.onu]
    p = f"{cpe.model.root}.IPPingDiagnostics."
    before = cpe.informs["8 DIAGNOSTICS COMPLETE"]
    r = world.acs.task(
        device_id,
        {
            "name": "setParameterValues",
            "parameterValues": [
                [p + "Host", "192.0.2.1", "xsd:string"],
                [p + "DiagnosticsState", "Requested", "xsd:string"],
            ],
        },
    )
    assert r.status_code == 200, r.reason_phrase
    _wait_event(world, ACTIONS, "8 DIAGNOSTICS COMPLETE", before)
    # GenieACS's refresh re-reads only values stamped before the current 1-s interval: the
    # DiagnosticsState it has just set would otherwise be served from its own document.
    time.sleep(1.1)
    r = world.acs.task(
        device_id,
        {
            "name": "getParameterValues",
            "parameterNames": [
                p + "DiagnosticsState",
                p + "SuccessCount",
                p + "AverageResponseTime",
            ],
        },
    )
    assert r.status_code == 200
    assert _value(world, ACTIONS, p + "DiagnosticsState") == "Complete"
    assert _value(world, ACTIONS, p + "SuccessCount") >= 1


def test_tr181_traceroute_and_tr143_download_diagnostics(world):
    cpe, device_id = world.cpe(XX230V), world.ids[XX230V.onu]
    base = "Device.IP.Diagnostics."
    before = cpe.informs["8 DIAGNOSTICS COMPLETE"]
    r = world.acs.task(
        device_id,
        {
            "name": "setParameterValues",
            "parameterValues": [
                [base + "TraceRoute.Host", "192.0.2.7", "xsd:string"],
                [base + "TraceRoute.DiagnosticsState", "Requested", "xsd:string"],
                [base + "DownloadDiagnostics.DownloadURL", "http://192.0.2.8/10MB", "xsd:string"],
                [base + "DownloadDiagnostics.DiagnosticsState", "Requested", "xsd:string"],
            ],
        },
    )
    assert r.status_code == 200, r.reason_phrase
    _wait_event(world, XX230V, "8 DIAGNOSTICS COMPLETE", before)
    time.sleep(1.1)
    r = world.acs.task(
        device_id,
        {"name": "refreshObject", "objectName": base + "TraceRoute"},
    )
    assert r.status_code == 200, r.reason_phrase
    r = world.acs.task(
        device_id,
        {"name": "refreshObject", "objectName": base + "DownloadDiagnostics"},
    )
    assert r.status_code == 200, r.reason_phrase
    assert _value(world, XX230V, base + "TraceRoute.DiagnosticsState") == "Complete"
    hops = _value(world, XX230V, base + "TraceRoute.RouteHopsNumberOfEntries")
    assert hops >= 3
    last = _value(world, XX230V, f"{base}TraceRoute.RouteHops.{hops}.HostAddress")
    assert last == "192.0.2.7"
    assert _value(world, XX230V, base + "DownloadDiagnostics.DiagnosticsState") == "Complete"
    assert _value(world, XX230V, base + "DownloadDiagnostics.TestBytesReceived") > 0


def test_factory_reset_comes_back_with_bootstrap_and_the_dump_defaults(world):
    cpe, device_id = world.cpe(ACTIONS), world.ids[ACTIONS.onu]
    name = f"{cpe.model.root}.ManagementServer.PeriodicInformInterval"
    default = cpe.model._defaults[0][name].value
    assert cpe.model.params[name].value == "123"  # set by the RPC test above
    before = cpe.informs["0 BOOTSTRAP"]
    r = world.acs.task(device_id, {"name": "factoryReset"})
    assert r.status_code == 200, r.reason_phrase
    _wait_event(world, ACTIONS, "0 BOOTSTRAP", before)
    assert cpe.model.params[name].value == default
    assert cpe.model.uptime() < 30
