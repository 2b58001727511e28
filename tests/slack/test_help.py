"""`/cop help` end to end: signed HTTP in, Slack's view of the answer out, in English and French."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from copbot.store.models import Workspace as WorkspaceRow

pytestmark = pytest.mark.usefixtures("people")


def _text(response) -> str:
    body = response.json
    assert body is not None, response.text
    return (
        body["text"] + "\n" + "\n".join(block["text"]["text"] for block in body["blocks"] if "text" in block)
    )


def test_help_in_english(driver, workspace, people):
    """A correctly signed `/cop help` from an English speaker gets the help, ephemeral, in English."""
    response = driver.command(workspace, people.alice, text="help")
    assert response.status == 200
    assert response.json["response_type"] == "ephemeral"
    text = _text(response)
    assert "runs this workspace's communities of practice" in text
    assert "`/cop help` — show this help" in text
    assert "`/cop join [community]` — join a community" in text


def test_help_in_french(driver, workspace, people):
    """The same command from a user whose Slack is in French answers in French."""
    response = driver.command(workspace, people.bruno, text="help")
    assert response.status == 200
    text = _text(response)
    assert "anime les communautés de pratique" in text
    assert "`/cop help` — afficher cette aide" in text
    assert "`/cop join [communauté]` — rejoindre une communauté" in text
    assert (
        "`/cop organisers [add|remove @quelqu'un] [communauté]` — voir ou modifier les organisateurs" in text
    )
    assert "[community]" not in text


def test_bare_command_shows_help(driver, workspace, people):
    """`/cop` with no text is a request for help, not an error."""
    response = driver.command(workspace, people.chen, text="")
    assert "`/cop help` — show this help" in _text(response)
    assert "I don't know" not in _text(response)


def test_unknown_subcommand_suggests_the_closest(driver, workspace, people):
    """A typo gets the help with a "did you mean" naming the closest command."""
    response = driver.command(workspace, people.chen, text="hlep me")
    assert "I don't know the command `hlep`. Did you mean `/cop help`?" in _text(response)


def test_unknown_subcommand_in_french_without_close_match(driver, workspace, people):
    """Nothing close: the French help says it does not know the command, and suggests nothing."""
    response = driver.command(workspace, people.bruno, text="zzzzzz")
    text = _text(response)
    assert "Je ne connais pas la commande `zzzzzz`." in text
    assert "Vouliez-vous dire" not in text


def test_unknown_subcommand_is_escaped(driver, workspace, people):
    """What the user typed is echoed back escaped, so it cannot inject mentions or links."""
    response = driver.command(workspace, people.chen, text="<!channel>")
    assert "&lt;!channel&gt;" in _text(response)
    assert "<!channel>" not in _text(response)


def _command_body(workspace, user_id: str) -> bytes:
    fields = {
        "team_id": workspace.team_id,
        "team_domain": workspace.domain,
        "channel_id": "C0000000",
        "user_id": user_id,
        "command": "/cop",
        "text": "help",
        "api_app_id": workspace.app_id,
        "response_url": "http://127.0.0.1:9/hooks",
        "trigger_id": "1.2.3",
    }
    return urllib.parse.urlencode(fields).encode()


# Timestamps are offsets from the moment the request is sent, never from when the tests were collected.
@pytest.mark.parametrize(
    ("case", "kwargs", "offset"),
    [
        ("forged signature", {"signature": "v0=" + "0" * 64}, None),
        ("no signature", {"sign": False}, None),
        ("stale timestamp", {}, -6 * 60),
        ("future timestamp", {}, 6 * 60),
    ],
)
def test_bad_signatures_are_refused_before_any_listener(
    case, kwargs, offset, driver, sandbox, workspace, people, session_factory: sessionmaker[Session]
):
    """Forged, missing and stale signatures get 401, and no listener or middleware of ours runs."""
    sandbox.reset_calls()
    if offset is not None:
        kwargs = {**kwargs, "timestamp": int(time.time()) + offset}
    response = driver.post(
        _command_body(workspace, people.alice), "application/x-www-form-urlencoded", **kwargs
    )
    assert response.status == 401, case
    assert sandbox.calls() == [], case  # not even the users.info our middleware would make
    with session_factory() as session:
        assert session.scalars(select(WorkspaceRow)).all() == []


def test_signed_request_records_the_workspace(driver, workspace, people, session_factory):
    """The first signed request from a workspace stores it, so its data has a home."""
    driver.command(workspace, people.alice, text="help")
    with session_factory() as session:
        assert session.scalars(select(WorkspaceRow.team_id)).all() == [workspace.team_id]


def test_other_workspace_is_told_copbot_is_not_installed(driver, sandbox, session_factory):
    """A command from a workspace the token does not belong to is refused plainly, and nothing is stored."""
    other = sandbox.add_workspace(team_id="T0OTHER01", name="Other", domain="other")
    stranger = other.add_user(name="eve", real_name="Eve Stranger", locale="en-US")
    response = driver.command(other, stranger, text="help")
    assert response.status == 200
    assert response.json == {
        "response_type": "ephemeral",
        "text": "copbot is not installed in this workspace, so it can't help you here.",
    }
    with session_factory() as session:
        assert session.scalars(select(WorkspaceRow)).all() == []
