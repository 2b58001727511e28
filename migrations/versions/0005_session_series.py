"""Sessions become series: a repeat rule, cancelled and moved dates, answers per date, reminder posts.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Decisions this revision stands on:

- A series is one ``sessions`` row whose occurrences are computed (copbot.domain.recurrence): the first
  starts at ``starts_at``; the rule keeps that wall time in ``timezone``. No row per future date.
- An occurrence is named by its key, its original local date ("2026-03-31"), which stays when it moves:
  ``session_changes`` holds the cancelled and moved ones, ``rsvps`` answers per key. One answer per person
  and date (a unique constraint): changing it moves the row, a double click makes none.
- ``session_posts`` are the reminders posted: RSVPs update them in place and notices reply in their thread.
- Communities choose their reminder offsets (minutes before), by default 24 h and 1 h.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_REMINDERS = sa.text("'[1440, 60]'")  # 24 h and 1 h before, in minutes


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("reminder_offsets", sa.JSON(), nullable=False, server_default=DEFAULT_REMINDERS)
        )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("repeat", sa.String(length=32), nullable=False, server_default="none"))
        batch.add_column(sa.Column("timezone", sa.String(length=64), nullable=False, server_default="UTC"))
        batch.add_column(sa.Column("repeat_until", sa.Date(), nullable=True))
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("repeat", existing_type=sa.String(length=32), server_default=None)
        batch.alter_column("timezone", existing_type=sa.String(length=64), server_default=None)
    _reshape_rsvps()
    _create_session_changes()
    _create_session_posts()


def downgrade() -> None:
    op.drop_table("session_posts")
    op.drop_table("session_changes")
    with op.batch_alter_table("rsvps") as batch:
        batch.drop_constraint(op.f("uq_rsvps_session_key_user"), type_="unique")
        batch.drop_column("occurrence_key")
        batch.create_unique_constraint(op.f("uq_rsvps_session_user"), ["session_id", "user_id"])
    with op.batch_alter_table("sessions") as batch:
        for column in ("repeat_until", "timezone", "repeat"):
            batch.drop_column(column)
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("reminder_offsets")


def _reshape_rsvps() -> None:
    """Answers given before series existed belong to their session's only date, in UTC."""
    with op.batch_alter_table("rsvps") as batch:
        batch.add_column(sa.Column("occurrence_key", sa.String(length=10), nullable=True))
    op.execute(
        "UPDATE rsvps SET occurrence_key = (SELECT substr(CAST(sessions.starts_at AS VARCHAR), 1, 10)"
        " FROM sessions WHERE sessions.id = rsvps.session_id)"
    )
    with op.batch_alter_table("rsvps") as batch:
        batch.alter_column("occurrence_key", existing_type=sa.String(length=10), nullable=False)
        batch.drop_constraint(op.f("uq_rsvps_session_user"), type_="unique")
        batch.create_unique_constraint(
            op.f("uq_rsvps_session_key_user"), ["session_id", "occurrence_key", "user_id"]
        )


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _owned(table: str) -> list[sa.SchemaItem]:
    """team_id and session_id, each a foreign key that goes with its row."""
    return [
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f(f"fk_{table}_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f(f"fk_{table}_session_id_sessions"), ondelete="CASCADE"
        ),
    ]


def _create_session_changes() -> None:
    op.create_table(
        "session_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owned("session_changes"),
        sa.Column("occurrence_key", sa.String(length=10), nullable=False),
        _utc("cancelled_at", nullable=True),
        _utc("moved_to", nullable=True),
        _utc("changed_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_changes")),
        sa.UniqueConstraint("session_id", "occurrence_key", name=op.f("uq_session_changes_session_key")),
    )
    op.create_index(op.f("ix_session_changes_team_id"), "session_changes", ["team_id"])


def _create_session_posts() -> None:
    op.create_table(
        "session_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_owned("session_posts"),
        sa.Column("occurrence_key", sa.String(length=10), nullable=False),
        sa.Column("offset_minutes", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        _utc("posted_at", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("update_batch", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_posts")),
        sa.UniqueConstraint("channel_id", "message_ts", name=op.f("uq_session_posts_channel_message")),
    )
    op.create_index(op.f("ix_session_posts_team_id"), "session_posts", ["team_id"])
    op.create_index("ix_session_posts_session_key", "session_posts", ["session_id", "occurrence_key"])
