"""The operator's commands say what they mean: parse lists its commands and takes the command
as typed; a bad time zone, an unreachable ACS or Redis, a busy demo port are one line; tr069 map
warns of old data as the server does; users set-password works and ends old tokens."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from ponapi.cli import app

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "cli"
DUMP = next((ROOT / "ponapi" / "sim" / "data").glob("*EG8145V5*.csv.gz"))
runner = CliRunner()
CLI = (sys.executable, "-m", "ponapi.cli")


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "ponapi.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_parse_help_lists_the_commands_it_can_parse():
    out = runner.invoke(app, ["parse", "--help"], terminal_width=200)
    assert out.exit_code == 0
    text = " ".join(out.output.split())
    for command in ("display-ont-info", "display-ont-wan-info", "show-gpon-onu-detail-info"):
        assert command in text


def test_parse_takes_the_command_as_typed_with_extra_spaces():
    sample = FIXTURES / "huawei" / "display-ont-info__1.txt"
    for typed in ("display  ont   info", " Display ONT info ", "display-ont-info"):
        out = runner.invoke(app, ["parse", "huawei", typed, str(sample)])
        assert out.exit_code == 0, (typed, out.output)
        assert json.loads(out.output)
    out = runner.invoke(app, ["parse", "huawei", "display ont nothing", str(sample)])
    assert out.exit_code == 2 and "known: " in out.output


def test_tr069_map_names_a_bad_time_zone(tmp_path):
    dump = tmp_path / "d.csv"
    dump.write_bytes(gzip.decompress(DUMP.read_bytes()))
    out = runner.invoke(app, ["tr069", "map", str(dump), "--timezone", "Mars/Base"])
    assert out.exit_code == 2
    assert "unknown time zone 'Mars/Base' for --timezone" in out.output
    assert "cannot read input" not in out.output


def test_tr069_map_of_an_old_dump_carries_the_servers_stale_warning(tmp_path):
    dump = tmp_path / "d.csv"
    dump.write_bytes(gzip.decompress(DUMP.read_bytes()))
    out = runner.invoke(app, ["tr069", "map", str(dump)])
    assert out.exit_code == 0, out.output
    meta = json.loads(out.output)["meta"]
    assert meta["device"]["lastInformAgo"].endswith("ago")
    warned = [m for m in meta["sections"].values() if m.get("stale")]
    assert warned and all("it may have changed since" in m["warning"] for m in warned)


def test_sim_cpe_names_the_acs_it_cannot_reach(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    out = _cli("sim", "cpe", str(DUMP), "--acs", url, "--duration", "1", cwd=tmp_path)
    assert out.returncode == 1, out
    assert (
        out.stderr.strip() == f"ponapi sim cpe: cannot reach the ACS at {url}: connection refused"
    )


def test_demo_on_a_busy_port_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = _cli("demo", "--port", str(port), cwd=tmp_path)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "Errno" not in out.stderr
    assert out.stderr.strip() == (
        f"ponapi demo: cannot listen on 127.0.0.1:{port}: address already in use"
    )


def test_serve_with_an_unreachable_redis_is_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        redis_port = s.getsockname()[1]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        api_port = s.getsockname()[1]
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        "REDIS_URL": f"redis://:hunter2-secret@127.0.0.1:{redis_port}/0",
        "DATA_DIR": str(tmp_path / "data"),
    }
    out = _cli("serve", "--port", str(api_port), cwd=tmp_path, env=env)
    assert out.returncode == 1, out
    assert out.stderr.strip() == (
        f"ponapi serve: cannot reach Redis at 127.0.0.1:{redis_port}/0 (REDIS_URL): "
        "connection refused"
    )
    assert "hunter2" not in out.stdout + out.stderr
    assert not (tmp_path / "p.db").exists()  # stopped before the migrations


def test_users_set_password_changes_it_and_ends_old_tokens(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        "DATA_DIR": str(tmp_path / "data"),
    }
    created = subprocess.run(
        [*CLI, "users", "create", "Ana", "--role", "admin", "--password-stdin"],
        input="first-password-1\n",
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "created" in created.stdout
    changed = subprocess.run(
        [sys.executable, "-m", "ponapi.cli", "users", "set-password", "ana", "--password-stdin"],
        input="second-password-2\n",
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert changed.returncode == 0, changed.stderr
    assert "password of 'Ana' changed" in changed.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "ponapi.cli", "users", "set-password", "nobody", "--password-stdin"],
        input="third-password-3\n",
        cwd=tmp_path,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr

    import asyncio

    from sqlalchemy import select

    from ponapi.auth.passwords import verify_password
    from ponapi.db.models import AuditEntry, User
    from ponapi.db.session import make_engine, make_sessionmaker

    async def check() -> None:
        engine = make_engine(env["DATABASE_URL"])
        try:
            async with make_sessionmaker(engine)() as db:
                user = (await db.execute(select(User))).scalar_one()
                assert verify_password(user.password_hash, "second-password-2")
                assert user.token_version == 1
                audit = (await db.execute(select(AuditEntry))).scalars().all()
                assert [(a.action, a.username, a.target) for a in audit] == [
                    ("user.password", "cli", "user Ana")
                ]
        finally:
            await engine.dispose()

    asyncio.run(check())
