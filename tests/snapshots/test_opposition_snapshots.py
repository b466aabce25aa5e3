"""Snapshots at 80×24 of the opposition's confirmation and last screen (before and after the
receipt is saved), a minor's profile page, and the sign-in form.

The receipts folder is shown as ``/srv/mes-tui/justificatifs`` whatever the temporary data
directory, and the file name's random part is fixed, so that the path on screen is the same on
every run (the file itself is written in the temporary directory).

Regenerate with ``pytest tests/snapshots --snapshot-update`` and look at every changed SVG.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.receipt_writer import ReceiptWriter
from mes_tui.screens.profile import ProfileScreen
from mes_tui.services import SimulatedService, TicketedService, demo, open_service, receipts
from mes_tui.services.api import MesService
from mes_tui.services.clock import FakeClock
from mes_tui.widgets import receipt as receipt_widget
from mes_tui.widgets.receipt import ReceiptPanel
from tests.functional.journey_helpers import identified, opposed

NIR = "116304403801618"
SIZE = (80, 24)
SHOWN_FOLDER = Path("/srv/mes-tui/justificatifs")


class ShownFolder(ReceiptWriter):
    """Receipts written in the data folder, but its receipts folder shown as ``SHOWN_FOLDER``."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(SHOWN_FOLDER)
        self.real = ReceiptWriter.for_data_dir(data_dir)

    def save(self, service: MesService, nir: str, folder: Path | None = None) -> Path:
        target = None if folder in (None, SHOWN_FOLDER) else folder
        path = self.real.save(service, nir, target)
        return SHOWN_FOLDER / path.name if target is None else path


@pytest.fixture(autouse=True)
def _same_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same file name on every run, and no print action (it depends on ``lp``)."""
    monkeypatch.setattr(receipts, "_token", lambda: "abcdef")
    monkeypatch.setattr(receipt_widget, "can_print", lambda: False)


def make_app(data_dir: Path) -> tuple[MesApp, SimulatedService]:
    service = open_service(data_dir, clock=FakeClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC)))
    app = MesApp(service=TicketedService(service), show_messages=False)
    app.engine.receipts = ShownFolder(data_dir)
    return app, service


def identify_martine(app: MesApp, service: SimulatedService) -> None:
    identified(app, "HuqZF3KXCz8k", NIR, CardType.SANS_PHOTO, "01024576124")


def oppose_martine(app: MesApp, service: SimulatedService) -> None:
    identify_martine(app, service)
    opposed(app)
    app.session.branch = journey.Branch.OPPOSITION


async def until(pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            break
        await asyncio.sleep(0.01)
        await pilot.pause()
    await pilot.pause()


def test_confirm(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        identify_martine(app, service)
        app.session.branch = journey.Branch.OPPOSITION
        app.restart_at(journey.Step.DECISION)
        app.goto(journey.Step.OPPOSE_CONFIRM)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_done_before_saving(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        oppose_martine(app, service)
        app.restart_at(journey.Step.OPPOSED)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_done_after_saving(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        oppose_martine(app, service)
        app.restart_at(journey.Step.OPPOSED)
        await until(pilot, lambda: app.focused is not None and app.focused.id == "download")
        await pilot.press("enter")
        await until(pilot, lambda: not app.screen.query_one(ReceiptPanel).pending)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    assert (data_dir / "justificatifs" / "justificatif-opposition-2026-11-25-abcdef.pdf").is_file()


def test_profile_of_a_minor(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        app.session.person = service.get_person(NIR)
        app.restart_at(journey.Step.HOME)
        vincent = next(p for p in app.session.person.profiles if p.nir == demo.VINCENT)
        app.push_screen(ProfileScreen(vincent))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_login(snap_compare: Any, data_dir: Path) -> None:
    app, _service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        app.goto(journey.Step.LOGIN)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
