"""A community can be paused and resumed: nothing scheduled is planned or sent while it is paused.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29

``paused_at`` is set while the community is paused (its organisers paused it, or its Slack channel was
archived). ``resumed_at`` is when it last came back (resumed or unarchived): a prompt slot, a reminder or a
round that fell before it is not caught up afterwards, so nobody gets a burst of what was missed.
Archiving already had its column (``archived_at``) and deleting removes the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("paused_at", "resumed_at")


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
