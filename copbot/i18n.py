"""Message catalogs (Babel .po files, English and French) and the per-language translator.

Catalogs are read from the .po sources at first use, so there is no compiled file to forget to rebuild.
Each feature may keep its own .po file (a gettext domain) under ``locales/<lang>/LC_MESSAGES/``; all of a
language's files are merged into one translator.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from copbot.config import SUPPORTED_LANGUAGES
from copbot.domain.text import N_

__all__ = ["N_", "Translator", "normalise_language", "translator"]

LOCALES_DIR = Path(__file__).parent / "locales"


class Translator:
    """Translates copbot's texts into one language; `{name}` placeholders are filled from keywords."""

    def __init__(self, language: str, translations: NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def gettext(self, message: str, **params: object) -> str:
        text: str = self._translations.gettext(message)
        return text.format(**self._localised(params)) if params else text

    def ngettext(self, singular: str, plural: str, count: int, **params: object) -> str:
        text: str = self._translations.ngettext(singular, plural, count)
        return text.format(count=count, **self._localised(params))

    def _localised(self, params: dict[str, object]) -> dict[str, object]:
        return {key: _written(value, self.language) for key, value in params.items()}


def _written(value: object, language: str) -> object:
    """Dates and wall times are written the reader's way; an instant needs a zone, so its caller writes it."""
    if isinstance(value, time) or (isinstance(value, date) and not isinstance(value, datetime)):
        return _LocalTime(value, language)
    return value


class _LocalTime:
    """A date or time parameter in the reader's language.

    `{day}` is the long form ("29 mars 2026"); `{day:EEEE}` a CLDR pattern ("dimanche"), so that a translation
    may choose its own form.
    """

    def __init__(self, value: date | time, language: str) -> None:
        self._value = value
        self._language = language

    def __format__(self, pattern: str) -> str:
        if isinstance(self._value, time):
            return str(format_time(self._value, pattern or "short", locale=self._language))
        return str(format_date(self._value, pattern or "long", locale=self._language))


def normalise_language(value: str | None, default: str) -> str:
    """Map a Slack locale such as ``fr-FR`` (or a bare ``fr``) to a supported language, else `default`."""
    if value:
        language = value.replace("_", "-").split("-")[0].lower()
        if language in SUPPORTED_LANGUAGES:
            return language
    return default


@cache
def translator(language: str) -> Translator:
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return Translator(language, _load(language))


def _load(language: str) -> NullTranslations:
    parts = [_read(path, language) for path in sorted((LOCALES_DIR / language / "LC_MESSAGES").glob("*.po"))]
    if not parts:
        return NullTranslations()
    merged, *rest = parts
    for part in rest:
        merged.merge(part)
    return merged


def _read(po_path: Path, language: str) -> Translations:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=po_path.stem)
