"""Helpers for the communities tests: form answers, store snapshots, reading Slack's answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copbot.sandbox import SlackDriver, Workspace
from copbot.sandbox.driver import DriverResponse
from copbot.sandbox.forms import fill
from copbot.slack.ids import ORGANISER_CANCEL, ORGANISER_CONFIRM
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


@dataclass(frozen=True)
class Placed:
    id: int
    slug: str
    channel_id: str


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
            element["text"]
            for element in block.get("elements", [])
            if isinstance(element, dict) and isinstance(element.get("text"), str)
        ]
    return "\n".join(texts)


def answer_organiser_question(
    driver: SlackDriver, ws: Workspace, user_id: str, question: DriverResponse, *, confirm: bool = True
) -> DriverResponse:
    """Click Confirm (or Cancel) under the question `/cop organisers add|remove` answered with."""
    body = question.json
    assert body is not None, question.text
    message = {"message_ts": "1.000001", "channel": ws.open_dm(user_id), "blocks": body["blocks"]}
    return driver.action(ws, user_id, ORGANISER_CONFIRM if confirm else ORGANISER_CANCEL, message=message)


def change_organisers(driver: SlackDriver, ws: Workspace, user_id: str, text: str) -> str:
    """`/cop organisers add|remove …`, confirmed: what the question is replaced with."""
    answer_organiser_question(driver, ws, user_id, driver.command(ws, user_id, text))
    return str(ws.responses(user_id)[-1]["text"])


def dm_texts(ws: Workspace, user_id: str) -> list[str]:
    return [str(message.get("text", "")) for message in ws.dm_messages(user_id)]
