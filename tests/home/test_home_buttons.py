"""Each App Home button does what it says (or says why not, in a modal); the Home is drawn again after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories import make_community, make_member
from sqlalchemy import select

from copbot.domain.enums import DeliveryStatus, Role
from copbot.sandbox.forms import fill
from copbot.slack.blocks.home_modals import SEARCH_FIELD
from copbot.slack.ids import (
    COMMUNITY_PAUSE_ACTION,
    COMMUNITY_RESUME_ACTION,
    CREATE_VIEW,
    EDIT_VIEW,
    HOME_CREATE,
    HOME_EDIT,
    HOME_HELP,
    HOME_PLAN_SESSION,
    HOME_PROMPTS,
    HOME_SEARCH,
    HOME_SEARCH_VIEW,
    HOME_SHOW,
    HOME_STATS,
    JOIN_BUTTON,
    RSVP_MAYBE,
    SESSION_NEW_VIEW,
)
from copbot.store.models import Community, Delivery, PromptPost

FEB_20 = datetime(2026, 2, 20, 12, tzinfo=UTC)
ORGANISER_BUTTONS = [HOME_EDIT, HOME_PLAN_SESSION, HOME_PROMPTS, HOME_STATS]


def _click(driver, workspace, user: str, action_id: str, value: str, home: dict) -> None:
    assert driver.action(workspace, user, action_id, value=value, view=home).status == 200


def _texts(view: dict) -> str:
    return str(view["blocks"])


def test_create_and_help_open_their_modals_in_english_and_french(driver, workspace, open_home, people, acme):
    """Create opens the create form; Help lists the commands, in each person's language."""
    for user, help_title in ((people.alice, "Help"), (people.bruno, "Aide")):
        home = open_home(user)
        _click(driver, workspace, user, HOME_CREATE, "create", home)
        _click(driver, workspace, user, HOME_HELP, "help", home)
        create, help_modal = workspace.views(user)[-2:]
        assert create["callback_id"] == CREATE_VIEW
        assert help_modal["title"]["text"] == help_title
        assert "`/cop join [" in _texts(help_modal)


def test_organiser_buttons_open_the_communitys_forms(driver, workspace, open_home, people, acme):
    """alice's Edit, Plan a session and Prompts open Testing's forms; Stats sends the figures by DM."""
    home = open_home(people.alice)
    for action_id in ORGANISER_BUTTONS:
        _click(driver, workspace, people.alice, action_id, str(acme.testing), home)
    edit, plan, prompts, stats = workspace.views(people.alice)
    assert edit["callback_id"] == EDIT_VIEW
    assert "Testing" in _texts(edit)
    assert plan["callback_id"] == SESSION_NEW_VIEW
    assert prompts["title"]["text"] == "Prompts"
    assert "Story prompts of Testing" in _texts(prompts)
    assert stats["title"]["text"] == "Stats"
    assert "The figures of *Testing* are being counted" in _texts(stats)
    dms = [message["text"] for message in workspace.dm_messages(people.alice)]
    assert "The figures of *Testing* for the last 365 days, week by week, and its introductions." in dms


def test_a_french_organiser_gets_the_forms_in_french(driver, workspace, open_home, people, acme):
    """bruno, organiser of Design, gets its prompts and the stats notice in French."""
    home = open_home(people.bruno)
    _click(driver, workspace, people.bruno, HOME_PROMPTS, str(acme.design), home)
    _click(driver, workspace, people.bruno, HOME_STATS, str(acme.design), home)
    prompts, stats = workspace.views(people.bruno)
    assert prompts["title"]["text"] == "Invitations"
    assert stats["title"]["text"] == "Statistiques"
    assert "Les chiffres de *Design* sont en cours de calcul" in _texts(stats)


@pytest.mark.parametrize("action_id", ORGANISER_BUTTONS)
def test_a_member_is_told_in_a_modal_and_nothing_changes(
    action_id, driver, workspace, open_home, people, acme, sandbox, session_factory
):
    """chen organises nothing: each organiser button answers in a small modal, no DM, nothing queued."""
    home = open_home(people.chen)
    with session_factory() as session:
        before = session.scalar(select(Delivery.id).order_by(Delivery.id.desc()).limit(1))
    _click(driver, workspace, people.chen, action_id, str(acme.testing), home)
    [notice] = workspace.views(people.chen)
    assert notice["title"]["text"] == "That didn't work"
    assert "organisers" in notice["blocks"][0]["text"]["text"]
    assert workspace.dm_messages(people.chen) == []
    with session_factory() as session:
        assert session.scalar(select(Delivery.id).order_by(Delivery.id.desc()).limit(1)) == before


def test_a_stale_home_button_is_answered_in_french(driver, workspace, open_home, people, acme):
    """A Home button naming a community that no longer exists: bruno is told so in a modal, in French."""
    home = open_home(people.bruno)
    _click(driver, workspace, people.bruno, HOME_SEARCH, "4242", home)
    [notice] = workspace.views(people.bruno)
    assert notice["title"]["text"] == "Action impossible"
    assert notice["blocks"][0]["text"]["text"] == "Cette communauté n'existe plus."


def test_planning_a_session_from_the_home_shows_it_there(driver, workspace, open_home, people, acme):
    """alice plans a session from Testing's Plan a session: her Home is drawn again with it next."""
    home = open_home(people.alice)
    _click(driver, workspace, people.alice, HOME_PLAN_SESSION, str(acme.testing), home)
    form = workspace.views(people.alice)[-1]
    answers = {"title": "Pairing clinic", "date": "2026-03-03", "time": "10:00", "duration": "60"}
    assert driver.submit(workspace, people.alice, form, fill(form, answers)).json is None
    assert "Next session: *Pairing clinic*" in _texts(workspace.home_view(people.alice))


def test_search_shows_the_stories_found_in_the_modal(driver, workspace, open_home, people, acme):
    """chen searches Testing's stories from the Home: the latest, then a search that finds nothing."""
    home = open_home(people.chen)
    _click(driver, workspace, people.chen, HOME_SEARCH, str(acme.testing), home)
    modal = workspace.views(people.chen)[-1]
    assert modal["callback_id"] == HOME_SEARCH_VIEW
    assert driver.submit(workspace, people.chen, modal, fill(modal, {})).ok
    latest = workspace.views(people.chen)[-1]
    assert "The latest stories shared in Testing" in _texts(latest)
    assert _texts(latest).count("A story") == 3
    driver.submit(workspace, people.chen, latest, fill(latest, {SEARCH_FIELD: "volcano"}))
    assert "No story in Testing matches “volcano”." in _texts(workspace.views(people.chen)[-1])


def test_search_in_french(driver, workspace, open_home, people, acme):
    """bruno's search modal and its answer are in French."""
    home = open_home(people.bruno)
    _click(driver, workspace, people.bruno, HOME_SEARCH, str(acme.design), home)
    modal = workspace.views(people.bruno)[-1]
    assert modal["title"]["text"] == "Chercher des histoires"
    driver.submit(workspace, people.bruno, modal, fill(modal, {}))
    answer = _texts(workspace.views(people.bruno)[-1])
    assert "Aucune histoire n'a encore été partagée dans Design." in answer


def test_editing_the_profile_redraws_the_home(driver, workspace, open_home, people, acme):
    """chen's Edit my profile opens his profile pre-filled; saving it shows the new team on his Home."""
    home = open_home(people.chen)
    assert "Your profile: Practising · team Quality" in _texts(home)
    _click(driver, workspace, people.chen, JOIN_BUTTON, str(acme.testing), home)
    modal = workspace.views(people.chen)[-1]
    assert modal["title"]["text"] == "Update your profile"
    assert driver.submit(workspace, people.chen, modal, fill(modal, {"team": "Mobile"})).json is None
    assert "Your profile: Practising · team Mobile" in _texts(workspace.home_view(people.chen))


def _in_many(session_factory, workspace, user: str, count: int, prefix: str = "Community") -> list[int]:
    with session_factory() as session, session.begin():
        ids = []
        for n in range(count):
            community = make_community(
                session,
                team_id=workspace.team_id,
                channel_id=f"C0{prefix[:4].upper()}{n:03d}",
                created_by=user,
                name=f"{prefix} {n:02d} " + "n" * 60,
                slug=f"{prefix.lower()}-{n:02d}",
                purpose="p" * 1000,
            )
            make_member(session, community, user, role=Role.ORGANISER)
            ids.append(community.id)
        return ids


@pytest.mark.parametrize("user_name", ["alice", "bruno"])
def test_someone_in_thirty_communities_gets_a_home_slack_accepts(
    user_name, open_home, people, workspace, session_factory, sandbox
):
    """30 communities organised, 20 more to join: views.publish passes Slack's checks, English and French."""
    user = getattr(people, user_name)
    _in_many(session_factory, workspace, user, 30)
    _in_many(session_factory, workspace, people.dana, 20, prefix="Other")
    view = open_home(user)
    [publish] = sandbox.calls("views.publish")
    assert publish.response["ok"] is True
    assert len(view["blocks"]) <= 100
    shows = [b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == HOME_SHOW]
    assert len(shows) == 25


def test_opening_a_folded_community_draws_it_in_full_first(
    driver, open_home, people, workspace, session_factory
):
    """A folded community's Open redraws the Home with that one first, in full."""
    ids = _in_many(session_factory, workspace, people.chen, 7)
    home = open_home(people.chen)
    assert "Community 06" not in _texts(home).split("Your other communities")[0]
    _click(driver, workspace, people.chen, HOME_SHOW, str(ids[6]), home)
    redrawn = workspace.home_view(people.chen)
    assert redrawn["blocks"][3]["text"]["text"].startswith("*Community 06")


def test_what_needs_attention_is_on_the_organisers_home(open_home, people, acme, session_factory, clock):
    """A refused post in a lost channel and a prompt that drew nothing show on alice's Home, not chen's."""
    now = clock.now()
    with session_factory() as session, session.begin():
        testing = session.get(Community, acme.testing)
        session.add(
            Delivery(
                team_id=testing.team_id,
                work_key="prompt:lost",
                kind="prompt.post",
                payload={},
                community_id=testing.id,
                channel_id=testing.channel_id,
                status=DeliveryStatus.FAILED,
                due_at=now - timedelta(days=1),
                expires_at=now,
                attempts=1,
                last_error="is_archived",
                created_at=now - timedelta(days=1),
                updated_at=now - timedelta(days=1),
            )
        )
        session.add(
            PromptPost(
                team_id=testing.team_id,
                community_id=testing.id,
                prompt_key="k1",
                theme="t",
                language="en",
                slot_at=FEB_20,
                created_at=FEB_20,
                posted_at=FEB_20,
                channel_id=testing.channel_id,
            )
        )
    words = _texts(open_home(people.alice))
    assert (
        ":warning: Needs attention: copbot can no longer post in the channel (Slack says `is_archived`)"
        in words
    )
    assert "1 message could not be delivered in the last 30 days; 1 prompt drew no story" in words
    assert "Needs attention" not in _texts(open_home(people.chen))


def _join_section(blocks: list[dict], community_id: int) -> dict:
    return next(b for b in blocks if b.get("accessory", {}).get("value") == str(community_id))


def _join_from(driver, workspace, user: str, message: dict, community_id: int) -> None:
    """Click the Join of `community_id` in an ephemeral `message`, then submit the join form."""
    block = _join_section(message["blocks"], community_id)
    driver.action(
        workspace, user, JOIN_BUTTON, value=str(community_id), block_id=block["block_id"], message=message
    )
    form = workspace.views(user)[-1]
    answer = driver.submit(workspace, user, form, fill(form, {"experience": "new", "team": "Mobile"}))
    assert answer.json is None


@pytest.mark.parametrize(("user_name", "joined"), [("dana", "Joined ✓"), ("bruno", "Rejoint ✓")])
def test_joining_from_the_list_marks_it_joined(user_name, joined, driver, workspace, people, acme):
    """After joining Review from `/cop list`, that list shows "Joined ✓" in place of Review's Join button."""
    user = getattr(people, user_name)
    listing = driver.command(workspace, user, text="list").json
    message = {"channel": workspace.open_dm(user), "message_ts": "1772442000.000200", **listing}
    _join_from(driver, workspace, user, message, acme.review)
    replaced = workspace.responses(user)[-1]
    assert replaced["replace_original"] is True
    joins = [b["accessory"]["value"] for b in replaced["blocks"] if b.get("accessory")]
    assert str(acme.review) not in joins
    assert str(acme.testing) in joins
    assert f"*{joined}* · 1" in _texts(replaced)


def test_joining_from_the_channel_offer_says_joined(driver, workspace, people, acme, session_factory):
    """dana joins Testing's channel directly, then joins from the offer: the offer becomes "Joined ✓"."""
    with session_factory() as session:
        channel = session.get(Community, acme.testing).channel_id
    workspace.join_channel(channel, people.dana)
    driver.event(workspace, {"type": "member_joined_channel", "user": people.dana, "channel": channel})
    [offer] = workspace.ephemerals(people.dana)
    _join_from(driver, workspace, people.dana, offer, acme.testing)
    replaced = workspace.responses(people.dana)[-1]
    assert replaced["replace_original"] is True
    assert replaced["blocks"][0]["text"]["text"] == "*Joined ✓* You are a member of *Testing*."


def test_creating_and_editing_from_the_home_redraws_it(driver, workspace, open_home, people, acme):
    """alice creates Mobile from Create, then edits Testing from Edit: each time her Home shows the change."""
    home = open_home(people.alice)
    _click(driver, workspace, people.alice, HOME_CREATE, "create", home)
    form = workspace.views(people.alice)[-1]
    answers = {"name": "Mobile", "purpose": "Ship apps", "audience": "App people", "new_channel": "mobile"}
    assert driver.submit(workspace, people.alice, form, fill(form, answers)).json is None
    assert "*Mobile*\\nShip apps" in _texts(workspace.home_view(people.alice))
    _click(driver, workspace, people.alice, HOME_EDIT, str(acme.testing), workspace.home_view(people.alice))
    form = workspace.views(people.alice)[-1]
    assert driver.submit(workspace, people.alice, form, fill(form, {"purpose": "Test better"})).json is None
    assert "*Testing*\\nTest better" in _texts(workspace.home_view(people.alice))


@pytest.mark.parametrize(
    ("user_name", "said"), [("chen", "· you might go"), ("bruno", "· vous irez peut-être")]
)
def test_an_answer_from_the_home_shows_beside_the_next_session(
    user_name, said, driver, workspace, open_home, people, acme
):
    """Maybe on the Home is kept, and the Home drawn again says so beside the next session."""
    user = getattr(people, user_name)
    home = open_home(user)
    assert said not in _texts(home)
    ref = next(
        e["value"] for b in home["blocks"] for e in b.get("elements", []) if e.get("action_id") == RSVP_MAYBE
    )
    _click(driver, workspace, user, RSVP_MAYBE, ref, home)
    assert said in _texts(workspace.home_view(user))


@pytest.mark.parametrize(
    ("user_name", "community", "resume", "note"),
    [
        ("alice", "testing", "Resume the community", "_Paused: no prompts"),
        ("bruno", "design", "Reprendre", "_En pause : "),
    ],
)
def test_pause_from_the_home_turns_into_resume(
    user_name, community, resume, note, driver, workspace, open_home, people, acme
):
    """An organiser's Pause (the community-life handler) redraws the Home with Resume and a paused note."""
    user, community_id = getattr(people, user_name), str(getattr(acme, community))
    _click(driver, workspace, user, COMMUNITY_PAUSE_ACTION, community_id, open_home(user))
    paused = workspace.home_view(user)
    assert note in _texts(paused)
    buttons = [e for b in paused["blocks"] for e in b.get("elements", []) if e.get("value") == community_id]
    assert (COMMUNITY_RESUME_ACTION, resume) in [(e["action_id"], e["text"]["text"]) for e in buttons]
    _click(driver, workspace, user, COMMUNITY_RESUME_ACTION, community_id, paused)
    assert note not in _texts(workspace.home_view(user))
