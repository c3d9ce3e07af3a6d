"""Background refresh jobs, live-read cooldown, and single-flight across processes sharing a
real Redis server (started by the test run)."""

import asyncio
import os
import shutil
import subprocess
import sys

import httpx
import pytest

from ponapi.main import create_app
from tests.conftest import SECRET, add_user, make_settings, token_for
from tests.fixtures import validate_stats
from tests.services import Redis, free_port

V5, NOKIA = "HWTCA94196A5", "ALCLFC265D6F"


async def _setup(client, app):
    for role in ("admin", "technician", "viewer"):
        await add_user(app, role, role)
    h = {
        r: {"Authorization": f"Bearer {await token_for(client, r)}"}
        for r in ("admin", "technician", "viewer")
    }
    olt = (
        await client.post(
            "/api/olts",
            headers=h["admin"],
            json={
                "name": "o",
                "brand": "huawei",
                "host": "127.0.0.1",
                "username": "u",
                "password": "p",
                "statsSource": "acs",
            },
        )
    ).json()["data"]["id"]
    for s in (V5, NOKIA):
        await client.post(f"/api/olts/{olt}/onus", headers=h["admin"], json={"serial": s})
    return h, olt


@pytest.fixture
async def env(tmp_path, sqlite_template, sim, request):
    db = tmp_path / "j.db"
    shutil.copy(sqlite_template, db)
    app = create_app(
        make_settings(
            tmp_path,
            f"sqlite+aiosqlite:///{db}",
            genieacs_url=sim.url,
            **getattr(request, "param", {}),
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        h, olt = await _setup(c, app)
        yield c, h, olt, sim


async def _wait_job(c, h, location):
    for _ in range(200):
        job = (await c.get(location, headers=h)).json()["data"]
        if job["status"] in ("done", "failed"):
            return job
        await asyncio.sleep(0.05)
    raise AssertionError("job did not finish")


async def test_refresh_job_lifecycle(env):
    c, h, olt, sim = env
    sim.latency = 0.2
    r = await c.post(f"/api/olts/{olt}/onus/{V5}/tr069-stats/refresh", headers=h["technician"])
    assert r.status_code == 202
    location = r.headers["Location"]
    assert location == f"/api/jobs/{r.json()['data']['id']}"
    first = (await c.get(location, headers=h["technician"])).json()["data"]
    assert first["status"] in ("queued", "running")
    job = await _wait_job(c, h["technician"], location)
    assert job["status"] == "done" and job["progress"] == 100
    assert "deadline" not in job and "owner" not in job  # internal fields stay internal
    validate_stats(job["result"])
    assert job["result"]["meta"]["refresh"]["status"] == "done"
    assert any(m == "POST" for m, _ in sim.log)  # a live read (connection request) was made
    # Only its owner and admins see a job; viewers cannot start one.
    assert (await c.get(location, headers=h["viewer"])).status_code == 404
    assert (await c.get(location, headers=h["admin"])).status_code == 200
    assert (
        await c.post(f"/api/olts/{olt}/onus/{V5}/tr069-stats/refresh", headers=h["viewer"])
    ).status_code == 403
    assert (await c.get("/api/jobs/../etc", headers=h["admin"])).status_code == 404


async def test_a_failing_job_carries_the_error_envelope(env):
    c, h, olt, sim = env
    await sim.stop()
    r = await c.post(f"/api/olts/{olt}/onus/{V5}/tr069-stats/refresh", headers=h["technician"])
    job = await _wait_job(c, h["technician"], r.headers["Location"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "ACS_UNAVAILABLE" and job["error"]["success"] is False
    assert job["result"] is None


async def test_live_reads_have_a_cooldown(env):
    c, h, olt, sim = env
    url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
    first = await c.get(url, params={"refresh": "true"}, headers=h["technician"])
    assert first.json()["meta"]["refresh"]["status"] == "done"
    posts = sum(1 for m, _ in sim.log if m == "POST")
    second = await c.get(url, params={"refresh": "true"}, headers=h["technician"])
    validate_stats(second.json())
    refresh = second.json()["meta"]["refresh"]
    assert refresh["status"] == "cooldown" and 0 < refresh["retryAfter"] <= 31
    assert sum(1 for m, _ in sim.log if m == "POST") == posts  # the device was left alone


@pytest.mark.parametrize("env", [{"live_read_cooldown_seconds": 0.0}], indirect=True)
async def test_cooldown_can_be_disabled(env):
    c, h, olt, _ = env
    url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
    for _ in range(2):
        r = await c.get(url, params={"refresh": "true"}, headers=h["technician"])
        assert r.json()["meta"]["refresh"]["status"] == "done"


async def test_two_processes_sharing_redis_make_one_upstream_read(
    tmp_path, sqlite_template, sim, redis_server
):
    db = tmp_path / "shared.db"
    shutil.copy(sqlite_template, db)
    url = f"sqlite+aiosqlite:///{db}"
    app = create_app(make_settings(tmp_path, url))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        h, olt = await _setup(c, app)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_server.url,
        "GENIEACS_URL": sim.url,
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(tmp_path),
        "ENVIRONMENT": "development",
    }
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "ponapi.main:create_app",
                "--factory",
                "--port",
                str(p),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=str(tmp_path),
        )
        for p in ports
    ]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            for p in ports:
                for _ in range(100):
                    try:
                        await client.get(f"http://127.0.0.1:{p}/healthz")
                        break
                    except httpx.HTTPError:
                        await asyncio.sleep(0.1)
            sim.latency = 0.5
            calls_before = sim.calls("/devices")
            rs = await asyncio.gather(
                *(
                    client.get(
                        f"http://127.0.0.1:{ports[i % 2]}/api/olts/{olt}/onus/{V5}/tr069-stats",
                        headers=h["viewer"],
                    )
                    for i in range(100)
                )
            )
        assert [r.status_code for r in rs] == [200] * 100
        assert sim.calls("/devices") - calls_before == 1
        for r in rs[:2]:
            validate_stats(r.json())
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)


async def test_redis_killed_mid_run_degrades_to_memory(tmp_path, sqlite_template, sim):
    server = Redis()
    db = tmp_path / "r.db"
    shutil.copy(sqlite_template, db)
    app = create_app(
        make_settings(
            tmp_path, f"sqlite+aiosqlite:///{db}", genieacs_url=sim.url, redis_url=server.url
        )
    )
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            h, olt = await _setup(c, app)
            assert (
                await c.get(f"/api/olts/{olt}/onus/{V5}/tr069-stats", headers=h["viewer"])
            ).status_code == 200
            server.stop()
            for serial in (V5, NOKIA, NOKIA):
                r = await c.get(f"/api/olts/{olt}/onus/{serial}/tr069-stats", headers=h["viewer"])
                assert r.status_code == 200, r.text
                validate_stats(r.json())
            assert r.json()["meta"]["cached"] is True  # the memory cache took over
            assert (await c.get("/readyz")).json()["checks"]["cache"] == "degraded"
    finally:
        server.stop()


ZTE_ROUTER = "ZTEG86AC1010"  # the H199A reports ZTE's own serial form; given a GPON one here


@pytest.mark.parametrize(
    "env", [{"survey_timeout_seconds": 2.0, "survey_poll_seconds": 0.1}], indirect=True
)
async def test_wifi_survey_lifecycle(env):
    c, h, olt, sim = env
    before = (await c.get(f"/api/olts/{olt}/onus/{V5}/tr069-stats", headers=h["viewer"])).json()
    assert before["data"]["wifiSurvey"] == {"hasRecords": False, "networks": []}
    r = await c.post(f"/api/olts/{olt}/onus/{V5}/wifi-survey", headers=h["technician"])
    assert r.status_code == 202
    job = await _wait_job(c, h["technician"], r.headers["Location"])
    assert job["status"] == "done", job
    survey = job["result"]["data"]["wifiSurvey"]
    assert survey["hasRecords"] is True and len(survey["networks"]) == 31  # 2.4 GHz only
    assert job["result"]["meta"]["sections"]["wifiSurvey"]["scanState"] == "Complete"
    assert survey["networks"][0]["scannedAt"] > "2026"  # the new scan's time
    sets = [t for m, t in sim.log if m == "POST"]
    assert len(sets) >= 3  # start the scan, poll its state, read the results
    # The next stats response carries the scan (from the cache).
    after = (await c.get(f"/api/olts/{olt}/onus/{V5}/tr069-stats", headers=h["viewer"])).json()
    assert after["meta"]["cached"] is True and len(after["data"]["wifiSurvey"]["networks"]) == 31
    assert (
        await c.post(f"/api/olts/{olt}/onus/{V5}/wifi-survey", headers=h["viewer"])
    ).status_code == 403


@pytest.mark.parametrize(
    "env", [{"survey_timeout_seconds": 1.0, "survey_poll_seconds": 0.1}], indirect=True
)
async def test_a_scan_that_never_completes_and_an_offline_device(env):
    c, h, olt, sim = env
    sim.device_by_serial("48575443A94196A5").scan_never_completes = True
    r = await c.post(f"/api/olts/{olt}/onus/{V5}/wifi-survey", headers=h["technician"])
    job = await _wait_job(c, h["technician"], r.headers["Location"])
    assert job["status"] == "failed" and job["error"]["code"] == "UPSTREAM_TIMEOUT"
    assert "did not finish the scan" in job["error"]["details"]
    sim.device_by_serial("ALCLFC265D6F").online = False
    r = await c.post(f"/api/olts/{olt}/onus/{NOKIA}/wifi-survey", headers=h["technician"])
    job = await _wait_job(c, h["technician"], r.headers["Location"])
    assert job["status"] == "failed" and job["error"]["code"] == "UPSTREAM_ERROR"
    assert "Device is offline" in job["error"]["details"]


def radio_2_state(device):
    return device.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WIFI"]["Radio"]["2"][
        "DiagnosticsState"
    ]["_value"]


@pytest.mark.parametrize(
    "env", [{"survey_timeout_seconds": 2.0, "survey_poll_seconds": 0.1}], indirect=True
)
async def test_zte_scans_its_2_4_ghz_radio_and_is_polled(env):
    c, h, olt, sim = env
    zte = sim.device_by_serial("ZTEYH86LCN10105")
    zte.doc["_deviceId"]["_SerialNumber"] = ZTE_ROUTER
    admin = h["admin"]
    await c.post(f"/api/olts/{olt}/onus", headers=admin, json={"serial": ZTE_ROUTER})
    r = await c.post(f"/api/olts/{olt}/onus/{ZTE_ROUTER}/wifi-survey", headers=h["technician"])
    job = await _wait_job(c, h["technician"], r.headers["Location"])
    assert job["status"] == "done", job
    radio = zte.doc["InternetGatewayDevice"]["LANDevice"]["1"]["WIFI"]["Radio"]["1"]
    assert radio["DiagnosticsState"]["_value"] == "Complete"  # radio 1 (2.4 GHz) was scanned
    assert radio_2_state(zte) == "None"  # the 5 GHz radio was left alone
    assert job["result"]["meta"]["sections"]["wifiSurvey"]["scanState"] == "Complete"
    assert job["result"]["data"]["wifiSurvey"] == {"hasRecords": False, "networks": []}


@pytest.mark.parametrize("env", [{"olt_max_concurrent_reads": 1}], indirect=True)
async def test_upstream_reads_per_olt_are_capped(env):
    c, h, olt, sim = env
    admin = h["admin"]
    await c.post(f"/api/olts/{olt}/onus", headers=admin, json={"serial": "HWTCA97D7DAA"})
    sim.latency = 0.2
    rs = await asyncio.gather(
        *(
            c.get(f"/api/olts/{olt}/onus/{s}/tr069-stats", headers=h["viewer"])
            for s in (V5, NOKIA, "HWTCA97D7DAA")
        )
    )
    assert [r.status_code for r in rs] == [200, 200, 200]
    assert sim.peak_inflight == 1  # three ONUs, one read at a time on this OLT


async def test_a_refresh_never_settles_for_a_plain_read_in_flight(env):
    """refresh=true while a plain read of the same ONU is under way still reads live."""
    c, h, olt, sim = env
    sim.latency = 0.3
    url = f"/api/olts/{olt}/onus/{V5}/tr069-stats"
    plain, live = await asyncio.gather(
        c.get(url, headers=h["technician"]),
        c.get(url, params={"refresh": "true"}, headers=h["technician"]),
    )
    assert plain.status_code == live.status_code == 200
    assert live.json()["meta"]["refresh"]["status"] == "done"
    assert any(m == "POST" for m, _ in sim.log)  # the connection request was made


async def test_a_job_whose_replica_died_ends_failed_after_its_budget(monkeypatch):
    """A replica killed mid-job writes nothing more; any replica reading the job after its
    budget (plus grace) reports it failed instead of 'running' for the rest of the hour."""
    import time

    from ponapi import jobs as jobs_module
    from ponapi.cache import MemoryCache
    from ponapi.jobs import GRACE, Jobs

    shared = MemoryCache()  # what the replicas share (Redis in production)
    dying, other = Jobs(shared, budget=60), Jobs(shared, budget=60)
    started = asyncio.Event()

    async def work() -> dict:
        started.set()
        await asyncio.Event().wait()  # a slow device; the replica dies meanwhile
        return {}

    job = await dying.start("stats-refresh", 1, {"olt": 1}, work)
    await started.wait()

    async def dead(_job: dict) -> None:
        raise ConnectionError("the process is gone")

    monkeypatch.setattr(dying, "_save", dead)
    await dying.close()  # the task ends without writing anything more
    seen = await other.get(job["id"])
    assert seen is not None and seen["status"] == "running"  # still within its budget

    real = time.time
    monkeypatch.setattr(jobs_module.time, "time", lambda: real() + 60 + GRACE + 1)
    seen = await other.get(job["id"])
    assert seen is not None and seen["status"] == "failed" and seen["progress"] == 100
    assert seen["error"]["code"] == "INTERNAL_ERROR"
    assert "stopped before it finished" in seen["error"]["details"]
    again = await Jobs(shared, budget=60).get(job["id"])
    assert again is not None and again["status"] == "failed"  # saved for every replica


@pytest.mark.parametrize("backend", ["memory", "redis"])
async def test_decoded_cache_entries_follow_the_cache_and_stale_reads_leave_them_intact(
    tmp_path, backend, request
):
    """Decoded payloads are kept per key only while the cached bytes are the same ones: a new
    read replaces them, an expired entry is gone, and marking a payload stale for one answer
    does not leak into the next."""
    from ponapi.api.errors import ApiError, ErrorCode
    from ponapi.cache import FallbackCache, MemoryCache, RedisCache
    from ponapi.serials import parse_serial
    from ponapi.stats.model import OltRef
    from ponapi.stats.render import payload as make_payload
    from ponapi.stats.service import StatsService

    if backend == "redis":
        server = request.getfixturevalue("redis_server")
        cache = FallbackCache(RedisCache(server.url))
        await cache.primary._redis.flushdb()
    else:
        cache = MemoryCache()
    settings = make_settings(tmp_path, "sqlite+aiosqlite:///unused.db")
    service = StatsService(settings, cache, None)
    key = service.cache_key(1, parse_serial("HWTCA94196A5"))
    first = {"fetchedEpoch": 1.0, "source": "genieacs", "n": 1}
    await service.store.set(key, first)
    assert await service.store.get(key) == first
    assert await service.store.get(key) is await service.store.get(key)  # kept
    second = {**first, "n": 2}
    await service.store.set(key, second)
    assert (await service.store.get(key))["n"] == 2  # new bytes: decoded again
    await cache.delete(key)
    assert await service.store.get(key) is None  # never outlives the cache entry

    # The stale path renders a copy: the kept payload is not marked stale afterwards.
    ref = OltRef(id=1, stats_source="acs")
    payload = make_payload("genieacs", _now(), {"olt": 1}, _sections())
    await service.store.set(key, payload)

    async def failing_fetch(*_a, **_k):
        raise ApiError(ErrorCode.ACS_UNAVAILABLE, "ACS down")

    service._read = failing_fetch  # type: ignore[method-assign]
    service._fresh = lambda *a: False  # type: ignore[method-assign]
    result = await service.get(ref, parse_serial("HWTCA94196A5"))
    assert result.meta["stale"] is True
    kept = await service.store.get(key)
    assert kept is not None and "stale" in kept and kept["stale"] is False
    assert "staleReason" not in kept
    await cache.close()


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _sections():
    from ponapi.tr069.mapper import Section
    from ponapi.tr069.sections import names as section_names

    return {name: Section({}, "ok") for name in section_names()}
