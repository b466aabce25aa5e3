"""The full-screen application: theme, global keys and lifecycle, composed of parts that
each have a module of their own: navigation and the screens built ahead (``navigation``), the
order of keys (``key_order``), the idle wipe (``idle_wipe``), the terminal cursor (``cursor``),
the work done while the person reads (``spare_time``), and the guard that keeps what they
scheduled from running as the app closes (``shutdown``). Screens see the app through
``mes_tui.host.Host`` only."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Input

from mes_tui import journey, memory
from mes_tui.cursor import CursorSync
from mes_tui.idle_wipe import IdleWipe
from mes_tui.key_order import KeyOrder
from mes_tui.navigation import Navigator
from mes_tui.preferences import Preferences
from mes_tui.screens.base import StepScreen
from mes_tui.shutdown import ShutdownGuard
from mes_tui.spare_time import ON_JOURNEY_START, SpareTime
from mes_tui.texts import safe
from mes_tui.texts import ui as t

if TYPE_CHECKING:
    from mes_tui.backoffice import BackOffice
    from mes_tui.engine import Go, Journey, Refused
    from mes_tui.host import Host
    from mes_tui.lifeline import Lifeline
    from mes_tui.services.api import MesService, OutboxMessage

BELL_INTERVAL = 0.5
"""Seconds without a refused character after which the next one rings the bell again."""


class MesApp(App[None]):
    """Mon espace santé in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = t.APP_TITLE
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", t.KEY_QUIT, id="quit", priority=True),
        # At the app, so that the focus moves before the next key is routed (see key_order).
        Binding("tab", "next_field", t.KEY_NEXT_FIELD, id="focus_next", show=False, priority=True),
        Binding(
            "shift+tab",
            "previous_field",
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
        back_office: BackOffice | None = None,
        service: MesService | None = None,
        show_messages: bool = True,
        preferences: Preferences | None = None,
        save_preferences: bool = False,
        idle_timeout: float = 0,
        idle_countdown: int = 30,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_check_every: float = 1.0,
        receipt_folders: tuple[Path, ...] = (),
        tune_memory: bool = False,
        build_ahead: bool = False,
    ) -> None:
        super().__init__()
        self._data_dir = data_dir
        if back_office is None and service is None:
            raise TypeError("MesApp receives its back office (mes_tui.backoffice)")
        self._back_office = back_office
        """Built by the command line from the settings (``mes_tui.backoffice``), or around
        ``service`` (tests: no simulated messages): never by the app."""
        self._service = service
        self._service_lock = threading.Lock()
        self._messages_shown: tuple[list[OutboxMessage], int] = ([], 0)
        self._journey: Journey | None = None
        self.prefs = preferences or Preferences(show_messages=show_messages)
        self._save_preferences = save_preferences
        self.messages_allowed = show_messages
        """False when the administrator turned the simulated messages off (SSH, desk): the
        person's own settings cannot turn them back on."""
        self.show_messages = show_messages and self.prefs.show_messages
        self.session = journey.Session()
        self.receipt_folders = receipt_folders
        """Folders where receipts may be written (empty: anywhere the person chooses)."""
        """The file of the key that hashes codes, when the administrator chose one."""
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._last_bell = -1.0
        self.lifeline: Lifeline | None = None
        """Set by the command line (``mes_tui.lifeline``): what bounds the end of the process
        in time once it is asked for. None in tests, which run the app inside their own."""
        # The parts, each in its module.
        self.guard = ShutdownGuard(self)
        self.navigator = Navigator(self, self.session, self.guard)
        self.key_order = KeyOrder(self)
        self.cursor = CursorSync(self, self.guard)
        self.idle_wipe = IdleWipe(
            self,
            self.guard,
            timeout=idle_timeout,
            countdown=idle_countdown,
            clock=idle_clock,
            every=idle_check_every,
            has_unsaved_input=self.has_unsaved_input,
            wipe=self.wipe,
        )
        self.spare_time = SpareTime(
            self,
            self.guard,
            self.navigator,
            self.session,
            tune_memory=tune_memory,
            build_ahead=build_ahead,
        )
        from mes_tui.themes import OUR_THEMES

        for theme in OUR_THEMES:
            self.register_theme(theme)
        self.theme = self.prefs.theme
        if self.prefs.calm:
            self.animation_level = "none"

    def get_driver_class(self) -> type[Driver]:
        # Textual's, with pastes kept whole and keys handed over by bursts (mes_tui.terminal).
        from mes_tui.terminal import driver_class

        return driver_class(super().get_driver_class())

    # -- the back office, opened on first use -----------------------------------------------
    @property
    def service(self) -> MesService:
        """The person-facing back office: a handle that opens it on first use. The journey
        engine is made first, so that it hears every message of the session."""
        return self.engine.service

    @property
    def engine(self) -> Journey:
        """The journey engine on this app's session and back office (cheap to make: the back
        office opens on its first call, from a worker thread)."""
        with self._service_lock:
            if self._journey is None:
                from mes_tui.backoffice import BackOffice
                from mes_tui.engine import Journey
                from mes_tui.receipt_writer import ReceiptWriter

                if self._back_office is None:
                    assert self._service is not None  # one of the two is given (__init__)
                    self._back_office = BackOffice(service=self._service)
                # Simulated messages carry codes: not even kept where the administrator
                # turned them off.
                feed = self._back_office.messages if self.messages_allowed else None
                self._journey = Journey(
                    self._back_office.service,
                    self.session,
                    messages=feed,
                    receipts=ReceiptWriter.for_data_dir(self._data_dir, self.receipt_folders),
                )
            return self._journey

    def _open_service(self) -> None:
        """Open the back office, from a background thread, before the first submit needs it;
        the simulated back office's key too: it may come from the system keyring, slow to
        import and to ask (hundreds of ms)."""
        self.service.prepare()

    # -- the end ---------------------------------------------------------------------------
    @property
    def closing(self) -> bool:
        """True once the app is on its way out (``ShutdownGuard.closing``)."""
        return self.guard.closing

    def exit(self, result: None = None, return_code: int = 0, message: Any | None = None) -> None:
        self.guard.leaving = True
        if self.lifeline is not None:
            self.lifeline.end(return_code)
        super().exit(result, return_code, message)

    def end_from_anywhere(self, return_code: int) -> None:
        """Ask the app to exit with ``return_code``, from a signal handler or another thread:
        through the event loop's wake-up, so that an event loop waiting for input sees it at
        once."""
        loop = self._event_loop
        if loop is None or loop.is_closed():
            raise SystemExit(return_code)  # not started yet, or already over
        loop.call_soon_threadsafe(lambda: self.exit(return_code=return_code))

    def panic(self, *renderables: Any) -> None:
        if self.lifeline is not None and self.lifeline.terminal_lost.is_set():
            # The terminal went away under Textual's input thread: nothing to tell anyone.
            self.exit(return_code=self._return_code or 129)
            return
        super().panic(*renderables)

    def call_from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """From a worker thread: ``callback(*args)`` on the event loop, unless the app is
        closing by then (the person quit while the back office answered)."""
        self.guard.from_worker(callback, *args)

    @staticmethod
    def run_in_background(work: Callable[[], object], *, name: str) -> None:
        """Run ``work`` in a thread of its own that the end of the program does not wait for:
        a back-office call left running when the person quits is abandoned, and what it was
        writing is rolled back whole (one SQLite transaction; a receipt is named only once
        complete), as when the process is killed."""
        context = contextvars.copy_context()
        threading.Thread(target=context.run, args=(work,), name=name, daemon=True).start()

    def bell(self) -> None:
        """One bell for a burst of refused characters (a paste without brackets, a key held
        down), not one per character: each is a write to the terminal."""
        now, last = time.monotonic(), self._last_bell
        self._last_bell = now
        if now - last >= BELL_INTERVAL:
            super().bell()

    # -- navigation (``Navigator``) ---------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from mes_tui.screens.welcome import WelcomeScreen

        return WelcomeScreen()

    def make_screen(self, step: journey.Step) -> Screen[Any]:
        return self.navigator.make_screen(step)

    def go(self, go: Go, refused: Refused | None = None) -> None:
        leaving_welcome = len(self.screen_stack) == 1 and go.step is not journey.Step.WELCOME
        self.navigator.go(go, refused)
        if leaving_welcome:
            self._journey_started()

    def goto(self, step: journey.Step) -> None:
        self.navigator.goto(step)

    def restart_at(self, step: journey.Step) -> None:
        self.navigator.restart_at(step)

    def go_back(self) -> None:
        self.navigator.go_back()

    def back_to_welcome(self) -> None:
        self.navigator.back_to_welcome()

    async def build_screens_ahead(self) -> None:
        await self.navigator.build_screens_ahead()

    def built_ahead(self, step: journey.Step) -> StepScreen | None:
        return self.navigator.built_ahead(step)

    def forget_screens_ahead(self) -> None:
        self.navigator.forget_screens_ahead()

    def watch_app_focus(self) -> None:
        # Widgets look different when the terminal has focus: the screens built ahead were
        # styled for the other case, so they are styled again when shown.
        self.navigator.restyle_ahead()

    def start_journey(self, branch: journey.Branch, step: journey.Step) -> None:
        """``step``, first of ``branch``, from the welcome screen (the screens go through the
        engine: ``go``)."""
        self.session.branch = branch
        self.goto(step)
        self._journey_started()

    def _journey_started(self) -> None:
        """The person left the welcome page: load, and open the back office, while they fill
        the first form."""
        self.call_after_refresh(
            self.spare_time.warm_up, ON_JOURNEY_START, open_service=self._open_service
        )

    def receipts_dir(self) -> Path:
        """Where receipts go unless the person types another folder."""
        return self.engine.default_receipts_dir()

    # -- simulated deliveries -------------------------------------------------------------
    def show_messages_since(self, count: int) -> None:
        """Show the simulated messages the engine kept and that were not shown yet."""
        self._show_new_messages()

    def _show_new_messages(self) -> None:
        messages = self.session.messages
        shown_of, count = self._messages_shown
        if shown_of is not messages:  # the session was wiped: a new list
            count = 0
        self._messages_shown = (messages, len(messages))
        for message in messages[count:]:
            self._show_message(message)

    def _show_message(self, message: OutboxMessage) -> None:
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
        if self._journey is not None:
            self._journey.wipe()
        self.session.wipe()
        # What the person copied stays in the app (Ctrl+V reads it back): not for the next one.
        # The terminal's own clipboard is the person's, left alone.
        self._clipboard = ""
        self.clear_notifications()
        self.back_to_welcome()
        self.forget_screens_ahead()
        memory.forget_render_caches()
        welcome = self.screen

        def focus_start() -> None:
            welcome.query_one("#start").focus()

        self.call_after_refresh(self.guard.guarded(focus_start))

    # -- every event: the idle wipe and the work put off see the person, keys keep their order
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.spare_time.saw_activity()
            self.idle_wipe.saw_activity()
        await self.key_order.deliver(event, super().on_event)

    async def action_next_field(self) -> None:
        await self.key_order.next_field()

    async def action_previous_field(self) -> None:
        await self.key_order.previous_field()

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
        self.forget_screens_ahead()  # built with the former theme and settings
        self.theme = prefs.theme
        self.show_messages = self.messages_allowed and prefs.show_messages
        self.animation_level = "none" if prefs.calm else "full"
        self.cursor.apply_visibility(prefs.show_cursor)
        saved = False
        if self._save_preferences:
            from mes_tui import preferences

            saved = preferences.save(prefs)
        self.notify(t.SETTINGS_SAVED if saved else t.SETTINGS_FOR_THIS_SESSION, markup=False)

    def on_mount(self) -> None:
        self._event_loop = asyncio.get_running_loop()
        self.cursor.apply_visibility(self.prefs.show_cursor)
        self.idle_wipe.start()
        self.spare_time.start()

    # -- the terminal cursor follows focus (``CursorSync``) -------------------------------------
    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.cursor.follow_focus()

    def sync_cursor(self) -> None:
        """Put the terminal cursor on the focused element: braille displays and screen
        readers follow the cursor, not reverse video."""
        self.cursor.sync()

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


if TYPE_CHECKING:
    # What the screens expect of the app that shows them: checked here, by mypy.
    _host: type[Host] = MesApp
