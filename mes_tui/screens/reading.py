"""A long text to read (CGU, privacy policy) over the current screen; Escape closes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from mes_tui.paths import asset_path
from mes_tui.screens.info import InfoScreen
from mes_tui.texts import ui as t
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.keybar import KeyBar


class ReadingScreen(InfoScreen):
    """Shows an asset text; the body scrolls with the arrow keys and Page Up / Page Down."""

    FIRST_FOCUS = "#reading-body"

    DEFAULT_CSS = """
    ReadingScreen { align: center middle; }
    ReadingScreen > Vertical {
        width: 100%; max-width: 100; height: 100%; border: thick $primary; background: $surface;
    }
    ReadingScreen .reading-title { text-style: bold; padding: 0 1; }
    ReadingScreen VerticalScroll { padding: 0 1; }
    """

    def __init__(self, title: str, asset: str) -> None:
        super().__init__()
        self._title = title
        self._asset = asset

    def compose(self) -> ComposeResult:
        text = asset_path("texts", self._asset).read_text(encoding="utf-8")
        with Vertical():
            yield Static(Content(self._title), classes="reading-title")
            with VerticalScroll(id="reading-body", can_focus=True):
                yield Static(Content(text))
            yield ActionButton(t.CLOSE, id="close")
        yield KeyBar()
