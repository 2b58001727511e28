"""What the logs of a whole run at DEBUG never hold: tokens, secrets, OAuth codes, what people wrote."""

from __future__ import annotations

import io
import json
import logging

import pytest
from factories import make_community, make_member
from fixtures_app import CLIENT_SECRET, SECRET_KEY, SIGNING_SECRET
from stories.conftest import Place

from copbot.logs import configure_logging

STORY_TITLE = "Mutation testing found 3 real bugs"
STORY_TEXT = "We ran mutmut on the billing module and it caught an off-by-one nobody had seen."


@pytest.fixture
def debug_log():
    """Every log record of the test, as copbot writes them at DEBUG, in a string."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    configure_logging(logging.DEBUG, stream)
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]


@pytest.fixture
def shared_place(workspace, people, session_factory):
    channel = workspace.add_channel("testing", members=[people.alice, people.bruno], bot_is_member=True)
    with session_factory() as session, session.begin():
        community = make_community(
            session, team_id=workspace.team_id, channel_id=channel, created_by=people.alice
        )
        make_member(session, community, people.bruno)
        return Place(community.id, community.name, community.slug, channel)


def test_a_full_oauth_run_at_debug_logs_no_secret(
    debug_log, multi_driver, sandbox, workspace, other_workspace, people, sharing_with, shared_place
):
    """Installs over OAuth, commands, a shared story: the JSON logs name requests, never secrets or text."""
    sharing = sharing_with(multi_driver, workspace)
    assert multi_driver.command(workspace, people.alice, text="help").status == 200
    assert multi_driver.command(workspace, people.bruno, text="list").status == 200
    view = sharing.open(people.bruno)
    assert sharing.submit(people.bruno, view, title=STORY_TITLE, story=STORY_TEXT).status == 200
    assert [story.title for story in sharing.stories()] == [STORY_TITLE]

    text = debug_log.getvalue()
    codes = [call.args["code"] for call in sandbox.calls("oauth.v2.access")]
    secrets = [
        workspace.bot_token,
        other_workspace.bot_token,
        SIGNING_SECRET,
        CLIENT_SECRET,
        SECRET_KEY,
        *codes,
    ]
    assert len(codes) == 2
    assert [secret for secret in secrets if secret in text] == []
    assert STORY_TITLE not in text
    assert "mutmut" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    requests = [line for line in lines if line["event"] == "request" and line["path"] == "/slack/events"]
    assert [(line["kind"], line.get("name"), line["outcome"]) for line in requests] == [
        ("command", "/cop help", "ok"),
        ("command", "/cop list", "ok"),
        ("command", "/cop share", "ok"),
        ("view_submission", "story_share", "ok"),
    ]
    assert {line["team"] for line in requests} == {workspace.team_id}
    assert all(line["request_id"] and line["latency_ms"] >= 0 for line in requests)
    redirects = [line for line in lines if line.get("path") == "/slack/oauth_redirect"]
    assert len(redirects) == 2
