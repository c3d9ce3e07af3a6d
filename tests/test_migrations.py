"""Migrations run down and up again on each database; the registry triggers (PostgreSQL)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from alembic import command

from ponapi.db.migrate import alembic_config, upgrade

TRIGGERS = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"


async def _triggers(url: str) -> list[str]:
    conn = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return [r["tgname"] for r in await conn.fetch(TRIGGERS)]
    finally:
        await conn.close()


def test_the_registry_notification_migration_runs_down_and_up(database_url) -> None:
    postgresql = database_url.startswith("postgresql")
    expected = ["olts_registry_changed", "onus_registry_changed"]
    if postgresql:
        assert asyncio.run(_triggers(database_url)) == expected
    command.downgrade(alembic_config(database_url), "0006")
    if postgresql:
        assert asyncio.run(_triggers(database_url)) == []
    upgrade(database_url)
    if postgresql:
        assert asyncio.run(_triggers(database_url)) == expected


async def _notified_by(url: str, statements: list[str]) -> int:
    listener = await asyncpg.connect(url)
    writer = await asyncpg.connect(url)
    heard: list[str] = []
    try:
        await listener.add_listener("ponapi_registry", lambda *a: heard.append(a[2]))
        for sql in statements:
            await writer.execute(sql)
        await asyncio.sleep(0.3)
    finally:
        await writer.close()
        await listener.close()
    return len(heard)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has none
def test_every_kind_of_registry_statement_notifies(database_url) -> None:
    url = database_url.replace("+asyncpg", "")
    olt = (
        "INSERT INTO olts (id, name, brand, model, host, port, protocol, username,"
        " password_encrypted, stats_source, ssh_host_key, tenant, created_at, updated_at)"
        " VALUES (1, 'o', 'huawei', 'MA5800', '', 22, 'ssh', '', '', 'acs', '', '1', now(), now())"
    )
    statements = [
        olt,
        "INSERT INTO onus (olt_id, serial, description, created_at)"
        " VALUES (1, 'HWTC00000001', '', now())",
        "UPDATE olts SET tenant = '2'",
        "DELETE FROM onus",
        "TRUNCATE onus, olts CASCADE",
    ]
    assert asyncio.run(_notified_by(url, statements)) == len(statements)
    assert asyncio.run(_notified_by(url, ["UPDATE users SET active = false"])) == 0
