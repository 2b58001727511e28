"""What listeners need from the composition root, handed to them through Bolt's context."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from copbot.clock import Clock
from copbot.config import Settings
from copbot.slack.metadata import MetadataSeal
from copbot.slack.people import People
from copbot.store.reservations import Reservations


@dataclass(frozen=True)
class Deps:
    settings: Settings
    clock: Clock
    session_factory: sessionmaker[Session]
    people: People
    seal: MetadataSeal
    holds: Reservations  # names held while a community is being created
