"""`/cop create` end to end: the modal, the stored community, its channel, the pinned welcome, the DM."""

from __future__ import annotations

from datetime import time

import pytest
from communities_support import (
    ANSWERS,
    activity_kinds,
    ephemeral_text,
    inline_errors,
    snapshot,
    stored_communities,
    stored_members,
)

from copbot.domain.enums import Experience, PromptCadence, Role
from copbot.slack.ids import CREATE_VIEW, JOIN_BUTTON


def _input(view, block_id):
    return next(block for block in view["blocks"] if block.get("block_id") == block_id)


def test_create_modal_is_prefilled_for_the_creator(forms, people):
    """The create modal opens in the creator's language, with their time zone filled in."""
    view = forms.open_create(people.alice)
    assert view["callback_id"] == CREATE_VIEW
    assert view["title"]["text"] == "New community"
    assert _input(view, "language")["element"]["initial_option"]["value"] == "en"
    assert _input(view, "timezone")["element"]["initial_value"] == "Europe/Paris"
    assert _input(view, "name")["element"]["max_length"] == 60


def test_create_modal_in_french(forms, people):
    """A French speaker gets the modal in French, with French pre-selected as the community language."""
    view = forms.open_create(people.bruno)
    assert view["title"]["text"] == "Nouvelle communauté"
    assert _input(view, "purpose")["label"]["text"] == "Quelle pratique cette communauté partage-t-elle ?"
    assert _input(view, "language")["element"]["initial_option"]["value"] == "fr"
    assert _input(view, "prompt_day")["element"]["options"][0]["text"]["text"] == "Lundi"


def test_create_with_a_new_channel(forms, workspace, people, sandbox, session_factory):
    """With a new channel: the community is stored, the channel made, a welcome pinned, the creator DMed."""
    response = forms.create(
        people.chen,
        name="Data Folks",
        new_channel="#Data Folks",
        prompt_cadence="weekly",
        prompt_day="3",
        prompt_time="14:30",
        pairing="2",
        pairing_day="4",
        group_size="3",
        timezone="America/New_York",
    )
    assert response.status == 200
    assert response.text == ""  # an empty ack closes the modal
    [community] = stored_communities(session_factory)
    assert (community.name, community.slug, community.team_id) == (
        "Data Folks",
        "data-folks",
        workspace.team_id,
    )
    assert (community.prompt_cadence, community.prompt_weekday, community.prompt_time) == (
        PromptCadence.WEEKLY,
        3,
        time(14, 30),
    )
    assert (community.pairing_every_weeks, community.pairing_weekday, community.pairing_group_size) == (
        2,
        4,
        3,
    )
    assert (community.timezone, community.language, community.created_by) == (
        "America/New_York",
        "en",
        people.chen,
    )

    channel = workspace.channel(community.channel_id)
    assert channel["name"] == "data-folks"
    assert not channel["is_private"]
    assert set(channel["members"]) >= {workspace.bot_user_id, people.chen}

    [welcome] = workspace.messages(community.channel_id)
    assert welcome["ts"] == community.welcome_message_ts
    assert workspace.pins(community.channel_id) == [welcome["ts"]]
    assert welcome["blocks"][0]["text"]["text"] == "Welcome to Data Folks"
    welcome_text = str(welcome["blocks"])
    assert "Get better at testing together" in welcome_text
    assert "Anyone who tests software" in welcome_text
    assert "`/cop join data-folks`" in welcome_text
    button = welcome["blocks"][-1]["accessory"]
    assert (button["action_id"], button["value"]) == (JOIN_BUTTON, str(community.id))

    [dm] = workspace.dm_messages(people.chen)
    assert f"Your community *Data Folks* is ready in <#{community.channel_id}>" in dm["text"]
    assert "`/cop join data-folks`" in dm["text"]


def test_creator_becomes_an_organiser(forms, people, session_factory):
    """The creator is stored as an organiser member, and the creation is in the activity log."""
    forms.create(people.chen)
    [community] = stored_communities(session_factory)
    member = stored_members(session_factory, community.id)[people.chen]
    assert (member.role, member.experience, member.left_at) == (Role.ORGANISER, Experience.PRACTISING, None)
    assert activity_kinds(session_factory) == [("community_created", people.chen)]


def test_create_in_french_with_an_existing_channel(forms, workspace, people, sandbox, session_factory):
    """A French community in an existing public channel: copbot joins it and welcomes in French."""
    channel_id = workspace.add_channel("qualite", members=[people.bruno])
    response = forms.create(
        people.bruno,
        name="Qualité",
        purpose="Tester mieux",
        audience="Tout le monde",
        channel=channel_id,
        language="fr",
    )
    assert response.status == 200, response.text
    [community] = stored_communities(session_factory)
    assert (community.slug, community.language, community.channel_id) == ("qualite", "fr", channel_id)
    assert workspace.bot_user_id in workspace.channel_members(channel_id)
    # The welcome post and the creator's invitation are sent side by side: either may join first.
    assert {call.args["channel"] for call in sandbox.calls("conversations.join")} == {channel_id}
    [welcome] = workspace.messages(channel_id)
    assert welcome["blocks"][0]["text"]["text"] == "Bienvenue dans Qualité"
    assert "*Pour nous rejoindre :* tapez `/cop join qualite`" in str(welcome["blocks"])
    assert workspace.pins(channel_id) == [welcome["ts"]]
    [dm] = workspace.dm_messages(people.bruno)
    assert dm["text"].startswith("Votre communauté *Qualité* est prête dans")


def test_welcome_follows_the_community_language_not_the_creator(forms, workspace, people, session_factory):
    """An English speaker creating a French community gets an English DM and a French welcome."""
    forms.create(people.chen, language="fr")
    [community] = stored_communities(session_factory)
    assert "is ready in" in workspace.dm_messages(people.chen)[0]["text"]
    assert workspace.messages(community.channel_id)[0]["text"].startswith("Bienvenue dans Testing")


def test_private_channel_copbot_is_in(forms, workspace, people, sandbox, session_factory):
    """A private channel copbot is in works: no join needed, the creator is invited, the welcome pinned."""
    channel_id = workspace.add_channel(
        "secret-guild", is_private=True, members=[people.dana], bot_is_member=True
    )
    response = forms.create(people.chen, channel=channel_id)
    assert response.text == ""
    [community] = stored_communities(session_factory)
    assert community.channel_id == channel_id
    assert people.chen in workspace.channel_members(channel_id)
    assert workspace.pins(channel_id) == [community.welcome_message_ts]


def test_creator_already_in_the_channel_is_fine(forms, workspace, people, sandbox, session_factory):
    """Inviting a creator who is in the channel already is not an error."""
    channel_id = workspace.add_channel("testers", members=[people.chen])
    assert forms.create(people.chen, channel=channel_id).text == ""
    # (copbot may try once before its welcome post has joined it to the channel: not_in_channel.)
    assert sandbox.calls("conversations.invite")[-1].response["error"] == "already_in_channel"
    assert len(stored_communities(session_factory)) == 1
    assert workspace.dm_messages(people.chen) != []  # the confirmation; no "couldn't add you" note
    assert not any("couldn't add you" in m["text"] for m in workspace.dm_messages(people.chen))


def test_typed_short_name_is_kept(forms, people, session_factory):
    """A short name typed by the creator is used, lower-cased, instead of one made from the name."""
    assert forms.create(people.chen, name="Quality Engineering Guild", slug="QE").text == ""
    assert [c.slug for c in stored_communities(session_factory)] == ["qe"]


def test_deleted_and_bot_users_cannot_create(driver, workspace, people, session_factory):
    """Deactivated accounts and bots are refused with a clear message, and no modal opens."""
    before = snapshot(session_factory)
    for user_id in (people.deleted, people.bot_user):
        response = driver.command(workspace, user_id, "create")
        assert ephemeral_text(response) == "Only people with an active account can do that."
        assert workspace.views(user_id) == []
    assert snapshot(session_factory) == before


class TestAdminsOnly:
    """With COPBOT_CREATE_REQUIRES_ADMIN, only workspace admins and owners may create."""

    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"create_requires_admin": True})

    def test_non_admin_is_refused_at_the_command(self, driver, workspace, people):
        """A member who is not an admin gets an explanation in their language instead of the modal."""
        response = driver.command(workspace, people.bruno, "create")
        assert ephemeral_text(response) == (
            "Ici, seuls les administrateurs de l'espace de travail peuvent créer des communautés."
        )
        assert workspace.views(people.bruno) == []

    def test_admin_may_create(self, forms, people, session_factory):
        """An admin creates as usual."""
        assert forms.create(people.alice).text == ""
        assert [c.created_by for c in stored_communities(session_factory)] == [people.alice]

    def test_submission_is_checked_again(self, forms, sandbox, people, session_factory):
        """A non-admin submitting the modal anyway (crafted) gets an inline error; nothing is stored."""
        view = forms.open_create(people.alice)
        before = snapshot(session_factory)
        response = forms.submit(people.chen, view, new_channel="cop-sneaky", **ANSWERS)
        assert inline_errors(response) == {"name": "Only workspace admins can create communities here."}
        assert snapshot(session_factory) == before
        assert sandbox.calls("conversations.create") == []
