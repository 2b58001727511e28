"""`/cop list`: the workspace's communities, a page of 20 at a time, each with a Join button."""

from __future__ import annotations

import pytest
from communities_support import ephemeral_text, snapshot
from factories import WHEN, make_member
from sqlalchemy import select

from copbot.sandbox.blockkit import check_message_blocks
from copbot.slack.ids import JOIN_BUTTON
from copbot.store.models import Community


def test_empty_workspace_points_to_create(driver, workspace, people):
    """With no community yet, the answer says how to start one."""
    response = driver.command(workspace, people.chen, "list")
    assert ephemeral_text(response) == "There are no communities here yet. Start one with `/cop create`."


def test_empty_workspace_in_french(driver, workspace, people):
    """The same, in French."""
    response = driver.command(workspace, people.bruno, "list")
    assert ephemeral_text(response).startswith("Il n'y a pas encore de communauté ici.")


def test_lists_each_community_with_a_join_button(driver, workspace, people, place, session_factory):
    """Each entry: name, short name, purpose, audience, active members, channel and a Join button."""
    testing = place(
        "Testing", organisers=(people.alice,), members=(people.chen, people.dana), purpose="Test <better>"
    )
    design = place("Design", organisers=(people.bruno,), audience="Designers & friends")
    response = driver.command(workspace, people.chen, "list")
    body = response.json
    assert body["response_type"] == "ephemeral"
    assert check_message_blocks(body["blocks"]) == []
    text = ephemeral_text(response)
    assert "*Testing* · `testing`\nTest &lt;better&gt;\n_For: Anyone who tests software_" in text
    assert f"3 members · <#{testing.channel_id}>" in text
    assert "_For: Designers &amp; friends_" in text
    assert f"1 member · <#{design.channel_id}>" in text
    assert text.index("*Design*") < text.index("*Testing*")
    buttons = [block["accessory"] for block in body["blocks"] if "accessory" in block]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        (JOIN_BUTTON, str(design.id), "Join"),
        (JOIN_BUTTON, str(testing.id), "Join"),
    ]


def test_member_count_leaves_out_those_who_left(driver, workspace, people, place, session_factory):
    """Members who left are not counted."""
    place("Testing", organisers=(people.alice,))
    with session_factory() as session:
        community = session.scalars(select(Community)).one()
        make_member(session, community, people.dana, left_at=WHEN)
        session.commit()
    assert "1 member · " in ephemeral_text(driver.command(workspace, people.chen, "list"))


def test_list_in_french(driver, workspace, people, place):
    """A French speaker sees the list in French."""
    place("Testing", organisers=(people.alice,), members=(people.chen,))
    text = ephemeral_text(driver.command(workspace, people.bruno, "list"))
    assert "Communautés de cet espace de travail" in text
    assert "2 membres · " in text
    assert "_Pour : Anyone who tests software_" in text


def test_pages_of_twenty(driver, workspace, people, place):
    """Twenty communities per page, then a pointer to the next page; the next page shows the rest."""
    for number in range(23):
        place(f"Community {number:02d}", channel_id=f"C0PAGE{number:03d}")
    first = driver.command(workspace, people.chen, "list")
    assert check_message_blocks(first.json["blocks"]) == []
    assert len(first.json["blocks"]) <= 50
    text = ephemeral_text(first)
    assert "*Community 19*" in text
    assert "*Community 20*" not in text
    assert "…and 3 more: `/cop list 2`" in text
    second = ephemeral_text(driver.command(workspace, people.chen, "list 2"))
    assert ["*Community 20*" in second, "*Community 00*" in second, "more:" in second] == [True, False, False]


@pytest.mark.parametrize(
    ("argument", "user", "message"),
    [
        ("abc", "chen", "Page numbers are whole numbers, like `/cop list 2`."),
        ("0", "chen", "Page numbers are whole numbers, like `/cop list 2`."),
        ("-1", "chen", "Page numbers are whole numbers, like `/cop list 2`."),
        ("²", "chen", "Page numbers are whole numbers, like `/cop list 2`."),
        ("1" * 4400, "bruno", "Les numéros de page sont des nombres entiers, par exemple `/cop list 2`."),
        ("3", "chen", "There is no page 3: pages go from 1 to 1."),
        ("3", "bruno", "Il n'y a pas de page 3 : les pages vont de 1 à 1."),
    ],
)
def test_bad_page(argument, user, message, driver, workspace, people, place, session_factory):
    """A page that is not a number, or does not exist, is explained; nothing changes."""
    place("Testing", organisers=(people.alice,))
    before = snapshot(session_factory)
    response = driver.command(workspace, getattr(people, user), f"list {argument}")
    assert ephemeral_text(response) == message
    assert snapshot(session_factory) == before
