"""The simulated back office: open it with ``open_service`` (one session of the registry's
rules, whose ``feed`` is its ``MessageFeed``), wrap it in ``TicketedService`` (``MesService``:
each call about a person needs the ticket of its identification), and ``SimulatedAdmin.beside``
(``RegistryAdmin``). The front ends receive them from ``mes_tui.backoffice``, which builds them
from the settings.

    simulation = open_service()         # MES_TUI_DATA_DIR, or the platform's user data directory
    service = TicketedService(simulation)
    ticket, person = service.identify("HuqZF3KXCz8k", "1 16 30 44 038 016 18",
                                      CardType.SANS_PHOTO, "01024576124")
    admin = SimulatedAdmin.beside(simulation)   # or open_admin(): the same registry, outbox, key

A new data directory is created readable by its owner only and filled with the demo registry.
Heavy or optional dependencies (argon2, keyring, phonenumbers, email-validator) are imported on
first use, never here: the first screen does not need them. Nor is the simulation itself: the
names below come from ``mes_tui.services.opening`` when first asked for, so that importing
``mes_tui.services.errors`` or ``.api`` reads neither SQLite nor pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mes_tui.services.opening import (
        DATA_DIR_ENV,
        OUTBOX_FILE,
        REGISTRY_FILE,
        SimulatedAdmin,
        SimulatedService,
        TicketedService,
        default_data_dir,
        open_admin,
        open_service,
    )

__all__ = [
    "DATA_DIR_ENV",
    "OUTBOX_FILE",
    "REGISTRY_FILE",
    "SimulatedAdmin",
    "SimulatedService",
    "TicketedService",
    "default_data_dir",
    "open_admin",
    "open_service",
]

_FROM_OPENING = frozenset(__all__)


def __getattr__(name: str) -> Any:
    """The simulation's names, imported on first use (then kept here like any other)."""
    if name not in _FROM_OPENING:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from mes_tui.services import opening

    value = getattr(opening, name)
    globals()[name] = value
    return value
