"""Identification with a provisional code, lockouts, and requests for a new code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mes_tui.models import Channel, PersonView, Status, format_nir
from mes_tui.services import SimulatedService
from mes_tui.services import demo as d
from mes_tui.services.api import CodeSent
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    CodeRequestFailed,
    DeliveryFailed,
    IdentificationFailed,
    InvalidInput,
    Locked,
    NoEmailOnFile,
    TooManyRequests,
)
from mes_tui.texts import service as t
from tests.simulation import admin
from tests.unit.conftest import AVEC, MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS

NOBODY = "2 55 12 55 555 555 47"  # a valid NIR that is not in the registry


def identify_martine(service: SimulatedService, code: str = MARTINE_CODE) -> PersonView:
    return service.identify(code, format_nir(MARTINE), SANS, MARTINE_SERIAL)


def failure_message(service: SimulatedService, *args: object) -> str:
    with pytest.raises(IdentificationFailed) as caught:
        service.identify(*args)  # type: ignore[arg-type]
    return caught.value.message


# -- identify ----------------------------------------------------------------------------------
def test_identify_martine_returns_her_and_her_profiles(service: SimulatedService) -> None:
    person = service.identify("HuqZF3KXCz8k", "1 16 30 44 038 016 18", SANS, "01024576124")
    assert person.nir == "116304403801618"
    assert person.first_name == "Martine Julie"
    assert person.status is Status.EN_ATTENTE
    assert person.email == "dlfr-cn5-tma-support-cobra@atos.net"
    assert person.mobile is None
    names = [p.first_name for p in person.profiles]
    assert names == ["Virginie", "Jean-Jacques", "Gerard", "Brigitte", "Vincent"]
    virginie = person.profiles[0]
    assert virginie.status is Status.OPPOSEE
    assert virginie.decided_on == date(2021, 12, 7)
    minors = {p.first_name: p.is_minor for p in person.profiles}
    assert minors == {
        "Virginie": False,
        "Jean-Jacques": False,
        "Gerard": False,
        "Brigitte": True,
        "Vincent": True,
    }


def test_minor_is_computed_on_the_clocks_local_date(service: SimulatedService) -> None:
    # Gerard was born on 14/02/2003: 18 on 14/02/2021 Paris time, not yet at 22:59 UTC the day
    # before (23:59 in Paris), already at 23:00 UTC (midnight in Paris).
    clock = service.clock
    assert isinstance(clock, FakeClock)
    clock.set(clock.now().replace(year=2021, month=2, day=13, hour=22, minute=59))
    gerard = next(p for p in service.get_person(MARTINE).profiles if p.first_name == "Gerard")
    assert gerard.is_minor
    clock.advance(minutes=1)
    gerard = next(p for p in service.get_person(MARTINE).profiles if p.first_name == "Gerard")
    assert not gerard.is_minor


def test_card_with_photo_is_identified_by_the_11_typed_digits(service: SimulatedService) -> None:
    person = service.identify("Kb6zQ9wEr4Tn", d.KARIM, AVEC, "0451237890 6")
    assert person.last_name == "BENALI"


def test_corsican_nir_and_accented_names(service: SimulatedService) -> None:
    corsican = service.identify("Ms7aC3eRt5Vy", "2 85 03 2a 004 123 71", SANS, "01122334455")
    assert corsican.nir == "285032A00412371"
    francoise = service.identify("Fc2eZ8uKd6Wb", d.FRANCOISE, AVEC, "05566778899")
    assert francoise.first_name == "Françoise Hélène"
    assert francoise.last_name == "CŒURDEROY"


def test_code_survives_identification_without_decision(service: SimulatedService) -> None:
    # A person who stops after identifying (dropped connection, second thoughts) can resume.
    identify_martine(service)
    assert identify_martine(service).nir == MARTINE
    entry = next(e for e in admin(service).list_registry() if e.nir == MARTINE)
    assert entry.provisional_code == MARTINE_CODE


def test_code_is_single_use_once_opposition_is_recorded(service: SimulatedService) -> None:
    identify_martine(service)
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    with pytest.raises(IdentificationFailed):
        identify_martine(service)
    assert (
        next(e for e in admin(service).list_registry() if e.nir == MARTINE).provisional_code is None
    )


def test_code_is_single_use_once_activated(service: SimulatedService) -> None:
    identify_martine(service)
    service.activate(
        MARTINE,
        "martine.l2026",
        "Azur&Menthe42",
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    with pytest.raises(IdentificationFailed):
        identify_martine(service)
    assert (
        next(e for e in admin(service).list_registry() if e.nir == MARTINE).provisional_code is None
    )


def test_code_is_case_sensitive(service: SimulatedService) -> None:
    with pytest.raises(IdentificationFailed):
        identify_martine(service, MARTINE_CODE.lower())


@pytest.mark.parametrize(
    ("field", "args"),
    [
        ("code", ("HuqZF3KX", MARTINE, SANS, MARTINE_SERIAL)),
        ("nir", (MARTINE_CODE, "1 55 12 55 555 555 55", SANS, MARTINE_SERIAL)),
        ("card_type", (MARTINE_CODE, MARTINE, "ancienne", MARTINE_SERIAL)),
        ("serial", (MARTINE_CODE, MARTINE, SANS, "0102")),
        ("serial", (MARTINE_CODE, MARTINE, AVEC, MARTINE_SERIAL + "9")),
    ],
)
def test_malformed_input_is_named_and_not_counted(
    service: SimulatedService, field: str, args: tuple[object, ...]
) -> None:
    for _ in range(6):
        with pytest.raises(InvalidInput) as caught:
            service.identify(*args)  # type: ignore[arg-type]
        assert caught.value.field == field
    identify_martine(service)  # six malformed attempts did not lock anything


def test_every_mismatch_gives_the_same_message(
    new_session: Callable[[], SimulatedService],
) -> None:
    # Each mismatch in a session of its own: six in one session would make the sixth wait.
    messages = {
        "unknown NIR": failure_message(new_session(), MARTINE_CODE, NOBODY, SANS, MARTINE_SERIAL),
        "someone else's NIR": failure_message(
            new_session(), MARTINE_CODE, d.KARIM, SANS, MARTINE_SERIAL
        ),
        "wrong code": failure_message(new_session(), "AAAAAAAAAAAA", MARTINE, SANS, MARTINE_SERIAL),
        "wrong serial": failure_message(new_session(), MARTINE_CODE, MARTINE, SANS, "01024576125"),
        "wrong card type": failure_message(
            new_session(), MARTINE_CODE, MARTINE, AVEC, MARTINE_SERIAL
        ),
        "nobody": failure_message(new_session(), MARTINE_CODE, NOBODY, SANS, "123456789"),
    }
    assert set(messages.values()) == {t.IDENTIFICATION_FAILED}


def test_five_failures_lock_for_15_minutes_then_it_expires(
    service: SimulatedService, clock: FakeClock
) -> None:
    for _ in range(4):
        with pytest.raises(IdentificationFailed):
            identify_martine(service, "AAAAAAAAAAAA")
    with pytest.raises(Locked) as fifth:
        identify_martine(service, "AAAAAAAAAAAA")
    assert fifth.value.remaining_seconds == 15 * 60
    assert "15 minutes" in fifth.value.message
    # While locked, even the right code is refused, and the wait is told.
    clock.advance(minutes=5)
    with pytest.raises(Locked) as locked:
        identify_martine(service)
    assert "10 minutes" in locked.value.message
    assert locked.value.message == t.LOCKED.format(wait="10 minutes")
    clock.advance(minutes=10)
    assert identify_martine(service)


def test_unknown_nirs_are_locked_too(service: SimulatedService) -> None:
    """The lock does not reveal whether a NIR is in the registry."""
    for _ in range(4):
        with pytest.raises(IdentificationFailed):
            service.identify(MARTINE_CODE, NOBODY, SANS, "123456789")
    with pytest.raises(Locked):
        service.identify(MARTINE_CODE, NOBODY, SANS, "123456789")


def test_lock_is_per_nir(service: SimulatedService) -> None:
    for _ in range(5):
        with pytest.raises((IdentificationFailed, Locked)):
            service.identify(MARTINE_CODE, d.KARIM, AVEC, "04512378900")
    assert identify_martine(service)


def test_success_clears_the_failure_counter(
    service: SimulatedService, new_session: Callable[[], SimulatedService]
) -> None:
    for _ in range(4):
        with pytest.raises(IdentificationFailed):
            identify_martine(service, "AAAAAAAAAAAA")
    service.identify("Kb6zQ9wEr4Tn", d.KARIM, AVEC, "04512378906")  # someone else: no effect
    identify_martine(service)
    # Martine's counter starts again: four more failures do not lock her (from another
    # session: this one's failures are still counted, and more would make it wait).
    later = new_session()
    for _ in range(4):
        with pytest.raises(IdentificationFailed):
            identify_martine(later, "AAAAAAAAAAAA")


def test_old_failures_are_forgotten_after_the_window(
    service: SimulatedService, clock: FakeClock
) -> None:
    for _ in range(4):
        with pytest.raises(IdentificationFailed):
            identify_martine(service, "AAAAAAAAAAAA")
    clock.advance(minutes=16)
    with pytest.raises(IdentificationFailed):  # the first of a new series, not the fifth
        identify_martine(service, "AAAAAAAAAAAA")


def test_demo_locked_person_is_locked_for_24_hours(
    service: SimulatedService, clock: FakeClock
) -> None:
    with pytest.raises(Locked) as caught:
        service.identify("Sr3mV7bXq9Lk", d.SOPHIE, SANS, "01357924680")
    assert "24 heures" in caught.value.message
    clock.advance(hours=24)
    assert service.identify("Sr3mV7bXq9Lk", d.SOPHIE, SANS, "01357924680").first_name == "Sophie"


# -- a new provisional code --------------------------------------------------------------------
def request_for_martine(service: SimulatedService, **changes: object) -> CodeSent:
    args: dict[str, object] = {
        "nir_without_key": "1 16 30 44 038 016",
        "birth_date": date(1976, 6, 16),
        "card_type": SANS,
        "serial": MARTINE_SERIAL,
    }
    args.update(changes)
    return service.request_provisional_code(**args)  # type: ignore[arg-type]


def test_new_code_is_emailed_masked_and_replaces_the_old(service: SimulatedService) -> None:
    sent = request_for_martine(service)
    assert sent.masked_to == "dlf*****@atos.net"
    assert not hasattr(sent, "message")  # the code reaches the person, not the caller
    message = admin(service).outbox()[-1]
    assert message.channel is Channel.EMAIL
    assert message.purpose == "code_provisoire"
    assert message.to == "dlfr-cn5-tma-support-cobra@atos.net"
    assert message.code and message.code != MARTINE_CODE and message.code in message.body
    with pytest.raises(IdentificationFailed):
        identify_martine(service)  # the old code no longer works
    assert identify_martine(service, message.code)


def test_new_code_request_mismatch_is_one_message_and_counted(
    service: SimulatedService,
) -> None:
    wrong: list[dict[str, object]] = [
        {"birth_date": date(1976, 6, 17)},
        {"card_type": AVEC},
        {"serial": "01024576125"},
        {"nir_without_key": "2 55 12 55 555 555"},
    ]
    messages = set()
    for change in wrong:
        with pytest.raises(CodeRequestFailed) as caught:
            request_for_martine(service, **change)
        messages.add(caught.value.message)
    assert messages == {t.CODE_REQUEST_FAILED}
    # Three failures for Martine's NIR so far (the fourth was another NIR): two more lock it.
    with pytest.raises(CodeRequestFailed):
        request_for_martine(service, birth_date=date(1976, 6, 17))
    with pytest.raises(Locked) as locked:
        request_for_martine(service, birth_date=date(1976, 6, 17))
    assert locked.value.message == t.CODE_REQUEST_LOCKED.format(wait="15 minutes")
    with pytest.raises(Locked):
        request_for_martine(service)


def test_new_code_needs_an_email_on_file(service: SimulatedService) -> None:
    with pytest.raises(NoEmailOnFile) as caught:
        service.request_provisional_code(
            "2 65 03 69 123 045", date(1965, 3, 8), SANS, "01987654321"
        )
    assert "3422" in caught.value.message


def test_at_most_three_new_codes_a_day(service: SimulatedService, clock: FakeClock) -> None:
    for _ in range(3):
        request_for_martine(service)
    with pytest.raises(TooManyRequests) as caught:
        request_for_martine(service)
    assert "3" in caught.value.message
    # The day is Paris's: 21:59 UTC on 28/09 is still the 28th in Paris, 22:00 UTC is the 29th.
    clock.set(clock.now().replace(hour=21, minute=59))
    with pytest.raises(TooManyRequests):
        request_for_martine(service)
    clock.advance(minutes=1)
    request_for_martine(service)


def test_delivery_failure_changes_nothing(service: SimulatedService) -> None:
    before = admin(service).outbox()
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed):
        request_for_martine(service)
    assert admin(service).outbox() == before
    # The old code still works and the failed request did not count towards the daily limit.
    for _ in range(3):
        request_for_martine(service)
    with pytest.raises(TooManyRequests):
        request_for_martine(service)


def test_delivery_failure_keeps_the_current_code(service: SimulatedService) -> None:
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed):
        request_for_martine(service)
    assert identify_martine(service)


def test_malformed_code_request(service: SimulatedService) -> None:
    with pytest.raises(InvalidInput) as caught:
        request_for_martine(service, nir_without_key="1 16 30 44 038 016 18")
    assert caught.value.field == "nir"
    with pytest.raises(InvalidInput) as caught:
        request_for_martine(service, birth_date="31/02/1976")
    assert caught.value.field == "birth_date"


def test_find_code_recipient_shows_the_masked_address_and_sends_nothing(
    service: SimulatedService,
) -> None:
    before = admin(service).outbox()
    masked = service.find_code_recipient(
        "1 16 30 44 038 016", date(1976, 6, 16), SANS, MARTINE_SERIAL
    )
    assert masked == "dlf*****@atos.net"
    assert admin(service).outbox() == before
    assert identify_martine(service)  # the current code is untouched


def test_find_code_recipient_has_the_same_refusals(service: SimulatedService) -> None:
    with pytest.raises(CodeRequestFailed):
        service.find_code_recipient("1 16 30 44 038 016", date(1976, 6, 17), SANS, MARTINE_SERIAL)
    with pytest.raises(NoEmailOnFile):
        service.find_code_recipient("2 65 03 69 123 045", date(1965, 3, 8), SANS, "01987654321")
    for _ in range(3):
        request_for_martine(service)
    with pytest.raises(TooManyRequests):
        service.find_code_recipient("1 16 30 44 038 016", date(1976, 6, 16), SANS, MARTINE_SERIAL)
