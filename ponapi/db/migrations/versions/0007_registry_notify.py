"""registry writes notify the running processes (PostgreSQL)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Every statement that inserts, updates, deletes or truncates rows of ``olts`` or ``onus`` (from
ponapi, the CLI or plain SQL) sends ``NOTIFY ponapi_registry`` at its commit; every ponapi
process listens there and drops its kept registry rows (``ponapi.db.registry_watch``). SQLite
has no such channel: nothing to do there.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("olts", "onus")
FUNCTION = "ponapi_registry_changed"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute(
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "    PERFORM pg_notify('ponapi_registry', '');\n"
        "    RETURN NULL;\n"
        "END\n"
        "$$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_registry_changed"
            f" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        )


def downgrade() -> None:
    if not _postgresql():
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_registry_changed ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
