"""The demo's clock: the real time, which the story can move forward to show what a later tick does."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class DemoClock:
    def __init__(self) -> None:
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta
