"""schemathesis against ponapi's own OpenAPI document, on a real server: no 5xx, every response
matches its declared schema, and every error under /api is the contract's envelope."""

import os
import socket
import subprocess
import sys
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import SECRET
from tests.services import free_port


@pytest.fixture(scope="session")
def api(tmp_path_factory, sqlite_template):
    import shutil

    from ponapi.auth.passwords import hash_password

    tmp = tmp_path_factory.mktemp("fuzz")
    db = tmp / "fuzz.db"
    shutil.copy(sqlite_template, db)
    import sqlite3

    con = sqlite3.connect(db)
    con.execute(
        "insert into users (username, password_hash, role, active, token_version, "
        "created_at) values ('admin', ?, 'admin', 1, 0, '2026-01-01 00:00:00')",
        (hash_password("fuzz-password"),),
    )
    con.commit()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(tmp),
        "LOG_LEVEL": "WARNING",
        "RATE_LIMIT_STATS_PER_MINUTE": "100000",
        "LOGIN_MAX_FAILURES": "1000",
        "REQUEST_BUDGET_SECONDS": "5",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "ponapi.main:create_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=tmp,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    import httpx

    base = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{base}/api/auth/login", json={"username": "admin", "password": "fuzz-password"}
    ).json()["access_token"]
    httpx.post(
        f"{base}/api/olts",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "name": "fuzz",
            "brand": "huawei",
            "host": "127.0.0.1",
            "port": 1,
            "username": "u",
            "password": "p",
            "statsSource": "cli",
        },
    )
    yield base, token
    proc.terminate()
    proc.wait(10)


def _openapi() -> dict:
    # The document is built from the app itself (no server needed to describe the API);
    # calls go to the real server of the ``api`` fixture.
    from ponapi.config import Settings
    from ponapi.main import create_app

    return create_app(Settings(_env_file=None, secret_key=SECRET)).openapi()


schema = schemathesis.openapi.from_dict(_openapi())


UPSTREAM = {
    "ACS_UNAVAILABLE",
    "OLT_UNREACHABLE",
    "OLT_AUTH_FAILED",
    "UPSTREAM_ERROR",
    "UPSTREAM_TIMEOUT",
}


def no_internal_error(ctx, response, case):
    """No crash: never a 500, and any other 5xx is a contract code for a failed upstream (the
    fuzzed OLT is unreachable on purpose, so reading it must say OLT_UNREACHABLE)."""
    assert response.status_code != 500, response.text
    if response.status_code >= 500:
        assert response.json()["code"] in UPSTREAM, response.text


def envelope_on_errors(ctx, response, case):
    """Every error under /api is {"success": false, "error", "code", "details"}."""
    if response.status_code >= 400 and case.path.startswith("/api"):
        body = response.json()
        assert body.get("success") is False, body
        assert {"error", "code", "details"} <= set(body), body
        assert "Traceback" not in response.text


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_5xx_and_answers_its_schema(case, api):
    base, token = api
    case.call_and_validate(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        checks=[no_internal_error, response_schema_conformance, envelope_on_errors],
        timeout=20,
    )
