"""/docs and /redoc render the API's operations in a real headless Chromium with no network but
loopback: their scripts come from installed files, not a CDN.

Chromium (Debian's ``chromium``) is installed by scripts/ensure-test-services.sh; when it is
missing the tests skip, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SECRET
from tests.services import free_port, missing

STATS = "/api/olts/{olt_id}/onus/{onu_serial}/tr069-stats"

# FastAPI's stock documentation pages (scripts from a CDN): the control that shows the browser
# really has no network beyond loopback.
_STOCK_APP = """
import sys
import uvicorn
from fastapi import FastAPI

app = FastAPI()

@app.get("/api/ping")
def ping() -> dict:
    return {}

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        missing("Chromium (Debian package chromium)")
    return str(exe)


def _wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "server exited"
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


def _serve(cmd: list[str], port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd)
    _wait_port(port, proc)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def ponapi_url(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docs")
    db = tmp / "docs.db"
    shutil.copy(sqlite_template, db)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "uvicorn", "ponapi.main:create_app", "--factory"]
    proc = _serve([*cmd, "--port", str(port), "--log-level", "warning"], port, env, tmp)
    yield f"http://127.0.0.1:{port}"
    _stop(proc)


def render(url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, in headless Chromium that can reach loopback only:
    every host name but 127.0.0.1 fails to resolve and every other address goes to a closed
    proxy port."""
    out = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_swagger_ui_renders_the_operations_offline(ponapi_url, tmp_path):
    dom = render(f"{ponapi_url}/docs", tmp_path / "profile")
    paths = set(re.findall(r'data-path="([^"]+)"', dom))
    assert STATS in paths, dom[:2000]
    assert "/api/auth/login" in paths
    assert len(paths) >= 15


def test_redoc_renders_the_operations_offline(ponapi_url, tmp_path):
    dom = render(f"{ponapi_url}/redoc", tmp_path / "profile")
    assert "Tr069 Stats" in dom, dom[:2000]
    assert "/api/olts/{olt_id}/onus/{onu_serial}/tr069-stats" in dom
    assert "ErrorEnvelope" in dom or "INVALID_SERIAL" in dom


def test_pages_and_assets_reference_no_other_host(ponapi_url):
    for page in ("/docs", "/redoc"):
        html = httpx.get(ponapi_url + page).text
        assert not re.search(r"(src|href)=['\"]https?://", html), html
        for asset in re.findall(r"(?:src|href)=['\"](/[^'\"]+)['\"]", html):
            assert httpx.get(ponapi_url + asset).status_code == 200, asset


def test_the_browser_really_has_no_network_beyond_loopback(tmp_path):
    """Control: FastAPI's stock /docs (scripts from a CDN) renders no operation in the same
    browser, so the tests above pass only because the assets are local."""
    port = free_port()
    proc = _serve([sys.executable, "-c", _STOCK_APP, str(port)], port, dict(os.environ), tmp_path)
    try:
        dom = render(f"http://127.0.0.1:{port}/docs", tmp_path / "profile")
    finally:
        _stop(proc)
    assert "swagger-ui" in dom  # the page itself loaded
    assert 'data-path="/api/ping"' not in dom
