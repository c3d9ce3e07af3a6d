"""tenants: the ISP an OLT, a user and an audit entry belong to

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09

OLTs that exist get no tenant: platform users (and local users without a tenant, as every
user of a standalone install is) keep seeing them; no ISP's token does until a platform user
assigns them (``PATCH /api/olts/{id}`` with ``tenant``, or ``ponapi olts import``). Existing
users get no tenant: their access is unchanged (an admin without a tenant is a platform admin).
Audit entries gain the actor's tenant and the platform's subject.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("olts", "users"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("tenant", sa.String(64), nullable=True))
            batch.create_index(f"ix_{table}_tenant", ["tenant"])
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("tenant", sa.String(64), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(255), nullable=False, server_default=""))
        batch.create_index("ix_audit_log_tenant", ["tenant"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_tenant")
        batch.drop_column("subject")
        batch.drop_column("tenant")
    for table in ("users", "olts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_tenant")
            batch.drop_column("tenant")
