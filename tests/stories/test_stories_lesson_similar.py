"""Sharing with "What I learned" and "Others may ask me about this", and the similar stories shown after."""

from __future__ import annotations

import pytest

from copbot.domain.errors import FieldErrors
from copbot.domain.stories import LESSON_MAX, validate_story


def share(sharing, user_id, community, title, story, **answers):
    view = sharing.open(user_id, community)
    response = sharing.submit(user_id, view, title=title, story=story, **answers)
    assert response.text == "", response.text


def test_lesson_and_ask_me_are_kept_and_posted(sharing, workspace, people, testing, blocks_text):
    """The lesson is stored and shown under its heading; unticking "ask me" is remembered."""
    share(
        sharing, people.chen, "testing", "Night builds", "They broke.", lesson="Quarantine early.", ask_me=[]
    )
    [story] = sharing.stories()
    assert (story.lesson, story.ask_me) == ("Quarantine early.", False)
    [post] = workspace.messages(testing.channel)
    assert "*What I learned*\nQuarantine early." in blocks_text(post["blocks"])


def test_ask_me_is_ticked_unless_untouched(sharing, people, testing):
    """Left as it opens, "Others may ask me about this" is ticked."""
    share(sharing, people.chen, "testing", "Charters", "Time boxes.")
    [story] = sharing.stories()
    assert (story.lesson, story.ask_me) == ("", True)


def test_an_over_long_lesson_is_refused_on_its_field():
    """A lesson over 3,000 characters names the lesson field, and nothing else."""
    with pytest.raises(FieldErrors) as refused:
        validate_story("Title", "Story", None, "x" * (LESSON_MAX + 1))
    assert list(refused.value.errors) == ["lesson"]
    assert validate_story("Title", "Story", None, "  x  ").lesson == "x"


def test_a_long_story_is_split_within_slacks_limits(sharing, workspace, people, testing):
    """3,000 characters that escaping grows fivefold, in story and lesson, still make one valid post."""
    share(sharing, people.chen, "testing", "Ampersands", "&" * 3000, lesson="<" * 3000)
    [post] = workspace.messages(testing.channel)
    sections = [block["text"]["text"] for block in post["blocks"] if block["type"] == "section"]
    assert "".join(sections).count("&amp;") == 3000
    assert "".join(sections).count("&lt;") == 3000
    assert all(len(text) <= 3000 for text in sections)


def test_similar_stories_name_only_authors_who_may_be_asked(sharing, workspace, people, testing):
    """After sharing, the author alone sees the earlier stories alike, with the authors who may be asked."""
    share(sharing, people.alice, "testing", "Flaky suites", "Flaky tests in the nightly pipeline.")
    share(
        sharing,
        people.bruno,
        "testing",
        "Nightly quarantine",
        "We quarantined flaky pipeline tests.",
        ask_me=[],
    )
    share(sharing, people.alice, "testing", "Charters", "Exploratory charters with time boxes.")

    share(sharing, people.chen, "testing", "Our pipeline", "The nightly pipeline had flaky tests.")

    [note] = workspace.ephemerals(people.chen)
    assert note["channel"] == testing.channel
    lines = [block["text"]["text"] for block in note["blocks"]]
    assert lines[0] == "Thanks for sharing! Stories like yours were told before in Testing:"
    assert sorted(lines[1:]) == sorted(
        [
            f"• *<{link(sharing, 'Flaky suites')}|Flaky suites>* (you could ask <@{people.alice}> about it)",
            f"• *<{link(sharing, 'Nightly quarantine')}|Nightly quarantine>*",
        ]
    )


def test_similar_stories_speak_the_authors_language(sharing, workspace, people, design):
    """bruno reads French: his note about stories alike in Design is in French."""
    share(sharing, people.chen, "design", "Grilles", "Une grille de huit colonnes pour les maquettes.")
    share(sharing, people.bruno, "design", "Colonnes", "Les maquettes en grille de huit colonnes.")
    [note] = workspace.ephemerals(people.bruno)
    assert note["text"] == (
        "Merci pour le partage ! Des histoires proches de la vôtre ont déjà été racontées dans Design :"
    )
    assert f"(vous pourriez en parler avec <@{people.chen}>)" in note["blocks"][1]["text"]["text"]


def link(sharing, title):
    [story] = [story for story in sharing.stories() if story.title == title]
    assert story.permalink
    return story.permalink


def test_an_author_not_in_the_channel_gets_similar_stories_by_dm(sharing, workspace, people, testing):
    """chen left the Slack channel: the ephemeral cannot reach him, so the same note comes by DM."""
    share(sharing, people.alice, "testing", "Flaky suites", "Flaky tests in the nightly pipeline.")
    workspace.remove_from_channel(testing.channel, people.chen)
    share(sharing, people.chen, "testing", "Our pipeline", "The nightly pipeline had flaky tests.")
    assert workspace.ephemerals(people.chen) == []
    [note] = workspace.dm_messages(people.chen)
    assert note["text"] == "Thanks for sharing! Stories like yours were told before in Testing:"
    assert note["blocks"][1]["text"]["text"] == (
        f"• *<{link(sharing, 'Flaky suites')}|Flaky suites>* (you could ask <@{people.alice}> about it)"
    )


def test_a_french_author_not_in_the_channel_gets_them_by_dm_in_french(sharing, workspace, people, design):
    """bruno is not in Design's channel any more: his note comes by DM, in French."""
    share(sharing, people.chen, "design", "Grilles", "Une grille de huit colonnes pour les maquettes.")
    workspace.remove_from_channel(design.channel, people.bruno)
    share(sharing, people.bruno, "design", "Colonnes", "Les maquettes en grille de huit colonnes.")
    [note] = workspace.dm_messages(people.bruno)
    assert note["text"].startswith("Merci pour le partage !")
