"""Helpers for the membership tests: communities in place, the join form filled in, the store at a glance."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import pytest
from factories import make_community, make_member
from sqlalchemy import select

from copbot.domain.enums import Role
from copbot.sandbox.forms import fill
from copbot.store.models import Activity, Member


@dataclass(frozen=True)
class Placed:
    """A community put in place for a test, with its real sandbox channel."""

    id: int
    channel_id: str
    slug: str


@pytest.fixture
def place(session_factory, workspace, people):
    """Put a community (and, optionally, members) in place: `place("Testing", organisers=[...])`."""

    def put(
        name: str = "Testing",
        *,
        ws=None,
        organisers: tuple[str, ...] = (),
        members: tuple[str, ...] = (),
        channel_id: str | None = None,
        in_channel: tuple[str, ...] = (),
        **fields: Any,
    ) -> Placed:
        ws = ws or workspace
        if channel_id is None:
            channel_id = ws.add_channel(
                name.lower().replace(" ", "-"), bot_is_member=True, members=list(in_channel)
            )
        with session_factory() as session, session.begin():
            community = make_community(
                session,
                team_id=ws.team_id,
                channel_id=channel_id,
                created_by=people.alice,
                name=name,
                **fields,
            )
            for user_id in organisers:
                make_member(session, community, user_id, role=Role.ORGANISER)
            for user_id in members:
                make_member(session, community, user_id)
            return Placed(community.id, channel_id, community.slug)

    return put


class Forms:
    """Modals as a person sees them: the last one opened, filled in and submitted."""

    def __init__(self, driver) -> None:
        self.driver = driver

    def last_view(self, ws, user_id: str) -> dict[str, Any]:
        views = ws.views(user_id)
        assert views, "no modal was opened"
        return ws.view(views[-1]["id"])

    def submit_join(self, ws, user_id: str, **answers: Any):
        """Fill in the user's open join modal (block id -> answer; the rest as pre-filled) and submit it."""
        view = self.last_view(ws, user_id)
        return self.driver.submit(ws, user_id, view, fill(view, answers))

    def confirm(self, ws, user_id: str):
        """Submit the user's open confirmation modal."""
        return self.driver.submit(ws, user_id, self.last_view(ws, user_id), {})

    @staticmethod
    def tamper(ws, view_id: str, **changes: Any) -> None:
        """Change what a modal's sealed private_metadata says, keeping the old seal (a forged client)."""
        with ws.lock:
            view = ws.state.views[view_id]
            payload, _, signature = view["private_metadata"].rpartition(".")
            data = {**json.loads(base64.urlsafe_b64decode(payload)), **changes}
            forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()
            view["private_metadata"] = f"{forged}.{signature}"


class Store:
    """What the database holds, as plain values."""

    def __init__(self, session_factory) -> None:
        self.session_factory = session_factory

    def members(self, community_id: int) -> list[dict[str, Any]]:
        columns = (
            "user_id",
            "role",
            "experience",
            "team_name",
            "interests",
            "pairing_opt_in",
            "left_at",
            "erased_at",
        )
        with self.session_factory() as session:
            query = select(Member).where(Member.community_id == community_id).order_by(Member.id)
            return [{column: getattr(row, column) for column in columns} for row in session.scalars(query)]

    def activity(self, community_id: int) -> list[tuple[str, str | None]]:
        with self.session_factory() as session:
            query = select(Activity).where(Activity.community_id == community_id).order_by(Activity.id)
            return [(row.kind.value, row.user_id) for row in session.scalars(query)]

    def snapshot(self) -> tuple[list[Any], list[Any]]:
        """Every membership and activity row, to show that a refused request changed nothing."""
        with self.session_factory() as session:
            members = session.execute(select(Member.__table__).order_by(Member.id)).all()
            activity = session.execute(select(Activity.__table__).order_by(Activity.id)).all()
            return list(members), list(activity)


@pytest.fixture
def forms(driver) -> Forms:
    return Forms(driver)


@pytest.fixture
def multi_forms(multi_driver) -> Forms:
    """Forms driven through copbot in multi-workspace (OAuth) mode."""
    return Forms(multi_driver)


@pytest.fixture
def store(session_factory) -> Store:
    return Store(session_factory)


def texts(message: dict[str, Any]) -> str:
    """A message's text and its blocks' texts, joined, for assertions on what a person reads."""
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        for item in [block.get("text"), *block.get("elements", []), block.get("accessory")]:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                parts.append(item["text"])
            elif isinstance(item, dict) and isinstance(item.get("text"), dict):
                parts.append(item["text"]["text"])
    return "\n".join(parts)


@pytest.fixture
def read():
    """`read(message)`: the text a person reads in a message or a response."""
    return texts
