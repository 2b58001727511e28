"""Session test helpers: a weekly plan, and a person who plans, lists and answers through Slack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from copbot.sandbox.forms import fill
from copbot.slack.ids import (
    SESSION_CANCEL_BUTTON,
    SESSION_CANCEL_VIEW,
    SESSION_EDIT_BUTTON,
    SESSION_EDIT_VIEW,
    SESSION_NEW_VIEW,
)
from copbot.store.models import Activity, Meetup, Rsvp, SessionChange

# A weekly Tuesday 10:00 (Europe/Paris) series, planned on Monday 2 March 2026 (the test clock's start).
WEEKLY = {
    "title": "Testing clinic",
    "agenda": "Bring a bug",
    "date": "2026-03-03",
    "time": "10:00",
    "duration": "60",
    "place": "https://meet.example.com/clinic",
    "repeat": "weekly",
}


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    slug: str
    channel: str


class Sessions:
    """Plans, lists, edits, cancels and answers the way a person does, and reads what was kept."""

    def __init__(self, driver, ws, session_factory) -> None:
        self.driver, self.ws, self.session_factory = driver, ws, session_factory

    def command(self, user_id: str, text: str):
        return self.driver.command(self.ws, user_id, text=text)

    def modal(self, user_id: str, callback_id: str = SESSION_NEW_VIEW) -> dict[str, Any]:
        views = [view for view in self.ws.views(user_id) if view.get("callback_id") == callback_id]
        assert views, f"no {callback_id} modal was opened"
        return views[-1]

    def open_new(self, user_id: str, community: str = "") -> dict[str, Any]:
        response = self.command(user_id, f"session new {community}".strip())
        assert response.status == 200
        assert response.text == "", response.text
        return self.modal(user_id)

    def submit(self, user_id: str, view: dict[str, Any], **answers: Any):
        return self.driver.submit(self.ws, user_id, view, fill(view, answers))

    def plan(self, user_id: str, community: str = "", **answers: Any):
        return self.submit(user_id, self.open_new(user_id, community), **(WEEKLY | answers))

    def listing(self, user_id: str, community: str = "") -> dict[str, Any]:
        response = self.command(user_id, f"sessions {community}".strip())
        assert response.status == 200
        body = response.json
        assert body is not None
        return body

    def click(self, user_id: str, action_id: str, value: str, message: dict[str, Any] | None = None):
        """A click on a posted `message` (with its channel), else on an ephemeral reply in a DM."""
        if message is None:
            message = {"message_ts": "1.1", "channel": self.ws.open_dm(user_id), "blocks": []}
        return self.driver.action(self.ws, user_id, action_id, value=value, message=message)

    def open_edit(self, user_id: str, ref: str) -> dict[str, Any]:
        self.click(user_id, SESSION_EDIT_BUTTON, ref)
        return self.modal(user_id, SESSION_EDIT_VIEW)

    def cancel(self, user_id: str, ref: str, which: str | None = None):
        self.click(user_id, SESSION_CANCEL_BUTTON, ref)
        view = self.modal(user_id, SESSION_CANCEL_VIEW)
        return self.submit(user_id, view, **({"which": which} if which else {}))

    def series(self) -> list[Meetup]:
        with self.session_factory() as session:
            return list(session.scalars(select(Meetup).order_by(Meetup.id)))

    def rsvps(self) -> list[tuple[str, str, str | None]]:
        with self.session_factory() as session:
            rows = session.execute(select(Rsvp.user_id, Rsvp.occurrence_key, Rsvp.answer).order_by(Rsvp.id))
            return [(user, key, answer and answer.value) for user, key, answer in rows]

    def changes(self) -> list[SessionChange]:
        with self.session_factory() as session:
            return list(session.scalars(select(SessionChange).order_by(SessionChange.id)))

    def snapshot(self) -> tuple[Any, ...]:
        """Everything planning may write, to show that a refusal changed nothing."""
        with self.session_factory() as session:
            series = session.execute(
                select(Meetup.id, Meetup.title, Meetup.starts_at, Meetup.cancelled_at)
            ).all()
            activity = session.execute(select(Activity.id, Activity.kind)).all()
            changes = session.execute(select(SessionChange.id, SessionChange.moved_to)).all()
        return (
            [tuple(r) for r in series],
            [tuple(r) for r in activity],
            [tuple(r) for r in changes],
            self.rsvps(),
        )


def texts(blocks: list[dict[str, Any]]) -> str:
    """All the words a person sees in these blocks (buttons included)."""
    parts = [
        part
        for block in blocks
        for part in [block.get("text"), block.get("label"), *block.get("elements", [])]
        if isinstance(part, dict) and "text" in part
    ]
    return "\n".join(
        part["text"] if isinstance(part["text"], str) else part["text"]["text"] for part in parts
    )


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(action id, value) of every button, in order."""
    return [
        (element["action_id"], element.get("value", ""))
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
