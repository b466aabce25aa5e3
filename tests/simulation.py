"""What tests of the simulated back office do as a front end or a trainer would: save a receipt
(``mes_tui.receipt_writer``), read the code a person just received (the outbox), reach the
trainer's operations (``SimulatedAdmin``)."""

from __future__ import annotations

from pathlib import Path

from mes_tui.receipt_writer import ReceiptWriter
from mes_tui.services import SimulatedAdmin, SimulatedService
from mes_tui.services.api import OutboxMessage


def save_receipt(
    service: SimulatedService,
    nir: str,
    folder: Path | None = None,
    *,
    allowed: tuple[Path, ...] = (),
) -> Path:
    """Save ``nir``'s receipt as the front ends do: into ``folder``, by default the service's
    ``DATA_DIR/justificatifs``; only among ``allowed`` when it is not empty."""
    writer = ReceiptWriter.for_data_dir(service.storage.path.parent, allowed)
    return writer.save(service, nir, folder)


def admin(service: SimulatedService) -> SimulatedAdmin:
    """The trainer's operations on the registry of ``service``."""
    return SimulatedAdmin.beside(service)


def last_message(service: SimulatedService) -> OutboxMessage:
    """The newest simulated message (the outbox): what the person just received."""
    return service.delivery.read_all()[-1]


def last_code(service: SimulatedService) -> str:
    """The code of the newest simulated message."""
    code = last_message(service).code
    assert code is not None
    return code
