"""A queue of members to look at, each at most once until it is added again: local searches' to-do list."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator


class Worklist:
    def __init__(self, size: int, start: Iterable[int]) -> None:
        self._queued = [False] * size
        self._queue: deque[int] = deque()
        self.extend(start)

    def extend(self, members: Iterable[int]) -> None:
        queued, queue = self._queued, self._queue
        for member in members:
            if not queued[member]:
                queued[member] = True
                queue.append(member)

    def __iter__(self) -> Iterator[int]:
        """Members in the order they were added, including those added while iterating."""
        while self._queue:
            member = self._queue.popleft()
            self._queued[member] = False
            yield member
