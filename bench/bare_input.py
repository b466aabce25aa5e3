"""The baseline for the input figures: a bare Textual app with one ``Input`` of a given maximum.

    .venv/bin/python bench/bare_input.py MAX_LENGTH

A label and one focused ``Input(max_length=MAX_LENGTH)`` (0: no maximum), as a form field of
any Textual app, and nothing from the project: what Textual itself pays for each key typed into
a field. The placeholder reads "PRET" until something is typed. Ctrl+Q quits.
"""

from __future__ import annotations

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static


class BareInputApp(App[None]):
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quitter", priority=True)]
    CSS = """
    Screen { padding: 1 1; }
    .label { text-style: bold; }
    """

    def __init__(self, max_length: int) -> None:
        super().__init__()
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        yield Static("Champ", classes="label")
        yield Input(placeholder="PRET", max_length=self.max_length)


if __name__ == "__main__":
    BareInputApp(int(sys.argv[1]) if len(sys.argv) > 1 else 0).run()
