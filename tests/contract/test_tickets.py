"""Tickets: identification and sign-in hand one over; every call about a person needs it, for
that person or a profile attached to them, while it is valid; one refusal whatever was wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mes_tui.models import CardType, Status
from mes_tui.services import demo as d
from mes_tui.services import rules
from mes_tui.services.api import Ticket
from mes_tui.services.errors import TicketRefused
from mes_tui.texts import service as ts
from tests.contract.conftest import KARIM, LUCAS, MARTINE, MARTINE_CODE, Backend

SERIAL = "01024576124"


def test_identification_hands_a_ticket_for_the_person_and_their_profiles(
    backend: Backend,
) -> None:
    identified = backend.service.identify(MARTINE_CODE, MARTINE, CardType.SANS_PHOTO, SERIAL)
    assert identified.person.nir == MARTINE
    ticket = identified.ticket
    assert backend.service.get_person(ticket, MARTINE) == identified.person
    profile = backend.service.get_person(ticket, d.JEAN_JACQUES)
    assert profile.nir == d.JEAN_JACQUES
    decision = backend.service.decide_profile(
        ticket, MARTINE, d.JEAN_JACQUES, Status.OPPOSEE, expected=profile.status
    )
    assert decision.status is Status.OPPOSEE


def test_sign_in_hands_a_ticket(backend: Backend) -> None:
    identified = backend.service.login("lucas.petit", d.DEMO_PASSWORD)
    assert identified.person.nir == LUCAS
    assert backend.service.get_person(identified.ticket, LUCAS).status is Status.ACTIVE


def refused_alike(call: Callable[[], object]) -> None:
    with pytest.raises(TicketRefused) as refused:
        call()
    assert refused.value.message == ts.TICKET_REFUSED


def test_a_missing_or_forged_ticket_is_refused(backend: Backend) -> None:
    backend.ticket()  # a real one exists in this session
    refused_alike(lambda: backend.service.get_person(None, MARTINE))
    refused_alike(lambda: backend.service.get_person(Ticket("x" * 43), MARTINE))
    refused_alike(lambda: backend.service.oppose(None, MARTINE, expected=Status.EN_ATTENTE))
    assert backend.service.get_person(backend.ticket(), MARTINE).status is Status.EN_ATTENTE


def test_another_persons_nir_is_refused(backend: Backend) -> None:
    ticket = backend.ticket()
    refused_alike(lambda: backend.service.get_person(ticket, KARIM))
    refused_alike(lambda: backend.service.oppose(ticket, KARIM, expected=Status.EN_ATTENTE))
    refused_alike(
        lambda: backend.service.decide_profile(
            ticket, KARIM, d.JEAN_JACQUES, Status.OPPOSEE, expected=Status.EN_ATTENTE
        )
    )
    assert backend.service.get_person(ticket, MARTINE).nir == MARTINE  # still good for her


def test_a_ticket_is_good_in_its_session_only(backend: Backend) -> None:
    ticket = backend.ticket()
    other, _ = backend.new_session()
    refused_alike(lambda: other.get_person(ticket, MARTINE))


def test_a_ticket_signed_out_is_refused(backend: Backend) -> None:
    ticket = backend.ticket()
    backend.service.sign_out(ticket)
    refused_alike(lambda: backend.service.get_person(ticket, MARTINE))
    backend.service.sign_out(ticket)  # again: nothing happens
    backend.service.sign_out(None)


def test_a_ticket_lapses_when_unused_and_in_any_case_later(
    backend: Backend, advance: Callable[[float], None]
) -> None:
    idle, most = rules.TICKET_IDLE.total_seconds(), rules.TICKET_MAX.total_seconds()
    ticket = backend.ticket()
    used = 0.0
    while used + idle - 60 < most:  # used a minute before it would lapse: kept alive
        advance(idle - 60)
        used += idle - 60
        backend.service.get_person(ticket, MARTINE)
    advance(idle - 60)  # still used in time, but past the absolute bound
    refused_alike(lambda: backend.service.get_person(ticket, MARTINE))
    unused = backend.ticket(KARIM)
    advance(idle)
    refused_alike(lambda: backend.service.get_person(unused, KARIM))
