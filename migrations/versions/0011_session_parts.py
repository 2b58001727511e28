"""A series' past, kept apart when its rule changes after it met.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29

Changing a series that already met (a new time zone, a new way of repeating, an earlier end) must not move
the sessions that took place. Their dates become a series of their own, a part of the series they were cut
from: `split_from_id` names it. The series keeps its id for the dates to come, so the buttons people already
have keep working; a button naming a past date is found in the part that holds it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("split_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_sessions_split_from_id_sessions", "sessions", ["split_from_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_sessions_split_from_id", ["split_from_id"])


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_split_from_id")
        batch.drop_constraint("fk_sessions_split_from_id_sessions", type_="foreignkey")
        batch.drop_column("split_from_id")
