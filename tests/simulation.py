"""What tests of the simulated back office do as a front end or a trainer would: save a receipt
(``mes_tui.receipt_writer``), read the code a person just received (the outbox), reach the
trainer's operations (``SimulatedAdmin``), sign a demo person in (a ticket)."""

from __future__ import annotations

from pathlib import Path

from mes_tui.receipt_writer import ReceiptWriter
from mes_tui.services import SimulatedAdmin, SimulatedService, TicketedService
from mes_tui.services import demo as demo_registry
from mes_tui.services.api import MesService, OutboxMessage, RegistryAdmin, Ticket


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


def sign_in(service: MesService, admin: RegistryAdmin, nir: str) -> Ticket:
    """A ticket for the demo person ``nir`` on ``service``, as the person gets one: identified
    with their current provisional code (as a trainer reads it), or with a new one sent to
    them when it was used."""
    (entry,) = [entry for entry in admin.list_registry() if entry.nir == nir]
    if entry.provisional_code is None:
        service.request_provisional_code(
            nir[:13], entry.birth_date, entry.card_type, entry.card_serial
        )
        (entry,) = [entry for entry in admin.list_registry() if entry.nir == nir]
    assert entry.provisional_code is not None
    return service.identify(entry.provisional_code, nir, entry.card_type, entry.card_serial).ticket


def ticket_for(service: TicketedService, nir: str = demo_registry.MARTINE) -> Ticket:
    """A ticket of ``service``'s session for the demo person ``nir``, as ``sign_in`` gets one."""
    return sign_in(service, admin(service.inner), nir)
