"""Plain-text helpers: marking texts for the message catalogs, and tidying what people type."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark for extraction only"
    """Mark `message` for the catalogs without translating it here."""
    return message


def one_line(text: str | None) -> str:
    """`text` on one line: each run of white space (line breaks too) becomes one space, none at the ends."""
    return " ".join((text or "").split())
