"""one ONU per place on an OLT

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10

A place on an OLT (frame/slot/port/ONT id) holds one ONU. Rows that share a place today cannot
all be right and nothing here tells which one is: every row of such a group loses its place
(set to NULL), so no action is sent to a place on a guess; the next CLI read or discovery finds
each ONU by its serial and stores its place again. Then the place is unique per OLT (rows
without a place do not count).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PLACE = ("olt_id", "frame", "slot", "port", "ont_id")


def upgrade() -> None:
    onus = sa.table(
        "onus",
        sa.column("id", sa.Integer),
        *(sa.column(name, sa.Integer) for name in PLACE),
    )
    shared = (
        sa.select(*(onus.c[name] for name in PLACE))
        .where(*(onus.c[name].is_not(None) for name in PLACE))
        .group_by(*(onus.c[name] for name in PLACE))
        .having(sa.func.count() > 1)
    )
    bind = op.get_bind()
    for row in bind.execute(shared).all():
        bind.execute(
            sa.update(onus)
            .where(*(onus.c[name] == value for name, value in zip(PLACE, row, strict=True)))
            .values(frame=None, slot=None, port=None, ont_id=None)
        )
    with op.batch_alter_table("onus") as batch:
        batch.create_unique_constraint("uq_onus_olt_place", list(PLACE))


def downgrade() -> None:
    with op.batch_alter_table("onus") as batch:
        batch.drop_constraint("uq_onus_olt_place", type_="unique")
