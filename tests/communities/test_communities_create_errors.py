"""Bad input to the create modal: a clear inline message in the user's language, and nothing stored."""

from __future__ import annotations

import pytest
from communities_support import ANSWERS, inline_errors, snapshot

from copbot.domain.communities import PAIRING
from copbot.sandbox.forms import fill


@pytest.fixture
def unchanged(session_factory, sandbox):
    """Assert, after the test's request, that the store holds what it held before and nothing was posted."""
    before = snapshot(session_factory)
    yield
    assert snapshot(session_factory) == before
    assert sandbox.calls("chat.postMessage") == []
    assert sandbox.calls("pins.add") == []


@pytest.mark.usefixtures("unchanged")
def test_empty_form(forms, people):
    """An empty form names every missing input at once."""
    view = forms.open_create(people.chen)
    errors = inline_errors(forms.submit(people.chen, view))
    assert errors == {
        "name": "This field is required.",
        "purpose": "This field is required.",
        "audience": "This field is required.",
        "channel": "Choose exactly one: an existing channel, or a name for a new one.",
    }


@pytest.mark.usefixtures("unchanged")
def test_empty_form_in_french(forms, people):
    """The same errors, in French for a French speaker."""
    view = forms.open_create(people.bruno)
    errors = inline_errors(forms.submit(people.bruno, view, name="   "))
    assert errors["name"] == "Ce champ est obligatoire."
    assert errors["channel"] == "Choisissez l'un ou l'autre : un canal existant ou le nom d'un nouveau canal."


@pytest.mark.usefixtures("unchanged")
def test_over_long_fields(forms, people):
    """Text longer than Slack's input limits (a crafted submission) is refused with the limit."""
    view = forms.open_create(people.chen)
    response = forms.submit(
        people.chen,
        view,
        name="n" * 61,
        purpose="p" * 1001,
        audience="a" * 501,
        slug="s" * 41,
        new_channel="c" * 81,
        timezone="Europe/" + "x" * 60,
    )
    assert inline_errors(response) == {
        "name": "Use at most 60 characters.",
        "purpose": "Use at most 1000 characters.",
        "audience": "Use at most 500 characters.",
        "slug": "Use at most 40 characters.",
        "new_channel": "Use at most 80 characters.",
        "timezone": "Use at most 64 characters.",
    }


@pytest.mark.usefixtures("unchanged")
def test_over_long_in_french(forms, people):
    """Limits are explained in French too."""
    view = forms.open_create(people.bruno)
    response = forms.submit(people.bruno, view, **{**ANSWERS, "name": "n" * 61, "new_channel": "cop-x"})
    assert inline_errors(response) == {"name": "Utilisez 60 caractères au maximum."}


@pytest.mark.usefixtures("unchanged")
def test_malformed_fields(forms, people):
    """A bad short name, channel name and time zone each get their own explanation."""
    view = forms.open_create(people.chen)
    response = forms.submit(
        people.chen, view, **ANSWERS, slug="-bad slug!", new_channel="café!", timezone="Mars/Olympus"
    )
    assert inline_errors(response) == {
        "slug": "Use 2 to 40 lowercase letters, digits and dashes, starting with a letter or a digit.",
        "new_channel": "Channel names use lowercase letters, digits, dashes and underscores (80 at most).",
        "timezone": "Unknown time zone. Use a name like Europe/Paris or America/New_York.",
    }


@pytest.mark.usefixtures("unchanged")
def test_name_without_letters_needs_a_short_name(forms, people):
    """A name with nothing to make a short name from asks for one."""
    view = forms.open_create(people.chen)
    response = forms.submit(people.chen, view, **{**ANSWERS, "name": "🧪 ✨", "new_channel": "cop-x"})
    assert inline_errors(response) == {
        "slug": "copbot can't make a short name from this name: please type one (letters, digits, dashes)."
    }


@pytest.mark.usefixtures("unchanged")
def test_both_channels_at_once(forms, workspace, people):
    """Picking a channel and naming a new one is ambiguous: the form says to choose one."""
    channel_id = workspace.add_channel("testers")
    view = forms.open_create(people.chen)
    response = forms.submit(people.chen, view, **ANSWERS, channel=channel_id, new_channel="cop-testing")
    assert inline_errors(response) == {
        "channel": "Choose exactly one: an existing channel, or a name for a new one."
    }


@pytest.mark.usefixtures("unchanged")
def test_crafted_option_values(driver, forms, workspace, people):
    """Values no option offers, or of the wrong type (a crafted submission), are refused inline."""
    view = forms.open_create(people.chen)
    values = fill(view, {**ANSWERS, "new_channel": "cop-x"})
    values["group_size"]["group_size"]["selected_option"] = {"value": "5"}
    values["language"]["language"]["selected_option"] = {"value": "de"}
    values["prompt_time"]["prompt_time"]["selected_time"] = "25:99"
    values["channel"]["channel"]["selected_conversation"] = "not a channel"
    errors = inline_errors(driver.submit(workspace, people.chen, view, values))
    assert errors == {
        "group_size": "Choose one of the options offered.",
        "language": "Choose one of the options offered.",
        "prompt_time": "Use a time like 10:00.",
        "channel": "Pick a channel from the list.",
    }


@pytest.mark.usefixtures("unchanged")
def test_crafted_answer_of_the_wrong_type(driver, forms, workspace, people):
    """An answer that is not text at all (a number, a list) is refused on its input, in French too."""
    view = forms.open_create(people.bruno)
    values = fill(view, {**ANSWERS, "new_channel": "cop-x"})
    values[PAIRING][PAIRING]["selected_option"] = {"value": 2}
    values["name"]["name"]["value"] = ["Testing"]
    errors = inline_errors(driver.submit(workspace, people.bruno, view, values))
    assert errors == {
        "pairing": "Choisissez l'une des options proposées.",
        "name": "Choisissez l'une des options proposées.",
    }


def test_duplicate_name_in_the_workspace(forms, people, place, session_factory):
    """A name already used here (whatever the case) is refused on the name input."""
    place("Testing", organisers=(people.alice,))
    before = snapshot(session_factory)
    response = forms.create(people.chen, name="TESTING", slug="other-testing")
    assert inline_errors(response) == {"name": "There is already a community called “TESTING” here."}
    assert snapshot(session_factory) == before


def test_duplicate_short_name(forms, people, place, session_factory):
    """A taken short name is refused on the short-name input, in French for a French speaker."""
    place("Testing", organisers=(people.alice,))
    before = snapshot(session_factory)
    response = forms.create(people.bruno, name="Tests", slug="testing")
    assert inline_errors(response) == {
        "slug": "Le nom court « testing » est déjà pris ici. Choisissez-en un autre."
    }
    assert snapshot(session_factory) == before


@pytest.mark.usefixtures("unchanged")
def test_private_channel_copbot_is_not_in(forms, workspace, people):
    """A private channel copbot can't see gets an inline error asking to invite copbot first."""
    channel_id = workspace.add_channel("secret", is_private=True, members=[people.chen])
    response = forms.create(people.chen, channel=channel_id)
    assert inline_errors(response) == {
        "channel": "copbot can't see that channel. Invite @copbot to it first (/invite @copbot), "
        "or pick another."
    }


@pytest.mark.usefixtures("unchanged")
def test_archived_channel(forms, workspace, people):
    """An archived channel is refused inline, in French for a French speaker."""
    channel_id = workspace.add_channel("old-testers", is_archived=True)
    response = forms.create(people.bruno, channel=channel_id)
    assert inline_errors(response) == {"channel": "Ce canal est archivé. Choisissez-en un autre."}


def test_channel_of_another_community(forms, people, place, session_factory, sandbox):
    """A channel that already hosts a community is refused: each community has its own channel."""
    placed = place("Testing", organisers=(people.alice,))
    before = snapshot(session_factory)
    response = forms.create(people.chen, name="Other", channel=placed.channel_id)
    assert inline_errors(response) == {
        "channel": "That channel already belongs to the community “Testing”. Pick another."
    }
    assert snapshot(session_factory) == before
    assert sandbox.calls("conversations.info") == []


@pytest.mark.usefixtures("unchanged")
def test_new_channel_name_taken(forms, workspace, people):
    """A new channel name Slack already has is refused on that input, pointing to the picker."""
    workspace.add_channel("cop-testing")
    response = forms.create(people.chen, new_channel="cop-testing")
    assert inline_errors(response) == {
        "new_channel": "A channel with that name exists already. Pick it above, or choose another name."
    }
