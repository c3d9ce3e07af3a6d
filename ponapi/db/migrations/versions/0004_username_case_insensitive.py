"""usernames unique regardless of case

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Before this revision ``ANA`` and ``ana`` could be two accounts. Existing case-duplicates are
resolved without locking anyone out: in each group the oldest account (lowest id) keeps its
name; each later one is renamed ``<name>-<id>`` (e.g. ``ANA`` -> ``ANA-7``), keeps its password,
role and tokens, and the rename is written to the audit log (``user.renamed``, with the old and
new names) and to the log, so an admin can tell its owner. Then a unique index on
``lower(username)`` makes the rule hold for good.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "uq_users_username_lower"
log = logging.getLogger("ponapi.migrations")


def _new_name(name: str, user_id: int, taken: set[str]) -> str:
    n = 0
    while True:
        suffix = f"-{user_id}" + (f"-{n}" if n else "")
        candidate = name[: 64 - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        n += 1


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, username FROM users ORDER BY id")).all()
    taken = {str(name).lower() for _, name in rows}
    seen: set[str] = set()
    for user_id, name in rows:
        folded = str(name).lower()
        if folded not in seen:
            seen.add(folded)
            continue
        new = _new_name(str(name), int(user_id), taken)
        taken.add(new.lower())
        conn.execute(
            sa.text("UPDATE users SET username = :new WHERE id = :id"), {"new": new, "id": user_id}
        )
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (at, user_id, username, action, target, result, details,"
                " client, request_id) VALUES (:at, :id, :new, 'user.renamed', :target, 'ok',"
                " :details, '', '')"
            ),
            {
                "at": datetime.now(UTC),
                "id": user_id,
                "new": new,
                "target": f"user {new}",
                "details": json.dumps({"from": name, "to": new, "why": "case-duplicate"}),
            },
        )
        log.warning("username %r differs only in case from an older account: renamed %r", name, new)
    op.create_index(INDEX, "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
