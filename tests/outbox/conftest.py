"""Helpers for the outbox tests: deliveries put in place directly, and the store read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from copbot.services import notices
from copbot.services.channels import COULD_NOT_ADD
from copbot.store.db import unit_of_work
from copbot.store.models import Delivery
from copbot.store.workspaces import ensure_workspace

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def notice(session_factory):
    """`notice(team, user, key, now=…)`: put a DM in the outbox (a real kind), return its id."""

    def add(team_id: str, user_id: str, key: str, *, now: datetime = T0, **kwargs) -> int:
        with unit_of_work(session_factory) as session:
            ensure_workspace(session, team_id=team_id, now=now)
            notices.notify(
                session,
                team_id=team_id,
                user_id=user_id,
                message=COULD_NOT_ADD,
                params={"channel": "C0TEST"},
                key=key,
                now=now,
                **kwargs,
            )
            session.flush()
            return session.scalar(select(Delivery.id).where(Delivery.work_key == f"notice:{key}"))

    return add


@pytest.fixture
def deliveries(session_factory):
    """The outbox as (work key, status, attempts, last error), by id."""

    def read() -> list[tuple[str, str, int, str | None]]:
        with session_factory() as session:
            rows = session.scalars(select(Delivery).order_by(Delivery.id))
            return [(d.work_key, d.status.value, d.attempts, d.last_error) for d in rows]

    return read


def later(**delta: float) -> datetime:
    return T0 + timedelta(**delta)
