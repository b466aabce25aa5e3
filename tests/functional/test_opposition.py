"""Opposition à Mon espace santé, driven with the keyboard: the decision, the explicit
confirmation, the receipt saved once (where the person chooses), leaving without it, and a person
who opposed and changes their mind."""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from mes_tui.app import MesApp
from mes_tui.models import CardType, Status
from mes_tui.screens.activated import ActivatedScreen
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.contacts import ContactsScreen
from mes_tui.screens.credentials import CredentialsScreen
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.opposition import OpposeConfirmScreen, OpposedScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import open_service
from mes_tui.services.errors import ReceiptUnavailable
from mes_tui.texts import opposition as to
from mes_tui.texts import service as ts
from mes_tui.widgets.fields import StepHeader
from mes_tui.widgets.profiles import ProfileRow
from mes_tui.widgets.receipt import ReceiptPanel
from tests.functional.journey_helpers import (
    AVEC_PHOTO_KEY,
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
from tests.simulation import admin, save_receipt

TODAY = date(2026, 11, 25)  # the functional tests' FakeClock


def entry(service: Any, nir: str) -> Any:
    return next(e for e in admin(service).list_registry() if e.nir == nir)


def header(screen: Any) -> str:
    return text_of(screen.query_one(StepHeader))


def squeeze(text: str) -> str:
    """``text`` without any whitespace: a long path wraps on screen, at a space or not."""
    return "".join(text.split())


def shows(app: MesApp, text: str) -> bool:
    # The bar "▌" at the left of a line marks the focused notice: not part of its text.
    screen = re.sub(r"(?m)^(\s*)▌", r"\1", screen_text(app))
    return squeeze(text) in squeeze(screen)


async def identify_and_oppose(pilot: Any) -> OpposeConfirmScreen:
    """Welcome → Commencer → Je m'identifie (Martine) → decision 2 → Continuer."""
    await wait_for_screen(pilot, WelcomeScreen)
    await pilot.press("enter")  # Commencer
    await wait_for_screen(pilot, IdentificationScreen)
    await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
    await pilot.press("enter")
    decision = await wait_for_screen(pilot, DecisionScreen)
    assert focused_id(pilot.app) == "decision"
    await pilot.press("2")
    await press_button(pilot, "continue")
    screen = await wait_for_screen(pilot, OpposeConfirmScreen)
    assert decision is not screen
    return screen  # type: ignore[no-any-return]


async def at_opposed(app: MesApp, service: Any, pilot: Any) -> OpposedScreen:
    """Martine identified and opposed through the service; the app on the last screen."""
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    opposed(app)
    from mes_tui import journey

    app.session.branch = journey.Branch.OPPOSITION
    app.restart_at(journey.Step.OPPOSED)
    return await wait_for_screen(pilot, OpposedScreen)  # type: ignore[no-any-return]


async def test_whole_opposition_for_martine(app: MesApp, service: Any, data_dir: Path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        confirm = await identify_and_oppose(pilot)
        text = screen_text(app)
        assert "Je valide l'opposition à la création de Mon espace santé" in header(confirm)
        assert "En validant cette décision, Mon espace santé ne sera pas créé." in text
        assert "[>Annuler<]" in text  # the safe answer has the focus
        assert "[ Continuer ]" in text
        # Nothing is recorded before Continuer.
        assert entry(service, MARTINE_NIR).status is Status.EN_ATTENTE

        await press_button(pilot, "continue")
        opposed = await wait_for_screen(pilot, OpposedScreen)
        assert confirm not in app.screen_stack  # the decision cannot be undone by Escape
        recorded = entry(service, MARTINE_NIR)
        assert recorded.status is Status.OPPOSEE
        assert recorded.decided_on == TODAY

        text = screen_text(app)
        assert "Ma décision a bien été prise en compte" in header(opposed)
        assert "Opposition enregistrée le 25/11/2026." in text
        assert "Attention, celui-ci ne sera plus disponible par la suite." in text
        assert focused_id(app) == "download"
        default_folder = data_dir / "justificatifs"
        assert opposed.query_one("#folder", Input).value == str(default_folder)

        await pilot.press("enter")  # ↓ Télécharger le justificatif (format .pdf)
        await settle(pilot)
        files = list(default_folder.glob("justificatif-opposition-2026-11-25-*.pdf"))
        assert len(files) == 1
        receipt = files[0]
        assert receipt.read_bytes().startswith(b"%PDF")
        assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
        assert stat.S_IMODE(default_folder.stat().st_mode) == 0o700
        assert shows(app, f"Justificatif enregistré : {receipt}")
        assert focused_id(app) == "saved"  # the notice of where the file is has the focus
        assert opposed.query_one(ReceiptPanel).saved_path == receipt  # the panel says it is saved

        # The download action is gone, and the back office refuses a second receipt.
        panel = opposed.query_one(ReceiptPanel)
        assert not panel.pending
        assert "Télécharger le justificatif" not in screen_text(app)
        assert (
            not opposed.query_one("#download").display
            or not panel.query_one("#receipt-form").display
        )
        with pytest.raises(ReceiptUnavailable):
            save_receipt(service, MARTINE_NIR)

        # Saved: Terminer leaves without asking.
        await press_button(pilot, "finish")
        await wait_for_screen(pilot, WelcomeScreen)


async def test_cancel_on_the_confirmation_records_nothing(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await identify_and_oppose(pilot)
        await pilot.press("enter")  # Annuler has the focus
        decision = await wait_for_screen(pilot, DecisionScreen)
        assert entry(service, MARTINE_NIR).status is Status.EN_ATTENTE
        assert "(•) 2. Je m'oppose" in screen_text(app)
        assert decision.session.person is not None


async def test_leaving_without_the_receipt_asks_first(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await at_opposed(app, service, pilot)
        # Terminer: a question, the safe answer focused; "Rester" keeps the person here.
        await press_button(pilot, "finish")
        question = await wait_for_screen(pilot, ConfirmScreen)
        assert shows(app, "Quitter sans enregistrer le justificatif ?")
        assert question.detail == to.LEAVE_BODY
        assert "le justificatif ne sera plus disponible par la suite." in to.LEAVE_BODY
        assert question.focused is not None and question.focused.id == "no"
        await pilot.press("enter")
        await wait_for_screen(pilot, OpposedScreen)

        # Escape asks too; Escape on the question answers no.
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, OpposedScreen)

        # Ctrl+N (next person) asks as well; this time the person leaves.
        await pilot.press("ctrl+n")
        await wait_for_screen(pilot, ConfirmScreen)
        await tab_to(pilot, "yes")
        await pilot.press("enter")
        await wait_for_screen(pilot, WelcomeScreen)
        assert app.session.person is None
        # Leaving saved nothing: the receipt is still the back office's to give once.
        assert save_receipt(service, MARTINE_NIR).is_file()


async def test_another_folder_and_one_that_cannot_be_used(
    app: MesApp, service: Any, tmp_path: Path
) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    chosen = tmp_path / "mes papiers" / "santé"
    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)
        folder = opposed.query_one("#folder", Input)

        # Empty: said next to the field.
        folder.value = "   "
        await press_button(pilot, "download")
        assert field_error(opposed, "field-folder") == to.FOLDER_EMPTY

        # A folder under a file cannot be created: a French message next to the field,
        # the text typed kept, the receipt still to be saved.
        folder.value = str(blocker / "justificatifs")
        await press_button(pilot, "download")
        await settle(pilot)
        error = field_error(opposed, "field-folder")
        assert error is not None
        assert error.startswith("Impossible d'enregistrer le justificatif dans ce dossier")
        assert "(un élément du chemin est un fichier, pas un dossier)" in error
        assert error.endswith("Indiquez un autre dossier.")
        assert "Impossible d'enregistrer" in summary_text(opposed)
        assert folder.value == str(blocker / "justificatifs")
        assert focused_id(app) == "folder"
        assert opposed.query_one(ReceiptPanel).pending

        # Another folder, typed then Enter: created owner-only, the full path shown.
        folder.value = str(chosen)
        folder.focus()
        await pilot.press("enter")
        await settle(pilot)
        files = list(chosen.glob("*.pdf"))
        assert len(files) == 1
        assert stat.S_IMODE(chosen.stat().st_mode) == 0o700
        assert shows(app, f"Justificatif enregistré : {files[0]}")
        assert field_error(opposed, "field-folder") is None
        assert summary_text(opposed) == ""


async def test_a_decision_taken_elsewhere_meanwhile_leads_back_to_the_decision(
    app: MesApp, service: Any
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await identify_and_oppose(pilot)
        service.oppose(MARTINE_NIR, expected=Status.EN_ATTENTE)  # another session
        await press_button(pilot, "continue")
        decision = await wait_for_screen(pilot, DecisionScreen)
        await settle(pilot)
        assert "Une décision a déjà été enregistrée" in summary_text(decision)
        assert shows(app, "Vous vous êtes opposé(e)")  # the decision as the registry has it
        assert app.session.person is not None
        assert app.session.person.status is Status.OPPOSEE


async def test_a_receipt_saved_elsewhere_meanwhile(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)
        save_receipt(service, MARTINE_NIR)  # another session of the same person
        await press_button(pilot, "download")
        await settle(pilot)
        assert ts.RECEIPT_UNAVAILABLE.split(":")[0] in summary_text(opposed)
        assert to.UNAVAILABLE in screen_text(app)
        assert not opposed.query_one(ReceiptPanel).pending
        # Nothing left to lose: leaving does not ask.
        await press_button(pilot, "finish")
        await wait_for_screen(pilot, WelcomeScreen)


async def test_a_receipt_being_saved_by_another_session_says_to_wait(
    app: MesApp, service: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session of the same person holds the receipt while it renders: this one is told
    how long to wait, keeps its download, and saves once the other gave up."""
    from mes_tui import receipt_writer

    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)

        def dies_while_writing(folder: Path, name: str, data: bytes) -> Path:
            raise RuntimeError("the other session stops here")

        monkeypatch.setattr(receipt_writer, "write_new_file", dies_while_writing)
        other = open_service(data_dir, clock=service.clock)
        monkeypatch.setattr(other, "storage", HoldOnly(other.storage))
        with pytest.raises(RuntimeError):
            save_receipt(other, MARTINE_NIR)
        monkeypatch.undo()

        await press_button(pilot, "download")
        await settle(pilot)
        assert squeeze("en cours d'enregistrement dans une autre session") in squeeze(
            summary_text(opposed)
        )
        assert shows(app, "dans 30 s au plus")
        assert opposed.query_one(ReceiptPanel).pending  # still to be saved here
        service.clock.advance(seconds=31)
        await press_button(pilot, "download")
        await settle(pilot)
        assert len(list((data_dir / "justificatifs").glob("*.pdf"))) == 1
        assert not opposed.query_one(ReceiptPanel).pending


class HoldOnly:
    """A session's storage that dies after its first write (the hold of the receipt)."""

    def __init__(self, storage: Any) -> None:
        self.storage, self.writes = storage, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.storage, name)

    def write(self, fn: Any) -> Any:
        self.writes += 1
        return self.storage.write(fn) if self.writes == 1 else None


async def test_the_attached_profiles_under_the_decision(app: MesApp, service: Any) -> None:
    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)
        text = screen_text(app)
        assert "Vous pouvez également gérer les profils ci-dessous." in text
        rows = [row.line for row in opposed.query(ProfileRow)]
        assert [r.split()[0] for r in rows] == ["VC", "JC", "GC", "BC", "VC"]
        assert rows[0].endswith("Profil opposé le 07/12/2021")
        assert all(r.endswith("En attente de décision") for r in rows[1:])
        assert "(enfant mineur)" in rows[4]
        assert opposed.query_one("#manage").display


async def test_a_person_who_opposed_changes_their_mind(app: MesApp, service: Any) -> None:
    """Thomas LEFEBVRE opposed on 20/08/2021; he identifies again and activates."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        await fill_identification(pilot, THOMAS_CODE, THOMAS_NIR, AVEC_PHOTO_KEY, THOMAS_SERIAL)
        await pilot.press("enter")
        decision = await wait_for_screen(pilot, DecisionScreen)
        notice = text_of(decision.query_one("#opposed-before"))
        assert "le 20/08/2021" in notice
        assert "Vous pouvez changer d'avis et l'activer maintenant." in notice
        assert "le 20/08/2021" in screen_text(app)

        await pilot.press("1")
        await tab_to(pilot, "terms")
        await pilot.press("space")
        await press_button(pilot, "continue")
        await wait_for_screen(pilot, ContactsScreen)
        await press_button(pilot, "continue")
        credentials = await wait_for_screen(pilot, CredentialsScreen)
        credentials.query_one("#identifier", Input).value = "thomas.lefebvre"
        credentials.query_one("#password", Input).value = "Vert&Olive2024"
        credentials.query_one("#confirmation", Input).value = "Vert&Olive2024"
        await press_button(pilot, "validate")
        await wait_for(pilot, lambda: isinstance(app.screen, ActivatedScreen), timeout=20)

        thomas = entry(service, THOMAS_NIR)
        assert thomas.status is Status.ACTIVE
        assert thomas.decided_on == TODAY
        assert thomas.identifier == "thomas.lefebvre"


async def test_print_where_lp_exists(
    app: MesApp, service: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    printed = tmp_path / "printed.txt"
    lp = bin_dir / "lp"
    lp.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{printed}"\n')
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    async with app.run_test(size=SIZE) as pilot:
        opposed = await at_opposed(app, service, pilot)
        # Nothing to print before the receipt exists.
        assert not opposed.query_one("#print").display
        await press_button(pilot, "download")
        await settle(pilot)
        path = opposed.query_one(ReceiptPanel).saved_path
        assert path is not None
        await press_button(pilot, "print")
        await wait_for(pilot, lambda: printed.is_file() and bool(printed.read_text()))
        assert printed.read_text().split() == ["--", str(path)]
        await wait_for(pilot, lambda: any(n.message == to.PRINTED for n in app._notifications))
