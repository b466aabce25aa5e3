"""The simulated back office: open it with ``open_service``.

    service = open_service()            # MES_TUI_DATA_DIR, or the platform's user data directory
    person = service.identify("HuqZF3KXCz8k", "1 16 30 44 038 016 18", CardType.SANS_PHOTO,
                              "01024576124")

A new data directory is created readable by its owner only and filled with the demo registry.
Heavy or optional dependencies (argon2, keyring, phonenumbers, email-validator) are imported on
first use, never here: the first screen does not need them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from mes_tui.services.clock import Clock, SystemClock
from mes_tui.services.delivery import SimulatedDelivery
from mes_tui.services.hashing import PasswordHashing
from mes_tui.services.origin import ssh_client_address
from mes_tui.services.secrets import KeyProvider, SecretStore
from mes_tui.services.simulated import SimulatedService
from mes_tui.services.storage import Storage, private_dir

DATA_DIR_ENV = "MES_TUI_DATA_DIR"
REGISTRY_FILE = "registry.sqlite3"
OUTBOX_FILE = "outbox.jsonl"

__all__ = [
    "DATA_DIR_ENV",
    "SimulatedService",
    "default_data_dir",
    "open_service",
]


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
    receipt_folders: tuple[Path, ...] = (),
    environ: Mapping[str, str] | None = None,
) -> SimulatedService:
    """The back office on ``data_dir`` (default: ``default_data_dir()``), created and filled with
    the demo registry if new. ``clock``, ``delivery``, ``secret_store`` and ``password_hashing``
    are for tests (a fake clock, a failing outbox, a fixed key, cheap argon2 parameters).
    ``receipt_folders`` restricts where receipts may be written (SSH hosts).

    Each service is a session of its own (``mes_tui.services.origin``): what it fails is counted
    for it, and for the SSH client address found in ``environ`` (default: this process's
    environment), on top of what is counted per NIR and per identifier.

    May raise ``StorageBusy`` (another process holds the registry too long) or ``OSError``
    (the folder cannot be created or written).
    """
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    private_dir(path)
    clock = clock or SystemClock()
    storage = Storage(path / REGISTRY_FILE)
    new = storage.migrate() == 0
    if secret_store is None:
        # A key is made with the registry, never later: a registry that has lost its key
        # says so (KeyMissing) instead of silently voiding its codes and lockouts.
        secret_store = SecretStore(path, may_create=new)
        if new:
            secret_store.key()
    service = SimulatedService(
        storage,
        delivery or SimulatedDelivery(path / OUTBOX_FILE, clock),
        secret_store,
        clock,
        password_hashing=password_hashing,
        receipt_folders=tuple(Path(p) for p in receipt_folders),
        client_address=ssh_client_address(os.environ if environ is None else environ),
    )
    service.seed_if_new()
    storage.tighten_modes()
    return service
