"""Injected faults and Slack's rate limits, both answered before a method runs."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

# Per-minute budgets per method and workspace, from Slack's tiers (Tier 2: 20, Tier 3: 50, Tier 4: 100;
# auth.test is "special: hundreds per minute"). chat.postMessage is paced per channel instead.
TIER_2, TIER_3, TIER_4 = 20, 50, 100
DEFAULT_BUDGETS: dict[str, int] = {
    "auth.test": 600,
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.getPermalink": TIER_4,
    "conversations.open": TIER_3,
    "conversations.invite": TIER_3,
    "conversations.join": TIER_3,
    "conversations.info": TIER_3,
    "conversations.members": TIER_4,
    "conversations.create": TIER_2,
    "conversations.list": TIER_2,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
    "users.info": TIER_4,
    "users.list": TIER_2,
    "users.lookupByEmail": TIER_3,
    "views.open": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
    "views.publish": TIER_4,
    "pins.add": TIER_2,
    "reactions.get": TIER_3,
    "files.getUploadURLExternal": TIER_4,
    "files.completeUploadExternal": TIER_4,
}
POST_MESSAGE_BURST = 3  # "1 message per second per channel, short bursts tolerated"


@dataclass(frozen=True)
class Fault:
    """What the next call to a method gets: a delay first, then an HTTP status or an `ok: false` error.

    `answer_delay`: the method runs, then its answer is held back (Slack acted; its answer is late).
    """

    status: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    error: str | None = None
    answer_delay: float = 0.0


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, deque[Fault]] = {}
        self._every: tuple[int, Fault] | None = None
        self._calls = 0

    def add(self, method: str, fault: Fault, times: int) -> None:
        with self._lock:
            self._queued.setdefault(method, deque()).extend([fault] * times)

    def every(self, nth: int, fault: Fault | None) -> None:
        """From now on, every `nth` call (of any method) gets `fault`; None stops it."""
        with self._lock:
            self._every = (nth, fault) if fault is not None else None
            self._calls = 0

    def take(self, method: str) -> Fault | None:
        with self._lock:
            queued = self._queued.get(method)
            if queued:
                return queued.popleft()
            if self._every is None:
                return None
            self._calls += 1
            nth, fault = self._every
            return fault if self._calls % nth == 0 else None


@dataclass
class _Bucket:
    capacity: float
    per_second: float
    tokens: float = field(init=False)
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def wait(self) -> float:
        """Seconds until one token is available (0 when one is there now)."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second


class RateLimiter:
    """Token buckets per workspace and method (and per channel for chat.postMessage); off until enabled."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._budgets: dict[str, int] | None = None
        self._buckets: dict[tuple[str, ...], _Bucket] = {}

    def enable(self, per_minute: dict[str, int] | None) -> None:
        with self._lock:
            self._budgets = {**DEFAULT_BUDGETS, **(per_minute or {})}
            self._buckets.clear()

    def check(self, team_id: str, method: str, channel: str | None) -> int | None:
        """None when the call may go ahead (and is counted), else the Retry-After seconds."""
        with self._lock:
            if self._budgets is None:
                return None
            buckets = self._buckets_for(team_id, method, channel, self._budgets)
            wait = max((bucket.wait() for bucket in buckets), default=0.0)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.tokens -= 1
            return None

    def _buckets_for(
        self, team_id: str, method: str, channel: str | None, budgets: dict[str, int]
    ) -> list[_Bucket]:
        wanted: dict[tuple[str, ...], tuple[float, float]] = {}
        if method in budgets:
            wanted[(team_id, method)] = (budgets[method], budgets[method] / 60)
        if method == "chat.postMessage" and channel:
            wanted[(team_id, method, channel)] = (POST_MESSAGE_BURST, 1.0)
        for key, (capacity, per_second) in wanted.items():
            self._buckets.setdefault(key, _Bucket(capacity, per_second))
        return [self._buckets[key] for key in wanted]
