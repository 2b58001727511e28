"""The built-in story prompts: library.toml beside this module, read once and checked as it is read."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from copbot.config import SUPPORTED_LANGUAGES
from copbot.domain.prompts import OWN_KEY_PREFIX, OWN_THEME, PROMPT_TEXT_MAX, PoolPrompt

LIBRARY_PATH = Path(__file__).with_name("library.toml")
_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
KEY_MAX = 64  # prompt_posts.prompt_key and hidden_prompts.prompt_key are String(64)


class LibraryError(ValueError):
    """The prompt library file is malformed; the message says where."""


@dataclass(frozen=True)
class BuiltinPrompt:
    key: str
    theme: str
    texts: Mapping[str, str]  # by language

    def text(self, language: str) -> str:
        """The prompt in `language`, English when the library has no such language."""
        return self.texts.get(language, self.texts["en"])

    def in_pool(self) -> PoolPrompt:
        return PoolPrompt(self.key, self.theme)


@dataclass(frozen=True)
class PromptLibrary:
    themes: Mapping[str, Mapping[str, str]]  # theme key -> language -> name
    prompts: tuple[BuiltinPrompt, ...]

    def get(self, key: str) -> BuiltinPrompt | None:
        return next((prompt for prompt in self.prompts if prompt.key == key), None)


@cache
def builtin_library() -> PromptLibrary:
    """The library shipped with copbot (checked when first read)."""
    return load_library(LIBRARY_PATH)


def load_library(path: Path) -> PromptLibrary:
    """Read and check a prompt library file; LibraryError names the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LibraryError(f"{path.name}: {error}") from error
    themes = {key: _texts(names, f"theme {key!r}") for key, names in data.get("themes", {}).items()}
    if OWN_THEME in themes:
        raise LibraryError(f"theme {OWN_THEME!r} is reserved for a community's own prompts")
    prompts = tuple(_prompt(entry, themes) for entry in data.get("prompts", []))
    _check_unique(prompts)
    return PromptLibrary(themes=themes, prompts=prompts)


def _prompt(entry: dict[str, Any], themes: Mapping[str, object]) -> BuiltinPrompt:
    key = str(entry.get("key", ""))
    if not _KEY.fullmatch(key) or len(key) > KEY_MAX or key.startswith(OWN_KEY_PREFIX):
        raise LibraryError(f"prompt key {key!r}: lower-case words joined by hyphens, not 'own-', ≤ {KEY_MAX}")
    theme = entry.get("theme")
    if theme not in themes:
        raise LibraryError(f"prompt {key!r}: theme {theme!r} is not among the themes")
    texts = _texts({language: entry.get(language) for language in SUPPORTED_LANGUAGES}, f"prompt {key!r}")
    return BuiltinPrompt(key=key, theme=str(theme), texts=texts)


def _texts(texts: dict[str, Any], where: str) -> dict[str, str]:
    """One non-empty text of at most PROMPT_TEXT_MAX characters per supported language."""
    for language in SUPPORTED_LANGUAGES:
        text = texts.get(language)
        if not isinstance(text, str) or not text.strip():
            raise LibraryError(f"{where}: no {language!r} text")
        if len(text) > PROMPT_TEXT_MAX:
            raise LibraryError(f"{where}: the {language!r} text is over {PROMPT_TEXT_MAX} characters")
    return {language: texts[language].strip() for language in SUPPORTED_LANGUAGES}


def _check_unique(prompts: tuple[BuiltinPrompt, ...]) -> None:
    seen: set[str] = set()
    for prompt in prompts:
        if prompt.key in seen:
            raise LibraryError(f"prompt key {prompt.key!r} is used twice")
        seen.add(prompt.key)
