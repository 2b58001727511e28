"""PostgreSQL's search vectors name their community and stay in the story's row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29

A search for a common word read every match of every community from the table and kept its own
community's: the GIN index could not tell communities apart. Each vector now holds one lexeme naming its
community (``#c<community id>``, see copbot.store.search), which the queries AND with the words, so the
index alone finds one community's matches. Ranking them read each vector out of line (TOAST, two or
three pages a story): the column is now stored in the row (STORAGE MAIN), the story's body going out of
line first. Every vector is rewritten, which applies both. SQLite's FTS5 table already has a scope column.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE stories ALTER COLUMN search_vector SET STORAGE MAIN")
    op.execute(
        "UPDATE stories SET search_vector = search_vector || CAST('''#c' || community_id || '''' AS tsvector)"
        " WHERE search_vector IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "UPDATE stories SET search_vector = ts_delete(search_vector, '#c' || community_id)"
        " WHERE search_vector IS NOT NULL"
    )
    op.execute("ALTER TABLE stories ALTER COLUMN search_vector SET STORAGE EXTENDED")
