"""The HTTP face: health, the gate's refusals in every HTTP mode, and its log lines."""

from __future__ import annotations

import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest
from fixtures_app import SIGNING_SECRET
from sqlalchemy import event, select

from copbot.app import create_app
from copbot.config import SettingsError
from copbot.sandbox import SlackDriver, payloads
from copbot.sandbox.driver import FORM
from copbot.store.models import SeenRequest
from copbot.store.models import Workspace as WorkspaceRow
from copbot.web import build_wsgi, serve_in_background


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_healthz_checks_the_database(copbot, app_server):
    """/healthz answers ok while the database answers, and 503 once it does not."""
    assert _get(app_server.url + "/healthz") == (200, {"status": "ok"})

    gone = "sqlite:////nonexistent/folder/copbot.db"
    unreachable = create_app(copbot.settings.model_copy(update={"database_url": gone}))
    server = serve_in_background(build_wsgi(unreachable))
    try:
        assert _get(server.url + "/healthz") == (503, {"status": "error", "database": "unreachable"})
    finally:
        server.stop()


def test_http_cannot_run_without_a_signing_secret(settings):
    """There is no HTTP without signature checks: building the WSGI app without the secret is refused."""
    unsigned = create_app(settings.model_copy(update={"slack_signing_secret": None}))

    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is not set"):
        build_wsgi(unsigned)


def _command_body(workspace, user_id) -> bytes:
    channel = workspace.open_dm(user_id)
    return urlencode(
        payloads.command_form(workspace, user_id, command="/cop", text="help", channel_id=channel)
    ).encode()


@pytest.mark.parametrize("mode", ["single token", "oauth"])
def test_forged_unsigned_and_replayed_requests_are_refused_in_every_mode(mode, request, workspace, people):
    """Single-token and OAuth HTTP modes both refuse a forged, an unsigned and a replayed command with 401."""
    if mode == "oauth":
        app = request.getfixturevalue("oauth_app")
        app.install(workspace)
        driver = app.driver
    else:
        driver = request.getfixturevalue("driver")
    body, stamp = _command_body(workspace, people.alice), int(time.time())

    assert driver.post(body, FORM, signature="v0=" + "1" * 64).status == 401
    assert driver.post(body, FORM, sign=False).status == 401
    assert driver.post(body, FORM, timestamp=stamp).status == 200
    assert driver.post(body, FORM, timestamp=stamp).status == 401


def test_a_refusal_is_one_short_line_without_the_body(driver, workspace, people, caplog, session_factory):
    """An unsigned 900 kB body is refused with a log line that names the reason, not the body."""
    caplog.set_level(logging.DEBUG)
    body = b"text=" + b"secret-words " * 70_000

    assert driver.post(body, FORM, sign=False).status == 401

    lines = [record for record in caplog.records if "secret-words" in record.getMessage()]
    assert lines == []
    (refusal,) = [record for record in caplog.records if record.name == "copbot.http"]
    assert refusal.msg["outcome"] == "refused"
    assert refusal.msg["reason"] == "no signature"
    assert len(str(refusal.msg)) < 400
    with session_factory() as session:
        assert session.scalars(select(WorkspaceRow)).all() == []


def test_a_large_body_is_refused_on_every_path(app_server):
    """Over 1 MB is refused with 413 before anything reads it, on the install and OAuth paths too."""
    for path in ("/slack/install", "/slack/oauth_redirect", "/healthz"):
        url = urlsplit(app_server.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        try:
            connection.putrequest("POST", path)
            connection.putheader("Content-Length", str(2 * 1024 * 1024))
            connection.endheaders(b"x" * 1024)
            assert connection.getresponse().status == 413, path
        finally:
            connection.close()


def test_a_command_while_the_database_is_away_gets_a_clean_503(copbot, sandbox, workspace, people, caplog):
    """With the database unreachable a signed command gets 503 from the gate, logged without a traceback."""
    gone = "sqlite:////nonexistent/folder/copbot.db"
    unreachable = create_app(copbot.settings.model_copy(update={"database_url": gone}))
    server = serve_in_background(build_wsgi(unreachable))
    try:
        driver = SlackDriver(sandbox, app_url=server.url + "/slack/events", signing_secret=SIGNING_SECRET)
        caplog.set_level(logging.INFO)
        answer = driver.command(workspace, people.alice, text="help")
    finally:
        server.stop()

    assert (answer.status, answer.text) == (503, "database unavailable")
    assert [record for record in caplog.records if record.exc_info] == []


def test_a_tick_while_the_database_is_away_is_one_line_in_the_log(copbot, caplog):
    """The loop's scheduled tick with the database unreachable: one warning saying why, no traceback."""
    gone = "sqlite:////nonexistent/folder/copbot.db"
    unreachable = create_app(copbot.settings.model_copy(update={"database_url": gone}))
    caplog.set_level(logging.INFO)
    try:
        unreachable.loop.scheduled_tick()
    finally:
        unreachable.engine.dispose()  # nothing was claimed: no sender to stop

    [record] = [record for record in caplog.records if record.name == "copbot.scheduler.loop"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == "tick skipped, the database does not answer: unable to open database file"
    assert [record for record in caplog.records if record.exc_info] == []


def test_help_from_a_known_workspace_is_one_statement(driver, workspace, people, engine):
    """Once the workspace row exists, `/cop help` costs the database one statement: the replay record."""
    driver.command(workspace, people.alice, text="help")  # the first request makes the workspace row
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = driver.command(workspace, people.alice, text="help")
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert answer.status == 200
    assert len(statements) == 1, statements
    assert statements[0].startswith(f"INSERT INTO {SeenRequest.__tablename__} ")
