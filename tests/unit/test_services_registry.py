"""The trainer's view: the demo registry, listing, importing, resetting, the outbox."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from mes_tui.models import CardType, Channel, Status, format_nir, nir_key, normalize_nir
from mes_tui.services import SimulatedService, rules
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    DeliveryFailed,
    IdentificationFailed,
    ImportFileRejected,
    ImportRejected,
    Locked,
    NoPendingCode,
)
from mes_tui.texts import service as ts
from tests.simulation import admin, last_code
from tests.unit.conftest import AVEC, MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS, db_bytes

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


def entries(service: SimulatedService) -> dict[str, Any]:
    return {entry.nir: entry for entry in admin(service).list_registry()}


def row(**values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "nir": "1 55 12 55 555 555 97",
        "first_name": "Paul",
        "last_name": "DUPONT",
        "birth_date": "12/05/1955",
        "card_type": "sans_photo",
        "card_serial": "0123456789",
        "provisional_code": "Pd7kR4mZx2Qw",
        "email": "paul.dupont@exemple.fr",
    }
    base.update(values)
    return base


# -- the demo registry -------------------------------------------------------------------------
def test_demo_registry_matches_the_seed(service: SimulatedService) -> None:
    martine = entries(service)[MARTINE]
    assert martine.nir == "116304403801618"
    assert (martine.first_name, martine.last_name) == ("Martine Julie", "LEGUELLEC")
    assert martine.card_type is CardType.SANS_PHOTO
    assert martine.card_serial == "01024576124"
    assert martine.provisional_code == "HuqZF3KXCz8k"
    assert martine.email == "dlfr-cn5-tma-support-cobra@atos.net"
    assert martine.mobile is None
    assert martine.status is Status.EN_ATTENTE
    assert martine.profiles == (d.VIRGINIE, d.JEAN_JACQUES, d.GERARD, d.BRIGITTE, d.VINCENT)
    virginie = entries(service)[d.VIRGINIE]
    assert (virginie.status, virginie.decided_on) == (Status.OPPOSEE, date(2021, 12, 7))


def test_demo_registry_covers_every_branch(service: SimulatedService) -> None:
    people = admin(service).list_registry()
    assert all(normalize_nir(p.nir) == p.nir for p in people)
    assert any(p.card_type is CardType.AVEC_PHOTO and len(p.card_serial) == 11 for p in people)
    assert any(p.email is None for p in people)
    assert any(p.email and p.mobile for p in people)
    assert any(p.status is Status.ACTIVE and p.identifier for p in people)
    assert any(p.locked_until is not None for p in people)
    assert any(p.status is Status.OPPOSEE and not p.profiles and p.email for p in people)
    assert any(p.nir[5:7] in ("2A", "2B") for p in people)
    names = " ".join(f"{p.first_name} {p.last_name}" for p in people)
    assert all(ch in names for ch in "Œçé")
    for p in people:
        if p.status is Status.ACTIVE:
            assert p.provisional_code is None
        else:
            assert p.provisional_code and len(p.provisional_code) == 12


def test_demo_table_lists_every_demo_person(service: SimulatedService) -> None:
    for person in admin(service).list_registry():
        line = next(line for line in d.DEMO_TABLE.splitlines() if format_nir(person.nir) in line)
        assert person.last_name in line
        assert person.card_serial in line
        assert (person.provisional_code or "(aucun)") in line
    assert d.DEMO_PASSWORD in d.DEMO_TABLE


def test_list_as_json_has_the_design_keys(service: SimulatedService) -> None:
    for entry in admin(service).list_registry():
        data = entry.as_json()
        assert DESIGN_KEYS <= set(data)
        json.dumps(data)


def test_list_shows_the_current_code(service: SimulatedService) -> None:
    service.request_provisional_code("1163044038016", date(1976, 6, 16), SANS, MARTINE_SERIAL)
    sent_code = last_code(service)
    assert sent_code
    assert entries(service)[MARTINE].provisional_code == sent_code
    service.identify(sent_code, MARTINE, SANS, MARTINE_SERIAL)
    assert entries(service)[MARTINE].provisional_code == sent_code
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    assert entries(service)[MARTINE].provisional_code is None


def test_invitations_go_by_email_or_by_letter(service: SimulatedService) -> None:
    invitations = {m.code: m for m in admin(service).outbox() if m.purpose == "invitation"}
    assert invitations[MARTINE_CODE].channel is Channel.EMAIL
    assert invitations[MARTINE_CODE].to == "dlfr-cn5-tma-support-cobra@atos.net"
    jeanne = invitations["Jm5pK8dWs2Ga"]
    assert jeanne.channel is Channel.COURRIER
    assert "Jeanne MARTIN" in jeanne.to
    assert "Jm5pK8dWs2Ga" in jeanne.body


def test_outbox_never_carries_a_nir(service: SimulatedService, data_dir: Path) -> None:
    service.request_provisional_code("1163044038016", date(1976, 6, 16), SANS, MARTINE_SERIAL)
    text = (data_dir / "outbox.jsonl").read_text(encoding="utf-8")
    for person in admin(service).list_registry():
        assert person.nir not in text
        assert format_nir(person.nir) not in text


def test_no_clear_code_in_the_database(service: SimulatedService, data_dir: Path) -> None:
    service.request_provisional_code("1163044038016", date(1976, 6, 16), SANS, MARTINE_SERIAL)
    sent_code = last_code(service)
    service.start_contact_change(d.KARIM, Channel.EMAIL, "karim@exemple.fr")
    challenge_code = last_code(service)
    stored = db_bytes(data_dir)
    codes = [m.code for m in admin(service).outbox() if m.code]
    assert sent_code in codes and challenge_code in codes
    for code in codes:
        assert code.encode() not in stored


# -- reset -------------------------------------------------------------------------------------
def test_reset_restores_the_demo(service: SimulatedService, clock: FakeClock) -> None:
    service.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    admin(service).import_registry([row()])
    service.start_contact_change(MARTINE, Channel.SMS, "0611121314")
    for _ in range(5):
        with pytest.raises((IdentificationFailed, Locked)):
            service.identify(MARTINE_CODE, d.KARIM, AVEC, "04512378900")
    before = len(admin(service).outbox())
    clock.advance(days=2)  # the demo lock had expired; a reset sets it again
    admin(service).reset_registry()
    people = entries(service)
    assert people[MARTINE].status is Status.EN_ATTENTE
    assert people[MARTINE].provisional_code == MARTINE_CODE
    assert normalize_nir(row()["nir"]) not in people
    assert people[d.SOPHIE].locked_until == clock.now() + rules.DEMO_LOCK
    assert service.identify("Kb6zQ9wEr4Tn", d.KARIM, AVEC, "04512378906")  # lock cleared
    with pytest.raises(Locked):
        service.identify("Sr3mV7bXq9Lk", d.SOPHIE, SANS, "01357924680")
    new_messages = admin(service).outbox()[before:]
    assert {m.code for m in new_messages} >= {MARTINE_CODE, "Jm5pK8dWs2Ga"}
    with pytest.raises(NoPendingCode):  # the pending SMS code was cleared
        service.verify_contact_code(MARTINE, Channel.SMS, "123456")


def test_failed_delivery_during_reset_changes_nothing(service: SimulatedService) -> None:
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed):
        admin(service).reset_registry()
    assert entries(service)[MARTINE].status is Status.OPPOSEE


# -- import ------------------------------------------------------------------------------------
def test_import_adds_people_with_their_codes(service: SimulatedService) -> None:
    child = row(
        nir="2 10 03 55 555 555 66",
        first_name="Léa",
        birth_date="2010-03-01",
        provisional_code=None,
        email=None,
    )
    child["nir"] = child["nir"][:-2] + nir_key(child["nir"])
    count = admin(service).import_registry([row(profiles=[child["nir"]]), child])
    assert count == 2
    people = entries(service)
    paul = people[normalize_nir(row()["nir"])]
    assert paul.provisional_code == "Pd7kR4mZx2Qw"
    assert paul.profiles == (normalize_nir(child["nir"]),)
    assert paul.birth_date == date(1955, 5, 12)
    person = service.identify("Pd7kR4mZx2Qw", row()["nir"], SANS, "0123456789")
    assert person.profiles[0].first_name == "Léa"
    assert person.profiles[0].is_minor


def test_import_replaces_existing_people(service: SimulatedService) -> None:
    martine = entries(service)[MARTINE].as_json()
    martine.update(provisional_code="Nv8xT3kPq7Wz", mobile="06 63 78 19 70", profiles=[d.GERARD])
    assert admin(service).import_registry([martine]) == 1
    after = entries(service)[MARTINE]
    assert after.provisional_code == "Nv8xT3kPq7Wz"
    assert after.mobile == "+33663781970"
    assert after.profiles == (d.GERARD,)
    assert len(entries(service)) == 13


def test_list_output_imports_back(service: SimulatedService) -> None:
    rows = [entry.as_json() for entry in admin(service).list_registry()]
    assert admin(service).import_registry(rows) == len(rows)
    assert [e.as_json() for e in admin(service).list_registry()] == rows


def test_import_is_all_or_nothing_and_reports_every_bad_row(service: SimulatedService) -> None:
    before = admin(service).list_registry()
    outbox_before = admin(service).outbox()
    rows: list[Any] = [
        row(),  # 1: good
        row(nir="1 55 12 55 555 555 98", first_name="Anne"),  # 2: wrong key
        row(nir="2 60 01 75 111 222 " + nir_key("2600175111222"), last_name=" "),  # 3
        row(nir=MARTINE, first_name="Mar\x1btine"),  # 4: control character
        row(nir="1 55 12 55 555 555 97"),  # 5: duplicate of row 1
        row(
            nir="2 70 01 75 111 333 " + nir_key("2700175111333"),
            card_type="avec_photo",
            card_serial="123",
            email="pas-une-adresse",
            mobile="01 23 45 67 89",
            status="perdu",
            birth_date="31/02/1970",
            provisional_code="court",
        ),  # 6: many problems at once
        row(
            nir="1 80 01 75 111 444 " + nir_key("1800175111444"),
            profiles=["2 55 12 55 555 555 47"],
        ),  # 7: profile nowhere
        "pas une fiche",  # 8
        row(nir="1 81 01 75 111 555 " + nir_key("1810175111555"), couleur="bleu"),  # 9
        row(
            nir="1 82 01 75 111 666 " + nir_key("1820175111666"),
            status="active",
            identifier="lucas.petit",
        ),  # 10: identifier taken
    ]
    with pytest.raises(ImportRejected) as caught:
        admin(service).import_registry(rows)
    problems = caught.value.problems
    bad_rows = sorted({number for number, _ in problems})
    assert bad_rows == [2, 3, 4, 5, 6, 7, 8, 9, 10]
    row6 = " ".join(reason for number, reason in problems if number == 6)
    for label in ("numéro de série", "e-mail", "mobile", "statut", "date de naissance", "code"):
        assert label in row6
    assert any("ligne 1" in reason for number, reason in problems if number == 5)
    assert all(isinstance(reason, str) and reason for _, reason in problems)
    assert admin(service).list_registry() == before
    assert admin(service).outbox() == outbox_before


def test_import_checks_passwords_and_hashes_them(service: SimulatedService, data_dir: Path) -> None:
    with pytest.raises(ImportRejected) as caught:
        admin(service).import_registry(
            [row(status="active", identifier="paul.dupont", password="Paul#1955a")]
        )
    assert "mot de passe" in caught.value.problems[0][1]
    good = row(status="active", identifier="paul.dupont", password="Vent-Du-Sud9")
    admin(service).import_registry([good])
    assert service.login("paul.dupont", "Vent-Du-Sud9").first_name == "Paul"
    assert b"Vent-Du-Sud9" not in db_bytes(data_dir)


def test_import_of_the_full_printed_serial_of_a_card_with_photo(service: SimulatedService) -> None:
    admin(service).import_registry(
        [row(card_type="avec_photo", card_serial="8025000002 0123456789 1")]
    )
    assert entries(service)[normalize_nir(row()["nir"])].card_serial == "01234567891"


def test_demo_rows_are_what_reset_writes(clock: FakeClock) -> None:
    people = d.demo_people(clock.now())
    assert {p["nir"] for p in people} >= {MARTINE, d.SOPHIE, d.LUCAS}
    sophie = next(p for p in people if p["nir"] == d.SOPHIE)
    assert datetime.fromisoformat(sophie["locked_until"]) == clock.now() + rules.DEMO_LOCK


# -- import: types, loops, bounds ----------------------------------------------------------------
def person(body: str, **values: Any) -> dict[str, Any]:
    """A valid row for the person whose NIR starts with the 13 digits ``body``."""
    return row(nir=body + nir_key(body), **values)


ANNE, BRUNO, CLAIRE = (person(b) for b in ("2600175111222", "1700175111333", "2800175111444"))


def problems_of(service: SimulatedService, rows: list[Any]) -> list[tuple[int, str]]:
    before, sent = admin(service).list_registry(), len(admin(service).outbox())
    with pytest.raises(ImportRejected) as caught:
        admin(service).import_registry(rows)
    assert admin(service).list_registry() == before and len(admin(service).outbox()) == sent
    return caught.value.problems


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "vrai ou faux (true, false)"),
        (False, "vrai ou faux (true, false)"),
        (12345, "un nombre"),
        (1e308, "un nombre"),
        (float("inf"), "un nombre"),
        (["Jean", "Paul"], "une liste"),
        ({"prénom": "Jean"}, "un objet"),
    ],
)
@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("nir", "NIR"),
        ("first_name", "prénom"),
        ("birth_date", "date de naissance"),
        ("card_serial", "numéro de série"),
        ("provisional_code", "code provisoire"),
        ("email", "e-mail"),
        ("status", "statut"),
        ("password", "mot de passe"),
    ],
)
def test_a_value_that_is_not_text_is_refused_never_turned_into_text(
    service: SimulatedService, value: object, kind: str, field: str, label: str
) -> None:
    rows = [row(), {**ANNE, field: value}]
    problems = problems_of(service, rows)
    assert problems == [(2, f"{label} : " + ts.IMPORT_NOT_TEXT.format(kind=kind))]


@pytest.mark.parametrize(
    ("profiles", "reason"),
    [
        (12345, ts.IMPORT_PROFILES_NOT_LIST.format(kind="un nombre")),
        (True, ts.IMPORT_PROFILES_NOT_LIST.format(kind="vrai ou faux (true, false)")),
        ({"nir": MARTINE}, ts.IMPORT_PROFILES_NOT_LIST.format(kind="un objet")),
        (
            [MARTINE, 116304403801618],
            ts.IMPORT_PROFILE_NOT_TEXT.format(position=2, kind="un nombre"),
        ),
        ([[MARTINE]], ts.IMPORT_PROFILE_NOT_TEXT.format(position=1, kind="une liste")),
    ],
)
def test_profiles_are_texts(service: SimulatedService, profiles: object, reason: str) -> None:
    assert problems_of(service, [{**ANNE, "profiles": profiles}]) == [
        (1, f"profils rattachés : {reason}")
    ]


def cycle(path: str) -> str:
    return "profils rattachés : " + ts.IMPORT_CYCLE.format(path=path)


def test_attachments_that_loop_are_refused_naming_the_rows(service: SimulatedService) -> None:
    anne, bruno, claire = (p["nir"] for p in (ANNE, BRUNO, CLAIRE))
    # A holds B, B holds A.
    assert problems_of(service, [{**ANNE, "profiles": [bruno]}, {**BRUNO, "profiles": [anne]}]) == [
        (1, cycle("ligne 1 → ligne 2 → ligne 1"))
    ]
    # A → B → C → A, listed in another order: told from its first row.
    rows = [
        {**BRUNO, "profiles": [claire]},
        row(),
        {**CLAIRE, "profiles": [anne]},
        {**ANNE, "profiles": [bruno]},
    ]
    assert problems_of(service, rows) == [(1, cycle("ligne 1 → ligne 3 → ligne 4 → ligne 1"))]
    # Oneself.
    assert problems_of(service, [{**ANNE, "profiles": [anne]}]) == [
        (1, "profils rattachés : " + ts.IMPORT_PROFILE_SELF)
    ]


def test_a_loop_closed_through_the_registry_is_refused(service: SimulatedService) -> None:
    """Martine (in the registry) holds Virginie: a file making Virginie hold Martine would
    let each decide for the other."""
    virginie = entries(service)[d.VIRGINIE].as_json()
    virginie["profiles"] = [MARTINE]
    shown = f"{format_nir(MARTINE)} (registre)"
    assert problems_of(service, [virginie]) == [(1, cycle(f"ligne 1 → {shown} → ligne 1"))]
    # The same file that also gives Martine other profiles has no loop any more.
    martine = entries(service)[MARTINE].as_json()
    martine["profiles"] = [d.GERARD]
    assert admin(service).import_registry([virginie, martine]) == 2
    assert entries(service)[d.VIRGINIE].profiles == (MARTINE,)


def test_a_chain_of_attachments_is_no_loop(service: SimulatedService) -> None:
    bruno, claire = BRUNO["nir"], CLAIRE["nir"]
    rows = [{**ANNE, "profiles": [bruno, claire]}, {**BRUNO, "profiles": [claire]}, CLAIRE]
    assert admin(service).import_registry(rows) == 3


def test_an_import_without_anybody_is_refused(service: SimulatedService) -> None:
    with pytest.raises(ImportFileRejected) as caught:
        admin(service).import_registry([])
    assert caught.value.message == ts.IMPORT_EMPTY


def test_an_import_is_bounded_in_rows_passwords_and_profiles(
    service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "IMPORT_MAX_ROWS", 3)
    with pytest.raises(ImportFileRejected) as caught:
        admin(service).import_registry([ANNE, BRUNO, CLAIRE, row()])
    assert caught.value.message == ts.IMPORT_TOO_MANY_ROWS.format(max=3)
    monkeypatch.setattr(rules, "IMPORT_MAX_PASSWORDS", 1)
    active = {"status": "active", "password": "Vent-Du-Sud9"}
    rows = [{**ANNE, **active, "identifier": "anne.a"}, {**BRUNO, **active, "identifier": "b.b"}]
    with pytest.raises(ImportFileRejected) as caught:
        admin(service).import_registry(rows)
    assert caught.value.message == ts.IMPORT_TOO_MANY_PASSWORDS.format(count=2, max=1)
    monkeypatch.setattr(rules, "IMPORT_MAX_PROFILES", 1)
    two = [BRUNO["nir"], CLAIRE["nir"]]
    assert problems_of(service, [{**ANNE, "profiles": two}, BRUNO, CLAIRE]) == [
        (1, "profils rattachés : " + ts.IMPORT_TOO_MANY_PROFILES.format(max=1))
    ]
