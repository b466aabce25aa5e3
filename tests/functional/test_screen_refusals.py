"""The engine's table of refusals (``mes_tui.engine``), in the screens, for the rows no other
screen test meets: where each refusal leads and what the person reads. The same rows in the
plain mode: test_plain_refusals.py; at engine level: tests/engine/test_journeys.py. Rows met
elsewhere: a failed identification, a lockout and an account already active
(test_identification.py), a new-code request refused (test_new_code.py), the one-time codes
(test_contacts.py), a taken identifier (test_credentials.py), a decision or a receipt taken
meanwhile (test_opposition.py, test_profiles.py), waits (test_throttle.py)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui.app import MesApp
from mes_tui.journey import Branch
from mes_tui.models import CardType, Channel, Status
from mes_tui.screens.activated import ActivatedScreen
from mes_tui.screens.contacts import ContactsScreen
from mes_tui.screens.credentials import CredentialsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService
from mes_tui.services.errors import StorageBusy, TermsNotAccepted
from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import service as ts
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SIZE,
    field_error,
    focused_id,
    press_button,
    screen_text,
    settle,
    summary_text,
    text_of,
    wait_for,
    wait_for_screen,
)
from tests.simulation import last_code

PASSWORD = "Vert&Olive2024"


async def on_credentials(app: MesApp, pilot: Pilot[Any]) -> CredentialsScreen:
    """Martine identified, the activation chosen with its conditions, on the credentials form
    (reached through the engine: the screens before it are tested elsewhere)."""
    engine = app.engine
    engine.identify(MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    engine.decide(Branch.ACTIVATION, accepted_terms=True)
    app.go(engine.contacts_done())
    screen: CredentialsScreen = await wait_for_screen(pilot, CredentialsScreen)
    for name, value in (
        ("identifier", "martine.leguellec"),
        ("password", PASSWORD),
        ("confirmation", PASSWORD),
    ):
        screen.query_one(f"#{name}", Input).value = value
    await pilot.pause()
    return screen


async def test_conditions_refused_by_the_back_office_lead_to_the_decision(
    app: MesApp, service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise TermsNotAccepted()

    monkeypatch.setattr(service, "activate", refuse)
    async with app.run_test(size=SIZE) as pilot:
        await on_credentials(app, pilot)
        await press_button(pilot, "validate")
        screen = await wait_for_screen(pilot, DecisionScreen)
        await wait_for(pilot, lambda: field_error(screen, "terms-block") is not None)
        assert field_error(screen, "terms-block") == ts.TERMS_NOT_ACCEPTED
        assert service.get_person(MARTINE_NIR).status is Status.EN_ATTENTE


async def test_activated_elsewhere_meanwhile_goes_back_to_the_welcome_page(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await on_credentials(app, pilot)
        service.activate(
            MARTINE_NIR,
            "martine.ailleurs",
            PASSWORD,
            accepted_terms=True,
            expected=Status.EN_ATTENTE,
        )
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: ts.ALREADY_ACTIVE in summary_text(app.screen))
        assert app.session.person is None  # nothing of Martine kept for the next person
        assert service.get_person(MARTINE_NIR).identifier == "martine.ailleurs"


async def test_a_busy_registry_keeps_what_was_typed_and_a_retry_activates(
    app: MesApp, service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    activate = service.activate
    calls: list[object] = []

    def busy_once(*args: Any, **kwargs: Any) -> object:
        calls.append(args)
        if len(calls) == 1:
            raise StorageBusy()
        return activate(*args, **kwargs)

    monkeypatch.setattr(service, "activate", busy_once)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_credentials(app, pilot)
        await press_button(pilot, "validate")
        await settle(pilot)
        assert app.screen is screen
        assert ts.STORAGE_BUSY in summary_text(screen)
        assert screen.query_one("#password", Input).value == PASSWORD
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, ActivatedScreen)
        assert service.get_person(MARTINE_NIR).identifier == "martine.leguellec"


async def test_no_code_under_way_goes_back_to_the_contact_summary(
    app: MesApp, service: SimulatedService
) -> None:
    engine = app.engine
    async with app.run_test(size=SIZE) as pilot:
        engine.identify(MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
        go = engine.decide(Branch.ACTIVATION, accepted_terms=True)
        app.go(go)  # type: ignore[arg-type]
        await wait_for_screen(pilot, ContactsScreen)
        await press_button(pilot, "edit-email")
        await wait_for(pilot, lambda: app.screen.query("#email"))
        app.screen.query_one("#email", Input).value = "martine@exemple.fr"
        await press_button(pilot, "validate")
        await wait_for(pilot, lambda: bool(app.screen.query("#resend")))
        # The code is typed at another desk meanwhile: none is under way here any more.
        code = last_code(service)
        service.verify_contact_code(MARTINE_NIR, Channel.EMAIL, code)
        await press_button(pilot, "resend")
        # Nothing more can be done on the code: the change is closed, the message next to the
        # code, and the one way on, focused, is back to the summary (as in the plain mode).
        code_screen = app.screen
        await wait_for(pilot, lambda: field_error(code_screen, "field-code") is not None)
        assert field_error(code_screen, "field-code") == ts.OTP_NONE_PENDING
        assert code_screen.query_one("#resend").disabled
        assert focused_id(app) == "cancel"
        assert tcontacts.BACK_TO_SUMMARY in text_of(code_screen.query_one("#cancel"))
        await pilot.press("enter")
        await wait_for_screen(pilot, ContactsScreen)
        assert "martine@exemple.fr" in screen_text(app)  # the address verified meanwhile
