import pytest
from slack_sdk.errors import SlackApiError


def _error(call) -> dict:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response.data


def test_opening_an_im_is_idempotent(client, acme):
    """conversations.open with one user gives the same D… id every time; return_im reports already_open."""
    first = client.conversations_open(users=[acme.alice])
    again = client.conversations_open(users=acme.alice, return_im=True)
    assert first.data == {"ok": True, "channel": {"id": acme.ws.dm_channel(acme.alice)}}
    assert again["channel"]["id"] == first["channel"]["id"]
    assert (again["already_open"], again["channel"]["is_im"], again["channel"]["user"]) == (
        True,
        True,
        acme.alice,
    )


def test_group_dms_are_reused_and_capped_at_eight(client, acme):
    """Two to eight users give one mpim per set of people; nine users are too_many_users."""
    carol = acme.ws.add_user("carol")
    group = client.conversations_open(users=[acme.alice, acme.bob, carol], return_im=True)["channel"]
    assert group["is_mpim"] is True
    assert client.conversations_open(users=[carol, acme.bob, acme.alice])["channel"]["id"] == group["id"]
    nine = [acme.ws.add_user(f"user{n}") for n in range(9)]
    assert _error(lambda: client.conversations_open(users=nine))["error"] == "too_many_users"
    assert _error(lambda: client.conversations_open(users=["U0NOBODY1"]))["error"] == "user_not_found"


def test_invite_adds_members(client, acme):
    """conversations.invite adds the users and returns the channel."""
    carol = acme.ws.add_user("carol")
    response = client.conversations_invite(channel=acme.team, users=[carol])
    assert response["channel"]["id"] == acme.team
    assert acme.ws.channel_members(acme.team)[-1] == carol


@pytest.mark.parametrize(
    ("who", "error"),
    [("bob", "already_in_channel"), ("bot", "cant_invite_self"), ("U0NOBODY1", "user_not_found")],
)
def test_invite_refusals_for_one_user(client, acme, who, error):
    """Inviting a member, the bot itself or an unknown user gives Slack's per-user error."""
    user = {"bob": acme.bob, "bot": acme.ws.bot_user_id}.get(who, who)
    assert _error(lambda: client.conversations_invite(channel=acme.team, users=[user]))["error"] == error


def test_invite_with_several_users_lists_each_failure_and_invites_nobody(client, acme):
    """With several users and a failure, the errors array names each failing user and nobody joins."""
    carol = acme.ws.add_user("carol")
    data = _error(
        lambda: client.conversations_invite(channel=acme.team, users=[carol, acme.bob, "U0NOBODY1"])
    )
    assert data["error"] == "already_in_channel"
    assert data["errors"] == [
        {"user": acme.bob, "ok": False, "error": "already_in_channel"},
        {"user": "U0NOBODY1", "ok": False, "error": "user_not_found"},
    ]
    assert carol not in acme.ws.channel_members(acme.team)


def test_invite_needs_the_bot_in_an_open_channel(client, acme):
    """The bot must be a member (not_in_channel) of a channel that is not archived (is_archived)."""
    assert _error(lambda: client.conversations_invite(channel=acme.general, users=[acme.bob]))["error"] == (
        "not_in_channel"
    )
    acme.ws.archive_channel(acme.team)
    assert (
        _error(lambda: client.conversations_invite(channel=acme.team, users=[acme.bob]))["error"]
        == "is_archived"
    )


def test_join_public_channels_only(client, acme):
    """The bot joins public channels (a warning when already in), never private or archived ones."""
    assert client.conversations_join(channel=acme.general)["channel"]["is_member"] is True
    again = client.conversations_join(channel=acme.general)
    assert (again["warning"], again["response_metadata"]["warnings"]) == (
        "already_in_channel",
        ["already_in_channel"],
    )
    assert _error(lambda: client.conversations_join(channel=acme.secret))["error"] == (
        "method_not_supported_for_channel_type"
    )
    archived = acme.ws.add_channel("old", is_archived=True)
    assert _error(lambda: client.conversations_join(channel=archived))["error"] == "is_archived"


def test_info_is_from_the_bots_point_of_view(client, acme):
    """conversations.info: the bot's is_member, num_members on request, private channels without it hidden."""
    info = client.conversations_info(channel=acme.general, include_num_members=True)["channel"]
    assert (info["name"], info["is_member"], info["num_members"], info["is_private"]) == (
        "general",
        False,
        2,
        False,
    )
    assert client.conversations_info(channel=acme.team)["channel"]["is_member"] is True
    assert _error(lambda: client.conversations_info(channel=acme.secret))["error"] == "channel_not_found"


def test_members_paginate_with_cursors(client, acme):
    """conversations.members pages 100 at a time by default with an opaque cursor, "" on the last page."""
    people = [acme.ws.add_user(f"member{n}") for n in range(230)]
    big = acme.ws.add_channel("big", members=people)
    first = client.conversations_members(channel=big)
    assert len(first["members"]) == 100
    assert first["response_metadata"]["next_cursor"]
    pages = [
        (page["members"], page["response_metadata"]["next_cursor"])
        for page in client.conversations_members(channel=big)
    ]
    assert [len(members) for members, _ in pages] == [100, 100, 30]
    assert [m for members, _ in pages for m in members] == people
    assert pages[-1][1] == ""
    assert len(client.conversations_members(channel=big, limit=7)["members"]) == 7
    assert _error(lambda: client.conversations_members(channel=big, cursor="bm90LWEtY3Vyc29y"))["error"] == (
        "invalid_cursor"
    )


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Has Spaces", "invalid_name_specials"),
        ("dot.name", "invalid_name_specials"),
        ("x" * 81, "invalid_name_maxlength"),
        ("general", "name_taken"),
    ],
)
def test_create_checks_names(client, acme, name, error):
    """Channel names must be lowercase, without spaces or periods, at most 80 characters, and free."""
    assert _error(lambda: client.conversations_create(name=name))["error"] == error


def test_create_makes_the_bot_a_member(client, acme):
    """A channel the bot creates has the bot as creator and member, private when asked."""
    channel = client.conversations_create(name="cop-testers", is_private=True)["channel"]
    assert (channel["name"], channel["is_private"], channel["creator"]) == (
        "cop-testers",
        True,
        acme.ws.bot_user_id,
    )
    assert acme.ws.channel_members(channel["id"]) == [acme.ws.bot_user_id]


def test_list_filters_by_type_and_archive_state(client, acme):
    """conversations.list: public channels by default, private ones the bot is in on request, paged."""
    acme.ws.add_channel("old", is_archived=True)
    public = [c["name"] for c in client.conversations_list()["channels"]]
    assert public == ["general", "old"]
    assert [c["name"] for c in client.conversations_list(exclude_archived=True)["channels"]] == ["general"]
    private = client.conversations_list(types="private_channel")["channels"]
    assert [c["name"] for c in private] == ["team"]
    first = client.conversations_list(types=["public_channel", "private_channel"], limit=2)
    assert [c["name"] for c in first["channels"]] == ["general", "team"]
    second = client.conversations_list(
        types="public_channel,private_channel", cursor=first["response_metadata"]["next_cursor"]
    )
    assert [c["name"] for c in second["channels"]] == ["old"]


def test_history_is_newest_first_and_shows_metadata_only_when_asked(client, acme):
    """conversations.history: newest first, `oldest` exclusive, paging, metadata only on request."""
    tagged = {"event_type": "copbot_delivery", "event_payload": {"work_key": "k1"}}
    first = client.chat_postMessage(channel=acme.team, text="one", metadata=tagged)
    second = client.chat_postMessage(channel=acme.team, text="two")
    client.chat_postMessage(channel=acme.team, text="reply", thread_ts=first["ts"])

    plain = client.conversations_history(channel=acme.team)
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]
    assert all("metadata" not in m for m in plain["messages"])
    with_metadata = client.conversations_history(channel=acme.team, include_all_metadata=True)
    assert with_metadata["messages"][1]["metadata"] == tagged
    after_first = client.conversations_history(channel=acme.team, oldest=first["ts"])
    assert [m["ts"] for m in after_first["messages"]] == [second["ts"]]
    page = client.conversations_history(channel=acme.team, limit=1)
    assert (len(page["messages"]), page["has_more"]) == (1, True)


def test_replies_gives_the_thread_oldest_first(client, acme):
    """conversations.replies: the parent then its replies; an unknown thread is thread_not_found."""
    parent = client.chat_postMessage(channel=acme.team, text="parent")
    client.chat_postMessage(channel=acme.team, text="reply", thread_ts=parent["ts"])
    client.chat_postMessage(channel=acme.team, text="elsewhere")

    thread = client.conversations_replies(channel=acme.team, ts=parent["ts"])
    assert [m["text"] for m in thread["messages"]] == ["parent", "reply"]
    assert _error(lambda: client.conversations_replies(channel=acme.team, ts="1.000001"))["error"] == (
        "thread_not_found"
    )


def test_history_of_a_channel_the_bot_is_not_in_is_refused(client, acme):
    """Reading needs membership: a public channel without the bot answers not_in_channel."""
    assert _error(lambda: client.conversations_history(channel=acme.general))["error"] == "not_in_channel"
