"""``examples/host_app.py``, the integration example, started as an operator would start it:
it serves the contract, refuses a viewer's live read and writes no file where it runs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from tests.fixtures import validate_stats
from tests.services import free_port

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


async def test_the_example_host_app_starts_and_refuses_refresh_to_a_viewer(tmp_path):
    acs = GenieAcsSim()
    for doc in bundled_documents():
        acs.add(doc)
    acs_url = await acs.start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATA_DIR")}
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "host_app:app", "--app-dir", str(EXAMPLES)),
            *("--port", str(port), "--log-level", "warning"),
        ],
        cwd=tmp_path,
        env={**env, "GENIEACS_URL": acs_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/api/olts/1/onus"
    try:
        async with httpx.AsyncClient(timeout=30) as c:
            deadline = time.monotonic() + 30
            while True:
                assert proc.poll() is None, proc.communicate()[0]
                try:
                    await c.get(f"http://127.0.0.1:{port}/docs")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "the example app did not start"
                    await asyncio.sleep(0.2)
            tech = {"Authorization": "Token tech-token"}
            viewer = {"Authorization": "Token viewer-token"}
            r = await c.get(f"{base}/HWTCA94196A5/tr069-stats", headers=tech)
            assert r.status_code == 200, r.text[:300]
            validate_stats(r.json())
            assert r.json()["data"]["general"]["modelName"] == "EG8145V5"
            r = await c.get(f"{base}/HWTCA94196A5/tr069-stats?refresh=true", headers=viewer)
            assert r.status_code == 403, r.text[:300]
            assert r.json()["code"] == "FORBIDDEN"
            validate_stats(r.json())
            r = await c.get(f"{base}/HWTCA97D7DAA/tr069-stats?refresh=true", headers=tech)
            assert r.status_code == 200 and r.json()["meta"]["refresh"]["status"] == "done"
            r = await c.get(f"{base}/HWTCA94196A5/tr069-stats")
            assert r.status_code == 401  # the host's own authentication
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
        await acs.stop()
    assert "Traceback" not in out, out
    assert list(tmp_path.iterdir()) == []  # Settings() wrote nothing where the app runs
