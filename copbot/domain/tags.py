"""Tags people type, a member's interests as a story's topics: one way to tidy them, one set of limits."""

from __future__ import annotations

import re
from collections.abc import Iterable

TAGS_MAX = 5
TAG_MAX = 30

_SPACES = re.compile(r"\s+")


def parse_tags(text: str | None) -> tuple[str, ...]:
    """Comma-separated tags, lower-cased, without a leading #, inner spaces as hyphens, each once, in order.

    Interests and story tags follow the same rule, so that "Flaky tests" and "#flaky-tests" meet.
    """
    tags = (_SPACES.sub("-", part.strip().lstrip("#").strip()).lower() for part in (text or "").split(","))
    return tuple(dict.fromkeys(tag for tag in tags if tag))


def first_too_long(tags: Iterable[str]) -> str | None:
    """The first tag over TAG_MAX characters, if there is one."""
    return next((tag for tag in tags if len(tag) > TAG_MAX), None)
