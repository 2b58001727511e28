"""Workspace rows: created on first contact, so every tenant table's foreign key holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from copbot.store.models import Workspace


def ensure_workspace(
    session: Session, *, team_id: str, now: datetime, bot_user_id: str | None = None
) -> None:
    """Insert the workspace unless it exists; concurrent first requests race safely in the database."""
    if session.scalar(select(Workspace.team_id).where(Workspace.team_id == team_id)) is not None:
        return
    values = {"team_id": team_id, "name": "", "bot_user_id": bot_user_id, "installed_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Workspace).values(**values).on_conflict_do_nothing(index_elements=["team_id"]))
