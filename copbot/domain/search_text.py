"""How text becomes search words, the same on every database, and the limit on what people may search.

Both databases receive the same *normalised words*: folded (lower case, no accents, so "equipe" meets
"équipe"), split on anything that is not a letter or a digit (so quotes, ``NEAR``, ``*``, ``-``, ``:`` or
parentheses are never query syntax), without stop words. PostgreSQL stems them with its 'english' or
'french' configuration; SQLite's FTS5 has no French stemmer, so `stem` does it with Snowball (PyStemmer),
the algorithm PostgreSQL uses.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer

from copbot.domain.errors import InvalidInput
from copbot.domain.stopwords import BY_LANGUAGE
from copbot.domain.text import one_line

SEARCH_TEXT_MAX = 200
LANGUAGES = ("en", "fr")

_WORD = re.compile(r"[^\W_]+")
# Folding turns "partagée(s)" into "partagee(s)", which Snowball no longer sees as a participle.
_FRENCH_FEMININE = re.compile(r"ees?$")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_STEMMERS = {"en": Stemmer.Stemmer("english"), "fr": Stemmer.Stemmer("french")}
_STEMMING = threading.Lock()  # PyStemmer's stemmers are not safe to share between threads


def search_language(language: str | None) -> str:
    """The language whose rules apply to text written in `language` (English unless it is French)."""
    return "fr" if language == "fr" else "en"


def fold(text: str) -> str:
    """`text` in lower case without accents: "Équipe" and "equipe" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str, language: str) -> list[str]:
    """The words of `text` worth searching by, normalised, in order (repeats kept)."""
    stop = BY_LANGUAGE[search_language(language)]
    found = (word for word in _WORD.findall(fold(text)) if len(word) > 1 and word not in stop)
    if search_language(language) == "fr":
        return [_FRENCH_FEMININE.sub("e", word) for word in found]
    return list(found)


@lru_cache(maxsize=65_536)
def stem(word: str, language: str) -> str:
    """The Snowball stem of a normalised word: "tests" and "testing" both give "test"."""
    with _STEMMING:
        stemmed: str = _STEMMERS[search_language(language)].stemWord(word)
    return stemmed


def terms(text: str, language: str) -> list[str]:
    """The stems of `text`'s searchable words, in order: what SQLite indexes and looks up."""
    return [stem(word, language) for word in words(text, language)]


def telling_words(text: str, language: str, limit: int) -> list[str]:
    """Up to `limit` words that say most about `text`: one per stem, the most repeated, then the longest.

    A rough guess made without the archive; the store then keeps those that are rarest there.
    """
    by_stem: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for word in words(text, language):
        key = stem(word, language)
        by_stem.setdefault(key, word)
        counts[key] += 1
    ranked = sorted(counts, key=lambda key: (-counts[key], -len(key), key))
    return [by_stem[key] for key in ranked[:limit]]


def validate_search_text(text: str | None) -> str:
    """What someone asked to search for, on one line; InvalidInput when it is too long to be a search."""
    clean = one_line(text)
    if len(clean) > SEARCH_TEXT_MAX:
        raise InvalidInput(
            "Please search with a few words: at most {max} characters (you typed {length}).",
            max=SEARCH_TEXT_MAX,
            length=len(clean),
        )
    return clean
