"""Bad input to `/cop join` and its modal: a clear message in the user's language, and nothing stored."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from factories import WHEN
from sqlalchemy import update

from copbot.sandbox import payloads
from copbot.sandbox.forms import fill
from copbot.store.models import Community


@pytest.fixture
def testing(place):
    return place("Testing")


def _nothing_happened(sandbox, workspace, user_id, before, store):
    assert store.snapshot() == before
    assert workspace.dm_messages(user_id) == []
    assert sandbox.calls("conversations.invite") == []


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"team": ""}, {"team": "Tell us your team or department."}),
        ({"team": "q" * 81}, {"team": "Keep your team or department to 80 characters or fewer."}),
        ({"interests": "a, b, c, d, e, f"}, {"interests": "Give at most 5 interests."}),
        (
            {"interests": "ci, " + "z" * 31},
            {"interests": "Keep each interest to 30 characters or fewer (“" + "z" * 30 + "…” is longer)."},
        ),
        (
            {"experience": None, "team": ""},
            {"experience": "Choose your experience level.", "team": "Tell us your team or department."},
        ),
    ],
)
def test_bad_fields_get_inline_errors(
    answers, errors, driver, sandbox, workspace, people, testing, forms, store
):
    """Empty, over-long or malformed inputs are named beside the input, and the modal stays open."""
    driver.command(workspace, people.chen, text="join testing")
    before = store.snapshot()
    answers = {"experience": "new", "team": "Quality", **answers}
    response = forms.submit_join(workspace, people.chen, **answers)
    assert response.json == {"response_action": "errors", "errors": errors}
    _nothing_happened(sandbox, workspace, people.chen, before, store)


def test_inline_errors_in_french(driver, sandbox, workspace, people, testing, forms, store):
    """Bruno's errors are in French."""
    driver.command(workspace, people.bruno, text="join testing")
    before = store.snapshot()
    response = forms.submit_join(workspace, people.bruno, experience="new", team=" ", interests="a,b,c,d,e,f")
    assert response.json["errors"] == {
        "team": "Indiquez votre équipe ou votre service.",
        "interests": "Indiquez 5 centres d'intérêt au maximum.",
    }
    _nothing_happened(sandbox, workspace, people.bruno, before, store)


def test_the_community_must_be_chosen(driver, sandbox, workspace, people, place, forms, store):
    """With several communities, submitting without choosing one is refused beside the select."""
    place("Testing")
    place("Design")
    driver.command(workspace, people.chen, text="join")
    before = store.snapshot()
    response = forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert response.json == {"response_action": "errors", "errors": {"community": "Choose a community."}}
    _nothing_happened(sandbox, workspace, people.chen, before, store)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("testin", "There is no community called “testin” here. Did you mean `testing`?"),
        ("gardening", "There is no community called “gardening” here. `/cop list` shows them all."),
        (
            "<@U0S0000001>",
            "There is no community called “&lt;@U0S0000001&gt;” here. `/cop list` shows them all.",
        ),
        ("x" * 500, "There is no community called “" + "x" * 80 + "” here. `/cop list` shows them all."),
    ],
)
def test_unknown_community_names(typed, answer, driver, workspace, people, testing, store):
    """A typo gets close names; a stranger name, the list; what was typed comes back escaped and short."""
    before = store.snapshot()
    response = driver.command(workspace, people.chen, text=f"join {typed}")
    assert response.json == {"response_type": "ephemeral", "text": answer}
    assert workspace.views(people.chen) == []
    assert store.snapshot() == before


def test_unknown_community_in_french(driver, workspace, people, testing):
    """Bruno is told in French, with the suggestion."""
    response = driver.command(workspace, people.bruno, text="join tsting")
    assert (
        response.json["text"]
        == "Il n'y a pas de communauté appelée « tsting » ici. Vouliez-vous dire `testing` ?"
    )


@pytest.mark.parametrize("choice", ["other workspace", "12abc", "99999"])
def test_a_forged_community_choice_is_refused(
    choice, driver, sandbox, workspace, other_workspace, people, place, forms, store
):
    """The select sent back naming another workspace's community, or none at all: refused beside it."""
    place("Testing")
    place("Design")
    beta = place("Testing", ws=other_workspace)
    driver.command(workspace, people.bruno, text="join")
    view = forms.last_view(workspace, people.bruno)
    values = fill(view, {"experience": "new", "team": "Qualité"})
    forged = str(beta.id) if choice == "other workspace" else choice
    values["community"]["community"]["selected_option"] = {
        "text": {"type": "plain_text", "text": "x"},
        "value": forged,
    }  # a crafted client
    before = store.snapshot()
    response = driver.submit(workspace, people.bruno, view, values)
    expected = "Cette communauté n'existe plus." if choice != "12abc" else "Choisissez une communauté."
    assert response.json == {"response_action": "errors", "errors": {"community": expected}}
    assert store.members(beta.id) == []
    _nothing_happened(sandbox, workspace, people.bruno, before, store)


def test_tampered_metadata_is_refused(driver, sandbox, workspace, people, place, forms, store):
    """A modal whose private_metadata was edited to name another community is refused; nobody joins."""
    testing = place("Testing")
    design = place("Design")
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    forms.tamper(workspace, view["id"], community_id=design.id)
    before = store.snapshot()
    response = forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert response.json == {
        "response_action": "errors",
        "errors": {"team": "This form was changed after copbot opened it. Please start again."},
    }
    assert store.members(testing.id) == store.members(design.id) == []
    _nothing_happened(sandbox, workspace, people.chen, before, store)


@pytest.mark.parametrize("who", ["bot_user", "deleted"])
def test_bots_and_deactivated_accounts_cannot_join(
    who, driver, sandbox, workspace, people, testing, forms, store
):
    """A submission in the name of a bot or a deactivated account is refused; nothing is stored."""
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    before = store.snapshot()
    user_id = getattr(people, who)
    response = driver.submit(workspace, user_id, view, {})  # the modal as a forged client would send it
    assert response.json["response_action"] == "errors"
    response = driver.submit(
        workspace,
        user_id,
        view,
        {
            "experience": {"experience": {"type": "radio_buttons", "selected_option": {"value": "new"}}},
            "team": {"team": {"type": "plain_text_input", "value": "Bots"}},
        },
    )
    assert response.json == {
        "response_action": "errors",
        "errors": {"team": "Only people with an active Slack account can join a community."},
    }
    _nothing_happened(sandbox, workspace, user_id, before, store)


def test_a_community_archived_while_the_modal_was_open(
    driver, sandbox, workspace, people, testing, forms, store, session_factory
):
    """The community went away before the form was sent: the modal says so and nothing is stored."""
    driver.command(workspace, people.chen, text="join testing")
    with session_factory() as session, session.begin():
        session.execute(update(Community).values(archived_at=WHEN))
    before = store.snapshot()
    response = forms.submit_join(workspace, people.chen, experience="new", team="Quality")
    assert response.json == {
        "response_action": "errors",
        "errors": {"team": "That community no longer exists."},
    }
    _nothing_happened(sandbox, workspace, people.chen, before, store)


def test_another_workspace_cannot_use_this_install(driver, sandbox, other_workspace, store):
    """In single-workspace mode, a user of another workspace is told copbot is not installed there."""
    olga = next(user for user in other_workspace.state.users if other_workspace.user(user)["name"] == "olga")
    before = store.snapshot()
    response = driver.command(other_workspace, olga, text="join testing")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "copbot is not installed in this workspace, so it can't help you here.",
    }
    assert store.snapshot() == before


def test_two_workspaces_with_the_same_community_name_stay_apart(
    multi_driver, multi_forms, sandbox, workspace, other_workspace, people, place, store
):
    """Acme and Beta both have "Testing": Olga joins Beta's, and Acme's community is untouched."""
    acme = place("Testing")
    beta = place("Testing", ws=other_workspace)
    olga = next(user for user in other_workspace.state.users if other_workspace.user(user)["name"] == "olga")
    multi_driver.command(other_workspace, olga, text="join testing")
    multi_forms.submit_join(other_workspace, olga, experience="experienced", team="Ops")
    assert [member["user_id"] for member in store.members(beta.id)] == [olga]
    assert store.members(acme.id) == []
    assert olga in other_workspace.channel_members(beta.channel_id)
    assert olga not in workspace.channel_members(acme.channel_id)


def test_a_community_of_another_workspace_is_unknown_here(
    multi_driver, workspace, other_workspace, people, place, store
):
    """Acme's community cannot be found from Beta, not even as a suggestion."""
    acme = place("Testing")
    olga = next(user for user in other_workspace.state.users if other_workspace.user(user)["name"] == "olga")
    response = multi_driver.command(other_workspace, olga, text="join testing")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "There is no community called “testing” here. `/cop list` shows them all.",
    }
    assert store.members(acme.id) == []


@pytest.mark.parametrize(
    "kwargs",
    [{"signature": "v0=" + "0" * 64}, {"sign": False}, {"age": 6 * 60}],
)
def test_forged_or_stale_submissions_are_refused(
    kwargs, driver, sandbox, workspace, people, testing, forms, store
):
    """A join submission with a forged, missing or stale signature gets 401, and nothing is stored."""
    driver.command(workspace, people.chen, text="join testing")
    view = forms.last_view(workspace, people.chen)
    view["state"] = {"values": {"team": {"team": {"type": "plain_text_input", "value": "Quality"}}}}
    body = urllib.parse.urlencode(
        {"payload": json.dumps(payloads.view_submission(workspace, people.chen, view))}
    ).encode()
    before = store.snapshot()
    response = driver.post(body, "application/x-www-form-urlencoded", **kwargs)
    assert response.status == 401
    _nothing_happened(sandbox, workspace, people.chen, before, store)
