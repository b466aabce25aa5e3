"""The contact-details screens at 80×24: the summary, the mobile form with its +33 prefix and an
error, and the one-time code screen. Deliveries are not shown (their codes are random)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType, Channel
from mes_tui.screens.contacts import ContactEditScreen, OtpScreen
from mes_tui.services import TicketedService, open_service
from mes_tui.services.clock import FakeClock
from tests.functional.journey_helpers import identified, settle

MARTINE_NIR = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"
SIZE = (80, 24)


@pytest.fixture
def app(data_dir: Path) -> MesApp:
    clock = FakeClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    service = open_service(data_dir, clock=clock)
    app = MesApp(service=TicketedService(service), show_messages=False)
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    return app


def test_contacts_summary(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app.goto(journey.Step.CONTACTS)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_contacts_mobile_form_with_error(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app.goto(journey.Step.CONTACTS)
        await pilot.pause()
        app.push_screen(ContactEditScreen(Channel.SMS))
        await pilot.pause()
        await pilot.press(*"01 23 45 67 89", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_contacts_email_form(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app.goto(journey.Step.CONTACTS)
        await pilot.pause()
        app.push_screen(ContactEditScreen(Channel.EMAIL))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_contacts_code_screen(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app.goto(journey.Step.CONTACTS)
        await pilot.pause()
        app.push_screen(ContactEditScreen(Channel.SMS))
        await pilot.pause()
        await pilot.press(*"6 11 12 13 14", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OtpScreen)
        await pilot.pause()
        app.screen.query_one("#code", Input).focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
