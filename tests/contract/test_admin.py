"""``RegistryAdmin``: what a trainer reads and does (``mes-tui registry``, ``mes-tui outbox``)."""

from __future__ import annotations

from typing import Any

import pytest

from mes_tui.models import Channel, Status
from mes_tui.services.errors import ImportRejected
from tests.contract.conftest import LUCAS, MARTINE, MARTINE_CODE, Backend

DESIGN_KEYS = {
    "nir",
    "first_name",
    "last_name",
    "birth_date",
    "card_type",
    "card_serial",
    "provisional_code",
    "status",
    "email",
    "mobile",
    "profiles",
}
NEWCOMER: dict[str, Any] = {
    "nir": "2 65 03 69 123 046 88",
    "first_name": "Élise",
    "last_name": "NOUVELLE",
    "birth_date": "1965-03-01",
    "card_type": "sans_photo",
    "card_serial": "01987654322",
    "provisional_code": "Nw4kP8dWs2Gb",
    "email": "elise.nouvelle@exemple.fr",
}


def by_nir(backend: Backend) -> dict[str, dict[str, Any]]:
    return {entry.nir: entry.as_json() for entry in backend.admin.list_registry()}


def test_the_list_has_the_demo_people_with_what_a_trainer_needs(backend: Backend) -> None:
    people = by_nir(backend)
    assert all(DESIGN_KEYS <= set(entry) for entry in people.values())
    martine = people[MARTINE]
    assert (martine["first_name"], martine["last_name"]) == ("Martine Julie", "LEGUELLEC")
    assert martine["provisional_code"] == MARTINE_CODE
    assert martine["status"] == "en_attente" and len(martine["profiles"]) == 5
    assert people[LUCAS]["status"] == "active" and people[LUCAS]["provisional_code"] is None


def test_an_import_adds_people_and_a_bad_row_imports_nothing(backend: Backend) -> None:
    before = by_nir(backend)
    with pytest.raises(ImportRejected) as rejected:
        backend.admin.import_registry([NEWCOMER, {**NEWCOMER, "nir": "pas un NIR"}])
    assert [row for row, _ in rejected.value.problems] == [2]
    assert by_nir(backend) == before
    assert backend.admin.import_registry([NEWCOMER]) == 1
    added = by_nir(backend)["265036912304688"]
    assert added["provisional_code"] == "Nw4kP8dWs2Gb" and added["status"] == "en_attente"


def test_a_reset_brings_the_demo_people_back(backend: Backend) -> None:
    backend.service.oppose(backend.ticket(), MARTINE, expected=Status.EN_ATTENTE)
    backend.admin.import_registry([NEWCOMER])
    backend.admin.reset_registry()
    people = by_nir(backend)
    assert people[MARTINE]["status"] == "en_attente"
    assert people[MARTINE]["provisional_code"] == MARTINE_CODE
    assert "265036912304688" not in people


def test_the_outbox_lists_what_was_sent_newest_last(backend: Backend) -> None:
    ticket = backend.ticket()
    before = backend.admin.outbox()
    assert any(m.purpose == "invitation" and m.code == MARTINE_CODE for m in before)
    backend.service.start_contact_change(ticket, MARTINE, Channel.SMS, "06 11 12 13 14")
    after = backend.admin.outbox()
    assert after[: len(before)] == before
    (new,) = after[len(before) :]
    assert (new.channel, new.to, new.purpose) == (
        Channel.SMS,
        "+33611121314",
        "verification_mobile",
    )
    assert new.code is not None and new.sent_at >= before[-1].sent_at
