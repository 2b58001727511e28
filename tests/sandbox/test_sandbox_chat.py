import threading

import pytest
from slack_sdk.errors import SlackApiError


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def _section(index: int) -> dict:
    return {"type": "section", "block_id": f"b{index}", "text": {"type": "mrkdwn", "text": f"line {index}"}}


def test_post_to_public_channel_without_joining_is_recorded(client, acme):
    """Posting to a public channel needs no membership (chat:write.public); the message is stored."""
    blocks = [_section(1)]
    response = client.chat_postMessage(channel=acme.general, text="Hello", blocks=blocks)
    (stored,) = acme.ws.messages(acme.general)
    assert response["channel"] == acme.general
    assert stored["ts"] == response["ts"]
    assert (stored["text"], stored["blocks"], stored["bot_id"]) == ("Hello", blocks, acme.ws.bot_id)
    assert response["message"] == {k: v for k, v in stored.items() if k != "channel"}


def test_post_in_thread_keeps_thread_ts(client, acme):
    """A reply keeps its thread_ts so tests can tell threads apart."""
    parent = client.chat_postMessage(channel=acme.team, text="parent")["ts"]
    client.chat_postMessage(channel=acme.team, text="reply", thread_ts=parent)
    assert [m.get("thread_ts") for m in acme.ws.messages(acme.team)] == [None, parent]


def test_message_ts_strictly_increase_under_concurrency(client, acme):
    """Timestamps are "<epoch>.<6 digits>" and strictly increasing even when posts race."""
    threads = [
        threading.Thread(target=client.chat_postMessage, kwargs={"channel": acme.general, "text": str(n)})
        for n in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stamps = [m["ts"] for m in acme.ws.messages(acme.general)]
    assert len(stamps) == 20
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)
    assert sorted(stamps, key=float) == stamps
    assert len(set(stamps)) == 20


def test_post_to_user_id_lands_in_the_bots_im(client, acme):
    """chat.postMessage with a user id opens the bot's IM with that user and posts there."""
    response = client.chat_postMessage(channel=acme.alice, text="psst")
    assert response["channel"] == acme.ws.dm_channel(acme.alice)
    assert response["channel"].startswith("D")
    assert [m["text"] for m in acme.ws.dm_messages(acme.alice)] == ["psst"]


@pytest.mark.parametrize(
    ("channel", "error"),
    [("secret", "not_in_channel"), ("C0NOWHERE1", "channel_not_found")],
)
def test_post_refusals(client, acme, channel, error):
    """A private channel the bot is not in gives not_in_channel; an unknown id gives channel_not_found."""
    target = getattr(acme, channel, channel)
    assert _error(lambda: client.chat_postMessage(channel=target, text="x"))["error"] == error


def test_post_to_archived_channel_is_refused(client, acme):
    """Archived channels refuse posts with is_archived."""
    acme.ws.archive_channel(acme.general)
    assert _error(lambda: client.chat_postMessage(channel=acme.general, text="x"))["error"] == "is_archived"


def test_more_than_fifty_blocks_is_invalid_blocks(client, acme):
    """A message with 51 blocks is refused with invalid_blocks and a message pointing at /blocks."""
    blocks = [_section(n) for n in range(51)]
    data = _error(lambda: client.chat_postMessage(channel=acme.general, text="x", blocks=blocks))
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert acme.ws.messages(acme.general) == []


def test_text_limits(client, acme):
    """Text over 40,000 characters gives msg_too_long; no text and no blocks gives no_text."""
    assert (
        _error(lambda: client.chat_postMessage(channel=acme.general, text="a" * 40_001))["error"]
        == "msg_too_long"
    )
    assert (
        _error(lambda: client.api_call("chat.postMessage", json={"channel": acme.general}))["error"]
        == "no_text"
    )


def test_ephemeral_is_recorded_for_members_only(client, acme):
    """An ephemeral to a channel member is recorded; to a non-member it is user_not_in_channel."""
    response = client.chat_postEphemeral(channel=acme.team, user=acme.bob, text="only you")
    assert acme.ws.ephemerals(user_id=acme.bob) == [
        {
            "channel": acme.team,
            "user": acme.bob,
            "text": "only you",
            "blocks": [],
            "message_ts": response["message_ts"],
        }
    ]
    assert acme.ws.ephemerals(channel_id=acme.general) == []
    refused = _error(lambda: client.chat_postEphemeral(channel=acme.secret, user=acme.bob, text="x"))
    assert refused["error"] == "not_in_channel"
    lonely = acme.ws.add_channel("lonely", members=[acme.alice])
    refused = _error(lambda: client.chat_postEphemeral(channel=lonely, user=acme.bob, text="x"))
    assert refused["error"] == "user_not_in_channel"


def test_update_and_delete_the_bots_messages(client, acme):
    """chat.update edits a message in place; chat.delete removes it; an unknown ts is message_not_found."""
    ts = client.chat_postMessage(channel=acme.team, text="draft")["ts"]
    updated = client.chat_update(channel=acme.team, ts=ts, text="final")
    assert (updated["ts"], updated["text"]) == (ts, "final")
    assert [m["text"] for m in acme.ws.messages(acme.team)] == ["final"]
    client.chat_delete(channel=acme.team, ts=ts)
    assert acme.ws.messages(acme.team) == []
    assert (
        _error(lambda: client.chat_update(channel=acme.team, ts=ts, text="x"))["error"] == "message_not_found"
    )


def test_pins_need_membership_and_are_single(client, acme):
    """pins.add records the ts once (already_pinned after), needs membership and an existing message."""
    ts = client.chat_postMessage(channel=acme.team, text="rules")["ts"]
    client.pins_add(channel=acme.team, timestamp=ts)
    assert acme.ws.pins(acme.team) == [ts]
    assert _error(lambda: client.pins_add(channel=acme.team, timestamp=ts))["error"] == "already_pinned"
    assert (
        _error(lambda: client.pins_add(channel=acme.team, timestamp="1.000001"))["error"]
        == "message_not_found"
    )
    public_ts = client.chat_postMessage(channel=acme.general, text="hi")["ts"]
    assert (
        _error(lambda: client.pins_add(channel=acme.general, timestamp=public_ts))["error"]
        == "not_in_channel"
    )


def test_reactions_get_shows_seeded_reactions(client, acme):
    """reactions.get returns the message with the reactions seeded on it."""
    ts = client.chat_postMessage(channel=acme.team, text="story prompt")["ts"]
    acme.ws.add_reaction(acme.team, ts, "tada", acme.alice)
    acme.ws.add_reaction(acme.team, ts, "tada", acme.bob)
    response = client.reactions_get(channel=acme.team, timestamp=ts)
    assert response["message"]["reactions"] == [{"name": "tada", "users": [acme.alice, acme.bob], "count": 2}]
    assert response["channel"] == acme.team
