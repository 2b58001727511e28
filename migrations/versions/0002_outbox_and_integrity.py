"""The outbox, Slack gates and name reservations; one community per channel and unique names, in the database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

`deliveries` is rebuilt: no copbot release wrote to it before this revision, so nothing is lost.
Communities get `name_key` (the name case-folded) and two partial unique indexes among live communities:
one per (workspace, name_key) and one per (workspace, channel). Duplicates stored before this revision
(two communities in one channel, names differing only in case) are resolved so the indexes can exist, and
reported by `copbot db upgrade` (never dropped): the later community in a shared channel is archived, a
later duplicate name gets " (2)", " (3)"… appended.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("archived_at IS NULL")


def _name_key(name: str) -> str:
    """As copbot.domain.communities.name_key at this revision (copied: a migration must not change)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _team_id(table: str) -> tuple[sa.Column[object], sa.ForeignKeyConstraint]:
    return (
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f(f"fk_{table}_team_id_workspaces"),
            ondelete="CASCADE",
        ),
    )


def upgrade() -> None:
    _rebuild_deliveries()
    _create_gates_and_reservations()
    with op.batch_alter_table("workspaces") as batch:
        batch.add_column(_utc("token_refused_at", nullable=True))
        batch.add_column(sa.Column("token_refused_reason", sa.String(length=64), nullable=True))
    _unique_live_communities()


def downgrade() -> None:
    op.drop_index("uq_communities_live_channel", table_name="communities")
    op.drop_index("uq_communities_live_name", table_name="communities")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("name_key")
    with op.batch_alter_table("workspaces") as batch:
        batch.drop_column("token_refused_reason")
        batch.drop_column("token_refused_at")
    op.drop_table("name_reservations")
    op.drop_table("slack_gates")


def _rebuild_deliveries() -> None:
    op.drop_table("deliveries")
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("deliveries"),
        sa.Column("work_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        _utc("due_at", nullable=False),
        _utc("expires_at", nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        _utc("lease_expires_at", nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        _utc("created_at", nullable=False),
        _utc("updated_at", nullable=False),
        _utc("sent_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_deliveries_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("work_key", name="uq_deliveries_work_key"),
    )
    op.create_index("ix_deliveries_team_id", "deliveries", ["team_id"])
    op.create_index("ix_deliveries_community_id", "deliveries", ["community_id"])
    op.create_index("ix_deliveries_status_due", "deliveries", ["status", "due_at"])
    op.create_index("ix_deliveries_status_lease", "deliveries", ["status", "lease_expires_at"])


def _create_gates_and_reservations() -> None:
    op.create_table(
        "slack_gates",
        *_team_id("slack_gates"),
        sa.Column("key", sa.String(length=120), nullable=False),
        _utc("not_before", nullable=False),
        sa.PrimaryKeyConstraint("team_id", "key", name=op.f("pk_slack_gates")),
    )
    op.create_table(
        "name_reservations",
        *_team_id("name_reservations"),
        sa.Column("key", sa.String(length=200), nullable=False),
        _utc("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("team_id", "key", name=op.f("pk_name_reservations")),
    )


def _unique_live_communities() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(sa.Column("name_key", sa.String(length=80), nullable=True))
    _resolve_duplicates(op.get_bind())
    with op.batch_alter_table("communities") as batch:
        batch.alter_column("name_key", existing_type=sa.String(length=80), nullable=False)
    for name, columns in (
        ("uq_communities_live_name", ["team_id", "name_key"]),
        ("uq_communities_live_channel", ["team_id", "channel_id"]),
    ):
        op.create_index(name, "communities", columns, unique=True, sqlite_where=LIVE, postgresql_where=LIVE)


def _resolve_duplicates(connection: sa.Connection) -> None:
    """Archive later communities sharing a channel, rename later duplicate names; note each change."""
    table = sa.table(
        "communities",
        sa.column("id", sa.Integer),
        sa.column("team_id", sa.String),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
        sa.column("channel_id", sa.String),
        sa.column("archived_at", sa.DateTime(timezone=True)),
    )
    rows = connection.execute(sa.select(table).order_by(table.c.id)).all()
    now = datetime.now(UTC)
    channels: set[tuple[str, str]] = set()
    names: set[tuple[str, str]] = set()
    for row in rows:
        values: dict[str, object] = {"name_key": _name_key(row.name)}
        if row.archived_at is None and (row.team_id, row.channel_id) in channels:
            values["archived_at"] = now
            _note(
                f"community {row.id} “{row.name}” archived: another community of {row.team_id} "
                f"already lives in channel {row.channel_id}"
            )
        elif row.archived_at is None:
            channels.add((row.team_id, row.channel_id))
            values["name"] = _unique_name(row.name, row.team_id, names)
            values["name_key"] = _name_key(str(values["name"]))
            names.add((row.team_id, str(values["name_key"])))
            if values["name"] != row.name:
                _note(f"community {row.id} “{row.name}” renamed “{values['name']}”: the name was taken")
        connection.execute(sa.update(table).where(table.c.id == row.id).values(**values))


def _unique_name(name: str, team_id: str, taken: set[tuple[str, str]]) -> str:
    candidate, number = name, 1
    while (team_id, _name_key(candidate)) in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def _note(line: str) -> None:
    """Tell whoever upgrades: `copbot db upgrade` prints these notes (context.config.attributes["notes"])."""
    context.config.attributes.setdefault("notes", []).append(line)
