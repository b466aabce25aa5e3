"""Snapshots at 80×24 of the credentials form, the activation confirmation and the home page.

Regenerate with ``pytest tests/snapshots --snapshot-update`` and look at every changed SVG.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.screens.credentials import CredentialsScreen, SuggestionLink
from mes_tui.services import TicketedService, open_service
from mes_tui.services.clock import FakeClock
from tests.functional.journey_helpers import identified, settle, wait_for

NIR = "116304403801618"
SIZE = (80, 24)


def make_app(data_dir: Path) -> tuple[MesApp, Any]:
    service = open_service(data_dir, clock=FakeClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC)))
    service.draw = random.Random(1976).randrange  # the same suggestions each time
    return MesApp(service=TicketedService(service), show_messages=False), service


def identify_martine(app: MesApp, service: Any) -> None:
    identified(app, "HuqZF3KXCz8k", NIR, CardType.SANS_PHOTO, "01024576124")
    app.session.accepted_terms = True


def activated(app: MesApp, service: Any) -> None:
    identify_martine(app, service)
    service.activate(
        NIR,
        "martine.leguellec",
        "Vert&Olive2024",
        accepted_terms=True,
        expected=service.get_person(NIR).status,
    )
    app.session.person = service.get_person(NIR)
    app.session.identifier = "martine.leguellec"


def test_credentials_form(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        identify_martine(app, service)
        app.goto(journey.Step.CREDENTIALS)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_credentials_taken_identifier_and_checklist(snap_compare: Any, data_dir: Path) -> None:
    """Suggestions for a taken identifier; the checklist with rules met and missing."""
    app, service = make_app(data_dir)

    def focused_id() -> str | None:
        return app.screen.focused.id if app.screen.focused is not None else None

    async def run_before(pilot: Pilot[Any]) -> None:
        identify_martine(app, service)
        app.goto(journey.Step.CREDENTIALS)
        # Each step waits for what it needs, however slow the machine: the form shown with
        # its first field focused, the suggestions back from the service, the password typed.
        await wait_for(pilot, lambda: isinstance(app.screen, CredentialsScreen))
        await wait_for(pilot, lambda: focused_id() == "identifier")
        await pilot.press(*"lucas.petit", "tab")
        await wait_for(pilot, lambda: bool(app.screen.query(SuggestionLink)))
        await wait_for(pilot, lambda: focused_id() == "password")
        await pilot.press(*"abc7")
        await wait_for(pilot, lambda: app.screen.query_one("#password", Input).value == "abc7")
        # The form scrolls to keep the password and its checklist in view a frame later: until
        # the screen stops changing.
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_activated(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        activated(app, service)
        app.restart_at(journey.Step.ACTIVATED)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_home(snap_compare: Any, data_dir: Path) -> None:
    app, service = make_app(data_dir)

    async def run_before(pilot: Pilot[Any]) -> None:
        activated(app, service)
        app.restart_at(journey.Step.HOME)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
