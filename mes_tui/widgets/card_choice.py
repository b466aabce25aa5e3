"""The choice of carte Vitale model, drawn as two small cards side by side.

One tab stop for the group (as for radio buttons): Left/Right or 1/2 move the choice,
Space or Enter confirm it. The chosen card reads ``(•)`` and the other ``( )``; while the
group has focus, ``>`` points at the card under the cursor.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from mes_tui.texts import vitale as t
from mes_tui.widgets.controls import WidthAware, follow_cursor

CARD_WIDTH = 36
_CARDS = ("sans_photo", "avec_photo")


def _card_lines(kind: str, *, selected: bool, pointed: bool) -> list[str]:
    inner = CARD_WIDTH - 2
    mark = "(•)" if selected else "( )"
    pointer = ">" if pointed else " "
    title = t.SANS_PHOTO_SHORT if kind == "sans_photo" else t.AVEC_PHOTO_SHORT
    drawing = t.DRAWING_SANS_PHOTO if kind == "sans_photo" else t.DRAWING_AVEC_PHOTO
    h, v = ("━", "┃") if selected else ("─", "│")
    corners = ("┏", "┓", "┗", "┛") if selected else ("┌", "┐", "└", "┘")
    body = [f"{pointer}{mark} {t.CARD_WORD}", f"     {title}", *drawing]
    lines = [corners[0] + h * inner + corners[1]]
    lines += [v + line[:inner].ljust(inner) + v for line in body]
    lines.append(corners[2] + h * inner + corners[3])
    return lines


class CardTypeChoice(WidthAware, can_focus=True):
    """Choose "sans photo" or "avec photo"; ``value`` is ``None`` until the person chooses."""

    DEFAULT_CSS = """
    CardTypeChoice { height: auto; width: auto; }
    CardTypeChoice:focus { text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "point(0)", t.KEY_PREVIOUS, show=False, id="card_left"),
        Binding("right", "point(1)", t.KEY_NEXT, show=False, id="card_right"),
        Binding("1", "choose(0)", t.KEY_CHOOSE_1, show=False, id="card_1"),
        Binding("2", "choose(1)", t.KEY_CHOOSE_2, show=False, id="card_2"),
        Binding("space,enter", "choose_pointed", t.KEY_CHOOSE, id="card_choose"),
    ]

    value: reactive[str | None] = reactive(None, layout=True)
    """The chosen card type ("sans_photo" or "avec_photo"), or None."""
    pointed: reactive[int] = reactive(0)
    """The card under the keyboard cursor."""

    class Changed(Message):
        def __init__(self, choice: CardTypeChoice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> CardTypeChoice:
            return self.choice

    def __init__(self, value: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(CardTypeChoice.value, value)
        if value in _CARDS:
            self.set_reactive(CardTypeChoice.pointed, _CARDS.index(value))

    def _rows(self, width: int) -> list[str]:
        """The two cards side by side, or one above the other when ``width`` is too narrow."""
        cards = [
            _card_lines(
                kind,
                selected=self.value == kind,
                pointed=self.has_focus and self.pointed == i,
            )
            for i, kind in enumerate(_CARDS)
        ]
        if width and width < 2 * CARD_WIDTH + 2:
            return cards[0] + cards[1]
        return [left + "  " + right for left, right in zip(cards[0], cards[1], strict=True)]

    def render(self) -> Content:
        return Content("\n".join(self._rows(self.laid_out_width)))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # Side by side where they fit, else one card wide: the cards are then stacked.
        side_by_side = 2 * CARD_WIDTH + 2
        return side_by_side if container.width >= side_by_side else CARD_WIDTH

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._rows(width))

    def on_key(self, event: events.Key) -> None:
        # Handled here rather than by bindings, so that a key is done with before the next
        # one is routed (keys typed in one burst keep their order across a Tab).
        actions = {
            "left": lambda: self.action_point(0),
            "right": lambda: self.action_point(1),
            "1": lambda: self.action_choose(0),
            "2": lambda: self.action_choose(1),
            "space": self.action_choose_pointed,
            "enter": self.action_choose_pointed,
        }
        action = actions.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            action()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self.refresh()

    def action_point(self, index: int) -> None:
        self.pointed = index
        self.refresh()
        follow_cursor(self)

    def action_choose(self, index: int) -> None:
        self.pointed = index
        self.choose(_CARDS[index])

    def action_choose_pointed(self) -> None:
        self.choose(_CARDS[self.pointed])

    def choose(self, value: str) -> None:
        if value != self.value:
            self.value = value
            self.post_message(self.Changed(self, value))
        self.refresh()

    def cursor_offset(self) -> tuple[int, int]:
        """Where the terminal cursor should sit: on the mark of the pointed card."""
        return (self.pointed * (CARD_WIDTH + 2) + 2, 1)

    async def _on_click(self, event: object) -> None:
        x = getattr(event, "x", 0)
        self.action_choose(0 if x < CARD_WIDTH + 1 else 1)
