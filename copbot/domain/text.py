"""Marking texts for the message catalogs; translation happens where they are shown."""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "mark for extraction only"
    """Mark `message` for the catalogs without translating it here."""
    return message
