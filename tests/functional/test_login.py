"""Me connecter: the welcome link, the masked password, one message for every failure, the
waits after repeated failures (on a fake clock), and the home page with its profiles."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from mes_tui.app import MesApp
from mes_tui.models import CardType, Status
from mes_tui.screens.home import HomeScreen
from mes_tui.screens.login import LoginScreen
from mes_tui.screens.profile import ProfileScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import demo
from mes_tui.services.clock import FakeClock
from mes_tui.texts import login as tl
from mes_tui.texts import service as ts
from mes_tui.widgets.profiles import ProfileList, ProfileRow
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
    tab_to,
    type_text,
    wait_for_screen,
)
from tests.simulation import admin

LUCAS_ID = "lucas.petit"
LUCAS_PASSWORD = demo.DEMO_PASSWORD  # Azur&Menthe42


async def open_login(pilot: Any) -> LoginScreen:
    await wait_for_screen(pilot, WelcomeScreen)
    await press_button(pilot, "login")  # "J'ai déjà activé Mon espace santé ? Me connecter"
    return await wait_for_screen(pilot, LoginScreen)  # type: ignore[no-any-return]


async def sign_in(pilot: Any, screen: LoginScreen, identifier: str, password: str) -> None:
    screen.query_one("#identifier", Input).value = identifier
    screen.query_one("#password", Input).value = password
    await press_button(pilot, "submit")
    await settle(pilot)


async def test_sign_in_leads_to_home(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        assert focused_id(app) == "identifier"
        await type_text(pilot, LUCAS_ID)
        await tab_to(pilot, "password")
        await type_text(pilot, LUCAS_PASSWORD)
        assert LUCAS_PASSWORD not in screen_text(app)  # masked
        await pilot.press("enter")
        home = await wait_for_screen(pilot, HomeScreen)
        text = screen_text(app)
        assert "Bonjour Lucas !" in text
        assert "Statut : Mon espace santé activé le 01/09/2021" in text
        assert "Identifiant : lucas.petit" in text
        assert "Aucun profil n'est rattaché à votre compte." in text
        assert app.session.person is not None and app.session.person.nir == demo.LUCAS
        # The login form is gone from the stack, and the password from memory.
        assert screen not in app.screen_stack
        assert LUCAS_PASSWORD not in repr(app.session)
        assert home.is_current


async def test_show_and_hide_the_password(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        password = screen.query_one("#password", Input)
        await tab_to(pilot, "password")
        await type_text(pilot, "Secret#42")
        assert password.password
        await pilot.press("f3")
        await pilot.pause()
        assert not password.password
        assert "Secret#42" in screen_text(app)
        assert "Masquer le mot de passe" in screen_text(app)
        await press_button(pilot, "toggle-password")
        assert password.password
        assert "Secret#42" not in screen_text(app)


async def test_empty_fields_are_named(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        await press_button(pilot, "submit")
        assert field_error(screen, "field-identifier") == tl.IDENTIFIER_MISSING
        assert field_error(screen, "field-password") == tl.PASSWORD_MISSING
        assert "Il y a 2 erreurs à corriger" in summary_text(screen)
        assert focused_id(app) == "identifier"


async def test_one_message_whatever_was_wrong(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        await sign_in(pilot, screen, LUCAS_ID, "Mauvais&Mot2passe")
        wrong_password = summary_text(screen)
        assert ts.LOGIN_FAILED in wrong_password
        # The password typed is cleared; the identifier stays; no field is singled out.
        assert screen.query_one("#password", Input).value == ""
        assert screen.query_one("#identifier", Input).value == LUCAS_ID
        assert field_error(screen, "field-identifier") is None
        assert field_error(screen, "field-password") is None
        await sign_in(pilot, screen, "personne.inconnue", "Mauvais&Mot2passe")
        assert summary_text(screen) == wrong_password
        assert isinstance(app.screen, LoginScreen)


async def test_repeated_failures_make_the_next_attempt_wait_then_it_signs_in(
    app: MesApp, service: Any, clock: FakeClock
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        for _ in range(3):
            await sign_in(pilot, screen, LUCAS_ID, "Mauvais&Mot2passe")
            assert summary_text(screen) == "Erreur : " + ts.LOGIN_FAILED
        # The fourth failure for the identifier: 5 seconds before the next attempt, not a lock.
        await sign_in(pilot, screen, LUCAS_ID, "Mauvais&Mot2passe")
        assert summary_text(screen) == "Erreur : " + ts.LOGIN_FAILED_WAIT.format(wait="5 secondes")
        # Even the right password waits, and is told how long.
        clock.advance(seconds=2)
        await sign_in(pilot, screen, LUCAS_ID, LUCAS_PASSWORD)
        assert summary_text(screen) == "Erreur : " + ts.LOGIN_WAIT.format(wait="3 secondes")
        assert isinstance(app.screen, LoginScreen)
        clock.advance(seconds=3)
        await sign_in(pilot, screen, LUCAS_ID, LUCAS_PASSWORD)
        await wait_for_screen(pilot, HomeScreen)


async def test_home_after_sign_in_manages_the_profiles(app: MesApp, service: Any) -> None:
    service.identify(MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    service.activate(
        MARTINE_NIR,
        "martine.leguellec",
        "Vert&Olive2024",
        accepted_terms=True,
        expected=service.get_person(MARTINE_NIR).status,
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_login(pilot)
        await sign_in(pilot, screen, "martine.leguellec", "Vert&Olive2024")
        home = await wait_for_screen(pilot, HomeScreen)
        assert "Vous pouvez également gérer les profils ci-dessous." in screen_text(app)
        assert len(home.query(ProfileRow)) == 5
        assert focused_id(app) == "profiles"
        await pilot.press("down", "enter")  # Jean-Jacques
        page = await wait_for_screen(pilot, ProfileScreen)
        assert page.profile.nir == demo.JEAN_JACQUES
        await pilot.press("1")
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        line = home.query(ProfileRow)[1].line
        assert line.endswith("Mon espace santé activé le 25/11/2026")
        assert home.query_one(ProfileList).index == 1
        entry = next(e for e in admin(service).list_registry() if e.nir == demo.JEAN_JACQUES)
        assert entry.status is Status.ACTIVE
