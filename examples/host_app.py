"""A host FastAPI app that mounts ponapi's TR-069 stats endpoint (see docs/integration.md).

The host keeps its own users, OLTs and ONUs (here: three small tables in memory) and tells
ponapi how to find them and which role each user has. Run it against the demo's simulated
GenieACS (``make run`` prints its URL) from the repository's root:

    GENIEACS_URL=http://127.0.0.1:<port> .venv/bin/uvicorn examples.host_app:app --port 8080
    curl -s http://127.0.0.1:8080/api/olts/1/onus/HWTCA94196A5/tr069-stats \\
        -H 'Authorization: Token tech-token'

``viewer-token`` reads the same answer without the Wi-Fi password; with ``?refresh=true`` it
gets ``403 FORBIDDEN`` (a live read needs the technician role), as in the service itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Header, HTTPException

from ponapi.config import Settings
from ponapi.integration import OltInfo, OnuInfo, stats_router

# The host app's own tables (a database in real life).
USERS: dict[str, dict[str, Any]] = {
    "tech-token": {"id": 1, "name": "ana", "role": "technician"},
    "viewer-token": {"id": 2, "name": "bob", "role": "viewer"},
}
OLTS = {1: OltInfo(id=1, brand="huawei", model="MA5800-X7", stats_source="acs")}
ONUS = {(1, "HWTCA94196A5"): OnuInfo(), (1, "HWTCA97D7DAA"): OnuInfo()}


async def current_user(authorization: str = Header("")) -> dict[str, Any]:
    """The host's own authentication: it raises its own 401."""
    user = USERS.get(authorization.removeprefix("Token "))
    if user is None:
        raise HTTPException(401, "unknown token")
    return user


async def get_olt(olt_id: int) -> OltInfo | None:
    return OLTS.get(olt_id)


async def get_onu(olt_id: int, serial: str) -> OnuInfo | None:  # serial: HWTC25F08D9D form
    return ONUS.get((olt_id, serial))


# Every variable of docs/configuration.md, read from the environment (GENIEACS_URL, ...).
# Building it writes no file; set SECRET_KEY when several processes share REDIS_URL.
router = stats_router(
    get_user=current_user,
    get_olt=get_olt,
    get_onu=get_onu,
    get_role=lambda user: user["role"],  # "viewer", "technician" or "admin"
    user_key=lambda user: str(user["id"]),  # what the per-user rate limits count by
    settings=Settings(),
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await router.stats_handle.aclose()  # ACS connections, OLT sessions, the cache


app = FastAPI(title="Host app", lifespan=lifespan)
app.include_router(router, prefix="/api")
