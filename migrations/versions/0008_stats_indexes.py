"""Indexes for the organisers' statistics.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

/cop stats counts in SQL (copbot.store.stats). Two of its questions had no index to answer from:
a newcomer's first action (the activity of one person in one community, by time) and the members who
joined in a period or a monthly cohort (members of one community by join date). The activity index by
community, kind and time gains the person as its last column: "who was active in a period" is then
read from the index alone on PostgreSQL (an index-only scan), not from the table's pages.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_activity_community_user_at": ("activity", ["community_id", "user_id", "at"]),
    "ix_members_community_joined": ("members", ["community_id", "joined_at"]),
}


REPLACED = ("ix_activity_community_kind_at", "activity", ["community_id", "kind", "at"])


def upgrade() -> None:
    op.create_index(
        "ix_activity_community_kind_at_user", "activity", ["community_id", "kind", "at", "user_id"]
    )
    op.drop_index(REPLACED[0], table_name=REPLACED[1])
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.create_index(*REPLACED)
    op.drop_index("ix_activity_community_kind_at_user", table_name="activity")
