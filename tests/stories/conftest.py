"""Sharing-story fixtures: communities put in place in the store, and a helper that drives the share modal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from factories import make_community, make_member
from sqlalchemy import select

from copbot.domain.enums import Role
from copbot.slack.ids import SHARE_VIEW
from copbot.store.models import Activity, Story


@dataclass(frozen=True)
class Place:
    """A community as the tests see it: its row id, names and channel."""

    id: int
    name: str
    slug: str
    channel: str


@pytest.fixture
def testing(workspace, people, session_factory) -> Place:
    """An English community, Testing: alice organises it, bruno and chen are members, dana is not."""
    members = [people.alice, people.bruno, people.chen]
    channel = workspace.add_channel("testing", members=members, bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.alice, role=Role.ORGANISER)
        make_member(session, community, people.bruno)
        make_member(session, community, people.chen)
        return Place(community.id, community.name, community.slug, channel)


@pytest.fixture
def design(workspace, people, session_factory) -> Place:
    """A French community, Design: bruno and chen are members."""
    channel = workspace.add_channel("design", members=[people.bruno, people.chen], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session,
            team_id=workspace.team_id,
            channel_id=channel,
            created_by=people.bruno,
            name="Design",
            language="fr",
            purpose="Mieux concevoir ensemble",
        )
        make_member(session, community, people.bruno, role=Role.ORGANISER)
        make_member(session, community, people.chen)
        return Place(community.id, community.name, community.slug, channel)


class Sharing:
    """Opens the share modal the way a person does, fills it in, and reads what was kept."""

    def __init__(self, driver, ws, session_factory) -> None:
        self.driver, self.ws, self.session_factory = driver, ws, session_factory

    def command(self, user_id: str, argument: str = "", ws=None):
        return self.driver.command(ws or self.ws, user_id, text=f"share {argument}".strip())

    def modal(self, user_id: str, ws=None) -> dict[str, Any]:
        """The share modal most recently opened for the person."""
        views = [view for view in (ws or self.ws).views(user_id) if view.get("callback_id") == SHARE_VIEW]
        assert views, "no share modal was opened"
        return views[-1]

    def open(self, user_id: str, argument: str = "", ws=None) -> dict[str, Any]:
        response = self.command(user_id, argument, ws)
        assert response.status == 200
        assert response.text == "", response.text
        return self.modal(user_id, ws)

    def submit(self, user_id: str, view: dict[str, Any], ws=None, **answers: Any):
        """Submit with these answers (title, story, tags, community); other inputs left empty."""
        return self.driver.submit(ws or self.ws, user_id, view, fill(view, answers))

    def stories(self) -> list[Story]:
        with self.session_factory() as session:
            return list(session.scalars(select(Story).order_by(Story.id)))

    def snapshot(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Everything sharing may write, to show that a refusal changed nothing."""
        with self.session_factory() as session:
            stories = session.execute(select(Story.id, Story.title, Story.message_ts)).all()
            activity = session.execute(select(Activity.id, Activity.kind)).all()
        return [tuple(row) for row in stories], [tuple(row) for row in activity]


def fill(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """state.values as Slack sends them: every input block, null where nothing was typed or picked."""
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element, answer = block["element"], answers.get(block["block_id"])
        if element["type"] == "checkboxes":  # untouched, Slack sends the options ticked to begin with
            ticked = element.get("initial_options", []) if answer is None else answer
            value = {"type": "checkboxes", "selected_options": ticked}
        elif element["type"] == "static_select":
            picked = (
                None if answer is None else {"text": {"type": "plain_text", "text": "x"}, "value": answer}
            )
            value = {"type": "static_select", "selected_option": picked}
        else:
            value = {"type": "plain_text_input", "value": answer}
        values[block["block_id"]] = {element["action_id"]: value}
    return values


@pytest.fixture
def sharing(driver, workspace, session_factory) -> Sharing:
    return Sharing(driver, workspace, session_factory)


@pytest.fixture
def sharing_with(session_factory):
    """A Sharing helper for another driver and workspace (multi-workspace tests)."""
    return lambda driver, ws: Sharing(driver, ws, session_factory)


def texts(blocks: list[dict[str, Any]]) -> str:
    """All the words a person sees in these blocks."""
    parts = [
        part
        for block in blocks
        for part in [block.get("text"), block.get("label"), *block.get("elements", [])]
        if isinstance(part, dict) and "text" in part
    ]
    return "\n".join(
        part["text"] if isinstance(part["text"], str) else part["text"]["text"] for part in parts
    )


@pytest.fixture
def blocks_text():
    return texts
