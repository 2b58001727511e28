"""Sharing a story: who may, with which community, and keeping it even when the channel will not take it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from copbot.domain.enums import ActivityKind
from copbot.domain.errors import NotAllowed, NotAMember
from copbot.domain.stories import StoryDraft
from copbot.services.helped import helped_count
from copbot.services.home import joined_communities, refresh_home
from copbot.services.lookup import find_community, get_community, membership
from copbot.services.outbox import deliver
from copbot.services.story_posting import deliver_post
from copbot.store import search
from copbot.store.activity import record_activity
from copbot.store.models import Community, Meetup, Member, PromptPost, Story

SIMILAR = "stories.similar"  # an ephemeral note to the author: earlier stories alike, people to ask
SIMILAR_DM = "stories.similar_dm"  # the same note by DM, when the author cannot be shown it in the channel
SIMILAR_SHOWN = 3
# Why an ephemeral cannot reach the author in the channel (they are not in it, or copbot cannot post there).
NOT_SHOWN_IN_CHANNEL = frozenset(
    {"user_not_in_channel", "channel_not_found", "not_in_channel", "is_archived"}
)


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
class SimilarStory:
    title: str
    permalink: str | None
    created_at: datetime
    ask_user_id: str | None  # the author, only when they said others may ask them


@dataclass(frozen=True)
class SimilarNote:
    """What the author of a new story is shown: where, in which community, and the stories alike."""

    author_user_id: str
    channel_id: str
    community_name: str
    stories: list[SimilarStory]


@dataclass(frozen=True)
class SharedStory:
    story_id: int
    author_user_id: str | None  # None once the author asked to be erased
    community_name: str
    channel_id: str
    language: str  # the community's: the channel post is written in it
    title: str
    body: str
    tags: tuple[str, ...]
    lesson: str = ""
    helped: int = 0  # how many pressed "This helped me"
    message_ts: str | None = None  # its post, once posted
    permalink: str | None = None


def share_target(session: Session, *, team_id: str, user_id: str, community_name: str | None) -> ShareTarget:
    """The community named (the person must be in it), else theirs: the only one, or a choice."""
    if community_name:
        community = find_community(session, team_id=team_id, name=community_name)
        active_member(session, community, user_id)
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
    active_member(session, community, user_id)
    return _choice(community)


def share_story(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    community_id: int,
    draft: StoryDraft,
    origin: str,
    now: datetime,
    prompt_post_id: int | None = None,
    session_id: int | None = None,
) -> int:
    """Keep the story (with the session it came from, if any); its post follows the commit. The story's id."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    member = active_member(session, community, user_id)
    story = _keep(session, community, member, draft, now=now)
    story.prompt_post_id = _answered_prompt(session, community, prompt_post_id)
    story.session_id = _session_of(session, community, session_id)
    deliver_post(session, story, community, now=now)
    _deliver_similar(session, story, community, now=now)
    refresh_home(session, team_id=team_id, user_id=user_id, origin=origin, now=now)
    return story.id


def shared_story(session: Session, *, story_id: int) -> SharedStory | None:
    """The story as its post shows it, when the post is sent (None once deleted, or its community gone)."""
    story = session.get(Story, story_id)
    community = session.get(Community, story.community_id) if story is not None else None
    gone = story is None or story.deleted_at is not None
    if gone or community is None or community.archived_at is not None:
        return None
    assert story is not None
    return SharedStory(
        story_id=story.id,
        author_user_id=story.author_user_id,
        community_name=community.name,
        channel_id=community.channel_id,
        language=community.language,
        title=story.title,
        body=story.body,
        tags=tuple(story.tags or ()),
        lesson=story.lesson,
        helped=helped_count(session, story_id=story.id),
        message_ts=story.message_ts,
        permalink=story.permalink,
    )


def similar_note(session: Session, *, story_id: int, similar_ids: list[int]) -> SimilarNote | None:
    """The note on stories alike, as they are when it is sent (None when nothing is left to show)."""
    story = session.get(Story, story_id)
    if story is None or story.author_user_id is None or story.deleted_at is not None:
        return None
    community = session.get(Community, story.community_id)
    alike = [session.get(Story, similar_id) for similar_id in similar_ids]
    shown = [_similar(other) for other in alike if other is not None and other.deleted_at is None]
    if community is None or not shown:
        return None
    return SimilarNote(story.author_user_id, community.channel_id, community.name, shown)


def similar_not_shown(session: Session, *, payload: dict[str, Any], reason: str, now: datetime) -> None:
    """The channel could not show the author the stories alike: they get them by DM instead."""
    if reason not in NOT_SHOWN_IN_CHANNEL:
        return
    story = session.get(Story, int(payload["story_id"]))
    if story is None or story.author_user_id is None:
        return
    deliver(
        session,
        team_id=story.team_id,
        kind=SIMILAR_DM,
        key=f"{SIMILAR_DM}:{story.id}",
        payload=payload,
        now=now,
        community_id=story.community_id,
        worth=timedelta(hours=1),
    )


def _deliver_similar(session: Session, story: Story, community: Community, *, now: datetime) -> None:
    text = "\n".join((story.title, story.lesson, story.body, " ".join(story.tags)))
    alike = search.similar(
        session,
        team_id=story.team_id,
        community_id=community.id,
        text=text,
        language=story.language,
        limit=SIMILAR_SHOWN,
        exclude_story_id=story.id,
    )
    if not alike:
        return
    deliver(
        session,
        team_id=story.team_id,
        kind=SIMILAR,
        key=f"{SIMILAR}:{story.id}",
        payload={"story_id": story.id, "similar_ids": [other.id for other in alike]},
        now=now,
        community_id=community.id,
        worth=timedelta(hours=1),  # said right after sharing, or not at all
    )


def _similar(story: Story) -> SimilarStory:
    ask = story.author_user_id if story.ask_me else None
    return SimilarStory(story.title, story.permalink, story.created_at, ask)


def _answered_prompt(session: Session, community: Community, prompt_post_id: int | None) -> int | None:
    """The prompt the story answers, when it is one of the community's (sealed, but checked all the same)."""
    post = session.get(PromptPost, prompt_post_id) if prompt_post_id is not None else None
    return post.id if post is not None and post.community_id == community.id else None


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
        lesson=draft.lesson,
        ask_me=draft.ask_me,
        language=community.language,
        created_at=now,
        updated_at=now,
    )
    session.add(story)
    search.index_story(session, story)
    record_activity(session, community, member.user_id, ActivityKind.STORY_SHARED, now, story_id=story.id)
    return story


def _session_of(session: Session, community: Community, session_id: int | None) -> int | None:
    """The session a story came from, only if it is the community's (the id came through a form)."""
    meetup = session.get(Meetup, session_id) if session_id is not None else None
    return meetup.id if meetup is not None and meetup.community_id == community.id else None


def active_member(session: Session, community: Community, user_id: str) -> Member:
    """The person's current membership; NotAllowed offers to join when they are not in the community."""
    member = membership(session, community_id=community.id, user_id=user_id)
    if member is None or member.left_at is not None:
        raise NotAMember(
            "Join {name} first: `/cop join {slug}`",
            community_id=community.id,
            name=community.name,
            slug=community.slug,
        )
    return member


def _choice(community: Community) -> CommunityChoice:
    return CommunityChoice(id=community.id, name=community.name)
