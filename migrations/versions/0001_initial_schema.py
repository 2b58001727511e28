"""Create the initial schema: workspaces, communities and their life, scheduling claims, Slack OAuth.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Written to match copbot.store.models at this revision, with plain column types so that the migration
does not change when the application's types do: UTCDateTime is ``DateTime(timezone=True)`` and the
enums (stored by value, see copbot.store.types.enum_column) are ``VARCHAR(32)``. slack_installations,
slack_bots and slack_oauth_states are the tables slack_sdk's SQLAlchemy stores read and write.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Creation order: every table after the tables it refers to. downgrade() drops them in reverse.
TABLES = (
    "workspaces",
    "communities",
    "members",
    "prompts",
    "stories",
    "sessions",
    "rsvps",
    "pairing_rounds",
    "pairing_groups",
    "pairing_group_members",
    "deliveries",
    "activity",
    "processed_events",
    "slack_installations",
    "slack_bots",
    "slack_oauth_states",
)


def _utc(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _team_id(table: str) -> tuple[sa.Column[object], sa.ForeignKeyConstraint]:
    """The tenant column every workspace table starts with, and its cascade to the workspace."""
    return (
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f(f"fk_{table}_team_id_workspaces"),
            ondelete="CASCADE",
        ),
    )


def _fk(table: str, column: str, target: str, *, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, *columns: str, name: str | None = None) -> None:
    op.create_index(op.f(name or f"ix_{table}_{columns[0]}"), table, list(columns), unique=False)


def upgrade() -> None:
    _create_workspaces()
    _create_communities()
    _create_members()
    _create_prompts()
    _create_stories()
    _create_sessions()
    _create_rsvps()
    _create_pairing()
    _create_deliveries()
    _create_activity()
    _create_processed_events()
    _create_slack_installations()
    _create_slack_bots()
    _create_slack_oauth_states()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)


def _create_workspaces() -> None:
    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        _utc("installed_at", nullable=False),
        _utc("uninstalled_at", nullable=True),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspaces")),
    )


def _create_communities() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("communities"),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("audience", sa.Text(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("prompt_cadence", sa.String(length=32), nullable=False),
        sa.Column("prompt_weekday", sa.Integer(), nullable=False),
        sa.Column("prompt_time", sa.Time(), nullable=False),
        sa.Column("pairing_every_weeks", sa.Integer(), nullable=False),
        sa.Column("pairing_weekday", sa.Integer(), nullable=False),
        sa.Column("pairing_group_size", sa.Integer(), nullable=False),
        sa.Column("welcome_message_ts", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _utc("created_at", nullable=False),
        _utc("updated_at", nullable=False),
        _utc("archived_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_communities")),
        sa.UniqueConstraint("team_id", "slug", name=op.f("uq_communities_team_slug")),
    )
    _index("communities", "team_id")
    _index("communities", "channel_id")


def _create_members() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("members"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("experience", sa.String(length=32), nullable=False),
        sa.Column("team_name", sa.String(length=80), nullable=False),
        sa.Column("interests", sa.JSON(), nullable=False),
        sa.Column("pairing_opt_in", sa.Boolean(), nullable=False),
        _utc("paused_until", nullable=True),
        _utc("joined_at", nullable=False),
        _utc("left_at", nullable=True),
        _utc("erased_at", nullable=True),
        _fk("members", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("community_id", "user_id", name=op.f("uq_members_community_user")),
    )
    _index("members", "team_id")
    _index("members", "team_id", "user_id", name="ix_members_team_user")
    _index("members", "community_id", "left_at", name="ix_members_community_left")


def _create_prompts() -> None:
    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("prompts"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=True),
        _utc("created_at", nullable=False),
        _utc("last_posted_at", nullable=True),
        _fk("prompts", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompts")),
    )
    _index("prompts", "team_id")
    _index("prompts", "community_id")


def _create_stories() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("stories"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("author_user_id", sa.String(length=32), nullable=True),
        sa.Column("prompt_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        _utc("created_at", nullable=False),
        _fk("stories", "community_id", "communities", ondelete="CASCADE"),
        _fk("stories", "member_id", "members", ondelete="SET NULL"),
        _fk("stories", "prompt_id", "prompts", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    _index("stories", "team_id")
    _index("stories", "member_id")
    _index("stories", "prompt_id")
    _index("stories", "community_id", "created_at", name="ix_stories_community_created")


def _create_sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("sessions"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=255), nullable=False),
        _utc("starts_at", nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("remind_minutes_before", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        _utc("created_at", nullable=False),
        _utc("cancelled_at", nullable=True),
        _fk("sessions", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    _index("sessions", "team_id")
    _index("sessions", "starts_at")
    _index("sessions", "community_id", "starts_at", name="ix_sessions_community_starts")


def _create_rsvps() -> None:
    op.create_table(
        "rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("rsvps"),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("answer", sa.String(length=32), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        _utc("answered_at", nullable=False),
        _fk("rsvps", "session_id", "sessions", ondelete="CASCADE"),
        _fk("rsvps", "member_id", "members", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rsvps")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_rsvps_session_user")),
    )
    _index("rsvps", "team_id")
    _index("rsvps", "member_id")


def _create_pairing() -> None:
    op.create_table(
        "pairing_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("pairing_rounds"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        _utc("slot_start", nullable=False),
        _utc("created_at", nullable=False),
        _utc("followup_due_at", nullable=True),
        _fk("pairing_rounds", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_rounds")),
        sa.UniqueConstraint("community_id", "slot_start", name=op.f("uq_pairing_rounds_slot")),
    )
    _index("pairing_rounds", "team_id")
    op.create_table(
        "pairing_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("pairing_groups"),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("dm_channel_id", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        _utc("outcome_at", nullable=True),
        _fk("pairing_groups", "round_id", "pairing_rounds", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_groups")),
    )
    _index("pairing_groups", "team_id")
    _index("pairing_groups", "round_id")
    op.create_table(
        "pairing_group_members",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("pairing_group_members"),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        _fk("pairing_group_members", "group_id", "pairing_groups", ondelete="CASCADE"),
        _fk("pairing_group_members", "member_id", "members", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairing_group_members")),
        sa.UniqueConstraint("group_id", "member_id", name=op.f("uq_pairing_group_members")),
    )
    _index("pairing_group_members", "team_id")
    _index("pairing_group_members", "member_id")


def _create_deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("deliveries"),
        sa.Column("work_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_by", sa.String(length=120), nullable=True),
        _utc("lease_expires_at", nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        _utc("created_at", nullable=False),
        _utc("updated_at", nullable=False),
        _utc("sent_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        # Two schedulers claiming the same work: the second insert fails here, so the work is sent once.
        sa.UniqueConstraint("work_key", name=op.f("uq_deliveries_work_key")),
    )
    _index("deliveries", "team_id")
    _index("deliveries", "status", "lease_expires_at", name="ix_deliveries_status_lease")


def _create_activity() -> None:
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("activity"),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _utc("at", nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        _fk("activity", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    _index("activity", "team_id")
    _index("activity", "community_id", "kind", "at", name="ix_activity_community_kind_at")


def _create_processed_events() -> None:
    # No foreign key: an event may arrive for a workspace before (or after) copbot stores it.
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        _utc("received_at", nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_events")),
    )
    _index("processed_events", "team_id")
    _index("processed_events", "received_at")


def _slack_app_columns() -> list[sa.Column[object]]:
    """The columns slack_sdk's installations and bots tables share, in slack_sdk's order."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
    ]


def _slack_bot_columns() -> list[sa.Column[object]]:
    # slack_sdk writes naive UTC datetimes here, hence no time zone on these two tables.
    return [
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("bot_token", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.String(length=1000), nullable=True),
        sa.Column("bot_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
    ]


def _create_slack_installations() -> None:
    op.create_table(
        "slack_installations",
        *_slack_app_columns(),
        sa.Column("enterprise_url", sa.String(length=200), nullable=True),
        *_slack_bot_columns(),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_token", sa.String(length=200), nullable=True),
        sa.Column("user_scopes", sa.String(length=1000), nullable=True),
        sa.Column("user_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("user_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("incoming_webhook_url", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel_id", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=200), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(length=32), nullable=True),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_installations")),
    )
    columns = ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"]
    _index("slack_installations", *columns, name="slack_installations_idx")


def _create_slack_bots() -> None:
    op.create_table(
        "slack_bots",
        *_slack_app_columns(),
        *_slack_bot_columns(),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_bots")),
    )
    _index("slack_bots", "client_id", "enterprise_id", "team_id", "installed_at", name="slack_bots_idx")


def _create_slack_oauth_states() -> None:
    op.create_table(
        "slack_oauth_states",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_oauth_states")),
    )
