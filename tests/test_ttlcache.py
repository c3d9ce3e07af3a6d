"""The in-process TTL map: concurrent misses share one load, and a clear() is never undone
by a load that started before it."""

import asyncio

import httpx
import pytest
from sqlalchemy import event

from ponapi.main import create_app
from ponapi.ttlcache import TtlMap
from tests.conftest import add_user, make_settings, token_for


async def test_concurrent_misses_share_one_load():
    users: TtlMap[int, str] = TtlMap(ttl=60)
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return "ana"

    got = await asyncio.gather(*(users.get_or_load(1, load) for _ in range(50)))
    assert got == ["ana"] * 50
    assert calls == 1
    assert await users.get_or_load(1, load) == "ana" and calls == 1  # now kept


async def test_a_failed_load_reaches_every_waiter_and_the_next_call_retries():
    users: TtlMap[int, str] = TtlMap(ttl=60)
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.02)
        if calls == 1:
            raise ConnectionError("database down")
        return "ana"

    results = await asyncio.gather(
        *(users.get_or_load(1, load) for _ in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, ConnectionError) for r in results)
    assert await users.get_or_load(1, load) == "ana"
    assert calls == 2


async def test_a_load_running_across_clear_does_not_refill_the_map():
    users: TtlMap[int, str] = TtlMap(ttl=60)
    release = asyncio.Event()

    async def old_value() -> str:
        await release.wait()
        return "before the change"

    pending = asyncio.create_task(users.get_or_load(1, old_value))
    await asyncio.sleep(0.01)
    users.clear()  # e.g. the user was disabled while their row was being read

    async def new_value() -> str:
        return "after the change"

    assert await users.get_or_load(1, new_value) == "after the change"
    release.set()
    assert await pending == "before the change"  # its own caller still gets an answer
    assert users.get(1) == "after the change"  # but it did not overwrite the newer value


async def test_a_missing_key_is_not_kept():
    users: TtlMap[int, str] = TtlMap(ttl=60)
    calls = 0

    async def load() -> None:
        nonlocal calls
        calls += 1

    assert await users.get_or_load(1, load) is None
    assert await users.get_or_load(1, load) is None
    assert calls == 2


@pytest.mark.parametrize("path", ["/api/olts", "/api/auth/me"])
async def test_requests_arriving_together_on_a_cold_auth_cache_read_the_user_once(
    tmp_path, sqlite_template, path
):
    import shutil

    db = tmp_path / "t.db"
    shutil.copy(sqlite_template, db)
    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        await add_user(app, "ana", "viewer")
        h = {"Authorization": f"Bearer {await token_for(c, 'ana')}"}
        user_reads = 0

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            nonlocal user_reads
            if statement.lstrip().upper().startswith("SELECT") and "FROM users" in statement:
                user_reads += 1

        event.listen(app.state.ctx.engine.sync_engine, "before_cursor_execute", count)
        app.state.ctx.users.clear()  # as when the entry expires under load
        rs = await asyncio.gather(*(c.get(path, headers=h) for _ in range(40)))
        assert {r.status_code for r in rs} == {200}
        assert user_reads == 1


def test_a_value_read_before_a_clear_is_not_kept_after_it():
    m: TtlMap[str, int] = TtlMap(60)
    generation = m.generation
    m.clear()  # a change while the value was being read
    m.put("k", 1, generation)
    assert m.get("k") is None
    m.put("k", 2, m.generation)
    assert m.get("k") == 2
