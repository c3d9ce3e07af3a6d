"""``ponapi demo`` (what ``make run`` starts): the printed commands work as printed."""

import json
import os
import re
import socket
import subprocess
import sys
import time

from tests.fixtures import validate_stats
from tests.services import free_port


def test_demo_prints_three_commands_that_work_as_printed(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ponapi.cli", "demo", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("List them:"):
                break
        banner = "".join(lines)
        commands = [ln.strip() for ln in lines if ln.strip().startswith(("TOKEN=", "curl -s"))]
        assert len(commands) == 3, banner  # login + two stats calls
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        script = (
            "set -e\n" + commands[0] + "\n" + "\n".join(f"echo '---'; {c}" for c in commands[1:])
        )
        out = subprocess.run(
            ["bash", "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path
        )
        assert out.returncode == 0, out.stderr
        bodies = [json.loads(chunk) for chunk in out.stdout.split("---") if chunk.strip()]
        assert len(bodies) == 2
        for body in bodies:
            validate_stats(body)
            assert body["success"] is True
        assert bodies[0]["meta"]["source"] == "genieacs"
        assert bodies[0]["data"]["general"]["modelName"] == "EG8145V5"
        assert bodies[1]["meta"]["source"] == "olt-cli"
        assert re.search(r'password "demo" \(demo mode only\)', banner)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_demo_on_a_taken_port_stops_at_once_and_says_why(tmp_path):
    """The API's port is bound before anything else starts: when it is taken the demo exits
    with the reason instead of starting simulators (which could otherwise land on a free one)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "ponapi.cli", "demo", "--port", str(port)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode != 0
    assert "address already in use" in (out.stdout + out.stderr).lower()
    assert "ponapi demo is running" not in out.stdout


async def test_demo_olts_discovery_and_descriptions_match_what_the_api_shows(tmp_path):
    """Discovery on the ACS-only OLT registers that OLT's ONUs only (not another OLT's); each
    ONU's description says what its stats answer shows; the banner says where the data lives."""
    import asyncio

    import httpx

    from ponapi.db.migrate import upgrade
    from ponapi.demo import (
        DEMO_PASSWORD,
        NO_TR069,
        OFFLINE_IN_ACS,
        banner,
        demo_settings,
        seed,
        start_simulators,
    )
    from ponapi.main import create_app

    demo = await start_simulators()
    try:
        settings = demo_settings(tmp_path, demo)
        await asyncio.to_thread(upgrade, settings.database_url)
        olts = await seed(settings, demo)
        text = banner("127.0.0.1", 8000, olts, demo, tmp_path)
        assert f"Data       {tmp_path.resolve()} (SQLite; kept after exit" in text
        assert (tmp_path / "demo.db").exists()
        assert "thrown away" not in text
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                login = {"username": "tech", "password": DEMO_PASSWORD}
                token = (await c.post("/api/auth/login", json=login)).json()["access_token"]
                c.headers["Authorization"] = f"Bearer {token}"
                found = await c.post(f"/api/olts/{olts['legacy']}/onus/discover", timeout=30)
                assert found.status_code == 200, found.text
                assert [o["serial"] for o in found.json()["data"]["onus"]] == [NO_TR069]
                legacy = (await c.get(f"/api/olts/{olts['legacy']}/onus")).json()["data"]
                assert [o["serial"] for o in legacy] == [NO_TR069]
                await _descriptions_match(c, olts)
    finally:
        await demo.stop()
    assert OFFLINE_IN_ACS


async def _descriptions_match(c, olts):
    from ponapi.demo import OFFLINE_IN_ACS

    checked = 0
    for olt in olts.values():
        for onu in (await c.get(f"/api/olts/{olt}/onus")).json()["data"]:
            url = f"/api/olts/{olt}/onus/{onu['serial']}/tr069-stats"
            body = (await c.get(url, timeout=30)).json()
            text = onu["description"]
            if text.startswith("No TR-069"):
                assert body["code"] == "TR069_NOT_SUPPORTED", body
            elif "OLT CLI only" in text:
                assert body["meta"]["source"] == "olt-cli", (text, body["meta"])
            else:
                general = body["data"]["general"]
                assert body["meta"]["source"] == "genieacs"
                assert text.startswith(general["modelName"]) or general["modelName"] in text
                assert f"({body['meta']['device']['dataModel']}" in text
                scan = re.search(r"last Wi-Fi scan: (\d+) networks", text)
                networks = body["data"]["wifiSurvey"]["networks"]
                assert (int(scan.group(1)) if scan else 0) == len(networks), (text, len(networks))
                if onu["serial"] == OFFLINE_IN_ACS:
                    assert "answers the last known data, stale" in text
                    live = (await c.get(url + "?refresh=true", timeout=30)).json()
                    assert live["meta"]["stale"] is True, live["meta"]
            checked += 1
    assert checked >= 10
