"""What the screens to read over the current one share (the keys, the messages, a long text):
Escape or their "Fermer" button (``#close``) closes them, and nothing comes back from them."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from mes_tui.texts import ui as t
from mes_tui.widgets.controls import ActionButton


class InfoScreen(ModalScreen[None]):
    """Subclasses compose a ``#close`` button; ``FIRST_FOCUS`` gets the focus on opening."""

    FIRST_FOCUS: ClassVar[str] = "#close"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", t.CLOSE, id="close")]

    def on_mount(self) -> None:
        self.query_one(self.FIRST_FOCUS).focus()

    @on(ActionButton.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
