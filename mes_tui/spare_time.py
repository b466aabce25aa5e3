"""Work the app does while the person reads or types, so that no key press waits for it:
modules imported (and the back office opened) in a background thread, the next screens built
ahead, and the garbage collected between two screens (``mes_tui.memory``)."""

from __future__ import annotations

import functools
import importlib
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

from mes_tui import journey, memory
from mes_tui.navigation import SCREENS, Navigator
from mes_tui.shutdown import ShutdownGuard, unless_closing

Loader = Callable[[], object]
"""Imports something (a module, a screen's class) when called."""


def _module(name: str) -> Loader:
    return functools.partial(importlib.import_module, name)


AFTER_FIRST_PAINT: tuple[Loader, ...] = (
    SCREENS[journey.Step.IDENTIFY],
    SCREENS[journey.Step.DECISION],
    _module("mes_tui.engine"),
    _module("mes_tui.receipt_writer"),
)
"""Loaded in a background thread once the welcome screen is painted, so that its first Enter
does not wait for them: the screens "Commencer" leads to, and the journey engine it makes. None
pulls pydantic or the back office in, so the welcome screen stays about as small in memory as a
bare Textual app."""

ON_JOURNEY_START: tuple[Loader, ...] = (
    _module("mes_tui.models"),
    *SCREENS.values(),
    _module("email_validator"),
    _module("phonenumbers"),
)
"""Loaded, and the back office opened, in a background thread when a journey starts, while the
person fills its first form: what the form's checks, its submit and the next steps need
(e-mail and mobile checks run on the event loop: their libraries too, light once pydantic is
in; fpdf, 30 MiB, stays for the first receipt)."""


class SpareTime:
    """The background work of one app."""

    def __init__(
        self,
        app: App[Any],
        guard: ShutdownGuard,
        navigator: Navigator,
        session: journey.Session,
        *,
        tune_memory: bool,
        build_ahead: bool,
    ) -> None:
        self._app = app
        self.guard = guard
        self._navigator = navigator
        self._session = session
        self.tune_memory = tune_memory
        """Collect and freeze what start-up left once the welcome screen is painted
        (``mes_tui.memory``): for a process that runs the app alone, not for tests."""
        self.build_ahead = build_ahead
        """Build the screens a step may lead to while the person reads or types there
        (``StepScreen.AHEAD``), so that they show without waiting for their widgets."""
        self._screens_shown: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        """Every screen but the first that was shown, while it lives (``use_idle_time``)."""
        self._screen_changes = 0
        self._last_activity = time.monotonic()
        self._warmed_up: set[tuple[Loader, ...]] = set()

    def start(self) -> None:
        """Once the app is mounted: after the first paint, with only the welcome screen alive,
        load what its first Enter needs; then build the screens Commencer leads to (after the
        freeze, to be collectable)."""
        app = self._app
        app.call_after_refresh(
            self.warm_up,
            AFTER_FIRST_PAINT,
            settle=self.tune_memory,
            then=self.use_idle_time if self.build_ahead else None,
        )
        if self.tune_memory or self.build_ahead:
            app.screen_change_signal.subscribe(app, self.after_change)

    def saw_activity(self) -> None:
        """A key, a click or a paste: the work waits for the person to pause."""
        self._last_activity = time.monotonic()

    @unless_closing
    def warm_up(
        self,
        loaders: tuple[Loader, ...],
        *,
        open_service: Callable[[], object] | None = None,
        settle: bool = False,
        then: Callable[[], object] | None = None,
    ) -> None:
        """Call ``loaders`` (and ``open_service``) in a background thread, once: work moved
        off the first paint and off the key presses. A failure is left for the real use to
        meet and report (a data folder that cannot be opened, say). ``settle``: then collect
        and freeze what is alive (``memory.settle_after_start``). ``then``: called on the
        event loop at the end."""
        if loaders in self._warmed_up:
            return
        self._warmed_up.add(loaders)
        app = self._app

        def work() -> None:
            try:
                for load in loaders:
                    load()
                if open_service is not None:
                    open_service()
            except Exception:  # noqa: S110 - see the docstring
                pass
            if settle and len(app.screen_stack) == 1:  # the person has not gone on yet
                memory.settle_after_start()
            if then is not None:
                self.guard.from_worker(then)

        threading.Thread(target=work, name="mes-tui-warm-up", daemon=True).start()

    @unless_closing
    def after_change(self, screen: Screen[Any]) -> None:
        """Once the new screen has been shown for a moment without a key, collect what the
        screens left behind (``mes_tui.memory``) and build the next ones
        (``Navigator.build_screens_ahead``); a later change or a key puts it off."""
        app = self._app
        self._screen_changes += 1
        change = self._screen_changes
        if screen is not app.screen_stack[0]:
            self._screens_shown.add(screen)

        async def when_idle() -> None:
            if change != self._screen_changes:
                return
            if time.monotonic() - self._last_activity < memory.IDLE_DELAY:
                app.set_timer(memory.IDLE_DELAY, self.guard.guarded(when_idle))  # a key: later
                return
            await self.use_idle_time()

        app.set_timer(memory.IDLE_DELAY, self.guard.guarded(when_idle))

    @unless_closing
    async def use_idle_time(self) -> None:
        """Build the next screens, then collect the garbage: the last screens' and what
        building made, so that the next screen change finds little left to collect. Back on
        the welcome screen with nobody's data alive, freeze what was loaded since start (the
        receipt's libraries) first, as at start (``memory.settle_again_if_grown``)."""
        nobody = self._session.person is None and not self._navigator.has_screens_ahead()
        if self.tune_memory and len(self._app.screen_stack) == 1 and nobody:
            memory.settle_again_if_grown(lambda: len(self._screens_shown) > 0)
        if self.build_ahead:
            await self._navigator.build_screens_ahead()
        if self.tune_memory:
            memory.collect_when_idle()
