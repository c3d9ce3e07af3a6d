"""Two ISPs on one ponapi behind a platform (HS256 tokens), for the tenant tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from fastapi import FastAPI
from fastapi.routing import APIRoute

PLATFORM_SECRET = "platform-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ROLE_MAP = {
    "MEGA ADMINISTRADOR": "platform",
    "SUPER ADMINISTRADOR": "admin",
    "ADMINISTRADOR": "admin",
    "OPERADOR": "technician",
    "CONSULTA": "viewer",
}
HOST_SETTINGS: dict[str, object] = {
    "host_jwt_algorithms": "HS256",
    "host_jwt_secret": PLATFORM_SECRET,
    "host_jwt_role_claim": "nivel_usuario",
    "host_jwt_role_map": ROLE_MAP,
    "host_jwt_tenant_claim": "id_isp",
    "host_jwt_subject_claim": "id",
}
LEVELS = {"viewer": "CONSULTA", "technician": "OPERADOR", "admin": "ADMINISTRADOR"}
A_SERIAL, B_SERIAL = "HWTCA94196A5", "HWTCA97D7DAA"


def host_token(level: str, isp: object = None, sub: object = 7, **extra: Any) -> str:
    claims: dict[str, Any] = {"id": sub, "nivel_usuario": level, "exp": int(time.time()) + 600}
    if isp is not None:
        claims["id_isp"] = isp
    claims.update(extra)
    return jwt.encode(claims, PLATFORM_SECRET, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Isps:
    olt_a: int
    olt_b: int
    user_a: int  # a local user of ISP A
    job_a: str  # a refresh job ISP A's operator started
    platform: dict[str, str]
    b: dict[str, dict[str, str]] = field(default_factory=dict)  # ISP B's headers by role
    a: dict[str, dict[str, str]] = field(default_factory=dict)


def olt_body(name: str, tenant: str, **kw: Any) -> dict[str, Any]:
    return {
        "name": name,
        "brand": "huawei",
        "host": "127.0.0.1",
        "username": "noc",
        "password": f"olt-pass-{name}",
        "statsSource": "acs",
        "tenant": tenant,
        **kw,
    }


async def two_isps(c: httpx.AsyncClient) -> Isps:
    platform = bearer(host_token("MEGA ADMINISTRADOR", sub="root"))
    a = {role: bearer(host_token(level, isp=1, sub=f"a-{role}")) for role, level in LEVELS.items()}
    b = {role: bearer(host_token(level, isp=2, sub=f"b-{role}")) for role, level in LEVELS.items()}
    r = await c.post("/api/olts", headers=platform, json=olt_body("isp-a", "1"))
    assert r.status_code == 201, r.text
    olt_a = r.json()["data"]["id"]
    r = await c.post("/api/olts", headers=b["admin"], json=olt_body("isp-b", "2"))
    assert r.status_code == 201, r.text
    olt_b = r.json()["data"]["id"]
    r = await c.post(f"/api/olts/{olt_a}/onus", headers=a["technician"], json={"serial": A_SERIAL})
    assert r.status_code == 201, r.text
    r = await c.post(f"/api/olts/{olt_b}/onus", headers=b["technician"], json={"serial": B_SERIAL})
    assert r.status_code == 201, r.text
    r = await c.post(
        "/api/users",
        headers=a["admin"],
        json={"username": "a-local", "password": "a-local-password", "role": "technician"},
    )
    assert r.status_code == 201, r.text
    user_a = r.json()["data"]["id"]
    r = await c.post(
        f"/api/olts/{olt_a}/onus/{A_SERIAL}/tr069-stats/refresh", headers=a["technician"]
    )
    assert r.status_code == 202, r.text
    return Isps(olt_a, olt_b, user_a, r.json()["data"]["id"], platform, b, a)


# Valid bodies, so a route answers 404 for the object rather than 400 for the body.
BODIES: dict[str, Any] = {
    "PATCH /api/olts/{olt_id}": {"name": "renamed"},
    "PUT /api/olts/{olt_id}": olt_body("put", "2"),
    "POST /api/olts/{olt_id}/onus": {"serial": "HWTC00000042"},
    "PATCH /api/users/{user_id}": {"active": False},
    "POST /api/users/{user_id}/password": {"password": "another-password-1"},
    "POST /api/olts/{olt_id}/onus/{onu_serial}/tr069/reboot": {"confirm": True},
    "POST /api/olts/{olt_id}/onus/{onu_serial}/tr069/factory-reset": {
        "confirm": True,
        "serial": A_SERIAL,
    },
    "POST /api/olts/{olt_id}/onus/{onu_serial}/tr069/diagnostic/ping": {"host": "8.8.8.8"},
}
# A platform admin's own routes: refused (403) to anyone else, whatever the object.
PLATFORM_ONLY = {"PUT /api/olts/{olt_id}"}


def _walk(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    out: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            out.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # an included router
            inner = getattr(getattr(route, "include_context", None), "prefix", "") or ""
            out += _walk(route.original_router.routes, prefix + inner)
    return out


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every API route the app serves, from its router."""
    out = []
    for path, route in _walk(app.routes):
        if path.startswith("/api"):
            out += [(m, path) for m in sorted(route.methods - {"HEAD", "OPTIONS"})]
    return out


def fill(path: str, isps: Isps, *, missing: bool = False) -> str:
    values = {
        "olt_id": "999999" if missing else str(isps.olt_a),
        "onu_serial": A_SERIAL,
        "job_id": "f" * 32 if missing else isps.job_a,
        "user_id": "999999" if missing else str(isps.user_a),
        "task_id": "0" * 24,
    }
    return path.format(**values)


def answer(r: httpx.Response) -> tuple[int, str]:
    try:
        code = r.json().get("code", "")
    except ValueError:
        code = ""
    return r.status_code, str(code)


async def cross_isp_failures(c: httpx.AsyncClient, app: FastAPI, isps: Isps) -> list[str]:
    """Every route x every ISP B role, on ISP A's objects: what is not a 404 (or, for a
    platform-only route, a 403) answered exactly like a missing object."""
    failures = []
    sent = ""  # what ISP B sent so far: its own audit entries may echo it back
    for method, path in api_routes(app):
        key = f"{method} {path}"
        params = [p for p in ("olt_id", "job_id", "user_id") if "{" + p + "}" in path]
        for role, headers in isps.b.items():
            body = BODIES.get(key, {})
            sent += fill(path, isps) + str(body)
            r = await c.request(method, fill(path, isps), headers=headers, json=body)
            text = r.text
            for secret in (A_SERIAL, "isp-a", "olt-pass-isp-a", "a-local"):
                if secret in text and secret not in sent:
                    failures.append(f"{key} as {role}: answer shows {secret!r}")
            if not params:
                continue
            expected = 403 if key in PLATFORM_ONLY else 404
            if r.status_code != expected:
                failures.append(f"{key} as {role}: {r.status_code} {text[:120]}")
                continue
            m = await c.request(method, fill(path, isps, missing=True), headers=headers, json=body)
            if answer(m) != answer(r):
                failures.append(f"{key} as {role}: {answer(r)} but missing {answer(m)}")
    return failures
