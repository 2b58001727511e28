"""Workspace rows (created on first contact, so every tenant table's foreign key holds) and event dedup."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from copbot.store.models import BOTS, INSTALLATIONS, ProcessedEvent, Workspace
from copbot.store.upsert import insert_if_absent


def ensure_workspace(
    session: Session, *, team_id: str, now: datetime, bot_user_id: str | None = None
) -> None:
    """Insert the workspace unless it exists; concurrent first requests race safely in the database."""
    if session.scalar(select(Workspace.team_id).where(Workspace.team_id == team_id)) is not None:
        return
    insert_if_absent(
        session, Workspace, ["team_id"], team_id=team_id, name="", bot_user_id=bot_user_id, installed_at=now
    )


def already_processed(session: Session, *, event_id: str) -> bool:
    return session.get(ProcessedEvent, event_id) is not None


def first_delivery(session: Session, *, event_id: str, team_id: str, now: datetime) -> bool:
    """Record an Events API delivery; False when this event_id was already acted on (a Slack retry)."""
    return insert_if_absent(
        session, ProcessedEvent, ["event_id"], event_id=event_id, team_id=team_id, received_at=now
    )


def refuse_token(session: Session, *, team_id: str, reason: str, now: datetime) -> None:
    """Slack refused the workspace's token: its deliveries wait until a token works again."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None and workspace.token_refused_at is None:
        workspace.token_refused_at, workspace.token_refused_reason = now, reason[:64]


def accept_token(session: Session, *, team_id: str) -> None:
    """A token of the workspace works (again): its deliveries may go."""
    workspace = session.get(Workspace, team_id)
    if workspace is not None and workspace.token_refused_at is not None:
        workspace.token_refused_at = workspace.token_refused_reason = None


def mark_installed(session: Session, *, team_id: str, now: datetime, bot_user_id: str | None) -> None:
    """An install (or reinstall) over OAuth: the workspace exists and is no longer marked uninstalled."""
    ensure_workspace(session, team_id=team_id, now=now, bot_user_id=bot_user_id)
    session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(
            uninstalled_at=None,
            token_refused_at=None,
            token_refused_reason=None,
            bot_user_id=bot_user_id or Workspace.bot_user_id,
        )
    )


def mark_uninstalled(session: Session, *, team_id: str, now: datetime) -> None:
    """copbot was removed from the workspace (or its bot token revoked): nothing is sent there any more.

    Its stored tokens are deleted in the same transaction as the mark.
    """
    for table in (INSTALLATIONS, BOTS):
        session.execute(delete(table).where(table.c.team_id == team_id))
    ensure_workspace(session, team_id=team_id, now=now)
    session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id, Workspace.uninstalled_at.is_(None))
        .values(uninstalled_at=now)
    )
