"""Turnout per person and session date, and the pairs each introduction made, kept for the stats.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

/cop stats spent most of its time on two figures (issue 10's benchmark): planned attendance picked each
person's latest answer per date out of every answer logged, and repeats matched each pair introduced in the
period against every earlier pair. Both become rows kept as things happen:

- ``turnout``: one row per community, session date (occurrence) and person, with their latest answer and
  when they first came (copbot.store.turnout, called by record_activity). ``occurs_on`` is the date in the
  occurrence key, indexed, so a period's dates are a range rather than a parse of every row.
- ``turnout_dates``: one row per community and session date that someone answered or came to, with how
  many people's latest answer is Going and how many came, counted again from ``turnout`` as it changes:
  sessions held, planned attendance and attendances are sums over a period's dates.
- ``ix_activity_actions``: the activity that makes someone active (a partial index, its predicate the
  text copbot.store.models.acted writes): "who was active in a period" reads only those rows.
- ``pairing_pairs``: one row per pair of people a group introduced, with the round's start and whether an
  earlier round had introduced them (copbot.store.pairing_pairs, called when a round's groups are stored).

Both are filled here from what was logged before (the activity log; the groups' members), with the same
rules as at write time: the latest answer by time then by id, the first attendance, erased people's rows
grouped per date; a pair is a repeat when a round with an earlier start introduced the same two people.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CAME = sa.text("attended_at IS NOT NULL AND user_id IS NOT NULL")
ACTED = sa.text(
    "kind IN ('story_shared', 'attended', 'pair_met', 'helped') OR (kind = 'rsvp' AND answer = 'yes')"
)


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{target.split('.', maxsplit=1)[0]}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "turnout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(length=64), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True),
        _fk("turnout", "community_id", "communities.id"),
        _fk("turnout", "team_id", "workspaces.team_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turnout")),
        sa.UniqueConstraint("community_id", "occurrence", "user_id", name="uq_turnout_person"),
    )
    op.create_index(op.f("ix_turnout_team_id"), "turnout", ["team_id"])
    op.create_index(
        "ix_turnout_came",
        "turnout",
        ["community_id", "occurs_on", "user_id"],
        postgresql_where=CAME,
        sqlite_where=CAME,
    )
    op.create_index(
        "ix_turnout_community_user_attended", "turnout", ["community_id", "user_id", "attended_at"]
    )
    op.create_table(
        "turnout_dates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.String(length=64), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("going", sa.Integer(), nullable=False),
        sa.Column("came", sa.Integer(), nullable=False),
        _fk("turnout_dates", "community_id", "communities.id"),
        _fk("turnout_dates", "team_id", "workspaces.team_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turnout_dates")),
        sa.UniqueConstraint("community_id", "occurrence", name="uq_turnout_dates_occurrence"),
    )
    op.create_index(op.f("ix_turnout_dates_team_id"), "turnout_dates", ["team_id"])
    op.create_index(
        "ix_turnout_dates_community_occurs_on",
        "turnout_dates",
        ["community_id", "occurs_on"],
        postgresql_include=["going", "came"],
    )
    op.create_table(
        "pairing_pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_member_id", sa.Integer(), nullable=False),
        sa.Column("second_member_id", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        _fk("pairing_pairs", "community_id", "communities.id"),
        _fk("pairing_pairs", "first_member_id", "members.id"),
        _fk("pairing_pairs", "group_id", "pairing_groups.id"),
        _fk("pairing_pairs", "second_member_id", "members.id"),
        _fk("pairing_pairs", "team_id", "workspaces.team_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_pairs")),
        sa.UniqueConstraint("group_id", "first_member_id", "second_member_id", name="uq_pairing_pairs_group"),
    )
    op.create_index(op.f("ix_pairing_pairs_team_id"), "pairing_pairs", ["team_id"])
    op.create_index(
        "ix_pairing_pairs_community_slot",
        "pairing_pairs",
        ["community_id", "slot_start"],
        postgresql_include=["group_id", "repeat", "first_member_id", "second_member_id"],
    )
    op.create_index(
        "ix_pairing_pairs_community_pair",
        "pairing_pairs",
        ["community_id", "first_member_id", "second_member_id"],
    )
    op.create_index(
        "ix_activity_actions",
        "activity",
        ["community_id", "at", "user_id", "kind", "answer"],
        postgresql_where=ACTED,
        sqlite_where=ACTED,
    )
    _fill_turnout()
    _fill_pairs()


def _fill_turnout() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    day = (
        "CAST(split_part(occurrence, ':', 2) AS DATE)"
        if postgresql
        else "substr(occurrence, instr(occurrence, ':') + 1)"
    )
    op.execute(
        sa.text(
            """
        INSERT INTO turnout (team_id, community_id, occurrence, occurs_on, user_id, answer, answered_at,
                             attended_at)
        SELECT min(team_id), community_id, occurrence, {day}, user_id,
               max(CASE WHEN kind = 'rsvp' AND latest = 1 THEN answer END),
               max(CASE WHEN kind = 'rsvp' AND latest = 1 THEN at END),
               min(CASE WHEN kind = 'attended' THEN at END)
        FROM (
            SELECT team_id, community_id, occurrence, user_id, kind, answer, at,
                   row_number() OVER (PARTITION BY community_id, occurrence, user_id, kind
                                      ORDER BY at DESC, id DESC) AS latest
            FROM activity
            WHERE kind IN ('rsvp', 'attended') AND occurrence LIKE '%\\:____-__-__'
              AND community_id IS NOT NULL
        ) AS logged
        GROUP BY community_id, occurrence, user_id
        """.replace("{day}", day)  # one of the two expressions above
        )
    )

    op.execute(
        sa.text("""
        INSERT INTO turnout_dates (team_id, community_id, occurrence, occurs_on, going, came)
        SELECT min(team_id), community_id, occurrence, min(occurs_on),
               count(CASE WHEN user_id IS NOT NULL AND answer = 'yes' THEN 1 END),
               count(CASE WHEN user_id IS NOT NULL AND attended_at IS NOT NULL THEN 1 END)
        FROM turnout
        GROUP BY community_id, occurrence
        """)
    )


def _fill_pairs() -> None:
    op.execute(
        sa.text("""
        INSERT INTO pairing_pairs (team_id, community_id, group_id, slot_start, first_member_id,
                                   second_member_id, repeat)
        SELECT g.team_id, r.community_id, g.id, r.slot_start, one.member_id, two.member_id, FALSE
        FROM pairing_groups g
        JOIN pairing_rounds r ON r.id = g.round_id
        JOIN pairing_group_members one ON one.group_id = g.id
        JOIN pairing_group_members two ON two.group_id = g.id AND two.member_id > one.member_id
        """)
    )
    op.execute(
        sa.text("""
        UPDATE pairing_pairs SET repeat = TRUE
        WHERE EXISTS (
            SELECT 1 FROM pairing_pairs earlier
            WHERE earlier.community_id = pairing_pairs.community_id
              AND earlier.first_member_id = pairing_pairs.first_member_id
              AND earlier.second_member_id = pairing_pairs.second_member_id
              AND earlier.slot_start < pairing_pairs.slot_start
        )
        """)
    )


def downgrade() -> None:
    op.drop_index("ix_activity_actions", table_name="activity")
    for name in ("ix_pairing_pairs_community_pair", "ix_pairing_pairs_community_slot"):
        op.drop_index(name, table_name="pairing_pairs")
    op.drop_index(op.f("ix_pairing_pairs_team_id"), table_name="pairing_pairs")
    op.drop_table("pairing_pairs")
    op.drop_index("ix_turnout_dates_community_occurs_on", table_name="turnout_dates")
    op.drop_index(op.f("ix_turnout_dates_team_id"), table_name="turnout_dates")
    op.drop_table("turnout_dates")
    for name in ("ix_turnout_community_user_attended", "ix_turnout_came"):
        op.drop_index(name, table_name="turnout")
    op.drop_index(op.f("ix_turnout_team_id"), table_name="turnout")
    op.drop_table("turnout")
