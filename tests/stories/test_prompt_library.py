"""The built-in prompt library: what ships with copbot, and the checks that guard the file."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from copbot.prompts.library import LibraryError, builtin_library, load_library

GOOD_THEME = '[themes.mistake]\nen = "A mistake"\nfr = "Une erreur"\n'


def _prompt(
    key: str = "mistake-one", theme: str = "mistake", en: str = "Tell us.", fr: str = "Racontez."
) -> str:
    return f'[[prompts]]\nkey = "{key}"\ntheme = "{theme}"\nen = "{en}"\nfr = "{fr}"\n'


def _load(tmp_path, text: str):
    path = tmp_path / "library.toml"
    path.write_text(text, encoding="utf-8")
    return load_library(path)


def test_the_shipped_library_has_forty_prompts_in_six_themes_or_more():
    """At least 40 prompts, at least 6 themes of at least 5 prompts each, all with English and French."""
    library = builtin_library()
    per_theme = Counter(prompt.theme for prompt in library.prompts)

    assert len(library.prompts) >= 40
    assert len(per_theme) >= 6
    assert set(per_theme) == set(library.themes)
    assert min(per_theme.values()) >= 5
    assert all(prompt.text("en") and prompt.text("fr") for prompt in library.prompts)


def test_the_shipped_french_says_vous_and_spaces_its_punctuation():
    """French prompts use vouvoiement and a space before ? ! : ; as French typography wants."""
    library = builtin_library()
    texts = [prompt.text("fr") for prompt in library.prompts] + [
        names["fr"] for names in library.themes.values()
    ]

    assert [text for text in texts if re.search(r"\b(tu|te|toi|ton|ta|tes)\b", text, re.IGNORECASE)] == []
    assert [text for text in texts if re.search(r"\S[?!:;]", text)] == []


def test_a_prompt_is_found_by_its_key_and_falls_back_to_english():
    """Lookups use the stable key; a language the library lacks gets the English text."""
    prompt = builtin_library().get("mistake-assumption")

    assert prompt is not None
    assert prompt.theme == "mistake"
    assert prompt.text("de") == prompt.text("en")
    assert builtin_library().get("no-such-prompt") is None


def test_a_well_formed_file_loads(tmp_path):
    """A theme and a prompt in both languages make a library of one."""
    library = _load(tmp_path, GOOD_THEME + _prompt())

    assert [(p.key, p.theme, p.text("fr")) for p in library.prompts] == [
        ("mistake-one", "mistake", "Racontez.")
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD_THEME + _prompt() + _prompt(), "used twice"),
        (GOOD_THEME + _prompt(fr=""), "no 'fr' text"),
        (GOOD_THEME + '[[prompts]]\nkey = "a"\ntheme = "mistake"\nen = "Tell us."\n', "no 'fr' text"),
        (GOOD_THEME + _prompt(en="x" * 501), "over 500 characters"),
        (GOOD_THEME + _prompt(theme="luck"), "theme 'luck' is not among the themes"),
        (GOOD_THEME + _prompt(key="Mistake One"), "lower-case words"),
        (GOOD_THEME + _prompt(key="own-3"), "not 'own-'"),
        (GOOD_THEME + _prompt(key="k" * 65), "lower-case words"),
        ('[themes.mistake]\nen = "A mistake"\n' + _prompt(), "theme 'mistake': no 'fr' text"),
        ('[themes.own]\nen = "Ours"\nfr = "Les nôtres"\n', "reserved"),
        (GOOD_THEME + "[[prompts]\n", "library.toml"),
    ],
)
def test_a_malformed_file_is_refused_saying_why(tmp_path, text, problem):
    """Duplicate keys, a missing language, an over-long text, an unknown theme or a bad key stop the load."""
    with pytest.raises(LibraryError, match=re.escape(problem)):
        _load(tmp_path, text)
