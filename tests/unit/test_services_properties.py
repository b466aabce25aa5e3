"""Properties of every service entry point, on arbitrary and hostile text.

Whatever a person types or pastes, and whatever a trainer's file holds:

* a call returns, or raises a ``ServiceError`` whose message is a French sentence without
  control characters (``ImportRejected`` for imports): never another exception;
* nothing is lost: the registry stays sound (``PRAGMA integrity_check``), every person is still
  there, every status is one of the three and dated consistently;
* nothing hostile is accepted: a value that is accepted comes back normalised to plain ASCII
  (codes, NIR, serials, identifiers, mobiles) or, for names, without control characters.

The service is shared by the examples of one test (opening one per example would make the run
long): state accumulates (lockouts, decisions), and the properties must hold all the same.
"""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mes_tui.models import CardType, Channel, PersonView, Status, format_nir, nir_key
from mes_tui.services import SimulatedService
from mes_tui.services import demo as d
from mes_tui.services.errors import (
    DeliveryFailed,
    IdentificationFailed,
    ImportRejected,
    InvalidInput,
    ResendTooSoon,
    ServiceError,
)
from mes_tui.texts.safe import printable
from tests.simulation import admin, last_code, last_message, save_receipt
from tests.unit.conftest import MARTINE, MARTINE_CODE, MARTINE_SERIAL

# -- the curated list of the issue -----------------------------------------------------------------
MEGABYTE = "A" * 1_000_000
HOSTILE: list[str] = [
    "[/]",
    "[b]",
    "[@click=app.quit]x[/]",
    "[$accent]",
    "[b]Jean[/b]",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "\x1b[31mrouge\x1b[0m",
    "".join(chr(c) for c in range(0x20)),  # every C0 control character, NUL included
    "".join(chr(c) for c in range(0x7F, 0xA0)),  # DEL and every C1 control character
    "\x00",
    "\x9b2J",  # C1 CSI
    "\u202egnp.exe",  # right-to-left override
    "a\u200bb\u200cc\u200dd\u2060e\ufeff",  # zero-width characters
    "１６３０４４０３８０１６１８",  # full-width digits
    "١١٦٣٠٤٤٠٣٨٠١٦١٨",  # Arabic-Indic digits
    "۱۲۳۴۵۶",  # extended Arabic-Indic digits
    "😀👨‍👩‍👧‍👦🇫🇷",
    "Ａｚｕｒ＆Ｍｅｎｔｈｅ４２",
    "x" * 5_000,  # a very long name
    "\ud800",  # a lone surrogate (undecodable bytes read with surrogateescape)
    "   ",
    "",
]

# Any character Python can hold, lone surrogates included.
ANY_CHAR = st.characters(codec=None, categories=None)
ANY_TEXT = st.text(ANY_CHAR, max_size=40)


def _insert(value: str) -> st.SearchStrategy[str]:
    """``value`` with one hostile piece inserted somewhere, or one of its characters replaced by
    a look-alike (full-width or Arabic-Indic digit)."""

    def build(position: int, piece: str) -> str:
        at = position % (len(value) + 1)
        return value[:at] + piece + value[at:]

    pieces = st.sampled_from([h for h in HOSTILE if len(h) < 100]) | st.text(ANY_CHAR, max_size=2)
    return st.builds(build, st.integers(min_value=0, max_value=60), pieces)


def text_near(*valid: str) -> st.SearchStrategy[str]:
    """Arbitrary text, the curated hostile values, and valid values with a hostile part."""
    near = [_insert(value) for value in valid]
    return st.one_of(ANY_TEXT, st.sampled_from(HOSTILE), *near)


CARD_TYPES: st.SearchStrategy[Any] = st.sampled_from(list(CardType)) | st.sampled_from(
    ["sans_photo ", "AVEC_PHOTO", "[b]", "\x1b[2J", ""]
)
STATUSES: st.SearchStrategy[Any] = st.sampled_from(list(Status)) | st.sampled_from(
    ["opposée", "ACTIVE", "\x00", ""]
)
CHANNELS: st.SearchStrategy[Any] = st.sampled_from(list(Channel)) | st.sampled_from(
    ["mail", "[b]", "\u202esms", ""]
)
NIRS = text_near(format_nir(MARTINE), MARTINE, d.KARIM, d.MARIE_ANGE.lower())
NIR13 = text_near(MARTINE[:13], format_nir(MARTINE[:13]))
CODES = text_near(MARTINE_CODE)
SERIALS = text_near(MARTINE_SERIAL, "0102457612 4")
EMAILS = text_near("mickael.rousset@atos.net", "a@b.fr")
MOBILES = text_near("06 11 12 13 14", "+33611121314")
OTPS = text_near("034567", "034 567")
IDENTIFIERS = text_near("martine.leguellec", "lucas.petit")
PASSWORDS = text_near("Tournesol#2024", d.DEMO_PASSWORD)
BIRTH_DATES: st.SearchStrategy[Any] = st.one_of(
    text_near("16/06/1976", "1976-06-16"), st.dates(min_value=date(1800, 1, 1))
)

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# -- the checks ------------------------------------------------------------------------------------
def is_clean(text: str) -> bool:
    """No control, invisible or unassigned character: safe to print on a terminal as it is."""
    return printable(text) == text and "\n" not in text


def run(call: Callable[[], Any]) -> Any:
    """``call()``'s result, or the ``ServiceError`` it raised, after checking its message."""
    try:
        return call()
    except ServiceError as error:
        assert error.message.strip(), type(error).__name__
        assert is_clean(error.message), repr(error.message)
        return error


def registry_rows(service: SimulatedService) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(service.storage.path)) as conn:
        return conn.execute(
            "SELECT nir, first_name, last_name, status, decided_on FROM people ORDER BY nir"
        ).fetchall()


def assert_sound(service: SimulatedService, people: int) -> None:
    """The registry passes ``integrity_check`` and still holds ``people`` coherent people."""
    with closing(sqlite3.connect(service.storage.path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    rows = registry_rows(service)
    assert len(rows) == people
    for _, _, _, status, decided_on in rows:
        assert status in {s.value for s in Status}
        assert (decided_on is None) == (status == Status.EN_ATTENTE.value)


def ascii_printable(value: str) -> bool:
    return value.isascii() and value.isprintable()


@pytest.fixture
def people(service: SimulatedService) -> Iterator[int]:
    """How many people the demo registry holds; checked again after the test."""
    count = len(registry_rows(service))
    yield count
    assert_sound(service, count)


# -- identification --------------------------------------------------------------------------------
@PROPERTY
@given(code=CODES, nir=NIRS, card_type=CARD_TYPES, serial=SERIALS)
def test_identify_never_fails_badly(
    service: SimulatedService, people: int, code: str, nir: str, card_type: Any, serial: str
) -> None:
    result = run(lambda: service.identify(code, nir, card_type, serial))
    if isinstance(result, PersonView):
        # Only Martine's own code, NIR and card identify anybody, and only her.
        assert result.nir == MARTINE
        assert code.strip() == MARTINE_CODE


@PROPERTY
@given(nir13=NIR13, born=BIRTH_DATES, card_type=CARD_TYPES, serial=SERIALS)
def test_code_requests_never_fail_badly(
    service: SimulatedService, people: int, nir13: str, born: Any, card_type: Any, serial: str
) -> None:
    masked = run(lambda: service.find_code_recipient(nir13, born, card_type, serial))
    if isinstance(masked, str):
        assert is_clean(masked)
    sent = run(lambda: service.request_provisional_code(nir13, born, card_type, serial))
    last_code(service)
    if not isinstance(sent, ServiceError):
        assert last_message(service).to == "dlfr-cn5-tma-support-cobra@atos.net"


# -- decisions and receipts ------------------------------------------------------------------------
@PROPERTY
@given(
    nir=NIRS,
    profile=text_near(d.BRIGITTE, format_nir(d.VIRGINIE)),
    status=STATUSES,
    expected=STATUSES,
    certified=st.booleans(),
)
def test_decisions_never_fail_badly(
    service: SimulatedService,
    people: int,
    nir: str,
    profile: str,
    status: Any,
    expected: Any,
    certified: bool,
) -> None:
    run(lambda: service.get_person(nir))
    run(lambda: service.oppose(nir, expected=expected))
    run(
        lambda: service.decide_profile(
            nir, profile, status, expected=expected, certified_legal_representative=certified
        )
    )
    run(lambda: service.close_space(nir))


def give_the_receipt_back(service: SimulatedService) -> None:
    """Make Martine's receipt available again, as a new decision would."""
    service.storage.write(
        lambda conn: conn.execute(
            "UPDATE people SET receipt_available = 1 WHERE nir = ?", (MARTINE,)
        )
    )


@settings(PROPERTY, max_examples=25)  # each example writes a PDF or two
@given(folder=st.one_of(st.sampled_from(HOSTILE), st.text(ANY_CHAR, min_size=1, max_size=30)))
def test_a_hostile_receipt_folder_is_refused_clearly_and_the_receipt_stays_available(
    service: SimulatedService, people: int, tmp_path: Path, folder: str
) -> None:
    if service.get_person(MARTINE).status is not Status.OPPOSEE:
        service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    result = run(lambda: save_receipt(service, MARTINE, tmp_path / "dossiers" / folder))
    if isinstance(result, Path):
        assert result.read_bytes().startswith(b"%PDF")
        give_the_receipt_back(service)
    else:
        assert isinstance(result, InvalidInput), result
        assert result.field == "folder"
    # Whatever happened with that folder, the receipt can still be saved, once.
    assert save_receipt(service, MARTINE, tmp_path / "ok").exists()
    give_the_receipt_back(service)


# -- contact details -------------------------------------------------------------------------------
@PROPERTY
@given(nir=NIRS, channel=CHANNELS, email=EMAILS, mobile=MOBILES, code=OTPS)
def test_contact_changes_never_fail_badly(
    service: SimulatedService,
    people: int,
    nir: str,
    channel: Any,
    email: str,
    mobile: str,
    code: str,
) -> None:
    value = mobile if channel == Channel.SMS else email
    challenge = run(lambda: service.start_contact_change(nir, channel, value))
    if not isinstance(challenge, ServiceError):
        # Accepted addresses and numbers are plain ASCII (no look-alike digits, no controls).
        assert ascii_printable(challenge.to), repr(challenge.to)
        service.clock.advance(seconds=31)  # type: ignore[attr-defined]
    run(lambda: service.resend_contact_code(nir, channel))
    person = run(lambda: service.verify_contact_code(nir, channel, code))
    if isinstance(person, PersonView):
        for contact in (person.email, person.mobile):
            assert contact is None or ascii_printable(contact)


# -- credentials -----------------------------------------------------------------------------------
@PROPERTY
@given(nir=NIRS, identifier=IDENTIFIERS, password=PASSWORDS, terms=st.booleans())
def test_credentials_never_fail_badly(
    service: SimulatedService,
    people: int,
    nir: str,
    identifier: str,
    password: str,
    terms: bool,
) -> None:
    check = run(lambda: service.check_identifier(nir, identifier))
    if not isinstance(check, ServiceError):
        assert ascii_printable(check.identifier)
        assert all(ascii_printable(s) for s in check.suggestions)
    person = run(
        lambda: service.activate(
            nir, identifier, password, accepted_terms=terms, expected=Status.EN_ATTENTE
        )
    )
    if isinstance(person, PersonView):
        assert person.identifier is not None and ascii_printable(person.identifier)
        assert isinstance(run(lambda: service.login(identifier, password)), PersonView)


@PROPERTY
@given(identifier=IDENTIFIERS, password=PASSWORDS)
def test_login_never_fails_badly(
    service: SimulatedService, people: int, identifier: str, password: str
) -> None:
    result = run(lambda: service.login(identifier, password))
    if isinstance(result, PersonView):
        assert result.nir == d.LUCAS and password == d.DEMO_PASSWORD


# -- import ----------------------------------------------------------------------------------------
_VALID_ROW = {
    "nir": d.KARIM,
    "first_name": "Karim",
    "last_name": "BENALI",
    "birth_date": "1978-07-01",
    "card_type": "avec_photo",
    "card_serial": "04512378906",
    "provisional_code": "Kb6zQ9wEr4Tn",
    "status": "en_attente",
    "email": "karim.benali@example.fr",
    "mobile": "06 11 12 13 14",
}
IMPORT_VALUES: st.SearchStrategy[Any] = st.one_of(
    ANY_TEXT,
    st.sampled_from(HOSTILE),
    st.none(),
    st.integers(),
    st.booleans(),
    st.lists(ANY_TEXT, max_size=3),
    st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=2),
)


@st.composite
def import_rows(draw: st.DrawFn) -> list[Any]:
    """A few rows: the valid one with some fields spoiled, and now and then a stray key or a
    row that is not an object."""
    rows: list[Any] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        row: dict[str, Any] = dict(_VALID_ROW)
        for key in draw(st.lists(st.sampled_from([*_VALID_ROW, "profiles"]), max_size=3)):
            row[key] = draw(IMPORT_VALUES | _insert(str(row.get(key) or "")))
        if draw(st.booleans()):
            row[draw(st.sampled_from(HOSTILE[:12]) | ANY_TEXT)] = draw(IMPORT_VALUES)
        rows.append(draw(st.just(row) | st.sampled_from([[], "ligne", None, 3])))
    return rows


@PROPERTY
@given(rows=import_rows())
def test_import_accepts_only_clean_people_and_reports_problems_cleanly(
    service: SimulatedService, rows: list[Any]
) -> None:
    before = registry_rows(service)
    try:
        count = admin(service).import_registry(rows)
    except ImportRejected as rejected:
        assert rejected.problems
        assert registry_rows(service) == before  # all or nothing
        for number, reason in rejected.problems:
            assert 1 <= number <= len(rows)
            assert reason.strip() and is_clean(reason), repr(reason)
        return
    assert count == len(rows)
    for entry in admin(service).list_registry():
        for text in (entry.first_name, entry.last_name):
            assert text and is_clean(text) and text == text.strip(), repr(text)
        assert ascii_printable(entry.card_serial)
        assert entry.email is None or ascii_printable(entry.email)
        assert entry.mobile is None or ascii_printable(entry.mobile)
    assert_sound(service, len(admin(service).list_registry()))


# -- look-alike digits and invisible characters are never taken for the real ones ------------------
@pytest.mark.parametrize(
    "nir",
    [
        "１ １６ ３０ ４４ ０３８ ０１６ １８",
        "١ ١٦ ٣٠ ٤٤ ٠٣٨ ٠١٦ ١٨",
        "1 16 30 44 038 016 1８",
        "1\u200b16304403801618",
        "\u202e116304403801618",
        "116304403801618\x00",
        "1163044038016\x1b[2J18",
    ],
)
def test_look_alike_nirs_are_refused_on_the_nir_field(service: SimulatedService, nir: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.identify(MARTINE_CODE, nir, CardType.SANS_PHOTO, MARTINE_SERIAL)
    assert caught.value.field == "nir"


@pytest.mark.parametrize(
    "serial", ["０１０２４５７６１２４", "٠١٠٢٤٥٧٦١٢٤", "0102457612\u200b4", "01024576124\x00"]
)
def test_look_alike_serials_are_refused_on_the_serial_field(
    service: SimulatedService, serial: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.identify(MARTINE_CODE, MARTINE, CardType.SANS_PHOTO, serial)
    assert caught.value.field == "serial"


# -- a 1 MB paste on every entry point -------------------------------------------------------------
ENTRY_POINTS: dict[str, Callable[[SimulatedService, str], object]] = {
    "identify.code": lambda s, v: s.identify(v, MARTINE, CardType.SANS_PHOTO, MARTINE_SERIAL),
    "identify.nir": lambda s, v: s.identify(MARTINE_CODE, v, CardType.SANS_PHOTO, MARTINE_SERIAL),
    "identify.serial": lambda s, v: s.identify(MARTINE_CODE, MARTINE, CardType.SANS_PHOTO, v),
    "identify.card": lambda s, v: s.identify(MARTINE_CODE, MARTINE, v, MARTINE_SERIAL),  # type: ignore[arg-type]
    "request.nir": lambda s, v: s.request_provisional_code(
        v, date(1976, 6, 16), CardType.SANS_PHOTO, MARTINE_SERIAL
    ),
    "request.birth": lambda s, v: s.request_provisional_code(
        MARTINE[:13],
        v,  # type: ignore[arg-type]
        CardType.SANS_PHOTO,
        MARTINE_SERIAL,
    ),
    "get_person": lambda s, v: s.get_person(v),
    "oppose.expected": lambda s, v: s.oppose(MARTINE, expected=v),  # type: ignore[arg-type]
    "decide.profile": lambda s, v: s.decide_profile(
        MARTINE, v, Status.ACTIVE, expected=Status.EN_ATTENTE
    ),
    "email": lambda s, v: s.start_contact_change(MARTINE, Channel.EMAIL, v),
    "mobile": lambda s, v: s.start_contact_change(MARTINE, Channel.SMS, v),
    "otp": lambda s, v: s.verify_contact_code(MARTINE, Channel.EMAIL, v),
    "check_identifier": lambda s, v: s.check_identifier(MARTINE, v),
    "activate.identifier": lambda s, v: s.activate(
        MARTINE, v, "Tournesol#2024", accepted_terms=True, expected=Status.EN_ATTENTE
    ),
    "activate.password": lambda s, v: s.activate(
        MARTINE, "martine.l", v, accepted_terms=True, expected=Status.EN_ATTENTE
    ),
    "login.identifier": lambda s, v: s.login(v, "Tournesol#2024"),
    "login.password": lambda s, v: s.login("lucas.petit", v),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("paste", ["megabyte", "megabyte of digits", "megabyte of controls"])
def test_a_megabyte_paste_is_refused_quickly(
    service: SimulatedService, entry: str, paste: str
) -> None:
    value = {
        "megabyte": MEGABYTE,
        "megabyte of digits": "1" * 1_000_000,
        "megabyte of controls": "\x1b[2J" * 250_000,
    }[paste]
    started = time.monotonic()
    result = run(lambda: ENTRY_POINTS[entry](service, value))
    assert isinstance(result, ServiceError), result
    assert time.monotonic() - started < 5
    assert len(result.message) < 500  # the paste is not echoed back


# -- delivery failures -----------------------------------------------------------------------------
def test_a_failed_code_request_consumes_nothing_and_can_be_retried(
    service: SimulatedService,
) -> None:
    before = admin(service).outbox()
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed) as caught:
        service.request_provisional_code(
            MARTINE[:13], date(1976, 6, 16), CardType.SANS_PHOTO, MARTINE_SERIAL
        )
    assert is_clean(caught.value.message)
    assert admin(service).outbox() == before
    martine = next(e for e in admin(service).list_registry() if e.nir == MARTINE)
    assert martine.provisional_code == MARTINE_CODE  # the code on file is untouched
    service.request_provisional_code(
        MARTINE[:13], date(1976, 6, 16), CardType.SANS_PHOTO, MARTINE_SERIAL
    )
    sent_code = last_code(service)
    assert sent_code is not None
    with pytest.raises(IdentificationFailed):  # the new code replaced the old one
        service.identify(MARTINE_CODE, MARTINE, CardType.SANS_PHOTO, MARTINE_SERIAL)
    assert service.identify(sent_code, MARTINE, CardType.SANS_PHOTO, MARTINE_SERIAL)


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.SMS])
def test_a_failed_one_time_code_send_leaves_nothing_pending_and_can_be_retried_at_once(
    service: SimulatedService, channel: Channel
) -> None:
    value = "nouvelle.adresse@example.fr" if channel is Channel.EMAIL else "06 11 12 13 14"
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed):
        service.start_contact_change(MARTINE, channel, value)
    assert admin(service).outbox()[-1].purpose == "invitation"  # nothing went out
    with closing(sqlite3.connect(service.storage.path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM pending_otp").fetchone()[0] == 0
    # No wait imposed by a send that did not happen.
    challenge = service.start_contact_change(MARTINE, channel, value)
    challenge_code = last_code(service)
    assert challenge_code is not None
    person = service.verify_contact_code(MARTINE, channel, challenge_code)
    assert (person.email if channel is Channel.EMAIL else person.mobile) == challenge.to


def test_a_failed_resend_keeps_the_code_already_sent(service: SimulatedService) -> None:
    service.start_contact_change(MARTINE, Channel.SMS, "06 11 12 13 14")
    challenge_code = last_code(service)
    with pytest.raises(ResendTooSoon):
        service.resend_contact_code(MARTINE, Channel.SMS)
    service.clock.advance(seconds=31)  # type: ignore[attr-defined]
    service.delivery.fail_next = 2
    for _ in range(2):
        with pytest.raises(DeliveryFailed):
            service.resend_contact_code(MARTINE, Channel.SMS)
    assert challenge_code is not None
    person = service.verify_contact_code(MARTINE, Channel.SMS, challenge_code)
    assert person.mobile == "+33611121314"


def test_unknown_nir_with_a_valid_key_is_refused_like_any_other_failure(
    service: SimulatedService,
) -> None:
    body = "1990175001001"
    with pytest.raises(IdentificationFailed):
        service.identify(MARTINE_CODE, body + nir_key(body), CardType.SANS_PHOTO, MARTINE_SERIAL)


def test_every_hostile_value_is_classified_by_unicode() -> None:
    # The curated list really holds what its comments say (guards against an editor eating it).
    categories = {unicodedata.category(ch) for value in HOSTILE for ch in value}
    assert {"Cc", "Cf", "Cs", "Nd", "So"} <= categories
