"""The TR-069 screen's buttons end to end: the app and the GenieACS simulator on loopback
(the simulator applies the tasks: values change, reboots reset the uptime, diagnostics
complete, offline devices keep tasks queued)."""

import asyncio

import pytest

from tests.test_tr069_api import NOKIA, V5, env  # noqa: F401  (the fixture)

ACS_ID = "00259E-EG8145V5-48575443A94196A5"


def url(env, serial, action):  # noqa: F811
    return f"/api/olts/{env.olt_id}/onus/{serial}/tr069/{action}"


async def post(env, action, body=None, role="technician", serial=V5, headers=None, **params):  # noqa: F811
    return await env.client.post(
        url(env, serial, action),
        json=body,
        params=params,
        headers={**env.headers[role], **(headers or {})},
    )


def device(env):  # noqa: F811
    return env.sim.devices[ACS_ID]


async def test_wifi_change_is_read_back_and_visible_in_the_next_stats(env):  # noqa: F811
    await env.stats(V5)  # cached now: the change must drop it
    r = await post(env, "wireless-lan", {"ssid": "Casa Nueva", "password": "correct horse 1"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "applied"
    assert data["wirelessLan"]["ssid"] == "Casa Nueva"
    assert "correct horse 1" not in r.text  # the passphrase is never echoed
    spv = [t for t in env.sim.log if t[0] == "POST"]
    assert spv, "a task was posted"
    stats = await env.stats(V5)
    assert stats.json()["data"]["wirelessLan"]["ssid"] == "Casa Nueva"


async def test_camel_case_keys_are_accepted(env):  # noqa: F811
    r = await post(
        env, "wireless-lan", {"ssid": "Otra", "authMode": "wpa2", "password": "12345678a"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["wirelessLan"]["ssid"] == "Otra"


async def test_invalid_field_is_400_naming_it_and_nothing_is_sent(env):  # noqa: F811
    before = env.sim.calls("/devices")
    r = await post(env, "wireless-lan", {"ssid": "x" * 33})
    assert r.status_code == 400
    assert r.json()["code"] == "INVALID_REQUEST" and "ssid" in r.json()["details"]
    r = await post(env, "diagnostic/ping", {"host": "8.8.8.8; rm -rf /"})
    assert r.status_code == 400 and "host" in r.json()["details"]
    assert env.sim.calls("/devices") == before


async def test_offline_device_change_is_queued_and_can_be_cancelled(env):  # noqa: F811
    device(env).online = False
    r = await post(env, "wireless-lan", {"ssid": "Later"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["status"] == "queued" and data["reason"] == "Device is offline"
    assert [t["_id"] for t in env.sim.tasks] == [data["taskId"]]
    assert "wirelessLan" not in data  # never reported as applied
    r = await env.client.delete(
        url(env, V5, f"tasks/{data['taskId']}"), headers=env.headers["technician"]
    )
    assert r.status_code == 200, r.text
    assert env.sim.tasks == []
    r = await env.client.delete(
        url(env, V5, f"tasks/{data['taskId']}"), headers=env.headers["technician"]
    )
    assert r.status_code == 404


async def test_faulted_spv_is_an_error_with_the_cwmp_fault(env):  # noqa: F811
    device(env).fault = True
    device(env).fault_code = "cwmp.9007"  # Invalid parameter value, as a CPE refuses an SPV
    r = await post(env, "wireless-lan", {"ssid": "Refused"})
    assert r.status_code == 502
    assert "cwmp.9007" in r.json()["details"]


async def test_readback_mismatch_shows_both_values_secrets_masked(env):  # noqa: F811
    device(env).ignore_writes = True
    r = await post(env, "wireless-lan", {"ssid": "Ignored", "password": "secretpass9"})
    assert r.status_code == 502, r.text
    body = r.json()
    assert body["error"] == "Read-back mismatch"
    assert "'Ignored'" in body["details"] and "Anlix-EG8145" in body["details"]
    assert "secretpass9" not in r.text


async def test_one_action_per_onu_409_names_the_running_job(env):  # noqa: F811
    device(env).session_delay = 1.0
    first = await post(env, "diagnostic/ping", {"host": "example.com"}, wait=0)
    assert first.status_code == 202, first.text
    job_id = first.json()["data"]["id"]
    assert first.headers["Location"] == f"/api/jobs/{job_id}"
    second = await post(env, "wireless-lan", {"ssid": "Busy"})
    assert second.status_code == 409
    assert job_id in second.json()["details"]
    for _ in range(100):  # the job ends by itself; the ONU is free again
        job = (
            await env.client.get(f"/api/jobs/{job_id}", headers=env.headers["technician"])
        ).json()
        if job["data"]["status"] == "done":
            break
        await asyncio.sleep(0.1)
    assert job["data"]["result"]["successCount"] == 4


async def test_idempotency_key_returns_the_first_result(env):  # noqa: F811
    key = {"Idempotency-Key": "abc-123"}
    r1 = await post(env, "diagnostic/ping", {"host": "1.1.1.1"}, headers=key)
    posts = sum(1 for m, t in env.sim.log if m == "POST")
    r2 = await post(env, "diagnostic/ping", {"host": "1.1.1.1"}, headers=key)
    assert r1.status_code == r2.status_code == 200
    assert r1.json()["meta"]["jobId"] == r2.json()["meta"]["jobId"]
    assert sum(1 for m, t in env.sim.log if m == "POST") == posts  # nothing sent again
    r3 = await post(env, "diagnostic/traceroute", {"host": "1.1.1.1"}, headers=key)
    assert r3.status_code == 422 and "Idempotency-Key" in r3.json()["details"]


async def test_an_idempotency_key_reused_with_another_body_is_refused(env):  # noqa: F811
    key = {"Idempotency-Key": "wifi-1"}
    first = {"ssid": "Primeira", "password": "first-pass-1"}
    r1 = await post(env, "wireless-lan", first, headers=key)
    assert r1.status_code == 200, r1.text
    posts = sum(1 for m, t in env.sim.log if m == "POST")
    r2 = await post(
        env, "wireless-lan", {"ssid": "Segunda", "password": "other-pass-2"}, headers=key
    )
    assert r2.status_code == 422, r2.text
    assert r2.json()["code"] == "INVALID_REQUEST" and "Idempotency-Key" in r2.json()["details"]
    assert sum(1 for m, t in env.sim.log if m == "POST") == posts  # nothing sent
    # the same body, keys in another order: the same request, the first job comes back
    r3 = await post(
        env, "wireless-lan", {"password": "first-pass-1", "ssid": "Primeira"}, headers=key
    )
    assert r3.status_code == 200 and r3.json()["meta"]["jobId"] == r1.json()["meta"]["jobId"]


async def test_roles(env):  # noqa: F811
    assert (await post(env, "wireless-lan", {"ssid": "V"}, role="viewer")).status_code == 403
    assert (await post(env, "reboot", {"confirm": True}, role="viewer")).status_code == 403
    body = {"confirm": True, "serial": V5}
    assert (await post(env, "factory-reset", body, role="technician")).status_code == 403
    assert (await post(env, "disable", {"confirm": True}, role="technician")).status_code == 403


async def test_ping_traceroute_results(env):  # noqa: F811
    r = await post(env, "diagnostic/ping", {"host": "8.8.8.8", "number_of_repetitions": 3})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert (d["status"], d["successCount"], d["failureCount"]) == ("complete", 3, 0)
    assert d["minResponseTime"] <= d["averageResponseTime"] <= d["maxResponseTime"]
    r = await post(env, "diagnostic/traceroute", {"host": "example.com"})
    assert r.status_code == 200, r.text
    hops = r.json()["data"]["hops"]
    assert [h["hopNumber"] for h in hops] == [1, 2, 3] and hops[0]["responseTime"] > 0


async def test_speedtest_not_configured_is_clear(env):  # noqa: F811
    r = await post(env, "diagnostic/speedtest", {"direction": "download"})
    assert r.status_code == 422
    assert "not configured" in r.json()["error"].lower()


@pytest.mark.parametrize(
    "env", [{"speedtest_download_url": "http://127.0.0.1:9/file.bin"}], indirect=True
)
async def test_speedtest_download(env):  # noqa: F811
    r = await post(env, "diagnostic/speedtest", {"direction": "download"})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert d["downloadMbps"] == pytest.approx(80.0, rel=0.01)  # 25 MB in 2.5 s
    assert d["latencyMs"] > 0


async def test_reboot_comes_back_then_cooldown(env):  # noqa: F811
    assert (await post(env, "reboot", {})).status_code == 400  # confirm required
    r = await post(env, "reboot", {"confirm": True})
    assert r.status_code == 200, r.text
    d = r.json()["data"]
    assert d["status"] == "applied" and d["cameBack"] is True and d["via"] == "acs"
    assert device(env).doc["InternetGatewayDevice"]["DeviceInfo"]["UpTime"]["_value"] == 0
    again = await post(env, "reboot", {"confirm": True})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0


async def test_factory_reset_needs_the_serial_and_restores_the_dump(env):  # noqa: F811
    r = await post(env, "wireless-lan", {"ssid": "Before reset"})
    assert r.status_code == 200
    wrong = await post(env, "factory-reset", {"confirm": True, "serial": NOKIA}, role="admin")
    assert wrong.status_code == 400 and "serial" in wrong.json()["details"]
    r = await post(env, "factory-reset", {"confirm": True, "serial": V5}, role="admin")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["bootstrapped"] is True
    stats = await env.stats(V5)
    assert stats.json()["data"]["wirelessLan"]["ssid"] == "Anlix-EG8145"


async def test_resync_and_dhcp(env):  # noqa: F811
    r = await post(env, "resync-config")
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "applied"
    body = {
        "dhcp_server_enable": True,
        "start_address": "192.168.18.100",
        "end_address": "192.168.18.150",
        "subnet_mask": "255.255.255.0",
        "dns_servers": ["1.1.1.1"],
        "lease_time": 3600,
    }
    r = await post(env, "lan-dhcp", body)
    assert r.status_code == 200, r.text
    d = r.json()["data"]["lanDhcpServer"]
    assert (d["dhcpMinAddr"], d["dhcpMaxAddr"], d["leaseTimeSec"]) == (
        "192.168.18.100",
        "192.168.18.150",
        "3600",
    )


async def test_audit_records_who_what_which_onu_and_masked_values(env):  # noqa: F811
    r = await post(env, "wireless-lan", {"ssid": "Audited", "password": "hidden-pass-77"})
    assert r.status_code == 200, r.text
    await env.app.state.ctx.audit.flush()
    r = await env.client.get(
        "/api/audit", headers=env.headers["admin"], params={"action": "action.wireless-lan"}
    )
    entries = r.json()["data"]
    assert "hidden-pass-77" not in r.text
    started = next(e for e in entries if e["result"] == "started")
    ended = next(e for e in entries if e["result"] == "applied")
    for e in (started, ended):
        assert (e["username"], e["target"]) == ("technician", f"olt {env.olt_id} onu {V5}")
    assert started["details"]["request"] == {"ssid": "Audited", "password": "********"}
    changes = {c["parameter"].rsplit(".", 1)[-1]: c for c in ended["details"]["changes"]}
    assert (changes["SSID"]["old"], changes["SSID"]["new"]) == ("Anlix-EG8145", "Audited")
    assert changes["PreSharedKey"]["old"] == changes["PreSharedKey"]["new"] == "********"


async def test_the_onu_lock_holds_across_replicas_sharing_the_cache():
    """Two services (two replicas) over one cache: the second action on the ONU gets 409."""
    from ponapi.actions.service import ActionService
    from ponapi.cache import MemoryCache
    from ponapi.config import Settings
    from ponapi.errors import ApiError
    from ponapi.jobs import Jobs
    from ponapi.serials import parse_serial

    class Audit:
        def record(self, *a, **k):
            pass

    async def nothing(olt_id, serial):
        pass

    cache = MemoryCache()
    settings = Settings(_env_file=None, secret_key="x" * 40)
    a, b = (ActionService(settings, cache, Jobs(cache, 60), Audit(), nothing) for _ in range(2))
    gate = asyncio.Event()

    async def slow(deadline):
        await gate.wait()
        return {"status": "applied"}

    class User:
        id, username = 1, "tech"

    serial = parse_serial(V5)
    first = await a.submit("reboot", User(), 1, serial, {}, slow, wait=0)
    assert not first.done
    with pytest.raises(ApiError) as err:
        await b.submit("ping", User(), 1, serial, {}, slow, wait=0)
    assert err.value.status == 409 and first.job["id"] in err.value.details
    gate.set()
    assert (await a.jobs.wait(first.job["id"], 5))["status"] == "done"
    again = await b.submit("ping", User(), 1, serial, {}, slow, wait=5)
    assert again.done


async def test_device_ids_with_percent_escapes_reach_the_device(env):  # noqa: F811
    # The Nokia's GenieACS id is 9075BC-G%2D1425G%2DA-ALCLFC265D6F: encoded once more in paths.
    nokia = next(d for i, d in env.sim.devices.items() if "%2D" in i)
    nokia.online = False
    r = await post(
        env, "wireless-lan", {"ssid": "Nokia-New", "password": "12345678abc"}, serial=NOKIA
    )
    assert r.status_code == 200, r.text
    assert r.json()["data"]["status"] == "queued"
    assert env.sim.tasks[-1]["device"] == nokia.id


@pytest.mark.parametrize(
    "host", ["fe80::1%;reboot", "fe80::1%$(reboot)", "::1%`id`", "fe80::1%|sh"]
)
@pytest.mark.parametrize("action", ["diagnostic/ping", "diagnostic/traceroute"])
async def test_diagnostic_host_with_a_zone_id_is_400_and_nothing_is_sent(env, action, host):  # noqa: F811
    before = env.sim.calls("/devices")
    r = await post(env, action, {"host": host})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "INVALID_REQUEST" and "host" in r.json()["details"]
    assert env.sim.calls("/devices") == before


async def test_ssid_with_a_direction_override_is_400_and_nothing_is_sent(env):  # noqa: F811
    before = env.sim.calls("/devices")
    r = await post(env, "wireless-lan", {"ssid": "Casa\u202eanA"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "INVALID_REQUEST" and "ssid" in r.json()["details"]
    assert env.sim.calls("/devices") == before


async def test_a_padded_body_leaves_the_audit_readable(env):  # noqa: F811
    r = await post(env, "wireless-lan", {"country_domain": "BR - " + "A" * 5000})
    assert r.status_code == 200, r.text
    await env.app.state.ctx.audit.flush()
    r = await env.client.get("/api/audit", headers=env.headers["admin"])
    assert r.status_code == 200, r.text
    started = next(
        e
        for e in r.json()["data"]
        if e["action"] == "action.wireless-lan" and e["result"] == "started"
    )
    assert started["details"]["request"] == {"country_domain": "BR"}  # validated, not raw
    assert "AAAA" not in r.text


async def test_an_unreadable_audit_row_is_listed_as_such(env):  # noqa: F811
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from ponapi.db.models import AuditEntry

    audit = env.app.state.ctx.audit
    row = {"at": datetime.now(UTC), "username": "x", "action": "action.wireless-lan"}
    async with audit.sessions() as db:
        await db.execute(insert(AuditEntry), [{**row, "details": '{"request": {"a": "AA'}])
        await db.commit()
    r = await env.client.get("/api/audit", headers=env.headers["admin"])
    assert r.status_code == 200, r.text
    entries = r.json()["data"]
    (broken,) = [e for e in entries if e["username"] == "x"]
    assert broken["details"] is None and broken["detailsUnreadable"] is True
    assert all(e["detailsUnreadable"] is False for e in entries if e is not broken)


def test_audit_details_are_bounded_and_always_json():
    import orjson

    from ponapi.audit import DETAILS_MAX, bounded_details

    for details in (
        {"request": {"country_domain": "BR - " + "A" * 5000}},
        {"k" * 300 + str(i): 'é"' * 3000 for i in range(40)},
        {"items": [{"x": "\\" * 500}] * 500},
    ):
        text = bounded_details(details)
        assert len(text) <= DETAILS_MAX
        assert orjson.loads(text)["truncated"] is True
    assert orjson.loads(bounded_details({"a": 1})) == {"a": 1}


async def audit_of(env, action):  # noqa: F811
    await env.app.state.ctx.audit.flush()
    r = await env.client.get("/api/audit", headers=env.headers["admin"], params={"action": action})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_a_viewers_refused_factory_reset_leaves_an_audit_row(env):  # noqa: F811
    r = await post(env, "factory-reset", {"confirm": True, "serial": V5}, role="viewer")
    assert r.status_code == 403
    (row,) = await audit_of(env, "action.factory-reset")
    assert (row["username"], row["result"]) == ("viewer", "FORBIDDEN")
    assert row["target"] == f"olt {env.olt_id} onu {V5}" and row["details"]["refused"] is True


async def test_refusals_are_audited_and_repeats_aggregated(env):  # noqa: F811
    for _ in range(50):  # a flood of one refusal: one row now, its repeats counted
        assert (await post(env, "wireless-lan", {"ssid": "x" * 33})).status_code == 400
    key = {"Idempotency-Key": "k-1"}
    assert (await post(env, "diagnostic/ping", {"host": "1.1.1.1"}, headers=key)).status_code == 200
    reused = await post(env, "diagnostic/traceroute", {"host": "1.1.1.1"}, headers=key)
    assert reused.status_code == 422
    rows = await audit_of(env, "action.wireless-lan")
    assert [(r["result"], r["details"]["refused"]) for r in rows] == [("INVALID_REQUEST", True)]
    audit = env.app.state.ctx.audit
    for seen in audit._refusals.values():  # the minute is over: the repeats are written
        seen.since -= 61
    rows = await audit_of(env, "action.wireless-lan")
    assert sorted(r["details"].get("repeats", 1) for r in rows) == [1, 49]
    (row,) = await audit_of(env, "action.traceroute")  # a reused key is audited too
    assert (row["result"], row["details"]["status"]) == ("INVALID_REQUEST", 422)


async def test_a_401_on_an_action_route_leaves_a_bounded_audit_row(env):  # noqa: F811
    target = "/api/olts/{olt_id}/onus/{onu_serial}/tr069/reboot"
    bad = {"Authorization": "Bearer not-a-token"}
    for _ in range(30):  # a flood of refusals with a bad token: one row, then the repeats
        r = await env.client.post(url(env, V5, "reboot"), json={"confirm": True}, headers=bad)
        assert r.status_code == 401
    r = await env.client.post(url(env, V5, "reboot"), json={"confirm": True})  # no token
    assert r.status_code == 401
    (row,) = await audit_of(env, "access.unauthorized")  # the route's template, no user
    assert (row["result"], row["target"], row["username"]) == ("UNAUTHORIZED", target, "")
    assert row["details"]["token"] == "sent" and row["details"]["refused"] is True
    audit = env.app.state.ctx.audit
    for seen in audit._refusals.values():
        seen.since -= 61
    rows = await audit_of(env, "access.unauthorized")
    assert sorted(x["details"].get("repeats", 0) for x in rows) == [0, 30]
    # a read refused 401 is not a write attempt
    assert (await env.client.get(f"/api/olts/{env.olt_id}/onus", headers=bad)).status_code == 401
    assert len(await audit_of(env, "access.unauthorized")) == 2
