"""Choosing the identifier and password, the activation, and the home page, driven with Pilot."""

from __future__ import annotations

from typing import Any

import pytest
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Static

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, Status
from mes_tui.screens.activated import ActivatedScreen
from mes_tui.screens.credentials import CredentialsScreen, SuggestionLink
from mes_tui.screens.home import HomeScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.texts import validation as tv
from mes_tui.widgets.controls import LinkButton
from mes_tui.widgets.fields import ErrorSummary, FormField
from mes_tui.widgets.password import PasswordChecklist
from mes_tui.widgets.profiles import ProfileList, ProfileRow
from tests.functional.conftest import MARTINE_CODE, MARTINE_NIR, MARTINE_SERIAL
from tests.functional.journey_helpers import identified, until_pressable, wait_for
from tests.simulation import admin

GOOD_PASSWORD = "Vert&Olive2024"
SIZE = (80, 24)


def text_of(widget: Static) -> str:
    content = widget.visual
    return content.plain if isinstance(content, Content) else str(content)


async def open_credentials(app: MesApp, service: Any, pilot: Pilot[Any]) -> CredentialsScreen:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.session.accepted_terms = True
    app.goto(journey.Step.CREDENTIALS)
    await wait_for(pilot, lambda: isinstance(app.screen, CredentialsScreen))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CredentialsScreen)
    return screen


def checklist_text(screen: CredentialsScreen) -> str:
    return text_of(screen.query_one("#checklist", PasswordChecklist))


def field_error(screen: CredentialsScreen, name: str) -> str | None:
    return screen.query_one(f"#field-{name}", FormField).error


async def type_into(pilot: Pilot[Any], screen: CredentialsScreen, name: str, text: str) -> None:
    field_input = screen.query_one(f"#{name}", Input)
    field_input.focus()
    await pilot.pause()
    field_input.value = ""
    await pilot.press(*text)
    await pilot.pause()


async def fill(
    pilot: Pilot[Any],
    screen: CredentialsScreen,
    identifier: str,
    password: str,
    confirmation: str | None = None,
) -> None:
    # Values set directly: typing character by character is tested once, below.
    screen.query_one("#identifier", Input).value = identifier
    screen.query_one("#password", Input).value = password
    screen.query_one("#confirmation", Input).value = (
        password if confirmation is None else confirmation
    )
    await pilot.pause()


async def validate(pilot: Pilot[Any], screen: CredentialsScreen) -> None:
    button = screen.query_one("#validate")
    button.focus()
    await until_pressable(pilot, button)
    await pilot.press("enter")
    await pilot.pause()


async def test_checklist_follows_each_key(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        before = checklist_text(screen)
        assert "[ ] 8 caractères minimum (manquant)" in before
        assert "[ ] 1 chiffre (manquant)" in before
        assert "[ ] 1 majuscule (manquant)" in before

        screen.query_one("#password", Input).focus()
        await pilot.press("a", "b", "c")
        await pilot.pause()
        after_letters = checklist_text(screen)
        assert "[x] 1 minuscule (respecté)" in after_letters
        assert "[ ] 1 chiffre (manquant)" in after_letters
        assert "Règles restant à respecter : 4 sur 5." in after_letters

        await pilot.press("7")
        await pilot.pause()
        assert "[x] 1 chiffre (respecté)" in checklist_text(screen)

        await pilot.press("D", "e", "f", "!")
        await pilot.pause()
        final = checklist_text(screen)
        for rule in (
            "8 caractères minimum",
            "1 caractère spécial (!#@;%...)",
            "1 chiffre",
            "1 majuscule",
            "1 minuscule",
        ):
            assert f"[x] {rule} (respecté)" in final
        assert "Toutes les règles sont respectées." in final

        await pilot.press("backspace", "backspace")
        await pilot.pause()
        again = checklist_text(screen)
        assert "[ ] 1 caractère spécial (!#@;%...) (manquant)" in again
        assert "[ ] 8 caractères minimum (manquant)" in again


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Ab1!efg", tv.PASSWORD_RULE_LENGTH),
        ("Abcdefg12", tv.PASSWORD_RULE_SPECIAL),
        ("Abcdefg!!", tv.PASSWORD_RULE_DIGIT),
        ("abcdefg1!", tv.PASSWORD_RULE_UPPER),
        ("ABCDEFG1!", tv.PASSWORD_RULE_LOWER),
    ],
)
async def test_each_password_rule_is_an_error_next_to_the_field(
    app: MesApp, service: Any, password: str, missing: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, "martine.leguellec", password)
        await validate(pilot, screen)
        error = field_error(screen, "password")
        assert error is not None
        assert missing in error
        assert error.startswith("Le mot de passe ne respecte pas encore")
        assert field_error(screen, "confirmation") is None
        summary = text_of(screen.query_one("#summary", ErrorSummary))
        assert "Mot de passe :" in summary and missing in summary
        assert app.focused is screen.query_one("#password", Input)
        assert isinstance(app.screen, CredentialsScreen)
        assert service.get_person(MARTINE_NIR).status is Status.EN_ATTENTE


async def test_empty_form_names_every_field(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await validate(pilot, screen)
        assert field_error(screen, "identifier") == tv.IDENTIFIER_EMPTY
        assert field_error(screen, "password") == tv.PASSWORD_EMPTY
        summary = text_of(screen.query_one("#summary", ErrorSummary))
        assert "Il y a 2 erreurs à corriger" in summary
        assert app.focused is screen.query_one("#identifier", Input)


async def test_identifier_rules(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, "martine@exemple.fr", GOOD_PASSWORD)
        await validate(pilot, screen)
        assert field_error(screen, "identifier") == tv.IDENTIFIER_EMAIL
        await fill(pilot, screen, "court", GOOD_PASSWORD)
        await validate(pilot, screen)
        error = field_error(screen, "identifier")
        assert error is not None and "au moins 8 caractères" in error
        await fill(pilot, screen, "hélène.dupont", GOOD_PASSWORD)
        await validate(pilot, screen)
        assert field_error(screen, "identifier") == tv.IDENTIFIER_CHARS
        assert field_error(screen, "password") is None


async def test_mismatched_confirmation(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, "martine.leguellec", GOOD_PASSWORD, "Vert&Olive2025")
        await validate(pilot, screen)
        assert field_error(screen, "confirmation") == tv.PASSWORD_MISMATCH
        assert field_error(screen, "password") is None
        assert app.focused is screen.query_one("#confirmation", Input)
        assert service.get_person(MARTINE_NIR).status is Status.EN_ATTENTE


async def test_password_with_the_first_name_is_refused(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, "martine.leguellec", "Martine&2024!")
        await validate(pilot, screen)
        assert field_error(screen, "password") == tv.PASSWORD_CONTAINS_NAME
        assert isinstance(app.screen, CredentialsScreen)


async def test_taken_identifier_offers_suggestions_on_leaving_the_field(
    app: MesApp, service: Any
) -> None:
    taken = next(e.identifier for e in admin(service).list_registry() if e.identifier)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await type_into(pilot, screen, "identifier", taken)
        await pilot.press("tab")  # leave the field: the back office is asked
        await wait_for(pilot, lambda: bool(screen.query(SuggestionLink)))
        assert field_error(screen, "identifier") == (
            "Cet identifiant est déjà utilisé. Choisissez-en un autre."
        )
        links = list(screen.query(SuggestionLink))
        assert links and all(link.identifier != taken for link in links)
        assert all(link.identifier.startswith(taken) for link in links)
        note = text_of(screen.query_one("#identifier-note", Static))
        assert "Identifiants disponibles" in note
        # The focus went where the person went, not back to the field.
        assert app.focused is not screen.query_one("#identifier", Input)

        chosen = links[0].identifier
        links[0].focus()
        await pilot.pause()
        assert f"Utiliser « {chosen} »" in str(links[0].label)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one("#identifier", Input).value == chosen
        assert app.focused is screen.query_one("#identifier", Input)
        assert field_error(screen, "identifier") is None
        assert not screen.query(SuggestionLink)
        assert chosen in text_of(screen.query_one("#identifier-note", Static))
        assert service.check_identifier(MARTINE_NIR, chosen).available


async def test_free_identifier_is_said_available(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await type_into(pilot, screen, "identifier", "martine.leguellec")
        await pilot.press("tab")
        note = screen.query_one("#identifier-note", Static)
        await wait_for(pilot, lambda: "disponible" in text_of(note))
        assert text_of(note) == "Cet identifiant est disponible."
        assert field_error(screen, "identifier") is None


async def test_identifier_known_taken_blocks_submit(app: MesApp, service: Any) -> None:
    taken = next(e.identifier for e in admin(service).list_registry() if e.identifier)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, taken, GOOD_PASSWORD)
        await validate(pilot, screen)
        await wait_for(pilot, lambda: field_error(screen, "identifier") is not None)
        assert "déjà utilisé" in (field_error(screen, "identifier") or "")
        assert screen.query(SuggestionLink)
        assert app.focused is screen.query_one("#identifier", Input)
        assert isinstance(app.screen, CredentialsScreen)
        assert service.get_person(MARTINE_NIR).status is Status.EN_ATTENTE


async def test_identifier_taken_meanwhile_is_refused_by_the_activation(
    app: MesApp, service: Any
) -> None:
    """Free when checked, taken by someone else before Valider (another desk, same registry)."""
    from mes_tui.services.demo import KARIM

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await type_into(pilot, screen, "identifier", "famille.bretonne")
        await pilot.press("tab")
        note = screen.query_one("#identifier-note", Static)
        await wait_for(pilot, lambda: text_of(note) == "Cet identifiant est disponible.")
        service.activate(
            KARIM,
            "famille.bretonne",
            "Rouge&Brique77",
            accepted_terms=True,
            expected=service.get_person(KARIM).status,
        )

        await fill(pilot, screen, "famille.bretonne", GOOD_PASSWORD)
        await validate(pilot, screen)
        await wait_for(pilot, lambda: field_error(screen, "identifier") is not None)
        assert "déjà utilisé" in (field_error(screen, "identifier") or "")
        links = list(screen.query(SuggestionLink))
        assert links and all(link.identifier.startswith("famille.bretonne") for link in links)
        assert app.focused is screen.query_one("#identifier", Input)
        summary = text_of(screen.query_one("#summary", ErrorSummary))
        assert "Identifiant : Cet identifiant est déjà utilisé" in summary
        assert service.get_person(MARTINE_NIR).status is Status.EN_ATTENTE

        # Choosing a suggestion and validating again activates the space.
        links[0].focus()
        await pilot.press("enter")
        await pilot.pause()
        await validate(pilot, screen)
        await wait_for(pilot, lambda: isinstance(app.screen, ActivatedScreen))
        assert service.login(links[0].identifier, GOOD_PASSWORD).nir == MARTINE_NIR


async def test_show_and_hide_both_passwords(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        password = screen.query_one("#password", Input)
        confirmation = screen.query_one("#confirmation", Input)
        toggle = screen.query_one("#toggle-password", LinkButton)
        assert password.password and confirmation.password
        assert toggle.text == "Afficher le mot de passe"
        bindings = {b.binding.id for b in app.active_bindings.values()}
        assert "show_password" in bindings and "hide_password" not in bindings

        password.focus()
        await pilot.press("f3")
        await pilot.pause()
        assert not password.password and not confirmation.password
        assert toggle.text == "Masquer le mot de passe"
        bindings = {b.binding.id for b in app.active_bindings.values()}
        assert "hide_password" in bindings and "show_password" not in bindings

        await pilot.press("f3")
        await pilot.pause()
        assert password.password and confirmation.password

        toggle.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not password.password and not confirmation.password
        assert toggle.text == "Masquer le mot de passe"


async def test_activation_then_home(app: MesApp, service: Any, caplog: Any) -> None:
    caplog.set_level("DEBUG")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_credentials(app, service, pilot)
        await fill(pilot, screen, "Martine.Leguellec", GOOD_PASSWORD)
        await validate(pilot, screen)
        await wait_for(pilot, lambda: isinstance(app.screen, ActivatedScreen))
        activated = app.screen
        # Only the welcome screen remains beneath: the form cannot be reached again.
        assert [type(s) for s in app.screen_stack] == [WelcomeScreen, ActivatedScreen]
        body = " ".join(text_of(s) for s in activated.query(Static))
        assert "Je peux dès à présent découvrir toutes les fonctionnalités" in body
        assert "martine.leguellec" in body

        entry = next(e for e in admin(service).list_registry() if e.nir == MARTINE_NIR)
        assert entry.status is Status.ACTIVE
        assert entry.identifier == "martine.leguellec"
        assert service.login("martine.leguellec", GOOD_PASSWORD).nir == MARTINE_NIR
        assert app.session.person is not None
        assert app.session.person.status is Status.ACTIVE
        assert GOOD_PASSWORD not in repr(app.session)
        assert GOOD_PASSWORD not in caplog.text

        assert app.focused is activated.query_one("#discover", LinkButton)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        home = app.screen
        await pilot.pause()
        texts = [text_of(s) for s in home.query(Static)]
        assert "Bonjour Martine !" in texts
        assert "Statut : Mon espace santé activé le 25/11/2026" in texts
        assert "Identifiant : martine.leguellec" in texts
        rows = [row.line for row in home.query(ProfileRow)]
        assert len(rows) == 5
        virginie = next(r for r in rows if "Virginie" in r)
        assert virginie.startswith("VC")
        assert virginie.endswith("Profil opposé le 07/12/2021")
        assert sum(r.endswith("En attente de décision") for r in rows) == 4
        # The list takes the focus; the row under the cursor is marked in text.
        assert app.focused is home.query_one(ProfileList)
        first = home.query(ProfileRow).first()
        assert text_of(first.query_one(Static)).startswith("> ")
        await pilot.press("down")
        await pilot.pause()
        assert text_of(first.query_one(Static)).startswith("  ")


async def test_home_next_person_forgets_everything(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.session.person = service.get_person(MARTINE_NIR)
        app.session.identifier = "martine.leguellec"
        app.restart_at(journey.Step.HOME)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        texts = [text_of(s) for s in app.screen.query(Static)]
        assert "Statut : En attente de décision" in texts
        # Escape does not lead back into the journey from the home page.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one("#next-person", LinkButton).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert app.session.person is None and app.session.identifier is None
