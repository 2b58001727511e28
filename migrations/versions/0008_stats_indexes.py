"""Indexes for the organisers' statistics.

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-29

/cop stats counts in SQL (copbot.store.stats). Two of its questions had no index to answer from:
a newcomer's first action (the activity of one person in one community, by time) and the members who
joined in a period or a monthly cohort (members of one community by join date).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_activity_community_user_at": ("activity", ["community_id", "user_id", "at"]),
    "ix_members_community_joined": ("members", ["community_id", "joined_at"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
