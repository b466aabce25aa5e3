"""Fixtures for driving the app with Pilot against a simulated back office on a temp folder."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mes_tui.app import MesApp
from mes_tui.backoffice import BackOffice
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services.clock import FakeClock
from mes_tui.services.hashing import PasswordHashing

# The demo people of the seed (see mes_tui/services/demo.py).
MARTINE_NIR = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"


NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder filled once (per test process) with the demo registry as of ``NOW``, then
    copied for each test: a copy is several times cheaper than a new registry."""
    template = tmp_path_factory.mktemp("template") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MES_TUI_KEYRING", "off")
        open_service(template, clock=FakeClock(NOW))
    return template


@pytest.fixture
def service(data_dir: Path, clock: FakeClock, demo_template: Path):  # type: ignore[no-untyped-def]
    """The demo registry on ``clock``, with cheap argon2 parameters: hashing is not what the
    screens are tested for (tests/unit checks the real parameters)."""
    shutil.copytree(demo_template, data_dir)
    return open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())


@pytest.fixture
def app(service) -> MesApp:  # type: ignore[no-untyped-def]
    return MesApp(
        back_office=BackOffice(service=TicketedService(service), messages=service.feed),
        show_messages=True,
    )


# -- the plain mode ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """For the plain mode: a data directory filled once with the demo registry, copied for
    each test."""
    template = tmp_path_factory.mktemp("plain-template") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MES_TUI_KEYRING", "off")
        open_service(template, clock=FakeClock())
    return template


@pytest.fixture
def fake_clock() -> FakeClock:
    """28/09/2021, the date of the seed's receipt."""
    return FakeClock(datetime(2021, 9, 28, 10, 0, tzinfo=UTC))


@pytest.fixture
def plain_service(
    data_dir: Path, fake_clock: FakeClock, registry_template: Path
) -> SimulatedService:
    shutil.copytree(registry_template, data_dir)
    return open_service(data_dir, clock=fake_clock, password_hashing=PasswordHashing.fast())
