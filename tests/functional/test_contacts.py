"""Je vérifie mes coordonnées de contact: the summary, changing the e-mail address, adding a mobile
number, and the one-time code that proves it (wrong, expired, re-sent), driven with Pilot."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, Channel, PersonView, Status
from mes_tui.screens.contacts import ContactEditScreen, ContactsScreen, OtpScreen
from mes_tui.services.api import Challenge, MesService
from mes_tui.services.clock import FakeClock
from mes_tui.widgets.controls import ActionButton, LinkButton
from mes_tui.widgets.fields import FormField
from tests.functional.conftest import MARTINE_CODE, MARTINE_NIR, MARTINE_SERIAL
from tests.functional.journey_helpers import identified, settle, until_pressable, wait_for
from tests.simulation import admin

MARTINE_EMAIL = "dlfr-cn5-tma-support-cobra@atos.net"
SIZE = (80, 24)


# -- helpers ----------------------------------------------------------------------------------
async def screen_text(pilot: Pilot[None]) -> str:
    """What the terminal shows, line by line, as plain text (simulated deliveries, which pop up
    over the right-hand side, closed first)."""
    pilot.app.clear_notifications()
    await pilot.pause()
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def static_text(app: MesApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def field_error(app: MesApp, field_id: str) -> str:
    form_field = app.screen.query_one(f"#{field_id}", FormField)
    return str(form_field.query_one(".field-error", Static).render())


async def open_contacts(app: MesApp, service: MesService, pilot: Pilot[None]) -> None:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.goto(journey.Step.CONTACTS)
    await pilot.pause()
    assert isinstance(app.screen, ContactsScreen)


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.pause()
    await pilot.press(*text)


async def submit_new_contact(pilot: Pilot[None], link: str, selector: str, value: str) -> None:
    """From the summary: follow ``link``, type ``value`` and press Enter."""
    button = pilot.app.screen.query_one(link, LinkButton)
    button.focus()
    await until_pressable(pilot, button)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ContactEditScreen)
    await type_into(pilot, selector, value)
    await pilot.press("enter")
    await settle(pilot)


async def enter_code(pilot: Pilot[None], code: str) -> None:
    code_input = pilot.app.screen.query_one("#code", Input)
    code_input.value = ""
    await type_into(pilot, "#code", code)
    await pilot.press("enter")
    await settle(pilot)


def last_code(service: MesService) -> str:
    """The one-time code in the newest simulated message."""
    code = admin(service).outbox()[-1].code
    assert code is not None
    return code


def other_code(code: str) -> str:
    """A 6-digit code that is certainly not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


# -- the summary -------------------------------------------------------------------------------
async def test_summary_shows_what_is_on_file(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        text = await screen_text(pilot)
        assert "Étape 3 sur 5" in text
        assert "Je vérifie mes coordonnées de contact" in text
        assert "Ces informations sont indispensables" in text
        assert MARTINE_EMAIL in text
        assert "Aucun numéro enregistré" in text
        assert "Modifier l'adresse e-mail" in text
        assert "Renseigner mon numéro de mobile" in text
        assert "Continuer" in text
        # Focus is visible without colour: the first link carries the ">" marker.
        assert app.screen.focused is app.screen.query_one("#edit-email", LinkButton)
        assert "> ✎ Modifier l'adresse e-mail" in text


async def test_summary_shows_data_literally(app: MesApp) -> None:
    person = PersonView(
        nir=MARTINE_NIR,
        first_name="Martine",
        last_name="LEGUELLEC",
        birth_date=date(1976, 6, 16),
        card_type=CardType.SANS_PHOTO,
        status=Status.EN_ATTENTE,
        decided_on=None,
        email="[bold]x[/bold]\x1b[2J@exemple.fr",
        mobile="+33663781970",
    )
    async with app.run_test(size=SIZE) as pilot:
        app.session.person = person
        app.goto(journey.Step.CONTACTS)
        await pilot.pause()
        assert static_text(app, "#email-value") == "[bold]x[/bold][2J@exemple.fr"
        assert static_text(app, "#mobile-value") == "+33 6 63 78 19 70"
        assert app.screen.query_one("#edit-mobile", LinkButton).text == (
            "✎ Modifier le numéro de mobile"
        )


async def test_continue_goes_to_credentials(
    app: MesApp,
    service: MesService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    steps: list[journey.Step] = []
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        monkeypatch.setattr(app, "go", lambda go, refused=None: steps.append(go.step))
        app.screen.query_one("#continue", ActionButton).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert steps == [journey.Step.CREDENTIALS]


# -- changing the e-mail address --------------------------------------------------------------
async def test_change_email_with_the_code_received(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "Martine.Nouvelle@Exemple.FR")

        assert isinstance(app.screen, OtpScreen)
        message = admin(service).outbox()[-1]
        assert message.channel.value == "email"
        assert message.to == "Martine.Nouvelle@exemple.fr"
        text = await screen_text(pilot)
        assert "Je valide mon adresse e-mail" in text
        assert "Étape 3 sur 5" in text
        assert static_text(app, "#sent-to") == (
            "Un code à usage unique vous a été envoyé à l'adresse Martine.Nouvelle@exemple.fr"
        )
        assert "Martine.Nouvelle@exemple.fr" in text
        assert "Ex. : 034567" in text

        await enter_code(pilot, last_code(service))

        # Both the form and the code screen are gone; the summary shows the new address.
        assert isinstance(app.screen, ContactsScreen)
        assert not any(isinstance(s, ContactEditScreen | OtpScreen) for s in app.screen_stack)
        assert static_text(app, "#email-value") == "Martine.Nouvelle@exemple.fr"
        assert static_text(app, "#confirmation") == "Votre adresse e-mail a bien été modifiée."
        assert "Votre adresse e-mail a bien été modifiée." in await screen_text(pilot)
        assert app.session.person is not None
        assert app.session.person.email == "Martine.Nouvelle@exemple.fr"
        assert service.get_person(MARTINE_NIR).email == "Martine.Nouvelle@exemple.fr"


async def test_invalid_email_is_refused_next_to_the_field(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        sent = len(admin(service).outbox())
        await submit_new_contact(pilot, "#edit-email", "#email", "martine@")

        assert isinstance(app.screen, ContactEditScreen)
        error = field_error(app, "field-contact")
        assert error.startswith("Erreur : ")
        assert "L'adresse e-mail n'est pas valide" in error
        assert "Il y a 1 erreur à corriger" in await screen_text(pilot)
        assert app.screen.focused is app.screen.query_one("#email", Input)
        assert len(admin(service).outbox()) == sent
        assert service.get_person(MARTINE_NIR).email == MARTINE_EMAIL


async def test_same_email_is_refused_by_the_service(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        sent = len(admin(service).outbox())
        await submit_new_contact(pilot, "#edit-email", "#email", MARTINE_EMAIL)

        assert isinstance(app.screen, ContactEditScreen)
        assert "déjà celle enregistrée" in field_error(app, "field-contact")
        assert len(admin(service).outbox()) == sent


# -- adding a mobile number -------------------------------------------------------------------
async def test_add_mobile_number(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-mobile", "#mobile-input", "6 11 12 13 14")

        assert isinstance(app.screen, OtpScreen)
        message = admin(service).outbox()[-1]
        assert (message.channel.value, message.to) == ("sms", "+33611121314")
        text = await screen_text(pilot)
        assert "Je valide mon numéro de téléphone mobile" in text
        assert "Un code à usage unique vous a été envoyé au 06 11 12 13 14" in text
        assert static_text(app, "#sent-to") == (
            "Un code à usage unique vous a été envoyé au 06 11 12 13 14"
        )

        await enter_code(pilot, last_code(service))

        assert isinstance(app.screen, ContactsScreen)
        assert static_text(app, "#mobile-value") == "+33 6 11 12 13 14"
        assert app.screen.query_one("#edit-mobile", LinkButton).text == (
            "✎ Modifier le numéro de mobile"
        )
        assert "enregistré" in static_text(app, "#confirmation")
        assert service.get_person(MARTINE_NIR).mobile == "+33611121314"
        # The e-mail address did not move.
        assert static_text(app, "#email-value") == MARTINE_EMAIL


async def test_mobile_form_shows_the_prefix(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        app.screen.query_one("#edit-mobile", LinkButton).press()
        await pilot.pause()
        text = await screen_text(pilot)
        assert "Je renseigne mon numéro de téléphone mobile" in text
        assert "Je saisis mon nouveau numéro de téléphone mobile" in text
        assert "+33" in text
        assert app.screen.focused is app.screen.query_one("#mobile-input", Input)


@pytest.mark.parametrize("typed", ["06 11 12 13 14", "+33 6 11 12 13 14", "0611121314"])
async def test_mobile_accepts_usual_forms(app: MesApp, service: MesService, typed: str) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-mobile", "#mobile-input", typed)
        assert isinstance(app.screen, OtpScreen)
        assert admin(service).outbox()[-1].to == "+33611121314"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01 23 45 67 89", "n'est pas un numéro de mobile"),
        ("06 11", "n'est pas valide"),
        ("", "Saisissez votre numéro de téléphone mobile"),
    ],
)
async def test_wrong_mobile_is_refused_next_to_the_field(
    app: MesApp,
    service: MesService,
    typed: str,
    expected: str,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        sent = len(admin(service).outbox())
        await submit_new_contact(pilot, "#edit-mobile", "#mobile-input", typed)

        assert isinstance(app.screen, ContactEditScreen)
        error = field_error(app, "field-contact")
        assert error.startswith("Erreur : ")
        assert expected in error
        assert expected in await screen_text(pilot)
        assert app.screen.focused is app.screen.query_one("#mobile-input", Input)
        assert len(admin(service).outbox()) == sent
        assert service.get_person(MARTINE_NIR).mobile is None


# -- the one-time code ------------------------------------------------------------------------
async def test_wrong_code_says_how_many_attempts_are_left(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        code = last_code(service)

        await enter_code(pilot, other_code(code))

        assert isinstance(app.screen, OtpScreen)
        error = field_error(app, "field-code")
        assert error.startswith("Erreur : ")
        assert "Il vous reste 2 essais" in error
        assert "Il vous reste 2 essais" in await screen_text(pilot)
        assert service.get_person(MARTINE_NIR).email == MARTINE_EMAIL

        await enter_code(pilot, other_code(code))
        assert "Il vous reste 1 essai" in field_error(app, "field-code")


async def test_malformed_code_is_refused_before_the_service(
    app: MesApp, service: MesService
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        code = last_code(service)

        await enter_code(pilot, "123")
        assert "6 chiffres" in field_error(app, "field-code")

        # No attempt was used: the right code still works.
        await enter_code(pilot, code)
        assert isinstance(app.screen, ContactsScreen)


async def test_expired_code(app: MesApp, service: MesService, clock: FakeClock) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-mobile", "#mobile-input", "06 11 12 13 14")
        code = last_code(service)
        assert "valable 10 minutes" in await screen_text(pilot)

        clock.advance(minutes=11)
        await enter_code(pilot, code)

        assert isinstance(app.screen, OtpScreen)
        error = field_error(app, "field-code")
        assert error.startswith("Erreur : ")
        assert "a expiré" in error
        assert "Envoyer à nouveau le code" in error
        assert service.get_person(MARTINE_NIR).mobile is None


async def test_resend_too_soon_is_a_message(
    app: MesApp, service: MesService, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        sent = len(admin(service).outbox())

        clock.advance(seconds=10)
        app.screen.query_one("#resend", LinkButton).press()
        await settle(pilot)

        assert isinstance(app.screen, OtpScreen)
        status = static_text(app, "#resend-status")
        assert "Vous pourrez en demander un autre dans 20 secondes" in status
        assert "Vous pourrez en demander un autre" in await screen_text(pilot)
        assert len(admin(service).outbox()) == sent


async def test_resend_after_the_wait_replaces_the_code(
    app: MesApp,
    service: MesService,
    clock: FakeClock,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        old = last_code(service)

        clock.advance(seconds=31)
        app.screen.query_one("#resend", LinkButton).press()
        await settle(pilot)

        new_message = admin(service).outbox()[-1]
        assert new_message.to == "nouvelle@exemple.fr"
        assert "Un nouveau code vous a été envoyé" in static_text(app, "#resend-status")

        new = last_code(service)
        if old != new:  # a random draw could repeat the code
            await enter_code(pilot, old)
            assert isinstance(app.screen, OtpScreen)
            assert "Il vous reste" in field_error(app, "field-code")

        await enter_code(pilot, new)
        assert isinstance(app.screen, ContactsScreen)
        assert service.get_person(MARTINE_NIR).email == "nouvelle@exemple.fr"


# -- the bounds on one-time codes -------------------------------------------------------------
async def press_resend(pilot: Pilot[None], clock: FakeClock) -> None:
    """Ask for a new code once the 30 seconds' wait is over."""
    clock.advance(seconds=31)
    pilot.app.screen.query_one("#resend", LinkButton).press()
    await settle(pilot)


async def test_too_many_wrong_codes_lock_the_change_next_to_the_code(
    app: MesApp, service: MesService, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        contacts = app.screen
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        for _ in range(3):
            await enter_code(pilot, other_code(last_code(service)))
        await press_resend(pilot, clock)
        for _ in range(2):
            await enter_code(pilot, other_code(last_code(service)))

        # Why and how long, next to the code, as identification's lockout says it.
        assert isinstance(app.screen, OtpScreen)
        error = field_error(app, "field-code")
        assert error.startswith("Erreur : Trop de codes erronés (5). Par sécurité, la ")
        assert "modification de votre adresse e-mail est bloquée : réessayez dans 15 minutes." in (
            error
        )
        assert "continuer sans modifier votre adresse e-mail" in error
        assert "Trop de codes erronés (5)" in await screen_text(pilot)
        # Nothing more to type or ask for here: the one way on is back to the summary.
        assert app.screen.query_one("#code", Input).disabled
        assert app.screen.query_one("#resend", LinkButton).disabled
        assert app.screen.query_one("#validate", ActionButton).disabled
        back = app.screen.query_one("#cancel", ActionButton)
        assert back.text == "Retour à mes coordonnées de contact"
        assert app.screen.focused is back
        await until_pressable(pilot, back)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is contacts
        assert static_text(app, "#email-value") == MARTINE_EMAIL

        # Another address is no way round the lock, whose wait goes down.
        clock.advance(minutes=5)
        await submit_new_contact(pilot, "#edit-email", "#email", "autre@exemple.fr")
        assert isinstance(app.screen, ContactEditScreen)
        assert "réessayez dans 10 minutes" in field_error(app, "field-contact")
        assert app.screen.focused is app.screen.query_one("#cancel", ActionButton)
        assert service.get_person(MARTINE_NIR).email == MARTINE_EMAIL
        assert sum(m.purpose == "verification_email" for m in admin(service).outbox()) == 2


async def test_a_fourth_code_is_refused_and_the_third_still_works(
    app: MesApp, service: MesService, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        await press_resend(pilot, clock)
        await press_resend(pilot, clock)
        third = last_code(service)
        await press_resend(pilot, clock)

        assert isinstance(app.screen, OtpScreen)
        error = field_error(app, "field-code")
        assert error.startswith("Erreur : Vous avez déjà demandé 3 codes pour cette modification")
        assert "réessayez dans 15 minutes" in error
        assert "Vous pouvez encore saisir le dernier code reçu" in error
        assert not static_text(app, "#resend-status")
        assert app.screen.focused is app.screen.query_one("#code", Input)
        assert sum(m.purpose == "verification_email" for m in admin(service).outbox()) == 3

        await enter_code(pilot, third)
        assert isinstance(app.screen, ContactsScreen)
        assert service.get_person(MARTINE_NIR).email == "nouvelle@exemple.fr"


# -- going back -------------------------------------------------------------------------------
async def test_escape_goes_back_one_level_without_changes(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        contacts = app.screen
        await submit_new_contact(pilot, "#edit-email", "#email", "nouvelle@exemple.fr")
        assert isinstance(app.screen, OtpScreen)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ContactEditScreen)

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is contacts
        assert static_text(app, "#email-value") == MARTINE_EMAIL
        assert "a bien été" not in await screen_text(pilot)

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ContactsScreen)
        assert service.get_person(MARTINE_NIR).email == MARTINE_EMAIL


async def test_cancel_buttons_return_to_the_summary(app: MesApp, service: MesService) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        contacts = app.screen

        app.screen.query_one("#edit-mobile", LinkButton).press()
        await pilot.pause()
        app.screen.query_one("#cancel", ActionButton).press()
        await pilot.pause()
        assert app.screen is contacts

        await submit_new_contact(pilot, "#edit-mobile", "#mobile-input", "06 11 12 13 14")
        assert isinstance(app.screen, OtpScreen)
        app.screen.query_one("#cancel", ActionButton).press()
        await pilot.pause()
        assert app.screen is contacts
        assert len(app.screen_stack) == 2
        assert static_text(app, "#mobile-value") == "Aucun numéro enregistré"
        assert service.get_person(MARTINE_NIR).mobile is None


async def test_the_service_call_runs_in_a_worker(
    app: MesApp, service: MesService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the code goes out, the screen says so and a second Enter sends nothing more."""
    release = threading.Event()
    calls: list[str] = []
    original = service.start_contact_change

    def slow(nir: str, channel: Channel, new_value: str) -> Challenge:
        calls.append(new_value)
        release.wait(timeout=10)
        return original(nir, channel, new_value)

    monkeypatch.setattr(service, "start_contact_change", slow)
    async with app.run_test(size=SIZE) as pilot:
        await open_contacts(app, service, pilot)
        app.screen.query_one("#edit-email", LinkButton).press()
        await pilot.pause()
        await type_into(pilot, "#email", "nouvelle@exemple.fr")
        await pilot.press("enter")
        await wait_for(pilot, lambda: static_text(app, "#status") == "Traitement en cours…")
        await pilot.press("enter")
        await pilot.pause()
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, OtpScreen)
        assert calls == ["nouvelle@exemple.fr"]
