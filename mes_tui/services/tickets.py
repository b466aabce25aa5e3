"""Tickets: ``MesService`` as the front ends call it, over the simulated registry's rules.

    service = TicketedService(open_service())
    identified = service.identify(code, nir, card_type, serial)   # Identified(ticket, person)
    service.get_person(identified.ticket, identified.person.nir)
    service.sign_out(identified.ticket)

``SimulatedService`` applies the registry's rules to whatever NIR it is given; this layer is
what makes a call about a person need that person's ticket. Identification and sign-in issue
one: a random value (``secrets.token_urlsafe``) of which only a hash is kept here, with the NIRs
it may act on (the person and the profiles attached to them at that moment), when it was issued
and when it was last used. Every call about a person checks its ticket first, then hands the
call on unchanged; refused (``TicketRefused``, one message whatever was wrong), nothing is
done. A ticket lapses ``rules.TICKET_IDLE`` after its last accepted use and ``rules.TICKET_MAX``
after it was issued, on the inner service's clock; ``sign_out`` revokes it.

In the simulation this object is the session's server side: the tickets live in its memory, as
long as the session (one run of the program, one SSH connection), at most
``rules.TICKETS_PER_SESSION`` of them (one more revokes the oldest). A real server would keep
them in its own store; the front end holds the ticket only, and never shows it.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from mes_tui.services import rules
from mes_tui.services.api import Identified, Ticket
from mes_tui.services.errors import TicketRefused

if TYPE_CHECKING:
    from mes_tui.models import CardType, Channel, PersonView, Status
    from mes_tui.services.api import Challenge, CodeSent, Decision, IdentifierCheck, Receipt
    from mes_tui.services.feed import SessionFeed
    from mes_tui.services.simulated import SimulatedService

__all__ = ["TicketedService"]


@dataclass
class _Issued:
    """What is known of a live ticket (never its value)."""

    nirs: frozenset[str]
    """The person's NIR and their attached profiles' at issue time."""
    issued_at: datetime
    last_used: datetime

    def lapsed(self, now: datetime) -> bool:
        return now >= self.last_used + rules.TICKET_IDLE or now >= self.issued_at + rules.TICKET_MAX


def _digest(ticket: Ticket) -> str:
    return hashlib.sha256(ticket.token.encode("utf-8", "surrogatepass")).hexdigest()


class TicketedService:
    """``MesService`` for one session: ``inner``'s rules, each call about a person allowed by
    its ticket only."""

    def __init__(self, inner: SimulatedService) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        self._live: OrderedDict[str, _Issued] = OrderedDict()
        """Live tickets by the hash of their value, oldest issued first."""

    @property
    def feed(self) -> SessionFeed:
        """The inner session's simulated messages (``MessageFeed``): not part of ``MesService``."""
        return self.inner.feed

    # -- tickets ---------------------------------------------------------------------------------
    def _issue(self, person: PersonView) -> Identified:
        ticket = Ticket(secrets.token_urlsafe(32))
        now = self.inner.clock.now()
        nirs = frozenset({person.nir, *(profile.nir for profile in person.profiles)})
        with self._lock:
            self._drop_lapsed(now)
            while len(self._live) >= rules.TICKETS_PER_SESSION:
                self._live.popitem(last=False)
            self._live[_digest(ticket)] = _Issued(nirs, issued_at=now, last_used=now)
        return Identified(ticket, person)

    def _drop_lapsed(self, now: datetime) -> None:
        for key in [key for key, issued in self._live.items() if issued.lapsed(now)]:
            del self._live[key]

    def _allow(self, ticket: Ticket | None, *nirs: str) -> None:
        """Raise ``TicketRefused`` unless ``ticket`` is live and may act on every one of
        ``nirs``; renew it if so."""
        if not isinstance(ticket, Ticket) or not isinstance(ticket.token, str):
            raise TicketRefused()
        key = _digest(ticket)
        now = self.inner.clock.now()
        with self._lock:
            issued = self._live.get(key)
            if issued is not None and issued.lapsed(now):
                del self._live[key]
                issued = None
            if issued is None or not all(_compact(nir) in issued.nirs for nir in nirs):
                raise TicketRefused()
            issued.last_used = now

    def sign_out(self, ticket: Ticket | None) -> None:
        if isinstance(ticket, Ticket) and isinstance(ticket.token, str):
            with self._lock:
                self._live.pop(_digest(ticket), None)

    # -- nobody identified yet -------------------------------------------------------------------
    def prepare(self) -> None:
        self.inner.prepare()

    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> Identified:
        return self._issue(self.inner.identify(code, nir, card_type, serial))

    def login(self, identifier: str, password: str) -> Identified:
        return self._issue(self.inner.login(identifier, password))

    def find_code_recipient(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> str:
        return self.inner.find_code_recipient(nir_without_key, birth_date, card_type, serial)

    def request_provisional_code(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> CodeSent:
        return self.inner.request_provisional_code(nir_without_key, birth_date, card_type, serial)

    # -- people and decisions --------------------------------------------------------------------
    def get_person(self, ticket: Ticket | None, nir: str) -> PersonView:
        self._allow(ticket, nir)
        return self.inner.get_person(nir)

    def oppose(self, ticket: Ticket | None, nir: str, *, expected: Status) -> Decision:
        self._allow(ticket, nir)
        return self.inner.oppose(nir, expected=expected)

    def close_space(self, ticket: Ticket | None, nir: str) -> Decision:
        self._allow(ticket, nir)
        return self.inner.close_space(nir)

    def decide_profile(
        self,
        ticket: Ticket | None,
        holder_nir: str,
        profile_nir: str,
        status: Status,
        *,
        expected: Status,
        certified_legal_representative: bool = False,
    ) -> Decision:
        self._allow(ticket, holder_nir, profile_nir)
        return self.inner.decide_profile(
            holder_nir,
            profile_nir,
            status,
            expected=expected,
            certified_legal_representative=certified_legal_representative,
        )

    # -- the opposition receipt ------------------------------------------------------------------
    def receipt(self, ticket: Ticket | None, nir: str) -> Receipt:
        self._allow(ticket, nir)
        return self.inner.receipt(nir)

    def receipt_saved(self, ticket: Ticket | None, nir: str) -> None:
        self._allow(ticket, nir)
        self.inner.receipt_saved(nir)

    def release_receipt(self, ticket: Ticket | None, nir: str) -> None:
        self._allow(ticket, nir)
        self.inner.release_receipt(nir)

    # -- contact details -------------------------------------------------------------------------
    def start_contact_change(
        self, ticket: Ticket | None, nir: str, channel: Channel, new_value: str
    ) -> Challenge:
        self._allow(ticket, nir)
        return self.inner.start_contact_change(nir, channel, new_value)

    def resend_contact_code(self, ticket: Ticket | None, nir: str, channel: Channel) -> Challenge:
        self._allow(ticket, nir)
        return self.inner.resend_contact_code(nir, channel)

    def verify_contact_code(
        self, ticket: Ticket | None, nir: str, channel: Channel, code: str
    ) -> PersonView:
        self._allow(ticket, nir)
        return self.inner.verify_contact_code(nir, channel, code)

    # -- credentials -----------------------------------------------------------------------------
    def check_identifier(self, ticket: Ticket | None, nir: str, identifier: str) -> IdentifierCheck:
        self._allow(ticket, nir)
        return self.inner.check_identifier(nir, identifier)

    def activate(
        self,
        ticket: Ticket | None,
        nir: str,
        identifier: str,
        password: str,
        *,
        accepted_terms: bool,
        expected: Status,
    ) -> PersonView:
        self._allow(ticket, nir)
        return self.inner.activate(
            nir, identifier, password, accepted_terms=accepted_terms, expected=expected
        )


def _compact(nir: str) -> str:
    """``nir`` as the registry writes it (no spaces, upper case: ``2A``), to compare it with the
    ticket's; anything else compares unequal, and is refused."""
    return "".join(nir.split()).upper() if isinstance(nir, str) else ""
