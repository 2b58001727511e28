"""`/cop organisers`: who organises a community, and organisers adding or removing each other."""

from __future__ import annotations

import pytest
from communities_support import (
    activity_kinds,
    answer_organiser_question,
    change_organisers,
    dm_texts,
    ephemeral_text,
    snapshot,
    stored_members,
)
from factories import WHEN

from copbot.domain.enums import Role

USAGE = (
    "To change organisers: `/cop organisers add @someone [community]` "
    "or `/cop organisers remove @someone [community]`."
)


def _mention(user_id: str, name: str = "someone") -> str:
    return f"<@{user_id}|{name}>"  # how Slack escapes a mention in command text


def test_lists_organisers_and_mentions_admins(driver, workspace, people, place):
    """The organisers are listed by mention, and workspace admins are said to count too."""
    place("Testing", organisers=(people.chen, people.dana))
    text = ephemeral_text(driver.command(workspace, people.bruno, "organisers testing"))
    assert f"Organisateurs de *Testing* : <@{people.chen}>, <@{people.dana}>" in text
    assert "Les administrateurs et propriétaires de l'espace de travail peuvent aussi" in text


def test_list_without_argument_when_there_is_one_community(driver, workspace, people, place):
    """With a single community in the workspace, no name is needed."""
    place("Testing", organisers=(people.chen,))
    text = ephemeral_text(driver.command(workspace, people.dana, "organisers"))
    assert f"Organisers of *Testing*: <@{people.chen}>" in text
    assert "Workspace admins and owners can organise every community too." in text


def test_list_asks_which_when_there_are_several(driver, workspace, people, place):
    """With several communities and no name, the answer lists their short names."""
    place("Testing", organisers=(people.chen,))
    place("Design", organisers=(people.dana,))
    text = ephemeral_text(driver.command(workspace, people.dana, "organisers"))
    assert text == "Which community do you mean? Add its short name: `design`, `testing`"


def test_unknown_community_suggests(driver, workspace, people, place):
    """A mistyped name gets a suggestion."""
    place("Testing", organisers=(people.chen,))
    text = ephemeral_text(driver.command(workspace, people.dana, "organisers testin"))
    assert text == "There is no community called “testin” here. Did you mean `testing`?"


def test_adding_asks_first_and_changes_nothing_until_confirmed(
    driver, workspace, people, place, session_factory, sandbox
):
    """The command only asks "Make @dana an organiser?": nothing is stored, invited or sent to dana yet."""
    placed = place("Testing", organisers=(people.chen,))
    before = snapshot(session_factory)
    response = driver.command(workspace, people.chen, f"organisers add {_mention(people.dana)}")
    assert ephemeral_text(response).startswith(f"Make <@{people.dana}> an organiser of *Testing*?")
    assert snapshot(session_factory) == before
    assert sandbox.calls("conversations.invite") == []
    assert dm_texts(workspace, people.dana) == []
    assert people.dana not in stored_members(session_factory, placed.id)


def test_cancel_takes_the_question_away_and_changes_nothing(
    driver, workspace, people, place, session_factory
):
    """Cancel deletes the question; the store is as it was."""
    place("Testing", organisers=(people.chen,))
    before = snapshot(session_factory)
    question = driver.command(workspace, people.chen, f"organisers add {_mention(people.dana)}")
    answer_organiser_question(driver, workspace, people.chen, question, confirm=False)
    assert workspace.responses(people.chen)[-1]["delete_original"] is True
    assert snapshot(session_factory) == before
    assert dm_texts(workspace, people.dana) == []


def test_add_a_new_person(driver, workspace, people, place, session_factory):
    """Confirmed, an added person becomes an organiser member, is invited, told by DM, and it is logged."""
    placed = place("Testing", organisers=(people.chen,))
    text = change_organisers(driver, workspace, people.chen, f"organisers add {_mention(people.dana)}")
    assert text == f"<@{people.dana}> now organises *Testing*."
    assert dm_texts(workspace, people.dana) == [
        f"<@{people.chen}> made you an organiser of *Testing*. `/cop help` shows what organisers can do."
    ]
    member = stored_members(session_factory, placed.id)[people.dana]
    assert (member.role, member.left_at, member.pairing_opt_in) == (Role.ORGANISER, None, False)
    assert people.dana in workspace.channel_members(placed.channel_id)
    assert activity_kinds(session_factory) == [("organiser_added", people.dana)]


def test_add_promotes_a_member_and_brings_back_one_who_left(
    driver, workspace, people, place, session_factory
):
    """A member becomes an organiser; someone who had left is a member again, as an organiser."""
    placed = place("Testing", organisers=(people.chen,), members=(people.dana, people.bruno))
    with session_factory() as session:
        members = stored_members(session_factory, placed.id)
        left = session.merge(members[people.bruno])
        left.left_at = WHEN
        session.commit()
    for user_id in (people.dana, people.bruno):
        change_organisers(driver, workspace, people.chen, f"organisers add {_mention(user_id)} testing")
    members = stored_members(session_factory, placed.id)
    assert {uid: (m.role, m.left_at) for uid, m in members.items()} == {
        people.chen: (Role.ORGANISER, None),
        people.dana: (Role.ORGANISER, None),
        people.bruno: (Role.ORGANISER, None),
    }


def test_workspace_admin_may_add_without_being_a_member(driver, workspace, people, place, session_factory):
    """Workspace admins count as organisers."""
    placed = place("Testing", organisers=(people.chen,))
    change_organisers(driver, workspace, people.alice, f"organisers add {_mention(people.dana)}")
    assert stored_members(session_factory, placed.id)[people.dana].role == Role.ORGANISER


def test_add_in_french(driver, workspace, people, place):
    """The question and its answer are in the organiser's language; each DM in its reader's."""
    place("Design", organisers=(people.bruno, people.chen))
    question = driver.command(workspace, people.bruno, f"organisers add {_mention(people.dana)}")
    assert ephemeral_text(question).startswith(f"Faire de <@{people.dana}> un organisateur de *Design* ?")
    answer_organiser_question(driver, workspace, people.bruno, question)
    assert workspace.responses(people.bruno)[-1]["text"] == f"<@{people.dana}> organise désormais *Design*."
    assert dm_texts(workspace, people.dana) == [
        f"<@{people.bruno}> made you an organiser of *Design*. `/cop help` shows what organisers can do."
    ]
    change_organisers(driver, workspace, people.chen, f"organisers remove {_mention(people.bruno)}")
    assert dm_texts(workspace, people.bruno)[-1] == (
        f"<@{people.chen}> vous a retiré des organisateurs de *Design*. Vous en restez membre."
    )


def test_remove_an_organiser(driver, workspace, people, place, session_factory):
    """Removing an organiser keeps them as a member, and is logged."""
    placed = place("Testing", organisers=(people.chen, people.dana))
    text = change_organisers(
        driver, workspace, people.chen, f"organisers remove {_mention(people.dana)} testing"
    )
    assert text == f"<@{people.dana}> no longer organises *Testing*."
    assert dm_texts(workspace, people.dana) == [
        f"<@{people.chen}> removed you from the organisers of *Testing*. You are still a member."
    ]
    member = stored_members(session_factory, placed.id)[people.dana]
    assert (member.role, member.left_at) == (Role.MEMBER, None)
    assert activity_kinds(session_factory) == [("organiser_removed", people.dana)]


def test_organisers_may_step_down_while_others_remain(driver, workspace, people, place, session_factory):
    """An organiser can remove themselves when someone else still organises."""
    placed = place("Testing", organisers=(people.chen, people.dana))
    change_organisers(driver, workspace, people.chen, f"organisers remove {_mention(people.chen)}")
    assert stored_members(session_factory, placed.id)[people.chen].role == Role.MEMBER


@pytest.fixture
def testing(place, people):
    return place("Testing", organisers=(people.chen,), members=(people.dana,))


@pytest.mark.parametrize(
    ("user", "text", "message"),
    [
        (
            "chen",
            "organisers remove {chen}",
            "A community needs at least one organiser: add another before removing <@{chen}>.",
        ),
        ("chen", "organisers remove {dana}", "<@{dana}> isn't an organiser of “Testing”."),
        ("chen", "organisers add {chen}", "<@{chen}> already organises “Testing”."),
        ("dana", "organisers add {dana}", "Only the organisers of “Testing” can do that."),
        ("bruno", "organisers remove {chen}", "Seuls les organisateurs de « Testing » peuvent faire cela."),
        ("chen", "organisers add {bot_user}", "Bots and deactivated accounts can't organise a community."),
        ("chen", "organisers add {deleted}", "Bots and deactivated accounts can't organise a community."),
        ("chen", "organisers add <@U0NOSUCH1|ghost>", "I can't find that person in this workspace."),
        ("chen", "organisers add {olga}", "I can't find that person in this workspace."),
        ("chen", "organisers add", USAGE),
        (
            "bruno",
            "organisers remove",
            (
                "Pour modifier les organisateurs : `/cop organisers add @quelqu'un [communauté]` "
                "ou `/cop organisers remove @quelqu'un [communauté]`."
            ),
        ),
        ("chen", "organisers add @dana", USAGE),
        ("chen", "organisers remove dana testing", USAGE),
        ("deleted", "organisers add {dana}", "Only people with an active account can do that."),
        (
            "chen",
            "organisers add {dana} tsting",
            "There is no community called “tsting” here. Did you mean `testing`?",
        ),
        (
            "chen",
            "organisers add {dana} " + "x" * 3000,
            "There is no community called “" + "x" * 80 + "…” here. `/cop list` shows them all.",
        ),
    ],
)
def test_refusals_change_nothing(
    user, text, message, driver, workspace, other_workspace, people, testing, session_factory, sandbox
):
    """Each refused change is explained in the asker's language, and neither the store nor Slack changes."""
    mentions = {name: _mention(uid) for name, uid in vars(people).items()}
    olga = next(uid for uid, record in other_workspace.state.users.items() if record["name"] == "olga")
    mentions["olga"] = _mention(olga)
    before = snapshot(session_factory)
    response = driver.command(workspace, getattr(people, user), text.format(**mentions))
    expected = message.format(**vars(people))
    assert ephemeral_text(response) == expected
    assert snapshot(session_factory) == before
    assert sandbox.calls("conversations.invite") == []


def test_a_second_confirm_says_why_beside_it_and_changes_nothing(
    driver, workspace, people, place, session_factory, sandbox
):
    """Confirm pressed again after the change was made: the reason beside it; nobody is told twice."""
    place("Testing", organisers=(people.chen,))
    question = driver.command(workspace, people.chen, f"organisers add {_mention(people.dana)}")
    answer_organiser_question(driver, workspace, people.chen, question)
    before = snapshot(session_factory)
    answer_organiser_question(driver, workspace, people.chen, question)
    assert sandbox.calls("views.open") == []
    assert workspace.responses(people.chen)[-1]["text"] == f"<@{people.dana}> already organises “Testing”."
    assert snapshot(session_factory) == before
    assert len(dm_texts(workspace, people.dana)) == 1


def test_a_confirm_from_someone_who_no_longer_organises_is_refused(
    driver, workspace, people, place, session_factory, sandbox
):
    """chen asks, then stops organising before confirming: the confirm is refused and nothing changes."""
    place("Testing", organisers=(people.chen, people.bruno))
    question = driver.command(workspace, people.chen, f"organisers add {_mention(people.dana)}")
    change_organisers(driver, workspace, people.bruno, f"organisers remove {_mention(people.chen)}")
    before = snapshot(session_factory)
    answer_organiser_question(driver, workspace, people.chen, question)
    assert sandbox.calls("views.open") == []
    assert workspace.responses(people.chen)[-1]["text"] == "Only the organisers of “Testing” can do that."
    assert snapshot(session_factory) == before
