"""Every bad request gets a clean answer: no 5xx, no traceback in the logs, nothing stored or changed."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import logging
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bad_requests import USER, Bad, corpus
from factories import make_community, make_member
from fixtures_app import SIGNING_SECRET
from sqlalchemy import Engine, MetaData, select

from copbot.domain.enums import Role
from copbot.sandbox import SlackDriver
from copbot.slack.payloads import COMMAND_TEXT_MAX, parse_command_text
from copbot.store.models import Delivery
from copbot.webguard import MAX_BODY

CORPUS = corpus()
# What was received, not copbot's data: the replay guard's signatures and the events already acted on;
# and what the person was told in answer (the outbox, and its pacing), checked apart.
NOT_THE_STORE = {"seen_requests", "processed_events", "deliveries", "slack_gates"}


def test_the_corpus_is_large_and_named_once():
    """At least 150 bad requests, each with its own name."""
    names = [name for name, _ in CORPUS]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


def _snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {
            name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
            for name, table in tables.tables.items()
            if name not in NOT_THE_STORE
        }


def _send_oversized(driver: SlackDriver, body: bytes, content_type: str) -> int:
    """Declare the whole length but send only the start, as the server answers before reading it all."""
    url = urlsplit(driver.app_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        connection.putrequest("POST", url.path)
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body[:65536])
        return connection.getresponse().status
    finally:
        connection.close()


def _send(driver: SlackDriver, bad: Bad, trigger: str, user: str):
    body = bad.body.replace(b"1.2.3", trigger.encode()).replace(USER.encode(), user.encode())
    if len(body) > MAX_BODY:
        return SimpleNamespace(status=_send_oversized(driver, body, bad.content_type))
    if bad.headers is None:
        headers = _signed(body, int(time.time()) + (bad.offset or 0))
    else:
        now = str(int(time.time()))
        headers = {
            name: value.replace("NOW", now) for name, value in bad.headers.items() if value is not None
        }
    return driver.post(body, bad.content_type, sign=False, extra_headers=headers)


def _signed(body: bytes, stamp: int) -> dict[str, str]:
    """Slack's signature over the raw bytes (the driver's own signer wants UTF-8 text)."""
    base = b"v0:" + str(stamp).encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(stamp), "X-Slack-Signature": signature}


@pytest.fixture
def seeded(driver, workspace, people, session_factory):
    """The workspace knows copbot (a first /cop help) and has a community with a member, alice."""
    assert driver.command(workspace, people.alice, text="help").status == 200
    channel = workspace.add_channel("testing", members=[people.alice], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.alice, role=Role.ORGANISER)


@pytest.mark.usefixtures("seeded")
def test_bad_requests_are_answered_cleanly(driver, workspace, people, engine, caplog):
    """The whole corpus: each answer is below 500, no log line carries a traceback, the store is unchanged."""
    before = _snapshot(engine)
    caplog.set_level(logging.DEBUG)
    answers = {}
    for name, bad in CORPUS:
        answers[name] = _send(driver, bad, workspace.issue_trigger(people.alice), people.alice).status

    assert {name: status for name, status in answers.items() if status >= 500} == {}
    failures = [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
    assert [f"{record.name}: {record.getMessage()}" for record in failures] == []
    assert "Traceback" not in caplog.text
    assert _snapshot(engine) == before
    assert _told(engine) <= {("notice", people.alice)}  # at most, alice was told why her click did nothing


def _told(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(Delivery.kind, Delivery.payload)).all()
    return {(kind, payload.get("user_id")) for kind, payload in rows}


@pytest.mark.usefixtures("seeded")
def test_bad_signatures_timestamps_and_sizes_get_401_or_413(driver, workspace, people):
    """Header and size problems are refused before parsing: 401 for signatures, 413 for a body over 1 MB."""
    expected = {
        name: (413 if "MB" in name else 401) for name, bad in CORPUS if name.startswith(_HEADER_CASES)
    }
    answered = {
        name: _send(driver, bad, workspace.issue_trigger(people.alice), people.alice).status
        for name, bad in CORPUS
        if name in expected
    }
    assert answered == expected


_HEADER_CASES = ("timestamp ", "signature ", "no headers", "stale ", "future ", "oversized ", "unsigned ")


@pytest.mark.usefixtures("seeded")
def test_malformed_bodies_and_wrong_types_get_400(driver, workspace, people):
    """Signed bodies that do not parse, or with fields of the wrong type, are refused with 400."""
    broken = [name for name, _ in CORPUS if name.startswith(("body ", "command ", "event "))]
    broken += [
        name
        for name, _ in CORPUS
        if name.startswith("view ") and not name.endswith(("seal", "callback", "no state", "state null"))
    ]
    cases = dict(CORPUS)
    answered = {
        name: _send(driver, cases[name], workspace.issue_trigger(people.alice), people.alice).status
        for name in broken
    }
    # Well-formed after all: Bolt has no listener for another command; events are acknowledged and ignored.
    # (A view without answers is too: a modal without inputs sends none; each form's own rules answer it.)
    allowed = {"command other command": 404, "event unknown event": 200, "event joined no user": 200}
    assert {name: status for name, status in answered.items() if status != allowed.get(name, 400)} == {}


def test_almost_one_megabyte_of_command_text_gets_the_help(driver, workspace, people):
    """Almost 1 MB of command text is cut before parsing, and answered with the help like any unknown word."""
    response = driver.command(workspace, people.alice, text="x" * (1024 * 1024 - 2000))

    assert response.status == 200
    assert f"I don't know the command `{'x' * 40}`." in response.text  # the help shows 40 characters of it


def test_command_text_is_cut_before_it_is_split():
    """Only the first COMMAND_TEXT_MAX characters are parsed, so a huge text costs no more than a long one."""
    parsed = parse_command_text("join " + "a " * 1_000_000)

    assert parsed.name == "join"
    assert len(" ".join(parsed.args)) <= COMMAND_TEXT_MAX
