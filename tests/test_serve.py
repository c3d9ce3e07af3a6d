"""`ponapi serve` as an operator runs it, against the real PostgreSQL the fixtures start: each
startup failure is one clear line (no traceback, no password), the port is bound before the
migrations, and /metrics sums every worker."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.conftest import SECRET
from tests.services import Postgres, free_port

PW_USER = "ponapi_pw"
PW = "right-password-42"


def _env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def _serve(tmp_path: Path, database_url: str, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ponapi.cli", "serve", *args],
        env=_env(tmp_path, database_url, **env),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _fails_with_one_line(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 1, (out, err)
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.startswith("ponapi serve:")]
    assert len(lines) == 1, err
    return lines[0]


def _wait_ready(proc: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("ponapi serve did not start")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()


def _psql(pg: Postgres, *sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(pg.url().replace("+asyncpg", ""))
        try:
            for statement in sql:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="module")
def password_db(postgres: Postgres) -> str:
    """A role that must give its password (the test server otherwise trusts loopback), owner of
    its own database; returns the URL without the password."""
    _psql(
        postgres,
        f"CREATE ROLE {PW_USER} LOGIN PASSWORD '{PW}'",
        f"CREATE DATABASE {PW_USER} OWNER {PW_USER}",
    )
    hba = postgres.data / "pg_hba.conf"
    rule = f"host all {PW_USER} 127.0.0.1/32 scram-sha-256\n"
    hba.write_text(rule + hba.read_text())  # first match wins
    _psql(postgres, "SELECT pg_reload_conf()")
    return f"postgresql+asyncpg://{PW_USER}:{{}}@127.0.0.1:{postgres.port}/{PW_USER}"


def test_wrong_database_password_is_one_line_and_the_right_one_serves(tmp_path, password_db):
    line = _fails_with_one_line(
        _serve(tmp_path, password_db.format("wrong-password"), "--port", str(free_port()))
    )
    assert f"refused the login of user '{PW_USER}'" in line
    assert "wrong-password" not in line
    port = free_port()
    proc = _serve(tmp_path, password_db.format(PW), "--port", str(port))
    try:
        _wait_ready(proc, port)
    finally:
        _stop(proc)


def test_a_database_url_without_asyncpg_is_one_line(tmp_path, postgres):
    url = postgres.url().replace("postgresql+asyncpg://", "postgresql://postgres:s3cret@")
    url = url.replace("postgres:s3cret@postgres@", "postgres:s3cret@")
    line = _fails_with_one_line(_serve(tmp_path, url, "--port", str(free_port())))
    assert "postgresql+asyncpg://" in line
    assert "s3cret" not in line


def test_a_taken_port_is_one_line_before_any_migration(tmp_path, postgres):
    """The port is bound first: with the port taken, serve stops on it without touching the
    database (here a database that does not exist, which migrations would trip on)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        line = _fails_with_one_line(
            _serve(tmp_path, postgres.url("no_such_database"), "--port", str(port))
        )
    assert line == f"ponapi serve: cannot listen on 127.0.0.1:{port}: address already in use"
    assert time.monotonic() - started < 30
    # the same database with a free port: the failure is then about the database, one line too
    line = _fails_with_one_line(
        _serve(tmp_path, postgres.url("no_such_database"), "--port", str(free_port()))
    )
    assert "'no_such_database' does not exist" in line


def _healthz_count(text: str) -> float:
    found = re.findall(
        r'^ponapi_http_request_duration_seconds_count\{[^}]*route="/healthz"[^}]*\} (\S+)$',
        text,
        re.MULTILINE,
    )
    return sum(float(v) for v in found)


def test_metrics_sum_every_worker(tmp_path, postgres):
    """Two real workers: requests spread over both, and every scrape (each on a new connection,
    so served by either worker) reports them all, the same number each time."""
    _psql(postgres, "CREATE DATABASE metrics_workers")
    metrics_dir = tmp_path / "metrics"
    port = free_port()
    proc = _serve(
        tmp_path,
        postgres.url("metrics_workers"),
        "--port",
        str(port),
        "--workers",
        "2",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    try:
        _wait_ready(proc, port)
        base = f"http://127.0.0.1:{port}"
        before = _healthz_count(httpx.get(f"{base}/metrics").text)
        assert before >= 1  # the readiness probes
        for _ in range(40):  # one connection each: the kernel spreads them over the workers
            assert httpx.get(f"{base}/healthz").status_code == 200
        served_by = {p.name for p in metrics_dir.glob("histogram_*.db")}
        assert len(served_by) == 2, served_by  # each worker served some
        scrapes = [_healthz_count(httpx.get(f"{base}/metrics").text) for _ in range(8)]
        assert scrapes == [before + 40] * 8
    finally:
        _stop(proc)
    assert not list(metrics_dir.glob("*.db"))  # a given directory is left empty
