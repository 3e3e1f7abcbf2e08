"""The filter bar: one line, ``key:value`` terms and free text (the language: :mod:`tui.filtering`).

Right arrow accepts the suggested completion; Enter applies; a term it cannot use is refused
with what is allowed, and the filter shown stays the one applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from spill.model import FindingQuery
from tui.filtering import FILTER_KEYS, FilterError, Vocabulary, format_filter, parse_filter, suggestions

__all__ = ["FilterBar", "FilterError", "FilterSuggester", "format_filter", "parse_filter"]


class FilterSuggester(Suggester):
    """Completes the last word: a key, or a value of the key before the colon."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.known = Vocabulary()

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(" ")
        prefix = head + " " if head else ""
        key, sep, partial = last.partition(":")
        if not last:
            return None
        if not sep:
            for name in (k.name + ":" for k in FILTER_KEYS):
                if name.startswith(last.lower()) and name != last.lower():
                    return prefix + name
            return None
        done, _, current = partial.rpartition(",")
        done = done + "," if done else ""
        for option in suggestions(key, self.known):
            if current and option.lower().startswith(current.lower()) and option.lower() != current.lower():
                return f"{prefix}{key}:{done}{option}"
        return None


class FilterBar(Input):
    """The one-line filter; Enter applies, Escape goes back to the table unchanged."""

    HELP_TITLE = "In the filter bar"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Leave the filter unchanged and go back to the table"),
    ]

    @dataclass
    class FilterSubmitted(Message):
        query: FindingQuery

    @dataclass
    class FilterCancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        self.completion = FilterSuggester()
        super().__init__(placeholder="/ filter: type:EMAIL_ADDRESS status:open sev:high+ path:hr/* text",
                         suggester=self.completion, id=id, compact=True)
        self.applied = FindingQuery()

    def show(self, query: FindingQuery) -> None:
        self.applied = query
        self.value = format_filter(query)

    def set_vocabulary(self, known: Vocabulary) -> None:
        """The entity types and client labs of the case (completion, and values refused as unknown)."""
        self.completion.known = known

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            query = parse_filter(self.value, self.applied, self.completion.known)
        except FilterError as err:
            self.notify(str(err), title="Filter not applied", severity="error", timeout=10)
            return
        self.post_message(self.FilterSubmitted(query))

    def action_cancel(self) -> None:
        self.value = format_filter(self.applied)
        self.post_message(self.FilterCancelled())
