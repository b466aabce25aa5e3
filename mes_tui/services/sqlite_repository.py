"""``Repository`` on the SQLite registry (``Storage``): the SQL of the simulated back office.

No statement relies on SQLite's write lock for being right: a row read then written is written
with ``INSERT ... ON CONFLICT`` or with an ``UPDATE``/``DELETE`` conditioned on what was read,
whose row count says whether it still was (``WriteConflict`` when not). The SQL is the subset
PostgreSQL shares, placeholders aside.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from mes_tui.models import CardType, Channel, Status
from mes_tui.services import rules
from mes_tui.services.errors import StorageBusy
from mes_tui.services.repository import (
    OtpLimits,
    PendingCode,
    ReceiptHold,
    StoredPerson,
    ThrottleEntry,
    Transaction,
    WriteConflict,
)
from mes_tui.services.sqlite_registry import RegistryStatements, maybe_instant
from mes_tui.services.storage import Storage, day, from_day, from_instant, instant

if TYPE_CHECKING:
    pass

T = TypeVar("T")

_PERSON_COLUMNS = (
    "id, nir, first_name, last_name, birth_date, card_type, card_serial, email, mobile, status, "
    "decided_on, identifier, password_hash, provisional_code_hash, code_requests_day, "
    "code_requests_count, receipt_available"
)
_CONTACT_COLUMNS = {Channel.EMAIL: "email", Channel.SMS: "mobile"}
_LIMITS_COLUMNS = (
    "change_started_at, change_codes, change_failures, last_code_at, locked_until, day, "
    "day_codes, day_failures"
)
_SAME_LIMITS = (
    "change_started_at = ? AND change_codes = ? AND change_failures = ? "
    "AND (last_code_at = ? OR (last_code_at IS NULL AND ? IS NULL)) "
    "AND (locked_until = ? OR (locked_until IS NULL AND ? IS NULL)) "
    "AND day = ? AND day_codes = ? AND day_failures = ?"
)
_SAME_ENTRY = (
    "scope = ? AND subject_hash = ? AND failures = ? AND first_failure_at = ? "
    "AND (locked_until = ? OR (locked_until IS NULL AND ? IS NULL))"
)


def _person(row: sqlite3.Row) -> StoredPerson:
    return StoredPerson(
        id=int(row["id"]),
        nir=str(row["nir"]),
        first_name=str(row["first_name"]),
        last_name=str(row["last_name"]),
        birth_date=date.fromisoformat(row["birth_date"]),
        card_type=CardType(row["card_type"]),
        card_serial=str(row["card_serial"]),
        email=row["email"],
        mobile=row["mobile"],
        status=Status(row["status"]),
        decided_on=from_day(row["decided_on"]),
        identifier=row["identifier"],
        password_hash=row["password_hash"],
        provisional_code_hash=row["provisional_code_hash"],
        code_requests_day=str(row["code_requests_day"]),
        code_requests_count=int(row["code_requests_count"]),
        receipt_available=bool(row["receipt_available"]),
    )


def _limits_values(limits: OtpLimits) -> tuple[object, ...]:
    return (
        instant(limits.change_started_at),
        limits.change_codes,
        limits.change_failures,
        maybe_instant(limits.last_code_at),
        maybe_instant(limits.locked_until),
        limits.day,
        limits.day_codes,
        limits.day_failures,
    )


def _same_limits(limits: OtpLimits) -> tuple[object, ...]:
    """The parameters of ``_SAME_LIMITS`` for ``limits``."""
    started, codes, failures, last, locked, on_day, day_codes, day_failures = _limits_values(limits)
    return (started, codes, failures, last, last, locked, locked, on_day, day_codes, day_failures)


def _same_entry(scope: str, subject: str, entry: ThrottleEntry) -> tuple[object, ...]:
    held = maybe_instant(entry.held)
    return (scope, subject, entry.failures, instant(entry.since), held, held)


class SqliteRepository:
    """``Repository`` on ``storage``: each unit of work one SQLite transaction (``BEGIN
    IMMEDIATE`` for writes), run again on a ``WriteConflict``."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    def read(self, fn: Callable[[Transaction], T]) -> T:
        return self.storage.read(lambda conn: fn(SqliteTransaction(conn)))

    def write(self, fn: Callable[[Transaction], T]) -> T:
        for _ in range(rules.BUSY_RETRIES):
            try:
                return self.storage.write(lambda conn: fn(SqliteTransaction(conn)))
            except WriteConflict:
                continue  # rolled back: again, on what the other session committed
        raise StorageBusy()


class SqliteTransaction(RegistryStatements):
    """``Transaction`` on one open SQLite connection."""

    def _select_people(self, condition: str, params: tuple[object, ...]) -> list[StoredPerson]:
        """People matching ``condition`` (a fixed SQL fragment with placeholders), by id."""
        query = f"SELECT {_PERSON_COLUMNS} FROM people WHERE {condition} ORDER BY id"  # noqa: S608
        return [_person(row) for row in self._run(query, params)]

    # -- people ----------------------------------------------------------------------------
    def person_by_nir(self, nir: str) -> StoredPerson | None:
        found = self._select_people("nir = ?", (nir,))
        return found[0] if found else None

    def person_by_id(self, person_id: int) -> StoredPerson:
        return self._select_people("id = ?", (person_id,))[0]

    def person_by_identifier(self, identifier: str) -> StoredPerson | None:
        found = self._select_people("identifier = ?", (identifier,))
        return found[0] if found else None

    def people(self) -> list[StoredPerson]:
        return self._select_people("1 = 1", ())

    def profiles(self, holder_id: int) -> list[StoredPerson]:
        order = {
            int(row["profile_id"]): int(row["position"])
            for row in self._run(
                "SELECT profile_id, position FROM attachments WHERE holder_id = ?", (holder_id,)
            )
        }
        found = self._select_people(
            "id IN (SELECT profile_id FROM attachments WHERE holder_id = ?)", (holder_id,)
        )
        return sorted(found, key=lambda person: order[person.id])

    def taken_identifiers(self, candidates: Iterable[str]) -> set[str]:
        wanted = list(candidates)
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        query = f"SELECT identifier FROM people WHERE identifier IN ({marks})"  # noqa: S608
        return {str(row["identifier"]) for row in self._run(query, wanted)}

    def take_code_request(self, person_id: int, day: str, per_day: int) -> bool:
        return bool(
            self._run(
                "UPDATE people SET code_requests_day = ?, "
                "code_requests_count = CASE WHEN code_requests_day = ? "
                "THEN code_requests_count + 1 ELSE 1 END "
                "WHERE id = ? AND (code_requests_day <> ? OR code_requests_count < ?)",
                (day, day, person_id, day, per_day),
            ).rowcount
        )

    def give_back_code_request(self, person_id: int, day: str) -> None:
        self._run(
            "UPDATE people SET code_requests_count = code_requests_count - 1 "
            "WHERE id = ? AND code_requests_day = ? AND code_requests_count > 0",
            (person_id, day),
        )

    def set_provisional_code(self, person_id: int, code_hash: str) -> None:
        self._run(
            "UPDATE people SET provisional_code_hash = ? WHERE id = ?", (code_hash, person_id)
        )

    def record_decision(
        self, person_id: int, status: Status, expected: Status, day: date, *, opposing: bool
    ) -> bool:
        # An opposition closes the space: its credentials go with it. A recorded decision uses
        # up the provisional code: it served its single purpose.
        closing = ", identifier = NULL, password_hash = NULL" if opposing else ""
        return bool(
            self._run(
                "UPDATE people SET status = ?, decided_on = ?, receipt_available = ?, "  # noqa: S608
                f"provisional_code_hash = NULL{closing} "
                "WHERE id = ? AND status = ?",
                (status.value, day.isoformat(), int(opposing), person_id, expected.value),
            ).rowcount
        )

    def activate(
        self, person_id: int, identifier: str, password_hash: str, day: date, expected: Status
    ) -> bool | None:
        try:
            updated = self._run(
                "UPDATE people SET identifier = ?, password_hash = ?, status = ?, "
                "decided_on = ?, receipt_available = 0, provisional_code_hash = NULL "
                "WHERE id = ? AND status = ? AND status <> ?",
                (
                    identifier,
                    password_hash,
                    Status.ACTIVE.value,
                    day.isoformat(),
                    person_id,
                    expected.value,
                    Status.ACTIVE.value,
                ),
            ).rowcount
        except sqlite3.IntegrityError:
            return None
        return bool(updated)

    def set_contact(self, person_id: int, channel: Channel, value: str) -> None:
        column = _CONTACT_COLUMNS[channel]
        self._run(f"UPDATE people SET {column} = ? WHERE id = ?", (value, person_id))  # noqa: S608

    def rehash_password(self, person_id: int, new_hash: str, old_hash: str) -> None:
        self._run(
            "UPDATE people SET password_hash = ? WHERE id = ? AND password_hash = ?",
            (new_hash, person_id, old_hash),
        )

    # -- the opposition receipt ------------------------------------------------------------
    def claim_receipt(
        self, person_id: int, token: str, decided_on: date, until: datetime, now: datetime
    ) -> bool:
        return bool(
            self._run(
                "UPDATE people SET receipt_claim = ?, receipt_claimed_until = ? "
                "WHERE id = ? AND status = ? AND decided_on = ? AND receipt_available = 1 "
                "AND (receipt_claimed_until IS NULL OR receipt_claimed_until <= ? "
                "OR receipt_claim = ?)",
                (
                    token,
                    instant(until),
                    person_id,
                    Status.OPPOSEE.value,
                    day(decided_on),
                    instant(now),
                    token,
                ),
            ).rowcount
        )

    def receipt_hold(self, person_id: int) -> ReceiptHold | None:
        row = self._run(
            "SELECT receipt_available, receipt_claimed_until FROM people WHERE id = ?",
            (person_id,),
        ).fetchone()
        if row is None:
            return None
        until = row["receipt_claimed_until"]
        return ReceiptHold(bool(row["receipt_available"]), from_instant(until) if until else None)

    def receipt_saved(self, person_id: int, token: str, decided_on: date) -> bool:
        return bool(
            self._run(
                "UPDATE people SET receipt_available = 0, receipt_claim = NULL, "
                "receipt_claimed_until = NULL "
                "WHERE id = ? AND status = ? AND decided_on = ? AND receipt_available = 1 "
                "AND receipt_claim = ?",
                (person_id, Status.OPPOSEE.value, day(decided_on), token),
            ).rowcount
        )

    def release_receipt(self, person_id: int, token: str) -> None:
        self._run(
            "UPDATE people SET receipt_claim = NULL, receipt_claimed_until = NULL "
            "WHERE id = ? AND receipt_claim = ?",
            (person_id, token),
        )

    # -- one-time codes --------------------------------------------------------------------
    def pending_code(self, person_id: int, channel: Channel) -> PendingCode | None:
        row = self._run(
            "SELECT new_value, code_hash, expires_at, attempts_left, sent_at FROM pending_otp "
            "WHERE person_id = ? AND channel = ?",
            (person_id, channel.value),
        ).fetchone()
        if row is None:
            return None
        return PendingCode(
            new_value=str(row["new_value"]),
            code_hash=str(row["code_hash"]),
            expires_at=from_instant(row["expires_at"]),
            attempts_left=int(row["attempts_left"]),
            sent_at=from_instant(row["sent_at"]),
        )

    def put_pending_code(self, person_id: int, channel: Channel, code: PendingCode) -> None:
        self._run(
            "INSERT INTO pending_otp (person_id, channel, new_value, code_hash, expires_at, "
            "attempts_left, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (person_id, channel) DO UPDATE SET new_value = excluded.new_value, "
            "code_hash = excluded.code_hash, expires_at = excluded.expires_at, "
            "attempts_left = excluded.attempts_left, sent_at = excluded.sent_at",
            (
                person_id,
                channel.value,
                code.new_value,
                code.code_hash,
                instant(code.expires_at),
                code.attempts_left,
                instant(code.sent_at),
            ),
        )

    def take_pending_code(self, person_id: int, channel: Channel, code_hash: str) -> bool:
        return bool(
            self._run(
                "DELETE FROM pending_otp WHERE person_id = ? AND channel = ? AND code_hash = ?",
                (person_id, channel.value, code_hash),
            ).rowcount
        )

    def drop_pending_code(self, person_id: int, channel: Channel) -> None:
        self._run(
            "DELETE FROM pending_otp WHERE person_id = ? AND channel = ?",
            (person_id, channel.value),
        )

    def spend_attempt(self, person_id: int, channel: Channel, attempts_left: int) -> bool:
        return bool(
            self._run(
                "UPDATE pending_otp SET attempts_left = attempts_left - 1 "
                "WHERE person_id = ? AND channel = ? AND attempts_left = ? AND attempts_left > 0",
                (person_id, channel.value, attempts_left),
            ).rowcount
        )

    def otp_limits(self, person_id: int, channel: Channel) -> OtpLimits | None:
        row = self._run(
            f"SELECT {_LIMITS_COLUMNS} FROM otp_limits "  # noqa: S608
            "WHERE person_id = ? AND channel = ?",
            (person_id, channel.value),
        ).fetchone()
        if row is None:
            return None
        return OtpLimits(
            change_started_at=from_instant(row["change_started_at"]),
            change_codes=int(row["change_codes"]),
            change_failures=int(row["change_failures"]),
            last_code_at=from_instant(row["last_code_at"]) if row["last_code_at"] else None,
            locked_until=from_instant(row["locked_until"]) if row["locked_until"] else None,
            day=str(row["day"]),
            day_codes=int(row["day_codes"]),
            day_failures=int(row["day_failures"]),
        )

    def save_otp_limits(
        self, person_id: int, channel: Channel, limits: OtpLimits, expected: OtpLimits | None
    ) -> None:
        values = _limits_values(limits)
        if expected is None:
            written = self._run(
                f"INSERT INTO otp_limits ({_LIMITS_COLUMNS}, person_id, channel) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (person_id, channel) DO NOTHING",
                (*values, person_id, channel.value),
            ).rowcount
        else:
            written = self._run(
                "UPDATE otp_limits SET change_started_at = ?, change_codes = ?, "  # noqa: S608
                "change_failures = ?, last_code_at = ?, locked_until = ?, day = ?, "
                f"day_codes = ?, day_failures = ? WHERE person_id = ? AND channel = ? "
                f"AND {_SAME_LIMITS}",
                (*values, person_id, channel.value, *_same_limits(expected)),
            ).rowcount
        if not written:
            raise WriteConflict()

    # -- throttling ------------------------------------------------------------------------
    def throttle_entry(self, scope: str, subject: str) -> ThrottleEntry | None:
        row = self._run(
            "SELECT failures, first_failure_at, locked_until FROM throttle "
            "WHERE scope = ? AND subject_hash = ?",
            (scope, subject),
        ).fetchone()
        if row is None:
            return None
        held = from_instant(row["locked_until"]) if row["locked_until"] is not None else None
        return ThrottleEntry(int(row["failures"]), from_instant(row["first_failure_at"]), held)

    def count_failure(
        self,
        scope: str,
        subject: str,
        now: datetime,
        window_start: datetime,
        max_failures: int,
        lock_end: datetime,
    ) -> datetime | None:
        # A new window when the lock is over or the window began too long ago. Every
        # expression of the update reads the row as it was.
        fresh = (
            "(throttle.locked_until IS NOT NULL AND throttle.locked_until <= :now) "
            "OR throttle.first_failure_at <= :window_start"
        )
        self._run(
            "INSERT INTO throttle (scope, subject_hash, failures, first_failure_at, "  # noqa: S608
            "locked_until) VALUES (:scope, :subject, 1, :now, "
            "CASE WHEN 1 >= :max THEN :lock_end ELSE NULL END) "
            "ON CONFLICT (scope, subject_hash) DO UPDATE SET "
            f"failures = CASE WHEN {fresh} THEN 1 ELSE throttle.failures + 1 END, "
            f"first_failure_at = CASE WHEN {fresh} THEN :now ELSE throttle.first_failure_at END, "
            f"locked_until = CASE WHEN (CASE WHEN {fresh} THEN 1 ELSE throttle.failures + 1 END)"
            " >= :max THEN :lock_end ELSE NULL END",
            {
                "scope": scope,
                "subject": subject,
                "now": instant(now),
                "window_start": instant(window_start),
                "max": max_failures,
                "lock_end": instant(lock_end),
            },
        )
        entry = self.throttle_entry(scope, subject)
        return entry.held if entry is not None else None

    def swap_throttle(
        self,
        scope: str,
        subject: str,
        expected: ThrottleEntry | None,
        new: ThrottleEntry | None,
    ) -> bool:
        if expected is None:
            if new is None:
                return self.throttle_entry(scope, subject) is None
            return bool(
                self._run(
                    "INSERT INTO throttle (failures, first_failure_at, locked_until, scope, "
                    "subject_hash) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (scope, subject_hash) DO NOTHING",
                    (new.failures, instant(new.since), maybe_instant(new.held), scope, subject),
                ).rowcount
            )
        where = _same_entry(scope, subject, expected)
        if new is None:
            query = f"DELETE FROM throttle WHERE {_SAME_ENTRY}"  # noqa: S608
            return bool(self._run(query, where).rowcount)
        return bool(
            self._run(
                "UPDATE throttle SET failures = ?, first_failure_at = ?, "  # noqa: S608
                f"locked_until = ? WHERE {_SAME_ENTRY}",
                (new.failures, instant(new.since), maybe_instant(new.held), *where),
            ).rowcount
        )

    def clear_throttle(self, scope: str, subject: str) -> None:
        self._run("DELETE FROM throttle WHERE scope = ? AND subject_hash = ?", (scope, subject))

    def forget_throttle(self, scope: str, before: datetime, now: datetime) -> None:
        self._run(
            "DELETE FROM throttle WHERE scope = ? AND first_failure_at < ? "
            "AND (locked_until IS NULL OR locked_until < ?)",
            (scope, instant(before), instant(now)),
        )
