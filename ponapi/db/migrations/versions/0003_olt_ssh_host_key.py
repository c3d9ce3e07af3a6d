"""pinned OLT SSH host key

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("olts") as batch:
        batch.add_column(sa.Column("ssh_host_key", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("olts") as batch:
        batch.drop_column("ssh_host_key")
