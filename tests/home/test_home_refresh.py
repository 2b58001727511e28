"""An open Home tab follows what the person just did: joining, leaving, sharing."""

from __future__ import annotations

from factories import make_community, make_member
from sqlalchemy import select

from copbot.domain.enums import Role
from copbot.sandbox.forms import fill
from copbot.slack.ids import JOIN_BUTTON
from copbot.store.models import Member


def _texts(view: dict) -> str:
    parts = []
    for block in view["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [
            element.get("text", "")
            for element in block.get("elements", [])
            if isinstance(element.get("text"), str)
        ]
    return "\n".join(parts)


def _sections_after(view: dict, heading: str) -> str:
    text = _texts(view)
    return text[text.index(heading) :]


def _place(workspace, people, session_factory) -> int:
    channel = workspace.add_channel("testing", members=[people.alice], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.alice, role=Role.ORGANISER)
        return community.id


def _join(driver, workspace, user: str, community_id: int, home: dict) -> None:
    driver.action(workspace, user, JOIN_BUTTON, value=str(community_id), view=home)
    modal = workspace.views(user)[-1]
    answer = driver.submit(workspace, user, modal, fill(modal, {"experience": "new", "team": "Mobile"}))
    assert answer.status == 200
    assert answer.json is None  # closed, no inline errors


def _open_home(driver, workspace, user: str) -> dict:
    event = {"type": "app_home_opened", "user": user, "tab": "home", "channel": workspace.open_dm(user)}
    driver.event(workspace, event | {"event_ts": "1.0"})
    return workspace.home_view(user)


def test_joining_from_the_home_tab_moves_the_community_up(driver, workspace, people, session_factory):
    """After joining with the Home's Join button, the same tab lists the community among the person's own."""
    community_id = _place(workspace, people, session_factory)
    home = _open_home(driver, workspace, people.chen)
    assert "Testing" in _sections_after(home, "Other communities")
    _join(driver, workspace, people.chen, community_id, home)
    refreshed = workspace.home_view(people.chen)
    assert refreshed["hash"] != home["hash"]
    assert "Testing" in _texts(refreshed).split("Other communities")[0]
    assert "Your communities" in _texts(refreshed)


def test_leaving_moves_it_back_among_the_others_in_french(driver, workspace, people, session_factory):
    """After Bruno confirms leaving, his Home (in French) shows the community among those he may join."""
    community_id = _place(workspace, people, session_factory)
    _join(driver, workspace, people.bruno, community_id, _open_home(driver, workspace, people.bruno))
    driver.command(workspace, people.bruno, text="leave testing")
    confirmation = workspace.views(people.bruno)[-1]
    assert driver.submit(workspace, people.bruno, confirmation, {}).status == 200
    text = _texts(workspace.home_view(people.bruno))
    assert "Autres communautés" in text
    assert "Testing" in text[text.index("Autres communautés") :]


def test_a_home_that_cannot_be_published_does_not_undo_the_join(
    driver, sandbox, workspace, people, session_factory
):
    """If Slack refuses the Home refresh, the person is still a member and the modal still closes."""
    community_id = _place(workspace, people, session_factory)
    home = _open_home(driver, workspace, people.dana)
    sandbox.inject_fault("views.publish", error="internal_error", times=1)
    _join(driver, workspace, people.dana, community_id, home)
    with session_factory() as session:
        member = session.scalar(select(Member).where(Member.user_id == people.dana))
    assert member is not None
    assert member.left_at is None
    assert [call.response.get("error") for call in sandbox.calls("views.publish")][-1] == "internal_error"
