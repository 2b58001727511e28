"""Pairing round fixtures: a community in the store, a helper that drives rounds and reads what people see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from factories import make_community, make_member
from sqlalchemy import func, select

from copbot.domain.enums import Experience, PairingOutcome, Role
from copbot.slack import ids
from copbot.store.models import Delivery, Member, PairingGroup, PairingGroupMember, PairingRound


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    channel: str


@pytest.fixture
def testing(workspace, people, session_factory) -> Place:
    """Testing, rounds on demand only: alice organises; bruno, chen and dana are members, each in a team."""
    members = [people.alice, people.bruno, people.chen, people.dana]
    channel = workspace.add_channel("testing", members=members, bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.alice, role=Role.ORGANISER, experience=Experience.EXPERIENCED)
        make_member(session, community, people.bruno, team_name="Web", experience=Experience.NEW)
        make_member(session, community, people.chen, team_name="Data", interests=["exploratory", "sql"])
        make_member(session, community, people.dana, team_name="Mobile")
        return Place(community.id, community.name, channel)


class Rounds:
    """Starts rounds the way people and the loop do, and reads the store and the sandbox."""

    def __init__(self, driver, copbot, ws, session_factory, clock) -> None:
        self.driver, self.copbot, self.ws = driver, copbot, ws
        self.session_factory, self.clock = session_factory, clock

    def pair(self, user_id: str, text: str = "", ws=None):
        return self.driver.command(ws or self.ws, user_id, text=f"pair {text}".strip())

    def say(self, user_id: str, text: str, ws=None) -> str:
        """What copbot answers the person to `/cop pair <text>` (the ephemeral reply's text)."""
        response = self.pair(user_id, text, ws)
        assert response.status == 200, response.text
        return str(response.json["text"])

    def now(self, user_id: str, community: str = "testing") -> None:
        """`/cop pair now`, then the loop's tick that sends the introductions."""
        response = self.pair(user_id, f"now {community}")
        assert response.status == 200, response.text
        self.tick()

    def tick(self) -> None:
        self.copbot.loop.tick()
        self.copbot.sender.wait_idle()

    def groups(self) -> list[list[str]]:
        """Each group of the latest round as the people in it (user ids, sorted)."""
        with self.session_factory() as session:
            latest = session.scalar(select(func.max(PairingRound.id)))
            query = (
                select(PairingGroup.id, Member.user_id)
                .join(PairingGroupMember, PairingGroupMember.group_id == PairingGroup.id)
                .join(Member, Member.id == PairingGroupMember.member_id)
                .where(PairingGroup.round_id == latest)
            )
            found: dict[int, list[str]] = {}
            for group_id, user_id in session.execute(query):
                found.setdefault(group_id, []).append(user_id)
        return sorted(sorted(users) for users in found.values())

    def outcomes(self) -> list[PairingOutcome]:
        with self.session_factory() as session:
            return list(session.scalars(select(PairingGroup.outcome).order_by(PairingGroup.id)))

    def rounds(self) -> list[PairingRound]:
        with self.session_factory() as session:
            return list(session.scalars(select(PairingRound).order_by(PairingRound.id)))

    def deliveries(self, kind: str) -> list[Delivery]:
        with self.session_factory() as session:
            return list(session.scalars(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.id)))

    def group_messages(self, user_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(channel, message) of every message copbot posted in a group conversation with the person."""
        found = []
        for channel_id, channel in self.ws.state.channels.items():
            if channel.kind == "mpim" and user_id in channel.members:
                found += [(channel_id, message) for message in self.ws.messages(channel_id)]
        return found

    def click(self, user_id: str, action_id: str = ids.PAIR_MET, message_index: int = 0):
        channel_id, message = self.group_messages(user_id)[message_index]
        return self.driver.action(self.ws, user_id, action_id, message=message, channel_id=channel_id)


@pytest.fixture
def rounds(driver, copbot, workspace, session_factory, clock) -> Rounds:
    return Rounds(driver, copbot, workspace, session_factory, clock)
