"""The first screens of the activation at 80×24: welcome, identification (empty, with errors,
with the serial help of each card), the new-code form and its delivery, the decision (nothing
chosen, then activation with the CGU box) and the CGU being read.

Deterministic: a fake clock, a fresh demo registry, simulated messages not shown (their codes
are random), and the calm preference (no blinking cursor, no animation).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.engine import Go
from mes_tui.models import CardType
from mes_tui.preferences import Preferences
from mes_tui.screens.new_code import CodeDeliveryScreen, CodeRequest
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from tests.functional.journey_helpers import identified, settle

MARTINE_NIR = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"
SIZE = (80, 24)

Steps = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def service(data_dir: Path) -> SimulatedService:
    return open_service(data_dir, clock=FakeClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC)))


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    return MesApp(
        service=TicketedService(service),
        show_messages=False,
        preferences=Preferences(calm=True, show_messages=False),
    )


async def identification(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.press("enter")  # Commencer
    await settle(pilot)


async def serial_help_for(pilot: Pilot[Any], card_key: str) -> None:
    """Identification, a card chosen with its key, then F1 in the serial field."""
    await identification(pilot)
    pilot.app.screen.query_one("#card").focus()
    await pilot.pause()
    await pilot.press(card_key)
    pilot.app.screen.query_one("#serial").focus()
    await pilot.pause()
    await pilot.press("f1")
    await settle(pilot)


async def at_decision(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, MesApp)
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.restart_at(journey.Step.DECISION)
    await settle(pilot)


def test_welcome(app: MesApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE)


def test_identification_empty(app: MesApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=identification)


def test_identification_with_errors(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await identification(pilot)
        await pilot.press(*"HuqZF3KX")  # 8 characters of 12
        pilot.app.screen.query_one("#nir").focus()
        await pilot.pause()
        await pilot.press(*"1163044038016")  # no key
        pilot.app.screen.query_one("#continue").focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_identification_serial_help_sans_photo(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await serial_help_for(pilot, "1")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_identification_serial_help_avec_photo(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await serial_help_for(pilot, "2")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_new_code_form(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.screen.query_one("#generate").focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_code_delivery(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, MesApp)
        request = CodeRequest(
            MARTINE_NIR[:13], date(1976, 6, 16), CardType.SANS_PHOTO, MARTINE_SERIAL
        )
        go = app.engine.find_code_recipient(request)
        assert isinstance(go, Go)
        app.go(go)
        await settle(pilot)
        assert isinstance(app.screen, CodeDeliveryScreen)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_decision_nothing_chosen(app: MesApp, snap_compare: Any) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=at_decision)


def test_decision_activate_with_cgu_box(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_decision(pilot)
        await pilot.press("1")
        pilot.app.screen.query_one("#terms").focus()
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_reading_the_cgu(app: MesApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await at_decision(pilot)
        await pilot.press("1")
        pilot.app.screen.query_one("#read-cgu").focus()
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
