import asyncio
import os
import subprocess
import sys

import pytest

from ponapi.crypto import CredentialCipher, CredentialError


def _run(args, tmp_path, stdin="", extra_env=None):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db",
        "DATA_DIR": str(tmp_path / "data"),
        "ENVIRONMENT": "development",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "ponapi.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )


def test_users_create_from_the_shell_then_login_hash_is_argon2(tmp_path):
    r = _run(
        ["users", "create", "root2", "--role", "admin", "--password-stdin"],
        tmp_path,
        "a-long-password\n",
    )
    assert r.returncode == 0, r.stderr
    assert "created admin 'root2'" in r.stdout
    import sqlite3

    row = (
        sqlite3.connect(tmp_path / "cli.db")
        .execute("select role, password_hash from users where username='root2'")
        .fetchone()
    )
    assert row[0] == "admin"
    assert row[1].startswith("$argon2id$") and "a-long-password" not in row[1]
    again = _run(["users", "create", "root2", "--password-stdin"], tmp_path, "another-pass\n")
    assert again.returncode == 1 and "already exists" in again.stderr
    short = _run(["users", "create", "x", "--password-stdin"], tmp_path, "short\n")
    assert short.returncode == 1


async def test_first_start_creates_admin_with_a_random_password(tmp_path):
    from ponapi.bootstrap import ensure_admin
    from ponapi.db.migrate import upgrade
    from ponapi.db.session import make_engine, make_sessionmaker

    url = f"sqlite+aiosqlite:///{tmp_path}/b.db"
    await asyncio.to_thread(upgrade, url)
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as db:
        pw1 = await ensure_admin(db, tmp_path / "d")
        assert pw1 and len(pw1) >= 12
        assert await ensure_admin(db, tmp_path / "d") is None  # only once
    await engine.dispose()
    path = tmp_path / "d" / "initial_admin_password"
    assert path.read_text().strip() == pw1
    assert path.stat().st_mode & 0o777 == 0o600
    # A second database gets a different password: nothing is fixed.
    url2 = f"sqlite+aiosqlite:///{tmp_path}/c.db"
    await asyncio.to_thread(upgrade, url2)
    engine = make_engine(url2)
    async with make_sessionmaker(engine)() as db:
        assert await ensure_admin(db, tmp_path / "e") != pw1
    await engine.dispose()


def test_credential_cipher_is_authenticated_and_key_bound():
    c = CredentialCipher("key-one")
    blob = c.encrypt("olt-pass")
    assert c.decrypt(blob) == "olt-pass"
    assert c.encrypt("olt-pass") != blob  # random nonce
    with pytest.raises(CredentialError):
        CredentialCipher("key-two").decrypt(blob)
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(CredentialError):
        c.decrypt(tampered)
    with pytest.raises(CredentialError):
        c.decrypt(b"junk")


def test_tr069_map_prints_sections_for_a_csv_export_and_a_json_document(tmp_path):
    import json

    from tests.fixtures import ACS

    csv_path = ACS / "anlix-genieacs-sim_device-eg8145x6-no-mesh.csv"
    r = _run(["tr069", "map", str(csv_path), "--timezone", "America/Lima"], tmp_path)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["data"]["general"]["modelName"] == "EG8145X6"
    assert len(out["data"]["wifiSurvey"]["networks"]) == 31
    assert out["meta"]["sections"]["wifiSurvey"]["scanState"] == "Complete"
    assert out["meta"]["device"]["profile"] == "huawei"
    json_path = ACS / "derived-nbi-json" / "nokia-G-1425G-A-ALCLFC265D6F.projected.json"
    r = _run(["tr069", "map", str(json_path)], tmp_path)
    assert json.loads(r.stdout)["data"]["ipInterface11"]["vlanId"] == "10"
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    r = _run(["tr069", "map", str(bad)], tmp_path)
    assert r.returncode == 2 and "not a GenieACS" in r.stderr


def test_credentials_rotate_reencrypts_every_olt_password(tmp_path):
    import sqlite3

    old_key, new_key = "old-key-" + "a" * 40, "new-key-" + "b" * 40
    env_old = {"CREDENTIALS_KEY": old_key}
    r = _run(["db", "upgrade"], tmp_path)
    assert r.returncode == 0, r.stderr
    db = sqlite3.connect(tmp_path / "cli.db")
    now = "2026-01-01 00:00:00"
    for i, password in enumerate(("olt-pw-1", "olt-pw-2")):
        db.execute(
            "insert into olts (name, brand, model, host, port, protocol, username, "
            "password_encrypted, stats_source, created_at, updated_at) values "
            "(?, 'huawei', '', '10.0.0.1', 22, 'ssh', 'u', ?, 'cli', ?, ?)",
            (f"o{i}", CredentialCipher(old_key).encrypt(password), now, now),
        )
    db.commit()
    r = _run(["credentials", "rotate", "--new-key-stdin"], tmp_path, new_key + "\n", env_old)
    assert r.returncode == 0, r.stderr
    assert "re-encrypted 2" in r.stdout
    rows = [bytes(x[0]) for x in db.execute("select password_encrypted from olts order by id")]
    assert [CredentialCipher(new_key).decrypt(b) for b in rows] == ["olt-pw-1", "olt-pw-2"]
    # With the wrong current key nothing changes.
    r = _run(["credentials", "rotate", "--new-key-stdin"], tmp_path, "x" * 40 + "\n", env_old)
    assert r.returncode == 1 and "nothing changed" in r.stderr
    after = [bytes(x[0]) for x in db.execute("select password_encrypted from olts order by id")]
    assert after == rows


def test_the_listening_socket_hands_tcp_nodelay_to_every_connection():
    """Accepted connections inherit TCP_NODELAY from ponapi's listening socket; without it,
    workers on the asyncio loop held every keep-alive answer ~40 ms (Nagle + delayed ACK)."""
    import socket

    import uvicorn

    from ponapi.server import listening_socket

    sock = listening_socket(uvicorn.Config("ponapi.main:serve_app", host="127.0.0.1", port=0))
    sock.listen()
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        with socket.create_connection(sock.getsockname()[:2]):
            accepted, _ = sock.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        sock.close()


def test_serve_runs_several_workers_that_answer_and_log_json(tmp_path):
    """`ponapi serve --workers 2` as an operator runs it: real processes on loopback."""
    import json
    import time

    import httpx

    from tests.services import free_port

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/serve.db",
        "DATA_DIR": str(tmp_path / "data"),
        "ENVIRONMENT": "development",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ponapi.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            while True:
                try:
                    r = client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.communicate()
                    assert time.monotonic() < deadline, "ponapi serve did not start"
                    time.sleep(0.2)
            assert r.status_code == 200
            answers = [client.get("/api/olts").status_code for _ in range(20)]
            assert answers == [401] * 20  # the envelope path, on one keep-alive connection
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    # Each worker configured the JSON log itself (a fresh process inherits no handlers).
    worker_lines = [line for line in stderr.splitlines() if "Application startup" in line]
    assert len(worker_lines) == 2
    assert all(
        json.loads(line)["message"] == "Application startup complete." for line in worker_lines
    )
