"""The audit log records logins, reads, reveals, refreshes and registry/user changes, with no
secret in it; only admins read it."""

import shutil

import httpx

from ponapi.main import create_app
from ponapi.sim.genieacs import GenieAcsSim, bundled_documents
from tests.conftest import add_user, make_settings, token_for


async def test_audit_trail(tmp_path, sqlite_template):
    sim = GenieAcsSim()
    for doc in bundled_documents():
        sim.add(doc)
    wlc = sim.device_by_serial("48575443A94196A5").doc["InternetGatewayDevice"]["LANDevice"]["1"][
        "WLANConfiguration"
    ]["1"]
    wlc["PreSharedKey"] = {
        "1": {
            "PreSharedKey": {
                "_value": "wifi-Secret-9",
                "_type": "xsd:string",
                "_timestamp": "2023-03-28T15:42:30Z",
            }
        }
    }
    url = await sim.start()
    db = tmp_path / "a.db"
    shutil.copy(sqlite_template, db)
    app = create_app(make_settings(tmp_path, f"sqlite+aiosqlite:///{db}", genieacs_url=url))
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
        ):
            await add_user(app, "admin", "admin")
            await add_user(app, "tech", "technician")
            admin = {"Authorization": f"Bearer {await token_for(c, 'admin')}"}
            tech = {"Authorization": f"Bearer {await token_for(c, 'tech')}"}
            await c.post("/api/auth/login", json={"username": "tech", "password": "nope-nope"})
            olt = (
                await c.post(
                    "/api/olts",
                    headers=admin,
                    json={
                        "name": "o",
                        "brand": "huawei",
                        "host": "127.0.0.1",
                        "username": "u",
                        "password": "olt-Secret-1",
                        "statsSource": "acs",
                    },
                )
            ).json()["data"]["id"]
            await c.patch(f"/api/olts/{olt}", headers=admin, json={"password": "olt-Secret-2"})
            await c.post(f"/api/olts/{olt}/onus", headers=tech, json={"serial": "HWTCA94196A5"})
            await c.get(f"/api/olts/{olt}/onus/HWTCA94196A5/tr069-stats", headers=tech)
            await c.get(f"/api/olts/{olt}/onus/HWTC00000001/tr069-stats", headers=tech)
            await c.post(f"/api/olts/{olt}/onus/HWTCA94196A5/tr069-stats/refresh", headers=tech)
            await c.post(
                "/api/users", headers=admin, json={"username": "new", "password": "new-user-Secret"}
            )
            r = await c.get("/api/audit", headers=admin, params={"limit": 100})
            assert r.status_code == 200
            entries = r.json()["data"]
            seen = [(e["action"], e["username"], e["result"]) for e in entries]
            for expected in [
                ("login", "admin", "ok"),
                ("login", "tech", "failed"),
                ("olt.create", "admin", "ok"),
                ("olt.update", "admin", "ok"),
                ("onu.register", "tech", "ok"),
                ("stats.read", "tech", "ok"),
                ("secret.reveal", "tech", "ok"),
                ("stats.read", "tech", "ONU_NOT_FOUND"),
                ("stats.refresh", "tech", "accepted"),  # its outcome is audited when it ends
                ("user.create", "admin", "ok"),
            ]:
                assert expected in seen, expected
            update = next(e for e in entries if e["action"] == "olt.update")
            assert update["details"] == {"fields": ["password"]}
            assert update["requestId"]
            for secret in (
                "olt-Secret-1",
                "olt-Secret-2",
                "wifi-Secret-9",
                "nope-nope",
                "new-user-Secret",
            ):
                assert secret not in r.text
            only_logins = (
                await c.get(
                    "/api/audit", headers=admin, params={"action": "login", "result": "failed"}
                )
            ).json()
            assert [e["username"] for e in only_logins["data"]] == ["tech"]
            assert (await c.get("/api/audit", headers=tech)).status_code == 403
    finally:
        await sim.stop()


async def test_audit_entries_wait_while_the_database_is_down_within_a_bound(tmp_path):
    from ponapi.audit import AuditLog
    from ponapi.db.session import make_engine, make_sessionmaker
    from tests.services import free_port

    engine = make_engine(f"postgresql+asyncpg://u:p@127.0.0.1:{free_port()}/none")
    audit = AuditLog(make_sessionmaker(engine), batch_seconds=60, max_pending=5)
    for i in range(8):
        audit.record("stats.read", username="ana", target=f"onu {i}")
    await audit.flush()  # fails: the entries are kept, not lost
    assert [e["target"] for e in audit._pending] == [f"onu {i}" for i in range(3, 8)]
    assert audit.dropped == 3
    await audit.close()
    await engine.dispose()


async def test_shutdown_during_a_batch_write_loses_nothing(tmp_path, sqlite_template):
    """Closing the log while its timer is in the middle of a commit lets the commit finish
    (cutting it used to leave SQLite's write lock held and drop the batch)."""
    import asyncio

    from sqlalchemy import func, select

    from ponapi.audit import AuditLog
    from ponapi.db.models import AuditEntry
    from ponapi.db.session import make_engine, make_sessionmaker

    path = tmp_path / "audit.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    real = make_sessionmaker(engine)
    entered, gate = asyncio.Event(), asyncio.Event()

    def slow_sessions():  # type: ignore[no-untyped-def]
        session = real()
        commit = session.commit

        async def held_commit() -> None:
            entered.set()
            await gate.wait()
            await commit()

        session.commit = held_commit  # type: ignore[method-assign]
        return session

    audit = AuditLog(slow_sessions, batch_seconds=0)  # type: ignore[arg-type]
    for i in range(3):
        audit.record("stats.read", username="ana", target=f"onu {i}")
    await asyncio.wait_for(entered.wait(), 5)  # the timer's batch is mid-commit
    closing = asyncio.create_task(audit.close())
    await asyncio.sleep(0.05)
    gate.set()
    await asyncio.wait_for(closing, 10)
    async with real() as db:
        written = await db.scalar(select(func.count()).select_from(AuditEntry))
    await engine.dispose()
    assert written == 3
    assert audit._pending == []


async def test_a_flood_of_distinct_refusals_is_pooled_past_the_bound(monkeypatch):
    from ponapi import audit as audit_module
    from ponapi.audit import AuditLog

    monkeypatch.setattr(audit_module, "REFUSAL_KEYS", 5)
    log = AuditLog(sessions=None, batch_seconds=3600)  # type: ignore[arg-type]
    for i in range(1000):
        log.refused("action.reboot", target=f"olt 1 onu {i}", result="FORBIDDEN")
    assert len(log._pending) == 5  # the first five keys, then one pooled counter
    log._roll(0.0, everything=True)
    pooled = [e for e in log._pending if e["action"] == "action.refused"]
    assert len(pooled) == 1 and '"repeats":995' in pooled[0]["details"]
    log._task.cancel()


async def test_a_large_batch_is_written_in_slices_of_one_transaction(tmp_path, sqlite_template):
    """A second's worth of entries goes in slices (the event loop serves requests between
    them), all in one transaction: every entry once, in order; a slice that fails rolls the
    batch back whole and keeps it, so the retry writes no entry twice."""
    import asyncio

    from sqlalchemy import select

    from ponapi import audit as audit_module
    from ponapi.audit import AuditLog
    from ponapi.db.models import AuditEntry
    from ponapi.db.session import make_engine, make_sessionmaker

    path = tmp_path / "audit.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    real = make_sessionmaker(engine)
    n = audit_module.FLUSH_ROWS * 2 + 7
    slices: list[int] = []
    fail_at = [2]  # the third slice of the first flush fails

    def counted_sessions():  # type: ignore[no-untyped-def]
        session = real()
        execute = session.execute

        async def sliced(statement, params=None, **kw):  # type: ignore[no-untyped-def]
            slices.append(len(params or ()))
            if fail_at and len(slices) - 1 == fail_at[0]:
                fail_at.clear()
                raise RuntimeError("the database went away mid-batch")
            await asyncio.sleep(0)
            return await execute(statement, params, **kw)

        session.execute = sliced  # type: ignore[method-assign]
        return session

    audit = AuditLog(counted_sessions, batch_seconds=60)  # type: ignore[arg-type]
    for i in range(n):
        audit.record("stats.read", username="ana", target=f"onu {i}")
    await audit.flush()  # the third slice fails: nothing is written, all is kept
    assert len(audit._pending) == n
    async with real() as db:
        assert (await db.scalars(select(AuditEntry.target))).all() == []
    await audit.flush()
    assert slices[3:] == [audit_module.FLUSH_ROWS, audit_module.FLUSH_ROWS, 7]
    async with real() as db:
        targets = (await db.scalars(select(AuditEntry.target).order_by(AuditEntry.id))).all()
    await engine.dispose()
    assert targets == [f"onu {i}" for i in range(n)] and audit._pending == []
