from __future__ import annotations

import asyncio
import itertools
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from fastapi import FastAPI

from ponapi.config import Settings
from ponapi.db.migrate import upgrade
from ponapi.main import create_app
from tests.services import Postgres, Redis

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    pg = Postgres()
    template = "ponapi_template"

    async def prepare() -> None:
        conn = await asyncpg.connect(pg.url().replace("+asyncpg", ""))
        try:
            await conn.execute(f"CREATE DATABASE {template}")
        finally:
            await conn.close()

    asyncio.run(prepare())
    upgrade(pg.url(template))  # migrations are part of what is tested
    yield pg
    pg.stop()


@pytest.fixture
async def sim():
    """The GenieACS NBI simulator on loopback, loaded with the bundled real device dumps."""
    from ponapi.sim.genieacs import GenieAcsSim, bundled_documents

    s = GenieAcsSim()
    for doc in bundled_documents():
        s.add(doc)
    s.url = await s.start()
    yield s
    await s.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Redis]:
    server = Redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, empty database of each kind, one per test."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    pg: Postgres = request.getfixturevalue("postgres")
    name = f"t{next(_counter)}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(pg.url().replace("+asyncpg", ""))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f"CREATE DATABASE {name} TEMPLATE ponapi_template"))
    yield pg.url(name)
    asyncio.run(run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def make_settings(tmp_path: Path, database_url: str, **kw: object) -> Settings:
    values: dict[str, object] = {
        "environment": "development",
        "secret_key": SECRET,
        "database_url": database_url,
        "data_dir": tmp_path / "data",
    }
    values.update(kw)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


async def add_user(app: FastAPI, username: str, role: str, password: str = "password123") -> None:
    from ponapi.bootstrap import create_user
    from ponapi.db.models import Role

    async with app.state.ctx.sessions() as db:
        await create_user(db, username, password, Role(role))


async def token_for(client: httpx.AsyncClient, username: str, password: str = "password123") -> str:
    r = await client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture
async def users(app: FastAPI, client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    """One account per role, with ready Authorization headers."""
    out = {}
    for role in ("admin", "technician", "viewer"):
        await add_user(app, role, role)
        out[role] = {"Authorization": f"Bearer {await token_for(client, role)}"}
    return out
