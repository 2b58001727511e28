"""Store factories: a community, member, story or meetup in place when the test is about something else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from copbot.domain.enums import Experience, Role
from copbot.store import search
from copbot.store.models import Community, Meetup, Member, Story
from copbot.store.workspaces import ensure_workspace

WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_community(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    created_by: str,
    name: str = "Testing",
    **fields: object,
) -> Community:
    ensure_workspace(session, team_id=team_id, now=WHEN)
    community = Community(
        team_id=team_id,
        slug=str(fields.pop("slug", name.lower().replace(" ", "-"))),
        name=name,
        purpose=str(fields.pop("purpose", "Get better at testing together")),
        audience=str(fields.pop("audience", "Anyone who tests software")),
        channel_id=channel_id,
        timezone=str(fields.pop("timezone", "Europe/Paris")),
        language=str(fields.pop("language", "en")),
        created_by=created_by,
        created_at=WHEN,
        updated_at=WHEN,
        **fields,
    )
    session.add(community)
    session.flush()
    return community


def make_member(
    session: Session, community: Community, user_id: str, *, role: Role = Role.MEMBER, **fields: object
) -> Member:
    member = Member(
        team_id=community.team_id,
        community_id=community.id,
        user_id=user_id,
        role=role,
        experience=fields.pop("experience", Experience.PRACTISING),
        team_name=str(fields.pop("team_name", "Quality")),
        interests=fields.pop("interests", ["exploratory"]),
        joined_at=fields.pop("joined_at", WHEN),
        **fields,
    )
    session.add(member)
    session.flush()
    return member


def make_story(
    session: Session,
    community: Community,
    author: str | None,
    *,
    title: str = "A story",
    body: str = "What happened",
    **fields: object,
) -> Story:
    """A story stored and indexed for search, as sharing leaves it; in the community's language by default."""
    created_at = fields.pop("created_at", WHEN)
    story = Story(
        team_id=community.team_id,
        community_id=community.id,
        author_user_id=author,
        title=title,
        body=body,
        language=fields.pop("language", community.language),
        created_at=created_at,
        updated_at=fields.pop("updated_at", created_at),
        **fields,
    )
    session.add(story)
    search.index_story(session, story)
    return story


def make_meetup(
    session: Session,
    community: Community,
    *,
    title: str = "Lean coffee",
    starts_at: datetime = WHEN,
    **fields: object,
) -> Meetup:
    """A meetup series (one meetup unless `repeat` says otherwise), created by the community's creator."""
    meetup = Meetup(
        team_id=community.team_id,
        community_id=community.id,
        title=title,
        starts_at=starts_at,
        created_by=str(fields.pop("created_by", community.created_by)),
        created_at=fields.pop("created_at", WHEN),
        **fields,
    )
    session.add(meetup)
    session.flush()
    return meetup
