"""What a settings change costs the ACS and what its answer proves: one read by serial (the
device's id and the values to plan from), the set in one session, the read-back in a session of
its own (a forced re-read: GenieACS answers a plain getParameterValues from what it set itself
when both sessions start in the same second), one read of what the device reported. Four NBI
requests; a faulted set, a mismatch and a passphrase the device does not reveal stay honest."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ponapi.actions import tasks as t
from tests.test_actions_schema import check
from tests.test_tr069_api import V5, env  # noqa: F401  (the fixture)

ACS_ID = "00259E-EG8145V5-48575443A94196A5"
DHCP = {
    "dhcp_server_enable": True,
    "start_address": "192.168.18.100",
    "end_address": "192.168.18.150",
    "subnet_mask": "255.255.255.0",
    "dns_servers": ["1.1.1.1"],
    "lease_time": 3600,
}


async def post(env, action, body):  # noqa: F811
    return await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{V5}/tr069/{action}",
        json=body,
        headers=env.headers["technician"],
    )


def device_trips(log: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The NBI requests of a change but the look at the changes held for the device."""
    return [(m, p) for m, p in log if not (m == "GET" and p.startswith("/tasks"))]


def posted(env) -> list[dict[str, Any]]:  # noqa: F811
    """Record the task bodies the simulator receives."""
    bodies: list[dict[str, Any]] = []
    inner = env.sim._post_task

    async def spy(device_id, params, body):  # type: ignore[no-untyped-def]
        bodies.append(
            {"task": json.loads(body) if body else None, "cr": "connection_request" in params}
        )
        return await inner(device_id, params, body)

    env.sim._post_task = spy
    return bodies


@pytest.mark.parametrize(
    ("action", "body"),
    [("wireless-lan", {"ssid": "Cuatro", "password": "cuatro viajes 4"}), ("lan-dhcp", DHCP)],
)
async def test_a_change_costs_four_nbi_requests_and_rereads_in_its_own_session(env, action, body):  # noqa: F811
    bodies = posted(env)
    before = len(env.sim.log)
    r = await post(env, action, body)
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "applied"
    log = env.sim.log[before:]
    # Besides, one look at the changes GenieACS holds for the device (none here).
    checks = [(m, p) for m, p in log if p.startswith("/tasks")]
    assert [m for m, _ in checks] == ["GET"], log
    trips = [(m, p) for m, p in log if not p.startswith("/tasks")]
    assert [m for m, _ in trips] == ["GET", "POST", "POST", "GET"], trips  # was 5: id, then values
    assert trips[0][1].startswith("/devices/?query=")
    setter, reread = bodies
    assert setter["task"]["name"] == "setParameterValues" and setter["cr"]
    assert reread["cr"] and reread["task"]["name"] == "provisions"
    written = [p[0] for p in setter["task"]["parameterValues"]]
    assert reread["task"]["provisions"] == [["refresh", p, t.REREAD_EVERY] for p in written]


async def test_a_device_that_ignores_the_write_is_still_a_502_mismatch(env):  # noqa: F811
    env.sim.devices[ACS_ID].ignore_writes = True
    before = len(env.sim.log)
    r = await post(env, "wireless-lan", {"ssid": "Ignored"})
    assert r.status_code == 502, r.text
    assert r.json()["error"] == "Read-back mismatch"
    assert "'Ignored'" in r.json()["details"] and "Anlix-EG8145" in r.json()["details"]
    assert len(device_trips(env.sim.log[before:])) == 4


async def test_a_faulted_set_is_the_devices_fault_and_nothing_applied(env):  # noqa: F811
    device = env.sim.devices[ACS_ID]
    device.fault, device.fault_code = True, "cwmp.9007"
    before = len(env.sim.log)
    r = await post(env, "wireless-lan", {"ssid": "Refused"})
    assert r.status_code == 502, r.text
    details = r.json()["details"]
    assert "cwmp.9007" in details and "Nothing was changed" in details
    assert env.sim.tasks == [] and env.sim.faults == []  # withdrawn: GenieACS will not retry it
    # read by serial, the set (faulted), its fault record, its withdrawal: no read-back
    assert [m for m, _ in device_trips(env.sim.log[before:])] == ["GET", "POST", "GET", "DELETE"]
    ssid = device.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]
    assert ssid["SSID"]["_value"] == "Anlix-EG8145"


async def test_a_passphrase_read_back_empty_is_applied_but_not_verified(env):  # noqa: F811
    env.sim.devices[ACS_ID].hidden = ("KeyPassphrase", "PreSharedKey")  # TR-098 hides it
    r = await post(env, "wireless-lan", {"ssid": "Oculta", "password": "no se ve 12345"})
    data = check(r, "wirelessLanSuccess")["data"]  # the contract's answer
    assert data["status"] == "applied" and data["wirelessLan"]["ssid"] == "Oculta"
    assert data["passwordVerified"] is False
    assert "no se ve 12345" not in r.text


async def test_a_passphrase_read_back_as_written_is_verified(env):  # noqa: F811
    r = await post(env, "wireless-lan", {"ssid": "Visible", "password": "se lee 123456"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["passwordVerified"] is True
    r = await post(env, "wireless-lan", {"ssid": "Sin clave"})
    assert r.status_code == 200, r.text
    assert "passwordVerified" not in r.json()["data"]  # no passphrase written


async def test_a_passphrase_read_back_different_is_a_masked_mismatch(env):  # noqa: F811
    device = env.sim.devices[ACS_ID]
    r = await post(env, "wireless-lan", {"ssid": "Primera", "password": "la primera 123"})
    assert r.status_code == 200, r.text
    device.ignore_writes = True
    r = await post(env, "wireless-lan", {"password": "la segunda 456"})
    assert r.status_code == 502, r.text
    assert "'********'" in r.json()["details"]
    assert "la primera" not in r.text and "la segunda" not in r.text


def test_the_read_back_overlays_only_the_written_parameters_on_the_document_before():
    from ponapi.actions.acs_flow import overlay

    before = {"_id": "d", "A": {"B": {"C": {"_value": 1}, "D": {"_value": 2}}, "E": {"_value": 3}}}
    fresh = {"_id": "d", "A": {"B": {"C": {"_value": 9}}}}
    merged = overlay(before, fresh, ["A.B.C", "A.E"])
    assert merged == {"_id": "d", "A": {"B": {"C": {"_value": 9}, "D": {"_value": 2}}}}
    assert before["A"]["B"]["C"] == {"_value": 1} and "E" in before["A"]  # left as it was


async def test_a_refused_read_back_does_not_say_nothing_was_changed():
    """The set ran (applied); a fault on the read-back's own task must not claim the change
    was not made."""
    from ponapi.acs.tasks import TaskOutcome
    from ponapi.actions.acs_flow import AcsRun
    from ponapi.errors import ApiError

    class Nbi:
        async def run_task(self, device_id, task, **kw):  # type: ignore[no-untyped-def]
            return TaskOutcome("faulted", "t1", "", "cwmp.9002 Internal error")

    import time as clock

    run = AcsRun(Nbi(), "dev", clock.monotonic() + 10, 1000, 0.1)  # type: ignore[arg-type]
    plan = t.Plan(tasks=[], readback=["InternetGatewayDevice.LANDevice.1.WLANConfiguration.1.SSID"])
    with pytest.raises(ApiError) as refused:
        await run.read_back(plan, {})
    details = refused.value.details
    assert "cwmp.9002" in details and "The change was sent" in details
    assert "Nothing was changed" not in details


async def test_a_diagnostic_reads_the_device_once_before_it_starts(env):  # noqa: F811
    """A ping: one read by serial (the device's id and what the plan needs together), the
    diagnostics object refreshed, the request set, the result asked for (a session each), one
    read of it: five NBI requests."""
    before = len(env.sim.log)
    r = await post(env, "diagnostic/ping", {"host": "192.0.2.1"})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "complete"
    log = env.sim.log[before:]
    assert [m for m, _ in log] == ["GET", "POST", "POST", "POST", "GET"], log  # was 6
    assert log[0][1].startswith("/devices/?query=") and "SerialNumber" in log[0][1]
