"""A list of choices, each with a title and a description, answered by arrows or by number.

One tab stop for the whole list. Up/Down move the pointer, Space or Enter choose, and the
digit keys 1–9 choose the n-th option at once. The chosen option reads ``(•)``, the others
``( )``; while the list has focus, ``>`` points at the option under the cursor.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive

from mes_tui.texts import safe
from mes_tui.texts import ui as t
from mes_tui.widgets.controls import WidthAware, follow_cursor


@dataclass(frozen=True)
class Option:
    value: str
    title: str
    description: str = ""


class ChoiceList(WidthAware, can_focus=True):
    DEFAULT_CSS = """
    ChoiceList { height: auto; padding: 0 1; border: round $border-blurred; }
    ChoiceList:focus { border: round $border; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", t.KEY_PREVIOUS_CHOICE, show=False, id="choice_up"),
        Binding("down", "move(1)", t.KEY_NEXT_CHOICE, show=False, id="choice_down"),
        Binding("space,enter", "choose_pointed", t.KEY_CHOOSE, id="choice_choose"),
    ]

    value: reactive[str | None] = reactive(None)
    """The chosen option's value, or None."""
    pointed: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice_list: ChoiceList, value: str) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.value = value

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(
        self, options: Sequence[Option], value: str | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.set_reactive(ChoiceList.value, value)
        values = [o.value for o in self.options]
        if value in values:
            self.set_reactive(ChoiceList.pointed, values.index(value))

    _wrapped: tuple[tuple[object, ...], list[tuple[int, str]]] | None = None

    def _lines(self, width: int | None = None) -> list[tuple[int, str]]:
        """(option index, text) for every rendered line, wrapped to ``width`` with the
        continuation lines indented under the option's title. Asked for several times per
        frame (height, rendering, the cursor): wrapped again only when something changed."""
        width = width or self.laid_out_width or 80
        key = (width, self.has_focus, self.pointed, self.value)
        if self._wrapped is None or self._wrapped[0] != key:
            self._wrapped = (key, self._wrap(width))
        return self._wrapped[1]

    def _wrap(self, width: int) -> list[tuple[int, str]]:
        indent = " " * 8
        lines: list[tuple[int, str]] = []
        for i, option in enumerate(self.options):
            pointer = ">" if self.has_focus and self.pointed == i else " "
            mark = "(•)" if self.value == option.value else "( )"
            head = f"{pointer}{mark} {i + 1}. {safe.printable(option.title)}"
            body = safe.printable(option.description)
            wrapped = textwrap.wrap(head, width, subsequent_indent=indent) or [head]
            if body:
                wrapped += textwrap.wrap(
                    body, width, initial_indent=indent, subsequent_indent=indent
                )
            lines += [(i, line) for line in wrapped]
        return lines

    def render(self) -> Content:
        return Content("\n".join(text for _, text in self._lines()))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._lines(width))

    def cursor_offset(self) -> tuple[int, int]:
        """Where the terminal cursor should sit: on the mark of the pointed option."""
        row = next(n for n, (i, _) in enumerate(self._lines()) if i == self.pointed)
        return (2, row)

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self.refresh()

    def watch_pointed(self) -> None:
        self.refresh()
        follow_cursor(self)

    def watch_value(self) -> None:
        self.refresh(layout=True)

    def action_move(self, step: int) -> None:
        self.pointed = (self.pointed + step) % len(self.options)

    def action_choose_pointed(self) -> None:
        self.choose(self.pointed)

    def choose(self, index: int) -> None:
        self.pointed = index
        value = self.options[index].value
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))

    def on_key(self, event: events.Key) -> None:
        # Handled here rather than by bindings, so that a key is done with before the next
        # one is routed (keys typed in one burst keep their order across a Tab).
        moves = {"up": -1, "down": 1}
        if event.key in moves:
            event.stop()
            event.prevent_default()
            self.action_move(moves[event.key])
            return
        if event.key in ("space", "enter"):
            event.stop()
            event.prevent_default()
            self.action_choose_pointed()
            return
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.options):
                event.stop()
                event.prevent_default()
                self.choose(index)

    async def _on_click(self, event: events.Click) -> None:
        lines = self._lines()
        if 0 <= event.y < len(lines):
            self.choose(lines[event.y][0])
