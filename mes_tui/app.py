"""The full-screen application: theme, global keys, navigation between steps, and the
session of the person being served."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from mes_tui import journey
from mes_tui.texts import safe
from mes_tui.texts import ui as t

if TYPE_CHECKING:
    from mes_tui.services.api import MesService, OutboxMessage

# Screens are imported when first shown, so the first paint only pays for the welcome screen.
_SCREENS: dict[journey.Step, str] = {
    journey.Step.IDENTIFY: "mes_tui.screens.identification:IdentificationScreen",
    journey.Step.NEW_CODE: "mes_tui.screens.new_code:NewCodeScreen",
    journey.Step.CODE_DELIVERY: "mes_tui.screens.new_code:CodeDeliveryScreen",
    journey.Step.DECISION: "mes_tui.screens.decision:DecisionScreen",
    journey.Step.CONTACTS: "mes_tui.screens.contacts:ContactsScreen",
    journey.Step.CREDENTIALS: "mes_tui.screens.credentials:CredentialsScreen",
    journey.Step.ACTIVATED: "mes_tui.screens.activated:ActivatedScreen",
    journey.Step.HOME: "mes_tui.screens.home:HomeScreen",
    journey.Step.OPPOSE_CONFIRM: "mes_tui.screens.opposition:OpposeConfirmScreen",
    journey.Step.OPPOSED: "mes_tui.screens.opposition:OpposedScreen",
    journey.Step.LOGIN: "mes_tui.screens.login:LoginScreen",
}


class MesApp(App[None]):
    """Mon espace santé in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = t.APP_TITLE
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", t.KEY_QUIT, id="quit", priority=True),
        Binding("f1", "help", t.KEY_HELP, id="help"),
        Binding("f2", "messages", t.KEY_MESSAGES, id="messages"),
        Binding("ctrl+n", "new_session", t.KEY_NEW_SESSION, id="new_session"),
        Binding("ctrl+l", "redraw", t.KEY_REDRAW, id="redraw", show=False),
    ]

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        service: MesService | None = None,
        show_messages: bool = True,
    ) -> None:
        super().__init__()
        self._data_dir = data_dir
        self._service = service
        self._service_lock = threading.Lock()
        self.show_messages = show_messages
        self.session = journey.Session()

    # -- the back office, opened on first use -----------------------------------------------
    @property
    def service(self) -> MesService:
        with self._service_lock:
            if self._service is None:
                from mes_tui.services import open_service

                self._service = open_service(self._data_dir)
            return self._service

    # -- navigation -----------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from mes_tui.screens.welcome import WelcomeScreen

        return WelcomeScreen()

    def make_screen(self, step: journey.Step) -> Screen[Any]:
        module_name, _, class_name = _SCREENS[step].partition(":")
        screen_class = getattr(importlib.import_module(module_name), class_name)
        screen: Screen[Any] = screen_class()
        return screen

    def goto(self, step: journey.Step) -> None:
        """Show ``step`` on top of the current one; Escape comes back."""
        self.push_screen(self.make_screen(step))

    def restart_at(self, step: journey.Step) -> None:
        """Show ``step`` with only the welcome screen beneath it: what came before cannot be
        undone (the person is identified, a decision was recorded)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(self.make_screen(step))

    def start_journey(self, branch: journey.Branch, step: journey.Step) -> None:
        self.session.branch = branch
        self.goto(step)

    def go_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def back_to_welcome(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def receipts_dir(self) -> Path:
        """Where receipts go unless the person types another folder."""
        return self.service.default_receipts_dir()

    # -- simulated deliveries -------------------------------------------------------------
    def collect_messages(self, result: object) -> None:
        """Keep the simulated message a service call sent, and show it if allowed."""
        message: OutboxMessage | None = getattr(result, "message", None)
        if message is None or not hasattr(message, "channel"):
            return
        self.session.messages.append(message)
        if self.show_messages:
            channel = t.CHANNEL_LABELS.get(message.channel.value, message.channel.value)
            title = t.MESSAGE_NOTICE.format(channel=channel, to=safe.printable(message.to))
            self.notify(safe.printable(message.body), title=title, markup=False, timeout=30)

    # -- global actions -------------------------------------------------------------------
    def action_new_session(self) -> None:
        self.session.wipe()
        self.back_to_welcome()

    def action_redraw(self) -> None:
        self.refresh(repaint=True, layout=True)

    def action_help(self) -> None:
        screen = self.screen
        toggle = getattr(screen, "toggle_focused_help", None)
        if toggle is not None:
            toggle()

    def action_messages(self) -> None:
        from mes_tui.screens.messages import MessagesScreen

        self.push_screen(MessagesScreen(list(self.session.messages)))

    def action_request_quit(self) -> None:
        self.exit()
