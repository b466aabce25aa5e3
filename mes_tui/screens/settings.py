"""Réglages: theme, hardware cursor, calm output and simulated messages, remembered."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from mes_tui.preferences import THEMES, Preferences
from mes_tui.texts import settings as t
from mes_tui.texts import ui
from mes_tui.widgets.choice_list import ChoiceList, Option
from mes_tui.widgets.controls import ActionButton, Tick
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from mes_tui.host import Host


class SettingsScreen(ModalScreen[Preferences | None]):
    """Dismisses with the new preferences on Enregistrer, None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", ui.CLOSE, id="close")]
    DEFAULT_CSS = """
    SettingsScreen { align: center middle; }
    SettingsScreen > Vertical {
        width: 100%; max-width: 90; height: 100%; border: thick $primary; background: $surface;
    }
    SettingsScreen .title { text-style: bold; padding: 0 1; }
    SettingsScreen VerticalScroll { padding: 0 1; }
    SettingsScreen Horizontal { height: auto; padding: 0 1; }
    """

    def __init__(self, prefs: Preferences) -> None:
        super().__init__()
        self.prefs = prefs

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(t.TITLE), classes="title")
            with VerticalScroll(can_focus=False):
                options = [Option(name, *t.THEMES[name]) for name in THEMES]
                yield FormField(
                    t.THEME_LABEL,
                    ChoiceList(options, self.prefs.theme, id="theme"),
                    hint=t.THEME_HINT,
                )
                yield Tick(t.CURSOR, self.prefs.show_cursor, id="show-cursor")
                yield Tick(t.CALM, self.prefs.calm, id="calm")
                messages = Tick(t.MESSAGES, self.prefs.show_messages, id="show-messages")
                # Turned off by the administrator: not the person's to turn back on.
                messages.display = bool(getattr(self.app, "messages_allowed", True))
                yield messages
            with Horizontal():
                yield ActionButton(ui.CLOSE, id="close")
                yield ActionButton(t.SAVE, id="save", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#theme").focus()

    @on(ChoiceList.Changed, "#theme")
    def preview(self, event: ChoiceList.Changed) -> None:
        self.app.theme = event.value

    @on(ActionButton.Pressed, "#save")
    def save(self) -> None:
        prefs = Preferences(
            theme=self.query_one("#theme", ChoiceList).value or self.prefs.theme,
            show_cursor=self.query_one("#show-cursor", Tick).value,
            calm=self.query_one("#calm", Tick).value,
            show_messages=self.query_one("#show-messages", Tick).value,
        )
        self.dismiss(prefs)

    @on(ActionButton.Pressed, "#close")
    def action_close(self) -> None:
        host = cast("Host", self.app)
        self.app.theme = host.prefs.theme  # undo the preview
        self.dismiss(None)
