"""Opening the simulated back office on a data directory: ``open_service`` (one session of
``MesService``) and ``open_admin`` (``RegistryAdmin``), re-exported lazily by
``mes_tui.services``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mes_tui import registry_file
from mes_tui.services.admin import SimulatedAdmin as SimulatedAdmin
from mes_tui.services.clock import Clock, SystemClock
from mes_tui.services.delivery import SimulatedDelivery
from mes_tui.services.hashing import PasswordHashing
from mes_tui.services.origin import ssh_client_address
from mes_tui.services.secrets import KeyProvider, SecretStore
from mes_tui.services.simulated import SimulatedService as SimulatedService
from mes_tui.services.storage import Storage, private_dir
from mes_tui.services.tickets import TicketedService as TicketedService

if TYPE_CHECKING:
    from mes_tui.services.api import MessageFeed, MesService, RegistryAdmin

DATA_DIR_ENV = "MES_TUI_DATA_DIR"
REGISTRY_FILE = registry_file.NAME
OUTBOX_FILE = "outbox.jsonl"


def default_data_dir() -> Path:
    """``MES_TUI_DATA_DIR`` if set, else the platform's user data directory for mes-tui."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("mes-tui", appauthor=False))


def open_service(
    data_dir: Path | None = None,
    *,
    clock: Clock | None = None,
    delivery: SimulatedDelivery | None = None,
    secret_store: KeyProvider | None = None,
    password_hashing: PasswordHashing | None = None,
    key_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> SimulatedService:
    """The back office on ``data_dir`` (default: ``default_data_dir()``), created and filled with
    the demo registry if it has no registry file yet. ``clock``, ``delivery``, ``secret_store``
    and ``password_hashing`` are for tests (a fake clock, a failing outbox, a fixed key, cheap
    argon2 parameters).
    ``key_file`` is where the key that hashes codes lives when the administrator chose (SSH
    hosts: outside ``data_dir``), else the keyring or ``data_dir/secret.key``.

    Each service is a session of its own (``mes_tui.services.origin``): what it fails is counted
    for it, and for the SSH client address found in ``environ`` (default: this process's
    environment), on top of what is counted per NIR and per identifier; what it sends reaches
    its own ``feed`` only.

    May raise ``StorageBusy`` (another process holds the registry too long), ``StorageFailed``
    (the registry is damaged, unreadable or unwritable, or the disk full: only a missing
    registry is made, never one that exists but is empty or damaged) or ``OSError`` (the
    folder cannot be created).
    """
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    private_dir(path)
    clock = clock or SystemClock()
    delivery = delivery or SimulatedDelivery(path / OUTBOX_FILE, clock)
    if secret_store is None:
        # A key is made with the registry, never later: a registry that has lost its key
        # says so (KeyMissing) instead of silently voiding its codes and lockouts.
        secret_store = SecretStore(path, may_create=False, key_file=key_file)
    keys = secret_store
    client_address = ssh_client_address(os.environ if environ is None else environ)

    def service_on(storage: Storage) -> SimulatedService:
        return SimulatedService(
            storage,
            delivery,
            keys,
            clock,
            password_hashing=password_hashing,
            client_address=client_address,
        )

    def fill(new: Storage) -> None:
        if isinstance(keys, SecretStore):
            keys.may_create = True  # the registry is new: so may its key be
        SimulatedAdmin.beside(service_on(new)).reset_registry()

    storage = Storage(path / REGISTRY_FILE)
    storage.migrate(create=fill)
    return service_on(storage)


def open_admin(
    data_dir: Path | None = None,
    *,
    clock: Clock | None = None,
    delivery: SimulatedDelivery | None = None,
    secret_store: KeyProvider | None = None,
    password_hashing: PasswordHashing | None = None,
    key_file: Path | None = None,
) -> SimulatedAdmin:
    """The trainer's and administrator's operations on the registry of ``data_dir``, opened
    (created and filled if new) as ``open_service`` opens it."""
    service = open_service(
        data_dir,
        clock=clock,
        delivery=delivery,
        secret_store=secret_store,
        password_hashing=password_hashing,
        key_file=key_file,
        environ={},
    )
    return SimulatedAdmin.beside(service)


if TYPE_CHECKING:

    def _implements(
        service: TicketedService, admin: SimulatedAdmin
    ) -> tuple[MesService, RegistryAdmin, MessageFeed]:
        """Never called: mypy checks here that the simulation implements the interfaces (the
        registry's rules alone, ``SimulatedService``, take a NIR where ``MesService`` takes a
        ticket: it is no ``MesService``)."""
        return service, admin, service.feed
