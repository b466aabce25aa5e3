"""The warning before the idle wipe: a countdown any key cancels."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from mes_tui.texts import desk as t
from mes_tui.widgets.controls import ActionButton


class IdleScreen(ModalScreen[bool]):
    """Dismisses with True when the countdown ends (wipe), False on any key (stay)."""

    DEFAULT_CSS = """
    IdleScreen { align: center middle; }
    IdleScreen > Vertical {
        width: 70; max-width: 100%; height: auto; border: thick $warning;
        background: $surface; padding: 1 2;
    }
    IdleScreen .question { text-style: bold; }
    """

    def __init__(
        self, seconds: int, *, clock: Callable[[], float] = time.monotonic, every: float = 1.0
    ) -> None:
        super().__init__()
        self.remaining = seconds
        self._clock = clock
        self._every = every
        self._deadline = clock() + seconds

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(t.IDLE_TITLE), classes="question")
            yield Static(self._text(), id="countdown")
            yield Static(Content(t.IDLE_HINT))
            yield ActionButton(t.IDLE_STAY, id="stay")

    def _text(self) -> Content:
        return Content(t.IDLE_BODY.format(seconds=self.remaining))

    def on_mount(self) -> None:
        if getattr(self.app, "closing", False):
            return  # pushed as the person quit: its widgets are being closed
        self.query_one("#stay").focus()
        self.set_interval(self._every, self._tick)

    def _tick(self) -> None:
        if getattr(self.app, "closing", False):
            return  # the person quit meanwhile: no wipe to start on the way out
        remaining = max(0, math.ceil(self._deadline - self._clock()))
        if remaining <= 0:
            self.dismiss(True)
            return
        if remaining != self.remaining:
            self.remaining = remaining
            self.query_one("#countdown", Static).update(self._text())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss(False)

    @on(ActionButton.Pressed, "#stay")
    def stay(self) -> None:
        self.dismiss(False)
