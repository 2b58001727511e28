"""Searching a community's stories, in English and French, on whichever database the suite runs on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from factories import WHEN, make_community, make_story
from sqlalchemy import delete, text

from copbot.store import search
from copbot.store.db import unit_of_work
from copbot.store.models import Community, Story


@dataclass(frozen=True)
class Archive:
    """Two communities of workspace T1, English (testing) and French (design), and one of workspace T2."""

    testing: int
    design: int
    elsewhere: int


@pytest.fixture
def archive(session_factory) -> Archive:
    with unit_of_work(session_factory) as session:
        testing = make_community(session, team_id="T1", channel_id="C1", created_by="U1")
        design = make_community(
            session, team_id="T1", channel_id="C2", created_by="U1", name="Design", language="fr"
        )
        elsewhere = make_community(session, team_id="T2", channel_id="C9", created_by="U9")
        return Archive(testing.id, design.id, elsewhere.id)


@pytest.fixture
def add(session_factory):
    """Store (and index) a story in a community; returns its id."""

    def add(community_id: int, title: str, body: str = "What happened", **fields) -> int:
        with unit_of_work(session_factory) as session:
            community = session.get(Community, community_id)
            return make_story(session, community, "U1", title=title, body=body, **fields).id

    return add


@pytest.fixture
def find(session_factory):
    """The ids of the stories a search returns, best first (first page)."""

    def find(community_id: int, words: str, team_id: str = "T1") -> list[int]:
        with unit_of_work(session_factory) as session:
            page = search.search(session, team_id=team_id, community_id=community_id, words=words)
            return [story.id for story in page.stories]

    return find


def test_a_story_is_found_by_a_word_of_its_lesson(archive, add, find):
    """What someone learned is searchable, not only the title and the story."""
    story = add(archive.testing, "Friday deploys", lesson="Rollbacks need rehearsal before they are needed")
    add(archive.testing, "Pairing on CI")

    assert find(archive.testing, "rehearsal") == [story]


@pytest.mark.parametrize(
    ("written", "searched"),
    [("Nous avons partagé nos notes", "partager"), ("Il faut partager plus tôt", "partagé")],
)
def test_french_stories_are_found_by_another_form_of_a_word(archive, add, find, written, searched):
    """French words meet their other forms: "partagé" finds "partager" and the other way round."""
    story = add(archive.design, "Revue", body=written)

    assert find(archive.design, searched) == [story]


def test_french_feminine_participles_meet_their_verb(archive, add, find):
    """The feminine "partagées", which loses its accents before stemming, still meets "partager"."""
    story = add(archive.design, "Des leçons partagées entre équipes")

    assert find(archive.design, "partager") == [story]


@pytest.mark.parametrize(
    ("written", "searched"), [("Our tests were flaky", "testing"), ("Testing CI", "tests")]
)
def test_english_stories_are_found_by_another_form_of_a_word(archive, add, find, written, searched):
    """English words meet their other forms: "testing" finds "tests" and the other way round."""
    story = add(archive.testing, written)

    assert find(archive.testing, searched) == [story]


@pytest.mark.parametrize("searched", ["equipe", "EQUIPE", "Équipes", "équipé"])
def test_accents_and_case_do_not_matter(archive, add, find, searched):
    """A search for "equipe" finds "équipe", whatever the accents and capitals on either side."""
    story = add(archive.design, "Une équipe soudée")

    assert find(archive.design, searched) == [story]


def test_every_word_must_be_there(archive, add, find):
    """Several words narrow the search: a story needs all of them."""
    both = add(archive.testing, "Flaky tests in CI")
    add(archive.testing, "Flaky coffee machine")

    assert find(archive.testing, "flaky ci") == [both]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_story(archive, add, find):
    """The title says most about a story, so a match there comes first."""
    in_body = add(archive.testing, "Monday notes", body="We talked about mutation testing for a while")
    in_title = add(archive.testing, "Mutation testing", body="We tried it on one module")

    assert find(archive.testing, "mutation") == [in_title, in_body]


@pytest.mark.parametrize(
    "hostile",
    [
        '"flaky',
        "flaky NEAR(tests",
        "flaky* -tests",
        "title:flaky",
        "flaky) OR (tests",
        "flaky AND OR NOT",
        "flaky & !tests | ",
        "flaky:* <-> tests",
        "^flaky + {tests}",
        "flaky\\",
        "flaky 🙂 _tests_",
    ],
)
def test_query_syntax_is_searched_as_plain_words(archive, add, find, hostile):
    """Quotes, operators, NEAR, stars, colons and stray parentheses are not syntax: the words are searched."""
    body = "Near misses: a test's title should say what it checks."
    story = add(archive.testing, "Flaky tests", body=body)

    assert find(archive.testing, hostile) == [story]


@pytest.mark.parametrize("nothing", ["the and", "!!!", "()", '"', "'; DROP TABLE stories; --"])
def test_words_that_cannot_match_find_nothing(archive, add, find, nothing):
    """Only stop words, punctuation or words no story has: an empty page, not the latest stories."""
    add(archive.testing, "The flaky tests")

    assert find(archive.testing, nothing) == []


def test_no_words_gives_the_latest_first(archive, add, find):
    """Without words, the community's stories come newest first."""
    older = add(archive.testing, "Older", created_at=WHEN)
    newer = add(archive.testing, "Newer", created_at=WHEN + timedelta(days=1))

    assert find(archive.testing, "  ") == [newer, older]


def test_pages_cover_every_match_once(archive, add, session_factory):
    """Twelve matches in pages of five: three pages, the last with two, each story once, the total on each."""
    ids = {add(archive.testing, f"Retro {n}", created_at=WHEN + timedelta(hours=n)) for n in range(12)}
    seen = []
    with unit_of_work(session_factory) as session:
        for number in (1, 2, 3, 4):
            page = search.search(
                session, team_id="T1", community_id=archive.testing, words="retro", page=number
            )
            assert (page.total, page.pages, page.page) == (12, 3, number)
            seen.append([story.id for story in page.stories])

    assert [len(stories) for stories in seen] == [5, 5, 2, 0]
    every = [story for stories in seen for story in stories]
    assert sorted(every) == sorted(ids)


def test_search_keeps_to_its_workspace_and_community(archive, add, find):
    """The same word in another community or another workspace is never found."""
    mine = add(archive.testing, "Contract testing")
    add(archive.design, "Contract testing")
    add(archive.elsewhere, "Contract testing")

    assert find(archive.testing, "contract") == [mine]
    assert find(archive.elsewhere, "contract", team_id="T1") == []


def test_the_community_named_in_the_index_is_no_search_word(archive, add, find):
    """Searching for how the index names a community ("#c<id>", "c<id>") finds only stories with that word."""
    add(archive.testing, "Contract testing")
    named = add(archive.testing, f"Ticket c{archive.testing}")

    assert find(archive.testing, f"#c{archive.testing}") == [named]
    assert find(archive.testing, f"c{archive.testing}") == [named]


def test_edited_and_deleted_stories_are_reindexed(archive, add, find, session_factory):
    """After an edit the new words find the story and the old ones do not; a deleted story is not found."""
    edited = add(archive.testing, "Flaky tests")
    deleted = add(archive.testing, "Flaky builds")
    with unit_of_work(session_factory) as session:
        story = session.get(Story, edited)
        story.title = "Quarantined tests"
        search.index_story(session, story)
        gone = session.get(Story, deleted)
        gone.deleted_at, gone.title = WHEN, ""
        search.index_story(session, gone)

    assert find(archive.testing, "flaky") == []
    assert find(archive.testing, "quarantine") == [edited]
    assert find(archive.testing, "") == [edited]


def test_rebuilding_the_index_finds_what_it_found(archive, add, find, session_factory):
    """reindex_all (run by the migration for stories stored before it) leaves the same results."""
    story = add(archive.design, "Une équipe soudée", lesson="Partager tôt")
    with unit_of_work(session_factory) as session:
        assert search.reindex_all(session.connection()) == 1

    assert find(archive.design, "equipe partage") == [story]


@pytest.fixture
def alike(session_factory):
    """The ids of the stories similar() finds for a text, closest first."""

    def alike(community_id: int, text: str, language: str = "en", **options) -> list[int]:
        with unit_of_work(session_factory) as session:
            community = session.get(Community, community_id)
            found = search.similar(
                session,
                team_id=community.team_id,
                community_id=community_id,
                text=text,
                language=language,
                **options,
            )
            return [story.id for story in found]

    return alike


def test_similar_stories_share_the_telling_words(archive, add, alike):
    """Stories about the same thing come back, closest first; unrelated ones do not."""
    closest = add(
        archive.testing, "Quarantine for flaky tests", body="Flaky tests went to quarantine, then retries"
    )
    related = add(archive.testing, "Flaky tests again", body="We fixed the clock in our tests")
    add(archive.testing, "Coffee machine", body="We fixed the coffee machine together")
    add(archive.testing, "Onboarding", body="Pairing newcomers with old hands")

    found = alike(archive.testing, "Our flaky tests: quarantine them, add retries, then fix them")

    assert found == [closest, related]


def test_a_word_in_many_stories_says_nothing_about_likeness(archive, add, alike):
    """A word in COMMON_CAP other stories (retro) is left out: one rare word shared beside it is chance."""
    for n in range(search.COMMON_CAP):
        add(archive.testing, f"Retro {n}", body="Retro notes", created_at=WHEN + timedelta(hours=n))
    add(archive.testing, "Retro on quarantine", body="What happened")
    flaky = add(archive.testing, "Quarantine for flaky tests", body="What happened")

    assert alike(archive.testing, "Retro: quarantine the flaky tests") == [flaky]


def test_similar_stories_leave_out_the_story_itself_and_keep_to_the_limit(archive, add, alike):
    """The story just shared is not its own neighbour, and no more than `limit` come back."""
    others = [add(archive.testing, f"Flaky tests {n}", body="Flaky tests in CI") for n in range(4)]
    new = add(archive.testing, "Flaky tests once more", body="Flaky tests in CI")

    found = alike(archive.testing, "Flaky tests once more. Flaky tests in CI", exclude_story_id=new, limit=3)

    assert len(found) == 3
    assert set(found) <= set(others)


def test_similar_stories_keep_to_their_workspace_and_community(archive, add, alike):
    """Look-alikes in another community or workspace are never shown."""
    add(archive.design, "Flaky tests quarantine")
    add(archive.elsewhere, "Flaky tests quarantine")

    assert alike(archive.testing, "Flaky tests quarantine") == []


def test_similar_french_stories_meet_across_word_forms(archive, add, alike):
    """A French story finds one that used other forms of its words, accents or not."""
    story = add(
        archive.design, "Partager les maquettes", body="Nous avons partagé les maquettes avec l'équipe"
    )
    add(archive.design, "Le café", body="La machine à café est réparée")

    assert alike(archive.design, "On partage nos maquettes avec les equipes", language="fr") == [story]


def test_stories_deleted_with_their_community_leave_the_sqlite_index(archive, add, session_factory, engine):
    """A community deleted (its stories cascade) leaves no words behind in SQLite's separate FTS5 table."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps the index in the story's own row")
    add(archive.testing, "Flaky tests")
    kept = add(archive.design, "Tests instables")
    with unit_of_work(session_factory) as session:
        session.execute(delete(Community).where(Community.id == archive.testing))

    with unit_of_work(session_factory) as session:
        assert session.execute(text("SELECT rowid FROM story_search")).scalars().all() == [kept]


def test_every_match_is_counted_and_ranked_and_paging_walks_the_ranking(archive, session_factory):
    """301 matches: all counted, the oldest (retro thrice in its title) first, each match on one page."""
    many = 300
    with unit_of_work(session_factory) as session:
        community = session.get(Community, archive.testing)
        oldest = make_story(session, community, "U1", title="Retro retro retro", created_at=WHEN)
        for n in range(1, many + 1):
            body = "We held a retro" if n != many - 5 else "Retro notes"
            title = "Retro in the title" if n == many - 5 else f"Week {n}"
            make_story(session, community, "U1", title=title, body=body, created_at=WHEN + timedelta(hours=n))
        oldest_id = oldest.id

    with unit_of_work(session_factory) as session:
        first = search.search(session, team_id="T1", community_id=archive.testing, words="retro")
        pages = [
            search.search(session, team_id="T1", community_id=archive.testing, words="retro", page=n)
            for n in range(1, first.pages + 2)
        ]

    assert (first.total, first.pages) == (many + 1, 61)
    assert [story.id for story in first.stories[:2]] == [oldest_id, first.stories[1].id]
    assert first.stories[1].title == "Retro in the title"
    seen = [story.id for page in pages for story in page.stories]
    assert len(seen) == len(set(seen)) == many + 1
    assert (pages[-1].stories, pages[-1].total) == ([], many + 1)  # past the last page: counted all the same
    assert pages[-2].stories[-1].title.startswith("Week")  # the weakest: a match in the story only
