"""What makes a story fit to keep: a title, the story itself, and a few normalised tags."""

from __future__ import annotations

from dataclasses import dataclass

from copbot.domain.errors import CopbotError, FieldErrors, InvalidInput
from copbot.domain.tags import TAG_MAX, TAGS_MAX, first_too_long, parse_tags
from copbot.domain.text import one_line

TITLE_MAX = 150
BODY_MAX = 3000  # Slack's limit on a plain-text input
LESSON_MAX = 3000

# The inputs a story is made of; the share modal uses these as its block ids, so errors land on the right one.
TITLE_FIELD = "title"
BODY_FIELD = "story"
TAGS_FIELD = "tags"
LESSON_FIELD = "lesson"
ASK_ME_FIELD = "ask_me"


@dataclass(frozen=True)
class StoryDraft:
    title: str
    body: str
    tags: tuple[str, ...]
    lesson: str = ""  # "What I learned", optional
    ask_me: bool = True  # "Others may ask me about this"


def validate_story(
    title: str | None,
    body: str | None,
    tags: str | None,
    lesson: str | None = None,
    *,
    ask_me: bool = True,
) -> StoryDraft:
    """A clean draft from what was typed; FieldErrors naming every input that does not fit."""
    clean_title = one_line(title)
    clean_body = (body or "").strip()
    clean_tags = parse_tags(tags)
    clean_lesson = (lesson or "").strip()
    errors = {
        field: error
        for field, error in (
            (TITLE_FIELD, _title_problem(clean_title)),
            (BODY_FIELD, _body_problem(clean_body)),
            (LESSON_FIELD, _lesson_problem(clean_lesson)),
            (TAGS_FIELD, _tags_problem(clean_tags)),
        )
        if error is not None
    }
    if errors:
        raise FieldErrors(errors)
    return StoryDraft(clean_title, clean_body, clean_tags, lesson=clean_lesson, ask_me=ask_me)


def _title_problem(title: str) -> CopbotError | None:
    if not title:
        return InvalidInput("Please give your story a title.")
    if len(title) > TITLE_MAX:
        return InvalidInput(
            "The title can be at most {max} characters (this one has {length}).",
            max=TITLE_MAX,
            length=len(title),
        )
    return None


def _body_problem(body: str) -> CopbotError | None:
    if not body:
        return InvalidInput("Please write your story.")
    if len(body) > BODY_MAX:
        return InvalidInput(
            "The story can be at most {max} characters (this one has {length}).",
            max=BODY_MAX,
            length=len(body),
        )
    return None


def _lesson_problem(lesson: str) -> CopbotError | None:
    if len(lesson) > LESSON_MAX:
        return InvalidInput(
            "What you learned can be at most {max} characters (this has {length}).",
            max=LESSON_MAX,
            length=len(lesson),
        )
    return None


def _tags_problem(tags: tuple[str, ...]) -> CopbotError | None:
    if len(tags) > TAGS_MAX:
        return InvalidInput(
            "Please use at most {max} tags (you gave {count}).", max=TAGS_MAX, count=len(tags)
        )
    too_long = first_too_long(tags)
    if too_long is not None:
        return InvalidInput(
            "A tag can be at most {max} characters: “{tag}…” is longer.", max=TAG_MAX, tag=too_long[:TAG_MAX]
        )
    return None
