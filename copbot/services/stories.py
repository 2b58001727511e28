"""Sharing a story: who may, with which community, and keeping it even when the channel will not take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind
from copbot.domain.errors import NotAllowed
from copbot.domain.stories import StoryDraft
from copbot.services.home import joined_communities
from copbot.services.lookup import find_community, get_community, membership
from copbot.store import search
from copbot.store.activity import record_activity
from copbot.store.models import Community, Member, Story


@dataclass(frozen=True)
class CommunityChoice:
    id: int
    name: str


@dataclass(frozen=True)
class ShareTarget:
    """Where a story may go: one community already decided, or the person's communities to pick from."""

    fixed: CommunityChoice | None
    choices: list[CommunityChoice]


@dataclass(frozen=True)
class SharedStory:
    story_id: int
    author_user_id: str
    community_name: str
    channel_id: str
    language: str  # the community's: the channel post is written in it
    title: str
    body: str
    tags: tuple[str, ...]


class StoryChannel(Protocol):
    """Where shared stories are told; the Slack side implements it."""

    def post(self, story: SharedStory) -> str | None:
        """Post the story in its community's channel: the message's ts, or None when it could not be."""

    def tell_author_not_posted(self, story: SharedStory) -> None:
        """Let the author know their story is kept but did not reach the channel."""


def share_target(session: Session, *, team_id: str, user_id: str, community_name: str | None) -> ShareTarget:
    """The community named (the person must be in it), else theirs: the only one, or a choice."""
    if community_name:
        community = find_community(session, team_id=team_id, name=community_name)
        _active_member(session, community, user_id)
        return ShareTarget(fixed=_choice(community), choices=[])
    joined = joined_communities(session, team_id=team_id, user_id=user_id)
    if not joined:
        raise NotAllowed(
            "You are not in a community yet. Join one first: `/cop join` (`/cop list` shows them all)."
        )
    if len(joined) == 1:
        return ShareTarget(fixed=_choice(joined[0]), choices=[])
    return ShareTarget(fixed=None, choices=[_choice(community) for community in joined])


def shareable_community(
    session: Session, *, team_id: str, user_id: str, community_id: int
) -> CommunityChoice:
    """A community the person may share with, by an id from a button (untrusted)."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    _active_member(session, community, user_id)
    return _choice(community)


def share_story(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    draft: StoryDraft,
    now: datetime,
    channel: StoryChannel,
) -> SharedStory:
    """Keep the story, then tell it in the community's channel; if that fails it stays kept."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    member = _active_member(session, community, user_id)
    story = _keep(session, community, member, draft, now=now)
    shared = SharedStory(
        story_id=story.id,
        author_user_id=user_id,
        community_name=community.name,
        channel_id=community.channel_id,
        language=community.language,
        title=story.title,
        body=story.body,
        tags=draft.tags,
    )
    message_ts = channel.post(shared)
    if message_ts is None:
        channel.tell_author_not_posted(shared)
    else:
        story.channel_id, story.message_ts = community.channel_id, message_ts
    return shared


def _keep(
    session: Session, community: Community, member: Member, draft: StoryDraft, *, now: datetime
) -> Story:
    story = Story(
        team_id=member.team_id,
        community_id=member.community_id,
        member_id=member.id,
        author_user_id=member.user_id,
        title=draft.title,
        body=draft.body,
        tags=list(draft.tags),
        language=community.language,
        created_at=now,
        updated_at=now,
    )
    session.add(story)
    search.index_story(session, story)
    record_activity(session, community, member.user_id, ActivityKind.STORY_SHARED, now, story_id=story.id)
    return story


def _active_member(session: Session, community: Community, user_id: str) -> Member:
    member = membership(session, community_id=community.id, user_id=user_id)
    if member is None or member.left_at is not None:
        raise NotAllowed("Join {name} first: `/cop join {slug}`", name=community.name, slug=community.slug)
    return member


def _choice(community: Community) -> CommunityChoice:
    return CommunityChoice(id=community.id, name=community.name)
