"""The idle wipe: at a desk or over SSH, a person who walks away leaves nothing on screen.

After ``timeout`` seconds without a key or a click, with something of the person on screen, a
warning counts down ``countdown`` seconds; any key keeps everything, the end of the countdown
wipes the session (``MesApp.wipe``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

from mes_tui.shutdown import ShutdownGuard, unless_closing


class IdleWipe:
    """Checks every ``every`` seconds (of real time) how long the person has been idle, on
    ``clock`` (seconds, monotonic: tests move it instead of waiting)."""

    def __init__(
        self,
        app: App[Any],
        guard: ShutdownGuard,
        *,
        timeout: float,
        countdown: int,
        clock: Callable[[], float],
        every: float,
        has_unsaved_input: Callable[[], bool],
        wipe: Callable[[], None],
    ) -> None:
        self._app = app
        self.guard = guard
        self.timeout = timeout
        """Seconds without a key before the warning (0: never)."""
        self.countdown = countdown
        self.clock = clock
        self._every = every
        self._has_unsaved_input = has_unsaved_input
        self._wipe = wipe
        self._warning: Screen[Any] | None = None
        self._last_action = clock()

    def start(self) -> None:
        """Start checking, if there is a timeout."""
        if self.timeout > 0:
            self._app.set_interval(self._every, self.check)

    def saw_activity(self) -> None:
        """A key, a click or a paste: the person is there."""
        self._last_action = self.clock()

    @unless_closing
    def check(self) -> None:
        """Show the warning if the person has been idle long enough with something to lose."""
        from mes_tui.screens.idle import IdleScreen

        # The warning already pushed counts even before it shows: a check that came while
        # it was being mounted would push a second one.
        if self.timeout <= 0 or self._warning is not None:
            return
        if self.clock() - self._last_action < self.timeout:
            return
        if not self._has_unsaved_input():
            return

        def answered(wipe: bool | None) -> None:
            self._warning = None
            self._last_action = self.clock()
            if wipe:
                self._wipe()

        self._warning = IdleScreen(self.countdown, clock=self.clock, every=self._every)
        self._app.push_screen(self._warning, self.guard.guarded(answered))
