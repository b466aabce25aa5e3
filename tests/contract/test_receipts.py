"""The opposition receipt: handed over as bytes with a suggested name, claimed by one session
at a time for 30 s, saved once per decision, never lost when a save does not finish."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mes_tui.models import Status
from mes_tui.services.errors import ReceiptBusy, ReceiptUnavailable
from tests.contract.conftest import MARTINE, Backend


def opposed(backend: Backend) -> str:
    backend.service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    return MARTINE


def test_no_receipt_without_an_opposition(backend: Backend) -> None:
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt(MARTINE)


def test_the_receipt_is_a_pdf_with_a_name_that_never_carries_the_nir(backend: Backend) -> None:
    decision = backend.service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    receipt = backend.service.receipt(MARTINE)
    assert receipt.data.startswith(b"%PDF")
    assert receipt.filename.endswith(".pdf") and "/" not in receipt.filename
    assert decision.decided_on.isoformat() in receipt.filename
    assert MARTINE not in receipt.filename and MARTINE[:13] not in receipt.filename


def test_saved_once_per_decision(backend: Backend) -> None:
    nir = opposed(backend)
    backend.service.receipt(nir)
    backend.service.receipt_saved(nir)
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt(nir)
    other, _ = backend.new_session()
    with pytest.raises(ReceiptUnavailable):
        other.receipt(nir)
    with pytest.raises(ReceiptUnavailable):  # nothing left to confirm either
        backend.service.receipt_saved(nir)


def test_claimed_by_one_session_at_a_time(backend: Backend) -> None:
    nir = opposed(backend)
    backend.service.receipt(nir)
    other, _ = backend.new_session()
    with pytest.raises(ReceiptBusy) as busy:
        other.receipt(nir)
    assert 1 <= busy.value.seconds <= 30
    assert f"{busy.value.seconds} s" in busy.value.message
    # The session holding the claim may ask again (another folder, say).
    assert backend.service.receipt(nir).data.startswith(b"%PDF")
    backend.service.receipt_saved(nir)
    with pytest.raises(ReceiptUnavailable):
        other.receipt(nir)


def test_a_released_receipt_can_be_claimed_at_once(backend: Backend) -> None:
    nir = opposed(backend)
    backend.service.receipt(nir)
    backend.service.release_receipt(nir)
    backend.service.release_receipt(nir)  # no claim left: nothing happens
    other, _ = backend.new_session()
    assert other.receipt(nir).data.startswith(b"%PDF")
    other.receipt_saved(nir)


def test_a_claim_never_confirmed_lapses_and_the_receipt_is_not_lost(
    backend: Backend, advance: Callable[[float], None]
) -> None:
    nir = opposed(backend)
    backend.service.receipt(nir)  # then this session stops answering
    other, _ = backend.new_session()
    advance(10)
    with pytest.raises(ReceiptBusy) as busy:
        other.receipt(nir)
    assert busy.value.seconds == 20
    advance(20)
    other.receipt(nir)
    other.receipt_saved(nir)
    # The first session comes back too late: its claim was taken over, and it is told so.
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt_saved(nir)


def test_confirming_without_a_claim_is_refused(backend: Backend) -> None:
    nir = opposed(backend)
    with pytest.raises(ReceiptUnavailable):
        backend.service.receipt_saved(nir)
    assert backend.service.receipt(nir).data.startswith(b"%PDF")  # still there
