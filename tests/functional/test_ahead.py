"""Screens built ahead (``MesApp(build_ahead=True)``, as the command line runs it): the next
step is composed while the person reads or types, then shown on Enter. It must show exactly what
a screen built on Enter shows, never something of another session or person, and leave nothing
behind for the next person."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.backoffice import BackOffice
from mes_tui.models import CardType
from mes_tui.preferences import Preferences
from mes_tui.screens.base import StepScreen
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.contacts import ContactsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.opposition import OpposeConfirmScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import TicketedService
from mes_tui.widgets.controls import Tick
from tests.functional.journey_helpers import (
    AVEC_PHOTO_KEY,
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    THOMAS_CODE,
    THOMAS_NIR,
    THOMAS_SERIAL,
    fill_identification,
    focused_id,
    identified,
    press_button,
    screen_text,
    settle,
    tab_to,
    wait_for,
    wait_for_screen,
)
from tests.functional.test_identification import open_identification

Step = journey.Step


def make_app(service: Any, *, ahead: bool) -> MesApp:
    return MesApp(
        back_office=BackOffice(service=TicketedService(service), messages=service.feed),
        show_messages=True,
        build_ahead=ahead,
    )


async def built(pilot: Pilot[None], step: journey.Step) -> StepScreen:
    """Wait until the screen of ``step`` has been built ahead and its widgets mounted."""
    app = pilot.app
    assert isinstance(app, MesApp)
    await wait_for(pilot, lambda: (s := app.built_ahead(step)) is not None and s.is_mounted)
    await wait_for(pilot, lambda: app.built_ahead(step).built_for is not None)  # type: ignore[union-attr]
    screen = app.built_ahead(step)
    assert screen is not None
    assert screen not in app.screen_stack
    return screen


def widget_texts(screen: Any) -> str:
    """Every text a screen holds, shown or not: its Statics and its fields."""
    parts = []
    for widget in screen.walk_children(with_self=False):
        if isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return "\n".join(parts)


async def decision_text(
    service: Any, *, ahead: bool, code: str, nir: str, card: str, serial: str
) -> str:
    """Identify from Je m'identifie and read Je prends ma décision, with or without screens
    built ahead (then checking that the one shown is the one built ahead)."""
    app = make_app(service, ahead=ahead)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        if ahead:
            await built(pilot, Step.IDENTIFY)
        await open_identification(pilot)
        waiting = await built(pilot, Step.DECISION) if ahead else None
        await fill_identification(pilot, code, nir, card, serial)
        await press_button(pilot, "continue")
        await settle(pilot)
        screen = await wait_for_screen(pilot, DecisionScreen)
        if ahead:
            assert screen is waiting
        assert focused_id(app) == "decision"
        return screen_text(app)


async def test_commencer_shows_the_identification_built_ahead(service: Any) -> None:
    fresh = make_app(service, ahead=False)
    async with fresh.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        expected = screen_text(fresh)

    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        waiting = await built(pilot, Step.IDENTIFY)
        assert waiting.query_one("#code", Input)  # composed and mounted, not shown
        screen = await open_identification(pilot)
        assert screen is waiting
        assert app.built_ahead(Step.IDENTIFY) is None  # used once
        assert focused_id(app) == "code"
        assert screen_text(app) == expected
        # Typing goes to it as to any other screen.
        await pilot.press("A", "b")
        await settle(pilot)
        assert screen.query_one("#code", Input).value == "Ab"


@pytest.mark.parametrize(
    ("code", "nir", "card", "serial", "shown"),
    [
        (MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL, "Bonjour Martine !"),
        # Opposed before: the screen built before the identification says so too.
        (THOMAS_CODE, THOMAS_NIR, AVEC_PHOTO_KEY, THOMAS_SERIAL, "Vous vous êtes opposé"),
    ],
)
async def test_decision_built_before_the_identification_greets_the_person(
    service: Any, code: str, nir: str, card: str, serial: str, shown: str
) -> None:
    person = {"code": code, "nir": nir, "card": card, "serial": serial}
    expected = await decision_text(service, ahead=False, **person)
    text = await decision_text(service, ahead=True, **person)
    assert shown in expected
    assert text == expected


async def at_decision_with_screens_ahead(app: MesApp, pilot: Pilot[None]) -> None:
    await open_identification(pilot)
    await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
    await press_button(pilot, "continue")
    await settle(pilot)
    await wait_for_screen(pilot, DecisionScreen)


async def test_both_decisions_lead_to_screens_built_ahead(service: Any) -> None:
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await at_decision_with_screens_ahead(app, pilot)
        contacts = await built(pilot, Step.CONTACTS)
        oppose = await built(pilot, Step.OPPOSE_CONFIRM)
        assert contacts.branch is journey.Branch.ACTIVATION
        assert oppose.branch is journey.Branch.OPPOSITION

        await pilot.press("2")  # M'opposer
        await press_button(pilot, "continue")
        screen = await wait_for_screen(pilot, OpposeConfirmScreen)
        assert screen is oppose
        assert "Opposition · Étape 3 sur 4" in screen_text(app)

        await pilot.press("escape")
        await wait_for_screen(pilot, DecisionScreen)
        await tab_to(pilot, "decision")
        await pilot.press("1")  # J'active
        await tab_to(pilot, "terms")
        await pilot.press("space")  # ticking the CGU changes nothing the contacts show
        await press_button(pilot, "continue")
        screen = await wait_for_screen(pilot, ContactsScreen)
        assert screen is contacts
        text = screen_text(app)
        assert "Activation · Étape 3 sur 5" in text
        assert "dlfr-cn5-tma-support-cobra@atos.net" in text


@pytest.mark.parametrize("turns", [0, 1, 2, 3, 5, 8])
async def test_a_screen_still_being_built_when_needed_shows_whole(service: Any, turns: int) -> None:
    """The identification answers while Je prends ma décision is being built ahead (the
    person typed fast, the answer came at once): it shows, complete, once built."""
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        building = asyncio.ensure_future(app.build_screens_ahead())
        for _ in range(turns):  # how far the building got: from nothing to mounted
            await asyncio.sleep(0)
        identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
        app.restart_at(Step.DECISION)
        await wait_for_screen(pilot, DecisionScreen)
        await building
        await settle(pilot)
        assert "Bonjour Martine !" in screen_text(app)
        assert focused_id(app) == "decision"


async def test_a_screen_built_for_another_session_state_is_not_shown(service: Any) -> None:
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        stale = await built(pilot, Step.IDENTIFY)
        # Back from "new provisional code", the identification shows where the code went.
        app.session.notice = "Un nouveau code provisoire vous a été envoyé."
        app.start_journey(journey.Branch.ACTIVATION, Step.IDENTIFY)
        screen = await wait_for_screen(pilot, IdentificationScreen)
        assert screen is not stale
        assert "Un nouveau code provisoire vous a été envoyé." in screen_text(app)
        await wait_for(pilot, lambda: not stale.is_attached)  # dropped
        assert app.session.notice is None  # shown once


async def test_the_next_person_finds_nothing_in_screens_built_ahead(service: Any) -> None:
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await at_decision_with_screens_ahead(app, pilot)
        contacts = await built(pilot, Step.CONTACTS)
        assert "LEGUELLEC" in widget_texts(contacts) or "dlfr-cn5" in widget_texts(contacts)
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ConfirmScreen)
        await press_button(pilot, "yes")
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: not contacts.is_attached)
        identification = await built(pilot, Step.IDENTIFY)  # built again for the next person
        for step in Step:
            left = app.built_ahead(step)
            if left is not None:
                assert left is identification
                text = widget_texts(left)
                assert "Martine" not in text
                assert "dlfr-cn5" not in text


async def test_changed_settings_drop_the_screens_built_ahead(service: Any) -> None:
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        old = await built(pilot, Step.IDENTIFY)
        app.apply_preferences(Preferences(theme="mes-contraste"))
        await wait_for(pilot, lambda: not old.is_attached)
        assert app.built_ahead(Step.IDENTIFY) is None
        screen = await open_identification(pilot)
        assert screen is not old


async def test_a_screen_built_ahead_is_styled_as_a_new_one(service: Any) -> None:
    """Textual restyles every screen it pushes; a screen built ahead skips that (its styles are
    fresh) unless the terminal's focus changed since it was built."""
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        waiting = await built(pilot, Step.IDENTIFY)
        assert waiting.styled_ahead
        screen = await open_identification(pilot)
        assert screen is waiting
        assert not screen.styled_ahead
        nodes = list(screen.walk_children(with_self=True))
        shown = [node.styles.css for node in nodes]
        app.update_styles(screen)  # what the skipped restyle would have given
        await settle(pilot)
        assert [node.styles.css for node in nodes] == shown

        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        again = await built(pilot, Step.IDENTIFY)
        assert again.styled_ahead
        app.app_focus = False  # the terminal lost focus: :focus and :blur styles differ
        await pilot.pause()
        assert not again.styled_ahead


async def test_keys_read_in_one_burst_on_a_screen_built_ahead(service: Any) -> None:
    """ "1" shows the terms box of a Je prends ma décision built ahead (never laid out with the
    box shown): the Tab and Space read with it still tick the box."""
    app = make_app(service, ahead=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        waiting = await built(pilot, Step.DECISION)
        await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
        await press_button(pilot, "continue")
        await settle(pilot)
        assert app.screen is waiting
        assert focused_id(app) == "decision"
        for key, character in (("1", "1"), ("tab", "\t"), ("space", " ")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen.query_one("#terms", Tick).value is True
        assert focused_id(app) == "terms"
