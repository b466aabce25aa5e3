"""The app when the registry fails during a journey: damaged, made read-only, or its disk
full. The screen says what happened and what to do (not "Une erreur inattendue"), keeps what
the person typed, and the same form goes through once the registry works again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot

from mes_tui import registry_file
from mes_tui.app import MesApp
from mes_tui.backoffice import simulated_back_office
from mes_tui.screens.decision import DecisionScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from mes_tui.texts import service as ts
from mes_tui.texts.ui import UNEXPECTED_ERROR
from mes_tui.widgets.inputs import NirInput
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_NIR_SPACED,
    MARTINE_SERIAL,
    SANS_PHOTO_KEY,
    SIZE,
    fill_identification,
    focused_id,
    press_button,
    settle,
    summary_text,
    wait_for_screen,
)
from tests.storage_faults import damage, disk_full_error, fail_writes, read_only


async def identify_martine(pilot: Pilot[None]) -> IdentificationScreen:
    """From the welcome screen to "Je m'identifie", filled for Martine, then submitted."""
    await wait_for_screen(pilot, WelcomeScreen)
    await pilot.press("enter")
    screen = await wait_for_screen(pilot, IdentificationScreen)
    await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)
    await press_button(pilot, "continue")
    await settle(pilot)
    assert isinstance(screen, IdentificationScreen)
    return screen


def assert_told_and_kept(app: MesApp, screen: IdentificationScreen, message: str) -> None:
    assert app.screen is screen
    assert summary_text(screen) == "Erreur : " + message
    assert UNEXPECTED_ERROR not in summary_text(screen)
    assert focused_id(app) == "summary"
    assert screen.query_one("#nir", NirInput).value == MARTINE_NIR_SPACED
    assert screen.query_one("#code").value == MARTINE_CODE  # type: ignore[attr-defined]
    assert not screen.busy


async def test_a_damaged_registry_is_told_on_the_screen(
    data_dir: Path, demo_template: Path
) -> None:
    """Pages damaged inside the file: the start-up check cannot see it, the first call does."""
    shutil.copytree(demo_template, data_dir)
    registry = data_dir / registry_file.NAME
    damage(registry, "pages")
    before = registry.read_bytes()
    app = MesApp(back_office=simulated_back_office(data_dir), show_messages=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await identify_martine(pilot)
        message = ts.STORAGE_DAMAGED.format(where=registry, reason=ts.STORAGE_CORRUPT)
        assert_told_and_kept(app, screen, message)
    assert registry.read_bytes() == before


async def test_a_registry_made_read_only_during_the_journey_is_told_then_works_again(
    data_dir: Path, clock: FakeClock, demo_template: Path
) -> None:
    shutil.copytree(demo_template, data_dir)
    service = open_service(data_dir, clock=clock)
    app = MesApp(service=TicketedService(service), show_messages=False)
    registry = data_dir / registry_file.NAME
    async with app.run_test(size=SIZE) as pilot:
        with read_only(registry):
            screen = await identify_martine(pilot)
            message = ts.STORAGE_READ_ONLY.format(where=registry, reason=ts.STORAGE_FILE_READ_ONLY)
            assert_told_and_kept(app, screen, message)
        # Writable again: the same form, as it was left, goes through.
        await press_button(pilot, "continue")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)


async def test_a_full_disk_during_the_journey_says_disque_plein(
    service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full", injected at the storage level."""
    app = MesApp(service=TicketedService(service), show_messages=False)
    async with app.run_test(size=SIZE) as pilot:
        fail_writes(monkeypatch, disk_full_error())
        screen = await identify_martine(pilot)
        message = ts.STORAGE_DISK_FULL.format(where=service.storage.path)
        assert_told_and_kept(app, screen, message)
        assert message.startswith("Disque plein")
