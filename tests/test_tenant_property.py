"""Property: no answer to ISP B, on any route with any fuzzed path or body, shows a serial,
SSID, IP address or password of ISP A's ONUs that ISP B did not send itself."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponapi.serials import InvalidSerialError, parse_serial
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from tests.conftest import make_settings
from tests.tenancy import A_SERIAL, B_SERIAL, HOST_SETTINGS, Isps, api_routes, two_isps

T = TypeVar("T")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")


class Portal:
    """The app on an event loop of its own thread, so a sync hypothesis test can call it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=120)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Any]:
    import shutil

    from ponapi.main import create_app

    tmp = tmp_path_factory.mktemp("tenant-prop")
    db = tmp / "t.db"
    shutil.copy(sqlite_template, db)
    portal = Portal()
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)
    url = portal.call(sim.start())
    app = create_app(
        make_settings(
            tmp,
            f"sqlite+aiosqlite:///{db}",
            genieacs_url=url,
            rate_limit_stats_per_minute=100_000,
            rate_limit_refresh_per_minute=10_000,
            **HOST_SETTINGS,
        )
    )
    lifespan = app.router.lifespan_context(app)
    portal.call(lifespan.__aenter__())
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://test",
    )
    isps: Isps = portal.call(two_isps(client))
    secrets = portal.call(_secrets_of_a(client, isps))
    yield portal, app, client, isps, secrets
    portal.call(client.aclose())
    portal.call(lifespan.__aexit__(None, None, None))
    portal.call(sim.stop())
    portal.stop()


def _strings(node: Any, out: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower() in ("ssid", "password", "serialnumber", "serial") and value:
                out.add(str(value))
            _strings(value, out)
    elif isinstance(node, list):
        for item in node:
            _strings(item, out)
    elif isinstance(node, str):
        out.update(_IP.findall(node))


async def _secrets_of_a(c: httpx.AsyncClient, isps: Isps) -> set[str]:
    """A's serial, SSIDs, passwords and IPs as A's operator reads them, less anything B's own
    ONU also shows (a default gateway both have is not A's secret)."""
    a_stats = await c.get(
        f"/api/olts/{isps.olt_a}/onus/{A_SERIAL}/tr069-stats", headers=isps.a["technician"]
    )
    b_stats = await c.get(
        f"/api/olts/{isps.olt_b}/onus/{B_SERIAL}/tr069-stats", headers=isps.b["technician"]
    )
    assert a_stats.status_code == 200 and b_stats.status_code == 200
    mine: set[str] = {A_SERIAL}
    _strings(a_stats.json(), mine)
    theirs: set[str] = set()
    _strings(b_stats.json(), theirs)
    found = {s for s in mine - theirs if len(s) >= 4 and s not in b_stats.text}
    assert A_SERIAL in found and any("." in s for s in found), found
    return found


ROUTES: list[tuple[str, str]] = []
SENT: list[str] = []  # what ISP B sent so far: its own audit entries may echo it back
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=12), kids, max_size=4)
    ),
    max_leaves=8,
)


def _fill(path: str, data: st.DataObject, isps: Isps) -> str:
    for name in re.findall(r"{(\w+)}", path):
        if name == "olt_id":
            value = data.draw(st.sampled_from([str(isps.olt_a), str(isps.olt_b), "999", "0"]))
        elif name == "onu_serial":
            value = data.draw(
                st.sampled_from([A_SERIAL, A_SERIAL.lower(), "4857544341941 96A5", B_SERIAL])
                | st.text("0123456789ABCDEFHWTC", min_size=1, max_size=16)
            )
        elif name == "job_id":
            value = data.draw(st.sampled_from([isps.job_a, "f" * 32]))
        elif name == "user_id":
            value = data.draw(st.sampled_from([str(isps.user_a), "1", "2"]))
        else:
            value = data.draw(st.text("0123456789abcdef", min_size=1, max_size=24))
        path = path.replace("{" + name + "}", value.replace(" ", ""))
    return path


def echoable(path: str, body: Any) -> str:
    """What an answer may echo of a request: its text, and any serial in it as ponapi writes
    serials (canonical)."""
    out = [path.upper(), str(body).upper()]
    for part in path.split("/"):
        try:
            out.append(parse_serial(part).canonical)
        except InvalidSerialError:
            pass
    return " ".join(out)


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_answer_to_isp_b_shows_isp_a_secrets(world: Any, data: st.DataObject) -> None:
    portal, app, client, isps, secrets = world
    if not ROUTES:
        ROUTES.extend(api_routes(app))
    method, template = data.draw(st.sampled_from(ROUTES))
    path = _fill(template, data, isps)
    role = data.draw(st.sampled_from(sorted(isps.b)))
    body = data.draw(_json)
    params = data.draw(st.sampled_from([{}, {"refresh": "true"}, {"limit": "1000"}]))
    SENT.append(echoable(path, body))
    r = portal.call(client.request(method, path, headers=isps.b[role], json=body, params=params))
    sent = "".join(SENT) + str(params)
    leaked = [s for s in secrets if s in r.text and s.upper() not in sent]
    assert not leaked, (method, path, role, r.status_code, leaked)
