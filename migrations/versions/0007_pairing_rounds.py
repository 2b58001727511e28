"""Pairing rounds keep their seed and inputs; members pause, skip rounds and keep a private avoid list.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29

Decisions this revision stands on:

- A round stores the matching's inputs and seed (JSON, see copbot.domain.pairing.replay) and the version of
  the matching it ran with: replaying it gives the same groups, which is how "why were we put together" is
  answered later. A round row only exists once it has groups: a round with fewer than two eligible members
  stores nothing (the organisers are told why).
- Each group keeps the reasons that weighed and who was asked to propose a time, as they were when the
  introduction was written; the "extra" member (a trio's third) is read back by the next round.
- A pause has a start and an optional end (``paused_until`` NULL while paused means until resumed); three
  rounds in a row with no answer pause a member (``pairing_ignored_rounds``).
- Avoid lists are per person in a workspace (``pairing_avoids``), not per community: nobody wants to be
  introduced to the same person elsewhere. Nobody is told.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(_utc("pairing_paused_at"))
        batch.add_column(
            sa.Column("pairing_every_other", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("pairing_ignored_rounds", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("pairing_rounds") as batch:
        batch.add_column(_utc("ends_at"))
        batch.add_column(_utc("closed_at"))
        batch.add_column(sa.Column("requested_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("seed", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("inputs", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("pairing_groups") as batch:
        batch.add_column(sa.Column("intro_ts", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("proposer_member_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("extra_member_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reasons", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(_utc("followed_up_at"))
        for column in ("proposer_member_id", "extra_member_id"):
            batch.create_foreign_key(
                op.f(f"fk_pairing_groups_{column}_members"), "members", [column], ["id"], ondelete="SET NULL"
            )
    with op.batch_alter_table("pairing_group_members") as batch:
        batch.add_column(_utc("answered_at"))
        batch.add_column(sa.Column("learned", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("learned_shared", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "pairing_avoids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("avoided_user_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_pairing_avoids_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_avoids")),
        sa.UniqueConstraint("team_id", "user_id", "avoided_user_id", name="uq_pairing_avoids"),
    )
    op.create_index(op.f("ix_pairing_avoids_team_id"), "pairing_avoids", ["team_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pairing_avoids_team_id"), table_name="pairing_avoids")
    op.drop_table("pairing_avoids")
    with op.batch_alter_table("pairing_group_members") as batch:
        for column in ("learned_shared", "learned", "answered_at"):
            batch.drop_column(column)
    with op.batch_alter_table("pairing_groups") as batch:
        for column in ("proposer_member_id", "extra_member_id"):
            batch.drop_constraint(op.f(f"fk_pairing_groups_{column}_members"), type_="foreignkey")
        for column in ("followed_up_at", "reasons", "extra_member_id", "proposer_member_id", "intro_ts"):
            batch.drop_column(column)
    with op.batch_alter_table("pairing_rounds") as batch:
        for column in ("inputs", "version", "seed", "requested_by", "closed_at", "ends_at"):
            batch.drop_column(column)
    with op.batch_alter_table("members") as batch:
        for column in ("pairing_ignored_rounds", "pairing_every_other", "pairing_paused_at"):
            batch.drop_column(column)
