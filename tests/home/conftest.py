"""App Home fixtures: communities with members, sessions and stories in place, and a way to open the tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from factories import make_community, make_meetup, make_member, make_story
from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind, Role
from copbot.store.activity import record_activity
from copbot.store.models import Community


def at(day: str, hour: int = 12) -> datetime:
    """A UTC moment on an ISO day (noon unless told)."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def add_meetup(
    session: Session, community: Community, title: str, starts_at: datetime, **fields: Any
) -> None:
    make_meetup(session, community, title=title, starts_at=starts_at, created_at=at("2026-02-01"), **fields)


def add_story(session: Session, community: Community, created_at: datetime) -> None:
    make_story(session, community, community.created_by, created_at=created_at)


@dataclass(frozen=True)
class Acme:
    testing: int
    design: int
    review: int


@pytest.fixture
def acme(workspace, people, session_factory) -> Acme:
    """Testing (alice organises; chen, bruno in; dana left), Design (French; bruno organises), Review.

    Clock is 2026-03-02 09:00 UTC, so "the last 30 days" start on 2026-01-31 09:00.
    """
    channels = {
        name: workspace.add_channel(name, bot_is_member=True) for name in ("testing", "design", "review")
    }
    with session_factory() as session, session.begin():

        def community(name: str, **fields: Any) -> Community:
            return make_community(
                session,
                team_id=workspace.team_id,
                channel_id=channels[name.lower()],
                created_by=people.alice,
                name=name,
                **fields,
            )

        testing = community("Testing")
        make_member(session, testing, people.alice, role=Role.ORGANISER, joined_at=at("2026-03-01"))
        make_member(session, testing, people.chen, joined_at=at("2025-12-01"))
        make_member(session, testing, people.bruno, joined_at=at("2026-02-15"))
        make_member(session, testing, people.dana, joined_at=at("2026-02-01"), left_at=at("2026-02-20"))
        make_member(session, testing, None, joined_at=at("2025-06-01"), left_at=at("2026-01-10"))
        for day in ("2026-01-01", "2026-02-20", "2026-03-01"):
            add_story(session, testing, at(day))
        # chen was helped by a story this month; alice's help is older than the 30 days
        record_activity(session, testing, people.chen, ActivityKind.HELPED, at("2026-02-25"))
        record_activity(session, testing, people.alice, ActivityKind.HELPED, at("2026-01-05"))
        add_meetup(session, testing, "Last month's dojo", at("2026-02-23", 17))
        add_meetup(session, testing, "Cancelled dojo", at("2026-03-05", 17), cancelled_at=at("2026-03-01"))
        add_meetup(session, testing, "Exploratory testing dojo", at("2026-03-09", 17))
        design = community(
            "Design", language="fr", purpose="Concevoir <mieux> & ensemble", timezone="Asia/Tokyo"
        )
        make_member(session, design, people.bruno, role=Role.ORGANISER)
        review = community("Review", purpose="Review code kindly")
        return Acme(testing=testing.id, design=design.id, review=review.id)


@pytest.fixture
def open_home(driver, workspace):
    """Send app_home_opened for a person (as Slack does when they open the tab) and return their Home view."""

    def open_(user_id: str, *, ws=None, via=None, **delivery: Any) -> dict[str, Any] | None:
        ws = ws or workspace
        event = {
            "type": "app_home_opened",
            "user": user_id,
            "channel": "D0HOME",
            "tab": delivery.pop("tab", "home"),
        }
        response = (via or driver).event(ws, event, **delivery)
        assert response.status == 200, response.text
        return ws.home_view(user_id)

    return open_


def words(view: dict[str, Any]) -> str:
    parts = [
        part
        for block in view["blocks"]
        for part in [block.get("text"), *block.get("elements", []), block.get("accessory")]
        if isinstance(part, dict) and "text" in part
    ]
    return "\n".join(
        part["text"] if isinstance(part["text"], str) else part["text"]["text"] for part in parts
    )


@pytest.fixture
def home_words():
    """All the words a person sees on a Home view, in order."""
    return words
