"""Navigation between the steps of the full-screen app: which screen shows each step, the
stack of screens the person can go back through, and the screens built ahead of time.

Screen modules are imported when first needed (``SCREENS``), so that the first paint only pays
for the welcome screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount, Widget

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.shutdown import ShutdownGuard, unless_closing

if TYPE_CHECKING:
    from mes_tui.engine import Go, Refused


# -- which screen shows each step ----------------------------------------------------------------
# Each loader imports its screen's module on first use and returns the screen's class.
def _identification() -> type[StepScreen]:
    from mes_tui.screens.identification import IdentificationScreen

    return IdentificationScreen


def _new_code() -> type[StepScreen]:
    from mes_tui.screens.new_code import NewCodeScreen

    return NewCodeScreen


def _code_delivery() -> type[StepScreen]:
    from mes_tui.screens.new_code import CodeDeliveryScreen

    return CodeDeliveryScreen


def _decision() -> type[StepScreen]:
    from mes_tui.screens.decision import DecisionScreen

    return DecisionScreen


def _contacts() -> type[StepScreen]:
    from mes_tui.screens.contacts import ContactsScreen

    return ContactsScreen


def _credentials() -> type[StepScreen]:
    from mes_tui.screens.credentials import CredentialsScreen

    return CredentialsScreen


def _activated() -> type[StepScreen]:
    from mes_tui.screens.activated import ActivatedScreen

    return ActivatedScreen


def _home() -> type[StepScreen]:
    from mes_tui.screens.home import HomeScreen

    return HomeScreen


def _oppose_confirm() -> type[StepScreen]:
    from mes_tui.screens.opposition import OpposeConfirmScreen

    return OpposeConfirmScreen


def _opposed() -> type[StepScreen]:
    from mes_tui.screens.opposition import OpposedScreen

    return OpposedScreen


def _login() -> type[StepScreen]:
    from mes_tui.screens.login import LoginScreen

    return LoginScreen


ScreenLoader = Callable[[], type[StepScreen]]

SCREENS: dict[journey.Step, ScreenLoader] = {
    journey.Step.IDENTIFY: _identification,
    journey.Step.NEW_CODE: _new_code,
    journey.Step.CODE_DELIVERY: _code_delivery,
    journey.Step.DECISION: _decision,
    journey.Step.CONTACTS: _contacts,
    journey.Step.CREDENTIALS: _credentials,
    journey.Step.ACTIVATED: _activated,
    journey.Step.HOME: _home,
    journey.Step.OPPOSE_CONFIRM: _oppose_confirm,
    journey.Step.OPPOSED: _opposed,
    journey.Step.LOGIN: _login,
}
"""The screen of each step but the welcome page (the app's default screen)."""


class Navigator:
    """Shows the steps the engine sends the person to, on the app's screen stack, using the
    screens built ahead when they still fit the session."""

    def __init__(self, app: App[Any], session: journey.Session, guard: ShutdownGuard) -> None:
        self._app = app
        self._session = session
        self.guard = guard
        self._ahead: dict[journey.Step, StepScreen] = {}

    def make_screen(self, step: journey.Step, notice: str | None = None) -> Screen[Any]:
        """The screen of ``step``: the one built ahead if it still fits the session, else a
        new one, given ``notice`` (``Go.notice``) to show."""
        ahead = self._take_ahead(step, self._session.branch)
        if ahead is not None:
            if ahead.is_mounted:  # else its on_mount does it
                ahead.show_person()
            return ahead
        screen = SCREENS[step]()()
        screen.arrival_notice = notice
        return screen

    def go(self, go: Go, refused: Refused | None = None) -> None:
        """Show what the engine answered: ``go.step``, back down the stack if it is there and
        still shows the session (what came before it is kept), else on top of the current
        screen, or alone above the welcome page when ``go.fresh``; then ``refused`` on it."""
        app = self._app
        self._session.branch = go.branch
        if go.step is journey.Step.WELCOME:
            self.back_to_welcome()
        else:
            beneath = next(
                (
                    i
                    for i, screen in enumerate(app.screen_stack)
                    if isinstance(screen, StepScreen)
                    and screen.STEP is go.step
                    and screen.built_for == screen.session_key()
                ),
                None,
            )
            if beneath is not None:
                while len(app.screen_stack) > beneath + 1:
                    app.pop_screen()
                target = app.screen
                if isinstance(target, StepScreen):
                    target.show_person()
            elif go.fresh:
                self.restart_at(go.step, go.notice)
            else:
                self.goto(go.step, go.notice)
        if refused is not None:
            shown = refused

            def show() -> None:
                screen = app.screen
                if isinstance(screen, StepScreen):
                    screen.show_refused(shown)

            app.call_after_refresh(self.guard.guarded(show))

    def goto(self, step: journey.Step, notice: str | None = None) -> None:
        """Show ``step`` on top of the current one; Escape comes back."""
        self._app.push_screen(self.make_screen(step, notice))

    def restart_at(self, step: journey.Step, notice: str | None = None) -> None:
        """Show ``step`` with only the welcome screen beneath it: what came before cannot be
        undone (the person is identified, a decision was recorded)."""
        self.back_to_welcome()
        self._app.push_screen(self.make_screen(step, notice))

    def go_back(self) -> None:
        if len(self._app.screen_stack) > 1:
            self._app.pop_screen()

    def back_to_welcome(self) -> None:
        while len(self._app.screen_stack) > 1:
            self._app.pop_screen()

    # -- screens built ahead ---------------------------------------------------------------------
    @unless_closing
    async def build_screens_ahead(self) -> None:
        """Build, off screen, the steps the current one may lead to (``StepScreen.AHEAD``):
        composing and mounting a screen's widgets is most of the time a screen change takes
        (BENCHMARKS.md), done here while the person reads or types instead of after their
        Enter. A screen built ahead is used only if the session still holds what it was built
        from; it is dropped with the person (``MesApp.wipe``) or when the settings change."""
        app = self._app
        current = app.screen
        if not isinstance(current, StepScreen):
            return
        built_now: list[Widget] = []
        for step, branch in current.AHEAD:
            built = self._take_ahead(step, branch)
            if built is not None:
                self._ahead[step] = built  # still good: kept
                continue
            screen = SCREENS[step]()()
            screen.branch = branch
            screen.styled_ahead = True
            self._ahead[step] = screen
            # Textual mounts a screen only when it is shown; this is how it does it (no public
            # way yet; tests/functional/test_ahead.py fails if that changes).
            built_now += app._register(app, screen)
        await AwaitMount(current, built_now)

    def built_ahead(self, step: journey.Step) -> StepScreen | None:
        """The screen built ahead for ``step``, if there is one (not yet shown)."""
        return self._ahead.get(step)

    def has_screens_ahead(self) -> bool:
        return bool(self._ahead)

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

    def restyle_ahead(self) -> None:
        """Have the screens built ahead styled again when shown: how widgets look changed
        (the terminal gained or lost focus)."""
        for screen in self._ahead.values():
            screen.styled_ahead = False

    def forget_screens_ahead(self) -> None:
        for screen in self._ahead.values():
            screen.remove()
        self._ahead.clear()
