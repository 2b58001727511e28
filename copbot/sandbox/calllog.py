"""The record of every Web API call the sandbox answered, for tests to assert on."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiCall:
    """One answered call: arguments as Slack parsed them, and exactly what was answered."""

    method: str
    args: dict[str, Any]
    token: str | None
    team_id: str | None
    status: int
    response: dict[str, Any]
    at: float  # when it was answered
    started: float = 0.0  # when it arrived


class CallLog:
    def __init__(self) -> None:
        self._calls: list[ApiCall] = []
        self._changed = threading.Condition()

    def record(self, call: ApiCall) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def calls(self, method: str | None = None, team_id: str | None = None) -> list[ApiCall]:
        with self._changed:
            return [c for c in self._calls if method in (None, c.method) and team_id in (None, c.team_id)]

    def reset(self) -> None:
        with self._changed:
            self._calls.clear()

    def wait_for(self, method: str, count: int, timeout: float, team_id: str | None) -> list[ApiCall]:
        """Block until `count` matching calls were answered (listeners call Slack later, from threads)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(seen := self.calls(method, team_id)) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    everything = [
                        f"{c.method}({c.team_id}) -> {c.response.get('error', 'ok')}" for c in self._calls
                    ]
                    expected = f"expected {count} {method} call(s) within {timeout}s, saw {len(seen)}"
                    raise AssertionError(f"{expected}; all calls: {everything}")
                self._changed.wait(remaining)
            return seen
