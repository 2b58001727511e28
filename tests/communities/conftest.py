"""Helpers for the communities tests: the form filled in over HTTP, data in place, the store at a glance."""

from __future__ import annotations

from typing import Any

import pytest
from communities_support import (
    Forms,
    Placed,
)
from factories import make_community, make_member
from sqlalchemy.orm import Session, sessionmaker

from copbot.domain.enums import Role
from copbot.sandbox import Workspace


@pytest.fixture
def forms(driver, workspace, people) -> Forms:
    return Forms(driver, workspace)


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
