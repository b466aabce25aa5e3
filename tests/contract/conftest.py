"""The promises of the back-office interfaces (``mes_tui.services.api``) that any implementation
must keep, run against each implementation through the ``backend`` fixture, as harlequin runs
its adapter tests against every adapter.

One implementation exists today, the simulation (``simulated``). Another joins by adding a
function to ``IMPLEMENTATIONS`` that builds a ``Backend`` on the demo registry (DESIGN.md): its
person-facing service, its administration, its message feed if it has one, a way to open more
sessions on the same registry, in this process and in others. A test gets the ticket a call
about a person needs as that person would (``Backend.ticket``: identified with the provisional
code the administration lists, or a new one sent to them), through the interfaces only.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mes_tui.services.api import MessageFeed, MesService, RegistryAdmin, Ticket
from tests.simulation import sign_in

# The demo registry of DESIGN.md, as every implementation starts (and ``reset_registry`` makes).
MARTINE = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
KARIM = "178077511408918"
FRANCOISE = "268011305509814"
LUCAS = "182061305507167"
PASSWORD = "Tournesol#2024"


@dataclass
class Backend:
    """One implementation of the interfaces, on a registry of its own holding the demo people."""

    name: str
    service: MesService
    admin: RegistryAdmin
    messages: MessageFeed | None
    """The feed of ``service``'s session; None where the implementation has none."""
    new_session: Callable[[], tuple[MesService, MessageFeed | None]]
    """Another session on the same registry (another desk, another SSH connection)."""
    open_elsewhere: Callable[[], tuple[MesService, RegistryAdmin]]
    """Opens a session on the same registry, and its administration; picklable, to be called in
    another process."""
    advance: Callable[[float], None] | None
    """Moves the implementation's time on by that many seconds; None where it cannot."""

    def ticket(self, nir: str = MARTINE, service: MesService | None = None) -> Ticket:
        """A ticket for the demo person ``nir`` on ``service`` (default: ``self.service``)."""
        return sign_in(service if service is not None else self.service, self.admin, nir)


# -- the simulation ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def simulated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder filled once with the demo registry, copied for each test."""
    from mes_tui.services import open_service
    from mes_tui.services.clock import FakeClock

    template = tmp_path_factory.mktemp("contract-template") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MES_TUI_KEYRING", "off")
        open_service(template, clock=FakeClock())
    return template


def open_simulated_session(data_dir: Path) -> tuple[MesService, RegistryAdmin]:
    """A session of the simulation on ``data_dir``, on the system clock, cheap argon2, and its
    administration."""
    from mes_tui.services import SimulatedAdmin, TicketedService, open_service
    from mes_tui.services.hashing import PasswordHashing

    simulation = open_service(data_dir, password_hashing=PasswordHashing.fast())
    return TicketedService(simulation), SimulatedAdmin.beside(simulation)


def simulated(tmp_path: Path, template: Path) -> Backend:
    from mes_tui.services import SimulatedAdmin, TicketedService, open_service
    from mes_tui.services.clock import FakeClock
    from mes_tui.services.hashing import PasswordHashing

    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    clock = FakeClock()

    def session() -> tuple[MesService, MessageFeed | None]:
        simulation = open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())
        return TicketedService(simulation), simulation.feed

    simulation = open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())
    return Backend(
        name="simulated",
        service=TicketedService(simulation),
        admin=SimulatedAdmin.beside(simulation),
        messages=simulation.feed,
        new_session=session,
        open_elsewhere=functools.partial(open_simulated_session, data_dir),
        advance=lambda seconds: clock.advance(seconds=seconds),
    )


IMPLEMENTATIONS: dict[str, Callable[[Path, Path], Backend]] = {"simulated": simulated}


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, simulated_template: Path
) -> Iterator[Backend]:
    yield IMPLEMENTATIONS[request.param](tmp_path, simulated_template)


@pytest.fixture
def feed(backend: Backend) -> MessageFeed:
    """The message feed of ``backend``'s session; the test is skipped where there is none."""
    if backend.messages is None:
        pytest.skip(f"{backend.name}: no simulated messages")
    return backend.messages


@pytest.fixture
def advance(backend: Backend) -> Callable[[float], None]:
    """How to move ``backend``'s time on; the test is skipped where it cannot be moved."""
    if backend.advance is None:
        pytest.skip(f"{backend.name}: its time cannot be moved")
    return backend.advance
