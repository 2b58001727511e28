"""The loop's pairing work: each community's round when its slot comes, and closing rounds that ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from copbot.services.pairing import plan_rounds


class PairingRounds:
    """A planner: work keys per community and slot make a second loop (or tick) add nothing."""

    def __call__(self, session: Session, now: datetime) -> None:
        plan_rounds(session, now=now)
