"""An index of the stories not deleted, by community and date.

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-29

`/cop stories` with no words lists a community's latest stories and counts them for its pages. The
count read every story of the community from the table (whose rows are long: a story's words) to skip
the deleted ones; a partial index of the stories not deleted answers the count, and the latest page, from
the index alone (an index-only scan on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_DELETED = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_stories_community_live",
        "stories",
        ["community_id", "created_at"],
        postgresql_where=NOT_DELETED,
        sqlite_where=NOT_DELETED,
    )


def downgrade() -> None:
    op.drop_index("ix_stories_community_live", table_name="stories")
