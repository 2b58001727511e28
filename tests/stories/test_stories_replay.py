"""A signed view submission replayed within Slack's 5-minute window is refused: the story is kept once."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from stories.conftest import fill

from copbot.sandbox import payloads, viewstore
from copbot.sandbox.driver import FORM


def _signed_submission(workspace, user_id, view, values) -> bytes:
    held = viewstore.set_values(workspace, view["id"], values)
    return urlencode({"payload": json.dumps(payloads.view_submission(workspace, user_id, held))}).encode()


def test_replayed_share_is_refused_and_stored_once(driver, sharing, testing, workspace, people):
    """The same signed body sent again (same timestamp and signature) gets 401 and stores nothing more."""
    view = sharing.open(people.bruno)
    body = _signed_submission(
        workspace, people.bruno, view, fill(view, {"title": "Pairing", "story": "It works."})
    )
    stamp = int(time.time())

    first = driver.post(body, FORM, timestamp=stamp)
    replay = driver.post(body, FORM, timestamp=stamp)

    assert (first.status, replay.status) == (200, 401)
    assert replay.text == "replayed"
    assert [story.title for story in sharing.stories()] == ["Pairing"]
    assert len(workspace.messages(testing.channel)) == 1


def test_the_same_form_sent_again_later_is_a_new_request(driver, sharing, testing, workspace, people):
    """A second, freshly signed submission is not a replay: only identical signed requests are refused."""
    view = sharing.open(people.bruno)
    body = _signed_submission(
        workspace, people.bruno, view, fill(view, {"title": "Pairing", "story": "It works."})
    )
    stamp = int(time.time())

    assert driver.post(body, FORM, timestamp=stamp).status == 200
    assert driver.post(body, FORM, timestamp=stamp - 1).status == 200
