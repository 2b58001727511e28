"""The sender against the sandbox: sends once, retries Slack's trouble, ends refusals, never sleeps."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta

import pytest
from conftest import T0
from factories import make_community, make_member, make_story
from prometheus_client import REGISTRY
from slack_sdk import WebClient
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from copbot.app import create_app
from copbot.domain.enums import Role
from copbot.services import story_posting
from copbot.slack.kinds import all_kinds
from copbot.slack.outbox.kinds import METADATA_EVENT
from copbot.slack.outbox.sender import Sender, SenderSettings
from copbot.slack.people import People
from copbot.store import deliveries
from copbot.store.db import unit_of_work
from copbot.store.models import Delivery, Story
from copbot.web import build_wsgi, serve_in_background


@pytest.fixture
def app_with(settings, engine, clock):
    """`app_with(**settings)`: copbot with some settings changed (its loop is ticked by hand)."""
    made = []

    def make(**changes):
        app = create_app(settings.model_copy(update=changes), clock=clock, engine=engine)
        made.append(app)
        return app

    yield make
    for app in made:
        app.loop.stop()


@pytest.fixture
def app(app_with):
    return app_with()


TITLE = "What the outage taught us"


def _dm_texts(workspace, user_id):
    return [message["text"] for message in workspace.dm_messages(user_id)]


def test_a_due_delivery_is_sent_once_in_the_recipients_language(app, notice, workspace, people, deliveries):
    """Rendered when sent, in the recipient's language; a second tick sends nothing more."""
    notice(workspace.team_id, people.bruno, "hello")
    assert app.loop.tick() == 1
    assert app.loop.tick() == 0
    assert _dm_texts(workspace, people.bruno) == [
        "copbot n'a pas pu vous ajouter à <#C0TEST> : rejoignez-le vous-même."
    ]
    assert deliveries()[0][1:3] == ("sent", 1)


def test_a_permanent_refusal_ends_it_with_the_reason(app, notice, workspace, people, sandbox, deliveries):
    """cannot_dm_bot will not change by trying again: failed, with the reason, and not tried again."""
    notice(workspace.team_id, people.chen, "refused")
    sandbox.inject_fault("chat.postMessage", error="cannot_dm_bot")
    app.loop.tick()
    app.loop.tick()
    assert deliveries() == [("notice:refused", "failed", 1, "cannot_dm_bot")]
    assert len(sandbox.calls("chat.postMessage")) == 1
    assert app.sender.counts["failed"] == 1


def test_slacks_own_trouble_is_retried_later(app, notice, workspace, people, sandbox, clock, deliveries):
    """A 500 is retried after a backoff (not at once); once Slack is well again the DM goes, once."""
    notice(workspace.team_id, people.chen, "flaky")
    sandbox.inject_fault("chat.postMessage", status=500)
    app.loop.tick()
    assert deliveries() == [("notice:flaky", "pending", 1, "HTTP 500")]
    app.loop.tick()  # too early: the backoff is 2.5 to 7.5 seconds
    assert len(sandbox.calls("chat.postMessage")) == 1
    clock.advance(seconds=8)
    app.loop.tick()
    assert deliveries()[0][1:3] == ("sent", 2)
    assert [call.status for call in sandbox.calls("chat.postMessage")] == [500, 200]
    assert len(_dm_texts(workspace, people.chen)) == 1


def test_a_refused_token_stops_the_workspace_until_a_token_works(
    app, notice, workspace, people, sandbox, deliveries
):
    """token_revoked: the workspace's deliveries wait (none failed, none lost) until its token works again."""
    notice(workspace.team_id, people.chen, "first")
    sandbox.inject_fault("chat.postMessage", error="token_revoked")
    app.loop.tick()
    notice(workspace.team_id, people.dana, "second")
    app.loop.tick()
    assert [status for _, status, _, _ in deliveries()] == ["pending", "pending"]
    assert len(sandbox.calls("chat.postMessage")) == 1
    app.token_works(workspace.team_id)
    app.loop.tick()
    assert [status for _, status, _, _ in deliveries()] == ["sent", "sent"]


def test_a_429_closes_the_gate_and_the_only_thread_moves_on(
    app_with, notice, workspace, people, sandbox, clock, deliveries
):
    """One sender thread, a 429 with Retry-After 10 for one DM: the next DM goes at once, nobody sleeps."""
    app = app_with(sender_threads=1)
    notice(workspace.team_id, people.chen, "limited", now=T0 - timedelta(seconds=1))
    notice(workspace.team_id, people.dana, "free")
    sandbox.inject_fault("chat.postMessage", status=429, retry_after=10)
    started = time.monotonic()
    app.loop.tick()
    assert time.monotonic() - started < 3
    assert [(key, status, attempts) for key, status, attempts, _ in deliveries()] == [
        ("notice:limited", "pending", 0),  # waiting for its gate is not an attempt
        ("notice:free", "sent", 1),
    ]
    clock.advance(seconds=9)
    app.loop.tick()
    assert len(_dm_texts(workspace, people.chen)) == 0  # Retry-After honoured
    clock.advance(seconds=1)
    app.loop.tick()
    assert len(_dm_texts(workspace, people.chen)) == 1
    assert app.sender.counts["gated"] == 1


def test_posts_to_one_channel_are_paced(app, notice, workspace, people, sandbox, clock):
    """Five DMs to one person at once: a burst of three, then one a second (Slack's pace per channel)."""
    for number in range(5):
        notice(workspace.team_id, people.chen, f"burst-{number}")
    app.loop.tick()
    assert len(sandbox.calls("chat.postMessage")) == 3
    clock.advance(seconds=1)
    app.loop.tick()
    assert len(sandbox.calls("chat.postMessage")) == 4
    clock.advance(seconds=1)
    app.loop.tick()
    assert len(_dm_texts(workspace, people.chen)) == 5


def test_past_its_window_a_delivery_is_skipped_and_counted(app, notice, workspace, people, clock, deliveries):
    """The loop was down 70 minutes: the DM due an hour ago is skipped, the one still worth sending goes."""
    notice(workspace.team_id, people.chen, "too-late")
    notice(workspace.team_id, people.dana, "still-fine", now=T0 + timedelta(minutes=30))
    clock.advance(minutes=70)
    app.loop.tick()
    assert [(key, status) for key, status, _, _ in deliveries()] == [
        ("notice:too-late", "skipped"),
        ("notice:still-fine", "sent"),
    ]
    assert app.sender.counts["skipped"] == 1
    assert _dm_texts(workspace, people.chen) == []


def test_a_channel_that_refuses_tells_the_organisers_once(
    app, workspace, people, session_factory, clock, deliveries
):
    """Two stories refused by an archived channel: each organiser gets one DM saying so, in their language."""
    channel = workspace.add_channel("archived-testing", bot_is_member=True, is_archived=True)
    with unit_of_work(session_factory) as session:
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        for organiser in (people.alice, people.bruno):
            make_member(session, community, organiser, role=Role.ORGANISER)
        member = make_member(session, community, people.chen)
        for title in ("One", "Two"):
            story = make_story(session, community, people.chen, title=title, member_id=member.id)
            session.flush()
            story_posting.deliver_post(session, story, community, now=clock.now())
    app.loop.tick()
    app.sender.wait_idle()
    app.loop.tick()
    app.sender.wait_idle()
    alice, bruno = _dm_texts(workspace, people.alice), _dm_texts(workspace, people.bruno)
    assert len(alice) == len(bruno) == 1
    assert alice[0].startswith(
        f"copbot couldn't post in <#{channel}>, the channel of Testing: the channel is"
    )
    assert bruno[0].startswith(f"copbot n'a pas pu publier dans <#{channel}>")
    posts = [
        (key, status, error) for key, status, _, error in deliveries() if key.startswith("stories.post:")
    ]
    assert posts == [(f"stories.post:{n}", "failed", "is_archived") for n in (1, 2)]
    # …and each author hears that their story is kept but not posted.
    assert len(_dm_texts(workspace, people.chen)) == 2


def test_stopping_finishes_what_is_being_sent_and_gives_back_the_rest(
    app_with, notice, workspace, people, sandbox, deliveries
):
    """Stopped mid-tick: the DM on the wire is finished and recorded; the one not started is given back."""
    app = app_with(sender_threads=1)
    notice(workspace.team_id, people.chen, "on-the-wire", now=T0 - timedelta(seconds=1))
    notice(workspace.team_id, people.dana, "not-started")
    sandbox.inject_fault("chat.postMessage", delay=1.5)
    ticking = threading.Thread(target=app.loop.tick)
    ticking.start()
    sandbox.wait_for_calls("users.info", 1)
    time.sleep(0.3)
    app.loop.stop()
    ticking.join(timeout=10)
    assert [(key, status) for key, status, _, _ in deliveries()] == [
        ("notice:on-the-wire", "sent"),
        ("notice:not-started", "pending"),
    ]


def test_the_loop_ticks_by_itself(app_with, notice, workspace, people):
    """Started, the loop sends what is due without anyone calling it; stopped, it stops."""
    app = app_with(tick_seconds=0.2)
    app.start_loop()
    notice(workspace.team_id, people.chen, "ticked")
    deadline = time.monotonic() + 5
    while not workspace.dm_messages(people.chen) and time.monotonic() < deadline:
        time.sleep(0.05)
    app.loop.stop()
    assert len(workspace.dm_messages(people.chen)) == 1
    assert app.loop.last_tick_at is not None


def test_metrics_count_deliveries_by_kind_and_status(app, notice, workspace, people, sandbox):
    """copbot_deliveries_total and copbot_slack_api_errors_total count what the sender did."""
    before = _sample("copbot_deliveries_total", {"kind": "notice", "status": "sent"})
    errors = _sample("copbot_slack_api_errors_total", {"method": "chat.postMessage", "code": "cannot_dm_bot"})
    notice(workspace.team_id, people.chen, "counted")
    notice(workspace.team_id, people.dana, "refused")
    sandbox.inject_fault("chat.postMessage", error="cannot_dm_bot")
    app.loop.tick()
    assert _sample("copbot_deliveries_total", {"kind": "notice", "status": "sent"}) == before + 1
    assert (
        _sample("copbot_slack_api_errors_total", {"method": "chat.postMessage", "code": "cannot_dm_bot"})
        == errors + 1
    )


def test_the_health_check_notices_a_stalled_loop(app_with):
    """A loop that stopped ticking makes /healthz say so (503), so that the process gets replaced."""
    app = app_with(tick_seconds=0.05)
    app.loop._stall_after = 0.5
    app.start_loop()
    server = serve_in_background(build_wsgi(app))
    try:
        assert _health(server.url) == (200, {"status": "ok"})
        app.loop._scheduler.pause()  # the ticks stop coming, as when a thread is stuck
        time.sleep(0.8)
        assert _health(server.url) == (503, {"status": "error", "loop": "stalled"})
    finally:
        server.stop()


def _health(url):
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _sample(name, labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _story_post(session_factory, workspace, people) -> tuple[int, str]:
    """A story whose channel post is in the outbox, due at T0: the delivery's id and the channel."""
    channel = workspace.add_channel("guild", bot_is_member=True)
    with unit_of_work(session_factory) as session:
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.chen
        )
        make_member(session, community, people.chen)
        story = make_story(session, community, people.chen, title=TITLE)
        session.flush()
        story_posting.deliver_post(session, story, community, now=T0)
        session.flush()
        return session.scalar(select(Delivery.id).where(Delivery.kind == story_posting.POST)), channel


def _recorded(session_factory, delivery_id: int) -> tuple[str, str | None, str | None]:
    with session_factory() as session:
        delivery = session.get(Delivery, delivery_id)
        return delivery.status.value, delivery.message_ts, session.scalars(select(Story.message_ts)).one()


@pytest.mark.parametrize("reached_slack", [True, False])
def test_a_post_whose_sender_died_is_not_posted_twice(
    reached_slack, app, session_factory, workspace, people, sandbox, clock
):
    """A sender claimed the post and died, maybe after Slack took it: the next one looks before posting."""
    delivery_id, channel = _story_post(session_factory, workspace, people)
    with unit_of_work(session_factory) as session:
        [claimed] = deliveries.claim_ids(
            session, [delivery_id], now=T0, worker="dead", lease=timedelta(seconds=30)
        )
    if reached_slack:  # what the dead sender did before it could record it
        WebClient(token=workspace.bot_token, base_url=sandbox.api_url).chat_postMessage(
            channel=channel,
            text=TITLE,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"work_key": claimed.work_key}},
        )
    clock.advance(seconds=31)
    app.loop.tick()
    [post] = workspace.messages(channel)
    assert len(sandbox.calls("conversations.history")) == 1
    assert len(sandbox.calls("chat.postMessage")) == 1
    assert _recorded(session_factory, delivery_id) == ("sent", post["ts"], post["ts"])


def _own_sender(app, session_factory, sandbox, clock, **settings) -> Sender:
    """A sender apart from the app's, with the settings a test needs (the app's keeps its own)."""
    return Sender(
        session_factory=session_factory,
        clock=clock,
        kinds=all_kinds(),
        tokens=app.tokens,
        people=People(),
        settings=SenderSettings(api_url=sandbox.api_url, default_language="en", **settings),
    )


def test_a_post_whose_answer_was_lost_is_not_posted_twice(
    app, session_factory, workspace, people, sandbox, clock
):
    """Slack took the post but answered too late: the retry finds the post instead of repeating it."""
    delivery_id, channel = _story_post(session_factory, workspace, people)
    sender = _own_sender(app, session_factory, sandbox, clock, call_timeout=1)
    try:
        sandbox.inject_fault("chat.postMessage", answer_delay=2)
        sender.send_due(seconds=5)
        assert _recorded(session_factory, delivery_id)[0] == "pending"
        time.sleep(1.5)  # the late answer is on its way; Slack has the post
        clock.advance(seconds=8)  # past the retry's backoff
        sender.send_due(seconds=5)
    finally:
        sender.stop()
    [post] = workspace.messages(channel)
    assert len(sandbox.calls("chat.postMessage")) == 1
    assert [call.args["channel"] for call in sandbox.calls("conversations.history")] == [channel]
    assert _recorded(session_factory, delivery_id) == ("sent", post["ts"], post["ts"])


@contextmanager
def _database_away(engine, database_url, server_database_url):
    """The database is away until the block ends.

    PostgreSQL refuses the test database's connections and drops the open ones; a SQLite file has no server
    to stop, so its engine fails every statement as a lost disk would (the driver's own error).
    """
    if server_database_url is None:

        def refuse(*_args: object) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        event.listen(engine, "before_cursor_execute", refuse)
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", refuse)
        return
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = url.database
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
        admin.dispose()


def _away_while_recording(app, engine, database_url, server_database_url, workspace, user_id, *, away: float):
    """A tick sends the DM; once Slack has it, the database is away for `away` s (Slack answers in 1 s)."""
    ticking = threading.Thread(target=app.loop.scheduled_tick)
    ticking.start()
    deadline = time.monotonic() + 10
    while not workspace.dm_messages(user_id) and time.monotonic() < deadline:
        time.sleep(0.02)
    with _database_away(engine, database_url, server_database_url):
        time.sleep(away)  # Slack answers meanwhile; the record cannot be written
    ticking.join(timeout=30)


def test_a_send_recorded_while_the_database_is_away_is_not_sent_again(
    app, notice, engine, server_database_url, database_url, workspace, people, sandbox, clock, deliveries
):
    """Slack took the DM, then the database went away: the record waits for it; the DM is not sent twice.

    (A DM cannot be looked for afterwards as a channel post can: copbot does not read DMs.)
    """
    notice(workspace.team_id, people.bruno, "away")
    sandbox.inject_fault("chat.postMessage", answer_delay=1)
    _away_while_recording(app, engine, database_url, server_database_url, workspace, people.bruno, away=3)
    clock.advance(minutes=10)  # well past the lease: a lost record would send it again now
    app.loop.tick()
    assert len(_dm_texts(workspace, people.bruno)) == 1
    assert deliveries()[0][1:3] == ("sent", 1)


def test_a_record_waiting_longer_than_half_the_lease_still_lands(
    app_with, notice, engine, server_database_url, database_url, workspace, people, sandbox, clock, deliveries
):
    """The database is away for most of a 5 s lease after Slack took the DM: the record lands, one DM.

    The PostgreSQL restart drill's duplicates: the record was given up after half the lease, so the lease
    lapsed and the next claimer sent the welcome DM again.
    """
    app = app_with(delivery_lease_seconds=5)
    notice(workspace.team_id, people.bruno, "away")
    sandbox.inject_fault("chat.postMessage", answer_delay=1)
    _away_while_recording(app, engine, database_url, server_database_url, workspace, people.bruno, away=4)
    clock.advance(minutes=10)  # past the lease: a record given up would send the DM again now
    app.loop.tick()
    app.sender.wait_idle()
    assert len(_dm_texts(workspace, people.bruno)) == 1
    assert deliveries()[0][1:3] == ("sent", 1)


def test_a_delivery_that_waited_past_half_its_lease_for_a_thread_is_given_back_unsent(
    app, notice, session_factory, workspace, people, sandbox, clock, deliveries
):
    """One thread, two DMs: the second waits while the first is slow; half its lease gone, it is reclaimed.

    The PostgreSQL restart drill's duplicates: claimed DMs queued behind threads that were recording while
    the database was away, their leases lapsed, the loop sent them, and then the queued tasks sent them too.
    """
    notice(workspace.team_id, people.bruno, "first")
    notice(workspace.team_id, people.chen, "second")
    sender = _own_sender(app, session_factory, sandbox, clock, lease=timedelta(seconds=30), threads=1)
    sandbox.inject_fault("chat.postMessage", answer_delay=1)
    try:
        sending = threading.Thread(target=sender.send_due, kwargs={"seconds": 5})
        sending.start()
        deadline = time.monotonic() + 10
        while not (workspace.dm_messages(people.bruno) or workspace.dm_messages(people.chen)):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        clock.advance(seconds=16)  # while the first is on the wire, the second's lease passes its half
        sending.join(timeout=30)  # the tick claims it again, with a lease of its own, and sends it
    finally:
        sender.stop()
    assert sender.counts == {"given_back": 1, "sent": 2}
    assert [len(workspace.dm_messages(user)) for user in (people.bruno, people.chen)] == [1, 1]
    assert [status for _key, status, _attempts, _error in deliveries()] == ["sent", "sent"]


def test_a_short_rate_limit_after_a_takeover_tells_the_author_nothing(
    app, session_factory, workspace, people, sandbox, clock
):
    """A post taken over from a dead sender, then held two seconds by a 429, is news to nobody."""
    delivery_id, channel = _story_post(session_factory, workspace, people)
    with unit_of_work(session_factory) as session:
        deliveries.claim_ids(session, [delivery_id], now=T0, worker="dead", lease=timedelta(seconds=30))
    sandbox.inject_fault("chat.postMessage", status=429, retry_after=2)
    clock.advance(seconds=31)
    app.loop.tick()
    app.sender.wait_idle()
    clock.advance(seconds=3)
    app.loop.tick()
    app.sender.wait_idle()
    [post] = workspace.messages(channel)
    assert _recorded(session_factory, delivery_id) == ("sent", post["ts"], post["ts"])
    assert workspace.dm_messages(people.chen) == []
