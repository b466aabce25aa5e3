"""Managing the attached profiles (the Capanelli family of the seed), from the opposition's last
screen and from the home page: activate an adult's profile, oppose a minor's with the
certification and its receipt, a decision taken elsewhere meanwhile, and changing one's mind."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, Status
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.home import HomeScreen
from mes_tui.screens.opposition import OpposedScreen
from mes_tui.screens.profile import ProfileScreen
from mes_tui.services import demo
from mes_tui.texts import profile as tp
from mes_tui.widgets.choice_list import ChoiceList
from mes_tui.widgets.fields import StepHeader
from mes_tui.widgets.profiles import ProfileList, ProfileRow
from mes_tui.widgets.receipt import ReceiptPanel
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SIZE,
    field_error,
    focused_id,
    identified,
    opposed,
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

VIRGINIE, JEAN_JACQUES, GERARD, VINCENT = 0, 1, 2, 4  # rows of the list, in the seed's order


def entry(service: Any, nir: str) -> Any:
    return next(e for e in admin(service).list_registry() if e.nir == nir)


def rows(screen: Any) -> list[str]:
    return [row.line for row in screen.query(ProfileRow)]


def squeeze(text: str) -> str:
    return "".join(text.split())


async def at_opposed(app: MesApp, service: Any, pilot: Any) -> OpposedScreen:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    opposed(app)
    app.session.branch = journey.Branch.OPPOSITION
    app.restart_at(journey.Step.OPPOSED)
    return await wait_for_screen(pilot, OpposedScreen)  # type: ignore[no-any-return]


async def at_home(app: MesApp, service: Any, pilot: Any) -> HomeScreen:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.restart_at(journey.Step.HOME)
    return await wait_for_screen(pilot, HomeScreen)  # type: ignore[no-any-return]


async def open_row(pilot: Any, row: int) -> ProfileScreen:
    """Arrow down to ``row`` in the list and press Enter on it."""
    await tab_to(pilot, "profiles")
    profile_list = pilot.app.screen.query_one(ProfileList)
    while profile_list.index != row:
        await pilot.press("down")
        await pilot.pause()
    await pilot.press("enter")
    return await wait_for_screen(pilot, ProfileScreen)  # type: ignore[no-any-return]


async def test_activate_an_adult_profile_from_the_opposition(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)
        page = await open_row(pilot, JEAN_JACQUES)
        assert "Jean-Jacques Capanelli" in text_of(page.query_one(StepHeader))
        assert "Statut actuel : En attente de décision" in screen_text(app)
        assert not page.query("#certify")  # an adult: no certification
        assert focused_id(app) == "choice"

        await pilot.press("1")  # J'active Mon espace santé pour ce profil
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, OpposedScreen)
        await settle(pilot)
        assert entry(service, demo.JEAN_JACQUES).status is Status.ACTIVE
        assert rows(opposed)[JEAN_JACQUES].endswith("Mon espace santé activé le 25/11/2026")
        # The holder's own receipt is still there to save.
        assert opposed.query_one(ReceiptPanel).pending
        # The cursor stayed on the profile just managed.
        assert opposed.query_one(ProfileList).index == JEAN_JACQUES


async def test_a_minor_needs_the_certification_then_opposition_with_receipt(
    app: MesApp, service: Any, data_dir: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        home = await at_home(app, service, pilot)
        # Choose the row, then the "Gérer le profil" button.
        await tab_to(pilot, "profiles")
        for _ in range(VINCENT):
            await pilot.press("down")
        await press_button(pilot, "manage")
        page = await wait_for_screen(pilot, ProfileScreen)
        assert page.profile.nir == demo.VINCENT
        text = screen_text(app)
        assert "enfant mineur" in text
        certify = "Je certifie être le représentant légal de Vincent CAPANELLI"
        assert certify in squeeze(text) or squeeze(certify) in squeeze(text)

        # Oppose without the certification: refused next to the box, nothing recorded.
        await pilot.press("2")
        await press_button(pilot, "validate")
        error = field_error(page, "field-certify")
        assert error == tp.CERTIFY_MISSING.format(certify=certify)
        assert "Représentant légal" in summary_text(page)
        assert focused_id(app) == "certify"
        assert entry(service, demo.VINCENT).status is Status.EN_ATTENTE

        # Certify, validate: an explicit confirmation first; "Annuler" records nothing.
        await pilot.press("space")
        assert field_error(page, "field-certify") is None
        await press_button(pilot, "validate")
        question = await wait_for_screen(pilot, ConfirmScreen)
        assert "Vincent Capanelli" in question.question
        await pilot.press("enter")  # the focus is on Annuler
        await wait_for_screen(pilot, ProfileScreen)
        assert entry(service, demo.VINCENT).status is Status.EN_ATTENTE

        await press_button(pilot, "validate")
        await wait_for_screen(pilot, ConfirmScreen)
        await tab_to(pilot, "yes")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.screen.query(ReceiptPanel)))
        await settle(pilot)
        vincent = entry(service, demo.VINCENT)
        assert vincent.status is Status.OPPOSEE
        assert str(vincent.decided_on) == "2026-11-25"
        assert squeeze("Profil opposé le 25/11/2026") in squeeze(screen_text(app))
        assert focused_id(app) == "download"

        # Its receipt, once, in the default folder.
        panel = page.query_one(ReceiptPanel)
        await press_button(pilot, "download")
        await settle(pilot)
        files = list((data_dir / "justificatifs").glob("*.pdf"))
        assert len(files) == 1
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        # The bar "▌" at the left of the lines marks the focused notice.
        shown = squeeze(screen_text(app).replace("▌", ""))
        assert squeeze(f"Justificatif enregistré : {files[0]}") in shown
        assert not panel.pending

        # Back to the list, which shows the new status.
        await press_button(pilot, "back-to-list")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert rows(home)[VINCENT].endswith("Profil opposé le 25/11/2026")
        assert home.query_one(ProfileList).index == VINCENT


async def test_leaving_a_profile_page_without_its_receipt_asks(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await at_home(app, service, pilot)
        page = await open_row(pilot, GERARD)
        await pilot.press("2")
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, ConfirmScreen)
        await tab_to(pilot, "yes")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(page.query(ReceiptPanel)))
        await settle(pilot)
        await pilot.press("escape")
        question = await wait_for_screen(pilot, ConfirmScreen)
        assert question.question == "Quitter sans enregistrer le justificatif ?"
        await tab_to(pilot, "yes")
        await pilot.press("enter")
        await wait_for_screen(pilot, HomeScreen)


async def test_a_decision_taken_elsewhere_meanwhile(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        home = await at_home(app, service, pilot)
        page = await open_row(pilot, GERARD)
        assert "Statut actuel : En attente de décision" in screen_text(app)
        # Another session activates Gérard's profile while this page is open.
        service.decide_profile(MARTINE_NIR, demo.GERARD, Status.ACTIVE, expected=Status.EN_ATTENTE)

        await pilot.press("2")
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, ConfirmScreen)
        await tab_to(pilot, "yes")
        await pilot.press("enter")
        await wait_for_screen(pilot, ProfileScreen)
        await wait_for(pilot, lambda: bool(summary_text(app.screen)))
        await settle(pilot)
        summary = summary_text(page)
        assert "Une décision a déjà été enregistrée pour ce profil" in summary
        assert "Mon espace santé activé le 25/11/2026" in summary
        assert focused_id(app) == "summary"
        # Nothing was written over it, and the page shows what the registry holds now.
        assert entry(service, demo.GERARD).status is Status.ACTIVE
        assert "Statut actuel : Mon espace santé activé le 25/11/2026" in screen_text(app)
        options = page.query_one("#choice", ChoiceList).options
        assert [o.title for o in options] == [tp.CLOSE]

        await pilot.press("escape")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert rows(home)[GERARD].endswith("Mon espace santé activé le 25/11/2026")


async def test_an_opposed_profile_can_be_activated(app: MesApp, service: Any) -> None:
    """Virginie's profile was opposed on 07/12/2021: the holder changes their mind for it."""
    async with app.run_test(size=SIZE) as pilot:
        home = await at_home(app, service, pilot)
        page = await open_row(pilot, VIRGINIE)
        assert "Statut actuel : Profil opposé le 07/12/2021" in screen_text(app)
        assert [o.title for o in page.query_one("#choice", ChoiceList).options] == [tp.ACTIVATE]
        # Nothing chosen: said next to the choice.
        await press_button(pilot, "validate")
        assert field_error(page, "field-choice") == tp.CHOICE_MISSING
        await tab_to(pilot, "choice")
        await pilot.press("1")
        await press_button(pilot, "validate")
        await wait_for_screen(pilot, HomeScreen)
        await settle(pilot)
        assert entry(service, demo.VIRGINIE).status is Status.ACTIVE
        assert rows(home)[VIRGINIE].endswith("Mon espace santé activé le 25/11/2026")
