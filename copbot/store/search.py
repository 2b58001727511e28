"""Full-text search over stories: the one module whose SQL differs between SQLite and PostgreSQL.

Both databases index the same normalised words (copbot.domain.search_text: folded, split, no stop words),
so they find the same stories:

- PostgreSQL: ``stories.search_vector``, a tsvector built with the story's language configuration
  ('english' or 'french', which stem the words), under a GIN index.
- SQLite: ``story_search``, an FTS5 table whose rowid is the story's id, holding the words already stemmed
  by Snowball (FTS5 has no French stemmer). Its ``scope`` column carries ``c<community>`` and
  ``c<community><language>`` tokens, so that FTS5 itself keeps to one community and language.

Neither is mapped in copbot.store.models (SQLite cannot hold a tsvector, PostgreSQL needs no FTS5 table):
migration 0004 creates them, `include_in_autogenerate` tells Alembic to leave them alone, and the services
call `index_story` in the transaction that stores, edits, deletes or anonymises a story.
Every query is scoped by workspace, community, and to stories not deleted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from copbot.domain import search_text
from copbot.store.models import Story

PAGE_SIZE = 5
# Similar stories: the new story's telling words are weighed against the community's archive; a word
# in COMMON_CAP stories or more says nothing about likeness, and the rarest SIMILAR_WORDS are looked for.
# A story alike shares SHARED_WORDS of them: one word in common ("fixed") is a coincidence.
TELLING_WORDS = 12
SIMILAR_WORDS = 6
SHARED_WORDS = 2
COMMON_CAP = 500

# Weights of a story's parts in the ranking: the title says most, then what was learned and the tags.
_PG_WEIGHTS = {"title": "A", "lesson": "B", "tags": "B", "body": "C"}
_FTS_COLUMNS = ("title", "lesson", "tags", "body")
_FTS_RANK = "bm25(story_search, 0.0, 5.0, 2.0, 2.0, 1.0)"  # scope first: it never counts
_FTS_WORDS = "{title lesson tags body}"
_CONFIGS = {"en": "english", "fr": "french"}

SEARCH_TABLE = "story_search"
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "ix_stories_search_vector"


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
    _index_row(session.connection(), _Row.of(story))


def reindex_all(connection: Connection) -> int:
    """Rebuild the index of every story (after migration 0004 created it); returns how many were read."""
    columns = "id, community_id, language, title, lesson, tags, body, deleted_at"
    rows = connection.execute(sql(f"SELECT {columns} FROM stories")).mappings().all()
    for row in rows:
        _index_row(connection, _Row.from_mapping(row))
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
    """The community's stories matching every word of `words`, best first; no words: the latest first."""
    page = max(page, 1)
    if not search_text.words(words, "en") and not search_text.words(words, "fr"):
        if words.strip():  # only stop words or punctuation: nothing can match them
            return SearchPage([], 0, page, page_size)
        return _latest(session, team_id=team_id, community_id=community_id, page=page, page_size=page_size)
    scope = {"team_id": team_id, "community_id": community_id}
    query = _PostgresQuery(words) if _is_postgres(session) else _SqliteQuery(words, community_id)
    total = session.execute(sql(query.count_sql()), scope | query.params).scalar_one()
    paging = {"limit": page_size, "offset": (page - 1) * page_size}
    ids = session.execute(sql(query.page_sql()), scope | query.params | paging).scalars().all()
    return SearchPage(_load(session, list(ids)), total, page, page_size)


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
    finder = _Similar(session, team_id, community_id, language, exclude_story_id or 0)
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


def _index_row(connection: Connection, row: _Row) -> None:
    language = search_text.search_language(row.language)
    if connection.dialect.name == "postgresql":
        _index_postgres(connection, row, language)
    else:
        _index_sqlite(connection, row, language)


def _index_postgres(connection: Connection, row: _Row, language: str) -> None:
    if row.deleted:
        connection.execute(sql("UPDATE stories SET search_vector = NULL WHERE id = :id"), {"id": row.id})
        return
    vector = " || ".join(
        f"setweight(to_tsvector(CAST(:config AS regconfig), :{part}), '{weight}')"
        for part, weight in _PG_WEIGHTS.items()
    )
    words = {part: " ".join(search_text.words(value, language)) for part, value in row.parts.items()}
    statement = sql(f"UPDATE stories SET search_vector = {vector} WHERE id = :id")
    connection.execute(statement, {"id": row.id, "config": _CONFIGS[language], **words})


def _index_sqlite(connection: Connection, row: _Row, language: str) -> None:
    connection.execute(sql("DELETE FROM story_search WHERE rowid = :id"), {"id": row.id})
    if row.deleted:
        return
    stems = {part: " ".join(search_text.terms(value, language)) for part, value in row.parts.items()}
    scope = f"c{row.community_id} c{row.community_id}{language}"
    columns = ", ".join(_FTS_COLUMNS)
    values = ", ".join(f":{column}" for column in _FTS_COLUMNS)
    statement = f"INSERT INTO story_search (rowid, scope, {columns}) VALUES (:id, :scope, {values})"
    connection.execute(sql(statement), {"id": row.id, "scope": scope, **stems})


# Both queries join stories for the workspace, community and deletion checks; the FTS5 one with
# CROSS JOIN, which makes SQLite walk the matches first and look each story up by its id.
_FILTERS = "s.team_id = :team_id AND s.community_id = :community_id AND s.deleted_at IS NULL"
_ORDER_TAIL = "s.created_at DESC, s.id DESC LIMIT :limit OFFSET :offset"


class _PostgresQuery:
    """Every word, each story in its own language's configuration; ts_rank orders them."""

    def __init__(self, words: str) -> None:
        self.params = {lang: " ".join(search_text.words(words, lang)) for lang in _CONFIGS}
        en, fr = "plainto_tsquery('english', :en)", "plainto_tsquery('french', :fr)"
        self._match = (
            f"((s.language = 'fr' AND s.search_vector @@ {fr})"
            f" OR (s.language <> 'fr' AND s.search_vector @@ {en}))"
        )
        self._rank = f"ts_rank(s.search_vector, CASE WHEN s.language = 'fr' THEN {fr} ELSE {en} END)"

    def count_sql(self) -> str:
        return f"SELECT count(*) FROM stories s WHERE {_FILTERS} AND {self._match}"

    def page_sql(self) -> str:
        return (
            f"SELECT s.id FROM stories s WHERE {_FILTERS} AND {self._match}"
            f" ORDER BY {self._rank} DESC, {_ORDER_TAIL}"
        )


class _SqliteQuery:
    """Every word's stem, in the community's stories of each language; bm25 orders them."""

    def __init__(self, words: str, community_id: int) -> None:
        branches = [
            f'(scope : "c{community_id}{lang}" AND {_FTS_WORDS} : ({_all_of(words, lang)}))'
            for lang in _CONFIGS
            if search_text.words(words, lang)
        ]
        self.params = {"match": " OR ".join(branches)}

    def count_sql(self) -> str:
        return f"SELECT count(*) FROM {_FTS_FROM} WHERE story_search MATCH :match AND {_FILTERS}"

    def page_sql(self) -> str:
        return (
            f"SELECT s.id FROM {_FTS_FROM} WHERE story_search MATCH :match AND {_FILTERS}"
            f" ORDER BY {_FTS_RANK}, {_ORDER_TAIL}"
        )


_FTS_FROM = "story_search CROSS JOIN stories s ON s.id = story_search.rowid"


def _all_of(words: str, language: str) -> str:
    # Stems are letters and digits only, so quoting them cannot make query syntax.
    return " AND ".join(f'"{term}"' for term in dict.fromkeys(search_text.terms(words, language)))


class _Similar:
    """Finding the stories closest to a new one: how common its words are, then who shares the rare ones."""

    def __init__(
        self, session: Session, team_id: str, community_id: int, language: str, exclude_id: int
    ) -> None:
        self.session, self.language = session, search_text.search_language(language)
        self.scope = {"team_id": team_id, "community_id": community_id, "exclude": exclude_id}
        self.postgres = _is_postgres(session)

    def count(self, words: list[str]) -> dict[str, int]:
        """In how many other stories of the community each word appears, up to COMMON_CAP."""
        if not words:
            return {}
        counts = ", ".join(
            f"(SELECT count(*) FROM ({self._having(index)} LIMIT :cap) AS c{index}) AS n{index}"
            for index in range(len(words))
        )
        params = self.scope | self._params(words) | {"cap": COMMON_CAP}
        row = self.session.execute(sql(f"SELECT {counts}"), params).one()
        return dict(zip(words, row, strict=True))

    def closest(self, words: list[str], counted: dict[str, int], limit: int) -> list[int]:
        """The stories sharing at least SHARED_WORDS of `words` (all, when fewer), closest first."""
        least = min(SHARED_WORDS, len(words))
        params = self.scope | self._params(words) | {"limit": limit, "least": least}
        if self.postgres:
            query = self._closest_postgres(words, counted)
        else:
            params["match"] = self._shared_match(words, least)
            query = (
                f"SELECT s.id FROM {_FTS_FROM} WHERE story_search MATCH :match AND {_FILTERS}"
                f" AND s.id <> :exclude ORDER BY {_FTS_RANK}, s.created_at DESC, s.id DESC LIMIT :limit"
            )
        return list(self.session.execute(sql(query), params).scalars())

    def _closest_postgres(self, words: list[str], counted: dict[str, int]) -> str:
        # ts_rank knows nothing of how rare a word is: each shared word adds its own weight instead.
        tests = [f"s.search_vector @@ {self._tsquery(index)}" for index in range(len(words))]
        shared = " + ".join(f"CASE WHEN {test} THEN 1 ELSE 0 END" for test in tests)
        score = " + ".join(
            f"CASE WHEN {test} THEN {math.log(COMMON_CAP / counted[word]):.6f} ELSE 0 END"
            for test, word in zip(tests, words, strict=True)
        )
        return (
            f"SELECT s.id FROM stories s WHERE {_FILTERS} AND s.id <> :exclude"
            f" AND ({' OR '.join(tests)}) AND ({shared}) >= :least"
            f" ORDER BY {score} DESC, s.created_at DESC, s.id DESC LIMIT :limit"
        )

    def _shared_match(self, words: list[str], least: int) -> str:
        """An FTS5 query for the stories holding at least `least` of the words' stems (bm25 weighs rarity)."""
        stems = [f'"{search_text.stem(word, self.language)}"' for word in words]
        groups = " OR ".join(f"({' AND '.join(group)})" for group in combinations(stems, least))
        return f'scope : "c{self.scope["community_id"]}" AND {_FTS_WORDS} : ({groups})'

    def _having(self, index: int) -> str:
        """The other stories of the community that hold word number `index`."""
        if self.postgres:
            match = f"s.search_vector @@ {self._tsquery(index)}"
            return f"SELECT 1 FROM stories s WHERE {_FILTERS} AND s.id <> :exclude AND {match}"
        return f"SELECT 1 FROM story_search WHERE story_search MATCH :m{index} AND rowid <> :exclude"

    def _tsquery(self, index: int) -> str:
        return f"plainto_tsquery('{_CONFIGS[self.language]}', :w{index})"

    def _params(self, words: list[str]) -> dict[str, object]:
        if self.postgres:
            return {f"w{index}": word for index, word in enumerate(words)}
        scope = f'scope : "c{self.scope["community_id"]}"'
        stems = (search_text.stem(word, self.language) for word in words)
        return {f"m{index}": f'{scope} AND {_FTS_WORDS} : "{stem}"' for index, stem in enumerate(stems)}


def _latest(session: Session, *, team_id: str, community_id: int, page: int, page_size: int) -> SearchPage:
    where = (Story.team_id == team_id, Story.community_id == community_id, Story.deleted_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Story).where(*where)) or 0
    latest = select(Story).where(*where).order_by(Story.created_at.desc(), Story.id.desc())
    stories = session.scalars(latest.limit(page_size).offset((page - 1) * page_size)).all()
    return SearchPage(list(stories), total, page, page_size)


def _load(session: Session, ids: list[int]) -> list[Story]:
    """The stories of `ids`, in that order."""
    found = {story.id: story for story in session.scalars(select(Story).where(Story.id.in_(ids)))}
    return [found[story_id] for story_id in ids if story_id in found]


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"
