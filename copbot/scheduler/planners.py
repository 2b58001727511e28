"""Every planner the loop runs each tick, in order. A feature with scheduled work adds its own here."""

from __future__ import annotations

from copbot.scheduler.housekeeping import Housekeeping
from copbot.scheduler.loop import Planner
from copbot.scheduler.pairing import PairingRounds
from copbot.services.session_reminders import SessionPlanner


def all_planners() -> list[Planner]:
    """Fresh planners for one process (a planner may keep a little state, e.g. when it last ran)."""
    return [Housekeeping(), SessionPlanner(), PairingRounds()]
