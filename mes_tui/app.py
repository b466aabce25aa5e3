"""The full-screen application: theme, global keys, navigation between steps, and the
session of the person being served."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import importlib
import inspect
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.driver import Driver
from textual.geometry import Offset
from textual.screen import Screen
from textual.widget import AwaitMount, Widget
from textual.widgets import Input

from mes_tui import journey, memory
from mes_tui.preferences import Preferences
from mes_tui.screens.base import StepScreen
from mes_tui.texts import safe
from mes_tui.texts import ui as t
from mes_tui.widgets.inputs import FormatInput

if TYPE_CHECKING:
    from mes_tui.backoffice import BackOffice
    from mes_tui.engine import Go, Journey, Refused
    from mes_tui.lifeline import Lifeline
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


def _counted(callback: Callable[[], None]) -> Callable[[], None]:
    """``callback`` as Textual calls it back with its parameters already counted: else it
    asks ``inspect.signature`` each time (20 µs, five times per key in ``_handled``)."""
    counted = functools.partial(callback)
    counted._param_count = 0  # type: ignore[attr-defined] # read by textual._callback
    return counted


BELL_INTERVAL = 0.5
"""Seconds without a refused character after which the next one rings the bell again."""


class MesApp(App[None]):
    """Mon espace santé in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = t.APP_TITLE
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", t.KEY_QUIT, id="quit", priority=True),
        # At the app, so that the focus moves before the next key is routed (see on_event).
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
        key_file: Path | None = None,
        tune_memory: bool = False,
        build_ahead: bool = False,
    ) -> None:
        super().__init__()
        self.tune_memory = tune_memory
        """Collect and freeze what start-up left once the welcome screen is painted
        (``mes_tui.memory``): for a process that runs the app alone, not for tests."""
        self.build_ahead = build_ahead
        """Build the screens a step may lead to while the person reads or types there
        (``StepScreen.AHEAD``), so that they show without waiting for their widgets."""
        self._ahead: dict[journey.Step, StepScreen] = {}
        self._screens_shown: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        """Every screen but the first that was shown, while it lives (``use_idle_time``)."""
        self._screen_changes = 0
        self._data_dir = data_dir
        self._back_office = back_office
        """Built by the command line from the settings (``mes_tui.backoffice``); else around
        ``service`` (tests: no simulated messages), else the simulation on ``data_dir``."""
        self._service = service
        self._service_lock = threading.Lock()
        self._messages_shown: tuple[list[OutboxMessage], int] = ([], 0)
        self._journey: Journey | None = None
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
        self.idle_clock = idle_clock
        """Seconds, monotonic: what the idle wipe and its countdown are measured with (tests
        move it instead of waiting)."""
        self._idle_check_every = idle_check_every
        self._idle_warning: Screen[Any] | None = None
        self._last_action = idle_clock()
        self.receipt_folders = receipt_folders
        """Folders where receipts may be written (empty: anywhere the person chooses)."""
        self.key_file = key_file
        """The file of the key that hashes codes, when the administrator chose one."""
        self._last_activity = time.monotonic()
        self._leaving = False
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._last_bell = -1.0
        self.lifeline: Lifeline | None = None
        """Set by the command line (``mes_tui.lifeline``): what bounds the end of the process
        in time once it is asked for. None in tests, which run the app inside their own."""
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
                from mes_tui.backoffice import BackOffice, simulated_back_office
                from mes_tui.engine import Journey
                from mes_tui.receipt_writer import ReceiptWriter

                if self._back_office is None:
                    self._back_office = (
                        BackOffice(service=self._service)
                        if self._service is not None
                        else simulated_back_office(self._data_dir, key_file=self.key_file)
                    )
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

    # -- the end ---------------------------------------------------------------------------
    @property
    def closing(self) -> bool:
        """True once the app is on its way out: asked to exit, shutting down, or left without
        a screen. Nothing scheduled earlier (timers, screens built ahead, answers of the back
        office) may touch the screens then."""
        return self._leaving or not self.is_running or not self.screen_stack

    def exit(self, result: None = None, return_code: int = 0, message: Any | None = None) -> None:
        self._leaving = True
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
        if self.closing:
            return

        async def unless_closing() -> bool:
            if self.closing:
                return False
            result = callback(*args)
            if inspect.isawaitable(result):
                await result
            return True

        with contextlib.suppress(RuntimeError):  # the event loop is already gone
            # (mypy infers the result type of an async callback as Never here)
            self.call_from_thread(unless_closing)  # type: ignore[arg-type]

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

    # -- navigation -----------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        from mes_tui.screens.welcome import WelcomeScreen

        return WelcomeScreen()

    def make_screen(self, step: journey.Step) -> Screen[Any]:
        """The screen of ``step``: the one built ahead if it still fits the session, else a
        new one."""
        ahead = self._take_ahead(step, self.session.branch)
        if ahead is not None:
            if ahead.is_mounted:  # else its on_mount does it
                ahead.show_person()
            return ahead
        screen: Screen[Any] = self._screen_class(step)()
        return screen

    @staticmethod
    def _screen_class(step: journey.Step) -> Any:
        module_name, _, class_name = _SCREENS[step].partition(":")
        return getattr(importlib.import_module(module_name), class_name)

    def go(self, go: Go, refused: Refused | None = None) -> None:
        """Show what the engine answered: ``go.step``, back down the stack if it is there and
        still shows the session (what came before it is kept), else on top of the current
        screen, or alone above the welcome page when ``go.fresh``; then ``refused`` on it."""
        from mes_tui.screens.base import StepScreen

        self.session.branch = go.branch
        if go.step is journey.Step.WELCOME:
            self.back_to_welcome()
        else:
            beneath = next(
                (
                    i
                    for i, screen in enumerate(self.screen_stack)
                    if isinstance(screen, StepScreen)
                    and screen.STEP is go.step
                    and screen.built_for == screen.session_key()
                ),
                None,
            )
            if beneath is not None:
                while len(self.screen_stack) > beneath + 1:
                    self.pop_screen()
                target = self.screen
                if isinstance(target, StepScreen):
                    target.show_person()
            elif go.fresh:
                self.restart_at(go.step)
            else:
                self.goto(go.step)
        if refused is not None:
            shown = refused

            def show() -> None:
                screen = self.screen
                if not self.closing and isinstance(screen, StepScreen):
                    screen.show_refused(shown)

            self.call_after_refresh(show)

    def goto(self, step: journey.Step) -> None:
        """Show ``step`` on top of the current one; Escape comes back."""
        self.push_screen(self.make_screen(step))

    def restart_at(self, step: journey.Step) -> None:
        """Show ``step`` with only the welcome screen beneath it: what came before cannot be
        undone (the person is identified, a decision was recorded)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(self.make_screen(step))

    async def build_screens_ahead(self) -> None:
        """Build, off screen, the steps the current one may lead to (``StepScreen.AHEAD``):
        composing and mounting a screen's widgets is most of the time a screen change takes
        (BENCHMARKS.md), done here while the person reads or types instead of after their
        Enter. A screen built ahead is used only if the session still holds what it was built
        from; it is dropped with the person (``wipe``) or when the settings change."""
        if self.closing:
            return
        current = self.screen
        if not isinstance(current, StepScreen):
            return
        built_now: list[Widget] = []
        for step, branch in current.AHEAD:
            built = self._take_ahead(step, branch)
            if built is not None:
                self._ahead[step] = built  # still good: kept
                continue
            screen = self._screen_class(step)()
            screen.branch = branch
            screen.styled_ahead = True
            self._ahead[step] = screen
            # Textual mounts a screen only when it is shown; this is how it does it (no public
            # way yet; tests/functional/test_ahead.py fails if that changes).
            built_now += self._register(self, screen)
        await AwaitMount(current, built_now)

    def built_ahead(self, step: journey.Step) -> StepScreen | None:
        """The screen built ahead for ``step``, if there is one (not yet shown)."""
        return self._ahead.get(step)

    def _take_ahead(self, step: journey.Step, branch: journey.Branch) -> StepScreen | None:
        """The screen built ahead for ``step`` if it shows what a new one for ``branch`` would
        show now; one that no longer does is dropped. Either way it leaves ``_ahead``."""
        screen = self._ahead.pop(step, None)
        if screen is None:
            return None
        if screen.branch == branch and screen.built_for in (
            None,  # not composed yet: it will be, from the session as it is then
            screen.session_key(),
        ):
            return screen
        screen.remove()
        return None

    def watch_app_focus(self) -> None:
        # Widgets look different when the terminal has focus: the screens built ahead were
        # styled for the other case, so they are styled again when shown.
        for screen in self._ahead.values():
            screen.styled_ahead = False

    def forget_screens_ahead(self) -> None:
        for screen in self._ahead.values():
            screen.remove()
        self._ahead.clear()

    def start_journey(self, branch: journey.Branch, step: journey.Step) -> None:
        self.session.branch = branch
        self.goto(step)
        self.call_after_refresh(self.warm_up, _ON_JOURNEY_START, open_service=True)

    def warm_up(
        self,
        modules: tuple[str, ...],
        *,
        open_service: bool = False,
        settle: bool = False,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Import ``modules`` (and open the back office) in a background thread, once: work
        moved off the first paint and off the key presses. A failure is left for the real use
        to meet and report (a data folder that cannot be opened, say). ``settle``: then collect
        and freeze what is alive (``memory.settle_after_start``). ``then``: called on the event
        loop at the end."""
        if modules in self._warmed_up:
            return
        self._warmed_up.add(modules)

        def work() -> None:
            try:
                for name in modules:
                    importlib.import_module(name)
                if open_service:
                    # And what its first calls need (the key of the codes may come from the
                    # system keyring, slow to import and to ask): else the first submit waits.
                    self.service.prepare()
            except Exception:  # noqa: S110 - see the docstring
                pass
            if settle and len(self.screen_stack) == 1:  # the person has not gone on yet
                memory.settle_after_start()
            if then is not None:
                self.call_from_worker(then)

        threading.Thread(target=work, name="mes-tui-warm-up", daemon=True).start()

    def go_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def back_to_welcome(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def receipts_dir(self) -> Path:
        """Where receipts go unless the person types another folder."""
        return self.engine.default_receipts_dir()

    # -- simulated deliveries -------------------------------------------------------------
    def collect_messages(self, result: object) -> None:
        """After a call of the back office: show the simulated messages it sent (the engine
        kept them in the session, from the back office's feed), if allowed."""
        self._show_new_messages()

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
            if not self.closing:
                welcome.query_one("#start").focus()

        self.call_after_refresh(focus_start)

    # -- idle wipe ------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self._last_activity = time.monotonic()
            self._last_action = self.idle_clock()
        typed = isinstance(event, events.Key | events.Paste) and not event.is_forwarded
        field: FormatInput | None = None
        if typed:
            field = self._typed_into(event)
            in_place = field is not None and not field.typing_moves_focus
            await self._let_previous_key_land(unless_into=field if in_place else None)
            if field is not None and field.refuses_key(getattr(event, "character", "")):
                # Refused by the field's format (not allowed, or the field is full): the field
                # has rung the bell and said why, and the key needs no more work. A paste
                # without brackets (or a key held down) into a full field is thousands of such
                # keys: each is dropped here, before Textual's bindings, the field's own
                # handling and the wait for it, which cost several times more. No priority
                # binding is on a printable key (tested), so none is skipped.
                return
        if isinstance(event, events.Paste) and not isinstance(self.focused, FormatInput):
            # A field draws what is pasted into it back to the terminal: without its control
            # characters (ESC, OSC, bidi overrides), which the terminal would obey, not show.
            # (A FormatInput keeps only what its format allows, and reads no further.)
            event.text = "\n".join(safe.printable(line) for line in event.text.splitlines())
        await super().on_event(event)
        if typed:
            target = self.focused or self.screen
            if field is not None and target is field and not field.typing_moves_focus:
                # A character into a field, which moves nothing: the next character for the
                # same field may follow it into the field's queue at once; any other key
                # waits for them all (``_let_previous_key_land``).
                self._typed_ahead = field
            else:
                self._key_landed = asyncio.ensure_future(self._handled(target))

    _typed_ahead: FormatInput | None = None
    """The field the last characters went to, not waited for yet."""

    def _typed_into(self, event: events.Event) -> FormatInput | None:
        """The focused field, if ``event`` is a character typed into it."""
        focused = self.focused
        if (
            isinstance(event, events.Key)
            and isinstance(focused, FormatInput)
            and event.character is not None
            and event.is_printable
        ):
            return focused
        return None

    async def _let_previous_key_land(self, unless_into: FormatInput | None = None) -> None:
        """Textual routes each key to the widget focused when the key is read, through that
        widget's own queue. Keys read in one burst (typed fast, pasted, or held back by a slow
        link) could overtake one another across a focus change. So a key waits (bounded)
        until the previous one has been handled, with what it made the screen do (``_handled``);
        Tab and Shift+Tab are app bindings, which move the focus before the next key is
        routed.

        Characters typed into a field that typing leaves in place (``unless_into``: all but
        the date boxes) do not wait for one another: they go into the field's queue in order,
        and the field works through them together, drawn once at the end, as in any Textual
        app, instead of once per character. The next key of another kind waits for them all."""
        ahead, self._typed_ahead = self._typed_ahead, None
        if ahead is not None:
            if ahead is unless_into:
                self._typed_ahead = ahead
                return
            self._key_landed = asyncio.ensure_future(self._handled(ahead))
        landed = getattr(self, "_key_landed", None)
        if landed is not None and not landed.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(landed), timeout=0.5)

    @staticmethod
    async def _handled(target: DOMNode) -> None:
        """Until ``target`` has handled the key just sent to it, and the messages that key made
        it post have gone up to the screen and been handled on their way: a "1" that chooses
        J'active shows the terms box (the screen does, on the choice's message) before the
        Tab that follows looks for the next field."""
        path = [target]
        for node in target.ancestors_with_self:
            if isinstance(node, App):
                break
            path.append(node)
        for node in path:  # the target twice: the key, then what it posted
            handled = asyncio.Event()
            if node.post_message(events.Callback(callback=_counted(handled.set))):
                await handled.wait()

    async def action_next_field(self) -> None:
        await self._until_laid_out()
        self.screen.focus_next()

    async def action_previous_field(self) -> None:
        await self._until_laid_out()
        self.screen.focus_previous()

    async def _until_laid_out(self) -> None:
        """Tab goes to the next field on screen: Textual orders fields by where they are
        drawn. A field the last key made appear (the terms box, after "1") has no place yet
        until the screen is laid out again, a frame later, and Tab would skip it: wait for
        that layout (bounded)."""
        screen = self.screen
        if all(widget.size for widget in screen.focus_chain):
            return
        laid_out = asyncio.Event()
        screen.screen_layout_refresh_signal.subscribe(self, lambda _: laid_out.set(), True)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(laid_out.wait(), timeout=0.2)
        finally:
            screen.screen_layout_refresh_signal.unsubscribe(self)

    def _check_idle(self) -> None:
        from mes_tui.screens.idle import IdleScreen

        # The warning already pushed counts even before it shows: a check that came while
        # it was being mounted would push a second one.
        if self.closing or self.idle_timeout <= 0 or self._idle_warning is not None:
            return
        if self.idle_clock() - self._last_action < self.idle_timeout:
            return
        if not self.has_unsaved_input():
            return

        def answered(wipe: bool | None) -> None:
            self._idle_warning = None
            self._last_action = self.idle_clock()
            if wipe:
                self.wipe()

        self._idle_warning = IdleScreen(
            self.idle_countdown, clock=self.idle_clock, every=self._idle_check_every
        )
        self.push_screen(self._idle_warning, answered)

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
        self._apply_cursor_visibility()
        saved = False
        if self._save_preferences:
            from mes_tui import preferences

            saved = preferences.save(prefs)
        self.notify(t.SETTINGS_SAVED if saved else t.SETTINGS_FOR_THIS_SESSION, markup=False)

    # -- the terminal cursor follows focus ---------------------------------------------------
    def on_mount(self) -> None:
        self._event_loop = asyncio.get_running_loop()
        self._apply_cursor_visibility()
        if self.idle_timeout > 0:
            self.set_interval(self._idle_check_every, self._check_idle)
        # After the first paint; only the welcome screen is alive then.
        # Then the screens Commencer leads to: built after the freeze, to be collectable.
        self.call_after_refresh(
            self.warm_up,
            _AFTER_FIRST_PAINT,
            settle=self.tune_memory,
            then=self.use_idle_time if self.build_ahead else None,
        )
        if self.tune_memory or self.build_ahead:
            self.screen_change_signal.subscribe(self, self._after_change)

    def _after_change(self, screen: Screen[Any]) -> None:
        """Once the new screen has been shown for a moment without a key, collect what the
        screens left behind (``mes_tui.memory``) and build the next ones
        (``build_screens_ahead``); a later change or a key puts it off."""
        if self.closing:
            return
        self._screen_changes += 1
        change = self._screen_changes
        if screen is not self.screen_stack[0]:
            self._screens_shown.add(screen)

        async def when_idle() -> None:
            if change != self._screen_changes or self.closing:
                return
            if time.monotonic() - self._last_activity < memory.IDLE_DELAY:
                self.set_timer(memory.IDLE_DELAY, when_idle)  # a key came: later
                return
            await self.use_idle_time()

        self.set_timer(memory.IDLE_DELAY, when_idle)

    async def use_idle_time(self) -> None:
        """Build the next screens, then collect the garbage: the last screens' and what
        building made, so that the next screen change finds little left to collect. Back on
        the welcome screen with nobody's data alive, freeze what was loaded since start (the
        receipt's libraries) first, as at start (``memory.settle_again_if_grown``)."""
        if self.closing:
            return
        nobody = self.session.person is None and not self._ahead
        if self.tune_memory and len(self.screen_stack) == 1 and nobody:
            memory.settle_again_if_grown(lambda: len(self._screens_shown) > 0)
        if self.build_ahead:
            await self.build_screens_ahead()
        if self.tune_memory:
            memory.collect_when_idle()

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
        if self.closing:
            return
        focused = self.screen.focused
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
