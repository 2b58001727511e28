"""A community's life end to end: pause and resume, archive and unarchive, from buttons and `/cop`."""

from __future__ import annotations

import pytest
from communities_support import ephemeral_text, snapshot, stored_communities

from copbot.slack.ids import (
    COMMUNITY_ARCHIVE_ACTION,
    COMMUNITY_DELETE_ACTION,
    COMMUNITY_PAUSE_ACTION,
    COMMUNITY_RESUME_ACTION,
    COMMUNITY_UNARCHIVE_ACTION,
)

UNTIL = "until its organisers resume it."
PAUSED_NOTE = f"*Testing* is paused: no story prompts, session reminders or introductions {UNTIL}"
BACK_NOTE = "*Testing* is back: story prompts, session reminders and introductions start again from now."


def open_home(driver, workspace, user_id):
    """The person opens their App Home tab (Slack's app_home_opened), and copbot draws it."""
    event = {"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home"}
    assert driver.event(workspace, event).status == 200
    view = workspace.home_view(user_id)
    assert view is not None
    return view


def press(driver, workspace, user_id, action_id, community_id, *, where=None):
    """A life button pressed on the person's Home (or in the message `where`), carrying the community id."""
    if where is not None:
        return driver.action(workspace, user_id, action_id, value=str(community_id), message=where)
    view = open_home(driver, workspace, user_id)
    return driver.action(workspace, user_id, action_id, value=str(community_id), view=view)


def notes(workspace, channel_id) -> list[str]:
    return [message["text"] for message in workspace.messages(channel_id)]


def community(session_factory, community_id):
    return next(c for c in stored_communities(session_factory) if c.id == community_id)


def test_pause_from_the_home_tells_the_channel_and_redraws_the_home(
    driver, workspace, people, place, session_factory, sandbox, clock
):
    """alice presses Pause on her Home: the community is paused, its channel told, her Home drawn again."""
    testing = place("Testing", organisers=(people.alice,), members=(people.chen,))
    view = open_home(driver, workspace, people.alice)
    published = len(sandbox.calls("views.publish"))
    response = driver.action(
        workspace, people.alice, COMMUNITY_PAUSE_ACTION, value=str(testing.id), view=view
    )
    assert response.status == 200
    assert community(session_factory, testing.id).paused_at == clock.now()
    assert notes(workspace, testing.channel_id) == [PAUSED_NOTE]
    assert len(sandbox.calls("views.publish")) == published + 1
    assert sandbox.calls("views.open") == []


def test_resume_from_a_message_answers_beside_it_and_tells_the_channel(
    driver, workspace, people, place, session_factory, clock
):
    """Resume pressed in a message: the channel hears it is back; the answer shows beside the message."""
    testing = place("Testing", organisers=(people.chen,))
    assert "is paused" in ephemeral_text(driver.command(workspace, people.chen, "pause testing"))
    clock.advance(hours=2)
    message = {"ts": "1.000001", "channel": testing.channel_id, "blocks": []}
    press(driver, workspace, people.chen, COMMUNITY_RESUME_ACTION, testing.id, where=message)
    stored = community(session_factory, testing.id)
    assert (stored.paused_at, stored.resumed_at) == (None, clock.now())
    assert notes(workspace, testing.channel_id) == [PAUSED_NOTE, BACK_NOTE]
    assert workspace.responses(people.chen)[-1]["text"] == (
        "*Testing* is running: its schedule starts again from now."
    )


def test_pause_and_resume_in_french(driver, workspace, people, place, session_factory):
    """A French community is told in French, and its French organiser answered in French."""
    design = place("Design", organisers=(people.bruno,), language="fr")
    answer = ephemeral_text(driver.command(workspace, people.bruno, "pause design"))
    assert answer == "*Design* est en pause. Rien de programmé ne part avant que vous la relanciez."
    answer = ephemeral_text(driver.command(workspace, people.bruno, "resume"))
    assert answer == "*Design* fonctionne de nouveau : son programme reprend à partir de maintenant."
    assert notes(workspace, design.channel_id) == [
        (
            "*Design* est en pause : ni invitations à raconter, ni rappels de séances, ni présentations "
            "jusqu'à ce que ses organisateurs la relancent."
        ),
        (
            "*Design* reprend : les invitations à raconter, les rappels de séances et les présentations "
            "recommencent à partir de maintenant."
        ),
    ]
    assert community(session_factory, design.id).paused_at is None


def test_archive_hides_it_from_the_list_and_frees_its_channel(
    driver, workspace, people, place, forms, session_factory
):
    """Archived, Testing leaves `/cop list`; a new community may take its channel and its name."""
    testing = place("Testing", organisers=(people.alice,), members=(people.chen,))
    place("Design", organisers=(people.bruno,))
    answer = ephemeral_text(driver.command(workspace, people.alice, "archive testing"))
    assert answer == (
        "*Testing* is archived: hidden from `/cop list`, its channel free for another community."
    )
    listed = ephemeral_text(driver.command(workspace, people.chen, "list"))
    assert "Design" in listed
    assert "Testing" not in listed
    response = forms.create(people.chen, name="Testing", slug="testing-2", channel=testing.channel_id)
    assert response.status == 200
    assert response.json is None, response.text  # the modal closed: saved
    live = [(c.name, c.channel_id) for c in stored_communities(session_factory) if c.archived_at is None]
    assert ("Testing", testing.channel_id) in live
    archived = community(session_factory, testing.id)
    assert archived.archived_at is not None  # history kept: the row and its members stay


def test_archive_from_the_home_in_french(driver, workspace, people, place, session_factory):
    """bruno archives Design from his Home; /cop list (in French) no longer shows it."""
    design = place("Design", organisers=(people.bruno,), language="fr")
    place("Testing", organisers=(people.alice,))
    press(driver, workspace, people.bruno, COMMUNITY_ARCHIVE_ACTION, design.id)
    assert community(session_factory, design.id).archived_at is not None
    listed = ephemeral_text(driver.command(workspace, people.bruno, "list"))
    assert "Testing" in listed
    assert "Design" not in listed


@pytest.mark.parametrize(
    ("user", "language", "heading", "unarchive"),
    [
        ("alice", "en", "Archived communities you organise", "Unarchive Testing"),
        ("bruno", "fr", "Communautés archivées que vous organisez", "Désarchiver Testing"),
    ],
)
def test_archive_then_unarchive_from_the_home(
    user, language, heading, unarchive, driver, workspace, people, place, session_factory, sandbox
):
    """Archive (behind a confirm dialog) then Unarchive from the Home; the Home is redrawn each time."""
    organiser = getattr(people, user)
    testing = place("Testing", organisers=(organiser,), language=language)
    view = open_home(driver, workspace, organiser)
    [archive] = [
        e
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == COMMUNITY_ARCHIVE_ACTION
    ]
    assert archive["confirm"]["style"] == "danger"
    published = len(sandbox.calls("views.publish"))
    driver.action(workspace, organiser, COMMUNITY_ARCHIVE_ACTION, value=str(testing.id), view=view)
    assert community(session_factory, testing.id).archived_at is not None
    assert len(sandbox.calls("views.publish")) == published + 1
    redrawn = workspace.home_view(organiser)
    headings = [b["text"]["text"] for b in redrawn["blocks"] if b["type"] == "header"]
    assert heading in headings
    buttons = [
        (e["action_id"], e["value"], e["text"]["text"])
        for b in redrawn["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert (COMMUNITY_UNARCHIVE_ACTION, str(testing.id), unarchive) in buttons
    assert (COMMUNITY_DELETE_ACTION, str(testing.id)) in [(a, v) for a, v, _ in buttons]
    driver.action(workspace, organiser, COMMUNITY_UNARCHIVE_ACTION, value=str(testing.id), view=redrawn)
    assert community(session_factory, testing.id).archived_at is None
    assert len(sandbox.calls("views.publish")) == published + 2
    again = workspace.home_view(organiser)
    assert heading not in [b["text"]["text"] for b in again["blocks"] if b["type"] == "header"]
    elements = [e for b in again["blocks"] for e in b.get("elements", [])]
    assert any(e.get("action_id") == COMMUNITY_ARCHIVE_ACTION for e in elements)


@pytest.mark.parametrize(
    ("user", "language", "next_round", "paused"),
    [
        ("alice", "en", "next round", "_Paused:"),
        ("bruno", "fr", "prochain tour", "_En pause"),
    ],
)
def test_a_paused_community_shows_no_next_round_on_the_home(
    user, language, next_round, paused, driver, workspace, people, place
):
    """Rounds every week show the next one; once the community is paused, the Home says Paused instead."""
    organiser = getattr(people, user)
    testing = place("Testing", organisers=(organiser,), language=language, pairing_every_weeks=1)

    def texts(view) -> str:
        return "\n".join(
            str(part.get("text", "")) if isinstance(part, dict) else str(part)
            for block in view["blocks"]
            for part in [block.get("text") or {}, *block.get("elements", [])]
        )

    assert next_round in texts(open_home(driver, workspace, organiser))
    press(driver, workspace, organiser, COMMUNITY_PAUSE_ACTION, testing.id)
    drawn = texts(workspace.home_view(organiser))
    assert next_round not in drawn
    assert paused in drawn


def test_unarchive_brings_it_back(driver, workspace, people, place, session_factory):
    """Unarchived, it is listed again and its schedule starts from now."""
    testing = place("Testing", organisers=(people.alice,))
    driver.command(workspace, people.alice, "archive testing")
    press(driver, workspace, people.alice, COMMUNITY_UNARCHIVE_ACTION, testing.id)
    assert community(session_factory, testing.id).archived_at is None
    assert "Testing" in ephemeral_text(driver.command(workspace, people.chen, "list"))


def test_unarchive_is_refused_when_its_channel_was_taken(
    driver, workspace, people, place, session_factory, sandbox
):
    """Its channel now belongs to another community: a clear message in a modal, and nothing changes."""
    testing = place("Testing", organisers=(people.alice,))
    driver.command(workspace, people.alice, "archive testing")
    place("Quality", organisers=(people.chen,), channel_id=testing.channel_id)
    before = snapshot(session_factory)
    press(driver, workspace, people.alice, COMMUNITY_UNARCHIVE_ACTION, testing.id)
    assert snapshot(session_factory) == before
    [notice] = sandbox.calls("views.open")
    assert notice.args["view"]["blocks"][0]["text"]["text"] == (
        f"*Testing* can't be unarchived: its channel <#{testing.channel_id}> now belongs to *Quality*. "
        "Archive that community or give it another channel first."
    )


def test_unarchive_is_refused_when_its_name_was_taken_in_french(
    driver, workspace, people, place, session_factory
):
    """Another live community is called Design now: refused in French, nothing changes."""
    place("Design", organisers=(people.bruno,), language="fr")
    driver.command(workspace, people.bruno, "archive design")
    place("Design", slug="design-2", organisers=(people.chen,))
    before = snapshot(session_factory)
    answer = ephemeral_text(driver.command(workspace, people.bruno, "unarchive design"))
    assert answer == (
        "*Design* ne peut pas être désarchivée : une autre communauté porte ce nom désormais. "
        "Renommez-la ou archivez-la d'abord."
    )
    assert snapshot(session_factory) == before


@pytest.mark.parametrize(
    ("user", "action_id", "expected"),
    [
        ("dana", COMMUNITY_PAUSE_ACTION, "Only the organisers of “Testing” can do that."),
        ("dana", COMMUNITY_ARCHIVE_ACTION, "Only the organisers of “Testing” can do that."),
        ("bruno", COMMUNITY_PAUSE_ACTION, "Seuls les organisateurs de « Testing » peuvent faire cela."),
        ("chen", COMMUNITY_RESUME_ACTION, "*Testing* isn't paused."),
        ("chen", COMMUNITY_UNARCHIVE_ACTION, "*Testing* isn't archived."),
    ],
)
def test_refused_buttons_say_why_in_a_modal_and_change_nothing(
    user, action_id, expected, driver, workspace, people, place, session_factory, sandbox
):
    """Not an organiser, or nothing to undo: the reason in a modal, the store and the channel untouched."""
    testing = place("Testing", organisers=(people.chen,), members=(people.dana, people.bruno))
    before = snapshot(session_factory)
    press(driver, workspace, getattr(people, user), action_id, testing.id)
    assert snapshot(session_factory) == before
    assert notes(workspace, testing.channel_id) == []
    [notice] = sandbox.calls("views.open")
    assert notice.args["view"]["blocks"][0]["text"]["text"] == expected


@pytest.mark.parametrize("user", ["chen", "bruno"])
def test_a_deleted_communitys_old_buttons_say_it_is_gone(
    user, driver, workspace, people, place, session_factory, sandbox
):
    """Buttons of a community deleted since (or a forged value) explain it is gone, and change nothing."""
    testing = place("Testing", organisers=(people.chen, people.bruno))
    message = {"ts": "1.000001", "channel": testing.channel_id, "blocks": []}
    before = snapshot(session_factory)
    for action_id, value in ((COMMUNITY_PAUSE_ACTION, 999), (COMMUNITY_ARCHIVE_ACTION, "x1")):
        press(driver, workspace, getattr(people, user), action_id, value, where=message)
    assert snapshot(session_factory) == before
    assert sandbox.calls("views.open") == []  # answered beside the message, not in a modal
    texts = [response["text"] for response in workspace.responses(getattr(people, user))]
    gone = {"chen": "That community no longer exists.", "bruno": "Cette communauté n'existe plus."}[user]
    assert texts[-2:] == [gone, gone]


@pytest.mark.parametrize(
    ("user", "text", "expected"),
    [
        ("dana", "pause testing", "Only the organisers of “Testing” can do that."),
        ("dana", "archive testing", "Only the organisers of “Testing” can do that."),
        ("bruno", "archive testing", "Seuls les organisateurs de « Testing » peuvent faire cela."),
        ("chen", "pause nosuch", "There is no community called “nosuch” here."),
        ("dana", "pause", "You don't organise a community this applies to."),
        ("chen", "unarchive testing", "*Testing* isn't archived."),
    ],
)
def test_refused_commands_say_why_and_change_nothing(
    user, text, expected, driver, workspace, people, place, session_factory
):
    """Each refusal is explained privately in the asker's language; nothing is stored or posted."""
    testing = place("Testing", organisers=(people.chen,), members=(people.dana,))
    before = snapshot(session_factory)
    assert ephemeral_text(driver.command(workspace, getattr(people, user), text)) == expected
    assert snapshot(session_factory) == before
    assert notes(workspace, testing.channel_id) == []


def test_archiving_the_slack_channel_pauses_the_community_and_tells_its_organisers(
    driver, workspace, people, place, session_factory, clock
):
    """channel_archive: Testing is paused; each organiser is told by DM (in their language) what to do."""
    testing = place("Testing", organisers=(people.chen, people.bruno), members=(people.dana,))
    other = place("Design", organisers=(people.alice,))
    response = driver.event(workspace, {"type": "channel_archive", "channel": testing.channel_id})
    assert response.status == 200
    assert community(session_factory, testing.id).paused_at == clock.now()
    assert community(session_factory, other.id).paused_at is None
    assert [m["text"] for m in workspace.dm_messages(people.chen)] == [
        (
            "The channel of *Testing* was archived, so copbot paused the community. Give it another channel "
            "with `/cop edit testing` and then `/cop resume testing`, or archive the community with "
            "`/cop archive testing`."
        )
    ]
    assert [m["text"] for m in workspace.dm_messages(people.bruno)] == [
        (
            "Le canal de *Testing* a été archivé : copbot a donc mis la communauté en pause. Donnez-lui un "
            "autre canal avec `/cop edit testing` puis `/cop resume testing`, ou archivez la communauté avec "
            "`/cop archive testing`."
        )
    ]
    assert workspace.dm_messages(people.dana) == []


def test_archiving_a_private_channel_pauses_its_community_too(
    driver, workspace, people, place, session_factory
):
    """group_archive, for a private channel, does the same; a channel of no community changes nothing."""
    testing = place("Testing", organisers=(people.chen,))
    before = snapshot(session_factory)
    driver.event(workspace, {"type": "group_archive", "channel": "G0NOBODY1"})
    assert snapshot(session_factory) == before
    driver.event(workspace, {"type": "group_archive", "channel": testing.channel_id})
    assert community(session_factory, testing.id).paused_at is not None


def test_a_round_by_hand_waits_until_the_community_is_resumed(
    driver, workspace, people, place, session_factory
):
    """`/cop pair now` in a paused community is refused with the reason, and nothing is asked for."""
    place("Testing", organisers=(people.chen,), members=(people.dana, people.bruno))
    driver.command(workspace, people.chen, "pause testing")
    before = snapshot(session_factory)
    answer = ephemeral_text(driver.command(workspace, people.chen, "pair now testing"))
    assert answer == "*Testing* is paused: resume it before starting a round."
    assert snapshot(session_factory) == before
