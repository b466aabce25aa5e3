"""Text fields that format as the person types."""

from __future__ import annotations

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
    Backspace over a separator removes the character before it, as people expect.
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
        self._limit = sum(groups)
        super().__init__(placeholder=placeholder, id=id, max_length=self._limit + len(groups) - 1)

    def _meaningful(self, text: str) -> str:
        if self._upper:
            text = text.upper()
        return "".join(ch for ch in text if ch in self._allowed)

    def compact_value(self, text: str | None = None) -> str:
        """The value without separators."""
        return self._meaningful(self.value if text is None else text)[: self._limit]

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit (typing, paste, deletion) comes through here: apply it to the meaningful
        # characters, then lay them out in groups again.
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        if not text and start < end and not value[start:end].strip():
            # Deleting only a separator: take the character on the side the key points to,
            # before it for Backspace (the span ends at the cursor), after it for Delete (the
            # span starts at the cursor).
            if start < self.cursor_position:
                start = max(0, start - 1)
            else:
                end = min(len(value), end + 1)
        before = self._meaningful(value[:start] + text)
        compact = before + self._meaningful(value[end:])
        if len(compact) > self._limit:
            if len(text) <= 1:
                self.restricted()  # one key too many: the bell, nothing changes
                return
            # A paste longer than the field: keep what fits, as a form field would.
            compact = compact[: self._limit]
            before = before[: self._limit]
        formatted = group(compact, self._groups)
        self.value = formatted
        self.cursor_position = _index_after(formatted, len(before))

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        # A value set from code (not typed) is laid out too.
        formatted = group(self.compact_value(value), self._groups)
        if formatted != value:
            self.value = formatted


class NirInput(GroupedInput):
    """The numéro de sécurité sociale, 15 characters (or 13 without the key)."""

    def __init__(self, *, with_key: bool = True, placeholder: str = "", id: str | None = None):
        groups = NIR_GROUPS if with_key else NIR_GROUPS[:-1]
        super().__init__(
            groups=groups, allowed="0123456789AB", upper=True, placeholder=placeholder, id=id
        )


class SecretInput(Input):
    """A field for a password or a code: nothing leaves it by copy or cut. Its text would go to
    the terminal's clipboard (and to the app's own, which Ctrl+V reads back), where the next
    person at the desk, or anyone reading the clipboard, would find it in clear. The keys ring
    the bell instead, so that the person knows they did nothing."""

    def action_copy(self) -> None:
        self.app.bell()

    def action_cut(self) -> None:
        self.app.bell()
