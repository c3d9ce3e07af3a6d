"""One definition per section (``ponapi.tr069.sections``), read by everything that knows about
sections: the read's projection, the live read's paths, the cache TTLs, the secrets, the settings.
And one ACS task engine, which withdraws a task the device refused wherever it was posted."""

import ast
import asyncio
import json
import time
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from ponapi.config import Settings
from ponapi.jobs import job_view, revealed_secrets
from ponapi.tr069 import sections as registry
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.spec import ROOTS, SectionSpec, by_root
from tests.test_tr069_api import V5, env  # noqa: F401 - the fixture

ACS_ID = "00259E-EG8145V5-48575443A94196A5"
TOY_ROOT = "InternetGatewayDevice.X_TOY"


def tasks_posted(sim) -> list[dict[str, Any]]:
    return [t for t in sim.posted if t.get("name") == "getParameterValues"]


@pytest.fixture(autouse=True)
def _record_posted_tasks(monkeypatch):
    """Every task body the simulated NBI receives, in order (``sim.posted``)."""
    from ponapi.sim import genieacs as simmod

    original = simmod.GenieAcsSim._post_task

    async def recording(self, device_id, params, body):  # type: ignore[no-untyped-def]
        if not hasattr(self, "posted"):
            self.posted = []
        if body:
            self.posted.append(json.loads(body))
        return await original(self, device_id, params, body)

    monkeypatch.setattr(simmod.GenieAcsSim, "_post_task", recording)


# --- the toy section: one builder, one spec, one registration ---------------------------------


def _build_toy(m: DeviceView) -> dict[str, Section]:
    if m.doc.node(TOY_ROOT) is None:
        return {"toy": Section(None, "absent")}
    f = Fields(m.doc, ("level", "token"))
    f.put_from("level", f.read(f"{TOY_ROOT}.Level"), str)
    f.put_from("token", f.read(f"{TOY_ROOT}.Token"), str)
    return {"toy": f.finish()}


TOY = SectionSpec(
    "toy",
    "object",
    _build_toy,
    projection=by_root(TOY_ROOT),
    refresh=by_root(f"{TOY_ROOT}.Level"),
    secret=("token",),
    limitation="A toy lives in the ONU's data model only.",
)


@pytest.fixture
def toy(sim):
    """The toy section registered (before the app reads its settings), and a toy object on the
    simulated EG8145V5; unregistered afterwards."""
    registry.register(TOY)
    leaf = {"_value": "", "_type": "xsd:string", "_timestamp": "2026-11-27T08:00:00.000Z"}
    sim.devices[ACS_ID].doc["InternetGatewayDevice"]["X_TOY"] = {
        "_object": True,
        "Level": {**leaf, "_value": "7"},
        "Token": {**leaf, "_value": "toy-secret-1"},
    }
    yield TOY
    registry.unregister("toy")


@pytest.mark.parametrize("env", [{"stats_section_ttl_seconds": {"toy": 0}}], indirect=True)
async def test_a_registered_section_is_projected_refreshed_cached_and_masked(toy, env):  # noqa: F811
    assert "toy" in registry.names() and TOY_ROOT in registry.projection(("toy",))
    # Projected: the read asks for the toy's subtree, and the section is mapped.
    r = await env.stats(V5, role="technician", sections="toy,general")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["data"]["toy"] == {"level": "7", "token": "toy-secret-1"}
    target = next(t for _, t in reversed(env.sim.log) if t.startswith("/devices"))
    assert TOY_ROOT in parse_qs(urlsplit(target).query)["projection"][0].split(",")
    # Cached with its own TTL (0 s): general is served from the cache, the toy is read again.
    reads = env.sim.calls("/devices")
    assert (await env.stats(V5, sections="general")).json()["meta"]["cached"] is True
    assert env.sim.calls("/devices") == reads
    r = await env.stats(V5, role="viewer", sections="toy")
    assert r.json()["meta"]["cached"] is False
    assert env.sim.calls("/devices") == reads + 1
    # Masked: a viewer gets the secret field blank, and the cache never holds it in clear.
    assert r.json()["data"]["toy"] == {"level": "7", "token": ""}
    stored = await env.app.state.ctx.stats.store.raw(f"stats:v1:{env.olt_id}:{V5}")
    assert stored and b"toy-secret-1" not in zlib.decompress(stored)
    # Refreshed: a live read asks the device for the toy's refresh paths.
    r = await env.stats(V5, role="technician", sections="toy", refresh="true")
    refresh = r.json()["meta"]["refresh"]
    assert refresh["status"] == "done" and refresh["sections"] == ["toy"], refresh
    assert tasks_posted(env.sim)[-1]["parameterNames"] == [f"{TOY_ROOT}.Level"]


def test_an_unregistered_section_is_gone_everywhere():
    registry.register(TOY)
    registry.unregister("toy")
    assert "toy" not in registry.names()
    assert "toy" not in registry.secret_fields()
    assert TOY_ROOT not in registry.projection(registry.names())
    with pytest.raises(ValidationError):
        Settings(_env_file=None, stats_section_ttl_seconds={"toy": 5})  # type: ignore[call-arg]


def test_every_section_a_device_model_has_is_refreshed_on_it():
    """A section with paths to read on a data model has paths to refresh there."""
    for spec in registry.specs():
        for root in ROOTS:
            if spec.paths(root):
                assert spec.refresh_paths(root), (spec.name, root)
                assert all(p.split(".")[0] == root for p in spec.refresh_paths(root))


# --- live reads of the newer sections -----------------------------------------------------------


async def test_a_live_read_of_hosts_is_read_from_the_device(env):  # noqa: F811
    r = await env.stats(V5, role="technician", sections="hosts", refresh="true")
    assert r.status_code == 200, r.text
    refresh = r.json()["meta"]["refresh"]
    assert refresh["status"] == "done", refresh  # was "skipped"
    assert refresh["sections"] == ["hosts"]
    (task,) = tasks_posted(env.sim)
    assert "InternetGatewayDevice.LANDevice.1.Hosts" in task["parameterNames"]


async def test_a_full_live_read_asks_for_every_sections_paths(env):  # noqa: F811
    r = await env.stats(V5, role="technician", refresh="true")
    refresh = r.json()["meta"]["refresh"]
    assert refresh["status"] == "done", refresh
    (task,) = tasks_posted(env.sim)
    asked = task["parameterNames"]
    for name in registry.names():
        for path in registry.refresh_paths("InternetGatewayDevice", (name,)):
            covered = path in asked or any(path.startswith(a + ".") for a in asked)
            assert covered, (name, path)
    assert refresh["sections"] == sorted(registry.names())
    assert "notRefreshed" not in refresh


async def test_a_section_a_data_model_cannot_refresh_is_not_reported_live():
    """``deviceLogs`` has no TR-181 path: a live read of a TR-181 device does not claim it."""
    from ponapi.acs.tasks import TaskOutcome
    from ponapi.stats.sources import refresh_device

    class Acs:
        asked: list[str] = []

        async def run_task(self, device_id, task, time_limit):  # type: ignore[no-untyped-def]
            self.asked = task["parameterNames"]
            return TaskOutcome("applied", None, "")

    acs = Acs()
    doc = {"_id": "dev", "Device": {"DeviceInfo": {}}}
    deadline = time.monotonic() + 30
    info, live = await refresh_device(acs, doc, frozenset({"general", "deviceLogs"}), deadline)  # type: ignore[arg-type]
    assert info["status"] == "done" and live == {"general"}
    assert info["notRefreshed"] == ["deviceLogs"]
    assert all(p.startswith("Device.") for p in acs.asked)


# --- the one task engine: a refused task is withdrawn -------------------------------------------


async def test_a_faulted_live_read_fails_and_is_withdrawn(env):  # noqa: F811
    env.sim.devices[ACS_ID].fault = True
    r = await env.stats(V5, role="technician", sections="general", refresh="true")
    assert r.status_code == 200, r.text
    refresh = r.json()["meta"]["refresh"]
    assert refresh["status"] == "failed", refresh  # was "queued"
    assert "cwmp.9002" in refresh["reason"]
    assert env.sim.tasks == []  # GenieACS does not retry it alone


async def test_a_faulted_scan_fails_and_is_withdrawn(env):  # noqa: F811
    env.sim.devices[ACS_ID].fault = True
    r = await env.client.post(
        f"/api/olts/{env.olt_id}/onus/{V5}/wifi-survey", headers=env.headers["technician"]
    )
    assert r.status_code == 202, r.text
    for _ in range(200):
        job = (
            await env.client.get(r.headers["Location"], headers=env.headers["technician"])
        ).json()["data"]
        if job["status"] in ("done", "failed"):
            break
        await asyncio.sleep(0.05)
    assert job["status"] == "failed", job
    assert "refused" in job["error"]["details"] and "withdrawn" in job["error"]["details"]
    assert env.sim.tasks == []


# --- settings, jobs, layers ---------------------------------------------------------------------


def test_every_section_takes_its_own_ttl_and_an_unknown_one_is_named(monkeypatch):
    monkeypatch.setenv("STATS_SECTION_TTL_SECONDS", '{"hosts": 30, "lanPorts": 30}')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.section_ttl("hosts") == 30 and settings.section_ttl("lanPorts") == 30
    monkeypatch.setenv("STATS_SECTION_TTL_SECONDS", '{"hosts": 30, "hostz": 5}')
    with pytest.raises(ValidationError) as err:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert "unknown section(s) hostz" in str(err.value) and "lanPorts" in str(err.value)


def test_a_job_result_hides_every_secret_field_from_a_reader_who_may_not_see_them():
    data = {
        "wirelessLan": {"ssid": "a", "password": "p1"},
        "wirelessLan5": {"ssid": "b", "password": "p2"},
        "security": {"webPassword": "p3", "webAdminPassword": "p4", "cliPassword": "p5"},
    }
    job = {"status": "done", "result": {"data": data}}
    shown = job_view(job)["result"]["data"]
    assert shown["wirelessLan5"]["password"] == "" and shown["wirelessLan"]["password"] == ""
    assert all(shown["security"][k] == "" for k in ("webPassword", "webAdminPassword"))
    assert shown["security"]["cliPassword"] == ""
    assert len(revealed_secrets(job)) == 5


def test_the_acs_transport_imports_nothing_from_actions_nor_stats():
    for path in (Path(__file__).parent.parent / "ponapi" / "acs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("ponapi.actions", "ponapi.stats")), path


def test_a_part_registered_later_is_in_the_projection_of_its_section():
    """The projection of a set of sections is kept between reads; registering (or removing) a
    part of a section changes what a read of that section projects at once."""
    part = SectionSpec(
        "toyPart",
        "object",
        _build_toy,
        projection=by_root(TOY_ROOT),
        part_of="general",
        limitation="A toy lives in the ONU's data model only.",
    )
    before = registry.projection(("general",))
    assert TOY_ROOT not in before
    registry.register(part)
    try:
        assert TOY_ROOT in registry.projection(("general",))
    finally:
        registry.unregister("toyPart")
    assert registry.projection(("general",)) == before


def test_the_projection_keeps_no_path_under_another_and_keeps_order():
    from ponapi.tr069.sections import _without_covered

    paths = ["A.B.C", "A.B", "X", "A.B", "A.BC", "X.Y.Z", "A..D", "A.", "Q.R"]
    assert _without_covered(paths) == ("A.B", "X", "A.BC", "A.", "Q.R")
