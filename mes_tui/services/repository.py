"""What the rules of the simulated back office need from the registry, whatever the database:
``Repository`` runs units of work, each handed a ``Transaction`` whose operations read and write
the registry. ``mes_tui.services.sqlite_repository`` implements them on SQLite; another database
joins by implementing them again, without touching a rule.

Writes never rely on a lock over the whole database: a row read then written is written with a
condition that it is still as read (or inserted only if still absent). When it is not, the
operation raises ``WriteConflict``, and ``Repository.write`` runs the unit of work again, from
the start, on what the other session committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from mes_tui.models import CardType, Channel, Status
    from mes_tui.services.importing import PersonRecord

T = TypeVar("T")


class WriteConflict(Exception):
    """A row changed between the read and the write of one unit of work: run it again."""


# -- rows ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredPerson:
    """One person of the registry, typed."""

    id: int
    nir: str
    first_name: str
    last_name: str
    birth_date: date
    card_type: CardType
    card_serial: str
    email: str | None
    mobile: str | None
    status: Status
    decided_on: date | None
    identifier: str | None
    password_hash: str | None
    provisional_code_hash: str | None
    code_requests_day: str
    code_requests_count: int
    receipt_available: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class PendingCode:
    """The one-time code waiting to be typed for a new contact value."""

    new_value: str
    code_hash: str
    expires_at: datetime
    attempts_left: int
    sent_at: datetime


@dataclass(frozen=True)
class OtpLimits:
    """What one person used of the bounds on one-time codes, on one channel, whatever the
    values typed. ``basis``: the limits as read from the registry (None if there were none),
    which a write expects to find still."""

    change_started_at: datetime
    change_codes: int
    change_failures: int
    last_code_at: datetime | None
    locked_until: datetime | None
    day: str
    day_codes: int
    day_failures: int
    basis: OtpLimits | None = None


@dataclass(frozen=True)
class ThrottleEntry:
    """One subject's count under one throttling scope: ``failures`` as of ``since``, and the end
    of the wait or lock the last failure started (``held``)."""

    failures: int
    since: datetime
    held: datetime | None


@dataclass(frozen=True)
class ReceiptHold:
    """Whether the receipt can still be saved, and until when another session holds it."""

    available: bool
    claimed_until: datetime | None


# -- the operations ------------------------------------------------------------------------------
class Transaction(Protocol):
    """The operations of one unit of work. Those that write a row read before raise
    ``WriteConflict`` when it changed meanwhile."""

    # people
    def person_by_nir(self, nir: str) -> StoredPerson | None: ...
    def person_by_id(self, person_id: int) -> StoredPerson: ...
    def person_by_identifier(self, identifier: str) -> StoredPerson | None: ...
    def people(self) -> list[StoredPerson]: ...
    def profiles(self, holder_id: int) -> list[StoredPerson]:
        """The profiles attached to ``holder_id``, in the order they were attached."""
        ...

    def taken_identifiers(self, candidates: Iterable[str]) -> set[str]: ...
    def take_code_request(self, person_id: int, day: str, per_day: int) -> bool:
        """Count one of the day's requests for a provisional code, unless ``per_day`` are."""
        ...

    def give_back_code_request(self, person_id: int, day: str) -> None: ...
    def set_provisional_code(self, person_id: int, code_hash: str) -> None: ...
    def record_decision(
        self, person_id: int, status: Status, expected: Status, day: date, *, opposing: bool
    ) -> bool:
        """Move a person from ``expected`` to ``status``; False if their status is another."""
        ...

    def activate(
        self, person_id: int, identifier: str, password_hash: str, day: date, expected: Status
    ) -> bool | None:
        """Activate from ``expected``: False if the status is another, None if the identifier
        is taken."""
        ...

    def set_contact(self, person_id: int, channel: Channel, value: str) -> None: ...
    def rehash_password(self, person_id: int, new_hash: str, old_hash: str) -> None: ...

    # the opposition receipt
    def claim_receipt(
        self, person_id: int, token: str, decided_on: date, until: datetime, now: datetime
    ) -> bool: ...
    def receipt_hold(self, person_id: int) -> ReceiptHold | None: ...
    def receipt_saved(self, person_id: int, token: str, decided_on: date) -> bool: ...
    def release_receipt(self, person_id: int, token: str) -> None: ...

    # one-time codes
    def pending_code(self, person_id: int, channel: Channel) -> PendingCode | None: ...
    def put_pending_code(self, person_id: int, channel: Channel, code: PendingCode) -> None: ...
    def take_pending_code(self, person_id: int, channel: Channel, code_hash: str) -> bool:
        """Remove the pending code if it is still ``code_hash``."""
        ...

    def drop_pending_code(self, person_id: int, channel: Channel) -> None: ...
    def spend_attempt(self, person_id: int, channel: Channel, attempts_left: int) -> bool:
        """One attempt fewer, if ``attempts_left`` are still left."""
        ...

    def otp_limits(self, person_id: int, channel: Channel) -> OtpLimits | None: ...
    def save_otp_limits(
        self, person_id: int, channel: Channel, limits: OtpLimits, expected: OtpLimits | None
    ) -> None:
        """Store ``limits`` where ``expected`` is still stored (none: no row yet)."""
        ...

    # throttling
    def throttle_entry(self, scope: str, subject: str) -> ThrottleEntry | None: ...
    def count_failure(
        self,
        scope: str,
        subject: str,
        now: datetime,
        window_start: datetime,
        max_failures: int,
        lock_end: datetime,
    ) -> datetime | None:
        """Count one failure in a window (a new window if the last began before
        ``window_start`` or its lock is over); the lock's end if this one starts it."""
        ...

    def swap_throttle(
        self,
        scope: str,
        subject: str,
        expected: ThrottleEntry | None,
        new: ThrottleEntry | None,
    ) -> bool:
        """Replace ``expected`` (None: no entry) by ``new`` (None: remove it); False if the
        entry stored is another."""
        ...

    def clear_throttle(self, scope: str, subject: str) -> None: ...
    def forget_throttle(self, scope: str, before: datetime, now: datetime) -> None:
        """Remove the entries of ``scope`` counted before ``before`` whose hold is over."""
        ...

    def locked_subjects(self, scope: str, now: datetime) -> dict[str, datetime]: ...
    def put_lock(
        self, scope: str, subject: str, failures: int, since: datetime, until: datetime
    ) -> None: ...

    # the registry as a whole (the trainer's operations)
    def identifiers_by_nir(self) -> dict[str, str | None]: ...
    def profile_nirs(self) -> dict[str, list[str]]:
        """The NIRs of each holder's profiles, by the holder's NIR, in attachment order."""
        ...

    def free_identifier(self, nir: str) -> None: ...
    def put_person(
        self, record: PersonRecord, password_hash: str | None, code_hash: str | None
    ) -> int:
        """Add ``record`` or replace the person of its NIR (their counts started afresh)."""
        ...

    def person_id(self, nir: str) -> int: ...
    def forget_codes(self, person_id: int) -> None: ...
    def set_profiles(self, holder_id: int, profile_ids: list[int]) -> None: ...
    def empty_registry(self) -> None: ...
    def mark_seeded(self, now: datetime) -> None: ...


class Repository(Protocol):
    """Units of work on the registry. ``fn`` may run more than once (busy database, write
    conflict), so it must only touch the registry."""

    def read(self, fn: Callable[[Transaction], T]) -> T:
        """Run ``fn`` on one consistent snapshot."""
        ...

    def write(self, fn: Callable[[Transaction], T]) -> T:
        """Run ``fn`` in one transaction: all of it is committed, or none of it."""
        ...
