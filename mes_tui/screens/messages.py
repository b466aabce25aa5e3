"""Messages reçus (simulation): what the simulated delivery sent for the person being served."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from mes_tui.screens.info import InfoScreen
from mes_tui.texts import safe
from mes_tui.texts import ui as t
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from mes_tui.services.api import OutboxMessage


def describe(message: OutboxMessage) -> str:
    """A message as plain lines: when, how, to whom, subject, body."""
    channel = t.CHANNEL_LABELS.get(message.channel.value, message.channel.value)
    head = f"{message.sent_at:%d/%m/%Y %H:%M} · {channel} · {safe.printable(message.to)}"
    lines = [head]
    if message.subject:
        lines.append(safe.printable(message.subject))
    lines += [safe.printable(line) for line in message.body.splitlines()]
    return "\n".join(lines)


class MessagesScreen(InfoScreen):
    DEFAULT_CSS = """
    MessagesScreen { align: center middle; }
    MessagesScreen > Vertical {
        width: 100%; max-width: 100; height: 100%; border: thick $primary; background: $surface;
    }
    MessagesScreen .title { text-style: bold; padding: 0 1; }
    MessagesScreen .message { border-bottom: solid $border-blurred; padding: 0 1 1 1; }
    """

    def __init__(self, messages: Sequence[OutboxMessage]) -> None:
        super().__init__()
        self.messages = list(messages)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(t.MESSAGES_TITLE), classes="title")
            with VerticalScroll(id="messages", can_focus=True):
                if not self.messages:
                    yield Static(Content(t.MESSAGES_EMPTY))
                for message in reversed(self.messages):
                    yield Static(Content(describe(message)), classes="message")
            yield ActionButton(t.CLOSE, id="close")
        yield KeyBar()
