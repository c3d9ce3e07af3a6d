import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from ponapi.auth.tokens import create_token
from tests.conftest import SECRET, add_user

# The forged-token cases sign with HS384 on purpose; PyJWT warns about the key length.
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


async def test_login_with_json_returns_a_bearer_token_and_the_user(app, client):
    await add_user(app, "ana", "technician", "s3cret-pass")
    r = await client.post("/api/auth/login", json={"username": "ana", "password": "s3cret-pass"})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 480 * 60
    assert body["user"]["username"] == "ana"
    assert body["user"]["role"] == "technician"
    assert "passwordHash" not in body["user"] and "password_hash" not in body["user"]
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], issuer="ponapi")
    assert claims["role"] == "technician"
    assert claims["sub"] == str(body["user"]["id"])
    assert claims["exp"] > claims["iat"]


async def test_login_with_the_oauth2_form(app, client):
    await add_user(app, "ana", "viewer", "s3cret-pass")
    r = await client.post(
        "/api/auth/login",
        data={"username": "ana", "password": "s3cret-pass", "grant_type": "password"},
    )
    assert r.status_code == 200
    me = await client.get(
        "/api/auth/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json() == {"success": True, "data": me.json()["data"], "message": "Current user"}
    assert me.json()["data"]["username"] == "ana"
    assert me.json()["data"]["createdAt"]


@pytest.mark.parametrize(
    "creds",
    [{"username": "ana", "password": "wrong-pass"}, {"username": "nobody", "password": "x"}],
)
async def test_wrong_credentials_are_401_with_the_same_message(app, client, creds):
    await add_user(app, "ana", "viewer", "s3cret-pass")
    r = await client.post("/api/auth/login", json=creds)
    assert r.status_code == 401
    assert r.json()["code"] == "UNAUTHORIZED"
    assert r.json()["details"] == "Invalid username or password, or the account is disabled."


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"username": "a"}', b"[]"])
async def test_malformed_login_body_is_400(client, body):
    r = await client.post(
        "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["code"] == "INVALID_REQUEST"


async def test_disabled_user_cannot_log_in_and_old_tokens_stop_working(app, client, users):
    from sqlalchemy import update

    from ponapi.db.models import User

    async with app.state.ctx.sessions() as db:
        await db.execute(update(User).where(User.username == "viewer").values(active=False))
        await db.commit()
    r = await client.get("/api/auth/me", headers=users["viewer"])
    assert r.status_code == 401
    r = await client.post("/api/auth/login", json={"username": "viewer", "password": "password123"})
    assert r.status_code == 401


def _b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _forged_tokens(user_id: int) -> dict[str, str]:
    now = datetime.now(UTC)
    good = {
        "sub": str(user_id),
        "role": "admin",
        "ver": 0,
        "iss": "ponapi",
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    return {
        "alg_none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(good)}.",
        "wrong_signature": jwt.encode(good, "another-secret-of-enough-length-xxxxx", "HS256"),
        "hs384": jwt.encode(good, SECRET, "HS384"),
        "expired": create_token(SECRET, user_id, "admin", 0, timedelta(seconds=-5))[0],
        "malformed": "abc.def",
        "garbage": "x" * 50,
        "no_exp": jwt.encode({k: v for k, v in good.items() if k != "exp"}, SECRET, "HS256"),
        "wrong_issuer": jwt.encode({**good, "iss": "evil"}, SECRET, "HS256"),
        "non_numeric_sub": jwt.encode({**good, "sub": "admin"}, SECRET, "HS256"),
    }


@pytest.mark.parametrize("kind", list(_forged_tokens(1)))
async def test_forged_expired_or_malformed_tokens_are_401(app, client, users, kind):
    token = _forged_tokens(1)[kind]  # user 1 is the admin created by the users fixture
    r = await client.get("/api/olts", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401, kind
    assert r.json()["code"] == "UNAUTHORIZED"
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert token not in r.text


async def test_a_valid_token_for_the_same_user_works(client, users):
    token = create_token(SECRET, 1, "admin", 0, timedelta(minutes=5))[0]
    r = await client.get("/api/olts", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200


async def test_no_token_is_401(client):
    r = await client.get("/api/auth/me")
    assert r.status_code == 401
    assert r.json()["code"] == "UNAUTHORIZED"


async def test_a_disabled_account_is_refused_once_the_auth_cache_window_passes(tmp_path):
    import asyncio

    import httpx
    from sqlalchemy import update

    from ponapi.db.migrate import upgrade
    from ponapi.db.models import User
    from ponapi.main import create_app
    from tests.conftest import make_settings, token_for

    settings = make_settings(
        tmp_path, f"sqlite+aiosqlite:///{tmp_path}/a.db", auth_cache_seconds=0.3
    )
    await asyncio.to_thread(upgrade, settings.database_url)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        await add_user(app, "ana", "viewer")
        h = {"Authorization": f"Bearer {await token_for(c, 'ana')}"}
        assert (await c.get("/api/auth/me", headers=h)).status_code == 200  # now cached
        async with app.state.ctx.sessions() as db:
            await db.execute(update(User).where(User.username == "ana").values(active=False))
            await db.commit()
        assert (await c.get("/api/auth/me", headers=h)).status_code == 200  # within 0.3 s
        await asyncio.sleep(0.35)
        assert (await c.get("/api/auth/me", headers=h)).status_code == 401


def test_a_token_checked_before_is_refused_once_it_expires(monkeypatch):
    """Verified tokens are remembered, but their expiry is checked on every use."""
    import time

    from ponapi.auth import tokens

    token, _ = create_token(SECRET, 7, "viewer", 0, timedelta(seconds=60))
    assert tokens.decode_token(SECRET, token).user_id == 7  # verified, now remembered
    assert tokens.decode_token(SECRET, token).user_id == 7
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    with pytest.raises(tokens.TokenError, match="expired"):
        tokens.decode_token(SECRET, token)
    with pytest.raises(tokens.TokenError, match="signature"):  # the key is part of the check
        tokens.decode_token(SECRET + "-rotated", token)
