"""The keyboard map as a window over the current screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from mes_tui.screens.info import InfoScreen
from mes_tui.texts import keys as t
from mes_tui.texts import ui
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.keybar import KeyBar


def keys_table() -> str:
    width = max(len(key) for key, _ in t.KEYS)
    return "\n".join(f"{key.ljust(width)}  {action}" for key, action in t.KEYS)


class KeysScreen(InfoScreen):
    DEFAULT_CSS = """
    KeysScreen { align: center middle; }
    KeysScreen > Vertical {
        width: 100%; max-width: 90; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    KeysScreen .title { text-style: bold; }
    KeysScreen VerticalScroll { height: auto; max-height: 18; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(t.TITLE), classes="title")
            yield Static(Content(t.INTRO))
            with VerticalScroll(can_focus=False):
                yield Static(Content(keys_table()), id="keys")
            yield ActionButton(ui.CLOSE, id="close")
        yield KeyBar()
