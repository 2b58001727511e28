"""`/cop prompts add|list|remove [community]`: organisers shape their community's pool of story prompts.

Removing a built-in prompt hides it for that community (hidden_prompts); removing one of the community's own
marks it removed (the posts that used it keep their meaning). Either way it leaves the rotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from copbot.domain.errors import InvalidInput, NotAllowed, NotFound
from copbot.domain.prompts import OWN_KEY_PREFIX, OWN_THEME, own_prompt_key, validate_prompt_text
from copbot.prompts.library import builtin_library
from copbot.services.home import joined_communities
from copbot.services.lookup import communities_in, is_organiser
from copbot.services.prompts import own_prompts, prompt_pool
from copbot.store.models import Community, HiddenPrompt, Prompt
from copbot.store.upsert import insert_if_absent


@dataclass(frozen=True)
class Organiser:
    user_id: str
    is_admin: bool  # workspace admins and owners may organise every community


@dataclass(frozen=True)
class PromptEntry:
    key: str
    theme: str | None  # the theme's name in the community's language; None for its own prompts
    text: str


@dataclass(frozen=True)
class PromptChange:
    """A prompt added or removed, for the confirmation."""

    community_name: str
    key: str
    text: str


@dataclass(frozen=True)
class PromptList:
    community_name: str
    community_slug: str
    prompts: list[PromptEntry]


def add_prompt(
    session: Session, *, team_id: str, organiser: Organiser, words: list[str], text: str, now: datetime
) -> PromptChange:
    """Add the community's own prompt; `words` may begin with the community's name, `text` is all typed."""
    community, rest = _organised(session, team_id, organiser, words, text)
    clean = validate_prompt_text(rest)
    prompt = Prompt(
        team_id=team_id,
        community_id=community.id,
        text=clean,
        theme=OWN_THEME,
        language=community.language,
        created_by=organiser.user_id,
        created_at=now,
    )
    session.add(prompt)
    session.flush()
    return PromptChange(community.name, own_prompt_key(prompt.id), clean)


def list_prompts(session: Session, *, team_id: str, organiser: Organiser, words: list[str]) -> PromptList:
    """The community's pool, as the rotation sees it, in its language."""
    community, _ = _organised(session, team_id, organiser, words, " ".join(words))
    entries = [_entry(session, community, prompt.key) for prompt in prompt_pool(session, community)]
    return PromptList(community.name, community.slug, entries)


def remove_prompt(
    session: Session, *, team_id: str, organiser: Organiser, words: list[str], now: datetime
) -> PromptChange:
    """Take a prompt out of the community's rotation: `words` end with its key (from the list)."""
    if not words:
        raise InvalidInput("Say which prompt to remove: its key, as `/cop prompts list` shows it.")
    community, _ = _organised(session, team_id, organiser, words[:-1], " ".join(words[:-1]))
    key = words[-1].lower()
    entry = next((prompt for prompt in prompt_pool(session, community) if prompt.key == key), None)
    if entry is None:
        raise NotFound(
            "{community} has no prompt “{key}”. `/cop prompts list` shows them.",
            community=community.name,
            key=key[:64],
        )
    shown = _entry(session, community, key)
    if key.startswith(OWN_KEY_PREFIX):
        own = session.get(Prompt, int(key.removeprefix(OWN_KEY_PREFIX)))
        assert own is not None
        own.removed_at = now
    else:
        insert_if_absent(
            session,
            HiddenPrompt,
            ["community_id", "prompt_key"],
            team_id=team_id,
            community_id=community.id,
            prompt_key=key,
            hidden_by=organiser.user_id,
            hidden_at=now,
        )
    return PromptChange(community.name, key, shown.text)


def _entry(session: Session, community: Community, key: str) -> PromptEntry:
    if key.startswith(OWN_KEY_PREFIX):
        own = {own_prompt_key(prompt.id): prompt.text for prompt in own_prompts(session, community.id)}
        return PromptEntry(key, None, own.get(key, ""))
    library = builtin_library()
    builtin = library.get(key)
    assert builtin is not None
    theme = library.themes[builtin.theme]
    return PromptEntry(key, theme.get(community.language, theme["en"]), builtin.text(community.language))


def _organised(
    session: Session, team_id: str, organiser: Organiser, words: list[str], text: str
) -> tuple[Community, str]:
    """The community named first in `words` (or the one the person is in), checked they organise it.

    Returns it with `text` less the community's name.
    """
    community = _named(session, team_id, words)
    rest = text
    if community is not None:
        rest = text.split(None, 1)[1] if len(text.split(None, 1)) > 1 else ""
    else:
        community = _only(session, team_id, organiser)
    allowed = is_organiser(
        session, community=community, user_id=organiser.user_id, is_workspace_admin=organiser.is_admin
    )
    if not allowed:
        raise NotAllowed("Only the organisers of {name} can change its prompts.", name=community.name)
    return community, rest


def _named(session: Session, team_id: str, words: list[str]) -> Community | None:
    if not words:
        return None
    wanted = words[0].lstrip("#").lower()
    return next(
        (c for c in communities_in(session, team_id=team_id) if wanted in {c.slug, c.name.lower()}), None
    )


def _only(session: Session, team_id: str, organiser: Organiser) -> Community:
    joined = joined_communities(session, team_id=team_id, user_id=organiser.user_id)
    if len(joined) == 1:
        return joined[0]
    if not joined:
        raise NotAllowed("Name the community: `/cop prompts list <community>`.")
    raise InvalidInput(
        "You are in several communities: name one, e.g. `/cop prompts list {slug}`.", slug=joined[0].slug
    )
