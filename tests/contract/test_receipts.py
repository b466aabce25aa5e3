"""The opposition receipt: handed over as bytes with a suggested name, claimed by one session
at a time for 30 s, saved once per decision, never lost when a save does not finish."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mes_tui.models import Status
from mes_tui.services.api import Ticket
from mes_tui.services.errors import ReceiptBusy, ReceiptUnavailable
from tests.contract.conftest import MARTINE, Backend


def opposed(backend: Backend) -> tuple[Ticket, str]:
    """Martine opposed, and the ticket of this session for her."""
    ticket = backend.ticket()
    backend.service.oppose(ticket, MARTINE, expected=Status.EN_ATTENTE)
    return ticket, MARTINE


def test_no_receipt_without_an_opposition(backend: Backend) -> None:
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt(backend.ticket(), MARTINE)


def test_the_receipt_is_a_pdf_with_a_name_that_never_carries_the_nir(backend: Backend) -> None:
    ticket = backend.ticket()
    decision = backend.service.oppose(ticket, MARTINE, expected=Status.EN_ATTENTE)
    receipt = backend.service.receipt(ticket, MARTINE)
    assert receipt.data.startswith(b"%PDF")
    assert receipt.filename.endswith(".pdf") and "/" not in receipt.filename
    assert decision.decided_on.isoformat() in receipt.filename
    assert MARTINE not in receipt.filename and MARTINE[:13] not in receipt.filename


def test_saved_once_per_decision(backend: Backend) -> None:
    ticket, nir = opposed(backend)
    backend.service.receipt(ticket, nir)
    backend.service.receipt_saved(ticket, nir)
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt(ticket, nir)
    other, _ = backend.new_session()
    theirs = backend.ticket(MARTINE, other)
    with pytest.raises(ReceiptUnavailable):
        other.receipt(theirs, nir)
    with pytest.raises(ReceiptUnavailable):  # nothing left to confirm either
        backend.service.receipt_saved(ticket, nir)


def test_claimed_by_one_session_at_a_time(backend: Backend) -> None:
    ticket, nir = opposed(backend)
    backend.service.receipt(ticket, nir)
    other, _ = backend.new_session()
    theirs = backend.ticket(MARTINE, other)
    with pytest.raises(ReceiptBusy) as busy:
        other.receipt(theirs, nir)
    assert 1 <= busy.value.seconds <= 30
    assert f"{busy.value.seconds} s" in busy.value.message
    # The session holding the claim may ask again (another folder, say).
    assert backend.service.receipt(ticket, nir).data.startswith(b"%PDF")
    backend.service.receipt_saved(ticket, nir)
    with pytest.raises(ReceiptUnavailable):
        other.receipt(theirs, nir)


def test_a_released_receipt_can_be_claimed_at_once(backend: Backend) -> None:
    ticket, nir = opposed(backend)
    backend.service.receipt(ticket, nir)
    backend.service.release_receipt(ticket, nir)
    backend.service.release_receipt(ticket, nir)  # no claim left: nothing happens
    other, _ = backend.new_session()
    theirs = backend.ticket(MARTINE, other)
    assert other.receipt(theirs, nir).data.startswith(b"%PDF")
    other.receipt_saved(theirs, nir)


def test_a_claim_never_confirmed_lapses_and_the_receipt_is_not_lost(
    backend: Backend, advance: Callable[[float], None]
) -> None:
    ticket, nir = opposed(backend)
    backend.service.receipt(ticket, nir)  # then this session stops answering
    other, _ = backend.new_session()
    theirs = backend.ticket(MARTINE, other)
    advance(10)
    with pytest.raises(ReceiptBusy) as busy:
        other.receipt(theirs, nir)
    assert busy.value.seconds == 20
    advance(20)
    other.receipt(theirs, nir)
    other.receipt_saved(theirs, nir)
    # The first session comes back too late: its claim was taken over, and it is told so.
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt_saved(ticket, nir)


def test_confirming_without_a_claim_is_refused(backend: Backend) -> None:
    ticket, nir = opposed(backend)
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt_saved(ticket, nir)
    assert backend.service.receipt(ticket, nir).data.startswith(b"%PDF")  # still there
