"""The App Home tab end to end: published on app_home_opened, in the person's language and time zone."""

from __future__ import annotations

import json

import pytest
from factories import make_community
from sqlalchemy import select

from copbot.sandbox import payloads
from copbot.slack.ids import (
    COMMUNITY_ARCHIVE_ACTION,
    COMMUNITY_DELETE_ACTION,
    COMMUNITY_PAUSE_ACTION,
    HOME_CREATE,
    HOME_EDIT,
    HOME_HELP,
    HOME_PLAN_SESSION,
    HOME_PROMPTS,
    HOME_SEARCH,
    HOME_STATS,
    JOIN_BUTTON,
    JOIN_VIEW,
    LEAVE_BUTTON,
    LEAVE_VIEW,
    PAIR_EVERY_OTHER,
    PAIR_PAUSE,
    PAIR_PREFERENCES,
    RSVP_CANT,
    RSVP_GOING,
    RSVP_MAYBE,
    SHARE_BUTTON,
)
from copbot.store.models import Member


def _buttons(view) -> list[tuple[str, str, str]]:
    """The buttons of the person's communities (the top Create and Help left out)."""
    elements = [
        e for b in view["blocks"] for e in [*b.get("elements", []), b.get("accessory")] if isinstance(e, dict)
    ]
    found = [(e["action_id"], e["value"], e["text"]["text"]) for e in elements if e.get("type") == "button"]
    return [button for button in found if button[0] not in {HOME_CREATE, HOME_HELP}]


def test_organiser_sees_their_community_health_and_the_others(open_home, people, acme, home_words):
    """alice, organiser of Testing, sees its next session in Paris time, its health, and others to join."""
    view = open_home(people.alice)
    assert view["type"] == "home"
    words = home_words(view)
    assert words.splitlines()[:4] == [
        "Communities of practice",
        "Create a community",
        "Help",
        "Your communities",
    ]
    assert (
        "*Testing*\nGet better at testing together\nNext session: *Exploratory testing dojo*, "
        "<!date^1773075600^{date_long_pretty} {time}|Monday, 9 March 2026 at 18:00>" in words
    )
    assert "Your profile: Practising · team Quality · exploratory" in words
    assert "*Latest stories*\n• A story · <!date^1772366400^{date_short}|2026-03-01>" in words
    assert (
        "Community health, last 30 days: 3 members · 1 active · 3 joined · 2 stories shared · 1 left"
    ) in words
    assert "Other communities" in words
    assert "*Design* (`design`)\nConcevoir &lt;mieux&gt; &amp; ensemble" in words
    dojo = next(value for action, value, _ in _buttons(view) if action == RSVP_GOING)
    assert dojo.endswith(":2026-03-09")
    assert _buttons(view) == [
        (RSVP_GOING, dojo, "Going"),
        (RSVP_MAYBE, dojo, "Maybe"),
        (RSVP_CANT, dojo, "Can't go"),
        (SHARE_BUTTON, str(acme.testing), "Share a story"),
        (HOME_SEARCH, str(acme.testing), "Search stories"),
        (JOIN_BUTTON, str(acme.testing), "Edit my profile"),
        (PAIR_PAUSE, str(acme.testing), "Pause introductions"),
        (PAIR_EVERY_OTHER, str(acme.testing), "Every other round only"),
        (PAIR_PREFERENCES, str(acme.testing), "Introductions…"),
        (LEAVE_BUTTON, str(acme.testing), "Leave"),
        (HOME_EDIT, str(acme.testing), "Edit"),
        (HOME_PLAN_SESSION, str(acme.testing), "Plan a session"),
        (HOME_PROMPTS, str(acme.testing), "Prompts"),
        (HOME_STATS, str(acme.testing), "Stats"),
        (COMMUNITY_PAUSE_ACTION, str(acme.testing), "Pause the community"),
        (COMMUNITY_ARCHIVE_ACTION, str(acme.testing), "Archive"),
        (COMMUNITY_DELETE_ACTION, str(acme.testing), "Delete"),
        (JOIN_BUTTON, str(acme.design), "Join"),
        (JOIN_BUTTON, str(acme.review), "Join"),
    ]


def test_member_sees_times_in_their_own_zone_and_no_health(open_home, people, acme, home_words):
    """chen, in New York, sees the session at 1 PM local time (after the DST change), and no health line."""
    words = home_words(open_home(people.chen))
    assert "{time}|Monday, March 9, 2026 at 1:00\u202fPM>" in words  # the fallback; CLDR's narrow space
    assert "Community health" not in words


def test_french_home_for_bruno(open_home, people, acme, home_words):
    """bruno's Home is in French: his two communities, Paris time, and health only where he organises."""
    view = open_home(people.bruno)
    words = home_words(view)
    assert words.splitlines()[:4] == [
        "Communautés de pratique",
        "Créer une communauté",
        "Aide",
        "Vos communautés",
    ]
    assert (
        "Prochaine séance : *Exploratory testing dojo*, "
        "<!date^1773075600^{date_long_pretty} {time}|lundi 9 mars 2026 à 18:00>" in words
    )
    assert "*Design*\nConcevoir &lt;mieux&gt; &amp; ensemble\nAucune séance prévue pour l'instant." in words
    assert (
        "Santé de la communauté sur les 30 derniers jours : "
        "1 membre · 0 actif · 1 arrivée · 0 histoire partagée · 0 départ" in words
    )
    assert words.count("Santé de la communauté") == 1
    assert "Autres communautés" in words
    rsvp = ["J'y vais", "Peut-être", "Je ne peux pas"]
    pause, fewer, more = "Mettre les présentations en pause", "Un tour sur deux seulement", "Présentations…"
    mine = [
        "Partager une histoire",
        "Chercher des histoires",
        "Modifier mon profil",
        pause,
        fewer,
        more,
        "Quitter",
    ]
    organise = [
        "Modifier",
        "Prévoir une séance",
        "Invitations",
        "Statistiques",
        "Mettre en pause",
        "Archiver",
        "Supprimer",
    ]
    testing = [*rsvp, *mine]
    assert [text for _, _, text in _buttons(view)] == [*mine, *organise, *testing, "Rejoindre"]


def test_join_and_leave_buttons_open_the_membership_modals(driver, open_home, workspace, people, acme):
    """The Home's Join and Leave buttons carry the community id the membership modals expect."""
    home = open_home(people.chen)
    driver.action(workspace, people.chen, JOIN_BUTTON, value=str(acme.review), view=home)
    driver.action(workspace, people.chen, LEAVE_BUTTON, value=str(acme.testing), view=home)
    assert [view["callback_id"] for view in workspace.views(people.chen)] == [JOIN_VIEW, LEAVE_VIEW]


def test_someone_who_left_sees_the_community_among_the_others(open_home, people, acme):
    """dana left Testing: it is offered to join again, with no Share or Leave button."""
    assert _buttons(open_home(people.dana)) == [
        (JOIN_BUTTON, str(acme.design), "Join"),
        (JOIN_BUTTON, str(acme.review), "Join"),
        (JOIN_BUTTON, str(acme.testing), "Join"),
    ]


def test_someone_in_no_community_is_invited_to_join(open_home, people, acme, home_words):
    """A person in no community is told so, above the communities they can join."""
    words = home_words(open_home(people.dana))
    assert "You are not in a community yet: join one below to take part." in words
    assert "Your communities" not in words


def test_empty_workspace_explains_and_points_to_create(open_home, people, home_words):
    """With no community at all, the Home explains what one is and how to start one, in French for bruno."""
    assert "Start one with `/cop create`." in home_words(open_home(people.chen))
    assert "Créez-en une avec `/cop create`." in home_words(open_home(people.bruno))


def test_messages_tab_publishes_nothing(open_home, sandbox, people, acme):
    """Opening the Messages tab sends the same event; copbot leaves the Home alone."""
    assert open_home(people.alice, tab="messages") is None
    assert sandbox.calls("views.publish") == []


def test_a_retried_event_publishes_once(open_home, sandbox, people, acme):
    """Slack's redelivery of the same event (X-Slack-Retry-Num, same event_id) does not publish again."""
    open_home(people.alice, event_id="Ev0HOME0001")
    open_home(people.alice, event_id="Ev0HOME0001", retry_num=1)
    assert len(sandbox.calls("views.publish")) == 1
    open_home(people.alice, event_id="Ev0HOME0002")
    assert len(sandbox.calls("views.publish")) == 2


def test_home_is_fresh_each_time(open_home, people, acme, session_factory, home_words):
    """After leaving a community, the next opening of the tab shows it among the others."""
    assert "Share a story" in home_words(open_home(people.chen))
    with session_factory() as session, session.begin():
        member = session.scalars(select(Member).where(Member.user_id == people.chen)).one()
        member.left_at = member.joined_at
    assert "Share a story" not in home_words(open_home(people.chen))


def test_another_workspace_never_sees_acmes_communities(
    multi_driver, open_home, workspace, other_workspace, people, acme, session_factory, home_words
):
    """Over OAuth, olga's Home shows Beta's Testing and none of Acme's; Acme's Homes show none of Beta's."""
    olga = other_workspace.add_user(name="olga-h", real_name="Olga H", locale="en-GB")
    with session_factory() as session, session.begin():
        beta = make_community(
            session,
            team_id=other_workspace.team_id,
            channel_id="C0BETA",
            created_by=olga,
            purpose="Beta's own",
        )
        beta_id = beta.id
    view = open_home(olga, ws=other_workspace, via=multi_driver)
    assert _buttons(view) == [(JOIN_BUTTON, str(beta_id), "Join")]
    assert "Beta's own" in home_words(view)
    alice_view = open_home(people.alice, via=multi_driver)
    assert str(beta_id) not in [value for _, value, _ in _buttons(alice_view)]
    assert "Beta's own" not in home_words(alice_view)


@pytest.mark.parametrize(
    ("case", "kwargs"),
    [
        ("forged signature", {"signature": "v0=" + "0" * 64}),
        ("stale timestamp", {"age": 600}),
    ],
)
def test_forged_or_stale_events_are_refused(driver, sandbox, workspace, people, acme, case, kwargs):
    """An app_home_opened with a bad signature gets 401 and publishes nothing."""
    event = {"type": "app_home_opened", "user": people.alice, "channel": "D0HOME", "tab": "home"}
    body = json.dumps(payloads.event_callback(workspace, event, None)).encode()
    assert driver.post(body, "application/json", **kwargs).status == 401, case
    assert sandbox.calls("views.publish") == []
