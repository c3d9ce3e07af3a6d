"""A slow ACS session and changes GenieACS already holds, end to end (the app and the GenieACS
simulator on loopback): a session that outlasts ponapi's NBI wait is answered ``in-progress``
with its task id and followed to its end in the job (never a 504); the reboot cooldown starts
once the task is sent; a new change on an ONU with queued changes is refused unless the caller
cancels them or queues behind them; a queued factory reset supersedes them."""

import asyncio

import pytest

from tests.test_actions_api import audit_of, device, post
from tests.test_tr069_api import V5, env  # noqa: F401  (the fixture)

# ponapi's NBI wait: 0.5 s for the session to start plus 0.5 s: a 4 s session outlasts it.
SLOW = {
    "genieacs_timeout_seconds": 0.5,
    "genieacs_connection_request_timeout_ms": 500,
    "action_poll_seconds": 0.2,
}


DHCP = {
    "dhcp_server_enable": True,
    "start_address": "192.168.18.100",
    "end_address": "192.168.18.150",
    "subnet_mask": "255.255.255.0",
    "dns_servers": ["1.1.1.1"],
    "lease_time": 3600,
}


async def job_end(env, job_id):  # noqa: F811
    for _ in range(150):
        r = await env.client.get(f"/api/jobs/{job_id}", headers=env.headers["admin"])
        job = r.json()["data"]
        if job["status"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the job did not end")


@pytest.mark.parametrize("env", [SLOW], indirect=True)
async def test_slow_reboot_is_in_progress_with_its_task_then_followed(env):  # noqa: F811
    device(env).session_delay = 4.0
    r = await post(env, "reboot", {"confirm": True}, wait=2.5)
    assert r.status_code == 202, r.text  # not 504 "did not answer in time"
    job = r.json()["data"]
    (held,) = env.sim.tasks
    assert job["result"]["status"] == "in-progress"
    assert job["result"]["taskId"] == held["_id"] and held["name"] == "reboot"
    again = await post(env, "reboot", {"confirm": True})  # the cooldown started when sent
    assert again.status_code == 429, again.text
    done = await job_end(env, job["id"])
    assert done["status"] == "done", done
    result = done["result"]
    assert result["status"] == "applied" and result["cameBack"] is True
    assert result["wentDownAt"] is None  # the session's end was not reported by the ACS
    assert env.sim.tasks == []


@pytest.mark.parametrize("env", [SLOW], indirect=True)
async def test_slow_wifi_session_is_followed_and_read_back(env):  # noqa: F811
    device(env).session_delay = 4.0
    r = await post(env, "wireless-lan", {"ssid": "Slow Session"}, wait=2.5)
    assert r.status_code == 202, r.text
    assert r.json()["data"]["result"]["status"] == "in-progress"
    device(env).session_delay = 0.02  # the read-back's session is quick
    done = await job_end(env, r.json()["data"]["id"])
    assert done["status"] == "done", done
    assert done["result"]["status"] == "applied"
    assert done["result"]["wirelessLan"]["ssid"] == "Slow Session"


@pytest.mark.parametrize("env", [SLOW], indirect=True)
async def test_the_app_sees_a_slow_session_in_progress(env):  # noqa: F811
    device(env).session_delay = 4.0
    r = await env.client.post(
        f"/api/olts/realtime/{env.olt_id}/onus/{V5}/tr069/reboot",
        json={"confirm": True},
        params={"wait": 2.5},
        headers=env.headers["technician"],
    )
    assert r.status_code == 202, r.text
    data = r.json()["data"]
    assert data["status"] == "in-progress"
    assert data["acs_task_id"] == env.sim.tasks[0]["_id"]
    assert data["task_id"] == data["job_id"]  # the job to follow
    assert "in progress" in r.json()["message"]
    await job_end(env, data["job_id"])


@pytest.mark.parametrize("env", [SLOW], indirect=True)
async def test_a_faulted_slow_session_fails_the_job_and_withdraws_the_task(env):  # noqa: F811
    device(env).session_delay = 3.0
    device(env).fault = True
    device(env).fault_code = "cwmp.9007"
    r = await post(env, "wireless-lan", {"ssid": "Refused later"}, wait=2.0)
    assert r.status_code == 202, r.text
    done = await job_end(env, r.json()["data"]["id"])
    assert done["status"] == "failed"
    assert "cwmp.9007" in done["error"]["details"]
    assert env.sim.tasks == [] and env.sim.faults == []


async def test_a_new_change_behind_a_queued_one_is_409_naming_it(env):  # noqa: F811
    device(env).online = False
    first = (await post(env, "wireless-lan", {"ssid": "Later"})).json()["data"]
    assert first["status"] == "queued"
    r = await post(env, "wireless-lan", {"ssid": "Later still"})
    assert r.status_code == 409, r.text
    assert first["taskId"] in r.json()["details"] and "setParameterValues" in r.json()["details"]
    assert r.json()["error"] == "Changes are queued for this ONU"
    r = await post(env, "lan-dhcp", DHCP)
    assert r.status_code == 409
    assert [t["_id"] for t in env.sim.tasks] == [first["taskId"]]  # nothing more queued


async def test_on_queued_cancel_deletes_them_first_audited(env):  # noqa: F811
    device(env).online = False
    first = (await post(env, "wireless-lan", {"ssid": "Later"})).json()["data"]
    r = await post(env, "wireless-lan", {"ssid": "Instead"}, onQueued="cancel")
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "queued"
    assert [x["taskId"] for x in data["cancelled"]] == [first["taskId"]]
    assert [t["_id"] for t in env.sim.tasks] == [data["taskId"]]
    (row,) = await audit_of(env, "action.cancel-task")
    assert row["result"] == "ok" and row["details"]["taskId"] == first["taskId"]


async def test_a_change_refused_when_planned_cancels_nothing(env):  # noqa: F811
    """onQueued=cancel deletes the queued changes only once the new one is planned: a
    request the device cannot take (WPA3 on a TR-098 device) leaves them in place."""
    device(env).online = False
    first = (await post(env, "wireless-lan", {"ssid": "Later"})).json()["data"]
    r = await post(
        env, "wireless-lan", {"authMode": "wpa3", "password": "12345678a"}, onQueued="cancel"
    )
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "TR069_NOT_SUPPORTED" and "WPA3" in r.json()["details"]
    assert [t["_id"] for t in env.sim.tasks] == [first["taskId"]]
    assert await audit_of(env, "action.cancel-task") == []


async def test_an_actions_own_read_back_left_queued_is_not_a_queued_change():
    from ponapi.actions import queue
    from ponapi.actions import tasks as t

    reread = {"_id": "a" * 24, **t.reread(["Device.WiFi.SSID.1.SSID"])}
    change = {"_id": "b" * 24, "name": "provisions", "provisions": [["value", "X", "1"]]}
    setter = {"_id": "c" * 24, "name": "setParameterValues", "parameterValues": []}
    assert queue.queued_changes([reread, change, setter]) == [change, setter]


async def test_following_a_task_without_an_id_is_never_applied():
    import time as clock

    from ponapi.acs.tasks import TaskOutcome
    from ponapi.actions.acs_flow import AcsRun

    run = AcsRun(object(), "dev", clock.monotonic() + 10, 1000, 0.1)  # type: ignore[arg-type]
    out = await run.follow({"name": "reboot"}, TaskOutcome("in-progress", None, "late 202"))
    assert out.state == "queued" and out.task_id is None


async def test_on_queued_queue_behind_accepts_the_change(env):  # noqa: F811
    device(env).online = False
    await post(env, "wireless-lan", {"ssid": "Later"})
    r = await post(env, "wireless-lan", {"ssid": "After it"}, onQueued="queue-behind")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "queued" and len(env.sim.tasks) == 2
    bad = await post(env, "wireless-lan", {"ssid": "x"}, onQueued="sometimes")
    assert bad.status_code == 400


async def test_a_queued_factory_reset_supersedes_the_queued_changes(env):  # noqa: F811
    device(env).online = False
    wifi = (await post(env, "wireless-lan", {"ssid": "Later"})).json()["data"]
    body = {"confirm": True, "serial": V5}
    refused = await post(env, "factory-reset", body, role="admin")
    assert refused.status_code == 409 and wifi["taskId"] in refused.json()["details"]
    r = await post(env, "factory-reset", body, role="admin", onQueued="queue-behind")
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "queued"
    assert [x["taskId"] for x in data["superseded"]] == [wifi["taskId"]]
    assert [t["name"] for t in env.sim.tasks] == ["factoryReset"]
    # The DHCP plan would be computed against pre-reset values: refused, naming the reset.
    r = await post(env, "lan-dhcp", DHCP)
    assert r.status_code == 409 and data["taskId"] in r.json()["details"]


async def test_the_app_route_takes_on_queued_too(env):  # noqa: F811
    device(env).online = False
    await post(env, "wireless-lan", {"ssid": "Later"})
    r = await env.client.post(
        f"/api/olts/realtime/{env.olt_id}/onus/{V5}/tr069/wireless-lan",
        json={"ssid": "Instead"},
        params={"onQueued": "cancel"},
        headers=env.headers["technician"],
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["data"]["cancelled"]) == 1 and len(env.sim.tasks) == 1


async def test_a_reboot_reports_when_the_acs_saw_its_session_end(env):  # noqa: F811
    r = await post(env, "reboot", {"confirm": True})
    assert r.status_code == 200, r.text
    assert isinstance(r.json()["data"]["wentDownAt"], str)


async def test_resync_reports_provisions_only_from_a_new_session(env):  # noqa: F811
    r = await post(env, "resync-config")
    data = r.json()["data"]
    assert data["provisionsReapplied"] is True and data["sessionAt"]
    # A device whose ACS record shows no newer session than before: not claimed.
    device(env).doc["_lastInform"] = "2099-01-01T00:00:00.000Z"
    r = await post(env, "resync-config")
    data = r.json()["data"]
    assert data["provisionsReapplied"] is False and data["sessionAt"] is None
    assert "no new session" in data["provisionsReason"]


async def test_on_queued_is_in_the_openapi_document_of_both_route_sets(env):  # noqa: F811
    spec = (await env.client.get("/openapi.json")).json()
    for base in ("/api/olts/{olt_id}", "/api/olts/realtime/{olt_id}"):
        for action in ("wireless-lan", "lan-dhcp", "factory-reset"):
            op = spec["paths"][f"{base}/onus/{{onu_serial}}/tr069/{action}"]["post"]
            (param,) = [p for p in op["parameters"] if p["name"] == "onQueued"]
            assert param["in"] == "query"
            assert "queue-behind" in str(param["schema"])
