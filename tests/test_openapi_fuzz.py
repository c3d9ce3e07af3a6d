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
    """The server the fuzzer works on (its calls change accounts and the registry at random)."""
    yield from _server(tmp_path_factory, sqlite_template)


@pytest.fixture
def untouched_api(tmp_path_factory, sqlite_template):
    """A server of its own, out of the fuzzer's reach (it may disable the admin or change its
    password)."""
    yield from _server(tmp_path_factory, sqlite_template)


def _server(tmp_path_factory, sqlite_template):
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
    acs = subprocess.Popen([sys.executable, "-c", _ACS], stdout=subprocess.PIPE, text=True)
    acs_url = acs.stdout.readline().strip()
    port = free_port()
    env = {
        "GENIEACS_URL": acs_url,
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
    # An OLT read through the (simulated) ACS, with an ONU the ACS knows: the stats route
    # answers 200 and its answer is checked against the document.
    olt = httpx.post(
        f"{base}/api/olts",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "name": "acs",
            "brand": "huawei",
            "host": "127.0.0.1",
            "port": 1,
            "username": "u",
            "password": "p",
            "statsSource": "acs",
        },
    ).json()["data"]["id"]
    httpx.post(
        f"{base}/api/olts/{olt}/onus",
        headers={"Authorization": f"Bearer {token}"},
        json={"serial": ACS_ONU},
    ).raise_for_status()
    yield base, token, olt
    proc.terminate()
    proc.wait(10)
    acs.terminate()
    acs.wait(10)


ACS_ONU = "HWTCA94196A5"
_ACS = """
import asyncio
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents

async def main():
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)
    print(await sim.start(), flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


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
    base, token, _ = api
    case.call_and_validate(
        base_url=base,
        headers={"Authorization": f"Bearer {token}"},
        checks=[no_internal_error, response_schema_conformance, envelope_on_errors],
        timeout=20,
    )


STATS = "/api/olts/{olt_id}/onus/{onu_serial}/tr069-stats"


def test_stats_answers_are_checked_against_the_contract_schema(untouched_api):
    """A real 200 from the stats route passes schemathesis's conformance check, and that check
    has teeth: the same body without a section the contract requires fails it."""
    import copy
    import datetime

    import httpx

    base, token, olt = untouched_api
    case = schema[STATS]["GET"].Case(path_parameters={"olt_id": olt, "onu_serial": ACS_ONU})
    headers = {"Authorization": f"Bearer {token}"}
    response = case.call(base_url=base, headers=headers, timeout=20)
    assert response.status_code == 200, response.text
    case.validate_response(response, checks=[response_schema_conformance])

    broken = copy.deepcopy(response.json())
    del broken["data"]["general"]
    fake = httpx.Response(
        200,
        json=broken,
        headers={"Content-Type": "application/json"},
        request=httpx.Request("GET", response.request.url),
    )
    fake.elapsed = datetime.timedelta(0)
    from schemathesis.core.failures import FailureGroup
    from schemathesis.core.transport import Response as StResponse

    with pytest.raises(FailureGroup, match="violates schema") as failed:
        case.validate_response(StResponse.from_any(fake), checks=[response_schema_conformance])
    assert '"general" is a required property' in str(failed.value.exceptions[0].message)


def test_no_operation_advertises_422_validation_errors_and_errors_are_the_envelope():
    document = _openapi()
    assert "HTTPValidationError" not in str(document)
    from ponapi.api.errors import ErrorCode

    envelope = document["components"]["schemas"]["ErrorEnvelope"]
    assert set(envelope["properties"]["code"]["enum"]) == {c.value for c in ErrorCode}
    errors = 0
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if status == "422":
                    # only the contract's TR069_NOT_SUPPORTED may use 422
                    codes = response["content"]["application/json"]["schema"]["allOf"][1]
                    assert codes["properties"]["code"]["enum"] == ["TR069_NOT_SUPPORTED"]
                if int(status) >= 400:
                    errors += 1
                    body = response["content"]["application/json"]["schema"]
                    assert body["allOf"][0] == {"$ref": "#/components/schemas/ErrorEnvelope"}, (
                        method,
                        path,
                        status,
                    )
                    for code in body["allOf"][1]["properties"]["code"]["enum"]:
                        assert ErrorCode(code).value == code
            if path.startswith("/api/") and (op.get("parameters") or op.get("requestBody")):
                assert "400" in op["responses"], (method, path)
    assert errors > 50


def test_stats_success_schema_is_the_contract_loaded_from_docs():
    import json

    from tests.fixtures import CONTRACT

    document = _openapi()
    ok = document["paths"][STATS]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"] == {"$ref": "#/components/schemas/Tr069Stats"}
    contract = json.loads(CONTRACT.read_text())
    success = document["components"]["schemas"]["Tr069Stats"]
    assert success["required"] == contract["$defs"]["success"]["required"]
    assert set(success["properties"]["data"]["required"]) == {
        "general",
        "ipInterface11",
        "ipInterface21",
        "wirelessLan",
        "wifiSurvey",
    }


def test_without_the_contract_file_the_document_still_builds(monkeypatch, tmp_path):
    """Without the contract file (an install missing its data files), /openapi.json still
    answers: errors are the envelope built from the codes, the stats 200 stays unspecific."""
    from ponapi.api import openapi
    from ponapi.api.errors import ErrorCode

    monkeypatch.setattr(openapi, "CONTRACT", tmp_path / "missing.json")
    openapi.contract.cache_clear()
    try:
        document = _openapi()
    finally:
        openapi.contract.cache_clear()
    envelope = document["components"]["schemas"]["ErrorEnvelope"]
    assert set(envelope["properties"]["code"]["enum"]) == {c.value for c in ErrorCode}
    ok = document["paths"][STATS]["get"]["responses"]["200"]
    assert "Tr069Stats" not in str(ok)
