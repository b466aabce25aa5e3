"""A yes/no question over the current screen, answered by keyboard; dismisses with a bool."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from mes_tui.texts import ui as t
from mes_tui.widgets.controls import ActionButton


class ConfirmScreen(ModalScreen[bool]):
    """Escape answers no; focus starts on the safe answer (no)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", t.CONFIRM_NO, id="confirm_no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning; background: $surface;
        padding: 1 2;
    }
    ConfirmScreen .question { text-style: bold; }
    ConfirmScreen Horizontal { height: auto; margin: 1 0 0 0; }
    """

    def __init__(
        self, question: str, detail: str, *, yes: str = t.CONFIRM_YES, no: str = t.CONFIRM_NO
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(self.question), classes="question")
            yield Static(Content(self.detail))
            with Horizontal():
                yield ActionButton(self.no, id="no")
                yield ActionButton(self.yes, id="yes")

    def on_mount(self) -> None:
        self.query_one("#no").focus()

    @on(ActionButton.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(ActionButton.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
