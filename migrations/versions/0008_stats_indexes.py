"""Columns and indexes for the organisers' statistics.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

/cop stats counts in SQL (copbot.store.stats). The activity log's RSVP answer and session occurrence
lived only in its JSON `data`, which the stats read on every row they counted (PostgreSQL parses a JSON
value each time): they become plain columns `answer` and `occurrence` (copied from `data`, which keeps
them too), filled here for the rows already logged.

Indexes: the activity index by community, kind and time gains the person and the answer as its last
columns, so that "who was active in a period" (an RSVP counts when Going) is read from the index alone on
PostgreSQL (an index-only scan), not from the table's pages. A newcomer's first action needs the activity
of one person in one community, by time; the members who joined in a period or a monthly cohort need the
members of one community by join date. The sessions' figures read the answers and attendances of a
period from a partial index of the rows with an occurrence, which on PostgreSQL also holds the columns
they read (an index-only scan).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_activity_community_user_at": ("activity", ["community_id", "user_id", "at"]),
    "ix_members_community_joined": ("members", ["community_id", "joined_at"]),
}
ACTIVITY_BY_KIND = ["community_id", "kind", "at", "user_id", "answer"]
REPLACED = ("ix_activity_community_kind_at", "activity", ["community_id", "kind", "at"])
PROMOTED = ("answer", "occurrence")
HAS_OCCURRENCE = sa.text("occurrence IS NOT NULL")


def upgrade() -> None:
    op.add_column("activity", sa.Column("answer", sa.String(16), nullable=True))
    op.add_column("activity", sa.Column("occurrence", sa.String(64), nullable=True))
    activity = sa.table("activity", sa.column("data", sa.JSON), *(sa.column(key) for key in PROMOTED))
    for key in PROMOTED:
        logged = activity.c.data[key].as_string()
        op.execute(activity.update().values({key: logged}).where(logged.is_not(None)))
    op.create_index("ix_activity_community_kind_at_user_answer", "activity", ACTIVITY_BY_KIND)
    op.drop_index(REPLACED[0], table_name=REPLACED[1])
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.create_index(
        "ix_activity_occurrences",
        "activity",
        ["community_id", "kind", "at"],
        postgresql_include=["user_id", "answer", "occurrence", "id"],
        postgresql_where=HAS_OCCURRENCE,
        sqlite_where=HAS_OCCURRENCE,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_occurrences", table_name="activity")
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
    op.create_index(*REPLACED)
    op.drop_index("ix_activity_community_kind_at_user_answer", table_name="activity")
    for key in PROMOTED:
        op.drop_column("activity", key)
