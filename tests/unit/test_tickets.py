"""The tickets of the simulated back office (``mes_tui.services.tickets``): issued on
identification and sign-in, checked on every call about a person, lapsing on the service's
clock, bounded in number, never shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from mes_tui.journey import Session
from mes_tui.models import Channel, Status
from mes_tui.services import SimulatedService, TicketedService, rules
from mes_tui.services import demo as d
from mes_tui.services.api import Identified, Ticket
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import TicketRefused
from mes_tui.texts import service as ts
from tests.simulation import save_receipt
from tests.unit.conftest import MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def tickets(service: SimulatedService) -> TicketedService:
    return TicketedService(service)


@pytest.fixture
def martine(tickets: TicketedService) -> Identified:
    return tickets.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)


def refused(call: Callable[[], object]) -> None:
    with pytest.raises(TicketRefused) as refusal:
        call()
    assert refusal.value.message == ts.TICKET_REFUSED


def test_identification_issues_a_ticket_for_the_person_and_her_profiles(
    tickets: TicketedService, martine: Identified, service: SimulatedService
) -> None:
    ticket = martine.ticket
    assert martine.person.nir == MARTINE and len(martine.person.profiles) == 5
    assert tickets.get_person(ticket, MARTINE).first_name == "Martine Julie"
    assert tickets.get_person(ticket, "1 16 30 44 038 016 18").nir == MARTINE  # as typed
    decision = tickets.decide_profile(
        ticket, MARTINE, d.JEAN_JACQUES, Status.OPPOSEE, expected=Status.EN_ATTENTE
    )
    assert decision.nir == d.JEAN_JACQUES
    assert service.get_person(d.JEAN_JACQUES).status is Status.OPPOSEE
    challenge = tickets.start_contact_change(ticket, MARTINE, Channel.SMS, "06 11 12 13 14")
    assert challenge.to == "+33611121314"


def test_sign_in_issues_a_ticket(tickets: TicketedService) -> None:
    lucas = tickets.login("lucas.petit", d.DEMO_PASSWORD)
    assert lucas.person.nir == d.LUCAS
    assert tickets.check_identifier(lucas.ticket, d.LUCAS, "lucas.autre").available


def test_a_missing_ticket_is_refused(tickets: TicketedService, martine: Identified) -> None:
    refused(lambda: tickets.get_person(None, MARTINE))
    refused(lambda: tickets.oppose(None, MARTINE, expected=Status.EN_ATTENTE))
    refused(lambda: tickets.receipt(None, MARTINE))


def test_a_forged_ticket_is_refused(
    tickets: TicketedService, martine: Identified, service: SimulatedService
) -> None:
    for forged in (Ticket("x" * 43), Ticket(martine.ticket.token[:-1]), Ticket(""), Ticket(42)):  # type: ignore[arg-type]
        refused(lambda forged=forged: tickets.oppose(forged, MARTINE, expected=Status.EN_ATTENTE))
    refused(lambda: tickets.get_person(martine.ticket.token, MARTINE))  # type: ignore[arg-type]
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE  # nothing recorded


def test_another_persons_nir_is_refused_and_nothing_done(
    tickets: TicketedService, martine: Identified, service: SimulatedService
) -> None:
    ticket = martine.ticket
    refused(lambda: tickets.get_person(ticket, d.KARIM))
    refused(lambda: tickets.oppose(ticket, d.KARIM, expected=Status.EN_ATTENTE))
    refused(lambda: tickets.start_contact_change(ticket, d.KARIM, Channel.SMS, "0611121314"))
    refused(  # a profile that is not hers, even named as hers
        lambda: tickets.decide_profile(
            ticket, MARTINE, d.KARIM, Status.OPPOSEE, expected=Status.EN_ATTENTE
        )
    )
    refused(  # her profile, with another holder named
        lambda: tickets.decide_profile(
            ticket, d.KARIM, d.JEAN_JACQUES, Status.OPPOSEE, expected=Status.EN_ATTENTE
        )
    )
    assert service.get_person(d.KARIM).status is Status.EN_ATTENTE
    assert service.get_person(d.JEAN_JACQUES).status is Status.EN_ATTENTE
    assert tickets.get_person(ticket, MARTINE).nir == MARTINE  # still good for her


def test_an_unused_ticket_lapses_after_the_idle_time(
    tickets: TicketedService, martine: Identified, clock: FakeClock
) -> None:
    almost = rules.TICKET_IDLE - timedelta(seconds=1)
    clock.advance(seconds=almost.total_seconds())
    tickets.get_person(martine.ticket, MARTINE)  # in time: renewed from now
    clock.advance(seconds=almost.total_seconds())
    tickets.get_person(martine.ticket, MARTINE)
    clock.advance(seconds=rules.TICKET_IDLE.total_seconds())
    refused(lambda: tickets.get_person(martine.ticket, MARTINE))
    clock.advance(seconds=-rules.TICKET_IDLE.total_seconds())  # dropped: not back with time
    refused(lambda: tickets.get_person(martine.ticket, MARTINE))


def test_a_ticket_used_all_along_lapses_after_the_absolute_time(
    tickets: TicketedService, martine: Identified, clock: FakeClock
) -> None:
    step = rules.TICKET_IDLE / 2
    used = timedelta(0)
    while used + step < rules.TICKET_MAX:
        clock.advance(seconds=step.total_seconds())
        used += step
        tickets.get_person(martine.ticket, MARTINE)
    clock.advance(seconds=(rules.TICKET_MAX - used).total_seconds())
    refused(lambda: tickets.get_person(martine.ticket, MARTINE))


def test_a_ticket_signed_out_is_refused(tickets: TicketedService, martine: Identified) -> None:
    tickets.sign_out(martine.ticket)
    refused(lambda: tickets.get_person(martine.ticket, MARTINE))
    tickets.sign_out(martine.ticket)  # again, unknown, None: nothing happens
    tickets.sign_out(Ticket("inconnu"))
    tickets.sign_out(None)


def test_a_ticket_of_another_session_is_refused(
    martine: Identified, new_session: Callable[[], SimulatedService]
) -> None:
    other = TicketedService(new_session())
    refused(lambda: other.get_person(martine.ticket, MARTINE))


def test_a_session_keeps_a_bounded_number_of_live_tickets(
    tickets: TicketedService, clock: FakeClock
) -> None:
    issued = [tickets.login("lucas.petit", d.DEMO_PASSWORD).ticket]
    for _ in range(rules.TICKETS_PER_SESSION):
        clock.advance(seconds=1)
        issued.append(tickets.login("lucas.petit", d.DEMO_PASSWORD).ticket)
    refused(lambda: tickets.get_person(issued[0], d.LUCAS))  # the oldest made room
    for ticket in issued[1:]:
        assert tickets.get_person(ticket, d.LUCAS).nir == d.LUCAS
    assert len(tickets._live) == rules.TICKETS_PER_SESSION


def test_lapsed_tickets_are_dropped_when_another_is_issued(
    tickets: TicketedService, martine: Identified, clock: FakeClock
) -> None:
    clock.advance(seconds=rules.TICKET_IDLE.total_seconds())
    tickets.login("lucas.petit", d.DEMO_PASSWORD)
    assert len(tickets._live) == 1


def test_the_ticket_is_never_shown_nor_kept_in_clear(
    tickets: TicketedService, martine: Identified
) -> None:
    token = martine.ticket.token
    assert len(token) >= 43  # 32 random bytes
    session = Session(person=martine.person, ticket=martine.ticket)
    for shown in (repr(martine.ticket), str(martine.ticket), f"{martine.ticket}", repr(martine)):
        assert token not in shown
    assert token not in repr(session)
    assert all(token not in key for key in tickets._live)
    assert token not in repr(vars(tickets))


def test_the_receipt_needs_the_ticket(
    tickets: TicketedService, martine: Identified, tmp_path: Path
) -> None:
    from mes_tui.receipt_writer import ReceiptWriter, with_ticket

    tickets.oppose(martine.ticket, MARTINE, expected=Status.EN_ATTENTE)
    writer = ReceiptWriter(tmp_path / "recus")
    refused(lambda: writer.save(with_ticket(tickets, None), MARTINE))
    assert not (tmp_path / "recus").exists() or not any((tmp_path / "recus").iterdir())
    path = writer.save(with_ticket(tickets, martine.ticket), MARTINE)
    assert path.read_bytes().startswith(b"%PDF")


def test_the_feed_is_the_inner_sessions(
    tickets: TicketedService, service: SimulatedService
) -> None:
    assert tickets.feed is service.feed


def test_the_rules_alone_still_answer_by_nir(service: SimulatedService, tmp_path: Path) -> None:
    """What tests of the registry's rules call: no ticket there."""
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    assert save_receipt(service, MARTINE, tmp_path).is_file()
