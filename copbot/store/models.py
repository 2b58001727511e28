"""The whole domain's tables. Every table that holds workspace data carries ``team_id``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from copbot.domain.communities import name_key
from copbot.domain.enums import (
    ActivityKind,
    DeliveryStatus,
    Experience,
    PairingOutcome,
    PromptCadence,
    Repeat,
    Role,
    RsvpAnswer,
)
from copbot.domain.reminders import DEFAULT_REMINDERS
from copbot.store.types import UTCDateTime, enum_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TEAM_ID = String(32)
SLACK_ID = String(32)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _team_fk() -> Mapped[str]:
    return mapped_column(TEAM_ID, ForeignKey("workspaces.team_id", ondelete="CASCADE"), index=True)


class Workspace(Base):
    """A Slack workspace copbot is installed in."""

    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(TEAM_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    language: Mapped[str | None] = mapped_column(String(8))
    bot_user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    installed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uninstalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Slack refused the workspace's token (invalid_auth, token_revoked…): its deliveries wait until it works.
    token_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    token_refused_reason: Mapped[str | None] = mapped_column(String(64))


LIVE = text("archived_at IS NULL")
STORY_LIVE = text("deleted_at IS NULL")


class Community(Base):
    """A community of practice: who it is for, where it lives, and its rhythms.

    The database, not the application, decides races: short names are unique in a workspace (archived
    communities keep theirs), and among live communities so are names (case-insensitively) and channels.
    """

    __tablename__ = "communities"
    __table_args__ = (
        UniqueConstraint("team_id", "slug", name="uq_communities_team_slug"),
        Index(
            "uq_communities_live_name",
            "team_id",
            "name_key",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        Index(
            "uq_communities_live_channel",
            "team_id",
            "channel_id",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    slug: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(80))  # the name case-folded: see domain.communities.name_key
    purpose: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)
    channel_id: Mapped[str] = mapped_column(SLACK_ID, index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    language: Mapped[str] = mapped_column(String(8), default="en")
    prompt_cadence: Mapped[PromptCadence] = mapped_column(
        enum_column(PromptCadence), default=PromptCadence.OFF
    )
    prompt_weekday: Mapped[int] = mapped_column(Integer, default=1)  # 0 = Monday
    prompt_time: Mapped[time] = mapped_column(Time, default=time(10, 0))
    pairing_every_weeks: Mapped[int] = mapped_column(Integer, default=0)  # 0 = off; 1, 2 or 4
    pairing_weekday: Mapped[int] = mapped_column(Integer, default=0)
    pairing_group_size: Mapped[int] = mapped_column(Integer, default=2)
    # Minutes before each session its reminders go out, largest first (copbot.domain.reminders).
    reminder_offsets: Mapped[list[int]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_REMINDERS), server_default=text("'[1440, 60]'")
    )
    # Organisers mark who came to each session (from its takeaway question); off unless they ask for it.
    mark_attendance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    welcome_message_ts: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Paused: nothing scheduled (prompts, reminders, rounds) is planned or sent until it is resumed.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it last came back (resumed, unarchived): what fell due before is not caught up afterwards.
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    members: Mapped[list[Member]] = relationship(back_populates="community")

    @validates("name")
    def _keep_name_key(self, _field: str, name: str) -> str:
        self.name_key = name_key(name)
        return name


class Member(Base):
    """A person's membership of one community. Leaving keeps the row (history); erasing anonymises it."""

    __tablename__ = "members"
    __table_args__ = (
        UniqueConstraint("community_id", "user_id", name="uq_members_community_user"),
        Index("ix_members_team_user", "team_id", "user_id"),
        Index("ix_members_community_left", "community_id", "left_at"),
        Index("ix_members_community_joined", "community_id", "joined_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    # None once the person asked to be erased: the row stays, anonymous, for the community's statistics.
    user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MEMBER)
    experience: Mapped[Experience] = mapped_column(enum_column(Experience), default=Experience.NEW)
    team_name: Mapped[str] = mapped_column(String(80), default="")
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    pairing_opt_in: Mapped[bool] = mapped_column(Boolean, default=True)
    # Paused from pairing_paused_at until paused_until (until resumed, when None): domain.pairing.eligibility.
    pairing_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pairing_every_other: Mapped[bool] = mapped_column(Boolean, default=False)  # every other round only
    pairing_ignored_rounds: Mapped[int] = mapped_column(Integer, default=0)  # in a row, with no answer
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    community: Mapped[Community] = relationship(back_populates="members")


class Prompt(Base):
    """A story prompt a community wrote for itself; the built-in ones ship in copbot/prompts/library.toml.

    Its key in the rotation and in prompt_posts is ``own-<id>`` (copbot.domain.prompts.own_prompt_key).
    Removing it sets removed_at: the posts that used it keep their meaning for the statistics.
    """

    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(500))
    theme: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[str | None] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HiddenPrompt(Base):
    """A built-in prompt an organiser removed from one community's rotation, by its stable key."""

    __tablename__ = "hidden_prompts"
    __table_args__ = (UniqueConstraint("community_id", "prompt_key", name="uq_hidden_prompts_community_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    prompt_key: Mapped[str] = mapped_column(String(64))
    hidden_by: Mapped[str | None] = mapped_column(SLACK_ID)
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PromptPost(Base):
    """One prompt due in a community at one slot; the row is planned before Slack has the message.

    The unique slot makes two schedulers plan it once. The stories it drew are those whose
    prompt_post_id points here: the rotation and the "silent prompts" rule count them.
    """

    __tablename__ = "prompt_posts"
    __table_args__ = (UniqueConstraint("community_id", "slot_at", name="uq_prompt_posts_community_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    prompt_key: Mapped[str] = mapped_column(String(64))
    # Kept as posted: a later release may move a built-in prompt, a community may remove its own.
    theme: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    slot_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    channel_id: Mapped[str | None] = mapped_column(SLACK_ID)
    message_ts: Mapped[str | None] = mapped_column(String(32))


class Story(Base):
    """What someone learned, told in their own words.

    Deleting one keeps a tombstone (deleted_at, the words emptied): see migration 0004 for why.
    Its search index (a tsvector column on PostgreSQL, an FTS5 table on SQLite) is not mapped here:
    copbot.store.search owns it.
    """

    __tablename__ = "stories"
    __table_args__ = (
        Index("ix_stories_community_created", "community_id", "created_at"),
        # The stories shown: the latest page and their count, from the index alone (see migration 0012).
        Index(
            "ix_stories_community_live",
            "community_id",
            "created_at",
            sqlite_where=STORY_LIVE,
            postgresql_where=STORY_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    author_user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    prompt_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("prompt_posts.id", ondelete="SET NULL"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(8))  # the community's when shared: how it is searched
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    lesson: Mapped[str] = mapped_column(Text, default="")  # "What I learned", optional
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    ask_me: Mapped[bool] = mapped_column(Boolean, default=True)  # "Others may ask me about this"
    channel_id: Mapped[str | None] = mapped_column(SLACK_ID)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StoryHelped(Base):
    """Someone pressed "This helped me" on a story; pressing again deletes the row. Once per person."""

    __tablename__ = "story_helped"
    __table_args__ = (UniqueConstraint("story_id", "user_id", name="uq_story_helped_story_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    # None once the person asked to be erased: the story's count stays right.
    user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Meetup(Base):
    """A community's series of meetups (one meetup is a series that does not repeat); table `sessions`.

    Not named `Session`: that is SQLAlchemy's unit of work, which the same modules use.

    Its occurrences are computed (copbot.domain.recurrence): the first starts at `starts_at`, and the rule
    keeps its wall time in `timezone`. Cancelled and moved occurrences are `SessionChange` rows.
    `cancelled_at` ends the whole series. A series whose rule changed after it met keeps its id for the dates
    to come; the dates that took place are a part of it, a series of their own naming it in `split_from_id`.
    """

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_community_starts", "community_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(255), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    remind_minutes_before: Mapped[int] = mapped_column(Integer, default=60)
    repeat: Mapped[Repeat] = mapped_column(enum_column(Repeat), default=Repeat.NONE)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    repeat_until: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    split_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )


class SessionChange(Base):
    """One occurrence of a series cancelled or moved, named by its key (its original local date)."""

    __tablename__ = "session_changes"
    __table_args__ = (
        UniqueConstraint("session_id", "occurrence_key", name="uq_session_changes_session_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    occurrence_key: Mapped[str] = mapped_column(String(10))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    moved_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionPost(Base):
    """A reminder copbot posted for one occurrence: RSVPs update it in place, changes reply in its thread.

    `version` counts the answers changed since it was posted; `update_batch` names the chat.update
    delivery that answers coalesce into (copbot.services.rsvps explains the two).
    """

    __tablename__ = "session_posts"
    __table_args__ = (
        UniqueConstraint("channel_id", "message_ts", name="uq_session_posts_channel_message"),
        Index("ix_session_posts_session_key", "session_id", "occurrence_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    occurrence_key: Mapped[str] = mapped_column(String(10))
    offset_minutes: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(SLACK_ID)
    message_ts: Mapped[str] = mapped_column(String(32))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=0)
    update_batch: Mapped[int] = mapped_column(Integer, default=0)


class Rsvp(Base):
    """A member's answer for one occurrence of a series, and whether they came. One per person and date.

    `answer` is None for someone an organiser marked as having come without answering; `attended` is None
    until organisers mark who came (copbot.services.attendance).
    """

    __tablename__ = "rsvps"
    __table_args__ = (
        UniqueConstraint("session_id", "occurrence_key", "user_id", name="uq_rsvps_session_key_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    occurrence_key: Mapped[str] = mapped_column(String(10))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    answer: Mapped[RsvpAnswer | None] = mapped_column(enum_column(RsvpAnswer))
    attended: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PairingRound(Base):
    """One round of introductions in a community, for one cadence slot (or one `pair now`).

    It keeps the matching's inputs, seed included (domain.pairing.replay), so that it can be replayed and
    explained; a round is only stored once it has at least one group.
    """

    __tablename__ = "pairing_rounds"
    __table_args__ = (UniqueConstraint("community_id", "slot_start", name="uq_pairing_rounds_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    followup_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # outcomes counted, the result posted
    requested_by: Mapped[str | None] = mapped_column(SLACK_ID)  # the organiser of a `pair now`
    seed: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)  # domain.pairing.PAIRING_VERSION it ran with
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PairingGroup(Base):
    """Two or three members introduced to each other, and whether they met."""

    __tablename__ = "pairing_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    round_id: Mapped[int] = mapped_column(ForeignKey("pairing_rounds.id", ondelete="CASCADE"), index=True)
    dm_channel_id: Mapped[str | None] = mapped_column(SLACK_ID)
    intro_ts: Mapped[str | None] = mapped_column(String(32))
    proposer_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    extra_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # what weighed, for the intro
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[PairingOutcome] = mapped_column(
        enum_column(PairingOutcome), default=PairingOutcome.PENDING
    )
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PairingGroupMember(Base):
    __tablename__ = "pairing_group_members"
    __table_args__ = (UniqueConstraint("group_id", "member_id", name="uq_pairing_group_members"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    group_id: Mapped[int] = mapped_column(ForeignKey("pairing_groups.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    learned: Mapped[str] = mapped_column(Text, default="")  # "What did you learn or decide?", optional
    learned_shared: Mapped[bool] = mapped_column(Boolean, default=False)  # organisers may read it


class PairingAvoid(Base):
    """Someone a person would rather not be introduced to, in any community of the workspace. Private."""

    __tablename__ = "pairing_avoids"
    __table_args__ = (UniqueConstraint("team_id", "user_id", "avoided_user_id", name="uq_pairing_avoids"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    user_id: Mapped[str] = mapped_column(SLACK_ID)
    avoided_user_id: Mapped[str] = mapped_column(SLACK_ID)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Delivery(Base):
    """The outbox: one thing to send to Slack, decided in the transaction that caused it.

    Its unique work key makes a double click, a Slack retry, two replicas or two loops write one row; the
    sender claims it with a lease (a dead process's claims are taken over when the lease runs out).
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("work_key", name="uq_deliveries_work_key"),
        Index("ix_deliveries_status_due", "status", "due_at"),
        Index("ix_deliveries_status_lease", "status", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    work_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(48))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what rendering it needs
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"), index=True
    )
    channel_id: Mapped[str | None] = mapped_column(SLACK_ID)  # where it goes, when that is a channel
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # worth sending until then, never later
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_ts: Mapped[str | None] = mapped_column(String(32))  # the message it posted, once sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SlackGate(Base):
    """When a workspace may next call a Slack method or post in a channel (429 Retry-After, pacing).

    Shared by every sender on the database, so that no thread sleeps and no replica ignores a limit.
    """

    __tablename__ = "slack_gates"

    team_id: Mapped[str] = mapped_column(
        TEAM_ID, ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "method:<name>" or "channel:<id>"
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())


class NameReservation(Base):
    """A short name, name or channel held while a community is being created, before its row exists.

    Taken and committed before copbot asks Slack for a new channel, so that a lost race creates none.
    """

    __tablename__ = "name_reservations"

    team_id: Mapped[str] = mapped_column(
        TEAM_ID, ForeignKey("workspaces.team_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


HAS_OCCURRENCE = text("occurrence IS NOT NULL")
OCCURRENCE_INCLUDED = ["user_id", "answer", "occurrence", "id"]
CAME = text("attended_at IS NOT NULL AND user_id IS NOT NULL")
ACTION_KINDS = (ActivityKind.STORY_SHARED, ActivityKind.ATTENDED, ActivityKind.PAIR_MET, ActivityKind.HELPED)


def acted(table: str = "") -> str:
    """What makes someone an active member, as SQL with its values inline (a partial index's predicate).

    Shared a story, came, met their pair, pressed "This helped me", or answered Going. The statistics
    filter with the same text (`table` qualifies the columns), so that both databases use the index.
    """
    column = f"{table}." if table else ""
    kinds = ", ".join(f"'{kind.value}'" for kind in ACTION_KINDS)
    going = f"{column}kind = '{ActivityKind.RSVP.value}' AND {column}answer = '{RsvpAnswer.YES.value}'"
    return f"{column}kind IN ({kinds}) OR ({going})"


PAIRS_INCLUDED = ["group_id", "repeat", "first_member_id", "second_member_id"]


class Activity(Base):
    """An append-only log of what happened, for stats."""

    __tablename__ = "activity"
    __table_args__ = (
        # user_id and answer last: who did something in a period (an RSVP counts when Going) is read
        # from the index alone on PostgreSQL (an index-only scan)
        Index("ix_activity_community_kind_at_user_answer", "community_id", "kind", "at", "user_id", "answer"),
        Index("ix_activity_community_user_at", "community_id", "user_id", "at"),
        # who was active in a period: read from the index alone, without the other kinds (SQLite reads
        # the kind and answer again to check the predicate: they are in the index too)
        Index(
            "ix_activity_actions",
            "community_id",
            "at",
            "user_id",
            "kind",
            "answer",
            postgresql_where=text(acted()),
            sqlite_where=text(acted()),
        ),
        # the answers and attendances of sessions: read from the index alone on PostgreSQL
        Index(
            "ix_activity_occurrences",
            "community_id",
            "kind",
            "at",
            postgresql_include=OCCURRENCE_INCLUDED,
            postgresql_where=HAS_OCCURRENCE,
            sqlite_where=HAS_OCCURRENCE,
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    kind: Mapped[ActivityKind] = mapped_column(enum_column(ActivityKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Copies of data's "answer" (an RSVP's) and "occurrence" (an RSVP's or attendance's), which the
    # stats filter and group on: plain columns, indexed, where reading them out of JSON was slow.
    answer: Mapped[str | None] = mapped_column(String(16))
    occurrence: Mapped[str | None] = mapped_column(String(64))


class Turnout(Base):
    """One person's part in one session date: their latest answer and when they first came.

    Kept as the activity is logged (copbot.store.turnout, from copbot.store.activity.record_activity), so
    that "the latest answer for each person and date" is a row, not a pick among every answer ever given:
    the stats count sessions held, planned attendance and returning attendees from here. `occurs_on` is
    the date in the occurrence key. An erased person's rows keep their dates without their id.
    """

    __tablename__ = "turnout"
    __table_args__ = (
        UniqueConstraint("community_id", "occurrence", "user_id", name="uq_turnout_person"),
        # who came to the dates of a period, read from the index alone on PostgreSQL
        Index(
            "ix_turnout_came",
            "community_id",
            "occurs_on",
            "user_id",
            postgresql_where=CAME,
            sqlite_where=CAME,
        ),
        Index("ix_turnout_community_user_attended", "community_id", "user_id", "attended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    occurrence: Mapped[str] = mapped_column(String(64))
    occurs_on: Mapped[date] = mapped_column(Date)
    user_id: Mapped[str | None] = mapped_column(SLACK_ID)
    answer: Mapped[str | None] = mapped_column(String(16))  # the latest RSVP answer, None if none given
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the first ATTENDED logged


class TurnoutDate(Base):
    """One session date of a community that someone answered or came to, with its counts from `turnout`.

    `going`: people whose latest answer is Going; `came`: people who came (erased people left out of both).
    Counted again from `turnout` whenever one of its rows changes (copbot.store.turnout).
    """

    __tablename__ = "turnout_dates"
    __table_args__ = (
        UniqueConstraint("community_id", "occurrence", name="uq_turnout_dates_occurrence"),
        Index(
            "ix_turnout_dates_community_occurs_on",
            "community_id",
            "occurs_on",
            postgresql_include=["going", "came"],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    occurrence: Mapped[str] = mapped_column(String(64))
    occurs_on: Mapped[date] = mapped_column(Date)
    going: Mapped[int] = mapped_column(Integer, default=0)
    came: Mapped[int] = mapped_column(Integer, default=0)


class PairingPair(Base):
    """Two people a group of a round introduced, and whether an earlier round had introduced them already.

    Written with the round's groups (copbot.store.pairing_pairs): the stats count repeats and the team pairs
    reached from here instead of matching every pair against every earlier one.
    """

    __tablename__ = "pairing_pairs"
    __table_args__ = (
        UniqueConstraint("group_id", "first_member_id", "second_member_id", name="uq_pairing_pairs_group"),
        Index(
            "ix_pairing_pairs_community_slot",
            "community_id",
            "slot_start",
            postgresql_include=PAIRS_INCLUDED,
        ),
        Index("ix_pairing_pairs_community_pair", "community_id", "first_member_id", "second_member_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = _team_fk()
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("pairing_groups.id", ondelete="CASCADE"))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime())  # the round's
    first_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))  # the lower id
    second_member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)  # introduced in an earlier round too


class ProcessedEvent(Base):
    """Events API deliveries already acted on: Slack redelivers with the same event_id."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str] = mapped_column(TEAM_ID, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SeenRequest(Base):
    """Signatures of commands and interactions already answered, so that a replay is refused.

    The table is shared, so a replay sent to another replica is refused too; old rows are pruned.
    """

    __tablename__ = "seen_requests"

    signature: Mapped[str] = mapped_column(String(80), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


# slack_sdk's OAuth tables live in the same database and the same migrations.
INSTALLATIONS = SQLAlchemyInstallationStore.build_installations_table(Base.metadata, "slack_installations")
BOTS = SQLAlchemyInstallationStore.build_bots_table(Base.metadata, "slack_bots")
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, "slack_oauth_states")
# Tokens are stored encrypted (copbot.store.installations): a Fernet token of a rotating Slack token
# (about 150 characters) is longer than slack_sdk's String(200).
TOKEN_COLUMNS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
for _table in (INSTALLATIONS, BOTS):
    for _name in TOKEN_COLUMNS:
        if _name in _table.c:
            _table.c[_name].type = Text()
