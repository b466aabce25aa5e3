"""The back-office interface the front ends call.

One implementation exists, the local simulation (``mes_tui.services.simulated``); a real back end
would implement the same protocol. Every method is synchronous and may block on storage or delivery:
the interface calls them from worker threads. Refusals are raised as ``ServiceError`` subclasses
(``mes_tui.services.errors``) whose ``message`` is the French sentence to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from mes_tui.models import CardType, Channel, PersonView, Status


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
    message: OutboxMessage


@dataclass(frozen=True)
class Challenge:
    """A one-time code is waiting to be typed for a new e-mail address or mobile number."""

    channel: Channel  # EMAIL or SMS
    to: str  # the new address, or the mobile in E.164
    expires_at: datetime
    resend_available_at: datetime
    message: OutboxMessage


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
    """Everything the journeys need from the back office."""

    # -- identification ---------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> PersonView:
        """Check a provisional code with the NIR and the carte Vitale; consume the code on success.

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
    def get_person(self, nir: str) -> PersonView:
        """The person and their attached profiles, fresh from the registry."""
        ...

    def oppose(self, nir: str, *, expected: Status) -> Decision:
        """Record the person's opposition, dated today. ``expected`` is the status the person saw;
        if it changed meanwhile, ``DecisionConflict`` and nothing is written."""
        ...

    def close_space(self, nir: str) -> Decision:
        """Close an activated space (recorded as an opposition)."""
        ...

    def decide_profile(
        self,
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

    def default_receipts_dir(self) -> Path:
        """``DATA_DIR/justificatifs``: where receipts go unless the person chooses a folder."""
        ...

    def save_receipt(self, nir: str, folder: Path | None = None) -> Path:
        """Write the opposition receipt (PDF) of the person's current opposition into ``folder``
        (default: ``default_receipts_dir()``) and return its path. It can be saved once per
        decision: ``ReceiptUnavailable`` afterwards, or when the person is not opposed.
        ``InvalidInput(field="folder")`` when the folder cannot be created or written."""
        ...

    # -- contact details ----------------------------------------------------------------
    def start_contact_change(self, nir: str, channel: Channel, new_value: str) -> Challenge:
        """Send a one-time code to a new e-mail (``Channel.EMAIL``) or mobile (``Channel.SMS``).
        ``ResendTooSoon`` within the wait after the previous code; ``ContactChangeLocked``
        beyond the bounds on codes and wrong codes (``rules.OTP_*``)."""
        ...

    def resend_contact_code(self, nir: str, channel: Channel) -> Challenge:
        """Send a fresh code for the pending change; ``ResendTooSoon`` within the wait,
        ``ContactChangeLocked`` beyond the bounds, as ``start_contact_change``."""
        ...

    def verify_contact_code(self, nir: str, channel: Channel, code: str) -> PersonView:
        """Check the one-time code and, if right, record the new contact detail.
        Raises ``OtpInvalid`` (attempts left), ``OtpExpired``, ``NoPendingCode``, and
        ``ContactChangeLocked`` when the change is locked (a wrong code may start the lock)."""
        ...

    # -- credentials --------------------------------------------------------------------
    def check_identifier(self, nir: str, identifier: str) -> IdentifierCheck:
        """Validate an identifier and say whether it is free (with suggestions if not).
        ``IdentifierChecksPaused`` once the person, the session or the SSH client has had
        enough answers for a while (the activation still tells, a few times more)."""
        ...

    def activate(
        self, nir: str, identifier: str, password: str, *, accepted_terms: bool
    ) -> PersonView:
        """Record the credentials and activate the space, in one transaction.
        Raises ``TermsNotAccepted``, ``InvalidInput``, ``IdentifierTaken``, ``PasswordRejected``,
        ``AlreadyActive``, ``Locked`` (too many identifiers checked or found taken)."""
        ...

    def login(self, identifier: str, password: str) -> PersonView:
        """Sign in; ``LoginFailed`` (generic; ``wait_seconds`` when it makes the next attempt
        wait), ``Slowed`` while an earlier failure for this identifier, session or SSH client
        makes this one wait, and ``Locked`` after repeated failures from one session or client
        (an identifier is never locked: nobody can lock its owner out)."""
        ...

    # -- trainer and administration -------------------------------------------------------
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
