"""Fixtures for the service tests: a fresh demo registry on a fake clock, with cheap argon2."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mes_tui.models import CardType
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import demo as demo_registry
from mes_tui.services.clock import FakeClock
from mes_tui.services.hashing import PasswordHashing
from tests.simulation import last_code, last_message, save_receipt

__all__ = ["last_code", "last_message", "save_receipt"]

MARTINE = demo_registry.MARTINE
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"
SANS = CardType.SANS_PHOTO
AVEC = CardType.AVEC_PHOTO


@pytest.fixture
def clock() -> FakeClock:
    """28/09/2021, 12:00 in Paris: the date of the seed's receipt."""
    return FakeClock()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory filled once with the demo registry (on the default fake clock), copied
    for each test: filling one takes longer than copying it."""
    template = tmp_path_factory.mktemp("template") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MES_TUI_KEYRING", "off")
        open_service(template, clock=FakeClock())
    return template


@pytest.fixture
def service(data_dir: Path, clock: FakeClock, demo_template: Path) -> SimulatedService:
    """The demo registry in ``data_dir``, on ``clock``, with cheap argon2 parameters."""
    shutil.copytree(demo_template, data_dir)
    return open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())


@pytest.fixture
def new_session(
    service: SimulatedService, data_dir: Path, clock: FakeClock
) -> Callable[..., SimulatedService]:
    """Another session on the same registry and clock: ``new_session()`` at a desk, or
    ``new_session("203.0.113.7")`` over SSH from that client address (as sshd says it)."""

    def make(client: str | None = None) -> SimulatedService:
        environ = {"SSH_CONNECTION": f"{client} 52144 192.0.2.1 22"} if client else {}
        return open_service(
            data_dir, clock=clock, password_hashing=PasswordHashing.fast(), environ=environ
        )

    return make


def db_bytes(data_dir: Path) -> bytes:
    """Everything the registry holds on disk: the database and its WAL."""
    return b"".join(
        path.read_bytes() for path in sorted(data_dir.glob("registry.sqlite3*")) if path.is_file()
    )
