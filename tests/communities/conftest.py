"""Helpers for the communities tests: the form filled in over HTTP, data in place, the store at a glance."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from factories import make_community, make_member
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copbot.domain.enums import Role
from copbot.sandbox import SlackDriver, Workspace
from copbot.sandbox.driver import DriverResponse
from copbot.sandbox.forms import fill
from copbot.store.models import Activity, Community, Member

ANSWERS = {
    "name": "Testing",
    "purpose": "Get better at testing together",
    "audience": "Anyone who tests software",
}


@dataclass
class Forms:
    """Drive the create/edit modal like a person: run the command, fill the modal Slack shows, submit."""

    driver: SlackDriver
    ws: Workspace

    def open_create(self, user_id: str) -> dict[str, Any]:
        before = len(self.ws.views(user_id))
        response = self.driver.command(self.ws, user_id, "create")
        assert response.status == 200, response.text
        views = self.ws.views(user_id)
        assert len(views) == before + 1, response.text
        return views[-1]

    def open_edit(self, user_id: str, name: str = "") -> dict[str, Any]:
        before = len(self.ws.views(user_id))
        response = self.driver.command(self.ws, user_id, f"edit {name}".strip())
        assert response.status == 200, response.text
        assert len(self.ws.views(user_id)) == before + 1, response.text
        return self.ws.views(user_id)[-1]

    def submit(self, user_id: str, view: dict[str, Any], **answers: Any) -> DriverResponse:
        return self.driver.submit(self.ws, user_id, view, fill(view, answers))

    def create(self, user_id: str, **answers: Any) -> DriverResponse:
        """Open the create modal and submit it: the default answers, a new channel unless one is picked."""
        view = self.open_create(user_id)
        if "channel" not in answers and "new_channel" not in answers:
            answers["new_channel"] = "cop-" + re.sub(
                r"[^a-z0-9]+", "-", str(answers.get("name", "Testing")).lower()
            )
        return self.submit(user_id, view, **{**ANSWERS, **answers})


@pytest.fixture
def forms(driver, workspace, people) -> Forms:
    return Forms(driver, workspace)


@dataclass(frozen=True)
class Placed:
    id: int
    slug: str
    channel_id: str


@pytest.fixture
def place(session_factory: sessionmaker[Session], workspace):
    """Put a community in place, in a real channel copbot is in: `place("Testing", organisers=[…])`."""

    def put(
        name: str = "Testing",
        *,
        organisers: tuple[str, ...] = (),
        members: tuple[str, ...] = (),
        ws: Workspace | None = None,
        **fields: Any,
    ) -> Placed:
        ws = ws or workspace
        slug = str(fields.pop("slug", name.lower().replace(" ", "-")))
        channel_id = fields.pop("channel_id", None) or ws.add_channel(
            "cop-" + slug, members=[*organisers, *members], bot_is_member=True
        )
        with session_factory() as session:
            community = make_community(
                session,
                team_id=ws.team_id,
                channel_id=channel_id,
                created_by=(organisers or ("U0NOBODY",))[0],
                name=name,
                slug=slug,
                **fields,
            )
            for user_id in organisers:
                make_member(session, community, user_id, role=Role.ORGANISER)
            for user_id in members:
                make_member(session, community, user_id)
            session.commit()
            return Placed(community.id, community.slug, channel_id)

    return put


def stored_communities(session_factory: sessionmaker[Session], team_id: str | None = None) -> list[Community]:
    with session_factory() as session:
        query = select(Community).order_by(Community.id)
        if team_id is not None:
            query = query.where(Community.team_id == team_id)
        return list(session.scalars(query))


def stored_members(session_factory: sessionmaker[Session], community_id: int) -> dict[str, Member]:
    with session_factory() as session:
        rows = session.scalars(select(Member).where(Member.community_id == community_id))
        return {member.user_id or "": member for member in rows}


def activity_kinds(session_factory: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with session_factory() as session:
        rows = session.scalars(select(Activity).order_by(Activity.id))
        return [(activity.kind.value, activity.user_id) for activity in rows]


def snapshot(session_factory: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables this feature writes: compare before and after to prove nothing changed."""
    with session_factory() as session:
        return {
            model.__tablename__: [tuple(row) for row in session.execute(select(model.__table__)).all()]
            for model in (Community, Member, Activity)
        }


def replace_metadata(ws: Workspace, view_id: str, private_metadata: str) -> None:
    """What a modified Slack client could do: send back a modal with other private_metadata."""
    with ws.lock:
        ws.state.views[view_id]["private_metadata"] = private_metadata


def inline_errors(response: DriverResponse) -> dict[str, str]:
    body = response.json
    assert body is not None, response.text
    assert body.get("response_action") == "errors", body
    return body["errors"]


def ephemeral_text(response: DriverResponse) -> str:
    body = response.json
    assert body is not None, response.text
    assert body["response_type"] == "ephemeral", body
    texts = [body.get("text", "")]
    for block in body.get("blocks", []):
        text = block.get("text")
        texts.append(text["text"] if isinstance(text, dict) else "")
        texts += [
            element.get("text", "") for element in block.get("elements", []) if isinstance(element, dict)
        ]
    return "\n".join(texts)
