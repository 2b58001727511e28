"""Sharing refuses bad input with a clear message in the person's language, and keeps nothing of it."""

from __future__ import annotations

import base64
import json
import urllib.parse
from datetime import timedelta

import pytest
from factories import WHEN, make_community, make_member
from sqlalchemy import update

from copbot.sandbox import payloads
from copbot.slack.ids import JOIN_BUTTON, JOIN_VIEW, SHARE_BUTTON
from copbot.store.models import Community, Member

LEFT = WHEN + timedelta(days=1)


def _errors(response) -> dict[str, str]:
    assert response.status == 200, response.text
    body = response.json
    assert body is not None
    assert body["response_action"] == "errors", body
    return body["errors"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"title": "", "story": "   "},
            {"title": "Please give your story a title.", "story": "Please write your story."},
        ),
        (
            {"title": "t" * 151, "story": "s" * 3001},
            {
                "title": "The title can be at most 150 characters (this one has 151).",
                "story": "The story can be at most 3000 characters (this one has 3001).",
            },
        ),
        (
            {"title": "Fine", "story": "Fine", "tags": "a, b, c, d, e, f"},
            {"tags": "Please use at most 5 tags (you gave 6)."},
        ),
        (
            {"title": "Fine", "story": "Fine", "tags": "ok, " + "x" * 31},
            {"tags": f"A tag can be at most 30 characters: “{'x' * 30}…” is longer."},
        ),
    ],
    ids=["empty", "too long", "too many tags", "tag too long"],
)
def test_bad_fields_are_flagged_inline_and_nothing_is_kept(
    sharing, workspace, people, testing, answers, expected
):
    """Each input that does not fit gets its own inline error; the modal stays open and nothing is stored."""
    before = sharing.snapshot()
    view = sharing.open(people.chen, "testing")
    assert _errors(sharing.submit(people.chen, view, **answers)) == expected
    assert sharing.snapshot() == before
    assert workspace.messages(testing.channel) == []


def test_inline_errors_are_in_french_for_bruno(sharing, people, testing):
    """bruno's inline errors are in French."""
    view = sharing.open(people.bruno, "testing")
    errors = _errors(sharing.submit(people.bruno, view, title="t" * 151, story=""))
    assert errors == {
        "title": "Le titre ne doit pas dépasser 150 caractères (celui-ci en compte 151).",
        "story": "Merci d'écrire votre histoire.",
    }
    assert sharing.stories() == []


def _tamper(workspace, view_id: str, metadata: str) -> None:
    with workspace.lock:
        workspace.state.views[view_id]["private_metadata"] = metadata


def _swapped(sealed: str, community_id: int) -> str:
    """The same signature over a different community: what an edited client would send."""
    _, _, signature = sealed.rpartition(".")
    payload = base64.urlsafe_b64encode(json.dumps({"community_id": community_id}).encode()).decode()
    return f"{payload}.{signature}"


@pytest.mark.parametrize("tampering", ["swapped", "emptied", "garbage"])
def test_tampered_metadata_is_refused(sharing, workspace, people, testing, design, tampering):
    """A swapped, emptied or garbled sealed community is refused inline; nothing is kept or posted."""
    view = sharing.open(people.chen, "testing")
    forged = {"swapped": _swapped(view["private_metadata"], design.id), "emptied": "", "garbage": "{}"}[
        tampering
    ]
    with workspace.lock:
        workspace.state.views[view["id"]]["private_metadata"] = forged
    errors = _errors(sharing.submit(people.chen, view, title="Forged", story="Forged"))
    assert errors == {"title": "This form was changed after copbot opened it. Please start again."}
    assert sharing.stories() == []
    assert workspace.messages(design.channel) == workspace.messages(testing.channel) == []


def test_forged_community_choice_is_refused(
    sharing, workspace, people, testing, design, other_workspace, session_factory
):
    """A select value naming another workspace's community is refused inline on the select."""
    with session_factory() as session, session.begin():
        elsewhere = make_community(
            session, team_id=other_workspace.team_id, channel_id="C0ELSEWHERE", created_by="U0OLGA"
        )
        elsewhere_id = elsewhere.id
    view = sharing.open(people.chen)
    state = {
        "community": {
            "community_select": {"type": "static_select", "selected_option": {"value": str(elsewhere_id)}}
        },
        "title": {"title_input": {"type": "plain_text_input", "value": "Forged"}},
        "story": {"story_input": {"type": "plain_text_input", "value": "Forged"}},
        "tags": {"tags_input": {"type": "plain_text_input", "value": None}},
    }
    errors = _errors(sharing.driver.submit(workspace, people.chen, view, state))
    assert errors == {"community": "That community no longer exists."}
    state["community"]["community_select"]["selected_option"]["value"] = "not-a-number"
    errors = _errors(sharing.driver.submit(workspace, people.chen, view, state))
    assert errors == {"community": "That community no longer exists."}
    assert sharing.stories() == []


def test_no_community_picked_is_flagged(sharing, people, testing, design):
    """Submitting the choice modal with no community picked asks for one (Slack requires it; we check)."""
    view = sharing.open(people.chen)
    assert _errors(sharing.submit(people.chen, view, title="T", story="S")) == {
        "community": "Please choose a community."
    }
    assert sharing.stories() == []


def test_unknown_community_suggests_close_names(sharing, people, testing):
    """A misspelt community gets an ephemeral "did you mean", and no modal opens."""
    response = sharing.command(people.chen, "testng")
    assert response.json == {
        "response_type": "ephemeral",
        "text": "There is no community called “testng” here. Did you mean `testing`?",
    }
    response = sharing.command(people.bruno, "zzz")
    assert (
        response.json["text"]
        == "Il n'y a pas de communauté appelée « zzz » ici. `/cop list` les affiche toutes."
    )
    assert sharing.ws.views() == []


def test_overlong_community_argument_is_refused_briefly(sharing, people, testing):
    """An argument longer than any community name is refused without echoing it all back."""
    response = sharing.command(people.chen, "x" * 500)
    assert (
        response.json["text"]
        == f"There is no community called “{'x' * 80}…” here. `/cop list` shows them all."
    )
    assert sharing.ws.views() == []


def test_non_member_is_told_to_join_first_and_offered_a_join_button(sharing, driver, people, testing):
    """dana is not in Testing: an ephemeral reply says so with a Join button that opens the join form."""
    response = sharing.command(people.dana, "testing")
    assert response.json["text"] == "Join Testing first: `/cop join testing`"
    assert response.json["response_type"] == "ephemeral"
    assert sharing.ws.views() == []
    [join] = response.json["blocks"][1]["elements"]
    assert (join["text"]["text"], join["action_id"], join["value"]) == ("Join", JOIN_BUTTON, str(testing.id))

    message = {"ts": "1700000000.000100", "channel": testing.channel}
    driver.action(sharing.ws, people.dana, JOIN_BUTTON, value=join["value"], message=message)
    [form] = sharing.ws.views(people.dana)
    assert form["callback_id"] == JOIN_VIEW


def test_someone_in_no_community_is_pointed_to_join(sharing, people, testing):
    """With no community to share with, `/cop share` points to `/cop join`."""
    assert sharing.command(people.dana).json["text"] == (
        "You are not in a community yet. Join one first: `/cop join` (`/cop list` shows them all)."
    )
    assert sharing.ws.views() == []


def test_someone_who_left_cannot_share(sharing, people, testing, session_factory):
    """A member who left is no longer a member: `/cop share testing` tells them to join again."""
    with session_factory() as session, session.begin():
        session.execute(update(Member).where(Member.user_id == people.chen).values(left_at=LEFT))
    response = sharing.command(people.chen, "testing")
    assert response.json["text"] == "Join Testing first: `/cop join testing`"


def test_leaving_while_the_modal_is_open_refuses_the_submission(sharing, people, testing, session_factory):
    """chen opens the modal, leaves, then submits: refused inline, nothing kept."""
    view = sharing.open(people.chen, "testing")
    with session_factory() as session, session.begin():
        session.execute(update(Member).where(Member.user_id == people.chen).values(left_at=LEFT))
    errors = _errors(sharing.submit(people.chen, view, title="Late", story="Too late"))
    assert errors == {"title": "Join Testing first: `/cop join testing`"}
    assert sharing.stories() == []


@pytest.mark.parametrize("who", ["deleted", "bot_user"])
def test_deleted_and_bot_accounts_cannot_share(sharing, people, testing, session_factory, who):
    """Deactivated accounts and other apps' bots are refused, even when a membership row exists."""
    user_id = getattr(people, who)
    with session_factory() as session, session.begin():
        make_member(session, session.get(Community, testing.id), user_id)
    response = sharing.command(user_id, "testing")
    assert response.json["text"] == "Only people with an active account in this workspace can share stories."
    assert sharing.ws.views() == []
    assert sharing.stories() == []


def test_share_button_for_a_community_one_is_not_in_explains_in_a_modal(
    sharing, driver, workspace, people, testing, blocks_text
):
    """From the Home tab, a Share button for a community dana is not in opens a notice instead of the form."""
    driver.event(
        workspace, {"type": "app_home_opened", "user": people.dana, "channel": "D0HOME", "tab": "home"}
    )
    home = workspace.home_view(people.dana)
    driver.action(workspace, people.dana, SHARE_BUTTON, value=str(testing.id), view=home)
    [notice] = workspace.views(people.dana)
    assert notice.get("callback_id") in (None, "")
    assert blocks_text(notice["blocks"]) == "Join Testing first: `/cop join testing`"


def test_share_button_with_a_forged_value_explains_in_french(
    sharing, driver, workspace, people, testing, blocks_text
):
    """A Share button whose value is not a community id tells bruno, in French, that it no longer exists."""
    driver.event(
        workspace, {"type": "app_home_opened", "user": people.bruno, "channel": "D0HOME", "tab": "home"}
    )
    home = workspace.home_view(people.bruno)
    driver.action(workspace, people.bruno, SHARE_BUTTON, value="12abc", view=home)
    [notice] = workspace.views(people.bruno)
    assert blocks_text(notice["blocks"]) == "Cette communauté n'existe plus."
    assert notice["close"]["text"] == "Compris"


def test_share_button_in_a_channel_message_answers_ephemerally(sharing, driver, workspace, people, testing):
    """A Share button in a channel message, clicked by a non-member, gets an ephemeral answer there."""
    message = {
        "ts": "1700000000.000100",
        "channel": testing.channel,
        "text": "Share your story",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": SHARE_BUTTON,
                        "value": str(testing.id),
                        "text": {"type": "plain_text", "text": "Share"},
                    }
                ],
            }
        ],
    }
    driver.action(workspace, people.dana, SHARE_BUTTON, message=message)
    [answer] = workspace.responses(people.dana)
    assert answer["text"] == "Join Testing first: `/cop join testing`"
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][1]["elements"][0]["action_id"] == JOIN_BUTTON
    assert workspace.views(people.dana) == []


def test_a_french_non_member_is_offered_to_join_in_french(sharing, people, testing, session_factory):
    """bruno left Testing: `/cop share testing` answers in French, with a « Rejoindre » button."""
    with session_factory() as session, session.begin():
        session.execute(update(Member).where(Member.user_id == people.bruno).values(left_at=LEFT))
    answer = sharing.command(people.bruno, "testing").json
    assert answer["text"] == "Rejoignez d'abord Testing : `/cop join testing`"
    assert answer["blocks"][1]["elements"][0]["text"]["text"] == "Rejoindre"


def test_another_workspace_is_refused_in_single_workspace_mode(
    sharing, sandbox, people, testing, other_workspace
):
    """A person of a workspace copbot does not serve here is told so, and nothing is stored."""
    olga = other_workspace.add_user(name="olga3", real_name="Olga", locale="en-GB")
    response = sharing.command(olga, "testing", ws=other_workspace)
    assert response.json["text"] == "copbot is not installed in this workspace, so it can't help you here."
    assert other_workspace.views() == []
    assert sharing.stories() == []


def test_same_name_in_two_workspaces_stays_apart(
    multi_driver, sharing_with, workspace, other_workspace, testing, design, session_factory, blocks_text
):
    """Over OAuth, olga's `/cop share testing` finds Beta's Testing; Acme's can't be named or forged."""
    beta = sharing_with(multi_driver, other_workspace)
    olga = other_workspace.add_user(name="olga-b", real_name="Olga B", locale="en-GB")
    channels = {}
    with session_factory() as session, session.begin():
        for name in ("Testing", "Review"):
            channels[name] = other_workspace.add_channel(name.lower(), members=[olga], bot_is_member=True)
            community = make_community(
                session,
                team_id=other_workspace.team_id,
                channel_id=channels[name],
                created_by=olga,
                name=name,
            )
            make_member(session, community, olga)
    response = beta.command(olga, "design")  # Acme has a Design; Beta does not
    assert response.json["text"].startswith("There is no community called “design” here.")

    view = beta.open(olga)
    assert [o["text"]["text"] for o in view["blocks"][0]["element"]["options"]] == ["Review", "Testing"]
    errors = _errors(beta.submit(olga, view, community=str(testing.id), title="Forged", story="Forged"))
    assert errors == {"community": "That community no longer exists."}

    view = beta.open(olga, "testing")
    assert "Your story goes to *Testing*." in blocks_text(view["blocks"])
    assert beta.submit(olga, view, title="Beta", story="Ours").text == ""
    assert [m["text"] for m in other_workspace.messages(channels["Testing"])] == [
        f"<@{olga}> shared a story: Beta"
    ]
    assert workspace.messages(testing.channel) == []
    [story] = beta.stories()
    assert (story.team_id, story.title) == (other_workspace.team_id, "Beta")


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("forged signature", {"signature": "v0=" + "0" * 64}),
        ("stale timestamp", {"age": 6 * 60}),
    ],
)
def test_forged_or_stale_submissions_are_refused(sharing, driver, workspace, people, testing, case, kwargs):
    """A share submission with a bad signature gets 401; nothing is stored or posted."""
    view = sharing.open(people.chen, "testing")
    held = workspace.view(view["id"])
    held["state"] = {"values": {}}
    body = urllib.parse.urlencode(
        {"payload": json.dumps(payloads.view_submission(workspace, people.chen, held))}
    )
    assert driver.post(body.encode(), "application/x-www-form-urlencoded", **kwargs).status == 401, case
    assert sharing.stories() == []
    assert workspace.messages(testing.channel) == []
