"""`/cop stories [community] [words]`: ranked search over signed HTTP, in English and French; refusals."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from copbot.domain.stories import StoryDraft
from copbot.services.stories import share_story
from copbot.slack.ids import STORIES_NEXT, STORIES_PREVIOUS
from copbot.store.models import Community, Delivery, Story


def tell(session_factory, clock, place, user_id, title, body, lesson=""):
    """Store a story the way sharing does, a minute after the previous one."""
    clock.advance(minutes=1)
    with session_factory() as session, session.begin():
        return share_story(
            session,
            team_id=session.get(Community, place.id).team_id,
            user_id=user_id,
            community_id=place.id,
            draft=StoryDraft(title=title, body=body, tags=(), lesson=lesson),
            origin=f"test-{title}",
            now=clock.now(),
        )


def search(driver, workspace, user_id, text):
    response = driver.command(workspace, user_id, text=f"stories {text}".rstrip())
    assert response.status == 200
    return response.json


def click(driver, workspace, user_id, action_id, value, channel):
    """A click on a button of an ephemeral answer (which Slack sends without the message itself)."""
    answer = {"message_ts": "1700000000.000100", "channel": channel}
    return driver.action(workspace, user_id, action_id, value=value, message=answer)


def titles(answer) -> list[str]:
    return [
        block["text"]["text"].split("\n")[0].strip("*")
        for block in answer["blocks"]
        if block["type"] == "section"
    ][1:]


def test_a_shared_story_is_posted_then_found_by_another_form_of_a_lesson_word(
    sharing, driver, workspace, people, testing, design, copbot
):
    """Shared through the modal and posted, a story is found by a word of its lesson, with its post's link."""
    view = sharing.open(people.chen, "testing")
    lesson = "We were testing rollbacks carefully"
    assert (
        sharing.submit(people.chen, view, title="Night builds", story="Long story.", lesson=lesson).text == ""
    )
    view = sharing.open(people.bruno, "design")
    shared = sharing.submit(people.bruno, view, title="Revue", story="Rien.", lesson="Nous avons partagé")
    assert shared.text == ""
    copbot.sender.wait_idle()
    night, revue = sorted(sharing.stories(), key=lambda story: story.title)
    assert night.permalink  # posted: the link Slack gave the post is kept
    assert revue.permalink

    found = search(driver, workspace, people.alice, "testing tests")
    assert titles(found) == [f"<{night.permalink}|Night builds>"]
    found = search(driver, workspace, people.bruno, "design partager")
    assert titles(found) == [f"<{revue.permalink}|Revue>"]


def test_french_word_forms_find_each_other(driver, workspace, people, design, session_factory, clock):
    """In a French community, "partagé" finds a story that says "partager", and "equipe" finds "équipe"."""
    tell(
        session_factory,
        clock,
        design,
        people.bruno,
        "Revue",
        "Il faut partager les maquettes tôt.",
    )
    tell(
        session_factory, clock, design, people.chen, "Une équipe soudée", "Notre équipe a appris à dire non."
    )
    tell(session_factory, clock, design, people.chen, "Couleurs", "Le contraste compte.")

    assert titles(search(driver, workspace, people.bruno, "design partagé")) == ["Revue"]
    answer = search(driver, workspace, people.bruno, "design equipe")
    assert titles(answer) == ["Une équipe soudée"]
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0]["text"]["text"] == "1 histoire de Design correspond à « equipe »"


def test_english_word_forms_find_each_other(driver, workspace, people, testing, session_factory, clock):
    """A search for "testing" finds "tests"; the answer names the author and the date as a Slack token."""
    tell(session_factory, clock, testing, people.chen, "Flaky", "Our tests failed at night.")
    tell(session_factory, clock, testing, people.alice, "Charters", "Time boxes work.")

    answer = search(driver, workspace, people.alice, "testing testing")
    assert titles(answer) == ["Flaky"]
    assert answer["blocks"][0]["text"]["text"] == "1 story in Testing matches “testing”"
    [byline] = [block for block in answer["blocks"] if block["type"] == "context"]
    stamp = int(clock.now().timestamp()) - 60
    when = clock.now().date().isoformat()
    assert byline["elements"][0]["text"] == f"<@{people.chen}>, <!date^{stamp}^{{date_short}}|{when}>"


def test_a_lesson_is_searched_and_shown(driver, workspace, people, testing, session_factory, clock):
    """A word only in "What I learned" finds the story, and the lesson is what the result shows."""
    tell(
        session_factory,
        clock,
        testing,
        people.chen,
        "Night builds",
        "Long story.",
        lesson="Quarantine early.",
    )
    answer = search(driver, workspace, people.chen, "quarantined")
    assert answer["blocks"][2]["text"]["text"] == "*Night builds*\nQuarantine early."


def test_no_words_gives_the_latest_first(driver, workspace, people, testing, session_factory, clock):
    """`/cop stories` alone lists the community's stories, newest first."""
    for title in ("One", "Two", "Three"):
        tell(session_factory, clock, testing, people.chen, title, f"Story {title}.")
    answer = search(driver, workspace, people.chen, "")
    assert answer["blocks"][0]["text"]["text"] == "The latest stories shared in Testing"
    assert titles(answer) == ["Three", "Two", "One"]


def test_engine_syntax_is_searched_as_plain_words(driver, workspace, people, testing, session_factory, clock):
    """Quotes, NEAR, stars, minus signs, colons and a lone parenthesis are words, not query syntax."""
    tell(session_factory, clock, testing, people.chen, "Flaky", "Flaky tests near the release.")
    answer = search(driver, workspace, people.chen, 'testing "flaky NEAR(tests* -release: (')
    assert titles(answer) == ["Flaky"]
    assert titles(search(driver, workspace, people.chen, "testing AND OR NOT *")) == []


def test_pages_turn_with_buttons(driver, workspace, people, testing, session_factory, clock):
    """Seven matches make two pages; Next and Previous replace the answer through its response_url."""
    for number in range(7):
        tell(session_factory, clock, testing, people.chen, f"Retro {number}", "A retro about flaky tests.")
    first = search(driver, workspace, people.chen, "flaky")
    assert len(titles(first)) == 5
    [buttons] = [block for block in first["blocks"] if block["type"] == "actions"]
    [following] = buttons["elements"]
    assert following["action_id"] == STORIES_NEXT

    click(driver, workspace, people.chen, STORIES_NEXT, following["value"], testing.channel)
    [response] = workspace.responses(people.chen)
    assert response["replace_original"] is True
    assert len(titles(response)) == 2
    assert [e["action_id"] for e in response["blocks"][-1]["elements"]] == [STORIES_PREVIOUS]


def test_a_forged_page_button_is_refused(driver, workspace, people, testing, design, session_factory, clock):
    """A paging value naming a community the person is not in, or garbage, shows nothing of it."""
    tell(session_factory, clock, design, people.bruno, "Secret", "Design only.")
    value = json.dumps({"community_id": design.id, "words": "", "page": 1})
    click(driver, workspace, people.alice, STORIES_NEXT, value, testing.channel)
    click(driver, workspace, people.alice, STORIES_NEXT, "{not json", testing.channel)
    shown = json.dumps(workspace.responses(people.alice))
    assert "Secret" not in shown
    assert "Join Design first" in shown
    assert "That search has expired." in shown


def test_five_thousand_characters_are_refused(driver, workspace, people, testing, session_factory):
    """A search of 5,000 characters is refused with the limit, and nothing is written."""
    with session_factory() as session:
        before = session.scalar(select(func.count(Delivery.id)))
    answer = search(driver, workspace, people.chen, "testing " + "word " * 1000)
    assert answer == {
        "response_type": "ephemeral",
        "text": answer["text"],
    }
    assert answer["text"] == ("Please search with a few words: at most 200 characters (you typed 5007).")
    with session_factory() as session:
        assert session.scalar(select(func.count(Delivery.id))) == before
        assert session.scalar(select(func.count(Story.id))) == 0


def test_not_a_member_is_offered_to_join(driver, workspace, people, testing):
    """dana is in no community: naming Testing offers to join it; naming none says how to join one."""
    assert search(driver, workspace, people.dana, "testing flaky")["text"] == (
        "Join Testing first: `/cop join testing`"
    )
    assert search(driver, workspace, people.dana, "flaky")["text"].startswith(
        "You are not in a community yet."
    )


def test_several_communities_need_a_name_in_french(driver, workspace, people, testing, design):
    """bruno is in two communities: with none named he is asked which, in French."""
    text = search(driver, workspace, people.bruno, "grilles")["text"]
    assert text == (
        "Vous êtes dans plusieurs communautés : précisez laquelle, par exemple `/cop stories design …`."
    )


def test_nothing_found_says_so_in_both_languages(driver, workspace, people, testing, design):
    """An empty archive invites the first story; a search that finds nothing says so."""
    assert search(driver, workspace, people.alice, "")["text"] == (
        "No story has been shared in Testing yet. Be the first: `/cop share testing`"
    )
    assert search(driver, workspace, people.bruno, "design zèbre")["text"] == (
        "Aucune histoire de Design ne correspond à « zèbre »."
    )


def test_stories_of_another_community_stay_out(
    driver, workspace, people, testing, design, session_factory, clock
):
    """A search in Testing never shows Design's stories, even on a shared word."""
    tell(session_factory, clock, design, people.chen, "Tests utilisateurs", "Des tests à cinq.")
    clock.advance(minutes=1)
    assert titles(search(driver, workspace, people.chen, "testing tests")) == []


def hint(answer) -> str:
    """The line under the heading that says how to ask for the other reading of the command."""
    [line] = [block for block in answer["blocks"] if block["type"] == "context"][:1]
    return line["elements"][0]["text"]


def test_a_first_word_naming_a_community_one_is_not_in_is_searched_as_a_word(
    driver, workspace, people, testing, design, session_factory, clock
):
    """alice (Testing only) types `design patterns`: both words are searched in Testing; Design is named."""
    tell(session_factory, clock, testing, people.alice, "Design patterns in tests", "Page objects.")
    answer = search(driver, workspace, people.alice, "design patterns")
    assert answer["text"] == "1 story in Testing matches “design patterns”"
    assert titles(answer) == ["Design patterns in tests"]
    assert hint(answer) == (
        "“design” is also the community Design, which you are not in: `/cop join design` to search it."
    )


def test_in_a_communitys_channel_its_own_name_or_another_of_ones_own_picks_it(
    driver, workspace, people, testing, design, session_factory, clock
):
    """bruno (in both) in #testing: no name searches Testing; `design …` searches Design and says so."""
    tell(session_factory, clock, testing, people.bruno, "Design reviews", "Patterns we review.")
    tell(session_factory, clock, design, people.bruno, "Patterns de grille", "Des patterns.")
    here = driver.command(workspace, people.bruno, text="stories patterns", channel_id=testing.channel).json
    assert here["text"] == "1 histoire de Testing correspond à « patterns »"
    assert titles(here) == ["Design reviews"]
    named = driver.command(
        workspace, people.bruno, text="stories design patterns", channel_id=testing.channel
    ).json
    assert titles(named) == ["Patterns de grille"]
    assert hint(named) == (
        "Pour chercher « design patterns » dans Testing : `/cop stories testing design patterns`"
    )
