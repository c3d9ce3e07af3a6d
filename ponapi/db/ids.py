"""Rows inserted with an id of their own (the platform's OLT ids) keep the id sequence ahead."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def advance_id_sequence(db: AsyncSession, table: str) -> None:
    """PostgreSQL's serial sequence does not move when an id is given: without this, the next
    row created without one would be handed an id already taken. SQLite needs nothing."""
    conn = await db.connection()
    if conn.dialect.name != "postgresql":
        return
    await db.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 (a constant)
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )
    )
