"""The full-screen application: theme, global keys, navigation between steps, and the
session of the person being served."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.screen import Screen
from textual.widgets import Input

from mes_tui import journey, memory
from mes_tui.preferences import Preferences
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
# Loaded in a background thread once the welcome screen is painted, so that its first Enter
# does not wait for them: the screens "Commencer" leads to. Neither pulls pydantic or the back
# office in, so the welcome screen stays about as small in memory as a bare Textual app.
_AFTER_FIRST_PAINT = ("mes_tui.screens.identification", "mes_tui.screens.decision")
# Loaded, and the back office opened, in a background thread when a journey starts, while the
# person fills its first form: what the form's checks, its submit and the next steps need
# (e-mail and mobile checks run on the event loop: their libraries too, light once pydantic is
# in; fpdf, 30 MiB, stays for the first receipt).
_ON_JOURNEY_START = (
    "mes_tui.models",
    *dict.fromkeys(target.partition(":")[0] for target in _SCREENS.values()),
    "email_validator",
    "phonenumbers",
)


class MesApp(App[None]):
    """Mon espace santé in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = t.APP_TITLE
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", t.KEY_QUIT, id="quit", priority=True),
        # At the app, so that the focus moves before the next key is routed (see on_event).
        Binding("tab", "focus_next", t.KEY_NEXT_FIELD, id="focus_next", show=False, priority=True),
        Binding(
            "shift+tab",
            "focus_previous",
            t.KEY_PREVIOUS_FIELD,
            id="focus_previous",
            show=False,
            priority=True,
        ),
        Binding("f1", "help", t.KEY_HELP, id="help"),
        Binding("question_mark", "keys", t.KEY_KEYS, id="keys", show=False),
        Binding("f2", "messages", t.KEY_MESSAGES, id="messages"),
        Binding("f4", "settings", t.KEY_SETTINGS, id="settings", show=False),
        Binding("ctrl+n", "new_session", t.KEY_NEW_SESSION, id="new_session"),
        Binding("ctrl+l", "redraw", t.KEY_REDRAW, id="redraw", show=False),
    ]

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        service: MesService | None = None,
        show_messages: bool = True,
        preferences: Preferences | None = None,
        save_preferences: bool = False,
        idle_timeout: float = 0,
        idle_countdown: int = 30,
        receipt_folders: tuple[Path, ...] = (),
        tune_memory: bool = False,
    ) -> None:
        super().__init__()
        self.tune_memory = tune_memory
        self._screen_changes = 0
        """Collect and freeze what start-up left once the welcome screen is painted
        (``mes_tui.memory``): for a process that runs the app alone, not for tests."""
        self._data_dir = data_dir
        self._service = service
        self._service_lock = threading.Lock()
        self._warmed_up: set[tuple[str, ...]] = set()
        self.prefs = preferences or Preferences(show_messages=show_messages)
        self._save_preferences = save_preferences
        self.messages_allowed = show_messages
        """False when the administrator turned the simulated messages off (SSH, desk): the
        person's own settings cannot turn them back on."""
        self.show_messages = show_messages and self.prefs.show_messages
        self.session = journey.Session()
        self.idle_timeout = idle_timeout
        """Seconds without a key before the wipe warning (0: never)."""
        self.idle_countdown = idle_countdown
        self.receipt_folders = receipt_folders
        """Folders where receipts may be written (empty: anywhere the person chooses)."""
        self._last_activity = time.monotonic()
        from mes_tui.themes import OUR_THEMES

        for theme in OUR_THEMES:
            self.register_theme(theme)
        self.theme = self.prefs.theme
        if self.prefs.calm:
            self.animation_level = "none"

    # -- the back office, opened on first use -----------------------------------------------
    @property
    def service(self) -> MesService:
        with self._service_lock:
            if self._service is None:
                from mes_tui.services import open_service

                self._service = open_service(self._data_dir, receipt_folders=self.receipt_folders)
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
        self.call_after_refresh(self.warm_up, _ON_JOURNEY_START, open_service=True)

    def warm_up(
        self, modules: tuple[str, ...], *, open_service: bool = False, settle: bool = False
    ) -> None:
        """Import ``modules`` (and open the back office) in a background thread, once: work
        moved off the first paint and off the key presses. A failure is left for the real use
        to meet and report (a data folder that cannot be opened, say). ``settle``: then collect
        and freeze what is alive (``memory.settle_after_start``)."""
        if modules in self._warmed_up:
            return
        self._warmed_up.add(modules)

        def work() -> None:
            try:
                for name in modules:
                    importlib.import_module(name)
                if open_service:
                    # The simulated back office's key too: it may come from the system keyring,
                    # slow to import and to ask (hundreds of ms), else the first submit waits.
                    hasher = getattr(self.service, "hasher", None)
                    if hasher is not None:
                        hasher.load_key()
            except Exception:  # noqa: S110 - see the docstring
                pass
            if settle and len(self.screen_stack) == 1:  # the person has not gone on yet
                memory.settle_after_start()

        threading.Thread(target=work, name="mes-tui-warm-up", daemon=True).start()

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
        """Next person: confirm first if something of the current one would be lost."""
        from mes_tui.screens.confirm import ConfirmScreen
        from mes_tui.texts import desk

        if isinstance(self.screen, ConfirmScreen):
            return
        if not self.has_unsaved_input():
            self.wipe()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.wipe()

        self.push_screen(
            ConfirmScreen(
                desk.NEW_SESSION_TITLE,
                desk.NEW_SESSION_BODY,
                yes=desk.NEW_SESSION_YES,
                no=desk.NEW_SESSION_NO,
            ),
            answered,
        )

    def wipe(self) -> None:
        """Forget the person being served: screens, fields, messages, notifications."""
        self.session.wipe()
        self.clear_notifications()
        self.back_to_welcome()
        memory.forget_render_caches()
        welcome = self.screen
        self.call_after_refresh(lambda: welcome.query_one("#start").focus())

    # -- idle wipe ------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self._last_activity = time.monotonic()
        if isinstance(event, events.Paste):
            # A field draws what is pasted into it back to the terminal: without its control
            # characters (ESC, OSC, bidi overrides), which the terminal would obey, not show.
            event.text = "\n".join(safe.printable(line) for line in event.text.splitlines())
        typed = isinstance(event, events.Key | events.Paste) and not event.is_forwarded
        if typed:
            await self._let_previous_key_land()
        await super().on_event(event)
        if typed:
            target = self.focused or self.screen
            self._key_landed = asyncio.Event()
            # Runs once the target has handled everything it was sent before, this key included.
            target.call_later(self._key_landed.set)

    async def _let_previous_key_land(self) -> None:
        """Textual routes each key to the widget focused when the key is read, through that
        widget's own queue. Keys read in one burst (typed fast, pasted, or held back by a slow
        link) could overtake one another across a focus change. So a key waits (bounded)
        until the previous one has been handled by its widget; Tab and Shift+Tab are app
        bindings, which move the focus before the next key is routed."""
        landed = getattr(self, "_key_landed", None)
        if landed is not None and not landed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(landed.wait(), timeout=0.5)

    def _check_idle(self) -> None:
        from mes_tui.screens.idle import IdleScreen

        if self.idle_timeout <= 0 or isinstance(self.screen, IdleScreen):
            return
        if time.monotonic() - self._last_activity < self.idle_timeout:
            return
        if not self.has_unsaved_input():
            return

        def answered(wipe: bool | None) -> None:
            self._last_activity = time.monotonic()
            if wipe:
                self.wipe()

        self.push_screen(IdleScreen(self.idle_countdown), answered)

    def action_redraw(self) -> None:
        self.refresh(repaint=True, layout=True)

    def action_help(self) -> None:
        toggle = getattr(self.screen, "toggle_focused_help", None)
        if toggle is None or not toggle():
            self.action_keys()

    def action_keys(self) -> None:
        from mes_tui.screens.keys import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen())

    def action_settings(self) -> None:
        from mes_tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.prefs), self.apply_preferences)

    def apply_preferences(self, prefs: Preferences | None) -> None:
        """Use ``prefs`` from now on and remember them (None: nothing changed)."""
        if prefs is None:
            return
        self.prefs = prefs
        self.theme = prefs.theme
        self.show_messages = self.messages_allowed and prefs.show_messages
        self.animation_level = "none" if prefs.calm else "full"
        self._apply_cursor_visibility()
        if self._save_preferences:
            from mes_tui import preferences

            preferences.save(prefs)
        self.notify(t.SETTINGS_SAVED, markup=False)

    # -- the terminal cursor follows focus ---------------------------------------------------
    def on_mount(self) -> None:
        self._apply_cursor_visibility()
        if self.idle_timeout > 0:
            self.set_interval(1, self._check_idle)
        # After the first paint; only the welcome screen is alive then.
        self.call_after_refresh(self.warm_up, _AFTER_FIRST_PAINT, settle=self.tune_memory)
        if self.tune_memory:
            self.screen_change_signal.subscribe(self, self._collect_after_change)

    def _collect_after_change(self, _screen: Screen[Any]) -> None:
        """Once the new screen has been shown for a moment without a key, collect what the
        screens left behind (``mes_tui.memory``); a later change or a key cancels it."""
        self._screen_changes += 1
        change = self._screen_changes

        def collect() -> None:
            idle = time.monotonic() - self._last_activity >= memory.IDLE_DELAY
            if change == self._screen_changes and idle:
                memory.collect_when_idle()

        self.set_timer(memory.IDLE_DELAY, collect)

    def _apply_cursor_visibility(self) -> None:
        """Show a steady hardware cursor if asked (Textual hides it at start)."""
        if self.is_headless or self._driver is None:
            return
        if self.prefs.show_cursor:
            self._driver.write("\x1b[?25h\x1b[2 q")
        else:
            self._driver.write("\x1b[?25l")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self.sync_cursor)

    def sync_cursor(self) -> None:
        """Put the terminal cursor on the focused element: braille displays and screen
        readers follow the cursor, not reverse video. Inputs place it themselves."""
        try:
            focused = self.screen.focused
        except Exception:  # no screen yet, or the app is closing
            return
        if focused is None or isinstance(focused, Input):
            return
        region = focused.content_region
        offset = getattr(focused, "cursor_offset", None)
        dx, dy = offset() if callable(offset) else (0, 0)
        self.cursor_position = Offset(region.x + dx, region.y + dy)
        self.screen.refresh()

    def action_messages(self) -> None:
        from mes_tui.screens.messages import MessagesScreen

        if not self.show_messages:
            # They carry codes: never on a screen where the administrator or the person
            # turned them off.
            self.notify(t.MESSAGES_OFF, markup=False)
            return
        self.push_screen(MessagesScreen(list(self.session.messages)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "messages" and not self.show_messages:
            return False  # not listed in the footer either
        return True

    def has_unsaved_input(self) -> bool:
        """True when quitting would lose something the person typed or a session in progress."""
        if self.session.person is not None:
            return True
        return any(
            isinstance(w, Input) and w.value.strip()
            for screen in self.screen_stack
            for w in screen.query(Input)
        )

    def action_request_quit(self) -> None:
        from mes_tui.screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        if not self.has_unsaved_input():
            self.exit()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.exit()

        self.push_screen(ConfirmScreen(t.QUIT_CONFIRM_TITLE, t.QUIT_CONFIRM_BODY), answered)
