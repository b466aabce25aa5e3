"""Fixtures for driving the app with Pilot against a simulated back office on a temp folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mes_tui.app import MesApp
from mes_tui.services import open_service
from mes_tui.services.clock import FakeClock

# The demo people of the seed (see mes_tui/services/demo.py).
MARTINE_NIR = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))


@pytest.fixture
def service(data_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    return open_service(data_dir, clock=clock)


@pytest.fixture
def app(service) -> MesApp:  # type: ignore[no-untyped-def]
    return MesApp(service=service, show_messages=True)
