import time

import pytest
from slack_sdk.errors import SlackApiError


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def _modal(title: str = "Share a story", **extra) -> dict:
    return {
        "type": "modal",
        "callback_id": "share_story",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Share"},
        "blocks": [
            {
                "type": "input",
                "block_id": "story_b",
                "label": {"type": "plain_text", "text": "Your story"},
                "element": {"type": "plain_text_input", "action_id": "story_a", "multiline": True},
            }
        ],
        **extra,
    }


def test_open_returns_slacks_view_and_records_it(client, acme):
    """views.open with a fresh trigger returns the full view (id, hash, root, state) and ws.views has it."""
    trigger = acme.ws.issue_trigger(acme.alice)
    view = client.views_open(trigger_id=trigger, view=_modal(private_metadata='{"community": 7}'))["view"]
    assert view["id"].startswith("V")
    assert (view["root_view_id"], view["previous_view_id"], view["state"]) == (
        view["id"],
        None,
        {"values": {}},
    )
    assert (view["team_id"], view["app_id"], view["bot_id"]) == ("T0ACME0001", acme.ws.app_id, acme.ws.bot_id)
    assert (view["callback_id"], view["private_metadata"]) == ("share_story", '{"community": 7}')
    assert view["hash"]
    assert acme.ws.views(acme.alice) == [view]
    assert acme.ws.views(acme.bob) == []
    assert acme.ws.view(view["id"]) == view


def test_trigger_is_single_use(client, acme):
    """A trigger_id works once; the second exchange is exchanged_trigger_id."""
    trigger = acme.ws.issue_trigger(acme.alice)
    client.views_open(trigger_id=trigger, view=_modal())
    assert (
        _error(lambda: client.views_open(trigger_id=trigger, view=_modal()))["error"]
        == "exchanged_trigger_id"
    )


def test_trigger_expires_and_unknown_ones_are_invalid(client, acme):
    """A trigger past its life is expired_trigger_id; one never issued is invalid_trigger_id."""
    trigger = acme.ws.issue_trigger(acme.alice, ttl=0.05)
    time.sleep(0.1)
    assert (
        _error(lambda: client.views_open(trigger_id=trigger, view=_modal()))["error"] == "expired_trigger_id"
    )
    assert (
        _error(lambda: client.views_open(trigger_id="1.2.3", view=_modal()))["error"] == "invalid_trigger_id"
    )


def test_title_over_24_characters_is_invalid_arguments(client, acme):
    """A modal title of 25 characters is refused with invalid_arguments naming /view/title/text."""
    data = _error(
        lambda: client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal("x" * 25))
    )
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]


def test_view_over_250_kb_is_view_too_large(client, acme):
    """A view whose JSON exceeds 250 kB is refused with view_too_large."""
    huge = _modal()
    huge["blocks"] = [
        {"type": "section", "block_id": f"s{n}", "text": {"type": "mrkdwn", "text": "x" * 2900}}
        for n in range(90)
    ]
    data = _error(lambda: client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=huge))
    assert data["error"] == "view_too_large"


def test_push_stacks_up_to_three_views(client, acme):
    """views.push links to the root and previous view; a stack holds three views, then push_limit_reached."""
    root = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal())["view"]
    second = client.views_push(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal("Step 2"))["view"]
    third = client.views_push(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal("Step 3"))["view"]
    assert (second["root_view_id"], second["previous_view_id"]) == (root["id"], root["id"])
    assert (third["root_view_id"], third["previous_view_id"]) == (root["id"], second["id"])
    refused = _error(
        lambda: client.views_push(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal("Step 4"))
    )
    assert refused["error"] == "push_limit_reached"


def test_update_changes_the_hash_and_refuses_stale_ones(client, acme):
    """views.update gives a new hash; the old hash is then hash_conflict; unknown ids are not_found."""
    opened = client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal())["view"]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=_modal("Thanks"))["view"]
    assert updated["id"] == opened["id"]
    assert updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Thanks"
    stale = _error(
        lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=_modal("Again"))
    )
    assert stale["error"] == "hash_conflict"
    assert _error(lambda: client.views_update(view_id="V0NOWHERE1", view=_modal()))["error"] == "not_found"
    assert [v["title"]["text"] for v in acme.ws.views(acme.alice)] == ["Share a story", "Thanks"]


def test_update_by_external_id(client, acme):
    """views.update finds a view by the app's external_id."""
    client.views_open(trigger_id=acme.ws.issue_trigger(acme.alice), view=_modal(external_id="story-42"))
    updated = client.views_update(external_id="story-42", view=_modal("Edited"))["view"]
    assert (updated["external_id"], updated["title"]["text"]) == ("story-42", "Edited")


def test_publish_home_keeps_the_id_and_checks_the_hash(client, acme):
    """views.publish stores the user's Home tab; a stale hash is hash_conflict; modals are refused."""
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Welcome"}}]}
    first = client.views_publish(user_id=acme.alice, view=home)["view"]
    second = client.views_publish(user_id=acme.alice, view=home, hash=first["hash"])["view"]
    assert second["id"] == first["id"]
    assert acme.ws.home_view(acme.alice) == second
    assert acme.ws.home_view(acme.bob) is None
    stale = _error(lambda: client.views_publish(user_id=acme.alice, view=home, hash=first["hash"]))
    assert stale["error"] == "hash_conflict"
    assert (
        _error(lambda: client.views_publish(user_id=acme.alice, view=_modal()))["error"]
        == "invalid_arguments"
    )
