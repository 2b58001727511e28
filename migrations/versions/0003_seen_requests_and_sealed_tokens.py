"""Remember answered request signatures (replay guard); room for encrypted Slack tokens.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

seen_requests holds the signature of each command and interaction copbot answered, for Slack's 5-minute
window, so that a replayed request is refused on every replica. The token columns of slack_sdk's tables
become TEXT: copbot stores tokens encrypted (Fernet), and an encrypted rotating token outgrows VARCHAR(200).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    op.create_table(
        "seen_requests",
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_seen_requests")),
    )
    op.create_index(op.f("ix_seen_requests_seen_at"), "seen_requests", ["seen_at"], unique=False)
    _retype_tokens(sa.String(length=200), sa.Text())


def downgrade() -> None:
    _retype_tokens(sa.Text(), sa.String(length=200))
    op.drop_index(op.f("ix_seen_requests_seen_at"), table_name="seen_requests")
    op.drop_table("seen_requests")


def _retype_tokens(old: sa.types.TypeEngine[str], new: sa.types.TypeEngine[str]) -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, existing_type=old, type_=new, existing_nullable=True)
