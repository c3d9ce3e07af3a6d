"""The action answers in the app's format: real results (the contract's routes on the GenieACS
simulator, and the result readers on real device dumps) rendered by ``render_action``, every
answer validated against ponapi/contract/app-wire.schema.json, with the keys the app prints."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from ponapi.actions import diagnostics as d
from ponapi.appwire.actions import (
    FACTORY_RESET_DOWNTIME_SECONDS,
    REBOOT_DOWNTIME_SECONDS,
    render_action,
)
from tests.test_actions_api import post
from tests.test_actions_planners import X6, XX230V, raw
from tests.test_actions_results import REQUESTED, _download
from tests.test_app_wire import SCHEMA
from tests.test_tr069_api import V5, env  # noqa: F401  (the fixture)

JOB = "3f2a" + "0" * 28
NOW = datetime(2026, 1, 1, 10, 0, 9, tzinfo=UTC)


def check(body: dict[str, Any], definition: str) -> dict[str, Any]:
    jsonschema.Draft202012Validator({**SCHEMA, "$ref": f"#/$defs/{definition}"}).validate(body)
    assert body["success"] is True and body["message"]
    return body["data"]


def ok(result: dict[str, Any]) -> dict[str, Any]:
    """A 200 of the contract's action routes."""
    return {"success": True, "data": result, "message": "x", "meta": {"jobId": JOB}}


def test_ping_from_a_real_completed_run():
    result = d.read_ping(raw(X6))
    answer = {"status": "complete", "requestedAt": "2026-01-01T10:00:00Z", **result.result}
    data = check(render_action("diagnostic/ping", ok(answer), NOW), "pingAnswer")
    assert (data["success_count"], data["failure_count"]) == (1, 9)
    assert (data["average_response_time"], data["min_response_time"]) == (2, 2)
    assert data["max_response_time"] == 2
    assert (data["task_id"], data["status"]) == (JOB, "complete")
    assert data["applied_at"] == "2026-01-01T10:00:00Z"


def test_traceroute_hops_from_a_real_run():
    result = d.read_traceroute(raw(XX230V))
    answer = {"status": "complete", "requestedAt": "2026-01-01T10:00:00Z", **result.result}
    data = check(render_action("diagnostic/traceroute", ok(answer), NOW), "tracerouteAnswer")
    assert [h["hop_number"] for h in data["hops"]] == [
        h["hopNumber"] for h in result.result["hops"]
    ]
    assert all(h["host"] and "response_time" in h for h in data["hops"])


def test_speed_test_numbers_and_no_jitter():
    result = d.read_speedtest(_download(raw(X6)), "download", requested_at=REQUESTED)
    answer = {"status": "complete", "requestedAt": "2026-01-01T10:00:00Z", **result.result}
    data = check(render_action("diagnostic/speedtest", ok(answer), NOW), "speedtestAnswer")
    assert isinstance(data["download_mbps"], float) and data["download_mbps"] > 0
    assert data["upload_mbps"] is None  # a download test measures no upload
    assert data["latency_ms"] == 12.5 and data["jitter_ms"] is None  # TR-143 has no jitter
    assert data["test_duration_seconds"] == 10.0


def test_reboot_measured_downtime_else_the_typical_one():
    came = {
        "status": "applied",
        "via": "acs",
        "requestedAt": "2026-01-01T10:00:00Z",
        "wentDownAt": "2026-01-01T10:00:01Z",
        "cameBack": True,
        "cameBackAt": "2026-01-01T10:00:46Z",
    }
    data = check(render_action("reboot", ok(came), NOW), "rebootAnswer")
    assert data["estimated_downtime_seconds"] == 45
    assert data["applied_at"] == "2026-01-01T10:00:46Z"
    sent = {"status": "sent", "via": "olt", "cameBack": None}
    data = check(render_action("reboot", ok(sent), NOW), "rebootAnswer")
    assert data["estimated_downtime_seconds"] == REBOOT_DOWNTIME_SECONDS
    assert data["applied_at"] == "2026-01-01T10:00:09Z"  # when it was sent: this answer


def test_factory_reset_warns_beside_and_inside_data():
    queued = {"status": "queued", "reason": "Device is offline", "taskId": "a" * 24, "note": "n"}
    body = render_action("factory-reset", ok(queued), NOW)
    data = check(body, "factoryResetAnswer")
    assert body["warning"] == data["warning"]
    assert data["task_id"] == "a" * 24 and data["applied_at"] is None  # not done yet
    assert data["estimated_downtime_seconds"] == FACTORY_RESET_DOWNTIME_SECONDS
    assert "queued" in body["message"] and "Device is offline" in body["message"]


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_admin_state_change(action):
    done = {"status": "applied", "via": "olt", "previousState": "enabled", "newState": "disabled"}
    data = check(render_action(action, ok(done), NOW), "adminStateAnswer")
    assert (data["previous_state"], data["new_state"]) == ("enabled", "disabled")
    same = {**done, "status": "unchanged", "previousState": "disabled"}
    data = check(render_action(action, ok(same), NOW), "adminStateAnswer")
    assert data["applied_at"] is None


def test_a_still_running_action_is_2xx_with_its_job():
    job = {"id": JOB, "kind": "action.reboot", "status": "running", "progress": 10}
    accepted = {"success": True, "data": job, "message": "Still running", "meta": {"location": "/"}}
    body = render_action("reboot", accepted, NOW)
    data = check(body, "rebootAnswer")
    assert (data["status"], data["task_id"]) == ("running", JOB)
    assert "still running" in body["message"]


async def test_real_actions_on_the_simulator_render_to_the_app_keys(env):  # noqa: F811
    r = await post(env, "diagnostic/ping", {"host": "8.8.8.8", "number_of_repetitions": 4})
    data = check(render_action("diagnostic/ping", r.json()), "pingAnswer")
    assert (data["success_count"], data["failure_count"]) == (4, 0)
    r = await post(env, "diagnostic/traceroute", {"host": "example.com", "max_hop_count": 30})
    data = check(render_action("diagnostic/traceroute", r.json()), "tracerouteAnswer")
    assert [h["hop_number"] for h in data["hops"]] == [1, 2, 3]
    assert all(isinstance(h["response_time"], int | float) for h in data["hops"])
    r = await post(env, "wireless-lan", {"ssid": "Casa", "channel": 6})
    data = check(render_action("wireless-lan", r.json()), "wirelessLanAnswer")
    assert data["status"] == "applied" and data["wireless_lan"]["ssid"] == "Casa"
    assert data["wireless_lan"]["channel"] == 6 and data["applied_at"]
    r = await post(env, "resync-config")
    data = check(render_action("resync-config", r.json()), "resyncAnswer")
    assert data["status"] == "applied" and data["applied_at"] == r.json()["data"]["completedAt"]
    r = await post(env, "reboot", {"confirm": True})
    data = check(render_action("reboot", r.json()), "rebootAnswer")
    assert data["status"] == "applied" and data["estimated_downtime_seconds"] >= 0
    r = await post(env, "factory-reset", {"confirm": True, "serial": V5}, role="admin")
    assert r.status_code == 429  # the reboot's cooldown: an error, not an answer to render


@pytest.mark.parametrize(("verified", "shown"), [(False, False), (True, True), (None, None)])
def test_a_passphrase_the_onu_does_not_reveal_is_said_so(verified, shown):
    from ponapi.actions.wifi import wlan_section

    section = wlan_section(raw(X6), "2.4GHz")  # a real read-back
    result: dict[str, Any] = {"status": "applied", "wirelessLan": section, "skipped": {}}
    if verified is not None:
        result["passwordVerified"] = verified
    body = render_action("wireless-lan", ok(result), NOW)
    data = check(body, "wirelessLanAnswer")
    assert data["password_verified"] is shown
    assert ("could not be verified" in body["message"]) is (verified is False)
