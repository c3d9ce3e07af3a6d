"""Hostile-input hardening: hostile bodies and tokens, case-variant accounts, OLT credentials
SSH would refuse, audit outcomes and time filters, where each action came from, private
SQLite files, and which client address login limits count behind a proxy."""

import asyncio
import os
import stat
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
import uvicorn

from ponapi.main import create_app
from tests.conftest import SECRET, add_user, make_settings

OLT = {"name": "o1", "brand": "huawei", "host": "127.0.0.1", "username": "u", "password": "p"}


# --- bodies ------------------------------------------------------------------------------


async def test_deeply_nested_json_on_login_is_400_not_a_crash(client, caplog):
    body = "[" * 100_000 + "]" * 100_000
    r = await client.post(
        "/api/auth/login", content=body, headers={"content-type": "application/json"}
    )
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")
    assert not [rec for rec in caplog.records if rec.levelname in ("ERROR", "CRITICAL")]


async def test_deeply_nested_json_elsewhere_is_400(client, users):
    body = '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}"
    r = await client.post(
        "/api/olts", content=body, headers={**users["admin"], "content-type": "application/json"}
    )
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST")


async def test_a_body_over_the_cap_is_413_before_it_is_read(client):
    r = await client.post(
        "/api/auth/login",
        content=b"x" * (1_048_576 + 1),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["code"] == "INVALID_REQUEST" and r.json()["success"] is False


async def test_a_streamed_body_is_cut_off_at_the_cap(client):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(64):  # 4 MiB offered, 64 KiB at a time, with no Content-Length
            sent += 1
            yield b" " * 65536

    r = await client.post(
        "/api/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "INVALID_REQUEST"
    assert sent <= 18  # stopped just past 1 MiB, not after reading all of it


# --- tokens ------------------------------------------------------------------------------


def _signed(**claims):
    now = datetime.now(UTC)
    payload = {"sub": "1", "role": "admin", "ver": 0, "iat": now, "iss": "ponapi"}
    payload["exp"] = now + timedelta(minutes=5)
    payload.update(claims)
    return jwt.encode(payload, SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": str(10**20)},
        {"sub": 10**20},
        {"sub": "2147483648"},
        {"sub": "-1"},
        {"sub": "0"},
        {"sub": "1e3"},
        {"ver": "x"},
        {"ver": 10**20},
        {"ver": True},
        {"role": "root"},
        {"role": ["admin"]},
    ],
)
async def test_signed_tokens_with_claims_out_of_type_or_range_are_401(client, users, claims):
    r = await client.get("/api/olts", headers={"Authorization": f"Bearer {_signed(**claims)}"})
    assert (r.status_code, r.json()["code"]) == (401, "UNAUTHORIZED")


async def test_a_signed_token_with_good_claims_still_works(client, users):
    r = await client.get("/api/olts", headers={"Authorization": f"Bearer {_signed()}"})
    assert r.status_code == 200


# --- accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["ANA", "Ana"])
async def test_a_case_variant_of_an_existing_username_is_409(client, users, variant):
    await add_user_via_api(client, users, "ana")
    r = await client.post(
        "/api/users",
        headers=users["admin"],
        json={"username": variant, "password": "another-pass-1"},
    )
    assert (r.status_code, r.json()["code"]) == (409, "CONFLICT")


async def add_user_via_api(client, users, name):
    r = await client.post(
        "/api/users", headers=users["admin"], json={"username": name, "password": "pass-word-1"}
    )
    assert r.status_code == 201, r.text


async def test_the_database_refuses_case_variants_itself(app):
    from sqlalchemy.exc import IntegrityError

    from ponapi.db.models import User

    await add_user(app, "ana", "viewer")
    async with app.state.ctx.sessions() as db:
        db.add(User(username="ANA", password_hash="x", role="viewer"))
        with pytest.raises(IntegrityError):
            await db.commit()


async def test_failures_against_a_case_variant_count_for_the_one_account(app, client):
    await add_user(app, "admin2", "admin", "right-password")
    for i in range(10):
        name = ["ADMIN2", "Admin2", "admin2"][i % 3]
        r = await client.post("/api/auth/login", json={"username": name, "password": "no"})
        assert r.status_code == 401
    r = await client.post(
        "/api/auth/login", json={"username": "ADMIN2", "password": "right-password"}
    )
    assert r.status_code == 429


def test_the_migration_renames_existing_case_duplicates_and_records_it(tmp_path):
    import sqlite3

    from ponapi.db.migrate import upgrade

    path = tmp_path / "dups.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0003")
    con = sqlite3.connect(path)
    for name in ("ana", "ANA", "bob", "Ana"):
        con.execute(
            "INSERT INTO users (username, password_hash, role, active, token_version, created_at)"
            " VALUES (?, 'h', 'viewer', 1, 0, '2026-01-01 00:00:00')",
            (name,),
        )
    con.commit()
    con.close()
    upgrade(url)
    con = sqlite3.connect(path)
    names = [r[0] for r in con.execute("SELECT username FROM users ORDER BY id")]
    renamed = con.execute(
        "SELECT target, details FROM audit_log WHERE action = 'user.renamed' ORDER BY id"
    ).fetchall()
    con.close()
    assert names == ["ana", "ANA-2", "bob", "Ana-4"]  # the oldest keeps its name
    assert [t for t, _ in renamed] == ["user ANA-2", "user Ana-4"]
    assert '"from": "ANA"' in renamed[0][1]


# --- OLT credentials ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("username", "ad\u2028min"),
        ("username", "ad\u2029min"),
        ("username", "ad\u0085min"),
        ("username", "a\u00admin"),  # soft hyphen: SASLprep would drop it
        ("username", "\uff41dmin"),  # fullwidth a: SASLprep would change it
        ("password", "pa\u2028ss"),
        ("password", "pa\u200bss"),
    ],
)
async def test_olt_credentials_ssh_or_telnet_cannot_use_are_400(client, users, field, value):
    r = await client.post("/api/olts", headers=users["admin"], json={**OLT, field: value})
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST"), r.text
    ok = await client.post("/api/olts", headers=users["admin"], json=OLT)
    r = await client.patch(
        f"/api/olts/{ok.json()['data']['id']}", headers=users["admin"], json={field: value}
    )
    assert (r.status_code, r.json()["code"]) == (400, "INVALID_REQUEST"), r.text


# --- audit -------------------------------------------------------------------------------


async def _audit(client, users, **params):
    r = await client.get("/api/audit", headers=users["admin"], params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_audit_records_the_outcome_of_changes(client, users):
    a = (await client.post("/api/olts", headers=users["admin"], json=OLT)).json()["data"]["id"]
    await client.post("/api/olts", headers=users["admin"], json={**OLT, "name": "o2"})
    assert (
        await client.patch(f"/api/olts/{a}", headers=users["admin"], json={"name": None})
    ).status_code == 400
    assert (
        await client.patch(f"/api/olts/{a}", headers=users["admin"], json={"name": "o2"})
    ).status_code == 409
    assert (
        await client.delete(f"/api/olts/{a}/onus/HWTCA94196A5", headers=users["admin"])
    ).status_code == 404
    assert (
        await client.patch(f"/api/olts/{a}", headers=users["admin"], json={"model": "MA5800"})
    ).status_code == 200
    rows = await _audit(client, users)
    got = [
        (e["action"], e["result"], e["details"].get("code"))
        for e in reversed(rows)
        if e["action"] in ("olt.create", "olt.update", "onu.delete")
    ]
    assert got == [
        ("olt.create", "ok", None),
        ("olt.create", "ok", None),
        ("olt.update", "failed", "INVALID_REQUEST"),
        ("olt.update", "failed", "CONFLICT"),
        ("onu.delete", "failed", "ONU_NOT_FOUND"),
        ("olt.update", "ok", None),
    ]


async def test_every_audited_action_says_where_it_came_from(client, users):
    await client.post("/api/olts", headers=users["admin"], json=OLT)
    await add_user_via_api(client, users, "maria")
    rows = await _audit(client, users)
    assert {e["action"] for e in rows} >= {"login", "olt.create", "user.create"}
    assert [e["action"] for e in rows if e["client"] != "127.0.0.1"] == []


async def test_audit_time_filters_honour_the_offset(client, users):
    await client.post("/api/olts", headers=users["admin"], json=OLT)
    now = datetime.now(UTC)
    plus5 = timedelta(hours=5)
    from datetime import timezone

    zone = timezone(plus5)
    utc_rows = await _audit(client, users, since=(now - timedelta(minutes=5)).isoformat())
    local_rows = await _audit(
        client, users, since=(now - timedelta(minutes=5)).astimezone(zone).isoformat()
    )
    assert len(utc_rows) >= 4 and len(local_rows) == len(utc_rows)
    until = (now - timedelta(minutes=5)).astimezone(zone).isoformat()
    assert await _audit(client, users, until=until) == []
    later = (now + timedelta(minutes=5)).astimezone(zone).isoformat()
    assert len(await _audit(client, users, until=later)) == len(utc_rows)


# --- files -------------------------------------------------------------------------------


async def test_sqlite_files_are_readable_by_their_owner_only(tmp_path):
    from ponapi.db.migrate import upgrade

    old = os.umask(0o022)
    try:
        path = tmp_path / "ponapi.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        app = create_app(make_settings(tmp_path, url))
        async with app.router.lifespan_context(app):
            await add_user(app, "ana", "viewer")  # a write: the WAL and SHM files exist now
            files = [path, tmp_path / "ponapi.db-wal", tmp_path / "ponapi.db-shm"]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        os.umask(old)
    assert modes == {f.name: 0o600 for f in files}


def test_an_existing_world_readable_database_is_tightened(tmp_path):
    from ponapi.db.session import secure_sqlite_file

    path = tmp_path / "old.db"
    path.write_bytes(b"")
    path.chmod(0o644)
    secure_sqlite_file(f"sqlite+aiosqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- client address behind a proxy -------------------------------------------------------


def _served(app):
    """The app wrapped as ``ponapi serve`` runs it: uvicorn's defaults for proxy headers."""
    config = uvicorn.Config(app, proxy_headers=True)
    if "FORWARDED_ALLOW_IPS" not in os.environ:  # the default: loopback only
        assert set(str(config.forwarded_allow_ips).split(",")) == {"127.0.0.1", "::1"}
    config.load()
    return config.loaded_app


@pytest.mark.parametrize(
    "peer,forwarded,counted",
    [
        ("127.0.0.1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a proxy that appends
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),  # a proxy that sets it
        ("198.51.100.7", "6.6.6.6", "198.51.100.7"),  # not from the proxy: ignored
    ],
)
async def test_login_limits_count_the_address_the_proxy_saw(app, peer, forwarded, counted):
    transport = httpx.ASGITransport(app=_served(app), client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        r = await c.post(
            "/api/auth/login",
            json={"username": "nobody", "password": "x"},
            headers={"X-Forwarded-For": forwarded},
        )
    assert r.status_code == 401
    cache = app.state.ctx.cache
    assert await cache.get(f"la:ip:{counted}") == b"1"
    assert await cache.get("la:ip:6.6.6.6") is None
