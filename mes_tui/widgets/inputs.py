"""Text fields that hold only what their format allows, and format as the person types."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input

from mes_tui import formats
from mes_tui.formats import FieldFormat

NIR_GROUPS = (1, 2, 2, 2, 3, 3, 2)
"""1 55 12 55 555 555 55: sex, year, month, department, commune, order, key."""

# Where ``str.splitlines`` would cut: a field takes the first line of a paste, as Textual's.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
"""What ``mes_tui.texts.safe.printable`` drops: it would reach the terminal as it is."""


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


def first_line(text: str) -> str:
    """What a field takes of a paste: up to the first line break (``str.splitlines``)."""
    found = _LINE_BREAK.search(text)
    return text if found is None else text[: found.start()]


class Kept:
    """What a format keeps of some text (``FormatInput.keep``)."""

    __slots__ = ("beyond", "refused", "text")

    def __init__(self, text: str, refused: bool, beyond: bool) -> None:
        self.text = text
        self.refused = refused
        """A character was refused: not allowed by the format, nor a separator."""
        self.beyond = beyond
        """Allowed characters were left out: there was no room for them."""


class FormatInput(Input):
    """A field that never holds more than its format allows (``mes_tui.formats``): at most
    ``limit`` characters, each allowed by the format. What is typed or pasted beyond is left
    out with the bell, and the field's ``FormField`` says that the maximum was reached
    (``LimitReached``, until the value is shorter again: ``LimitLeft``). Separators (a space
    in a NIR) are taken without a word and dropped; a paste keeps what fits.

    ``refuses_key`` answers, before any widget work, whether a typed character would change
    nothing: the app asks it first and drops such keys on arrival (``KeyOrder.deliver``), so
    that a flood of keys into a full field costs little.
    """

    typing_moves_focus: ClassVar[bool] = False
    """True for a field that may move the focus on as a character is typed (the date boxes):
    the next key then waits for it (``KeyOrder._let_previous_key_land``)."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0))
    """Textual's, without the layout: an input's virtual size is the width of its text, which
    changes with every character typed, and Textual (8.2.8) lays the whole screen out again
    for it, key after key. Nothing in the layout depends on it (an input has its own height
    and width, and ``Input`` itself asks for a layout when they are ``auto``); the input
    scrolls its own content from it (``max_scroll_x``), which a repaint is enough for."""

    class _FieldMessage(Message):
        """A message about one field, which is its ``control``."""

        def __init__(self, field: FormatInput) -> None:
            super().__init__()
            self.field = field

        @property
        def control(self) -> FormatInput:
            return self.field

    class LimitReached(_FieldMessage):
        """Characters were left out because the field is at its maximum."""

        @property
        def limit(self) -> int:
            return self.field.field_format.limit

    class LimitLeft(_FieldMessage):
        """The field, after a ``LimitReached``, is no longer at its maximum."""

    def __init__(
        self,
        value: str | None = None,
        *,
        field_format: FieldFormat,
        max_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.field_format = field_format
        self.capacity = field_format.limit if max_length is None else max_length
        """The most characters the field holds (separators included): its ``max_length``."""
        self.limit_said = False
        """The field said its maximum was reached, and is still at it."""
        super().__init__(value, max_length=self.capacity, **kwargs)

    # -- what the format keeps ------------------------------------------------------------
    def keep(self, text: str, room: int) -> Kept:
        """The characters of ``text`` the format allows, ``room`` at most, in order."""
        fmt = self.field_format
        if fmt.upper:
            text = text.upper()
        allowed, separators = fmt.allowed, fmt.separators
        kept: list[str] = []
        refused = beyond = False
        for typed in text:
            ch = " " if typed == "\t" else typed  # as mes_tui.texts.safe.printable does
            if allowed is None:
                if not (" " <= ch <= "~") and unicodedata.category(ch) in _HIDDEN:
                    refused = True
                    continue
            elif ch not in allowed:
                if ch not in separators:
                    refused = True
                continue
            if len(kept) >= room:
                beyond = True
                break  # the rest cannot go in: not even read
            kept.append(ch)
        return Kept("".join(kept), refused, beyond)

    def refuses_key(self, character: str) -> bool:
        """True if typing ``character`` (printable) changes nothing: a character the format
        does not allow, a separator, or one more than the field's maximum. The refusal is then
        done (the bell, the maximum said) and the key needs no other work. Cheap: the app asks
        it for every key typed into the field."""
        start, end = self.selection
        if start != end:
            return False  # it replaces the selection
        fmt = self.field_format
        if fmt.allowed is not None:
            ch = character.upper() if fmt.upper else character
            if ch not in fmt.allowed:
                if ch not in fmt.separators:
                    self.restricted()
                return True
        if len(self.value) < self.capacity:
            return False
        self.refused_beyond_limit()
        return True

    def refused_beyond_limit(self) -> None:
        """Characters were left out for want of room: the bell, and the field says why."""
        self.restricted()
        if not self.limit_said:
            self.limit_said = True
            self.post_message(self.LimitReached(self))

    def _say_refusals(self, kept: Kept) -> None:
        if kept.beyond:
            self.refused_beyond_limit()
        elif kept.refused:
            self.restricted()

    # -- edits ------------------------------------------------------------------------------
    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit (typing, paste, deletion) comes through here.
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        kept = self.keep(text, self.capacity - len(value) + (end - start))
        if kept.text or start != end:
            super().replace(kept.text, start, end)
        self._say_refusals(kept)

    def _on_paste(self, event: events.Paste) -> None:
        # Instead of Input's: the first line without splitting the whole paste into lines.
        event.stop()
        event.prevent_default()
        line = first_line(event.text)
        if line:
            self.replace(line, *self.selection)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        # What the layout did after a change of virtual size (see ``virtual_size``): a shorter
        # value scrolls back, so that the field is not left half empty.
        self.scroll_x = self.validate_scroll_x(self.scroll_x)
        if self.limit_said and len(value) < self.capacity:
            self.limit_said = False
            self.post_message(self.LimitLeft(self))


class GroupedInput(FormatInput):
    """An input that keeps its value spaced in groups (``1 16 30 44 038 016 18``) while the
    person types, pastes or deletes, with the cursor kept after the same character.

    Only characters the format allows are kept; pasted separators (spaces, dots) are dropped.
    Backspace over a separator removes the character before it, as people expect.
    """

    def __init__(
        self,
        *,
        field_format: FieldFormat,
        groups: tuple[int, ...] | None = None,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        self._groups = groups or (field_format.limit,)
        self._limit = sum(self._groups)
        if self._limit != field_format.limit:
            raise ValueError(f"groups {self._groups} do not make {field_format.limit} characters")
        super().__init__(
            field_format=field_format,
            placeholder=placeholder,
            id=id,
            max_length=self._limit + len(self._groups) - 1,
        )

    def _meaningful(self, text: str) -> str:
        fmt = self.field_format
        if fmt.upper:
            text = text.upper()
        allowed = fmt.allowed
        return text if allowed is None else "".join(ch for ch in text if ch in allowed)

    def compact_value(self, text: str | None = None) -> str:
        """The value without separators."""
        return self._meaningful(self.value if text is None else text)[: self._limit]

    def replace(self, text: str, start: int, end: int) -> None:
        # Apply the edit to the meaningful characters, then lay them out in groups again.
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
        prefix = self._meaningful(value[:start])
        suffix = self._meaningful(value[end:])
        kept = self.keep(text, self._limit - len(prefix) - len(suffix))
        if kept.text or start != end:
            before = prefix + kept.text
            formatted = group(before + suffix, self._groups)
            self.value = formatted
            self.cursor_position = _index_after(formatted, len(before))
        self._say_refusals(kept)

    def _watch_value(self, value: str) -> None:
        super()._watch_value(value)
        # A value set from code (not typed) is laid out too.
        formatted = group(self.compact_value(value), self._groups)
        if formatted != value:
            self.value = formatted


class NirInput(GroupedInput):
    """The numéro de sécurité sociale, 15 characters (or 13 without the key)."""

    def __init__(self, *, with_key: bool = True, placeholder: str = "", id: str | None = None):
        super().__init__(
            field_format=formats.NIR if with_key else formats.NIR_WITHOUT_KEY,
            groups=NIR_GROUPS if with_key else NIR_GROUPS[:-1],
            placeholder=placeholder,
            id=id,
        )


class SecretInput(FormatInput):
    """A field for a password or a code: nothing leaves it by copy or cut. Its text would go to
    the terminal's clipboard (and to the app's own, which Ctrl+V reads back), where the next
    person at the desk, or anyone reading the clipboard, would find it in clear. The keys ring
    the bell instead, so that the person knows they did nothing."""

    def action_copy(self) -> None:
        self.app.bell()

    def action_cut(self) -> None:
        self.app.bell()
