"""Je m'identifie, driven with the keyboard: the NIR that formats as it is typed or pasted, the
card choice and its help, every refusal next to its field or at the top, the lockout, and
where each way out leads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from mes_tui.app import MesApp
from mes_tui.models import CardType, nir_key
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.new_code import NewCodeScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from mes_tui.texts import identification as ti
from mes_tui.texts import service as ts
from mes_tui.texts import validation as tv
from mes_tui.texts import vitale as tvit
from mes_tui.texts.ui import UNEXPECTED_ERROR
from mes_tui.widgets.card_choice import CardTypeChoice
from mes_tui.widgets.fields import FormField, HelpPanel
from mes_tui.widgets.inputs import NirInput
from tests.functional.journey_helpers import (
    AVEC_PHOTO_KEY,
    KARIM_CODE,
    KARIM_NIR,
    LUCAS_BIRTH,
    LUCAS_NIR,
    LUCAS_SERIAL,
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_NIR_SPACED,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    SOPHIE_CODE,
    SOPHIE_NIR,
    SOPHIE_SERIAL,
    field_error,
    fill_identification,
    focused_id,
    hint_shown,
    press_button,
    screen_text,
    settle,
    summary_text,
    tab_to,
    text_of,
    type_in,
    type_text,
    wait_for_screen,
)
from tests.simulation import last_code

MARTINE_WRONG_KEY = MARTINE_NIR[:13] + "19"
UNKNOWN_NIR = "1990175001001" + nir_key("1990175001001")


@pytest.fixture
def service(data_dir: Path, clock: FakeClock) -> SimulatedService:
    return open_service(data_dir, clock=clock)


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    # Deliveries are not popped up: they would cover the screen text the tests read.
    return MesApp(service=TicketedService(service), show_messages=False)


async def open_identification(pilot: Pilot[None]) -> IdentificationScreen:
    """From the welcome screen, Commencer (focused first) with Enter."""
    await wait_for_screen(pilot, WelcomeScreen)
    assert focused_id(pilot.app) == "start"
    await pilot.press("enter")
    screen = await wait_for_screen(pilot, IdentificationScreen)
    assert isinstance(screen, IdentificationScreen)
    return screen


async def submit(pilot: Pilot[None]) -> None:
    await press_button(pilot, "continue")
    await settle(pilot)


async def submit_again(pilot: Pilot[None]) -> None:
    """After a refusal the focus is on the message at the top: Tab to the code, then Enter."""
    assert focused_id(pilot.app) == "summary"
    await pilot.press("tab")
    await pilot.pause()
    assert focused_id(pilot.app) == "code"
    await pilot.press("enter")
    await settle(pilot)


def nir_value(screen: IdentificationScreen) -> str:
    return screen.query_one("#nir", NirInput).value


# -- the screen as the seed shows it -----------------------------------------------------------
async def test_screen_reads_as_in_the_seed(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        text = screen_text(app)
        assert "Activation · Étape 1 sur 5 — Je m'identifie" in text
        assert "Pour vous identifier, veuillez saisir le code provisoire" in text
        assert "> Code provisoire composé de 12 caractères" in text  # focused, ">" marker
        assert "Ex. : HuqZF3KXCz8k" in text
        assert "Générer un nouveau code provisoire" in text
        assert "Ex. : 1 55 12 55 555 555 55" in text
        await tab_to(pilot, "continue")
        text = screen_text(app)
        assert "Ma carte Vitale" in text
        assert "Numéro de série de carte Vitale" in text
        assert "Annuler" in text
        assert "[>Continuer<]" in text


# -- the NIR field ------------------------------------------------------------------------------
async def test_nir_is_spaced_as_it_is_typed(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await type_in(pilot, "nir", "1163")
        assert nir_value(screen) == "1 16 3"
        await type_text(pilot, "04403801618")
        assert nir_value(screen) == MARTINE_NIR_SPACED
        # A 16th character is refused: the field holds 15.
        await type_text(pilot, "9")
        assert nir_value(screen) == MARTINE_NIR_SPACED
        await pilot.press("backspace", "backspace", "backspace")
        assert nir_value(screen) == "1 16 30 44 038 01"
        # Backspace just after a separator removes the digit before it, and the rest moves up.
        screen.query_one("#nir", NirInput).value = ""
        await type_text(pilot, "11630")
        await pilot.press("left", "left", "backspace")
        await pilot.pause()
        assert nir_value(screen) == "1 13 0"


async def test_delete_before_a_separator_removes_the_next_digit(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await type_in(pilot, "nir", "12630")
        assert nir_value(screen) == "1 26 30"
        await pilot.press("home", "right", "delete")  # the cursor after "1", before a space
        await pilot.pause()
        assert nir_value(screen) == "1 63 0"
        assert screen.query_one("#nir", NirInput).cursor_position == 1
        await type_text(pilot, "2")  # typing there puts the digit back where it was
        assert nir_value(screen) == "1 26 30"


@pytest.mark.parametrize(
    "pasted",
    ["1.16.30.44.038.016.18", " 1 16 30 44 038 016 18 ", "116304403801618", "1 16-30 44.038 01618"],
)
async def test_nir_accepts_a_paste_with_separators(app: MesApp, pasted: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await tab_to(pilot, "nir")
        paste(screen, "#nir", pasted)
        await pilot.pause()
        assert nir_value(screen) == MARTINE_NIR_SPACED


def paste(screen: IdentificationScreen, selector: str, text: str) -> None:
    """What the terminal sends when the person pastes (bracketed paste)."""
    screen.query_one(selector, NirInput).post_message(events.Paste(text))


async def test_nir_takes_lower_case_corsican_department(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await type_in(pilot, "nir", "285032a00412371")
        assert nir_value(screen) == "2 85 03 2A 004 123 71"
        screen.query_one("#nir", NirInput).value = ""
        await pilot.pause()
        paste(screen, "#nir", "2.85.03.2a.004.123.71")
        await pilot.pause()
        assert nir_value(screen) == "2 85 03 2A 004 123 71"


async def test_f1_opens_the_nir_help_in_place(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await tab_to(pilot, "nir")
        panel = screen.query_one("#field-nir HelpPanel", HelpPanel)
        assert not panel.is_open
        await pilot.press("f1")
        await pilot.pause()
        assert panel.is_open
        assert focused_id(app) == "nir"  # the person keeps typing where they were
        text = screen_text(app)
        assert "[-] Où trouver mon numéro de sécurité sociale ?" in text
        assert "Pour la Corse, le département s'écrit 2A ou 2B." in text
        await pilot.press("f1")
        await pilot.pause()
        assert not panel.is_open
        assert "Pour la Corse" not in screen_text(app)


# -- the card --------------------------------------------------------------------------------
async def test_card_is_chosen_with_1_and_2(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        card = screen.query_one("#card", CardTypeChoice)
        await tab_to(pilot, "card")
        assert card.value is None
        assert text_of(card).count("( ) Carte Vitale") == 2
        assert "(•)" not in text_of(card)
        await pilot.press(SANS_PHOTO_KEY)
        await pilot.pause()
        assert card.value == "sans_photo"
        rendered = text_of(card)
        assert rendered.count("(•) Carte Vitale") == 1
        assert rendered.count("( ) Carte Vitale") == 1
        assert rendered.index("(•)") < rendered.index("( )")  # the left-hand card
        await pilot.press(AVEC_PHOTO_KEY)
        await pilot.pause()
        assert card.value == "avec_photo"
        rendered = text_of(card)
        assert rendered.index("( )") < rendered.index("(•)")


async def test_card_is_chosen_with_arrows_and_space(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        card = screen.query_one("#card", CardTypeChoice)
        await tab_to(pilot, "card")
        await pilot.press("right")
        await pilot.pause()
        assert card.value is None  # moving the pointer does not choose
        await pilot.press("space")
        await pilot.pause()
        assert card.value == "avec_photo"
        await pilot.press("left", "space")
        await pilot.pause()
        assert card.value == "sans_photo"
        assert "(•)" in text_of(card)


async def test_serial_help_and_hint_follow_the_card(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        panel = screen.query_one("#serial-help", HelpPanel)
        await tab_to(pilot, "serial")
        await pilot.press("f1")
        await pilot.pause()
        assert panel.is_open
        body = panel.query_one(".help-body")
        assert focused_id(app) == "serial"
        assert "Choisissez le type de votre carte" in text_of(body)
        assert "3422" in text_of(body)

        await tab_to(pilot, "card")
        await pilot.press(SANS_PHOTO_KEY)
        await pilot.pause()
        sans = text_of(body)
        assert "au dos en haut à gauche" in sans
        assert "en haut à droite" not in sans
        assert "3422" in sans
        assert "lundi au vendredi de 8h30 à 17h30" in sans
        assert hint_shown(screen, "field-serial") == (tvit.SERIAL_HINT_SANS_PHOTO)

        await pilot.press(AVEC_PHOTO_KEY)
        await pilot.pause()
        avec = text_of(body)
        assert "en haut à droite" in avec
        assert "au dos en haut à gauche" not in avec
        assert "11 derniers chiffres" in avec
        assert "3422" in avec
        assert hint_shown(screen, "field-serial") == (tvit.SERIAL_HINT_AVEC_PHOTO)
        # The open panel shows the card's text on screen, in place under the serial field.
        await tab_to(pilot, "serial")
        await pilot.pause()
        assert "en haut à droite" in screen_text(app)


# -- refusals next to the field, with the summary -------------------------------------------
async def test_empty_form_lists_every_field(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await submit(pilot)
        assert isinstance(app.screen, IdentificationScreen)
        assert field_error(screen, "field-code") == tv.CODE_EMPTY
        assert field_error(screen, "field-nir") == tv.NIR_EMPTY
        assert field_error(screen, "field-card") == tv.CARD_TYPE
        assert field_error(screen, "field-serial") == tv.SERIAL_EMPTY
        summary = summary_text(screen)
        assert summary.startswith("Il y a 4 erreurs")
        for label in (ti.CODE_LABEL, ti.NIR_LABEL, tvit.LABEL, tvit.SERIAL_LABEL):
            assert label in summary
        assert focused_id(app) == "code"


@pytest.mark.parametrize(
    ("nir", "card_key", "serial", "field", "message", "focus"),
    [
        pytest.param(
            MARTINE_WRONG_KEY,
            SANS_PHOTO_KEY,
            MARTINE_SERIAL,
            "field-nir",
            tv.NIR_KEY,
            "nir",
            id="wrong-nir-key",
        ),
        pytest.param(
            MARTINE_NIR[:13],
            SANS_PHOTO_KEY,
            MARTINE_SERIAL,
            "field-nir",
            tv.NIR_LENGTH.format(count=13),
            "nir",
            id="13-characters",
        ),
        pytest.param(
            MARTINE_NIR,
            SANS_PHOTO_KEY,
            "0102457",
            "field-serial",
            tv.SERIAL_SANS_PHOTO_LENGTH.format(count=7),
            "serial",
            id="sans-photo-serial-too-short",
        ),
        pytest.param(
            KARIM_NIR,
            AVEC_PHOTO_KEY,
            "0451237890",
            "field-serial",
            tv.SERIAL_AVEC_PHOTO_LENGTH.format(count=10),
            "serial",
            id="avec-photo-serial-not-11",
        ),
        pytest.param(
            MARTINE_NIR,
            None,
            MARTINE_SERIAL,
            "field-card",
            tv.CARD_TYPE,
            "card",
            id="no-card-chosen",
        ),
    ],
)
async def test_one_error_next_to_its_field(
    app: MesApp,
    nir: str,
    card_key: str | None,
    serial: str,
    field: str,
    message: str,
    focus: str,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, MARTINE_CODE, nir, card_key, serial)
        await submit(pilot)
        assert isinstance(app.screen, IdentificationScreen)
        assert field_error(screen, field) == message
        others = {"field-code", "field-nir", "field-card", "field-serial"} - {field}
        assert all(field_error(screen, other) is None for other in others)
        summary = summary_text(screen)
        assert summary.startswith("Il y a 1 erreur")
        assert screen.query_one(f"#{field}", FormField).label in summary
        assert focused_id(app) == focus
        # The message is on screen, next to the focused field.
        assert "Erreur : " + message.split(" (")[0][:40] in screen_text(app)


async def test_enter_in_a_field_submits(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await type_in(pilot, "code", "court")
        await pilot.press("enter")
        await settle(pilot)
        assert field_error(screen, "field-code") == tv.CODE_FORMAT.format(count=5)
        assert focused_id(app) == "code"


async def test_serial_that_repeats_the_nir_is_refused_next_to_the_serial(app: MesApp) -> None:
    # Only the service knows the NIR when it checks the serial: its refusal names the field.
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, "3044038016")
        await submit(pilot)
        assert field_error(screen, "field-serial") == tv.SERIAL_IS_NIR
        assert focused_id(app) == "serial"


# -- one message whatever was wrong --------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "nir", "card_key", "serial"),
    [
        pytest.param("HuqZF3KXCz8K", MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL, id="wrong-code"),
        pytest.param(MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, "01024576125", id="wrong-serial"),
        pytest.param(MARTINE_CODE, MARTINE_NIR, AVEC_PHOTO_KEY, MARTINE_SERIAL, id="wrong-card"),
        pytest.param(MARTINE_CODE, UNKNOWN_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL, id="unknown-nir"),
    ],
)
async def test_failed_identification_never_says_what_was_wrong(
    app: MesApp, code: str, nir: str, card_key: str, serial: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, code, nir, card_key, serial)
        await submit(pilot)
        assert isinstance(app.screen, IdentificationScreen)
        assert summary_text(screen) == "Erreur : " + ts.IDENTIFICATION_FAILED
        for field in ("field-code", "field-nir", "field-card", "field-serial"):
            assert field_error(screen, field) is None
        assert focused_id(app) == "summary"
        assert "Nous n'avons pas pu vous identifier" in screen_text(app)


async def test_a_refusal_sent_from_low_in_the_form_is_brought_into_view(app: MesApp) -> None:
    """The refusal is read first, even when the person was further down the form and the
    message at the top was already there (a second refusal): the body goes back to the top."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, "AAAAAAAAAAAA", UNKNOWN_NIR, SANS_PHOTO_KEY, "123456789")
        await submit(pilot)
        body = screen.query_one("#body")
        for field in ("nir", "serial"):
            await tab_to(pilot, field)
            await settle(pilot)
            assert body.scroll_y > 0  # the summary is out of view, above
            await pilot.press("enter")
            await settle(pilot)
            assert focused_id(app) == "summary"
            assert body.scroll_y == 0
            assert summary_text(screen) == "Erreur : " + ts.IDENTIFICATION_FAILED


async def test_lockout_after_five_failures_then_works_after_the_wait(
    app: MesApp, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(
            pilot, "AAAAAAAAAAAA", MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL
        )
        await submit(pilot)
        for _ in range(3):
            assert summary_text(screen) == "Erreur : " + ts.IDENTIFICATION_FAILED
            await submit_again(pilot)
        assert summary_text(screen) == "Erreur : " + ts.IDENTIFICATION_FAILED
        await submit_again(pilot)
        locked = summary_text(screen)
        assert "Trop de tentatives" in locked
        assert "réessayez dans 15 minutes" in locked
        assert focused_id(app) == "summary"

        # Even the right code is refused while the lock lasts.
        await tab_to(pilot, "code")
        await pilot.press("ctrl+u")  # clear the field, as in a shell
        await type_text(pilot, MARTINE_CODE)
        clock.advance(minutes=14)
        await pilot.press("enter")
        await settle(pilot)
        assert "réessayez dans 1 minute" in summary_text(screen)
        assert isinstance(app.screen, IdentificationScreen)

        clock.advance(minutes=2)
        await submit_again(pilot)
        decision = await wait_for_screen(pilot, DecisionScreen)
        assert "Bonjour Martine !" in screen_text(app)
        assert decision.session.person is not None


async def test_demo_locked_person_is_told_how_long(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, SOPHIE_CODE, SOPHIE_NIR, SANS_PHOTO_KEY, SOPHIE_SERIAL)
        await submit(pilot)
        assert "réessayez dans 24 heures" in summary_text(screen)


# -- success and the ways out ---------------------------------------------------------------------
async def test_avec_photo_identification_reaches_the_decision(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        await fill_identification(pilot, KARIM_CODE, KARIM_NIR, AVEC_PHOTO_KEY, "0451237890 6")
        await submit(pilot)
        await wait_for_screen(pilot, DecisionScreen)
        assert app.session.card_type is CardType.AVEC_PHOTO
        assert "Bonjour Karim !" in screen_text(app)
        # What came before cannot be undone: only the welcome screen is beneath.
        assert len(app.screen_stack) == 2


async def test_escape_goes_back_to_welcome(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        await type_in(pilot, "code", MARTINE_CODE)
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        assert len(app.screen_stack) == 1


async def test_cancel_returns_to_welcome(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        await press_button(pilot, "cancel")
        await wait_for_screen(pilot, WelcomeScreen)
        assert len(app.screen_stack) == 1


async def test_generate_link_opens_the_new_code_form_and_escape_comes_back(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await type_in(pilot, "nir", MARTINE_NIR)
        await press_button(pilot, "generate")
        await wait_for_screen(pilot, NewCodeScreen)
        assert "Nouveau code provisoire · Étape 1 sur 2" in screen_text(app)
        assert "Afin de sécuriser l'envoi de mon nouveau code provisoire" in screen_text(app)
        await pilot.press("escape")
        await wait_for_screen(pilot, IdentificationScreen)
        assert app.screen is screen
        assert nir_value(screen) == MARTINE_NIR_SPACED  # nothing typed was lost


async def test_already_active_person_is_told_so(app: MesApp, service: SimulatedService) -> None:
    # Lucas PETIT activated long ago; a new code lets him reach identification again.
    service.request_provisional_code(
        LUCAS_NIR[:13],
        date(int(LUCAS_BIRTH[2]), int(LUCAS_BIRTH[1]), int(LUCAS_BIRTH[0])),
        CardType.SANS_PHOTO,
        LUCAS_SERIAL,
    )
    sent_code = last_code(service)
    assert sent_code is not None
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, sent_code, LUCAS_NIR, SANS_PHOTO_KEY, LUCAS_SERIAL)
        await submit(pilot)
        assert isinstance(app.screen, IdentificationScreen)
        assert summary_text(screen) == "Erreur : " + ti.ALREADY_ACTIVE
        assert "déjà activé" in screen_text(app)
        assert focused_id(app) == "summary"
        assert app.session.person is None  # nothing of him kept for the next person


@pytest.mark.parametrize("where", ["service", "after"])
async def test_an_unexpected_error_is_told_and_keeps_what_was_typed(
    app: MesApp, service: SimulatedService, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """A bug in the back office, or in what the screen does with its answer: the person is
    told, nothing typed is lost, and they can try again."""

    def broken(*_args: object) -> None:
        raise RuntimeError("bug")

    if where == "service":
        monkeypatch.setattr(service, "identify", broken)
    else:
        monkeypatch.setattr(IdentificationScreen, "_identified", broken)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
        await submit(pilot)
        assert app.screen is screen
        assert summary_text(screen) == "Erreur : " + UNEXPECTED_ERROR
        assert nir_value(screen) == MARTINE_NIR_SPACED
        assert not screen.busy
