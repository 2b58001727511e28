"""A workspace leaving copbot: uninstalled, or its bot token revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from copbot.store.workspaces import mark_uninstalled


def workspace_removed(session: Session, *, team_id: str, now: datetime) -> None:
    """Delete the workspace's tokens and mark it uninstalled: nothing is sent there until a reinstall."""
    mark_uninstalled(session, team_id=team_id, now=now)
