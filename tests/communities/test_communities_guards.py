"""Requests that must not reach the store: other workspaces, forged signatures, and simultaneous creations."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from communities_support import ANSWERS, snapshot, stored_communities
from factories import make_community
from slack_sdk import WebClient

from copbot.domain.communities import validate_draft
from copbot.domain.errors import Conflict
from copbot.sandbox import payloads
from copbot.sandbox.forms import fill
from copbot.services.communities import Actor, create_community
from copbot.slack.gateways.communities import SlackCommunities
from copbot.store.reservations import Reservations
from copbot.store.workspaces import ensure_workspace


@pytest.mark.parametrize("command", ["create", "edit testing", "list", "organisers add <@U0NOSUCH1|someone>"])
def test_other_workspace_is_refused(command, driver, sandbox, people, place, session_factory):
    """Someone from a workspace copbot is not installed in is told so, and nothing is stored or opened."""
    place("Testing", organisers=(people.alice,))
    other = sandbox.add_workspace(team_id="T0OTHER01", name="Other", domain="other")
    eve = other.add_user(name="eve", locale="en-US", is_admin=True)
    before = snapshot(session_factory)
    response = driver.command(other, eve, command)
    assert response.json == {
        "response_type": "ephemeral",
        "text": "copbot is not installed in this workspace, so it can't help you here.",
    }
    assert other.views(eve) == []
    assert snapshot(session_factory) == before


@pytest.mark.parametrize(
    "forgery",
    [
        {"signature": "v0=" + "0" * 64},
        {"sign": False},
        {"age": 6 * 60},
    ],
)
def test_forged_or_stale_requests(forgery, driver, forms, workspace, people, place, session_factory, sandbox):
    """A submission or command with a forged or stale signature gets 401, and nothing is stored or sent."""
    view = forms.open_create(people.chen)
    payload = {
        "type": "view_submission",
        "team": {"id": workspace.team_id, "domain": workspace.domain},
        "user": {"id": people.chen, "team_id": workspace.team_id},
        "api_app_id": workspace.app_id,
        "view": {**view, "state": {"values": fill(view, {**ANSWERS, "new_channel": "cop-x"})}},
    }
    submission = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    place("Testing", organisers=(people.chen,))
    command = urllib.parse.urlencode(
        payloads.command_form(
            workspace,
            people.chen,
            command="/cop",
            text=f"organisers add <@{people.dana}>",
            channel_id=workspace.open_dm(people.chen),
        )
    ).encode()
    before, calls = snapshot(session_factory), len(sandbox.calls())
    for body in (submission, command):
        response = driver.post(body, "application/x-www-form-urlencoded", **forgery)
        assert response.status == 401
    assert snapshot(session_factory) == before
    assert len(sandbox.calls()) == calls


class RivalFirst(SlackCommunities):
    """The real gateway; meanwhile another request stores a community with the same short name."""

    def __init__(self, client, session_factory, team_id):
        super().__init__(client)
        self._session_factory, self._team_id = session_factory, team_id

    def create_channel(self, name):
        with self._session_factory() as rival:
            make_community(
                rival,
                team_id=self._team_id,
                channel_id="C0RIVAL",
                created_by="U0RIVAL",
                name="Rival",
                slug="testing",
            )
            rival.commit()
        return super().create_channel(name)


def test_simultaneous_creations_are_decided_by_the_database(
    workspace, people, session_factory, sandbox, clock
):
    """Two creations of one short name at once: the unique constraint lets one win, the other is told why."""
    with session_factory() as session:
        ensure_workspace(session, team_id=workspace.team_id, now=clock.now())
        session.commit()
    client = WebClient(token=workspace.bot_token, base_url=sandbox.api_url)
    draft = validate_draft({**FORM, "new_channel": "cop-testing"})
    with session_factory() as session, pytest.raises(Conflict) as raised:
        create_community(
            session,
            team_id=workspace.team_id,
            actor=Actor(people.chen, is_admin=False, is_active=True),
            draft=draft,
            admins_only=False,
            origin="test",
            now=clock.now(),
            slack=RivalFirst(client, session_factory, workspace.team_id),
            holds=Reservations(session_factory, clock),
        )
    assert (raised.value.field, raised.value.params) == ("slug", {"slug": "testing"})
    assert [(c.slug, c.name) for c in stored_communities(session_factory)] == [("testing", "Rival")]


FORM = {
    **ANSWERS,
    "language": "en",
    "timezone": "Europe/Paris",
    "prompt_cadence": "off",
    "prompt_day": "1",
    "prompt_time": "10:00",
    "pairing": "0",
    "pairing_day": "0",
    "group_size": "2",
}
