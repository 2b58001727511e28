"""Closed vocabularies of the domain, stored by value."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ORGANISER = "organiser"
    MEMBER = "member"


class Experience(StrEnum):
    NEW = "new"
    PRACTISING = "practising"
    EXPERIENCED = "experienced"


class PromptCadence(StrEnum):
    OFF = "off"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


class RsvpAnswer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class PairingOutcome(StrEnum):
    PENDING = "pending"
    MET = "met"
    NOT_MET = "not_met"
    SKIPPED = "skipped"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (again), from `due_at` on
    CLAIMED = "claimed"  # a sender is on it until `lease_expires_at`
    SENT = "sent"
    FAILED = "failed"  # Slack refused it for good, or every retry failed: `last_error` says why
    SKIPPED = "skipped"  # its time passed (`expires_at`) before it could be sent


class ActivityKind(StrEnum):
    COMMUNITY_CREATED = "community_created"
    JOINED = "joined"
    REJOINED = "rejoined"
    PROFILE_UPDATED = "profile_updated"
    LEFT = "left"
    ERASED = "erased"
    STORY_SHARED = "story_shared"
    PROMPT_POSTED = "prompt_posted"
    SESSION_SCHEDULED = "session_scheduled"
    RSVP = "rsvp"
    ATTENDED = "attended"
    PAIRED = "paired"
    PAIR_MET = "pair_met"
    HELPED = "helped"  # pressed "This helped me" on a story
    ORGANISER_ADDED = "organiser_added"
    ORGANISER_REMOVED = "organiser_removed"


class Repeat(StrEnum):
    """How a session series repeats; monthly rules take the week and weekday of the series' first date."""

    NONE = "none"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY_NTH = "monthly_nth"  # e.g. every 2nd Thursday: the first date's rank among its month's Thursdays
    MONTHLY_LAST = "monthly_last"  # e.g. every last Friday: the first date must be its month's last Friday
