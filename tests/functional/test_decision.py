"""Je prends ma décision: the choice by number or arrows, the CGU box that activation needs,
the earlier opposition, reading the CGU, and names from data shown as they are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, PersonView, Status, nir_key
from mes_tui.screens.contacts import ContactsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.reading import ReadingScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import ImportRejected
from mes_tui.texts import decision as td
from mes_tui.widgets.choice_list import ChoiceList
from mes_tui.widgets.controls import Tick
from mes_tui.widgets.fields import FormField
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    THOMAS_CODE,
    THOMAS_NIR,
    THOMAS_SERIAL,
    field_error,
    fill_identification,
    focused_id,
    press_button,
    screen_text,
    settle,
    summary_text,
    tab_to,
    text_of,
    wait_for,
    wait_for_screen,
)
from tests.simulation import admin


@pytest.fixture
def service(data_dir: Path, clock: FakeClock) -> SimulatedService:
    return open_service(data_dir, clock=clock)


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    return MesApp(service=TicketedService(service), show_messages=False)


async def open_decision(
    app: MesApp,
    pilot: Pilot[None],
    person: PersonView,
) -> DecisionScreen:
    """The decision screen for ``person``, as identification leaves it."""
    await wait_for_screen(pilot, WelcomeScreen)
    app.session.person = person
    app.session.branch = journey.Branch.ACTIVATION
    app.restart_at(journey.Step.DECISION)
    screen = await wait_for_screen(pilot, DecisionScreen)
    assert isinstance(screen, DecisionScreen)
    return screen


def martine(service: SimulatedService) -> PersonView:
    return service.identify(MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)


def choice_text(screen: DecisionScreen) -> str:
    return text_of(screen.query_one("#decision", ChoiceList))


def terms_shown(screen: DecisionScreen) -> bool:
    return screen.query_one("#terms-block", FormField).display


async def continue_(pilot: Pilot[None]) -> None:
    await press_button(pilot, "continue")
    await settle(pilot)


# -- the screen ------------------------------------------------------------------------------------
async def test_nothing_is_chosen_at_first(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        text = screen_text(app)
        assert "Activation · Étape 2 sur 5 — Je prends ma décision" in text
        assert "Bonjour Martine !" in text
        assert focused_id(app) == "decision"
        choices = choice_text(screen)
        assert ">( ) 1. J'active Mon espace santé" in choices  # pointer on the first, unchosen
        assert " ( ) 2. Je m'oppose à la création de Mon espace santé" in choices
        assert "(•)" not in choices
        assert "J'accède à mon dossier médical" in choices or "j'accède à mon dossier" in choices
        assert not terms_shown(screen)
        assert "J'accepte les Conditions" not in text


async def test_continue_without_a_choice_is_refused(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        await continue_(pilot)
        assert app.screen is screen
        assert field_error(screen, "field-decision") == td.CHOICE_MISSING
        summary = summary_text(screen)
        assert summary.startswith("Il y a 1 erreur")
        assert td.CHOICE_LABEL in summary
        assert focused_id(app) == "decision"


async def test_activation_needs_the_cgu_box(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        await pilot.press("1")
        await pilot.pause()
        choices = choice_text(screen)
        assert "(•) 1. J'active Mon espace santé" in choices
        assert "( ) 2. Je m'oppose" in choices
        assert terms_shown(screen)
        assert "[ ] J'accepte les Conditions Générales d'Utilisation" in screen_text(app)

        await continue_(pilot)
        assert app.screen is screen  # Continuer refused
        assert field_error(screen, "terms-block") == td.TERMS_MISSING
        assert summary_text(screen).startswith("Il y a 1 erreur")
        assert focused_id(app) == "terms"
        assert app.session.accepted_terms is False

        await pilot.press("space")  # the box has the focus: tick it
        await pilot.pause()
        assert screen.query_one("#terms", Tick).value is True
        assert field_error(screen, "terms-block") is None
        assert "[x] J'accepte les Conditions" in screen_text(app)
        await continue_(pilot)
        await wait_for_screen(pilot, ContactsScreen)
        assert app.session.accepted_terms is True
        assert app.session.branch is journey.Branch.ACTIVATION
        # Escape from the contacts comes back to the decision as it was left.
        await pilot.press("escape")
        back = await wait_for_screen(pilot, DecisionScreen)
        assert back.query_one("#decision", ChoiceList).value == "activate"
        assert back.query_one("#terms", Tick).value is True


async def test_arrows_and_space_choose_and_oppose_needs_no_cgu(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        await pilot.press("down")
        await pilot.pause()
        assert screen.query_one("#decision", ChoiceList).value is None  # pointing is not choosing
        assert ">( ) 2. Je m'oppose" in choice_text(screen)
        await pilot.press("space")
        await pilot.pause()
        assert "(•) 2. Je m'oppose" in choice_text(screen)
        assert not terms_shown(screen)
        await pilot.press("up", "enter")
        await pilot.pause()
        assert "(•) 1. J'active" in choice_text(screen)
        assert terms_shown(screen)
        await pilot.press("2")
        await pilot.pause()
        assert not terms_shown(screen)
        await continue_(pilot)
        await wait_for(
            pilot, lambda: getattr(app.screen, "STEP", None) is journey.Step.OPPOSE_CONFIRM
        )
        assert app.session.branch is journey.Branch.OPPOSITION


async def test_a_choice_clears_the_missing_choice_error(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        await continue_(pilot)
        assert field_error(screen, "field-decision") is not None
        await tab_to(pilot, "decision")
        await pilot.press("1")
        await pilot.pause()
        assert field_error(screen, "field-decision") is None
        assert summary_text(screen) == ""


async def test_earlier_opposition_is_recalled(app: MesApp, service: SimulatedService) -> None:
    thomas = service.identify(THOMAS_CODE, THOMAS_NIR, CardType.AVEC_PHOTO, THOMAS_SERIAL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, thomas)
        notice = text_of(screen.query_one("#opposed-before"))
        assert notice.startswith("Vous vous êtes opposé(e) à la création de Mon espace santé")
        assert "le 20/08/2021" in notice
        assert "Vous vous êtes opposé(e)" in screen_text(app)
        assert "Bonjour Thomas !" in screen_text(app)


async def test_no_earlier_opposition_no_notice(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        assert not screen.query_one("#opposed-before").display
        assert "opposé" not in screen_text(app)


async def test_reading_the_cgu_and_coming_back(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, martine(service))
        await pilot.press("1")
        await press_button(pilot, "read-cgu")
        reading = await wait_for_screen(pilot, ReadingScreen)
        text = screen_text(app)
        assert td.CGU_TITLE in text
        assert len(text_of(reading.query_one("#reading-body Static"))) > 200
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.query_one("#decision", ChoiceList).value == "activate"
        assert focused_id(app) == "read-cgu"


async def test_escape_leaves_for_the_welcome_screen(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_decision(app, pilot, martine(service))
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)


# -- text from data --------------------------------------------------------------------------------
MARKUP_NAME = "[b]x[/b]"
IMPORTED_BODY = "1850375001002"
IMPORTED_NIR = IMPORTED_BODY + nir_key(IMPORTED_BODY)
IMPORTED_CODE = "Mk7pQ2rTz9Wd"
IMPORTED_SERIAL = "01234567890"


def imported_row(first_name: str) -> dict[str, object]:
    return {
        "nir": IMPORTED_NIR,
        "first_name": first_name,
        "last_name": "ESSAI",
        "birth_date": "1985-03-12",
        "card_type": "sans_photo",
        "card_serial": IMPORTED_SERIAL,
        "provisional_code": IMPORTED_CODE,
        "email": "essai@exemple.fr",
    }


async def test_a_name_with_markup_is_shown_literally(
    app: MesApp, service: SimulatedService
) -> None:
    # The import refuses control characters in names: the escape never reaches the registry.
    with pytest.raises(ImportRejected) as rejected:
        admin(service).import_registry([imported_row(f"{MARKUP_NAME}\x1b[2J")])
    assert [row for row, _ in rejected.value.problems] == [1]
    assert admin(service).import_registry([imported_row(MARKUP_NAME)]) == 1

    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        await fill_identification(
            pilot, IMPORTED_CODE, IMPORTED_NIR, SANS_PHOTO_KEY, IMPORTED_SERIAL
        )
        await press_button(pilot, "continue")
        screen = await wait_for_screen(pilot, DecisionScreen)
        hello = text_of(screen.query_one(".hello"))
        assert hello == f"Bonjour {MARKUP_NAME} !"
        assert f"Bonjour {MARKUP_NAME} !" in screen_text(app)


async def test_control_characters_from_data_are_not_shown(app: MesApp) -> None:
    # Whatever the registry holds (an older file, another back end), the screen removes
    # control characters: an escape sequence must not reach the terminal.
    person = PersonView(
        nir=MARTINE_NIR,
        first_name=f"{MARKUP_NAME}\x1b[2J\u202e",
        last_name="LEGUELLEC",
        birth_date=date(1976, 6, 16),
        card_type=CardType.SANS_PHOTO,
        status=Status.EN_ATTENTE,
        decided_on=None,
        email=None,
        mobile=None,
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_decision(app, pilot, person)
        hello = text_of(screen.query_one(".hello"))
        assert "\x1b" not in hello
        assert "\u202e" not in hello
        assert hello == f"Bonjour {MARKUP_NAME}[2J !"
        assert "\x1b" not in screen_text(app)
