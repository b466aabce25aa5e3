"""The shutdown guard: what the app scheduled before the person quit (the idle check, the screens
built ahead, the cursor sync, an answer of the back office) does nothing once the app is
closing, nor once it has ended with its screens gone.

Each kind is run by hand at the worst moment, with its conditions met, so that it would act if
it ran: once while the app runs (it acts: the test sees it), once just after ``exit()`` was
asked (it must do nothing, and raise nothing)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.geometry import Offset
from textual.screen import Screen

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.screens.idle import IdleScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import TicketedService
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SIZE,
    identified,
    wait_for,
    wait_for_screen,
)

Step = journey.Step
WHEN = pytest.mark.parametrize("closing", [False, True], ids=["running", "closing"])


class Pushes:
    """Every screen pushed on ``app`` from now on."""

    def __init__(self, app: MesApp) -> None:
        self.screens: list[Screen[Any]] = []
        push = app.push_screen

        def recorded(screen: Any, *args: Any, **kwargs: Any) -> Any:
            self.screens.append(screen)
            return push(screen, *args, **kwargs)

        app.push_screen = recorded  # type: ignore[method-assign]


def identify_martine(app: MesApp, service: Any) -> None:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)


@WHEN
async def test_the_idle_check(service: Any, closing: bool) -> None:
    now = [1000.0]
    app = MesApp(
        service=TicketedService(service),
        idle_timeout=300,
        idle_clock=lambda: now[0],
        idle_check_every=3600,  # the test runs the check itself
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        identify_martine(app, service)  # something to lose
        now[0] += 301
        pushes = Pushes(app)
        stack = list(app.screen_stack)
        if closing:
            app.exit()
        app.idle_wipe.check()
        if closing:
            assert pushes.screens == []
            assert app.screen_stack == stack
        else:
            assert [type(screen) for screen in pushes.screens] == [IdleScreen]
    app.idle_wipe.check()  # and once the app has ended


@WHEN
async def test_building_screens_ahead(service: Any, closing: bool) -> None:
    app = MesApp(service=TicketedService(service), build_ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: app.built_ahead(Step.IDENTIFY) is not None)
        app.forget_screens_ahead()
        pushes = Pushes(app)
        stack = list(app.screen_stack)
        if closing:
            app.exit()
        await app.build_screens_ahead()
        built = {step for step in Step if app.built_ahead(step) is not None}
        if closing:
            assert built == set()
            # Nor through the idle work after a screen change, which builds them too.
            app.spare_time.after_change(app.screen)
            await app.spare_time.use_idle_time()
            assert {step for step in Step if app.built_ahead(step) is not None} == set()
            assert pushes.screens == []
            assert app.screen_stack == stack
        else:
            assert built == {Step.IDENTIFY}
    await app.build_screens_ahead()  # and once the app has ended
    await app.spare_time.use_idle_time()


@WHEN
async def test_the_cursor_sync(service: Any, closing: bool) -> None:
    app = MesApp(service=TicketedService(service))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        start = app.screen.query_one("#start")
        assert app.screen.focused is start
        app.cursor_position = Offset(0, 0)
        if closing:
            app.exit()
        app.sync_cursor()
        if closing:
            assert app.cursor_position == Offset(0, 0)
        else:
            assert app.cursor_position.y == start.content_region.y
    app.sync_cursor()  # and once the app has ended


@WHEN
async def test_an_answer_of_the_back_office(service: Any, closing: bool) -> None:
    app = MesApp(service=TicketedService(service))
    answers: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        if closing:
            app.exit()
        # From a worker thread, as StepScreen.call_engine and the receipt panel do.
        await asyncio.to_thread(app.call_from_worker, answers.append, "answer")
        assert answers == ([] if closing else ["answer"])
    await asyncio.to_thread(app.call_from_worker, answers.append, "late")
    assert "late" not in answers
