"""Stories gain what was learned, a language, a permalink and a search index; prompts gain a history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03

Decisions this revision stands on:

- Deleting a story keeps its row as a tombstone (``deleted_at`` set, title, story, lesson and tags
  emptied by the service, gone from the search index). The words go because the author asked; the row
  stays because others still point at it after the transaction: the outbox delivery that deletes the
  channel message reads the row's channel and ts, a "This helped me" press on a message being deleted
  gets a clear answer instead of a missing row, and the number of stories a prompt drew, which the
  rotation and the statistics learn from, does not change after the fact.
- The stories a prompt drew are counted from ``stories.prompt_post_id``, the post whose "Share your
  story" button opened the modal; no count is stored, so it cannot drift. ``prompt_posts`` keeps the
  prompt's key and theme as posted.
- Built-in prompts live in the package (copbot/prompts/library.toml) under stable keys; ``prompts``
  holds a community's own (key ``own-<id>``), ``hidden_prompts`` the built-in ones it removed. The old
  ``prompts`` columns (position, active, last_posted_at) and ``stories.prompt_id`` were never written.
- The search index is not in copbot.store.models: a tsvector column with a GIN index on PostgreSQL, an
  FTS5 table on SQLite (see copbot.store.search). Stories already stored are indexed here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from copbot.store import search

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: the stems of each story (rowid = stories.id); `scope` says its community and language. The
# trigger forgets a story however its row goes (a community or workspace deleted cascades to stories).
SQLITE_SEARCH = (
    (
        "CREATE VIRTUAL TABLE story_search USING fts5("
        "scope, title, lesson, tags, body, tokenize = 'unicode61 remove_diacritics 2')"
    ),
    (
        "CREATE TRIGGER story_search_forget AFTER DELETE ON stories BEGIN "
        "DELETE FROM story_search WHERE rowid = old.id; END"
    ),
)


def upgrade() -> None:
    _create_prompt_posts()
    _reshape_stories()
    _reshape_prompts()
    _create_hidden_prompts()
    _create_story_helped()
    _create_search_index()
    search.reindex_all(op.get_bind())


def downgrade() -> None:
    _drop_search_index()
    for table in ("story_helped", "hidden_prompts"):
        op.drop_table(table)
    _restore_prompts()
    _restore_stories()
    op.drop_table("prompt_posts")


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


def _fk(table: str, column: str, target: str, *, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _create_prompt_posts() -> None:
    op.create_table(
        "prompt_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("prompt_posts"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("prompt_key", sa.String(length=64), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        _utc("slot_at", nullable=False),
        _utc("created_at", nullable=False),
        _utc("posted_at", nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        _fk("prompt_posts", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prompt_posts")),
        # Two schedulers planning the same slot: the second insert fails, so the prompt is posted once.
        sa.UniqueConstraint("community_id", "slot_at", name=op.f("uq_prompt_posts_community_slot")),
    )
    op.create_index(op.f("ix_prompt_posts_team_id"), "prompt_posts", ["team_id"])


def _reshape_stories() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.drop_index(op.f("ix_stories_prompt_id"))
        batch.drop_constraint(op.f("fk_stories_prompt_id_prompts"), type_="foreignkey")
        batch.drop_column("prompt_id")
        batch.add_column(sa.Column("prompt_post_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("lesson", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("ask_me", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("permalink", sa.String(length=500), nullable=True))
        batch.add_column(_utc("updated_at", nullable=True))
        batch.add_column(_utc("deleted_at", nullable=True))
        for column, target in (("prompt_post_id", "prompt_posts"), ("session_id", "sessions")):
            name = op.f(f"fk_stories_{column}_{target}")
            batch.create_foreign_key(name, target, [column], ["id"], ondelete="SET NULL")
            batch.create_index(op.f(f"ix_stories_{column}"), [column])
    op.execute(
        "UPDATE stories SET updated_at = created_at, language = "
        "(SELECT communities.language FROM communities WHERE communities.id = stories.community_id)"
    )
    with op.batch_alter_table("stories") as batch:
        batch.alter_column("language", existing_type=sa.String(length=8), nullable=False)
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("lesson", existing_type=sa.Text(), server_default=None)
        batch.alter_column("ask_me", existing_type=sa.Boolean(), server_default=None)


def _reshape_prompts() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.add_column(sa.Column("theme", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(_utc("removed_at", nullable=True))
    op.execute(
        "UPDATE prompts SET theme = 'own', removed_at = CASE WHEN active THEN NULL ELSE created_at END,"
        " language = (SELECT communities.language FROM communities"
        " WHERE communities.id = prompts.community_id)"
    )
    with op.batch_alter_table("prompts") as batch:
        batch.drop_column("position")
        batch.drop_column("active")
        batch.drop_column("last_posted_at")
        batch.alter_column("text", existing_type=sa.Text(), type_=sa.String(length=500))
        batch.alter_column("theme", existing_type=sa.String(length=40), nullable=False)
        batch.alter_column("language", existing_type=sa.String(length=8), nullable=False)


def _create_hidden_prompts() -> None:
    op.create_table(
        "hidden_prompts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("hidden_prompts"),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("prompt_key", sa.String(length=64), nullable=False),
        sa.Column("hidden_by", sa.String(length=32), nullable=True),
        _utc("hidden_at", nullable=False),
        _fk("hidden_prompts", "community_id", "communities", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hidden_prompts")),
        sa.UniqueConstraint("community_id", "prompt_key", name=op.f("uq_hidden_prompts_community_key")),
    )
    op.create_index(op.f("ix_hidden_prompts_team_id"), "hidden_prompts", ["team_id"])


def _create_story_helped() -> None:
    op.create_table(
        "story_helped",
        sa.Column("id", sa.Integer(), nullable=False),
        *_team_id("story_helped"),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        _utc("at", nullable=False),
        _fk("story_helped", "story_id", "stories", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_helped")),
        # 30 people pressing at once, or one person twice: one row each, so the count stays exact.
        sa.UniqueConstraint("story_id", "user_id", name=op.f("uq_story_helped_story_user")),
    )
    op.create_index(op.f("ix_story_helped_team_id"), "story_helped", ["team_id"])


def _create_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("stories", sa.Column("search_vector", postgresql.TSVECTOR(), nullable=True))
        op.create_index("ix_stories_search_vector", "stories", ["search_vector"], postgresql_using="gin")
        return
    for statement in SQLITE_SEARCH:
        op.execute(statement)


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_stories_search_vector", table_name="stories")
        op.drop_column("stories", "search_vector")
        return
    op.execute("DROP TRIGGER story_search_forget")
    op.execute("DROP TABLE story_search")


def _restore_prompts() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(_utc("last_posted_at", nullable=True))
    op.execute("UPDATE prompts SET active = (removed_at IS NULL)")
    with op.batch_alter_table("prompts") as batch:
        batch.alter_column("position", existing_type=sa.Integer(), server_default=None)
        batch.alter_column("active", existing_type=sa.Boolean(), server_default=None)
        batch.alter_column("text", existing_type=sa.String(length=500), type_=sa.Text())
        for column in ("theme", "language", "removed_at"):
            batch.drop_column(column)


def _restore_stories() -> None:
    with op.batch_alter_table("stories") as batch:
        for column, target in (("prompt_post_id", "prompt_posts"), ("session_id", "sessions")):
            batch.drop_index(op.f(f"ix_stories_{column}"))
            batch.drop_constraint(op.f(f"fk_stories_{column}_{target}"), type_="foreignkey")
        for column in ("prompt_post_id", "session_id", "language", "lesson", "ask_me", "permalink"):
            batch.drop_column(column)
        for column in ("updated_at", "deleted_at"):
            batch.drop_column(column)
        batch.add_column(sa.Column("prompt_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_stories_prompt_id_prompts"), "prompts", ["prompt_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_stories_prompt_id"), ["prompt_id"])
