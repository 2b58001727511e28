"""Full-text search over stories: the one module whose SQL differs between SQLite and PostgreSQL.

Both databases index the same normalised words (copbot.domain.search_text: folded, split, no stop words),
so they find the same stories:

- PostgreSQL: ``stories.search_vector``, a tsvector built with the story's language configuration
  ('english' or 'french', which stem the words), under a GIN index. It also holds one lexeme naming the
  community, ``#c<community id>`` (no word of a story or a search can hold a ``#``), so that the GIN
  index itself keeps to one community: a common word's matches in other communities are never read
  from the table (migration 0013).
- SQLite: ``story_search``, an FTS5 table whose rowid is the story's id, holding the words already stemmed
  by Snowball (FTS5 has no French stemmer); its ``scope`` column holds ``c<community id>``, so that FTS5
  itself keeps to one community.

A search is every word, stemmed as English and as French (a story matches in either). Every match is
ranked in SQL (PostgreSQL's ts_rank, FTS5's bm25) and one page is read with ORDER BY … LIMIT/OFFSET, so
paging walks the true ranking; the same statement counts the matches.
The workspace is checked once, on the community (a community belongs to one workspace), not on every
match: no match is joined to its community, which also keeps PostgreSQL's planner from combining the
stories.team_id index into every search.
Neither index is mapped in copbot.store.models (SQLite cannot hold a tsvector, PostgreSQL needs no FTS5
table): migration 0004 creates them, `include_in_autogenerate` keeps Alembic off them, and the services
call `index_story` in the transaction that stores, edits, deletes or anonymises a story. Every query is
scoped by workspace and community, to stories not deleted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol

from sqlalchemy import Connection, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from copbot.domain import search_text
from copbot.store import dialect
from copbot.store.models import Story

PAGE_SIZE = 5
# Similar stories: the new story's telling words are weighed against the community's archive; a word
# in COMMON_CAP other stories or more says nothing about likeness, and the rarest SIMILAR_WORDS are
# looked for. A story alike shares SHARED_WORDS of them: one word in common ("fixed") is a coincidence.
TELLING_WORDS = 12
SIMILAR_WORDS = 6
SHARED_WORDS = 2
COMMON_CAP = 50
RECENT_SAMPLE = 400  # PostgreSQL: the latest stories that tell a common word without the GIN index

SEARCH_TABLE = "story_search"
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "ix_stories_search_vector"
_CONFIGS = {"en": "english", "fr": "french"}
# The parts of a story and how much a match in each says: PostgreSQL's weights; the FTS5 columns, in
# this order, weighted by _FTS_RANK.
_PARTS = {"title": "A", "lesson": "B", "tags": "B", "body": "C"}
_FTS_RANK = "bm25(story_search, 0.0, 5.0, 2.0, 2.0, 1.0)"  # scope first: it never counts
_FTS_WORDS = "{title lesson tags body}"
_NEWEST = "s.created_at DESC, s.id DESC"
# One community's stories not deleted (the workspace is checked once, by _in_workspace).
_OWN = "stories s WHERE s.community_id = :community_id AND s.deleted_at IS NULL"


@dataclass(frozen=True)
class SearchPage:
    """One page of stories, best first, and how many match in all."""

    stories: list[Story]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def index_story(session: Session, story: Story) -> None:
    """Make the index agree with `story` as it is now: stored, edited, anonymised, or deleted (gone)."""
    session.flush()
    _index(session.connection(), [_Row.of(story)])


def reindex_all(connection: Connection) -> int:
    """Rebuild the index of every story (migration 0004 runs it); returns how many stories were read."""
    columns = "id, community_id, language, title, lesson, tags, body, deleted_at"
    rows = connection.execute(sql(f"SELECT {columns} FROM stories ORDER BY id")).mappings().all()
    for start in range(0, len(rows), 1000):
        _index(connection, [_Row.from_mapping(row) for row in rows[start : start + 1000]])
    return len(rows)


def search(
    session: Session,
    *,
    team_id: str,
    community_id: int,
    words: str,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> SearchPage:
    """The community's stories holding every word of `words`, best first; no words: the latest first."""
    page = max(page, 1)
    query = _query(session, {"community_id": community_id}, words)
    if query is None or not _in_workspace(session, team_id, community_id):
        return SearchPage([], 0, page=page, page_size=page_size)
    paging = {"limit": page_size, "offset": (page - 1) * page_size}
    rows = session.execute(sql(query.ranked), query.params | paging).all()
    if query.counts_in_page and (rows or page == 1):
        total = rows[0].total if rows else 0
    else:  # no words, or a page past the last match: counted on its own
        total = session.execute(sql(query.count), query.params).scalar_one()
    ids = [row.id for row in rows]
    return SearchPage(_load(session, ids), total, page=page, page_size=page_size)


def _in_workspace(session: Session, team_id: str, community_id: int) -> bool:
    """Checked once, so that the search itself need not join every match to its community."""
    found = "SELECT 1 FROM communities WHERE id = :community_id AND team_id = :team_id"
    return session.execute(sql(found), {"community_id": community_id, "team_id": team_id}).first() is not None


def similar(
    session: Session,
    *,
    team_id: str,
    community_id: int,
    text: str,
    language: str,
    limit: int = 3,
    exclude_story_id: int | None = None,
) -> list[Story]:
    """Up to `limit` stories of the community sharing the rarest telling words of `text`, closest first."""
    if not _in_workspace(session, team_id, community_id):
        return []
    finder = _Similar(session, community_id, language, exclude_story_id or 0)
    counted = finder.count(search_text.telling_words(text, language, TELLING_WORDS))
    rare = sorted((word for word in counted if 0 < counted[word] < COMMON_CAP), key=counted.__getitem__)
    if not rare:
        return []
    return _load(session, finder.closest(rare[:SIMILAR_WORDS], counted, limit))


def include_in_autogenerate(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """False for the index objects of this module, which the models do not map (Alembic's include_name)."""
    if type_ == "table":
        return not (name or "").startswith(SEARCH_TABLE)
    if type_ == "column":
        return not (parent_names.get("table_name") == "stories" and name == SEARCH_COLUMN)
    return not (type_ == "index" and name == SEARCH_INDEX)


@dataclass(frozen=True)
class _Row:
    """What the index needs of a story."""

    id: int
    community_id: int
    language: str
    parts: dict[str, str]
    deleted: bool

    @classmethod
    def of(cls, story: Story) -> _Row:
        parts = {
            "title": story.title,
            "lesson": story.lesson,
            "tags": " ".join(story.tags),
            "body": story.body,
        }
        return cls(story.id, story.community_id, story.language, parts, story.deleted_at is not None)

    @classmethod
    def from_mapping(cls, row: Any) -> _Row:
        tags = row["tags"] if isinstance(row["tags"], list) else json.loads(row["tags"] or "[]")
        parts = {"title": row["title"], "lesson": row["lesson"], "tags": " ".join(tags), "body": row["body"]}
        return cls(row["id"], row["community_id"], row["language"], parts, row["deleted_at"] is not None)


def _index(connection: Connection, rows: list[_Row]) -> None:
    if connection.dialect.name == "postgresql":
        _index_postgres(connection, rows)
    else:
        _index_sqlite(connection, rows)


def _index_postgres(connection: Connection, rows: list[_Row]) -> None:
    vector = " || ".join(
        f"setweight(to_tsvector(CAST(:config AS regconfig), :{part}), '{weight}')"
        for part, weight in _PARTS.items()
    )
    vector += " || CAST(:scope AS tsvector)"
    live = [row for row in rows if not row.deleted]
    if live:
        params = [
            {
                "id": row.id,
                "config": _CONFIGS[_language(row)],
                "scope": _pg_scope(row.community_id),
                **_words(row, search_text.words),
            }
            for row in live
        ]
        connection.execute(sql(f"UPDATE stories SET search_vector = {vector} WHERE id = :id"), params)
    if gone := [{"id": row.id} for row in rows if row.deleted]:
        connection.execute(sql("UPDATE stories SET search_vector = NULL WHERE id = :id"), gone)


def _index_sqlite(connection: Connection, rows: list[_Row]) -> None:
    connection.execute(sql("DELETE FROM story_search WHERE rowid = :id"), [{"id": row.id} for row in rows])
    live = [row for row in rows if not row.deleted]
    if live:
        columns = ", ".join(_PARTS)
        values = ", ".join(f":{column}" for column in _PARTS)
        insert = f"INSERT INTO story_search (rowid, scope, {columns}) VALUES (:id, :scope, {values})"
        params = [
            {"id": row.id, "scope": f"c{row.community_id}", **_words(row, search_text.terms)} for row in live
        ]
        connection.execute(sql(insert), params)


def _words(row: _Row, normalise: Callable[[str, str], list[str]]) -> dict[str, str]:
    """Each part of the story as the index takes it: normalised words (PostgreSQL) or stems (SQLite)."""
    return {part: " ".join(normalise(value, _language(row))) for part, value in row.parts.items()}


def _pg_scope(community_id: object) -> str:
    """The lexeme naming a community in PostgreSQL's vectors (and the query term for it), quoted."""
    return f"'#c{community_id}'"


def _language(row: _Row) -> str:
    return search_text.search_language(row.language)


def _query(session: Session, scope: dict[str, object], words: str) -> _Query | None:
    """The SQL for a search; None when nothing can match (only stop words or punctuation)."""
    terms = {language: search_text.words(words, language) for language in _CONFIGS}
    if not any(terms.values()):
        return None if words.strip() else _Latest(scope)
    return _PostgresQuery(scope, terms) if dialect.is_postgres(session) else _SqliteQuery(scope, terms)


class _Query(Protocol):
    """A search as SQL: `count` counts every match, `ranked` reads one page of the best (`id`).

    `counts_in_page`: `ranked` also says how many match in all (`total`), counted while every match is
    ranked anyway, so that they are read once; `count` is then needed only past the last page.
    """

    params: dict[str, object]
    count: str
    ranked: str
    counts_in_page: bool


class _Latest:
    """No words: the community's stories, newest first (an index walk: ix_stories_community_created)."""

    def __init__(self, scope: dict[str, object]) -> None:
        self.params = scope
        self.counts_in_page = False  # an index walk stops at the page: counting would read them all
        self.count = f"SELECT count(*) FROM {_OWN}"
        self.ranked = f"SELECT s.id AS id FROM {_OWN} ORDER BY {_NEWEST} LIMIT :limit OFFSET :offset"


class _PostgresQuery:
    """Every word, as English or as French; every match ranked by ts_rank.

    The GIN index finds the community's matches (its lexeme AND the words), so the community_id column is
    not tested: the planner then cannot prefer walking the community's stories and testing each one.
    A deleted story has no vector, so deleted_at needs no test either. ts_rank weighs the words only.
    """

    def __init__(self, scope: dict[str, object], terms: dict[str, list[str]]) -> None:
        self.params = scope | {language: " ".join(words) for language, words in terms.items()}
        self.params["scope"] = _pg_scope(scope["community_id"])
        query = "(plainto_tsquery('english', :en) || plainto_tsquery('french', :fr))"
        where = f"stories s WHERE s.search_vector @@ (CAST(:scope AS tsquery) && {query})"
        self.count = f"SELECT count(*) FROM {where}"
        self.counts_in_page = True
        rank = f"ts_rank(s.search_vector, {query})"
        matches = f"SELECT s.id AS id, s.created_at AS created_at, {rank} AS rank FROM {where}"
        self.ranked = _page_of(matches, order="rank DESC, created_at DESC, id DESC")


class _SqliteQuery:
    """Every word's stem, as English or as French; every match ranked by bm25.

    FTS5 alone answers: the scope column keeps to the community and a deleted story has left the index,
    so no match is looked up in stories; ties go to the newest by id.
    """

    def __init__(self, scope: dict[str, object], terms: dict[str, list[str]]) -> None:
        either = " OR ".join(f"({_all_stems(words, language)})" for language, words in terms.items() if words)
        self.params = scope | {"match": f'scope : "c{scope["community_id"]}" AND {_FTS_WORDS} : ({either})'}
        where = "story_search WHERE story_search MATCH :match"
        self.count = f"SELECT count(*) FROM {where}"
        self.counts_in_page = True
        matches = f"SELECT rowid AS id, {_FTS_RANK} AS rank FROM {where}"
        self.ranked = _page_of(matches, order="rank, id DESC")


def _page_of(matches: str, *, order: str) -> str:
    """One page of `matches` in `order`, each row with how many match in all (`total`).

    The matches are ranked once into a CTE that both the count and the page read: counting them apart
    read every match from the table a second time.
    """
    return (
        f"WITH m AS MATERIALIZED ({matches})"
        f" SELECT id, (SELECT count(*) FROM m) AS total FROM m ORDER BY {order} LIMIT :limit OFFSET :offset"
    )


def _all_stems(words: Iterable[str], language: str) -> str:
    # Stems are letters and digits only, so quoting them cannot make query syntax.
    return " AND ".join(f'"{stem}"' for stem in dict.fromkeys(search_text.stem(w, language) for w in words))


class _Similar:
    """Finding the stories closest to a new one: how common its words are, then who shares the rare ones."""

    def __init__(self, session: Session, community_id: int, language: str, exclude: int) -> None:
        self.session, self.language = session, search_text.search_language(language)
        self.scope = {"community_id": community_id, "exclude": exclude}
        self.postgres = dialect.is_postgres(session)

    def count(self, words: list[str]) -> dict[str, int]:
        """In how many other stories of the community each word appears, up to COMMON_CAP."""
        if not words:
            return {}
        params = self.scope | self._params(words) | {"cap": COMMON_CAP, "recent": RECENT_SAMPLE}
        if self.postgres:
            statement = self._count_postgres(len(words))
        else:
            statement = f"SELECT {', '.join(self._capped(len(words)))}"
        row = self.session.execute(sql(statement), params).one()
        return dict(zip(words, row, strict=True))

    def _capped(self, words: int) -> list[str]:
        """Each word's count through the index, up to COMMON_CAP."""
        return [f"(SELECT count(*) FROM ({self._having(i)} LIMIT :cap) AS c{i})" for i in range(words)]

    def _count_postgres(self, words: int) -> str:
        """Each word's capped count: from the community's latest stories when they alone reach the cap.

        A common word is seen COMMON_CAP times among the RECENT_SAMPLE latest stories, read once for every
        word; only the other words are counted through the GIN index, where their lists are short (the
        planner, left to choose per word, intersected a middling word's list with the community's).
        """
        recent = ", ".join(f"count(*) FILTER (WHERE r.v @@ {self._tsquery(i)}) AS r{i}" for i in range(words))
        latest = f"SELECT s.search_vector AS v FROM {_OWN} AND s.id <> :exclude"
        counts = ", ".join(
            f"CASE WHEN r{i} >= :cap THEN :cap ELSE {count} END"
            for i, count in enumerate(self._capped(words))
        )
        return (
            f"SELECT {counts} FROM (SELECT {recent}"
            f" FROM ({latest} ORDER BY s.created_at DESC LIMIT :recent) AS r) AS seen"
        )

    def closest(self, words: list[str], counted: dict[str, int], limit: int) -> list[int]:
        """The stories sharing at least SHARED_WORDS of `words` (all, when fewer), closest first."""
        least = min(SHARED_WORDS, len(words))
        params = self.scope | self._params(words) | {"limit": limit, "least": least}
        if self.postgres:
            query = self._closest_postgres(words, counted)
        else:
            params["match"] = self._shared_match(words, least)
            query = (
                "SELECT rowid FROM story_search WHERE story_search MATCH :match AND rowid <> :exclude"
                f" ORDER BY {_FTS_RANK}, rowid DESC LIMIT :limit"
            )
        return list(self.session.execute(sql(query), params).scalars())

    def _closest_postgres(self, words: list[str], counted: dict[str, int]) -> str:
        # ts_rank knows nothing of how rare a word is: each shared word adds its own weight instead.
        tests = [f"s.search_vector @@ {self._tsquery(index)}" for index in range(len(words))]
        either = " || ".join(self._tsquery(index) for index in range(len(words)))
        shared = " + ".join(f"CASE WHEN {test} THEN 1 ELSE 0 END" for test in tests)
        score = " + ".join(
            f"CASE WHEN {test} THEN {math.log(COMMON_CAP / counted[word]):.6f} ELSE 0 END"
            for test, word in zip(tests, words, strict=True)
        )
        return (
            f"SELECT s.id FROM stories s WHERE s.id <> :exclude"
            f" AND s.search_vector @@ (CAST(:scope AS tsquery) && ({either})) AND ({shared}) >= :least"
            f" ORDER BY {score} DESC, {_NEWEST} LIMIT :limit"
        )

    def _shared_match(self, words: list[str], least: int) -> str:
        """An FTS5 query for the stories holding at least `least` of the words' stems (bm25 weighs rarity)."""
        stems = [f'"{search_text.stem(word, self.language)}"' for word in words]
        groups = " OR ".join(f"({' AND '.join(group)})" for group in combinations(stems, least))
        return f'scope : "c{self.scope["community_id"]}" AND {_FTS_WORDS} : ({groups})'

    def _having(self, index: int) -> str:
        """The other stories of the community that hold word number `index`."""
        if self.postgres:
            # Common words are counted apart (_count_postgres): the GIN index alone finds the rest.
            match = f"s.search_vector @@ (CAST(:scope AS tsquery) && {self._tsquery(index)})"
            return f"SELECT 1 FROM stories s WHERE s.id <> :exclude AND {match}"
        return f"SELECT 1 FROM story_search WHERE story_search MATCH :m{index} AND rowid <> :exclude"

    def _tsquery(self, index: int) -> str:
        return f"plainto_tsquery('{_CONFIGS[self.language]}', :w{index})"

    def _params(self, words: list[str]) -> dict[str, object]:
        if self.postgres:
            words_params: dict[str, object] = {f"w{index}": word for index, word in enumerate(words)}
            return words_params | {"scope": _pg_scope(self.scope["community_id"])}
        scope = f'scope : "c{self.scope["community_id"]}"'
        stems = (search_text.stem(word, self.language) for word in words)
        return {f"m{index}": f'{scope} AND {_FTS_WORDS} : "{stem}"' for index, stem in enumerate(stems)}


def _load(session: Session, ids: list[int]) -> list[Story]:
    """The stories of `ids`, in that order."""
    found = {story.id: story for story in session.scalars(select(Story).where(Story.id.in_(ids)))}
    return [found[story_id] for story_id in ids if story_id in found]
