"""Serving one person after another: the new-session key and the idle wipe leave nothing."""

from __future__ import annotations

from dataclasses import asdict

from textual.widgets import Input, Static

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.idle import IdleScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import TicketedService
from tests.functional.conftest import MARTINE_CODE, MARTINE_NIR, MARTINE_SERIAL
from tests.functional.journey_helpers import identified, settle, text_of, wait_for, wait_for_screen
from tests.screen_text import screen_text

TRACES = ("Martine", "LEGUELLEC", "Leguellec", MARTINE_NIR, "1 16 30 44", MARTINE_CODE, "dlfr-cn5")


def everything_visible_or_kept(app: MesApp) -> str:
    """Text of every widget of every screen on the stack, every input, and the session."""
    parts = [repr(asdict(app.session)), screen_text(app)]
    for screen in app.screen_stack:
        for widget in screen.walk_children(with_self=False):
            if isinstance(widget, Input):
                parts.append(widget.value)
            elif isinstance(widget, Static):
                parts.append(str(widget.render()))
    parts += [n.message + n.title for n in app._notifications]
    return "\n".join(parts)


async def serve_martine_until_contacts(app: MesApp, service, pilot) -> None:  # type: ignore[no-untyped-def]
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.session.accepted_terms = True
    app.restart_at(journey.Step.DECISION)
    await settle(pilot)
    app.goto(journey.Step.CONTACTS)
    await settle(pilot)
    app.notify("Message reçu — dlfr-cn5-tma-support-cobra@atos.net", markup=False)
    await settle(pilot)
    assert "dlfr-cn5" in everything_visible_or_kept(app)


async def test_new_session_key_asks_then_forgets_everything(app: MesApp, service) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await serve_martine_until_contacts(app, service, pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        # The way back says what it does, as Ctrl+Q's does: stay with this person.
        assert "Rester" in text_of(app.screen.query_one("#no"))
        assert "Personne suivante" in text_of(app.screen.query_one("#yes"))
        await pilot.press("escape")  # "Rester": nothing lost
        await settle(pilot)
        assert app.session.person is not None
        await pilot.press("ctrl+n")
        await settle(pilot)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert len(app.screen_stack) == 1
        assert app.focused is not None and app.focused.id == "start"
        kept = everything_visible_or_kept(app)
        for trace in TRACES:
            assert trace not in kept
        assert app.session == journey.Session()


async def test_new_session_without_data_needs_no_confirmation(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Commencer, nothing typed
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)


async def test_typed_text_alone_counts_as_data(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*MARTINE_CODE)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert MARTINE_CODE not in everything_visible_or_kept(app)


class Monotonic:
    """A monotonic clock the test moves; counts how often it is read (each idle check reads
    it), so that a test can wait for the checks instead of for a time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def idle_app(service, clock: Monotonic, *, timeout: int = 300, countdown: int = 30) -> MesApp:  # type: ignore[no-untyped-def]
    """The desk's settings on a clock the test moves; checked every 20 ms of real time."""
    return MesApp(
        service=TicketedService(service),
        idle_timeout=timeout,
        idle_countdown=countdown,
        idle_clock=clock,
        idle_check_every=0.02,
    )


async def checks_ran(pilot, clock: Monotonic, count: int = 3) -> None:  # type: ignore[no-untyped-def]
    reads = clock.reads
    await wait_for(pilot, lambda: clock.reads >= reads + count)


async def test_idle_warns_counts_down_then_wipes(service) -> None:  # type: ignore[no-untyped-def]
    clock = Monotonic()
    app = idle_app(service, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await serve_martine_until_contacts(app, service, pilot)
        clock.advance(299)  # not yet
        await checks_ran(pilot, clock)
        assert not isinstance(app.screen, IdleScreen)
        clock.advance(2)
        # The warning is judged by what the terminal shows, once it has been painted.
        await wait_for(pilot, lambda: "Êtes-vous toujours là ?" in screen_text(app))
        assert isinstance(app.screen, IdleScreen)
        await wait_for(pilot, lambda: "dans 30 seconde(s)" in screen_text(app))
        clock.advance(25)
        await wait_for(pilot, lambda: "dans 5 seconde(s)" in screen_text(app))
        assert isinstance(app.screen, IdleScreen)
        clock.advance(5)
        await wait_for(pilot, lambda: isinstance(app.screen, WelcomeScreen))
        await settle(pilot)
        kept = everything_visible_or_kept(app)
        for trace in TRACES:
            assert trace not in kept


async def test_a_key_during_the_countdown_keeps_everything(service) -> None:  # type: ignore[no-untyped-def]
    clock = Monotonic()
    app = idle_app(service, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await serve_martine_until_contacts(app, service, pilot)
        clock.advance(301)
        await wait_for_screen(pilot, IdleScreen)
        clock.advance(20)
        await pilot.press("space")
        await settle(pilot)
        await wait_for(pilot, lambda: "dlfr-cn5" in screen_text(app))
        assert not isinstance(app.screen, IdleScreen)
        assert app.session.person is not None
        # The key counts as an action: the next warning is a whole timeout later.
        clock.advance(299)
        await checks_ran(pilot, clock)
        assert not isinstance(app.screen, IdleScreen)


async def test_idle_does_nothing_on_an_empty_welcome(service) -> None:  # type: ignore[no-untyped-def]
    clock = Monotonic()
    app = idle_app(service, clock, timeout=1, countdown=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        clock.advance(3600)
        await checks_ran(pilot, clock)
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)


async def test_messages_turned_off_by_the_administrator_stay_off(service) -> None:  # type: ignore[no-untyped-def]
    from mes_tui.screens.messages import MessagesScreen
    from mes_tui.screens.settings import SettingsScreen

    app = MesApp(service=TicketedService(service), show_messages=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Messages" not in screen_text(app).splitlines()[-1]  # not offered in the footer
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, MessagesScreen)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "Montrer les messages" not in screen_text(app)
        app.screen.query_one("#save").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.show_messages is False
