"""Scheduled story prompts: planning each community's next prompt, what its post shows, a slower rhythm.

The loop calls `plan_prompts` every tick. A prompt due in a community becomes a prompt_posts row (unique per
community and slot, so two loops plan it once) and, in the same transaction, the delivery of its channel
post. When the prompts before it drew no story, the post says so lightly; at the third silent prompt in a
row its organisers get one DM offering a slower rhythm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from copbot.domain.enums import PromptCadence
from copbot.domain.errors import NotAllowed
from copbot.domain.prompts import (
    OWN_KEY_PREFIX,
    OWN_THEME,
    SLOT_WORTH,
    PastPrompt,
    PoolPrompt,
    choose_prompt,
    due_slot,
    own_prompt_key,
    slower_cadence,
    suggests_slower_rhythm,
)
from copbot.prompts.library import builtin_library
from copbot.services.lookup import get_community, is_organiser
from copbot.services.outbox import deliver
from copbot.store.community_life import running, too_early
from copbot.store.members import organiser_ids
from copbot.store.models import Community, HiddenPrompt, Prompt, PromptPost, Story
from copbot.store.upsert import insert_returning_id

POST = "prompts.post"
SLOWER_DM = "prompts.slower"
SLOWER_WORTH = timedelta(days=3)
SLOWER_CADENCES = frozenset(cadence.value for cadence in PromptCadence if cadence != PromptCadence.OFF)


@dataclass(frozen=True)
class PromptView:
    """A prompt's channel post as it is sent."""

    prompt_post_id: int
    channel_id: str
    language: str
    text: str
    theme: str | None  # the theme's name in the community's language; None for its own prompts
    quiet_before: bool  # the prompt before drew no story


@dataclass(frozen=True)
class SlowerSuggestion:
    community_id: int
    community_name: str
    user_id: str
    cadence: PromptCadence  # the slower rhythm offered


def plan_prompts(session: Session, now: datetime) -> None:
    """Plan the prompt due now in every community with a rhythm (a planner of the loop)."""
    live = select(Community).where(Community.prompt_cadence != PromptCadence.OFF, running())
    for community in session.scalars(live.order_by(Community.id)):
        _plan(session, community, now)


def _plan(session: Session, community: Community, now: datetime) -> None:
    last_slot = session.scalar(
        select(func.max(PromptPost.slot_at)).where(PromptPost.community_id == community.id)
    )
    slot = due_slot(
        community.prompt_cadence,
        weekday=community.prompt_weekday,
        at=community.prompt_time,
        zone=community.timezone,
        now=now,
        last_slot=last_slot,
    )
    if slot is None or too_early(community, slot):  # most ticks: nothing is due, the history is not read
        return
    history = prompt_history(session, community_id=community.id)
    chosen = choose_prompt(
        prompt_pool(session, community), history, seed=f"{community.id}:{slot.isoformat()}"
    )
    if chosen is None:
        return
    post_id = insert_returning_id(
        session,
        PromptPost,
        ["community_id", "slot_at"],
        team_id=community.team_id,
        community_id=community.id,
        prompt_key=chosen.key,
        theme=chosen.theme,
        language=community.language,
        slot_at=slot,
        created_at=now,
    )
    if post_id is None:
        return  # another loop planned this slot
    deliver(
        session,
        team_id=community.team_id,
        kind=POST,
        key=f"prompt:{community.id}:{slot.isoformat()}",
        payload={"prompt_post_id": post_id, "quiet_before": bool(history) and history[-1].stories == 0},
        now=now,
        community_id=community.id,
        channel_id=community.channel_id,
        due_at=slot,
        worth=SLOT_WORTH,
    )
    _suggest_slower(session, community, history, slot=slot, now=now)


def _suggest_slower(
    session: Session, community: Community, history: list[PastPrompt], *, slot: datetime, now: datetime
) -> None:
    slower = slower_cadence(community.prompt_cadence)
    if slower is None or not suggests_slower_rhythm(history):
        return
    for user_id in organiser_ids(session, community_id=community.id):
        deliver(
            session,
            team_id=community.team_id,
            kind=SLOWER_DM,
            key=f"prompt-slower:{community.id}:{slot.isoformat()}:{user_id}",
            payload={"community_id": community.id, "user_id": user_id, "cadence": slower.value},
            now=now,
            community_id=community.id,
            worth=SLOWER_WORTH,
        )


def prompt_history(session: Session, *, community_id: int) -> list[PastPrompt]:
    """The prompts planned in the community, oldest first, with how many stories answered each."""
    answered = and_(Story.prompt_post_id == PromptPost.id, Story.deleted_at.is_(None))
    query = (
        select(PromptPost.prompt_key, PromptPost.theme, PromptPost.slot_at, func.count(Story.id))
        .outerjoin(Story, answered)
        .where(PromptPost.community_id == community_id)
        .group_by(PromptPost.id, PromptPost.prompt_key, PromptPost.theme, PromptPost.slot_at)
        .order_by(PromptPost.slot_at)
    )
    return [
        PastPrompt(key, theme, slot_at, stories) for key, theme, slot_at, stories in session.execute(query)
    ]


def prompt_pool(session: Session, community: Community) -> list[PoolPrompt]:
    """The built-in prompts the community did not hide, then its own, in a fixed order."""
    hidden = set(
        session.scalars(select(HiddenPrompt.prompt_key).where(HiddenPrompt.community_id == community.id))
    )
    builtin = [prompt.in_pool() for prompt in builtin_library().prompts if prompt.key not in hidden]
    return [
        *builtin,
        *(PoolPrompt(own_prompt_key(own.id), OWN_THEME) for own in own_prompts(session, community.id)),
    ]


def own_prompts(session: Session, community_id: int) -> list[Prompt]:
    query = select(Prompt).where(Prompt.community_id == community_id, Prompt.removed_at.is_(None))
    return list(session.scalars(query.order_by(Prompt.id)))


def prompt_view(session: Session, *, prompt_post_id: int, quiet_before: bool) -> PromptView | None:
    """The prompt's post as it is sent (None when its community is gone)."""
    post = session.get(PromptPost, prompt_post_id)
    community = session.get(Community, post.community_id) if post is not None else None
    if post is None or community is None or community.archived_at is not None:
        return None
    text, theme = _words(session, post)
    return PromptView(post.id, community.channel_id, post.language, text, theme, quiet_before)


def _words(session: Session, post: PromptPost) -> tuple[str, str | None]:
    if post.prompt_key.startswith(OWN_KEY_PREFIX):
        own = session.get(Prompt, int(post.prompt_key.removeprefix(OWN_KEY_PREFIX)))
        return (own.text if own is not None else ""), None
    library = builtin_library()
    builtin = library.get(post.prompt_key)
    theme = library.themes.get(post.theme, {})
    return (builtin.text(post.language) if builtin else ""), theme.get(post.language, theme.get("en"))


def prompt_posted(session: Session, *, prompt_post_id: int, channel_id: str, ts: str, now: datetime) -> None:
    post = session.get(PromptPost, prompt_post_id)
    if post is not None:
        post.posted_at, post.channel_id, post.message_ts = now, channel_id, ts


def slower_suggestion(
    session: Session, *, community_id: int, user_id: str, cadence: str
) -> SlowerSuggestion | None:
    """The DM offering a slower rhythm, unless the community already changed its rhythm or is gone."""
    community = session.get(Community, community_id)
    wanted = PromptCadence(cadence)
    if (
        community is None
        or community.archived_at is not None
        or slower_cadence(community.prompt_cadence) != wanted
    ):
        return None
    return SlowerSuggestion(community.id, community.name, user_id, wanted)


def apply_slower_rhythm(
    session: Session, *, team_id: str, user_id: str, is_admin: bool, community_id: int, cadence: str
) -> SlowerSuggestion:
    """An organiser accepted the slower rhythm: the community's prompts come at it from now on."""
    community = get_community(session, team_id=team_id, community_id=community_id)
    if not is_organiser(session, community=community, user_id=user_id, is_workspace_admin=is_admin):
        raise NotAllowed("Only the organisers of {name} can change its rhythm.", name=community.name)
    wanted = PromptCadence(cadence)
    if slower_cadence(community.prompt_cadence) == wanted:
        community.prompt_cadence = wanted
    return SlowerSuggestion(community.id, community.name, user_id, community.prompt_cadence)


def prompt_community(session: Session, *, team_id: str, prompt_post_id: int) -> int:
    """The community a prompt's Share button shares with (its id is untrusted)."""
    post = session.get(PromptPost, prompt_post_id)
    if post is None or post.team_id != team_id:
        raise NotAllowed("That prompt is no longer open.")
    return post.community_id
