"""Text fields that format as the person types."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

NIR_GROUPS = (1, 2, 2, 2, 3, 3, 2)
"""1 55 12 55 555 555 55: sex, year, month, department, commune, order, key."""


def group(compact: str, sizes: tuple[int, ...]) -> str:
    """Split ``compact`` into space-separated groups of ``sizes`` (the rest is dropped)."""
    parts, i = [], 0
    for size in sizes:
        if i >= len(compact):
            break
        parts.append(compact[i : i + size])
        i += size
    return " ".join(parts)


def _index_after(text: str, count: int) -> int:
    """The index just after the ``count``-th character of ``text`` that is not a space."""
    if count <= 0:
        return 0
    seen = 0
    for index, ch in enumerate(text, start=1):
        if ch != " ":
            seen += 1
            if seen == count:
                return index
    return len(text)


class GroupedInput(Input):
    """An input that keeps its value spaced in groups (``1 16 30 44 038 016 18``) while the
    person types, pastes or deletes, with the cursor kept after the same character.

    Only characters in ``allowed`` are kept; pasted separators (spaces, dots) are dropped.
    """

    def __init__(
        self,
        *,
        groups: tuple[int, ...],
        allowed: str,
        upper: bool = False,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        self._groups = groups
        self._allowed = frozenset(allowed)
        self._upper = upper
        limit = sum(groups)
        super().__init__(placeholder=placeholder, id=id, max_length=limit + len(groups) - 1)
        self._formatting = False

    def compact_value(self, text: str | None = None) -> str:
        """The value without separators."""
        source = self.value if text is None else text
        if self._upper:
            source = source.upper()
        return "".join(ch for ch in source if ch in self._allowed)[: sum(self._groups)]

    def insert_text_at_cursor(self, text: str) -> None:
        # Drop what can never be part of the value before it reaches max_length.
        kept = self.compact_value(text) if text.strip() else ""
        if kept:
            super().insert_text_at_cursor(kept)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        self.insert_text_at_cursor(event.text)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        if self._formatting:
            return
        before_cursor = len(self.compact_value(value[: self.cursor_position]))
        formatted = group(self.compact_value(value), self._groups)
        if formatted == value:
            return
        self._formatting = True
        try:
            self.value = formatted
            # Put the cursor after the same number of meaningful characters.
            self.cursor_position = _index_after(formatted, before_cursor)
        finally:
            self._formatting = False


class NirInput(GroupedInput):
    """The numéro de sécurité sociale, 15 characters (or 13 without the key)."""

    def __init__(self, *, with_key: bool = True, placeholder: str = "", id: str | None = None):
        groups = NIR_GROUPS if with_key else NIR_GROUPS[:-1]
        super().__init__(
            groups=groups, allowed="0123456789AB", upper=True, placeholder=placeholder, id=id
        )
