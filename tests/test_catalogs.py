"""Every user-facing text is in both catalogs, translated into French, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import copbot

PACKAGE = Path(copbot.__file__).parent
LOCALES = PACKAGE / "locales"
# Calls whose first argument is a catalog message: gettext and friends, and the typed user errors.
KEYWORDS = {
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    **dict.fromkeys(
        ("CopbotError", "InvalidInput", "NotAllowed", "NotAMember", "NotFound", "Conflict"), (1,)
    ),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _code_messages() -> set[str]:
    found = extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    messages = set()
    for _filename, _lineno, message, _comments, _context in found:
        if isinstance(message, tuple):
            messages.update(part for part in message if part)
        else:
            messages.add(message)
    return messages


def _catalog(language: str) -> dict[str, str | tuple[str, ...]]:
    entries: dict[str, str | tuple[str, ...]] = {}
    for path in sorted((LOCALES / language / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as po_file:
            for message in read_po(po_file, locale=language):
                if message.id:
                    key = message.id[0] if isinstance(message.id, tuple) else message.id
                    assert key not in entries, f"{key!r} is in two {language} catalog files"
                    entries[key] = message.string
                    if isinstance(message.id, tuple):
                        entries[message.id[1]] = message.string
    return entries


CODE_MESSAGES = _code_messages()


def test_extraction_finds_the_code_messages():
    """The extractor sees the code's texts (guards against a keyword list that finds nothing)."""
    assert "show this help" in CODE_MESSAGES
    assert "Please fix the highlighted fields." in CODE_MESSAGES


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_code_message_is_in_the_catalog(language):
    """Each text the code shows has an entry in the language's catalog."""
    missing = sorted(CODE_MESSAGES - set(_catalog(language)))
    assert missing == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_stale_catalog_entries(language):
    """The catalog holds no text the code no longer uses."""
    stale = sorted(set(_catalog(language)) - CODE_MESSAGES)
    assert stale == []


def test_french_is_translated_with_the_same_placeholders():
    """Every French entry is filled in and keeps exactly the English placeholders."""
    for message_id, translated in _catalog("fr").items():
        forms = translated if isinstance(translated, tuple) else (translated,)
        for form in forms:
            assert form, f"no French for {message_id!r}"
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(message_id)) | {"count"}, (
                message_id
            )
            assert set(PLACEHOLDER.findall(message_id)) - {"count"} <= set(PLACEHOLDER.findall(form)), (
                message_id
            )
