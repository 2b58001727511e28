"""Finding stories: `/cop stories [community] [words]`, one page at a time, for members of the community."""

from __future__ import annotations

from dataclasses import dataclass, replace
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
    other: OtherReading | None = None  # how to ask for the other reading of the command


@dataclass(frozen=True)
class OtherReading:
    """The other reading of a command: all its `words` searched in this community (the person's).

    When `named_is_member` is False, `words` is the first word, naming a community the person is not in.
    """

    community_name: str
    community_slug: str
    words: str
    named_is_member: bool  # False: the first word names a community the person is not in


def find_stories(
    session: Session, *, team_id: str, user_id: str, channel_id: str, args: list[str]
) -> StoriesFound:
    """The first page for `/cop stories [community] [words]` (see `_choose` for which community)."""
    choice = _choose(session, team_id=team_id, user_id=user_id, channel_id=channel_id, args=args)
    found = _page(session, choice.community, user_id=user_id, words=" ".join(choice.words), page=1)
    return replace(found, other=choice.other)


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


@dataclass(frozen=True)
class Choice:
    """Where a search goes, and the other reading of the same command, to say how to ask for it."""

    community: Community
    words: list[str]
    other: OtherReading | None = None


def _choose(session: Session, *, team_id: str, user_id: str, channel_id: str, args: list[str]) -> Choice:
    """Where to search: the first word is the community when it names one the person is in.

    Otherwise every word is searched, in the channel's community if they are in it, else in their only one;
    with neither, a first word naming a community is taken as that community (they are offered to join).
    """
    joined = joined_communities(session, team_id=team_id, user_id=user_id)
    named = _named(communities_in(session, team_id=team_id), args[0]) if args else None
    default = next((c for c in joined if c.channel_id == channel_id), joined[0] if len(joined) == 1 else None)
    if named is not None and (named in joined or default is None):  # else nowhere: offer to join it
        other = None
        if named in joined and default is not None and default != named and args[1:]:
            other = OtherReading(default.name, default.slug, " ".join(args), named_is_member=True)
        return Choice(named, args[1:], other)
    if default is None:
        if not joined:
            raise NotAllowed(
                "You are not in a community yet. Join one first: `/cop join` (`/cop list` shows them all)."
            )
        raise InvalidInput(
            "You are in several communities: say which one to search, e.g. `/cop stories {slug} …`.",
            slug=joined[0].slug,
        )
    other = OtherReading(named.name, named.slug, args[0], named_is_member=False) if named else None
    return Choice(default, args, other)


def _named(communities: list[Community], word: str) -> Community | None:
    wanted = word.lstrip("#").lower()
    return next((c for c in communities if wanted in {c.slug, c.name.lower()}), None)


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
