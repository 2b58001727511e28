"""Rounds over real HTTP: `/cop pair now`, the Slack check, introductions, answers, follow-ups and the end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_member, make_story
from pairing_support import texts
from sqlalchemy import select

from copbot.domain.enums import ActivityKind, PairingOutcome, Role
from copbot.domain.pairing import inputs_from_json, plan_round
from copbot.services import pairing
from copbot.slack import ids
from copbot.store.models import Activity, Community, Delivery, Member, PairingGroup, PairingGroupMember

ORGANISER_TOLD = pairing.TOO_FEW


def test_pair_now_introduces_everyone_in_group_conversations(rounds, workspace, people, testing, sandbox):
    """Four members make two pairs; each pair gets one introduction in its own group DM, with the buttons."""
    rounds.now(people.alice)
    assert sorted(user for group in rounds.groups() for user in group) == sorted(
        [people.alice, people.bruno, people.chen, people.dana]
    )
    assert [len(group) for group in rounds.groups()] == [2, 2]
    assert len(sandbox.calls("conversations.open")) == 2
    for user in (people.alice, people.bruno, people.chen, people.dana):
        [(_, intro)] = rounds.group_messages(user)
        shown = texts(intro)
        assert "*Why you:*" in shown
        assert "would you propose a time" in shown
        buttons = [e["action_id"] for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]]
        assert buttons == [ids.PAIR_MET, ids.PAIR_NOT_YET, ids.PAIR_CANT]


def test_the_intro_says_who_each_is_and_who_proposes(rounds, people, testing, session_factory):
    """Each person's experience, team and interests; exactly one of the group is asked to propose a time."""
    rounds.now(people.alice)
    [(_, intro)] = rounds.group_messages(people.chen)
    shown = texts(intro)
    assert "team Data" in shown
    assert "into exploratory, sql" in shown
    with session_factory() as session:
        group = session.scalar(select(PairingGroup).where(PairingGroup.intro_ts == intro["ts"]))
        proposer = session.get(Member, group.proposer_member_id)
    assert shown.count("would you propose a time") == 1
    assert f"<@{proposer.user_id}>, would you propose a time" in shown


def test_each_person_is_read_from_slack_once_per_round(rounds, people, testing, sandbox):
    """users.info once for each candidate, in the sender, not in the request."""
    before = len(sandbox.calls("users.info"))
    rounds.now(people.alice)
    asked = [call.args.get("user") for call in sandbox.calls("users.info")[before:]]
    for user in (people.bruno, people.chen, people.dana):
        assert asked.count(user) == 1


def test_the_channel_hears_of_the_round_without_names(rounds, workspace, people, testing):
    """The channel post counts the groups and says how to pause; it names nobody."""
    rounds.now(people.alice)
    [post] = workspace.messages(testing.channel)
    shown = texts(post)
    assert "A new round of introductions: 2 groups." in shown
    assert "Not for you? `/cop pair pause` stops them" in shown
    assert "/cop pair status" not in shown
    assert "<@" not in shown


def test_the_round_keeps_its_seed_and_inputs_and_replays_the_same(rounds, people, testing, session_factory):
    """Replaying a stored round from its seed and inputs gives the groups it stored."""
    rounds.now(people.alice)
    [stored] = rounds.rounds()
    replayed = plan_round(inputs_from_json(stored.inputs))
    assert stored.inputs["seed"] == stored.seed
    with session_factory() as session:
        query = select(PairingGroupMember.group_id, PairingGroupMember.member_id)
        by_group: dict[int, list[int]] = {}
        for group_id, member_id in session.execute(query):
            by_group.setdefault(group_id, []).append(member_id)
    assert sorted(tuple(sorted(ids_)) for ids_ in by_group.values()) == [g.members for g in replayed.groups]


def test_away_and_deactivated_people_are_left_out(rounds, workspace, people, testing, session_factory):
    """A 🌴 emoji or "congés" in the status, or a deactivated account, keeps the person out of this round."""
    with session_factory() as session, session.begin():
        make_member(session, session.get(Community, testing.id), people.deleted)
    workspace.set_status(people.chen, emoji=":palm_tree:")
    workspace.set_status(people.dana, text="En congés jusqu'au 12")
    rounds.now(people.alice)
    assert rounds.groups() == [sorted([people.alice, people.bruno])]
    assert rounds.group_messages(people.chen) == []


def test_too_few_around_tells_the_organisers_why_and_stores_nothing(rounds, workspace, people, testing):
    """With only one member around, no round is stored and alice learns who was left out, by reason."""
    for user in (people.bruno, people.chen):
        workspace.set_status(user, emoji=":palm_tree:", text="Vacation")
    rounds.say(people.dana, "pause")
    rounds.now(people.alice)
    assert rounds.rounds() == []
    shown = texts(workspace.dm_messages(people.alice)[-1])
    assert "No introductions in *Testing* this round" in shown
    assert "• away, by their Slack status: 2\n• paused: 1" in shown
    assert "avoid" not in shown


def test_pair_now_with_fewer_than_two_eligible_is_refused_and_nothing_is_asked(
    rounds, people, testing, session_factory
):
    """When the store rules out all but one, the organiser is told at once why, and nothing is queued."""
    with session_factory() as session, session.begin():
        for member in session.scalars(select(Member).where(Member.user_id.in_([people.chen, people.dana]))):
            member.pairing_opt_in = False
    rounds.say(people.bruno, "pause")
    answer = rounds.say(people.alice, "now testing")
    assert answer == (
        "No round: in *Testing*, 1 member(s) can be introduced now; two are needed.\n"
        "Left out:\n• not taking part in introductions: 2\n• paused: 1"
    )
    assert rounds.deliveries(pairing.ROUND_START) == []


def test_pair_now_is_for_organisers_only(rounds, people, testing):
    """A member who does not organise is refused, in their language; nothing is asked for."""
    assert rounds.say(people.chen, "now testing") == "Only the organisers of *Testing* can start a round."
    french = rounds.say(people.bruno, "now testing")
    assert french == "Seuls les organisateurs de *Testing* peuvent lancer un tour."
    assert rounds.deliveries(pairing.ROUND_START) == []


def test_we_met_asks_what_they_learned_and_keeps_it_with_consent(
    rounds, driver, workspace, people, testing, session_factory
):
    """'We met' records the meeting and opens one optional question; the answer is kept with the consent."""
    rounds.now(people.alice)
    rounds.click(people.chen, ids.PAIR_MET)
    [modal] = [
        view for view in workspace.views(people.chen) if view.get("callback_id") == ids.PAIR_LEARNED_VIEW
    ]
    values = {
        "learned": {"learned_input": {"type": "plain_text_input", "value": "Pairing on SQL reviews"}},
        "learned_share": {
            "learned_share_input": {"type": "checkboxes", "selected_options": [{"value": "share"}]}
        },
    }
    assert driver.submit(workspace, people.chen, modal, values).ok
    with session_factory() as session:
        link = session.scalar(select(PairingGroupMember).join(Member).where(Member.user_id == people.chen))
        group = session.get(PairingGroup, link.group_id)
        met = session.scalars(select(Activity).where(Activity.kind == ActivityKind.PAIR_MET)).all()
    assert (link.learned, link.learned_shared) == ("Pairing on SQL reviews", True)
    assert group.outcome is PairingOutcome.MET
    assert sorted(activity.user_id for activity in met) == sorted(_group_of(session_factory, people.chen))


def test_someone_outside_the_group_cannot_answer_for_it(rounds, driver, workspace, people, testing):
    """A click by someone not in the group changes nothing and says why."""
    rounds.now(people.alice)
    [(channel_id, intro)] = rounds.group_messages(people.chen)
    partner = next(
        u for u in workspace.channel(channel_id)["members"] if u not in (people.chen, workspace.bot_user_id)
    )
    outsider = next(u for u in (people.alice, people.bruno, people.dana) if u != partner)
    driver.action(workspace, outsider, ids.PAIR_MET, message=intro, channel_id=channel_id)
    [answer] = workspace.responses(outsider)
    assert "Only the people introduced can answer for this group." in str(answer)
    assert rounds.outcomes() == [PairingOutcome.PENDING, PairingOutcome.PENDING]


def test_follow_up_goes_once_to_groups_that_have_not_answered(rounds, clock, people, testing):
    """Near the round's end, only the group without an answer is asked, and only once."""
    rounds.now(people.alice)
    rounds.click(people.chen, ids.PAIR_NOT_YET)
    rounds.click(people.chen, ids.PAIR_MET)
    clock.advance(days=5, hours=1)
    rounds.tick()
    rounds.tick()
    [answered, silent] = sorted(rounds.groups(), key=lambda group: people.chen not in group)
    assert people.chen in answered
    for user in answered:
        assert [texts(m) for _, m in rounds.group_messages(user) if "This round ends soon" in texts(m)] == []
    for user in silent:
        follow_ups = [m for _, m in rounds.group_messages(user) if "This round ends soon" in texts(m)]
        assert len(follow_ups) == 1


def test_the_round_ends_with_one_line_on_how_many_met(rounds, clock, workspace, people, testing):
    """At the end the channel learns how many groups met, with no names."""
    rounds.now(people.alice)
    rounds.click(people.chen, ids.PAIR_MET)
    clock.advance(weeks=1, minutes=1)
    rounds.tick()
    last = texts(workspace.messages(testing.channel)[-1])
    assert "Last round of introductions: 1 of 2 groups met." in last
    assert "<@" not in last


def test_three_ignored_rounds_pause_kindly_with_one_click_resume(
    rounds, clock, driver, workspace, people, testing, session_factory
):
    """Three rounds with no answer pause the member with a kind DM; its button resumes them."""
    for _ in range(3):
        rounds.now(people.alice)
        clock.advance(weeks=1, minutes=1)
        rounds.tick()
    [paused_dm] = [m for m in workspace.dm_messages(people.dana) if "paused them" in texts(m)]
    with session_factory() as session:
        dana = session.scalar(select(Member).where(Member.user_id == people.dana))
        assert dana.pairing_paused_at is not None
    response = driver.action(
        workspace,
        people.dana,
        ids.PAIR_RESUME,
        message=paused_dm,
        channel_id=workspace.dm_channel(people.dana),
    )
    assert response.ok
    with session_factory() as session:
        dana = session.scalar(select(Member).where(Member.user_id == people.dana))
        assert (dana.pairing_paused_at, dana.pairing_ignored_rounds) == (None, 0)


def test_the_loop_starts_a_round_on_the_rhythm_once(rounds, people, testing, session_factory):
    """Weekly on Mondays: the tick at the slot asks for one round, and a second tick adds nothing."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).pairing_every_weeks = 1
    rounds.tick()
    rounds.tick()
    rounds.tick()
    assert len(rounds.deliveries(pairing.ROUND_START)) == 1
    assert len(rounds.rounds()) == 1
    assert rounds.rounds()[0].requested_by is None


def test_a_recent_story_is_the_starter_when_no_interest_is_shared(
    rounds, people, testing, session_factory, clock
):
    """Without a shared interest, a story one of them shared lately starts the conversation."""
    with session_factory() as session, session.begin():
        community = session.get(Community, testing.id)
        for member in session.scalars(select(Member)):
            member.interests = []
        for user in (people.alice, people.bruno, people.chen, people.dana):
            make_story(
                session, community, user, title=f"Story of {user}", created_at=clock.now() - timedelta(days=3)
            )
    rounds.now(people.alice)
    [(_, intro)] = rounds.group_messages(people.chen)
    assert "recently shared “Story of" in texts(intro)


def test_a_round_by_hand_stands_in_for_the_planned_one_of_its_period(
    rounds, clock, people, testing, session_factory
):
    """After a `pair now` on Sunday, Monday's planned round is skipped; the next week's goes ahead."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).pairing_every_weeks = 1
    clock.advance(days=-1)
    rounds.now(people.alice)
    clock.advance(days=1)
    rounds.tick()
    assert len(rounds.rounds()) == 1
    clock.advance(weeks=1)
    rounds.tick()
    assert len(rounds.rounds()) == 2


def test_someone_no_group_can_take_is_told_without_naming_anyone(rounds, workspace, people, testing):
    """Everyone avoids bruno: the others meet in a trio, and bruno learns he has no group, not why."""
    for user in (people.alice, people.chen, people.dana):
        rounds.say(user, f"avoid <@{people.bruno}>")
    rounds.now(people.alice)
    assert rounds.groups() == [sorted([people.alice, people.chen, people.dana])]
    [note] = workspace.dm_messages(people.bruno)
    assert texts(note).startswith("Pas de présentation pour vous dans *Testing* ce tour-ci")
    assert "évit" not in texts(note)


def test_a_large_community_is_read_with_users_list(rounds, workspace, people, testing, sandbox, monkeypatch):
    """From LIST_FROM candidates on, one users.list replaces a users.info per person; away still counts."""
    monkeypatch.setattr("copbot.slack.kinds.pairing.LIST_FROM", 3)
    workspace.set_status(people.dana, emoji=":palm_tree:")
    before = len(sandbox.calls("users.info"))
    rounds.now(people.alice)
    assert sandbox.calls("users.list")
    assert [call.args.get("user") for call in sandbox.calls("users.info")[before:]].count(people.chen) == 0
    assert sorted(user for group in rounds.groups() for user in group) == sorted(
        [people.alice, people.bruno, people.chen]
    )


def test_pair_now_refusal_writes_the_end_as_a_date_token_in_french(
    rounds, clock, people, testing, session_factory
):
    """Bruno organises too and reads French: the running round's last day is a token, French as fallback."""
    with session_factory() as session, session.begin():
        bruno = session.scalars(select(Member).where(Member.user_id == people.bruno)).one()
        bruno.role = Role.ORGANISER
    rounds.now(people.alice)
    clock.advance(days=2)
    assert rounds.say(people.bruno, "now") == (
        "Un tour de *Testing* est encore en cours : il se termine le "
        "<!date^1773054000^{date_long_pretty}|9 mars 2026>."
    )


def test_pair_now_finds_the_one_community_an_organiser_runs(rounds, people, testing):
    """Without a name, the organiser's only community is used."""
    assert rounds.say(people.alice, "now").startswith("Starting a round in *Testing* among 4 members")
    assert len(rounds.deliveries(pairing.ROUND_START)) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now nosuch", "There is no community called “nosuch” here."),
        ("now", "Which community? `/cop pair now <community>`"),
    ],
)
def test_pair_now_needs_a_community_it_can_find(rounds, people, testing, text, expected):
    """An unknown name, or none from someone who organises nothing, is explained; nothing is asked for."""
    assert expected in rounds.say(people.chen, text)
    assert rounds.deliveries(pairing.ROUND_START) == []


def test_a_planned_round_with_too_few_tells_the_organisers_once(
    rounds, workspace, people, testing, session_factory
):
    """On the rhythm, a slot with fewer than two members tells alice once, however many ticks follow."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).pairing_every_weeks = 1
        for member in session.scalars(select(Member).where(Member.user_id != people.alice)):
            member.pairing_opt_in = False
    for _ in range(3):
        rounds.tick()
    assert len(rounds.deliveries(pairing.TOO_FEW)) == 1
    assert rounds.rounds() == []
    shown = texts(workspace.dm_messages(people.alice)[-1])
    assert "not taking part in introductions: 3" in shown


def _pairs(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for group in groups for a in group for b in group if a < b}


def test_rounds_meet_new_people_until_everyone_has_met(rounds, clock, people, testing):
    """The store's history reaches the matching: three rounds of four people make all six pairs once."""
    met: list[frozenset[str]] = []
    for _ in range(3):
        rounds.now(people.alice)
        met += _pairs(rounds.groups())
        clock.advance(weeks=1, minutes=5)
    assert len(met) == len(set(met)) == 6


def test_an_odd_count_makes_one_trio_with_a_different_third_next_round(
    rounds, clock, workspace, people, testing, session_factory
):
    """Five members make a pair and a trio; the trio's third member is someone else next round."""
    eve = workspace.add_user(name="eve", real_name="Eve Noor", tz="Asia/Tokyo")
    with session_factory() as session, session.begin():
        make_member(session, session.get(Community, testing.id), eve, team_name="Data")
    extras = []
    for _ in range(2):
        rounds.now(people.alice)
        assert sorted(len(group) for group in rounds.groups()) == [2, 3]
        with session_factory() as session:
            latest = max(r.id for r in rounds.rounds())
            [extra] = session.scalars(
                select(PairingGroup.extra_member_id).where(
                    PairingGroup.round_id == latest, PairingGroup.extra_member_id.is_not(None)
                )
            )
            extras.append(extra)
        clock.advance(weeks=1, minutes=5)
    assert extras[0] != extras[1]


def test_who_proposes_a_time_takes_turns(rounds, clock, people, testing, session_factory):
    """Three rounds of four: each group's proposer is the one asked least recently; all four get a turn."""
    last_asked: dict[int, int] = {}  # member id → the round they last proposed in
    for number in range(3):
        rounds.now(people.alice)
        latest = max(r.id for r in rounds.rounds())
        with session_factory() as session:
            groups = session.scalars(select(PairingGroup).where(PairingGroup.round_id == latest)).all()
            members = {
                g.proposer_member_id: list(
                    session.scalars(
                        select(PairingGroupMember.member_id).where(PairingGroupMember.group_id == g.id)
                    )
                )
                for g in groups
            }
        for proposer, in_group in members.items():
            assert last_asked.get(proposer, -1) == min(last_asked.get(m, -1) for m in in_group)
        last_asked |= dict.fromkeys(members, number)
        clock.advance(weeks=1, minutes=5)
    assert len(last_asked) == 4


def test_pair_now_waits_for_the_running_round_to_end(rounds, clock, people, testing):
    """A second `pair now` while a round runs is refused with its end date; after the end it goes ahead."""
    rounds.now(people.alice)
    clock.advance(days=2)
    assert rounds.say(people.alice, "now") == (
        "A round of *Testing* is still running: it ends on "
        "<!date^1773054000^{date_long_pretty}|March 9, 2026>."
    )
    assert len(rounds.deliveries(pairing.ROUND_START)) == 1
    clock.advance(days=5)
    rounds.now(people.alice)
    assert len(rounds.rounds()) == 2


def _paused(session_factory) -> set[str]:
    with session_factory() as session:
        return set(session.scalars(select(Member.user_id).where(Member.pairing_paused_at.is_not(None))))


def test_ignored_rounds_are_counted_per_person(rounds, clock, workspace, people, testing, session_factory):
    """Chen answers every introduction ("Not yet"), her partners never do: they are paused after three."""
    for _ in range(3):
        rounds.now(people.alice)
        rounds.click(people.chen, ids.PAIR_NOT_YET, message_index=-1)
        clock.advance(weeks=1, minutes=1)
        rounds.tick()
    assert _paused(session_factory) == {people.alice, people.bruno, people.dana}
    assert not [m for m in workspace.dm_messages(people.chen) if "paused them" in texts(m)]


def test_a_group_that_met_took_part_whoever_said_so(rounds, clock, people, testing, session_factory):
    """Chen says "We met" each time: her partners met her, so nobody is paused for ignoring rounds."""
    for _ in range(3):
        rounds.now(people.alice)
        rounds.click(people.chen, ids.PAIR_MET, message_index=-1)
        clock.advance(weeks=1, minutes=1)
        rounds.tick()
    assert _paused(session_factory) == set()


def test_an_introduction_that_never_went_out_was_not_ignored(
    rounds, clock, sandbox, people, testing, session_factory
):
    """Dana ignored two rounds; this round's introductions could not be sent: it does not count as a third."""
    with session_factory() as session, session.begin():
        session.scalar(select(Member).where(Member.user_id == people.dana)).pairing_ignored_rounds = 2
    sandbox.inject_fault("conversations.open", error="user_disabled", times=2)
    rounds.now(people.alice)
    assert rounds.group_messages(people.dana) == []
    clock.advance(weeks=1, minutes=1)
    rounds.tick()
    assert _paused(session_factory) == set()
    with session_factory() as session:
        dana = session.scalar(select(Member).where(Member.user_id == people.dana))
        assert dana.pairing_ignored_rounds == 2


def test_pair_now_waits_for_a_round_that_has_not_started_yet(rounds, copbot, sandbox, clock, people, testing):
    """Slack holds the first round's check back (429): a second `pair now` is refused, nothing is added."""
    rounds.say(people.alice, "now nosuch")  # the command reads alice from Slack: now she is known
    sandbox.inject_fault("users.info", status=429, retry_after=60)
    rounds.pair(people.alice, "now")
    copbot.sender.wait_idle()
    assert rounds.rounds() == []
    clock.advance(minutes=2)
    answer = rounds.say(people.alice, "now")
    assert answer.startswith("A round of *Testing* is starting: I am still checking who is around.")
    assert len(rounds.deliveries(pairing.ROUND_START)) == 1
    rounds.tick()
    assert len(rounds.rounds()) == 1


def test_the_planned_round_waits_for_one_that_has_not_started_yet(
    rounds, copbot, sandbox, clock, people, testing, session_factory
):
    """A `pair now` on Sunday is held back by a 429: Monday's planned round is not asked for beside it."""
    with session_factory() as session, session.begin():
        session.get(Community, testing.id).pairing_every_weeks = 1
    clock.advance(hours=-22)  # Sunday, late morning
    rounds.say(people.alice, "now nosuch")  # the command reads alice from Slack: now she is known
    sandbox.inject_fault("users.info", status=429, retry_after=60)
    rounds.pair(people.alice, "now")
    copbot.sender.wait_idle()
    clock.advance(hours=22)
    rounds.tick()
    rounds.tick()
    assert len(rounds.deliveries(pairing.ROUND_START)) == 1
    assert len(rounds.rounds()) == 1


@pytest.mark.parametrize("list_from", [3, 50], ids=["users.list", "users.info"])
def test_reading_slack_goes_on_where_a_rate_limit_stopped_it(
    rounds, copbot, sandbox, clock, people, testing, monkeypatch, list_from
):
    """Every third call answers 429: each try keeps what it read, so the round starts instead of stalling."""
    monkeypatch.setattr("copbot.slack.kinds.pairing.LIST_FROM", list_from)
    monkeypatch.setattr("copbot.slack.kinds.pairing.PAGE", 1)  # one person a page: many pages
    rounds.say(people.alice, "now nosuch")  # the command reads alice from Slack: now she is known
    sandbox.rate_limit_every(3, retry_after=1)
    rounds.pair(people.alice, "now")
    copbot.sender.wait_idle()
    for _ in range(40):
        if rounds.rounds():
            break
        clock.advance(seconds=2)
        rounds.tick()
    sandbox.rate_limit_every(None)
    assert len(rounds.rounds()) == 1
    assert sorted(user for group in rounds.groups() for user in group) == sorted(
        [people.alice, people.bruno, people.chen, people.dana]
    )


def test_someone_the_kept_list_read_missed_is_read_on_their_own(
    rounds, copbot, sandbox, clock, people, testing, session_factory, monkeypatch
):
    """A list kept from an earlier try lacks dana (a candidate since): she is read with users.info."""
    monkeypatch.setattr("copbot.slack.kinds.pairing.LIST_FROM", 3)
    rounds.say(people.alice, "now nosuch")  # the command reads alice from Slack: now she is known
    sandbox.inject_fault("users.list", status=429, retry_after=1)
    rounds.pair(people.alice, "now")
    copbot.sender.wait_idle()
    with session_factory() as session, session.begin():
        [start] = session.scalars(select(Delivery).where(Delivery.kind == pairing.ROUND_START))
        listed = {user: ["", "Europe/Paris"] for user in (people.alice, people.bruno, people.chen)}
        start.payload = {**start.payload, "progress": {"listed": True, "cursor": None, "seen": listed}}
    before = len(sandbox.calls("users.info"))
    clock.advance(seconds=5)
    rounds.tick()
    assert [call.args.get("user") for call in sandbox.calls("users.info")[before:]] == [people.dana]
    assert sorted(user for group in rounds.groups() for user in group) == sorted(
        [people.alice, people.bruno, people.chen, people.dana]
    )


def _group_of(session_factory, user_id: str) -> list[str]:
    """Everyone in the person's latest group, the person included."""
    with session_factory() as session:
        link = session.scalars(
            select(PairingGroupMember)
            .join(Member)
            .where(Member.user_id == user_id)
            .order_by(PairingGroupMember.id.desc())
        ).first()
        together = (
            select(Member.user_id)
            .join(PairingGroupMember)
            .where(PairingGroupMember.group_id == link.group_id)
        )
        return list(session.scalars(together))


def test_a_round_that_ends_while_its_community_is_paused_posts_nothing_and_counts_no_one(
    rounds, clock, driver, workspace, people, testing, session_factory
):
    """Paused mid-round: no follow-up, no result in the channel, and nobody counted as having ignored it."""
    rounds.now(people.alice)
    driver.command(workspace, people.alice, "pause testing")
    posted = len(workspace.messages(testing.channel))
    clock.advance(days=5, hours=1)
    rounds.tick()
    clock.advance(days=2)
    rounds.tick()
    assert len(workspace.messages(testing.channel)) == posted
    assert all(
        "This round ends soon" not in texts(m)
        for u in (people.bruno, people.chen)
        for _, m in rounds.group_messages(u)
    )
    with session_factory() as session:
        assert set(session.scalars(select(Member.pairing_ignored_rounds))) == {0}
