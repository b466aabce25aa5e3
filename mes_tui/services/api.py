"""The back-office interfaces the front ends call.

- ``MesService``: what the journeys need, for one session (one person after another at a desk,
  or one SSH connection). Nothing it returns is an artefact of a simulation: a remote server
  could implement it as it stands.
- ``RegistryAdmin``: the trainer's and administrator's operations (``mes-tui registry``,
  ``mes-tui outbox``), apart: a front end serving people never holds it.
- ``MessageFeed``: the messages a simulated back office "sent" for the session (the e-mails and
  SMS a real one would hand to the network). Only a simulation has one; the front ends show them
  where the settings allow.

Identification and sign-in return a ``Ticket``; every call about a person then takes it, and
the back office acts for that person and their attached profiles only, while it is valid.

One implementation exists, the local simulation (``mes_tui.services.tickets`` over
``.simulated``, with ``.admin`` and ``.feed``); ``mes_tui.backoffice`` builds it from the
settings, and ``tests/contract`` holds the promises any implementation must keep. Every method
is synchronous and may block on storage or delivery: the interface calls them from worker
threads. Refusals are raised as ``ServiceError`` subclasses (``mes_tui.services.errors``) whose
``message`` is the French sentence to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: importing the interfaces does not read pydantic
    from mes_tui.models import CardType, Channel, PersonView, Status


@dataclass(frozen=True)
class Ticket:
    """What identification and sign-in hand the front end, and what every call about that
    person then carries: an opaque random value, meaningful to the back office only. It is
    never shown: its ``repr`` (and so ``str``, and any log line) leaves the value out."""

    token: str = field(repr=False)


@dataclass(frozen=True)
class Identified:
    """Someone identified (provisional code) or signed in: who, and the ticket to act for them
    and their attached profiles (``PersonView.profiles``) until it expires or is revoked."""

    ticket: Ticket
    person: PersonView


@dataclass(frozen=True)
class OutboxMessage:
    """One simulated e-mail, SMS or letter, as written to the outbox."""

    channel: Channel
    to: str
    purpose: str  # "code_provisoire" | "verification_email" | "verification_mobile" | "invitation"
    code: str | None
    subject: str
    body: str
    sent_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "channel": self.channel.value,
            "to": self.to,
            "purpose": self.purpose,
            "code": self.code,
            "subject": self.subject,
            "body": self.body,
            "sent_at": self.sent_at.isoformat(),
        }


@dataclass(frozen=True)
class CodeSent:
    """A new provisional code went out; ``masked_to`` is safe to show (``dlf*****@atos.net``)."""

    channel: Channel
    masked_to: str


@dataclass(frozen=True)
class Challenge:
    """A one-time code is waiting to be typed for a new e-mail address or mobile number."""

    channel: Channel  # EMAIL or SMS
    to: str  # the new address, or the mobile in E.164
    sent_at: datetime
    expires_at: datetime
    resend_available_at: datetime


@dataclass(frozen=True)
class Receipt:
    """The opposition receipt as the back office hands it over: the PDF's bytes and the file name
    it suggests (the decision date and a random part, never the NIR). Writing it is the front
    end's business (``mes_tui.receipt_writer``)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Decision:
    """A recorded decision for one profile."""

    nir: str
    status: Status
    decided_on: date


@dataclass(frozen=True)
class IdentifierCheck:
    """Whether an identifier is free, with free alternatives when it is not."""

    identifier: str
    available: bool
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistryEntry:
    """One person as a trainer sees them (``mes-tui registry list``); keys follow DESIGN.md."""

    nir: str
    first_name: str
    last_name: str
    birth_date: date
    card_type: CardType
    card_serial: str
    provisional_code: str | None
    status: Status
    email: str | None
    mobile: str | None
    profiles: tuple[str, ...]
    decided_on: date | None = None
    identifier: str | None = None
    locked_until: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "nir": self.nir,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": self.birth_date.isoformat(),
            "card_type": self.card_type.value,
            "card_serial": self.card_serial,
            "provisional_code": self.provisional_code,
            "status": self.status.value,
            "email": self.email,
            "mobile": self.mobile,
            "profiles": list(self.profiles),
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "identifier": self.identifier,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
        }


class MesService(Protocol):
    """Everything the journeys need from the back office, for one session."""

    def prepare(self) -> None:
        """Make ready, ahead of the first call, what the first calls need (the registry opened,
        the key that hashes codes read from the system keyring...): a front end calls it from a
        background thread while the person fills the first form. May raise what the first call
        would; nothing the person did depends on it."""
        ...

    # -- identification ---------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> Identified:
        """Check a provisional code with the NIR and the carte Vitale; consume the code on success
        and return the person with a new ticket.

        Raises ``InvalidInput`` for a malformed value (field named), ``Locked`` after repeated
        failures for that NIR or from this session or SSH client, ``Slowed`` while an earlier
        failure makes this attempt wait (nothing checked), ``IdentificationFailed`` (one message
        whatever was wrong; ``wait_seconds`` when this failure makes the next attempt wait).
        """
        ...

    def find_code_recipient(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> str:
        """Check who asks for a new code and return the masked e-mail it would go to, sending
        nothing (the seed shows the address before "Valider"). Same refusals as below, but
        ``DeliveryFailed``."""
        ...

    def request_provisional_code(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> CodeSent:
        """Send a new provisional code by e-mail to the address on file; it replaces the old one.

        Raises ``InvalidInput``, ``Locked``, ``Slowed``, ``CodeRequestFailed`` (no match),
        ``NoEmailOnFile``, ``TooManyRequests`` (daily limit), ``DeliveryFailed`` (nothing
        changed), counted as for identification.
        """
        ...

    # -- people and decisions ---------------------------------------------------------
    # Every call below takes the ticket of ``identify`` or ``login`` first, and acts on the
    # ticket's person or one of the profiles attached to them when it was issued only; else
    # ``TicketRefused`` (one message whether the ticket is missing, expired, revoked, forged or
    # for another NIR), nothing done. Each call accepted renews the ticket (``rules.TICKET_*``).
    def get_person(self, ticket: Ticket | None, nir: str) -> PersonView:
        """The person and their attached profiles, fresh from the registry."""
        ...

    def oppose(self, ticket: Ticket | None, nir: str, *, expected: Status) -> Decision:
        """Record the person's opposition, dated today. ``expected`` is the status the person saw;
        if it changed meanwhile, ``DecisionConflict`` and nothing is written."""
        ...

    def close_space(self, ticket: Ticket | None, nir: str) -> Decision:
        """Close an activated space (recorded as an opposition)."""
        ...

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
        """Activate or oppose an attached profile. A minor's profile needs the certification
        (``CertificationRequired``); ``NotAttached`` if the profile is not the holder's."""
        ...

    # -- the opposition receipt: once per decision -----------------------------------------
    def receipt(self, ticket: Ticket | None, nir: str) -> Receipt:
        """The receipt (PDF) of the person's current opposition, claimed for this session for
        ``rules.RECEIPT_CLAIM`` (30 s): meanwhile another session asking gets ``ReceiptBusy``
        (how long to wait), and this session may ask again (the claim renewed). The front end
        writes it, then calls ``receipt_saved``; or ``release_receipt`` if it could not. A
        claim never confirmed (the session died) lapses: the receipt is never lost.
        ``ReceiptUnavailable`` when the person is not opposed, or the receipt of this decision
        was already saved."""
        ...

    def receipt_saved(self, ticket: Ticket | None, nir: str) -> None:
        """The receipt this session claimed is written: it can be saved no more for this
        decision. ``ReceiptUnavailable`` when the claim was lost meanwhile (it lapsed, and
        another session took the receipt over): the file written must then be removed."""
        ...

    def release_receipt(self, ticket: Ticket | None, nir: str) -> None:
        """The receipt this session claimed could not be written: another session (or this one)
        may ask for it at once. Nothing happens when this session holds no claim."""
        ...

    # -- contact details ----------------------------------------------------------------
    def start_contact_change(
        self, ticket: Ticket | None, nir: str, channel: Channel, new_value: str
    ) -> Challenge:
        """Send a one-time code to a new e-mail (``Channel.EMAIL``) or mobile (``Channel.SMS``).
        ``ResendTooSoon`` within the wait after the previous code; ``ContactChangeLocked``
        beyond the bounds on codes and wrong codes (``rules.OTP_*``)."""
        ...

    def resend_contact_code(self, ticket: Ticket | None, nir: str, channel: Channel) -> Challenge:
        """Send a fresh code for the pending change; ``ResendTooSoon`` within the wait,
        ``ContactChangeLocked`` beyond the bounds, as ``start_contact_change``."""
        ...

    def verify_contact_code(
        self, ticket: Ticket | None, nir: str, channel: Channel, code: str
    ) -> PersonView:
        """Check the one-time code and, if right, record the new contact detail.
        Raises ``OtpInvalid`` (attempts left), ``OtpExpired``, ``NoPendingCode``, and
        ``ContactChangeLocked`` when the change is locked (a wrong code may start the lock)."""
        ...

    # -- credentials --------------------------------------------------------------------
    def check_identifier(self, ticket: Ticket | None, nir: str, identifier: str) -> IdentifierCheck:
        """Validate an identifier and say whether it is free (with suggestions if not).
        ``IdentifierChecksPaused`` once the person, the session or the SSH client has had
        enough answers for a while (the activation still tells, a few times more)."""
        ...

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
        """Record the credentials and activate the space, in one transaction. ``expected`` is
        the status the person saw; if it changed meanwhile (an opposition recorded by another
        session), ``DecisionConflict`` and nothing is written; ``AlreadyActive`` if the space
        is active. Raises ``TermsNotAccepted``, ``InvalidInput``, ``IdentifierTaken``,
        ``PasswordRejected``, ``Locked`` (too many identifiers checked or found taken)."""
        ...

    def login(self, identifier: str, password: str) -> Identified:
        """Sign in: the person with a new ticket. ``LoginFailed`` (generic; ``wait_seconds``
        when it makes the next attempt wait), ``Slowed`` while an earlier failure for this
        identifier, session or SSH client makes this one wait, and ``Locked`` after repeated
        failures from one session or client (an identifier is never locked: nobody can lock its
        owner out)."""
        ...

    def sign_out(self, ticket: Ticket | None) -> None:
        """Revoke ``ticket``: nothing more is done with it. Nothing happens for a ticket
        unknown, expired or already revoked (or None)."""
        ...


class RegistryAdmin(Protocol):
    """The trainer's and administrator's operations on the registry (``mes-tui registry``,
    ``mes-tui outbox``): never offered to the person being served."""

    def list_registry(self) -> list[RegistryEntry]:
        """Everyone in the registry, with their current provisional code where one is valid."""
        ...

    def import_registry(self, rows: list[dict[str, Any]]) -> int:
        """Validate every row, then add or replace those people in one transaction.
        Raises ``ImportRejected`` listing every bad row (1-based) if any is bad."""
        ...

    def reset_registry(self) -> None:
        """Replace the registry with the demo people; clear lockouts and pending codes."""
        ...

    def outbox(self) -> list[OutboxMessage]:
        """Every simulated message sent, oldest first."""
        ...


MessageListener = Callable[[OutboxMessage], None]
"""Called with each simulated message, in the thread whose call sent it."""


class MessageFeed(Protocol):
    """The simulated messages sent for one session, as they are sent: what lets a front end
    show the trainer the e-mail or SMS that would have gone out. Only a simulated back office
    has one (a real one hands its messages to the network)."""

    def subscribe(self, listener: MessageListener) -> Callable[[], None]:
        """Call ``listener(message)`` for every message sent for this session from now on, and
        nothing from any other session, until the function returned is called. A listener
        that raises is left out of that message only; the call that sent it still succeeds."""
        ...
