"""Two workspaces served by one copbot (OAuth mode) each have a “Testing” community, fully apart."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from communities_support import ANSWERS, Forms, ephemeral_text, stored_communities

from copbot.sandbox import payloads, viewstore
from copbot.sandbox.driver import FORM
from copbot.sandbox.forms import fill


@pytest.fixture
def olga(other_workspace) -> str:
    return next(uid for uid, record in other_workspace.state.users.items() if record["name"] == "olga")


@pytest.fixture
def both(multi_driver, workspace, other_workspace, people, olga, session_factory):
    """Chen creates “Testing” in Acme and Olga creates “Testing” in Beta, both over signed HTTP."""
    acme, beta = Forms(multi_driver, workspace), Forms(multi_driver, other_workspace)
    assert acme.create(people.chen, purpose="Acme's testers").text == ""
    assert beta.create(olga, purpose="Beta's testers").text == ""
    return acme, beta


def test_same_name_in_two_workspaces(both, workspace, other_workspace, session_factory):
    """Both communities exist with the same short name, each in its own workspace and channel."""
    acme = stored_communities(session_factory, workspace.team_id)
    beta = stored_communities(session_factory, other_workspace.team_id)
    assert [(c.slug, c.purpose) for c in acme] == [("testing", "Acme's testers")]
    assert [(c.slug, c.purpose) for c in beta] == [("testing", "Beta's testers")]
    assert workspace.pins(acme[0].channel_id) == [acme[0].welcome_message_ts]
    assert other_workspace.pins(beta[0].channel_id) == [beta[0].welcome_message_ts]


def test_list_shows_only_the_workspace_own(both, multi_driver, workspace, other_workspace, people, olga):
    """`/cop list` in each workspace shows its own community only."""
    acme = ephemeral_text(multi_driver.command(workspace, people.dana, "list"))
    beta = ephemeral_text(multi_driver.command(other_workspace, olga, "list"))
    assert "Acme's testers" in acme
    assert "Beta's testers" not in acme
    assert "Beta's testers" in beta
    assert "Acme's testers" not in beta


def test_editing_one_leaves_the_other(both, workspace, other_workspace, olga, session_factory):
    """Olga edits Beta's “Testing”; Acme's is untouched, and she could not organise Acme's anyway."""
    _, beta = both
    view = beta.open_edit(olga, "testing")
    assert beta.submit(olga, view, audience="Beta QA").text == ""
    assert [c.audience for c in stored_communities(session_factory, other_workspace.team_id)] == ["Beta QA"]
    assert [c.audience for c in stored_communities(session_factory, workspace.team_id)] == [
        "Anyone who tests software"
    ]


def test_organisers_are_per_workspace(both, multi_driver, workspace, other_workspace, people, olga):
    """Each workspace's “Testing” lists its own organiser."""
    acme = ephemeral_text(multi_driver.command(workspace, people.dana, "organisers testing"))
    beta = ephemeral_text(multi_driver.command(other_workspace, olga, "organisers testing"))
    assert f"<@{people.chen}>" in acme
    assert olga not in acme
    assert f"<@{olga}>" in beta
    assert people.chen not in beta


def test_a_create_is_stored_in_the_authorised_workspace_whatever_the_body_says(
    multi_driver, workspace, other_workspace, people, session_factory
):
    """A view submission authorised for Acme but naming Beta in team.id creates nothing in Beta."""
    acme = Forms(multi_driver, workspace)
    view = acme.open_create(people.chen)
    held = viewstore.set_values(workspace, view["id"], fill(view, {**ANSWERS, "new_channel": "cop-forged"}))
    body = payloads.view_submission(workspace, people.chen, held)
    body["view"]["app_installed_team_id"] = workspace.team_id  # what Bolt authorises with
    body["team"] = {"id": other_workspace.team_id, "domain": other_workspace.domain}  # the forgery
    response = multi_driver.post(urlencode({"payload": json.dumps(body)}).encode(), FORM)
    assert response.status < 500
    assert stored_communities(session_factory, other_workspace.team_id) == []
    assert [c.slug for c in stored_communities(session_factory, workspace.team_id)] in ([], ["testing"])
