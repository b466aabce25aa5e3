"""The whole activation, from the welcome screen to "Mon espace santé a bien été activé !",
with the keyboard only, for a card without photo (Martine) and a card with photo (Françoise):
a new provisional code first (from the welcome link, and from the identification link), then
identification, the decision with the CGU, a change of e-mail and a new mobile number with
their one-time codes, an identifier that is taken, and the registry at the end."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, Status
from mes_tui.screens.activated import ActivatedScreen
from mes_tui.screens.contacts import ContactEditScreen, ContactsScreen, OtpScreen
from mes_tui.screens.credentials import CredentialsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.new_code import CodeDeliveryScreen, NewCodeScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.api import RegistryEntry
from mes_tui.services.clock import FakeClock
from mes_tui.services.hashing import PasswordHashing
from mes_tui.texts import contacts as tc
from mes_tui.texts import credentials as tcr
from mes_tui.texts import service as ts
from mes_tui.widgets.card_choice import CardTypeChoice
from tests.functional.journey_helpers import (
    AVEC_PHOTO_KEY,
    FRANCOISE_NIR,
    FRANCOISE_SERIAL,
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
    fill_identification,
    fill_new_code,
    focused_id,
    hint_shown,
    identified,
    newest_code,
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

PASSWORD = "Vert&Olive2024"
MARTINE_NEW_EMAIL = "martine.leguellec@exemple.fr"
MARTINE_MOBILE_TYPED = "06 11 12 13 14"
MARTINE_MOBILE_E164 = "+33611121314"


@pytest.fixture
def service(data_dir: Path, clock: FakeClock) -> SimulatedService:
    # Cheap argon2 parameters: the activation hashes a password.
    return open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    return MesApp(service=TicketedService(service), show_messages=False)


def entry(service: SimulatedService, nir: str) -> RegistryEntry:
    return next(e for e in admin(service).list_registry() if e.nir == nir)


async def request_code(
    pilot: Pilot[None],
    nir13: str,
    birth: tuple[str, str, str],
    card_key: str,
    serial: str,
    masked: str,
) -> IdentificationScreen:
    """On "Je génère un nouveau code provisoire": fill, Continuer, check the address, Valider;
    back on "Je m'identifie" with the confirmation."""
    await wait_for_screen(pilot, NewCodeScreen)
    await fill_new_code(pilot, nir13, birth, card_key, serial)
    await press_button(pilot, "continue")
    await wait_for_screen(pilot, CodeDeliveryScreen)
    text = screen_text(pilot.app)
    assert "Envoi du code provisoire" in text
    assert f"Par e-mail : {masked}" in text
    assert focused_id(pilot.app) == "validate"
    await pilot.press("enter")
    screen = await wait_for_screen(pilot, IdentificationScreen)
    assert isinstance(screen, IdentificationScreen)
    notice = text_of(screen.query_one("#notice"))
    assert f"Un nouveau code provisoire vous a été envoyé par e-mail à l'adresse {masked}" in (
        notice
    )
    assert "Un nouveau code provisoire vous a été envoyé" in screen_text(pilot.app)
    return screen


async def identify(
    pilot: Pilot[None], code: str, nir: str, card_key: str | None, serial: str
) -> None:
    await fill_identification(pilot, code, nir, card_key, serial)
    await press_button(pilot, "continue")
    await settle(pilot)


async def decide_to_activate(pilot: Pilot[None], first_name: str) -> None:
    await wait_for_screen(pilot, DecisionScreen)
    assert f"Bonjour {first_name} !" in screen_text(pilot.app)
    await pilot.press("1")  # J'active Mon espace santé
    await tab_to(pilot, "terms")
    await pilot.press("space")  # J'accepte les CGU
    await press_button(pilot, "continue")
    await wait_for_screen(pilot, ContactsScreen)


async def verify_contact(
    pilot: Pilot[None],
    service: SimulatedService,
    link: str,
    input_id: str,
    value: str,
    purpose: str,
) -> None:
    """From the summary: the link, the new value, Enter; the one-time code from the outbox,
    Enter; back on the summary."""
    await press_button(pilot, link)
    await wait_for_screen(pilot, ContactEditScreen)
    assert focused_id(pilot.app) == input_id
    await type_text(pilot, value)
    await pilot.press("enter")
    await wait_for_screen(pilot, OtpScreen)
    assert focused_id(pilot.app) == "code"
    await type_text(pilot, newest_code(service, purpose))
    await pilot.press("enter")
    await wait_for_screen(pilot, ContactsScreen)
    await settle(pilot)


async def choose_credentials(pilot: Pilot[None], identifier: str) -> None:
    assert isinstance(pilot.app.screen, CredentialsScreen)
    await type_in(pilot, "identifier", identifier)
    await type_in(pilot, "password", PASSWORD)
    await type_in(pilot, "confirmation", PASSWORD)
    await pilot.press("enter")
    await settle(pilot)


# -- a card without photo, starting from the welcome screen's link ---------------------------------
async def test_martine_activates_with_a_new_code_from_the_welcome_screen(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await press_button(pilot, "generate")  # Je n'ai pas de code provisoire ?
        screen = await request_code(
            pilot,
            MARTINE_NIR[:13],
            MARTINE_BIRTH,
            SANS_PHOTO_KEY,
            MARTINE_SERIAL,
            MARTINE_MASKED_EMAIL,
        )
        sent = admin(service).outbox()[-1]
        assert sent.purpose == "code_provisoire"
        assert sent.to == "dlfr-cn5-tma-support-cobra@atos.net"
        new_code = newest_code(service)
        assert new_code != MARTINE_CODE
        # The card chosen for the new code is already chosen here.
        assert screen.query_one("#card", CardTypeChoice).value == "sans_photo"

        # The new code replaces the one of the invitation.
        await identify(pilot, MARTINE_CODE, MARTINE_NIR, None, MARTINE_SERIAL)
        assert summary_text(screen) == "Erreur : " + ts.IDENTIFICATION_FAILED
        await tab_to(pilot, "code")
        await pilot.press("end", "ctrl+u")  # clear the field
        assert screen.query_one("#code").value == ""  # type: ignore[attr-defined]
        await type_text(pilot, new_code)
        await pilot.press("enter")
        await settle(pilot)

        await decide_to_activate(pilot, "Martine")
        contacts = pilot.app.screen
        text = screen_text(app)
        assert "Activation · Étape 3 sur 5" in text
        assert "dlfr-cn5-tma-support-cobra@atos.net" in text
        assert "Aucun numéro enregistré" in text

        # A new e-mail address, proved with the code sent to it.
        await verify_contact(
            pilot, service, "edit-email", "email", MARTINE_NEW_EMAIL, "verification_email"
        )
        assert admin(service).outbox()[-1].to == MARTINE_NEW_EMAIL
        assert app.screen is contacts
        assert text_of(contacts.query_one("#confirmation")) == tc.EMAIL_CHANGED
        assert text_of(contacts.query_one("#email-value")) == MARTINE_NEW_EMAIL

        # A mobile number where there was none, proved with the code sent by SMS.
        await verify_contact(
            pilot,
            service,
            "edit-mobile",
            "mobile-input",
            MARTINE_MOBILE_TYPED,
            "verification_mobile",
        )
        assert admin(service).outbox()[-1].to == MARTINE_MOBILE_E164
        assert text_of(contacts.query_one("#confirmation")) == tc.MOBILE_ADDED
        assert text_of(contacts.query_one("#mobile-value")) == "+33 6 11 12 13 14"
        assert focused_id(app) == "continue"

        await pilot.press("enter")
        credentials = await wait_for_screen(pilot, CredentialsScreen)
        assert "Activation · Étape 4 sur 5" in screen_text(app)

        # Lucas PETIT has "lucas.petit": taken, with free alternatives offered.
        await type_in(pilot, "identifier", "lucas.petit")
        await pilot.press("tab")  # leaving the field checks it
        await settle(pilot)
        assert field_error(credentials, "field-identifier") == tcr.IDENTIFIER_TAKEN
        assert "Identifiants disponibles" in screen_text(app)
        await type_in(pilot, "password", PASSWORD)
        await type_in(pilot, "confirmation", PASSWORD)
        await tab_to(pilot, "identifier")
        await pilot.press("enter")  # Valider anyway: refused
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen)
        assert field_error(credentials, "field-identifier") == tcr.IDENTIFIER_TAKEN
        assert focused_id(app) == "identifier"
        assert entry(service, MARTINE_NIR).status is Status.EN_ATTENTE

        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "martine.leguellec")
        await pilot.press("enter")
        await wait_for_screen(pilot, ActivatedScreen)
        text = screen_text(app)
        assert "Mon espace santé a bien été activé !" in text
        assert "martine.leguellec" in text
        assert len(app.screen_stack) == 2  # nothing to go back to but the welcome screen

    martine = entry(service, MARTINE_NIR)
    assert martine.status is Status.ACTIVE
    assert martine.identifier == "martine.leguellec"
    assert martine.email == MARTINE_NEW_EMAIL
    assert martine.mobile == MARTINE_MOBILE_E164
    assert martine.provisional_code is None  # used up by the activation
    assert service.login("martine.leguellec", PASSWORD).nir == MARTINE_NIR


# -- a card with photo, starting from the identification screen's link ----------------------------
async def test_francoise_activates_with_a_card_with_photo(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("enter")  # Commencer
        await wait_for_screen(pilot, IdentificationScreen)
        await press_button(pilot, "generate")  # Générer un nouveau code provisoire
        screen = await request_code(
            pilot,
            FRANCOISE_NIR[:13],
            ("12", "01", "1968"),
            AVEC_PHOTO_KEY,
            FRANCOISE_SERIAL,
            "fra*****@exemple.fr",
        )
        # Identification starts afresh, the card with photo already chosen.
        assert len(app.screen_stack) == 2
        assert screen.query_one("#card", CardTypeChoice).value == "avec_photo"
        assert "en haut à droite" in hint_shown(screen, "field-serial")

        # The 11 digits typed as printed: "0556677889 9".
        await identify(pilot, newest_code(service), FRANCOISE_NIR, None, "0556677889 9")
        await decide_to_activate(pilot, "Françoise")
        assert "francoise.coeurderoy@exemple.fr" in screen_text(app)
        assert "+33 7 61 23 45 67" in screen_text(app)

        await pilot.press("tab", "tab")  # both contact details are right: on to Continuer
        await tab_to(pilot, "continue")
        await pilot.press("enter")
        await wait_for_screen(pilot, CredentialsScreen)
        await choose_credentials(pilot, "francoise.c68")
        await wait_for_screen(pilot, ActivatedScreen)
        assert "Mon espace santé a bien été activé !" in screen_text(app)

    francoise = entry(service, FRANCOISE_NIR)
    assert francoise.status is Status.ACTIVE
    assert francoise.identifier == "francoise.c68"
    assert francoise.email == "francoise.coeurderoy@exemple.fr"


# -- with the code of the invitation ---------------------------------------------------------------
async def test_karim_activates_with_the_code_of_his_invitation(
    app: MesApp, service: SimulatedService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        invitation = next(m for m in admin(service).outbox() if m.to == "karim.benali@exemple.fr")
        assert invitation.code is not None
        await identify(pilot, invitation.code, KARIM_NIR, AVEC_PHOTO_KEY, KARIM_SERIAL)
        await decide_to_activate(pilot, "Karim")
        await tab_to(pilot, "continue")
        await pilot.press("enter")
        await wait_for_screen(pilot, CredentialsScreen)
        await choose_credentials(pilot, "karim.benali")
        await wait_for_screen(pilot, ActivatedScreen)
        await wait_for(pilot, lambda: focused_id(app) == "discover")
    assert entry(service, KARIM_NIR).status is Status.ACTIVE


async def test_tab_leaves_a_taken_identifier(app: MesApp, service: SimulatedService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
        app.session.accepted_terms = True
        app.goto(journey.Step.CREDENTIALS)
        await wait_for_screen(pilot, CredentialsScreen)
        await type_text(pilot, "lucas.petit")
        await pilot.press("tab")  # checked: taken, suggestions shown below the field
        await settle(pilot)
        await tab_to(pilot, "identifier")
        for _ in range(3):
            await pilot.press("tab")
            await settle(pilot)
        assert focused_id(app) != "identifier"
