"""What a submitted modal's inputs hold, read the same way for every form.

Slack sends them as `view.state.values`: {block id: {action id: the element's state}}. Each input block of
copbot's modals holds one element, so an answer is looked up by its block id alone. A crafted submission
may send any shape: whatever is not the expected shape reads as no answer, and the form's own rules then
say what is missing, inline.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The keys an element keeps its answer under: typed text, a date, a time, a channel, an option picked.
ANSWER_KEYS = ("value", "selected_date", "selected_time", "selected_conversation", "selected_option")


class ModalValues:
    def __init__(self, view: Mapping[str, Any]) -> None:
        state = view.get("state")
        values = state.get("values") if isinstance(state, Mapping) else None
        self._values: Mapping[str, Any] = values if isinstance(values, Mapping) else {}

    def blocks(self) -> list[str]:
        """The block ids sent."""
        return [str(block_id) for block_id in self._values]

    def has(self, block_id: str) -> bool:
        """Whether the form had this input (an optional input left empty still sends its block)."""
        return self._element(block_id) is not None

    def answer(self, block_id: str) -> Any:
        """The answer as sent, whatever the element (an option's value for a select); None when none.

        Not checked for its type: forms that validate the whole answer set (pydantic) report a wrong one.
        """
        element = self._element(block_id) or {}
        answer = next((element[key] for key in ANSWER_KEYS if element.get(key) is not None), None)
        return answer.get("value") if isinstance(answer, Mapping) else answer  # an option: its value

    def text(self, block_id: str) -> str | None:
        """The answer when it is a string (typed text, an option's value, a date, a time); None when empty."""
        answer = self.answer(block_id)
        return answer if isinstance(answer, str) and answer else None

    def options(self, block_id: str) -> list[str]:
        """The values of the options ticked (checkboxes)."""
        ticked = (self._element(block_id) or {}).get("selected_options")
        if not isinstance(ticked, list):
            return []
        return [str(option.get("value")) for option in ticked if isinstance(option, Mapping)]

    def ticked(self, block_id: str, value: str) -> bool:
        return value in self.options(block_id)

    def users(self, block_id: str) -> list[object]:
        """The people picked, as sent (the service checks each); a lone value is a list of one."""
        picked = (self._element(block_id) or {}).get("selected_users")
        if picked is None:
            return []
        return list(picked) if isinstance(picked, list) else [picked]

    def _element(self, block_id: str) -> Mapping[str, Any] | None:
        elements = self._values.get(block_id)
        element = next(iter(elements.values()), None) if isinstance(elements, Mapping) else None
        return element if isinstance(element, Mapping) else None
