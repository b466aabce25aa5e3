"""Je génère un nouveau code provisoire, then Envoi du code provisoire: the form, its refusals,
the masked address, a failing and a slow delivery, driven with the keyboard."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.keys import KeysScreen
from mes_tui.screens.new_code import CodeDeliveryScreen, NewCodeScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from mes_tui.texts import new_code as tn
from mes_tui.texts import service as ts
from mes_tui.texts import validation as tv
from mes_tui.texts import vitale as tvit
from mes_tui.widgets.card_choice import CardTypeChoice
from mes_tui.widgets.fields import HelpPanel
from mes_tui.widgets.inputs import NirInput
from tests.functional.journey_helpers import (
    AVEC_PHOTO_KEY,
    JEANNE_BIRTH,
    JEANNE_NIR,
    JEANNE_SERIAL,
    KARIM_NIR,
    KARIM_SERIAL,
    MARTINE_BIRTH,
    MARTINE_CODE,
    MARTINE_MASKED_EMAIL,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    field_error,
    fill_new_code,
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
    wait_for,
    wait_for_screen,
)
from tests.simulation import admin

MARTINE_NIR13 = MARTINE_NIR[:13]


@pytest.fixture
def service(data_dir: Path, clock: FakeClock) -> SimulatedService:
    return open_service(data_dir, clock=clock)


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    return MesApp(service=TicketedService(service), show_messages=False)


async def open_new_code(pilot: Pilot[None]) -> NewCodeScreen:
    """From the welcome screen, the link "Générer un nouveau code provisoire"."""
    await wait_for_screen(pilot, WelcomeScreen)
    await press_button(pilot, "generate")
    screen = await wait_for_screen(pilot, NewCodeScreen)
    assert isinstance(screen, NewCodeScreen)
    assert focused_id(pilot.app) == "nir"
    return screen


async def submit(pilot: Pilot[None]) -> None:
    await press_button(pilot, "continue")
    await settle(pilot)


def code_messages(service: SimulatedService) -> list[str]:
    return [m.code or "" for m in admin(service).outbox() if m.purpose == "code_provisoire"]


async def open_delivery(pilot: Pilot[None]) -> CodeDeliveryScreen:
    await open_new_code(pilot)
    await fill_new_code(pilot, MARTINE_NIR13, MARTINE_BIRTH, SANS_PHOTO_KEY, MARTINE_SERIAL)
    await submit(pilot)
    screen = await wait_for_screen(pilot, CodeDeliveryScreen)
    assert isinstance(screen, CodeDeliveryScreen)
    return screen


# -- the form ------------------------------------------------------------------------------------
async def test_form_reads_as_in_the_seed(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_new_code(pilot)
        assert app.session.branch is journey.Branch.NEW_CODE
        text = screen_text(app)
        assert "Nouveau code provisoire · Étape 1 sur 2" in text
        assert "Afin de sécuriser l'envoi de mon nouveau code provisoire" in text
        assert "1 55 12 55 555 555" in text  # the 13-character example
        await tab_to(pilot, "birth-day")
        text = screen_text(app)
        assert "Date de naissance" in text
        assert "JJ MM AAAA" in text
        body = " ".join(text_of(static) for static in app.screen.query("#body Static"))
        assert "Ma date de naissance" in body
        assert "Si cela concerne mon enfant, j'indique sa date de naissance." in body
        await tab_to(pilot, "serial")
        assert "Ex : 953701166" in screen_text(app)  # the seed's example on this screen


async def test_nir_without_key_is_spaced_and_stops_at_13(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await type_text(pilot, MARTINE_NIR)  # the key typed out of habit is refused
        assert screen.query_one("#nir", NirInput).value == "1 16 30 44 038 016"


async def test_birth_date_boxes_move_on_by_themselves(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await tab_to(pilot, "birth-day")
        await type_text(pilot, "16")
        assert focused_id(app) == "birth-month"
        await type_text(pilot, "06")
        assert focused_id(app) == "birth-year"
        await type_text(pilot, "1976")
        values = [screen.query_one(f"#birth-{p}", Input).value for p in ("day", "month", "year")]
        assert values == ["16", "06", "1976"]
        assert focused_id(app) == "birth-year"  # the year does not jump away


async def test_nir_help_opens_in_place_with_f1(app: MesApp) -> None:
    # The seed shows "Où trouver mon numéro de sécurité sociale ?" on this form too.
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        panels = screen.query("#field-nir HelpPanel")
        assert len(panels) == 1
        await pilot.press("f1")
        await pilot.pause()
        assert panels.first(HelpPanel).is_open
        assert focused_id(app) == "nir"
        assert "Où trouver mon numéro de sécurité sociale ?" in screen_text(app)


async def test_serial_help_follows_the_card(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await tab_to(pilot, "card")
        await pilot.press(AVEC_PHOTO_KEY)
        await tab_to(pilot, "serial")
        await pilot.press("f1")
        await pilot.pause()
        assert screen.query_one("#serial-help", HelpPanel).is_open
        body = screen.query_one("#serial-help .help-body")
        assert "en haut à droite" in text_of(body)
        assert "3422" in text_of(body)
        assert hint_shown(screen, "field-serial") == (tvit.SERIAL_HINT_AVEC_PHOTO)
        await tab_to(pilot, "card")
        await pilot.press(SANS_PHOTO_KEY)
        await pilot.pause()
        assert "au dos en haut à gauche" in text_of(body)


# -- refusals ------------------------------------------------------------------------------------
async def test_empty_form_lists_every_field(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await submit(pilot)
        assert isinstance(app.screen, NewCodeScreen)
        assert field_error(screen, "field-nir") == tv.NIR_EMPTY
        assert field_error(screen, "field-birth") == tv.BIRTH_DATE_EMPTY
        assert field_error(screen, "field-card") == tv.CARD_TYPE
        assert field_error(screen, "field-serial") == tv.SERIAL_EMPTY
        assert summary_text(screen).startswith("Il y a 4 erreurs")
        assert focused_id(app) == "nir"


async def test_birth_date_error_takes_the_focus_to_the_day(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13, ("31", "02", "1976"), "1", MARTINE_SERIAL)
        await submit(pilot)
        assert field_error(screen, "field-birth") == tv.BIRTH_DATE_INVALID
        assert summary_text(screen).startswith("Il y a 1 erreur")
        assert focused_id(app) == "birth-day"


async def test_twelve_characters_for_the_nir(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13[:12], MARTINE_BIRTH, "1", MARTINE_SERIAL)
        await submit(pilot)
        assert field_error(screen, "field-nir") == tv.NIR13_LENGTH.format(count=12)
        assert focused_id(app) == "nir"


async def test_serial_of_the_wrong_length_for_the_card(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, KARIM_NIR[:13], ("22", "07", "1978"), "2", KARIM_SERIAL[:9])
        await submit(pilot)
        assert field_error(screen, "field-serial") == tv.SERIAL_AVEC_PHOTO_LENGTH.format(count=9)
        assert focused_id(app) == "serial"


async def test_birth_date_refused_by_the_service_is_shown_next_to_it(
    data_dir: Path, tmp_path: Path
) -> None:
    # The back office judges "in the future" by its own date: its refusal names the field,
    # and the message belongs next to the date, like any other error on it.
    service = open_service(data_dir, clock=FakeClock(datetime(2021, 9, 28, 10, tzinfo=UTC)))
    app = MesApp(service=TicketedService(service), show_messages=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13, ("01", "01", "2022"), "1", MARTINE_SERIAL)
        await submit(pilot)
        assert isinstance(app.screen, NewCodeScreen)
        assert field_error(screen, "field-birth") == tv.BIRTH_DATE_FUTURE
        assert summary_text(screen).startswith("Il y a 1 erreur")


async def test_no_email_on_file_says_to_call_3422(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, JEANNE_NIR[:13], JEANNE_BIRTH, "1", JEANNE_SERIAL)
        await submit(pilot)
        assert isinstance(app.screen, NewCodeScreen)
        assert summary_text(screen) == "Erreur : " + ts.NO_EMAIL_ON_FILE
        assert "3422" in summary_text(screen)
        assert focused_id(app) == "summary"
        assert code_messages(service) == []


@pytest.mark.parametrize(
    ("birth", "serial"),
    [
        pytest.param(("17", "06", "1976"), MARTINE_SERIAL, id="other-birth-date"),
        pytest.param(MARTINE_BIRTH, "01024576125", id="other-serial"),
    ],
)
async def test_mismatch_gets_one_generic_message(
    app: MesApp, service: SimulatedService, birth: tuple[str, str, str], serial: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13, birth, "1", serial)
        await submit(pilot)
        assert isinstance(app.screen, NewCodeScreen)
        assert summary_text(screen) == "Erreur : " + ts.CODE_REQUEST_FAILED
        for field in ("field-nir", "field-birth", "field-card", "field-serial"):
            assert field_error(screen, field) is None
        assert code_messages(service) == []


async def test_repeated_mismatches_lock_the_request(app: MesApp, service: SimulatedService) -> None:
    for _ in range(4):
        with pytest.raises(Exception, match="vérifier votre identité"):
            service.find_code_recipient(
                MARTINE_NIR13, date(1976, 6, 17), CardType.SANS_PHOTO, MARTINE_SERIAL
            )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13, ("17", "06", "1976"), "1", MARTINE_SERIAL)
        await submit(pilot)
        assert "réessayez dans 15 minutes" in summary_text(screen)
        assert "nouveau code provisoire est bloquée" in summary_text(screen)


async def test_a_fourth_code_the_same_day_is_refused(
    app: MesApp, service: SimulatedService
) -> None:
    for _ in range(3):
        service.request_provisional_code(
            MARTINE_NIR13, date(1976, 6, 16), CardType.SANS_PHOTO, MARTINE_SERIAL
        )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_new_code(pilot)
        await fill_new_code(pilot, MARTINE_NIR13, MARTINE_BIRTH, "1", MARTINE_SERIAL)
        await submit(pilot)
        assert isinstance(app.screen, NewCodeScreen)
        assert summary_text(screen) == "Erreur : " + ts.TOO_MANY_CODE_REQUESTS.format(count=3)
        assert len(code_messages(service)) == 3


# -- the delivery --------------------------------------------------------------------------------
async def test_delivery_shows_the_masked_address_and_sends_nothing_yet(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_delivery(pilot)
        text = screen_text(app)
        assert "Nouveau code provisoire · Étape 2 sur 2 — Envoi du code provisoire" in text
        assert "Mon mode de réception :" in text
        assert f"Par e-mail : {MARTINE_MASKED_EMAIL}" in text
        assert "dlfr-cn5" not in text  # never the whole address before identification
        assert "Mes coordonnées sont incorrectes ?" in text
        assert "[>Valider<]" in text
        assert code_messages(service) == []


async def test_wrong_details_help_opens_in_place(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_delivery(pilot)
        await tab_to(pilot, "back")  # Tab goes round: Valider, the help link, Retour
        await pilot.press("shift+tab")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#wrong-details", HelpPanel).is_open
        assert "contactez le 3422" in screen_text(app)


async def test_escape_on_delivery_keeps_the_form(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_delivery(pilot)
        await pilot.press("escape")
        screen = await wait_for_screen(pilot, NewCodeScreen)
        assert screen.query_one("#nir", NirInput).value == "1 16 30 44 038 016"
        assert screen.query_one("#card", CardTypeChoice).value == "sans_photo"


async def test_validate_sends_the_code_and_returns_to_identification(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_delivery(pilot)
        await pilot.press("enter")  # Valider has the focus
        screen = await wait_for_screen(pilot, IdentificationScreen)
        notice = text_of(screen.query_one("#notice"))
        assert notice == tn.SENT.format(to=MARTINE_MASKED_EMAIL)
        assert "Il remplace le précédent" in screen_text(app)
        assert len(code_messages(service)) == 1
        assert admin(service).outbox()[-1].to == "dlfr-cn5-tma-support-cobra@atos.net"
        # The card chosen is remembered; the journey is the activation again.
        assert screen.query_one("#card", CardTypeChoice).value == "sans_photo"
        assert app.session.branch is journey.Branch.ACTIVATION
        assert len(app.screen_stack) == 2
        # The notice is shown once, not on the next visit.
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        await press_button(pilot, "start")
        again = await wait_for_screen(pilot, IdentificationScreen)
        assert not again.query("#notice")


async def test_delivery_failure_can_be_retried_and_consumes_nothing(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_delivery(pilot)
        service.delivery.fail_next = 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert summary_text(screen) == "Erreur : " + ts.DELIVERY_FAILED
        assert "Aucun code n'a été consommé" in screen_text(app)
        assert code_messages(service) == []
        # The code on file is still the one of the invitation.
        martine = next(e for e in admin(service).list_registry() if e.nir == MARTINE_NIR)
        assert martine.provisional_code == MARTINE_CODE

        await press_button(pilot, "validate")
        await wait_for_screen(pilot, IdentificationScreen)
        assert len(code_messages(service)) == 1
        martine = next(e for e in admin(service).list_registry() if e.nir == MARTINE_NIR)
        assert martine.provisional_code == code_messages(service)[0]


async def test_slow_delivery_shows_progress_and_the_screen_still_answers(
    app: MesApp, service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The message goes out only when the test lets it: however loaded the machine, the person
    # is still on the screen for everything below.
    release = threading.Event()
    send = service.delivery.send

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(timeout=30)
        return send(*args, **kwargs)

    monkeypatch.setattr(service.delivery, "send", held)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_delivery(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.busy)
        # Shown once the call has lasted a moment (BUSY_SHOWN_AFTER).
        await wait_for(
            pilot, lambda: text_of(screen.query_one("#status")) == "Traitement en cours…"
        )
        # Keys still work while the message goes out: focus moves, ? opens the keyboard map.
        await pilot.press("tab")
        await pilot.pause()
        assert focused_id(app) != "validate"
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, KeysScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        # A second Valider while the first runs sends nothing more.
        await press_button(pilot, "validate")
        assert screen.busy
        release.set()
        await wait_for(pilot, lambda: isinstance(app.screen, IdentificationScreen), timeout=15)
        await settle(pilot)
        assert len(code_messages(service)) == 1
        assert "Traitement en cours…" not in screen_text(app)


async def test_progress_line_is_visible(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_delivery(pilot)
        service.delivery.latency = 1.0
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.busy)
        try:
            await wait_for(pilot, lambda: "Traitement en cours…" in screen_text(app))
        finally:
            await wait_for(pilot, lambda: isinstance(app.screen, IdentificationScreen))


async def test_back_link_returns_to_the_form(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_delivery(pilot)
        await press_button(pilot, "back")
        await wait_for_screen(pilot, NewCodeScreen)
        await press_button(pilot, "back")
        await wait_for_screen(pilot, WelcomeScreen)


async def test_typed_date_goes_to_the_service(app: MesApp, service: SimulatedService) -> None:
    # Typing a date out of the boxes' order still lands where it belongs.
    async with app.run_test(size=SIZE) as pilot:
        await open_new_code(pilot)
        await type_in(pilot, "birth-year", "1976")
        await type_in(pilot, "card", "")
        await pilot.press("1")
        await type_in(pilot, "birth-day", "16")
        await type_text(pilot, "06")
        await type_in(pilot, "nir", MARTINE_NIR13)
        await type_in(pilot, "serial", MARTINE_SERIAL)
        await submit(pilot)
        await wait_for_screen(pilot, CodeDeliveryScreen)
