"""What a person reads, on the screens and in the plain mode, once failures from this session
(this program) make them wait or lock them out, and once identifiers were checked too often:
the same sentence, with the remaining wait, and the same way on in both front ends."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.screens.activated import ActivatedScreen
from mes_tui.screens.credentials import CredentialsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.login import LoginScreen
from mes_tui.screens.new_code import NewCodeScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, rules
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import IdentifierTaken
from mes_tui.texts import credentials as tcred
from mes_tui.texts import identification as tident
from mes_tui.texts import login as tlogin
from mes_tui.texts import new_code as tnew
from mes_tui.texts import plain as tplain
from mes_tui.texts import service as ts
from mes_tui.texts import vitale as tvitale
from tests.functional.journey_helpers import (
    MARTINE_BIRTH,
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    field_error,
    fill_identification,
    fill_new_code,
    focused_id,
    identified,
    press_button,
    settle,
    summary_text,
    wait_for,
    wait_for_screen,
)
from tests.functional.test_plain import Answer, converse, ways_on
from tests.throttling import (
    STRANGER_SERIAL,
    fail,
    fail_until_locked,
    identify_stranger,
    request_for_stranger,
    sign_in,
    strangers,
)

STRANGER = strangers(1, first=900)[0]
PASSWORD = "Vert&Olive2024"


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    # Deliveries are not popped up: they would cover the screen text the tests read.
    return MesApp(service=TicketedService(service), show_messages=False)


def five_failures(service: SimulatedService) -> None:
    """Five failed identifications in this session: the next failure makes it wait."""
    assert [kind for kind, _ in fail([identify_stranger(service, n) for n in strangers(5)])] == [
        "failed"
    ] * 5


def locked_identification(service: SimulatedService, clock: FakeClock) -> None:
    fail_until_locked([identify_stranger(service, n) for n in strangers(10)], clock)


def five_failed_requests(service: SimulatedService) -> None:
    fail([request_for_stranger(service, n) for n in strangers(5)])


def locked_requests(service: SimulatedService, clock: FakeClock) -> None:
    fail_until_locked([request_for_stranger(service, n) for n in strangers(10)], clock)


def locked_sign_in(service: SimulatedService, clock: FakeClock) -> None:
    attempts = [sign_in(service, f"personne.{n}.inconnue", "Mauvais#Mot2") for n in range(10)]
    fail_until_locked(attempts, clock)


def checks_used_up(service: SimulatedService) -> None:
    for n in range(rules.IDENTIFIER_CHECKS_PERSON.allowed):
        service.check_identifier(MARTINE_NIR, f"martine.essai{n}")


def answers_used_up(service: SimulatedService) -> None:
    checks_used_up(service)
    for _ in range(rules.IDENTIFIER_ANSWERS_AT_ACTIVATION):
        with pytest.raises(IdentifierTaken):
            service.activate(
                MARTINE_NIR,
                "lucas.petit",
                PASSWORD,
                accepted_terms=True,
                expected=service.get_person(MARTINE_NIR).status,
            )


def error(message: str) -> str:
    return "Erreur : " + message


# -- the screens: Je m'identifie -----------------------------------------------------------------
async def open_identification(pilot: Pilot[Any]) -> IdentificationScreen:
    await wait_for_screen(pilot, WelcomeScreen)
    await pilot.press("enter")
    return await wait_for_screen(pilot, IdentificationScreen)  # type: ignore[no-any-return]


async def submit(pilot: Pilot[Any], button: str = "continue") -> None:
    await press_button(pilot, button)
    await settle(pilot)


async def test_identification_waits_then_lets_the_right_code_through(
    app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    five_failures(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, MARTINE_CODE, STRANGER, SANS_PHOTO_KEY, STRANGER_SERIAL)
        await submit(pilot)
        assert summary_text(screen) == error(
            ts.IDENTIFICATION_FAILED_WAIT.format(wait="30 secondes")
        )
        assert focused_id(app) == "summary"
        # At once again, this time with Martine's own NIR and card: not checked, the wait told.
        nir = screen.query_one("#nir", Input)
        nir.value = MARTINE_NIR
        screen.query_one("#serial", Input).value = MARTINE_SERIAL
        clock.advance(seconds=10)
        await submit(pilot)
        assert summary_text(screen) == error(ts.IDENTIFICATION_WAIT.format(wait="20 secondes"))
        assert isinstance(app.screen, IdentificationScreen)
        # Once the wait is over, the same form goes through.
        clock.advance(seconds=20)
        await submit(pilot)
        await wait_for_screen(pilot, DecisionScreen)


async def test_identification_locked_on_this_computer(
    app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    locked_identification(service, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
        await submit(pilot)
        assert summary_text(screen) == error(
            ts.IDENTIFICATION_SESSION_LOCKED.format(wait="15 minutes")
        )
        assert isinstance(app.screen, IdentificationScreen)


# -- the screens: Je génère un nouveau code provisoire ---------------------------------------------
async def open_new_code(pilot: Pilot[Any]) -> NewCodeScreen:
    await wait_for_screen(pilot, WelcomeScreen)
    await press_button(pilot, "generate")
    return await wait_for_screen(pilot, NewCodeScreen)  # type: ignore[no-any-return]


async def test_new_code_requests_wait_then_lock(
    app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    five_failed_requests(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, STRANGER[:13], ("01", "05", "1985"), "1", STRANGER_SERIAL)
        await submit(pilot)
        assert summary_text(screen) == error(ts.CODE_REQUEST_FAILED_WAIT.format(wait="30 secondes"))
        await submit(pilot)
        assert summary_text(screen) == error(ts.CODE_REQUEST_WAIT.format(wait="30 secondes"))
        assert isinstance(app.screen, NewCodeScreen)
        locked_requests(service, clock)
        await submit(pilot)
        assert summary_text(screen) == error(
            ts.CODE_REQUEST_SESSION_LOCKED.format(wait="15 minutes")
        )


# -- the screens: Me connecter -------------------------------------------------------------------
async def test_sign_in_locked_on_this_computer(
    app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    locked_sign_in(service, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await press_button(pilot, "login")
        screen = await wait_for_screen(pilot, LoginScreen)
        screen.query_one("#identifier", Input).value = "lucas.petit"
        screen.query_one("#password", Input).value = d.DEMO_PASSWORD
        await submit(pilot, "submit")
        assert summary_text(screen) == error(ts.LOGIN_LOCKED.format(wait="15 minutes"))
        assert screen.query_one("#password", Input).value == ""


# -- the screens: Je choisis mon identifiant ------------------------------------------------
async def open_credentials(app: MesApp, service: SimulatedService, pilot: Pilot[Any]) -> Any:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.session.accepted_terms = True
    app.goto(journey.Step.CREDENTIALS)
    return await wait_for_screen(pilot, CredentialsScreen)


async def fill_credentials(pilot: Pilot[Any], screen: Any, identifier: str) -> None:
    screen.query_one("#identifier", Input).value = identifier
    screen.query_one("#password", Input).value = PASSWORD
    screen.query_one("#confirmation", Input).value = PASSWORD
    await pilot.pause()


async def test_checks_used_up_are_told_next_to_the_field_and_validating_still_works(
    app: MesApp, service: SimulatedService
) -> None:
    checks_used_up(service)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        identifier = screen.query_one("#identifier", Input)
        identifier.focus()
        await pilot.press(*"martine.leguellec", "tab")  # leaving the field asks the back office
        paused = ts.IDENTIFIER_CHECKS_PAUSED.format(count=10, wait="30 minutes")
        await wait_for(pilot, lambda: field_error(screen, "field-identifier") == paused)
        await fill_credentials(pilot, screen, "martine.leguellec")
        await submit(pilot, "validate")
        await wait_for_screen(pilot, ActivatedScreen)


async def test_too_many_identifiers_tried_lock_the_choice(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        answers_used_up(service)
        await fill_credentials(pilot, screen, "martine.leguellec")
        await submit(pilot, "validate")
        assert summary_text(screen) == error(
            ts.IDENTIFIER_ANSWERS_LOCKED.format(count=15, wait="30 minutes")
        )
        assert isinstance(app.screen, CredentialsScreen)


# -- the plain mode ------------------------------------------------------------------------------
def identification(nir: str, serial: str = STRANGER_SERIAL) -> list[tuple[str, Answer]]:
    return [
        (tident.CODE_LABEL, MARTINE_CODE),
        (tident.NIR_LABEL, nir),
        (tvitale.LABEL, "1"),
        (tvitale.SERIAL_LABEL, serial),
    ]


def test_plain_identification_waits_then_lets_the_right_code_through(
    service: SimulatedService, clock: FakeClock
) -> None:
    five_failures(service)

    def later(answer: str) -> Answer:
        def after_the_wait() -> str:
            clock.advance(seconds=30)
            return answer

        return after_the_wait

    t = converse(
        service,
        [
            ("Que voulez-vous faire ?", "1"),
            *identification(STRANGER),
            (ts.IDENTIFICATION_FAILED_WAIT.format(wait="30 secondes"), "1"),  # correct
            *identification(MARTINE_NIR, MARTINE_SERIAL),
            (ts.IDENTIFICATION_WAIT.format(wait="30 secondes"), "1"),
            (tident.CODE_LABEL, later(MARTINE_CODE)),
            (tident.NIR_LABEL, ""),
            (tvitale.LABEL, ""),
            (tvitale.SERIAL_LABEL, ""),
            ("Bonjour Martine !", "<"),
        ],
    )
    assert t.out.count(tplain.RETRY_ANSWERS) == 2  # the same choices as after any failure


def test_plain_identification_locked_stays_with_its_ways_on(
    service: SimulatedService, clock: FakeClock
) -> None:
    locked_identification(service, clock)
    t = converse(
        service,
        [
            ("Que voulez-vous faire ?", "1"),
            *identification(MARTINE_NIR, MARTINE_SERIAL),
            ("Erreur : " + ts.IDENTIFICATION_SESSION_LOCKED.format(wait="15 minutes"), "1"),
            *identification(MARTINE_NIR, MARTINE_SERIAL),
            # Still locked, whatever is typed: the same message and the same ways on.
            ("Erreur : " + ts.IDENTIFICATION_SESSION_LOCKED.format(wait="15 minutes"), "3"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert t.out.count(ways_on(tident.GENERATE_LINK, tplain.TO_WELCOME)) == 2
    assert t.code == 0


def new_code(nir13: str, birth: str, serial: str) -> list[tuple[str, Answer]]:
    return [
        (tnew.NIR_LABEL, nir13),
        (tnew.BIRTH_LABEL, birth),
        (tvitale.LABEL, "1"),
        (tvitale.SERIAL_LABEL, serial),
    ]


def test_plain_new_code_requests_wait_then_lock(
    service: SimulatedService, clock: FakeClock
) -> None:
    five_failed_requests(service)

    def lock_meanwhile() -> str:
        locked_requests(service, clock)
        return "1"

    birth = "/".join(MARTINE_BIRTH)
    t = converse(
        service,
        [
            ("Que voulez-vous faire ?", "2"),
            *new_code(STRANGER[:13], "01/05/1985", STRANGER_SERIAL),
            (ts.CODE_REQUEST_FAILED_WAIT.format(wait="30 secondes"), "1"),  # correct
            *new_code(MARTINE_NIR[:13], birth, MARTINE_SERIAL),
            (ts.CODE_REQUEST_WAIT.format(wait="30 secondes"), lock_meanwhile),
            (tnew.NIR_LABEL, ""),
            (tnew.BIRTH_LABEL, ""),
            (tvitale.LABEL, ""),
            (tvitale.SERIAL_LABEL, ""),
            ("Erreur : " + ts.CODE_REQUEST_SESSION_LOCKED.format(wait="15 minutes"), "2"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert t.out.count(tplain.RETRY_ANSWERS) == 3  # after each failure, and the lockout
    locked = ts.CODE_REQUEST_SESSION_LOCKED.format(wait="15 minutes")
    assert ways_on(tplain.TO_WELCOME) in t.out.split(locked)[-1]


def test_plain_sign_in_waits_then_locks(service: SimulatedService, clock: FakeClock) -> None:
    for _ in range(3):  # three failures for Lucas's identifier, from other computers
        fail([sign_in(service, "lucas.petit", "Mauvais#Mot2")])

    def lock_meanwhile() -> str:
        locked_sign_in(service, clock)
        return "lucas.petit"

    t = converse(
        service,
        [
            ("Que voulez-vous faire ?", "3"),
            (tlogin.IDENTIFIER_LABEL, "lucas.petit"),
            (tlogin.PASSWORD_LABEL, "Mauvais#Mot2"),
            (ts.LOGIN_FAILED_WAIT.format(wait="5 secondes"), "lucas.petit"),
            (tlogin.PASSWORD_LABEL, d.DEMO_PASSWORD),
            (ts.LOGIN_WAIT.format(wait="5 secondes"), lock_meanwhile),
            (tlogin.PASSWORD_LABEL, d.DEMO_PASSWORD),
            ("Erreur : " + ts.LOGIN_LOCKED.format(wait="15 minutes"), "2"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    # A failure or a wait asks again at once; the lockout offers the welcome page too.
    assert t.out.count(tplain.RETRY_ANSWERS) == 1
    assert ways_on(tplain.TO_WELCOME) in t.out


def credentials_of_martine() -> list[tuple[str, Answer]]:
    return [
        ("Que voulez-vous faire ?", "1"),
        *identification(MARTINE_NIR, MARTINE_SERIAL),
        ("Bonjour Martine !", "1"),
        ("Conditions Générales", "o"),
        ("3. Continuer", "3"),
    ]


def test_plain_checks_used_up_are_told_and_validating_still_works(
    service: SimulatedService,
) -> None:
    checks_used_up(service)
    converse(
        service,
        [
            *credentials_of_martine(),
            (tcred.IDENTIFIER_LABEL, "martine.leguellec"),
            (ts.IDENTIFIER_CHECKS_PAUSED.format(count=10, wait="30 minutes"), PASSWORD),
            (tcred.CONFIRMATION_LABEL, PASSWORD),
            ("Étape 5 sur 5", "<"),
        ],
    )
    assert service.get_person(MARTINE_NIR).identifier == "martine.leguellec"


def test_plain_too_many_identifiers_tried_lock_the_activation(
    service: SimulatedService,
) -> None:
    def used_up() -> str:
        answers_used_up(service)
        return "martine.leguellec"

    t = converse(
        service,
        [
            *credentials_of_martine(),
            (tcred.IDENTIFIER_LABEL, used_up),
            # Ten checks and five taken answers: three hours before checks are answered again.
            (ts.IDENTIFIER_CHECKS_PAUSED.format(count=10, wait="3 heures"), PASSWORD),
            (tcred.CONFIRMATION_LABEL, PASSWORD),
            ("Erreur : " + ts.IDENTIFIER_ANSWERS_LOCKED.format(count=15, wait="30 minutes"), "2"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert ways_on(tplain.TO_WELCOME) in t.out
    assert service.get_person(MARTINE_NIR).identifier is None
