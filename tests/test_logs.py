"""Logs are JSON lines with request ids, and no planted secret ever reaches them."""

import io
import json
import logging
import shutil

import httpx
import pytest
from fastapi import APIRouter

from ponapi import logs
from ponapi.main import create_app
from ponapi.sim.olt import OltSim, demo_onus
from tests.conftest import add_user, make_settings, token_for

OLT_PW, PPPOE_PW, LOGIN_PW, BOOM = (
    "Olt-Planted-77",
    "Pppoe-Planted-88",
    "Login-Planted-99",
    "Boom-Planted-11",
)


@pytest.fixture
def captured():
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    logs.configure("DEBUG", "json", stream)
    yield stream
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in saved[0]:
        root.addHandler(h)
    root.setLevel(saved[1])


def test_redaction_of_shapes_and_registered_values():
    logs.register_secret("s3cr3t-value")
    for text in (
        "connect password=hunter2 now",
        "Authorization: Basic dXNlcjpwYXNz",
        "header Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefgh",
        '{"KeyPassphrase": "wifi-pass"}',
        "the value s3cr3t-value leaked",
    ):
        out = logs.redact(text)
        for secret in (
            "hunter2",
            "dXNlcjpwYXNz",
            "eyJhbGciOiJIUzI1NiJ9",
            "wifi-pass",
            "s3cr3t-value",
        ):
            assert secret not in out, (text, out)


async def test_no_planted_secret_reaches_the_logs(tmp_path, sqlite_template, captured):
    sim = OltSim(brand="zte", model="C320", password=OLT_PW, onus=demo_onus("zte", 2))
    for u in sim.onus:
        u.pppoe_password = PPPOE_PW
    port = await sim.start_ssh()
    db = tmp_path / "l.db"
    shutil.copy(sqlite_template, db)
    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}"))
    boom = APIRouter()

    @boom.get("/api/boom")
    async def _boom() -> None:
        raise RuntimeError(f"failed with password={BOOM}")

    app.include_router(boom)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                base_url="http://t",
            ) as c,
        ):
            await add_user(app, "admin", "admin")
            token = await token_for(c, "admin")
            h = {"Authorization": f"Bearer {token}"}
            await c.post("/api/auth/login", json={"username": "admin", "password": LOGIN_PW})
            olt = (
                await c.post(
                    "/api/olts",
                    headers=h,
                    json={
                        "name": "z",
                        "brand": "zte",
                        "model": "C320",
                        "host": "127.0.0.1",
                        "port": port,
                        "username": "noc",
                        "password": OLT_PW,
                        "statsSource": "cli",
                    },
                )
            ).json()["data"]
            serial = sim.onus[0].serial.canonical
            await c.post(f"/api/olts/{olt['id']}/onus", headers=h, json={"serial": serial})
            r = await c.get(f"/api/olts/{olt['id']}/onus/{serial}/tr069-stats", headers=h)
            assert r.status_code == 200
            logging.getLogger("ponapi.test").warning("olt login as noc/%s failed", OLT_PW)
            assert (await c.get("/api/boom", headers={"X-Request-ID": "req-77"})).status_code == 500
    finally:
        await sim.stop()
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(lines) > 10  # DEBUG from ponapi, asyncssh, httpx ...
    for secret in (OLT_PW, PPPOE_PW, LOGIN_PW, BOOM, token):
        assert secret not in text, secret
    boom_line = next(line for line in lines if "unhandled error" in line["message"])
    assert boom_line["requestId"] == "req-77" and "RuntimeError" in boom_line["exception"]
