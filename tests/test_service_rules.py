"""Rules of the stats service an operator relies on: an ACS failure is never hidden behind the
CLI fallback's answer, secrets follow the reader's role, OLT sessions end with their OLT,
discovery is one at a time per OLT."""

import asyncio
import shutil

import httpx
import pytest

from ponapi.main import create_app
from ponapi.sim.olt import OltSim, demo_onus
from tests.conftest import add_user, make_settings, token_for
from tests.fixtures import validate_stats

V5 = "HWTCA94196A5"  # in the ACS simulator, not on the OLT simulator
X6 = "HWTCA97D7DAA"
OLT_PASSWORD = "olt-Secret-77"


class Env:
    def __init__(self, app, client, headers, olt_id, acs, olt):
        self.app, self.client, self.headers, self.olt_id = app, client, headers, olt_id
        self.acs, self.olt = acs, olt

    async def stats(self, serial, role="technician", **params):
        r = await self.client.get(
            f"/api/olts/{self.olt_id}/onus/{serial}/tr069-stats",
            params=params,
            headers=self.headers[role],
        )
        validate_stats(r.json())
        return r


@pytest.fixture
async def make(tmp_path, sqlite_template, sim):
    stack = []

    async def build(source="auto", onus=2, **settings_kw):
        olt = OltSim(password=OLT_PASSWORD, onus=demo_onus("huawei", onus))
        port = await olt.start_ssh()
        db = tmp_path / f"svc{len(stack)}.db"
        shutil.copy(sqlite_template, db)
        settings_kw.setdefault("genieacs_url", sim.url)
        app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}", **settings_kw))
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://t",
        )
        stack.append((olt, lifespan, client))
        headers = {}
        for role in ("admin", "technician", "viewer"):
            await add_user(app, role, role)
            headers[role] = {"Authorization": f"Bearer {await token_for(client, role)}"}
        r = await client.post(
            "/api/olts",
            headers=headers["admin"],
            json={
                "name": "OLT 1",
                "brand": "huawei",
                "model": olt.model,
                "host": "127.0.0.1",
                "port": port,
                "protocol": "ssh",
                "username": "noc",
                "password": OLT_PASSWORD,
                "statsSource": source,
            },
        )
        olt_id = r.json()["data"]["id"]
        serials = [V5, X6] + [u.serial.canonical for u in olt.onus]
        for serial in serials:
            await client.post(
                f"/api/olts/{olt_id}/onus", headers=headers["admin"], json={"serial": serial}
            )
        return Env(app, client, headers, olt_id, sim, olt)

    yield build
    for olt, lifespan, client in stack:
        await client.aclose()
        await lifespan.__aexit__(None, None, None)
        await olt.stop()


async def test_auto_olt_keeps_the_acs_error_when_the_cli_fallback_cannot_find_the_onu(make):
    env = await make("auto", stats_cache_ttl_seconds=0.0)
    assert (await env.stats(V5)).status_code == 200  # from the ACS, cached
    env.acs.mode = "http500"
    r = await env.stats(V5)  # the OLT does not know V5: the fallback says ONU_NOT_FOUND
    assert r.status_code == 200, r.text
    meta = r.json()["meta"]
    assert meta["stale"] is True and meta["cached"] is True
    assert meta["staleReason"].startswith("UPSTREAM_ERROR")
    r = await env.stats(X6)  # nothing cached: the ACS's error, not the fallback's 404
    assert (r.status_code, r.json()["code"]) == (502, "UPSTREAM_ERROR")
    assert "ONU_NOT_FOUND" in r.json()["details"]  # what the fallback said is kept too


def _set_wifi_password(acs, value):
    dev = acs.device_by_serial("48575443A94196A5")
    wlc = dev.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WLANConfiguration"]["1"]
    stamp = "2023-03-28T15:42:30.059Z"
    wlc["PreSharedKey"] = {
        "1": {"PreSharedKey": {"_value": value, "_type": "xsd:string", "_timestamp": stamp}}
    }


async def _wait_job(env, location, role="technician"):
    for _ in range(200):
        job = (await env.client.get(location, headers=env.headers[role])).json()["data"]
        if job["status"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("job did not finish")


async def test_a_demoted_user_reads_their_old_jobs_without_secrets(make):
    env = await make("acs")
    _set_wifi_password(env.acs, "clave-secreta")
    base = f"/api/olts/{env.olt_id}/onus/{V5}"
    refresh = await env.client.post(
        f"{base}/tr069-stats/refresh", headers=env.headers["technician"]
    )
    survey = await env.client.post(f"{base}/wifi-survey", headers=env.headers["technician"])
    jobs = [refresh.headers["Location"], survey.headers["Location"]]
    for location in jobs:
        job = await _wait_job(env, location)
        assert job["status"] == "done", job
        assert job["result"]["data"]["wirelessLan"]["password"] == "clave-secreta"
    users = (await env.client.get("/api/users", headers=env.headers["admin"])).json()["data"]
    tech_id = next(u["id"] for u in users if u["username"] == "technician")
    r = await env.client.patch(
        f"/api/users/{tech_id}", headers=env.headers["admin"], json={"role": "viewer"}
    )
    assert r.status_code == 200, r.text
    env.headers["technician"] = {
        "Authorization": f"Bearer {await token_for(env.client, 'technician')}"
    }
    for location in jobs:
        r = await env.client.get(location, headers=env.headers["technician"])
        assert r.status_code == 200
        assert r.json()["data"]["result"]["data"]["wirelessLan"]["password"] == ""
        assert "clave-secreta" not in r.text
        admin = await env.client.get(location, headers=env.headers["admin"])
        assert admin.json()["data"]["result"]["data"]["wirelessLan"]["password"] == "clave-secreta"


async def _sessions_become(olt, count):
    for _ in range(100):
        if olt.active == count:
            return True
        await asyncio.sleep(0.02)
    return False


async def test_an_olts_cli_sessions_end_when_its_connection_changes_or_it_is_deleted(make):
    env = await make("cli")
    serial = env.olt.onus[0].serial.canonical
    url = f"/api/olts/{env.olt_id}"
    admin = env.headers["admin"]
    assert (await env.stats(serial)).status_code == 200
    assert env.olt.active == 1  # a logged-in session, kept for the next read
    await env.client.patch(url, headers=admin, json={"name": "renamed"})
    assert not await _sessions_become(env.olt, 0)  # a rename keeps it
    r = await env.client.patch(url, headers=admin, json={"password": OLT_PASSWORD})
    assert r.status_code == 200
    assert await _sessions_become(env.olt, 0)  # new credentials: the old login ends now
    other = env.olt.onus[1].serial.canonical  # not cached: read over a new login
    assert (await env.stats(other)).status_code == 200
    assert env.olt.active == 1
    assert (await env.client.delete(url, headers=admin)).status_code == 204
    assert await _sessions_become(env.olt, 0)


async def test_concurrent_discoveries_of_one_olt_join_the_running_one(make):
    env = await make("cli", onus=8, rate_limit_discover_per_minute=1000)
    url = f"/api/olts/{env.olt_id}/onus/discover"
    tech = env.headers["technician"]
    assert (await env.client.post(url, headers=tech)).status_code == 200  # logs in
    before = len(env.olt.commands)
    assert (await env.client.post(url, headers=tech)).status_code == 200
    one = len(env.olt.commands) - before  # the commands of one discovery
    assert one > 0
    env.olt.command_delay = 0.05
    before = len(env.olt.commands)
    answers = await asyncio.gather(*(env.client.post(url, headers=tech) for _ in range(10)))
    assert [r.status_code for r in answers] == [200] * 10
    assert len(env.olt.commands) - before == one  # ten calls, one discovery
    assert {len(r.json()["data"]["onus"]) for r in answers} == {8}


async def test_discovery_has_a_per_user_rate_limit(make):
    env = await make("cli", onus=2, rate_limit_discover_per_minute=2)
    url = f"/api/olts/{env.olt_id}/onus/discover"
    codes = [(await env.client.post(url, headers=env.headers["technician"])) for _ in range(3)]
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2].json()["code"] == "RATE_LIMITED" and "Retry-After" in codes[2].headers
    # Another user has their own allowance.
    assert (await env.client.post(url, headers=env.headers["admin"])).status_code == 200


NOKIA = "ALCLFC265D6F"


async def _audit(env, action):
    await env.app.state.ctx.audit.flush()
    r = await env.client.get(
        "/api/audit", headers=env.headers["admin"], params={"action": action, "limit": 100}
    )
    return r.json()["data"]


async def test_a_jobs_outcome_is_audited_when_it_ends(make):
    env = await make("acs")
    await env.client.post(
        f"/api/olts/{env.olt_id}/onus", headers=env.headers["admin"], json={"serial": NOKIA}
    )
    env.acs.device_by_serial(NOKIA).online = False
    r = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{NOKIA}/wifi-survey", headers=env.headers["technician"]
    )
    job = await _wait_job(env, r.headers["Location"])
    assert job["status"] == "failed" and job["error"]["code"] == "UPSTREAM_ERROR"
    rows = await _audit(env, "wifi.survey")
    assert sorted(row["result"] for row in rows) == ["UPSTREAM_ERROR", "accepted"]
    assert "ok" not in [row["result"] for row in rows]
    r = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats/refresh", headers=env.headers["technician"]
    )
    assert (await _wait_job(env, r.headers["Location"]))["status"] == "done"
    rows = await _audit(env, "stats.refresh")
    assert sorted(row["result"] for row in rows) == ["accepted", "ok"]


async def test_jobs_that_cannot_succeed_are_refused_up_front(make):
    env = await make("cli")
    tech = env.headers["technician"]
    base = f"/api/olts/{env.olt_id}/onus"
    r = await env.client.post(
        f"{base}/{env.olt.onus[0].serial.canonical}/wifi-survey", headers=tech
    )
    assert (r.status_code, r.json()["code"]) == (422, "TR069_NOT_SUPPORTED")
    acs_env = await make("acs")
    unknown = "HWTC00000001"  # registered, but no ACS has it
    await acs_env.client.post(
        f"/api/olts/{acs_env.olt_id}/onus",
        headers=acs_env.headers["admin"],
        json={"serial": unknown},
    )
    base = f"/api/olts/{acs_env.olt_id}/onus/{unknown}"
    for path in ("tr069-stats/refresh", "wifi-survey"):
        r = await acs_env.client.post(f"{base}/{path}", headers=acs_env.headers["technician"])
        assert (r.status_code, r.json()["code"]) == (422, "TR069_NOT_SUPPORTED"), path
    assert not [row for row in await _audit(acs_env, "stats.refresh")]  # no job was started


@pytest.mark.parametrize("cooldown", [120.0])
async def test_wifi_scans_of_one_onu_have_a_cooldown(make, cooldown):
    env = await make("acs", survey_cooldown_seconds=cooldown, rate_limit_survey_per_minute=100)
    url = f"/api/olts/{env.olt_id}/onus/{V5}/wifi-survey"
    first = await env.client.post(url, headers=env.headers["technician"])
    assert first.status_code == 202
    again = await env.client.post(url, headers=env.headers["admin"])  # another user, same ONU
    assert (again.status_code, again.json()["code"]) == (429, "RATE_LIMITED")
    assert 0 < int(again.headers["Retry-After"]) <= cooldown + 1
    assert (await _wait_job(env, first.headers["Location"]))["status"] == "done"
    x6 = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{X6}/wifi-survey", headers=env.headers["technician"]
    )
    assert x6.status_code == 202  # the cooldown is per ONU


async def test_concurrent_scans_in_a_process_share_one_scan(make):
    env = await make("acs", survey_cooldown_seconds=0.0, rate_limit_survey_per_minute=100)
    acs = env.app.state.ctx.stats.acs
    started = []
    run_task = acs.run_task

    async def counted(device_id, task, **kw):
        if task["name"] == "setParameterValues":  # scans are started with setParameterValues
            started.append(device_id)
        return await run_task(device_id, task, **kw)

    acs.run_task = counted
    url = f"/api/olts/{env.olt_id}/onus/{V5}/wifi-survey"
    answers = await asyncio.gather(
        *(env.client.post(url, headers=env.headers["technician"]) for _ in range(3))
    )
    jobs = [await _wait_job(env, r.headers["Location"]) for r in answers]
    assert [j["status"] for j in jobs] == ["done"] * 3
    assert len(started) == 1  # three jobs, one scan


async def test_live_reads_have_one_role_rule(make):
    env = await make("acs")
    url = f"/api/olts/{env.olt_id}/onus/{V5}/tr069-stats"
    viewer, tech = env.headers["viewer"], env.headers["technician"]
    r = await env.client.get(url, params={"refresh": "true"}, headers=viewer)
    assert (r.status_code, r.json()["code"]) == (403, "FORBIDDEN")
    r = await env.client.post(f"{url}/refresh", headers=viewer)
    assert (r.status_code, r.json()["code"]) == (403, "FORBIDDEN")
    assert (await env.client.get(url, headers=viewer)).status_code == 200  # plain reads stay
    r = await env.client.get(url, params={"refresh": "true"}, headers=tech)
    assert r.status_code == 200 and r.json()["meta"]["refresh"]["status"] == "done"
    assert (await env.client.post(f"{url}/refresh", headers=tech)).status_code == 202


async def test_a_cli_live_read_says_how_it_went(make):
    env = await make("cli")
    serial = env.olt.onus[0].serial.canonical
    r = await env.stats(serial, refresh="true")
    assert r.json()["meta"]["refresh"] == {"requested": True, "status": "done", "reason": "ok"}
    again = (await env.stats(serial, refresh="true")).json()["meta"]["refresh"]
    assert again["status"] == "cooldown" and again["reason"].startswith("This ONU was read live")


async def test_answers_from_the_cooldown_spend_no_refresh_limit(make):
    env = await make("acs", rate_limit_refresh_per_minute=2)
    first = await env.stats(V5, refresh="true")
    assert first.json()["meta"]["refresh"]["status"] == "done"
    for _ in range(4):
        r = await env.stats(V5, refresh="true")
        assert r.status_code == 200, r.text
        assert r.json()["meta"]["refresh"]["status"] == "cooldown"
    assert (await env.stats(X6, refresh="true")).status_code == 200  # the 2nd live read
    r = await env.stats(env.olt.onus[0].serial.canonical, refresh="true")
    assert (r.status_code, r.json()["code"]) == (429, "RATE_LIMITED")  # the 3rd


async def test_the_cooldown_reason_does_not_claim_a_live_read_that_only_queued(make):
    env = await make("acs")
    await env.client.post(
        f"/api/olts/{env.olt_id}/onus", headers=env.headers["admin"], json={"serial": NOKIA}
    )
    env.acs.device_by_serial(NOKIA).online = False
    first = (await env.stats(NOKIA, refresh="true")).json()["meta"]["refresh"]
    assert first["status"] == "queued"
    again = (await env.stats(NOKIA, refresh="true")).json()["meta"]["refresh"]
    assert again["status"] == "cooldown"
    assert "read live" not in again["reason"] and "did not answer" in again["reason"]
    assert "Device is offline" in again["reason"]


async def test_an_onu_the_olt_reports_offline_is_said_to_be_offline(make):
    env = await make("cli")
    up, down = env.olt.onus[0], env.olt.onus[1]
    env.olt.onus[1] = type(down)(**{**down.__dict__, "online": False})
    assert (await env.stats(up.serial.canonical)).json()["meta"]["device"]["online"] is True
    r = await env.stats(down.serial.canonical)
    assert r.status_code == 200, r.text
    meta = r.json()["meta"]
    assert meta["device"]["online"] is False
    empty = [name for name, value in r.json()["data"].items() if value is None]
    assert empty  # an offline ONU's WAN and Wi-Fi cannot be read
    for name in empty:
        assert meta["sections"][name]["status"] == "unavailable", name
        assert "offline" in meta["sections"][name]["reason"]
    assert "absent" not in {s["status"] for s in meta["sections"].values()}


@pytest.mark.parametrize("stale_after", [86400.0, 0.0])
async def test_the_age_of_the_data_is_visible_and_old_data_is_flagged(make, stale_after):
    env = await make("acs", data_stale_after_seconds=stale_after)
    meta = (await env.stats(V5)).json()["meta"]
    assert meta["device"]["lastInform"] == "2023-03-28T15:42:30Z"  # the real dump's inform
    assert meta["device"]["lastInformAgeSeconds"] > 3 * 365 * 86400
    assert meta["device"]["lastInformAgo"].endswith("ago")
    general = meta["sections"]["general"]
    if stale_after:
        assert general["stale"] is True and "2023-03-28T15:42:30Z" in general["warning"]
    else:
        assert "stale" not in general  # 0 turns the warning off
    cli = await make("cli", data_stale_after_seconds=stale_after)
    fresh = (await cli.stats(cli.olt.onus[0].serial.canonical)).json()["meta"]
    assert not any(s.get("stale") for s in fresh["sections"].values())  # read just now


async def test_a_sections_filter_naming_nothing_is_an_error(make):
    env = await make("acs")
    for blank in (" , ", ",", " "):
        r = await env.stats(V5, sections=blank)
        assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST"), blank
    assert env.acs.calls() == 0


def _timestamps(node):
    if not isinstance(node, dict):
        return []
    own = [v for k, v in node.items() if k == "_timestamp"]
    return own + [t for v in node.values() for t in _timestamps(v)]


async def test_the_demo_shows_its_old_dumps_as_current_and_says_so():
    from datetime import UTC, datetime

    from ponapi.demo import shift_to_now, start_simulators
    from ponapi.sim.genieacs import bundled_documents

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for doc in bundled_documents():
        assert doc["_lastInform"] < "2026"  # the real dumps are old
        shifted = shift_to_now(doc, now)
        assert shifted["_lastInform"].startswith("2026-12-01T12:00:00")
        stamps = _timestamps(shifted)
        assert stamps and max(stamps) <= "2026-12-01T12:00:00.999Z"
    demo = await start_simulators()
    try:
        informs = [d.doc["_lastInform"] for d in demo.acs.devices.values()]
        assert min(informs) >= datetime.now(UTC).strftime("%Y-%m-%d")
    finally:
        await demo.acs.stop()
        await demo.huawei.stop()
        await demo.zte.stop()


def _on_the_olt(env, serial):
    """The ACS's ONU also on the OLT simulator (so both sources know it)."""
    from ponapi.serials import parse_serial
    from ponapi.sim.olt import SimOnu

    onu = SimOnu(parse_serial(serial), 0, 1, 0, 9, rx_power=-21.43, tx_power=2.11)
    env.olt.onus.append(onu)
    return onu


async def test_auto_acs_read_gets_the_olts_optical_view_from_a_background_refresh(make):
    env = await make("auto")
    _on_the_olt(env, V5)
    service = env.app.state.ctx.stats
    r = await env.stats(V5)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["meta"]["source"] == "genieacs"
    g, gm = body["data"]["general"], body["meta"]["sections"]["general"]
    assert g["opticalPowerRx"] != "-21.43 dBm"  # the ONU's own report
    assert gm["fieldSources"]["opticalPowerRx"] == "genieacs"  # the OLT not read yet
    assert "distance" in gm["missing"] and "optical" not in gm
    await service.optical.wait()  # the refresh the first answer started
    assert env.olt.logins == 1 and "display ont optical-info 0 9" in env.olt.commands
    r = await env.stats(V5)  # the stats cache is still fresh: the overlay is per answer
    body = r.json()
    assert body["meta"]["cached"] is True
    g, gm = body["data"]["general"], body["meta"]["sections"]["general"]
    assert (g["opticalPowerRx"], g["opticalPowerTx"]) == ("-21.43 dBm", "2.11 dBm")
    assert g["distance"] == "1532 m" and "distance" not in gm["missing"]
    assert gm["fieldSources"] == {
        **{k: "olt-cli" for k in ("opticalPowerRx", "opticalPowerTx", "distance")},
        **{k: "olt-cli" for k in ("temperature", "voltage", "biasCurrent")},
    }
    assert gm["optical"]["stale"] is False and gm["optical"]["oltRxPower"] == "-21.23 dBm"
    commands = len(env.olt.commands)
    await env.stats(V5)  # within OPTICAL_TTL_SECONDS: no new OLT read
    await service.optical.wait()
    assert len(env.olt.commands) == commands


async def test_a_kept_answer_follows_the_olts_optical_view(make):
    """The stats entry unchanged, a new optical view (a background refresh landed, on any
    replica) is a new rendering with a new ETag, never the kept one."""
    import orjson

    from ponapi.serials import parse_serial

    env = await make("auto")
    _on_the_olt(env, V5)
    service = env.app.state.ctx.stats
    await env.stats(V5)  # cold: starts the optical refresh
    await service.optical.wait()
    first = await env.stats(V5)
    assert first.json()["meta"]["cached"] is True
    assert first.json()["data"]["general"]["opticalPowerRx"] == "-21.43 dBm"
    assert (await env.stats(V5)).headers["etag"] == first.headers["etag"]  # kept
    key = service.optical.key(env.olt_id, parse_serial(V5))
    view = orjson.loads(await service.cache.get(key))
    view["fields"]["opticalPowerRx"] = "-19.00 dBm"
    await service.cache.set(key, orjson.dumps(view), 600)
    later = await env.stats(V5)
    assert later.json()["data"]["general"]["opticalPowerRx"] == "-19.00 dBm"
    assert later.headers["etag"] != first.headers["etag"]


async def test_a_hung_olt_does_not_slow_an_auto_acs_read(make):
    import time

    env = await make("auto", stats_cache_ttl_seconds=0.0, request_budget_seconds=20.0)
    _on_the_olt(env, V5)
    env.olt.fault = "stall"  # logs in, then never answers a command
    service = env.app.state.ctx.stats
    for _ in range(3):
        started = time.monotonic()
        r = await env.stats(V5)
        assert r.status_code == 200, r.text
        assert time.monotonic() - started < 2.0  # the ACS's answer, not the OLT's 20 s budget
        gm = r.json()["meta"]["sections"]["general"]
        assert "olt-cli" not in gm["fieldSources"].values()
    assert len(service.optical._running) == 1  # one refresh per ONU, however many answers
    env.olt.fault = ""
    await service.optical.close()
    await service.optical.wait()
    r = await env.stats(V5)  # a new refresh, with the OLT answering again
    await service.optical.wait()
    gm = (await env.stats(V5)).json()["meta"]["sections"]["general"]
    assert gm["fieldSources"]["opticalPowerRx"] == "olt-cli"


async def test_an_acs_only_olt_never_reads_the_olt_for_optics(make):
    env = await make("acs")
    _on_the_olt(env, V5)
    r = await env.stats(V5)
    assert "fieldSources" not in r.json()["meta"]["sections"]["general"]
    await env.app.state.ctx.stats.optical.wait()
    assert env.olt.logins == 0
