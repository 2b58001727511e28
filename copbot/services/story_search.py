"""Finding stories: `/cop stories [community] [words]`, one page at a time, for members of the community."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from copbot.domain.errors import InvalidInput, NotAllowed
from copbot.domain.search_text import validate_search_text
from copbot.domain.text import one_line
from copbot.services.home import joined_communities
from copbot.services.lookup import communities_in, get_community
from copbot.services.stories import active_member
from copbot.store import search
from copbot.store.models import Community, Story

EXCERPT_MAX = 280  # what a result shows of a story: enough to recognise it, the permalink has the rest


@dataclass(frozen=True)
class FoundStory:
    id: int
    title: str
    excerpt: str
    author_user_id: str | None  # None once the author asked to be erased
    created_at: datetime
    permalink: str | None


@dataclass(frozen=True)
class StoriesFound:
    """One page of a search (or of the latest stories, when `words` is empty)."""

    community_id: int
    community_name: str
    community_slug: str
    words: str
    stories: list[FoundStory]
    total: int
    page: int
    pages: int


def find_stories(session: Session, *, team_id: str, user_id: str, args: list[str]) -> StoriesFound:
    """The first page for `/cop stories [community] [words]`: a first word naming a community picks it."""
    community, words = _community_and_words(session, team_id=team_id, user_id=user_id, args=args)
    return _page(session, community, user_id=user_id, words=" ".join(words), page=1)


def stories_page(
    session: Session, *, team_id: str, user_id: str, community_id: int, words: str, page: int
) -> StoriesFound:
    """Another page of a search, from a paging button (its community id and words are untrusted)."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    return _page(session, community, user_id=user_id, words=words, page=page)


def _page(session: Session, community: Community, *, user_id: str, words: str, page: int) -> StoriesFound:
    clean = validate_search_text(words)
    active_member(session, community, user_id)
    found = search.search(
        session, team_id=community.team_id, community_id=community.id, words=clean, page=page
    )
    return StoriesFound(
        community_id=community.id,
        community_name=community.name,
        community_slug=community.slug,
        words=clean,
        stories=[_found(story) for story in found.stories],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )


def _community_and_words(
    session: Session, *, team_id: str, user_id: str, args: list[str]
) -> tuple[Community, list[str]]:
    if args:
        wanted = args[0].lstrip("#").lower()
        for community in communities_in(session, team_id=team_id):
            if wanted in {community.slug, community.name.lower()}:
                return community, args[1:]
    joined = joined_communities(session, team_id=team_id, user_id=user_id)
    if not joined:
        raise NotAllowed(
            "You are not in a community yet. Join one first: `/cop join` (`/cop list` shows them all)."
        )
    if len(joined) > 1:
        raise InvalidInput(
            "You are in several communities: say which one to search, e.g. `/cop stories {slug} …`.",
            slug=joined[0].slug,
        )
    return joined[0], args


def _found(story: Story) -> FoundStory:
    excerpt = one_line(story.lesson or story.body)
    if len(excerpt) > EXCERPT_MAX:
        excerpt = excerpt[: EXCERPT_MAX - 1].rstrip() + "…"
    return FoundStory(
        id=story.id,
        title=story.title,
        excerpt=excerpt,
        author_user_id=story.author_user_id,
        created_at=story.created_at,
        permalink=story.permalink,
    )
