"""The platform's tokens: algorithms from settings only, exp required, issuer/audience, clock
skew, JWKS rotation and outage, the claim rules, and token introspection (RFC 7662)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ponapi.auth.claims import ClaimRules, HostTokenError
from ponapi.auth.host_jwt import HostJwt
from ponapi.auth.introspect import Introspector
from ponapi.config import Settings

RULES = ClaimRules(
    subject_claim="sub",
    role_claim="user.level",
    role_map={"OPERADOR": "technician", "MEGA": "platform", "5": "viewer"},
    tenant_claim="user.isp",
)
SECRET = "shared-platform-secret-0123456789abcdef"


def claims(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "u1",
        "user": {"level": "OPERADOR", "isp": 3},
        "exp": int(time.time()) + 300,
    }
    base.update(kw)
    return base


def hs(**kw: Any) -> HostJwt:
    return HostJwt(algorithms=["HS256"], rules=RULES, secret=SECRET, **kw)


async def test_hs256_token_is_mapped_to_role_and_tenant() -> None:
    who = await hs().verify(jwt.encode(claims(), SECRET, algorithm="HS256"))
    assert (who.subject, who.role, who.tenant, who.platform) == ("u1", "technician", "3", False)
    assert who.user_id < 0  # never a local user's id


@pytest.mark.parametrize(
    "token_claims",
    [
        {"user": {"level": ["OPERADOR"], "isp": 3}},  # a list of roles
        {"user": {"level": 7, "isp": 3}},  # a number that maps to nothing
        {"user": {"level": "OPERADOR"}},  # no ISP
        {"user": {"level": "OPERADOR", "isp": ""}},
        {"user": {"level": "OPERADOR", "isp": "  "}},
        {"user": {"level": "OPERADOR", "isp": {"id": 3}}},
        {"user": {"level": "OPERADOR", "isp": True}},
        {"user": {"level": "CLIENTE", "isp": 3}},  # a level with no access
        {"sub": {"id": 1}},
    ],
)
async def test_claims_that_are_refused(token_claims: dict[str, Any]) -> None:
    with pytest.raises(HostTokenError):
        await hs().verify(jwt.encode(claims(**token_claims), SECRET, algorithm="HS256"))


async def test_a_numeric_role_is_its_decimal_string_and_platform_needs_no_isp() -> None:
    who = await hs().verify(
        jwt.encode(claims(user={"level": 5, "isp": "9"}), SECRET, algorithm="HS256")
    )
    assert (who.role, who.tenant) == ("viewer", "9")
    boss = await hs().verify(jwt.encode(claims(user={"level": "MEGA"}), SECRET, algorithm="HS256"))
    assert boss.platform and boss.tenant is None and boss.role == "admin"


async def test_alg_none_and_no_exp_are_refused() -> None:
    unsigned = jwt.encode(claims(), None, algorithm="none")
    with pytest.raises(HostTokenError):
        await hs().verify(unsigned)
    no_exp = claims()
    del no_exp["exp"]
    with pytest.raises(HostTokenError):
        await hs().verify(jwt.encode(no_exp, SECRET, algorithm="HS256"))


async def test_issuer_audience_and_clock_skew() -> None:
    strict = hs(issuer="https://isp.example", audience="ponapi")
    good = claims(iss="https://isp.example", aud="ponapi")
    assert await strict.verify(jwt.encode(good, SECRET, algorithm="HS256"))
    for bad in ({"iss": "https://evil.example"}, {"aud": "other"}, {"iss": None}):
        wrong = {k: v for k, v in {**good, **bad}.items() if v is not None}
        with pytest.raises(HostTokenError):
            await strict.verify(jwt.encode(wrong, SECRET, algorithm="HS256"))
    skewed = jwt.encode(claims(exp=int(time.time()) - 10), SECRET, algorithm="HS256")
    with pytest.raises(HostTokenError, match="expired"):
        await hs().verify(skewed)
    assert await hs(leeway_seconds=30).verify(skewed)
    early = jwt.encode(claims(nbf=int(time.time()) + 10), SECRET, algorithm="HS256")
    with pytest.raises(HostTokenError):
        await hs().verify(early)
    assert await hs(leeway_seconds=30).verify(early)


def _rsa() -> tuple[rsa.RSAPrivateKey, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, pem


async def test_hs256_signed_with_the_rs_public_key_is_refused(tmp_path: Path) -> None:
    key, pem = _rsa()
    path = tmp_path / "platform.pem"
    path.write_bytes(pem)
    rs = HostJwt(algorithms=["RS256"], rules=RULES, public_key_file=path)
    assert await rs.verify(jwt.encode(claims(), key, algorithm="RS256"))
    # The classic confusion: the public key (which anyone has) used as an HMAC secret.
    import hashlib
    import hmac

    header = jwt.utils.base64url_encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = jwt.utils.base64url_encode(json.dumps(claims()).encode())
    signing = header + b"." + body
    sig = jwt.utils.base64url_encode(hmac.new(pem, signing, hashlib.sha256).digest())
    with pytest.raises(HostTokenError):
        await rs.verify((signing + b"." + sig).decode())


def test_settings_refuse_none_and_mixed_algorithms() -> None:
    with pytest.raises(ValueError, match="not accepted"):
        Settings(_env_file=None, host_jwt_algorithms="none", host_jwt_role_map={"a": "admin"})
    with pytest.raises(ValueError, match="mixes"):
        Settings(
            _env_file=None,
            host_jwt_algorithms="HS256,RS256",
            host_jwt_secret="x" * 40,
            host_jwt_role_map={"a": "admin"},
        )
    with pytest.raises(ValueError, match="ROLE_MAP"):
        Settings(
            _env_file=None,
            host_jwt_algorithms="HS256",
            host_jwt_secret="x" * 40,
            host_jwt_role_map={"a": "root"},
        )


# --- JWKS -------------------------------------------------------------------------------


class Jwks:
    """A JWKS endpoint on loopback that counts its fetches and can be taken down."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.hits = 0
        self.up = True
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits += 1
                if not outer.up:
                    self.send_response(503)
                    self.end_headers()
                    return
                data = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, kid: str) -> rsa.RSAPrivateKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        self.keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return key


@pytest.fixture
def jwks() -> Iterator[Jwks]:
    server = Jwks()
    yield server
    server.server.shutdown()
    server.server.server_close()


def rs_token(key: rsa.RSAPrivateKey, kid: str) -> str:
    return jwt.encode(claims(), key, algorithm="RS256", headers={"kid": kid})


async def test_jwks_rotation_outage_and_rate_limited_refetch(jwks: Jwks) -> None:
    first = jwks.add("k1")
    verifier = HostJwt(
        algorithms=["RS256"],
        rules=RULES,
        jwks_url=jwks.url,
        jwks_cache_seconds=0.2,
        jwks_refetch_seconds=60,
        jwks_timeout_seconds=2,
    )
    assert await verifier.verify(rs_token(first, "k1"))
    assert await verifier.verify(rs_token(first, "k1"))
    assert jwks.hits == 1  # cached
    # Rotation: a new kid is fetched at once (the set is older than its cache time).
    time.sleep(0.3)
    second = jwks.add("k2")
    assert await verifier.verify(rs_token(second, "k2"))
    hits = jwks.hits
    # An unknown kid refetches at most once per HOST_JWKS_REFETCH_SECONDS.
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for _ in range(5):
        with pytest.raises(HostTokenError):
            await verifier.verify(rs_token(stranger, "nope"))
    assert jwks.hits - hits <= 1
    # The endpoint goes down; its cache time passes; the keys it served keep working.
    jwks.up = False
    time.sleep(0.3)
    assert await verifier.verify(rs_token(first, "k1"))
    assert await verifier.verify(rs_token(second, "k2"))


async def test_jwks_unreachable_at_first_use_is_401_not_a_hang() -> None:
    verifier = HostJwt(
        algorithms=["RS256"],
        rules=RULES,
        jwks_url="http://127.0.0.1:9/jwks.json",
        jwks_timeout_seconds=1,
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    started = time.monotonic()
    with pytest.raises(HostTokenError):
        await verifier.verify(rs_token(key, "k1"))
    assert time.monotonic() - started < 3


# --- introspection ------------------------------------------------------------------------


async def test_introspection_maps_active_tokens_and_caches_answers() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        token = dict(x.split("=") for x in request.content.decode().split("&"))["token"]
        asked.append(token)
        if token == "good":
            return httpx.Response(200, json={"active": True, **claims()})
        return httpx.Response(200, json={"active": False})

    spy = Introspector(
        "http://127.0.0.1:9/introspect",
        RULES,
        cache_seconds=30,
        transport=httpx.MockTransport(answer),
    )
    who = await spy.verify("good")
    assert (who.role, who.tenant) == ("technician", "3")
    await spy.verify("good")
    for _ in range(2):
        with pytest.raises(HostTokenError, match="not active"):
            await spy.verify("revoked")
    assert asked == ["good", "revoked"]  # each answer asked once, then cached


async def test_introspection_endpoint_down_is_refused_and_not_cached() -> None:
    calls = 0

    def down(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    spy = Introspector("http://127.0.0.1:9/x", RULES, transport=httpx.MockTransport(down))
    for _ in range(2):
        with pytest.raises(HostTokenError, match="could not be checked"):
            await spy.verify("t")
    assert calls == 2
