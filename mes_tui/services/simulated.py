"""The simulated back office: ``MesService`` on a local SQLite registry and a file outbox.

It applies the rules a real back office would (DOMAIN.md, security rules): one message whatever
part of an identification was wrong, lockouts per NIR or identifier, single-use codes kept only
as keyed hashes and compared in constant time, one-time codes bounded per person and channel
(sent and wrong, per change and per day), argon2id passwords, and decisions recorded with
optimistic concurrency so that two sessions deciding for the same profile cannot both win.

Each public method opens its own short transactions: workers call it from threads, and many
processes share the registry. Anything slow (argon2, delivery) runs outside write transactions.
Logs never carry a NIR, a code or a password.
"""

from __future__ import annotations

import hmac
import logging
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as evolve
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic_core import PydanticCustomError

from mes_tui.models import (
    CardType,
    Channel,
    PersonView,
    ProfileView,
    Status,
    age_on,
    mask_email,
    new_otp,
    new_provisional_code,
    nir_key,
    normalize_email,
    normalize_identifier,
    normalize_mobile,
    normalize_nir,
    normalize_nir_without_key,
    normalize_otp,
    normalize_provisional_code,
    normalize_serial,
    parse_birth_date,
    password_problems,
)
from mes_tui.models.dates import check_birth_date
from mes_tui.services import demo, rules
from mes_tui.services.api import (
    Challenge,
    CodeSent,
    Decision,
    IdentifierCheck,
    OutboxMessage,
    RegistryEntry,
)
from mes_tui.services.clock import Clock, local_date, next_local_midnight
from mes_tui.services.delivery import DeliveryError, SimulatedDelivery
from mes_tui.services.errors import (
    AlreadyActive,
    CertificationRequired,
    CodeRequestFailed,
    ContactChangeLocked,
    DecisionConflict,
    DeliveryFailed,
    IdentificationFailed,
    IdentifierTaken,
    InvalidInput,
    Locked,
    LoginFailed,
    NoEmailOnFile,
    NoPendingCode,
    NotAttached,
    OtpExpired,
    OtpInvalid,
    PasswordRejected,
    ReceiptUnavailable,
    ResendTooSoon,
    ServiceError,
    TermsNotAccepted,
    TooManyRequests,
    UnknownPerson,
)
from mes_tui.services.hashing import KeyedHasher, PasswordHashing
from mes_tui.services.importing import PersonRecord, carries_nir, validate_rows
from mes_tui.services.rules import ThrottleRule
from mes_tui.services.secrets import KeyProvider
from mes_tui.services.storage import Storage, day, from_day, from_instant, instant
from mes_tui.texts import safe
from mes_tui.texts import service as t
from mes_tui.texts import validation as vt

log = logging.getLogger("mes_tui")

T = TypeVar("T")

# Messages whose code is a provisional code (the trainer's list shows the current one).
RECEIPTS_DIR = "justificatifs"
PROVISIONAL_CODE_PURPOSES = frozenset({"code_provisoire", "invitation"})
SUGGESTIONS = 3

_PERSON_COLUMNS = (
    "id, nir, first_name, last_name, birth_date, card_type, card_serial, email, mobile, status, "
    "decided_on, identifier, password_hash, provisional_code_hash, code_requests_day, "
    "code_requests_count, receipt_available"
)


# -- rows ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Person:
    """A row of ``people``, typed."""

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

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> _Person:
        return cls(
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

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class _Pending:
    """A row of ``pending_otp``, typed."""

    new_value: str
    code_hash: str
    expires_at: datetime
    attempts_left: int
    sent_at: datetime


def _select_people(
    conn: sqlite3.Connection, condition: str, params: tuple[object, ...]
) -> list[_Person]:
    """People matching ``condition`` (a fixed SQL fragment with placeholders), in id order."""
    query = f"SELECT {_PERSON_COLUMNS} FROM people WHERE {condition} ORDER BY id"  # noqa: S608
    return [_Person.from_row(row) for row in conn.execute(query, params)]


def _person_by_nir(conn: sqlite3.Connection, nir: str) -> _Person | None:
    found = _select_people(conn, "nir = ?", (nir,))
    return found[0] if found else None


def _person_by_id(conn: sqlite3.Connection, person_id: int) -> _Person:
    return _select_people(conn, "id = ?", (person_id,))[0]


def _person_by_identifier(conn: sqlite3.Connection, identifier: str) -> _Person | None:
    found = _select_people(conn, "identifier = ?", (identifier,))
    return found[0] if found else None


def _require_person(conn: sqlite3.Connection, nir: str) -> _Person:
    person = _person_by_nir(conn, nir)
    if person is None:
        raise UnknownPerson()
    return person


def _profiles(conn: sqlite3.Connection, holder_id: int) -> list[_Person]:
    """The profiles attached to ``holder_id``, in the order they were attached."""
    order = {
        int(row["profile_id"]): int(row["position"])
        for row in conn.execute(
            "SELECT profile_id, position FROM attachments WHERE holder_id = ?", (holder_id,)
        )
    }
    found = _select_people(
        conn, "id IN (SELECT profile_id FROM attachments WHERE holder_id = ?)", (holder_id,)
    )
    return sorted(found, key=lambda person: order[person.id])


def _view(conn: sqlite3.Connection, person: _Person, today: date) -> PersonView:
    return PersonView(
        nir=person.nir,
        first_name=person.first_name,
        last_name=person.last_name,
        birth_date=person.birth_date,
        card_type=person.card_type,
        status=person.status,
        decided_on=person.decided_on,
        email=person.email,
        mobile=person.mobile,
        identifier=person.identifier,
        profiles=tuple(
            ProfileView(
                nir=profile.nir,
                first_name=profile.first_name,
                last_name=profile.last_name,
                birth_date=profile.birth_date,
                status=profile.status,
                decided_on=profile.decided_on,
                is_minor=age_on(profile.birth_date, today) < 18,
            )
            for profile in _profiles(conn, person.id)
        ),
    )


def _pending(conn: sqlite3.Connection, person_id: int, channel: Channel) -> _Pending | None:
    row = conn.execute(
        "SELECT new_value, code_hash, expires_at, attempts_left, sent_at FROM pending_otp "
        "WHERE person_id = ? AND channel = ?",
        (person_id, channel.value),
    ).fetchone()
    if row is None:
        return None
    return _Pending(
        new_value=str(row["new_value"]),
        code_hash=str(row["code_hash"]),
        expires_at=from_instant(row["expires_at"]),
        attempts_left=int(row["attempts_left"]),
        sent_at=from_instant(row["sent_at"]),
    )


# -- bounds on one-time codes (rules.OTP_*) -----------------------------------------------------
@dataclass(frozen=True)
class _OtpLimits:
    """A row of ``otp_limits``: what one person used of the bounds on one-time codes, on one
    channel, whatever the values typed."""

    change_started_at: datetime
    change_codes: int
    change_failures: int
    last_code_at: datetime | None
    locked_until: datetime | None
    day: str
    day_codes: int
    day_failures: int
    stored: bool = True


def _stored_limits(conn: sqlite3.Connection, person_id: int, channel: Channel) -> _OtpLimits | None:
    row = conn.execute(
        "SELECT change_started_at, change_codes, change_failures, last_code_at, locked_until, "
        "day, day_codes, day_failures FROM otp_limits WHERE person_id = ? AND channel = ?",
        (person_id, channel.value),
    ).fetchone()
    if row is None:
        return None
    return _OtpLimits(
        change_started_at=from_instant(row["change_started_at"]),
        change_codes=int(row["change_codes"]),
        change_failures=int(row["change_failures"]),
        last_code_at=from_instant(row["last_code_at"]) if row["last_code_at"] else None,
        locked_until=from_instant(row["locked_until"]) if row["locked_until"] else None,
        day=str(row["day"]),
        day_codes=int(row["day_codes"]),
        day_failures=int(row["day_failures"]),
    )


def _change_over(limits: _OtpLimits, now: datetime) -> bool:
    """Whether the contact change counted in ``limits`` is over, so that a new one starts: a
    lock ran out, or the last code's hold ran out, or the change is old and never was held."""
    if limits.locked_until is not None:
        return limits.locked_until <= now
    if limits.change_codes >= rules.OTP_CODES_PER_CHANGE and limits.last_code_at is not None:
        return limits.last_code_at + rules.OTP_CHANGE_LOCK <= now
    return limits.change_started_at + rules.OTP_CHANGE_WINDOW <= now


def _otp_limits(
    conn: sqlite3.Connection, person_id: int, channel: Channel, now: datetime, today: date
) -> _OtpLimits:
    """The limits as they stand at ``now``: a new change if the last one is over, new daily
    counts on a new day (nothing written). A lock running past midnight keeps its day."""
    limits = _stored_limits(conn, person_id, channel)
    if limits is None:
        return _OtpLimits(now, 0, 0, None, None, day(today), 0, 0, stored=False)
    running = limits.locked_until is not None and limits.locked_until > now
    if limits.day != day(today) and not running:
        limits = evolve(limits, day=day(today), day_codes=0, day_failures=0)
    if _change_over(limits, now):
        limits = evolve(
            limits, change_started_at=now, change_codes=0, change_failures=0, locked_until=None
        )
    return limits


def _save_limits(
    conn: sqlite3.Connection, person_id: int, channel: Channel, limits: _OtpLimits
) -> None:
    values = (
        instant(limits.change_started_at),
        limits.change_codes,
        limits.change_failures,
        instant(limits.last_code_at) if limits.last_code_at else None,
        instant(limits.locked_until) if limits.locked_until else None,
        limits.day,
        limits.day_codes,
        limits.day_failures,
        person_id,
        channel.value,
    )
    if limits.stored:
        conn.execute(
            "UPDATE otp_limits SET change_started_at = ?, change_codes = ?, change_failures = ?, "
            "last_code_at = ?, locked_until = ?, day = ?, day_codes = ?, day_failures = ? "
            "WHERE person_id = ? AND channel = ?",
            values,
        )
    else:
        conn.execute(
            "INSERT INTO otp_limits (change_started_at, change_codes, change_failures, "
            "last_code_at, locked_until, day, day_codes, day_failures, person_id, channel) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )


def _what(channel: Channel) -> str:
    return t.OTP_WHAT_EMAIL if channel is Channel.EMAIL else t.OTP_WHAT_MOBILE


def _guessing_lock(limits: _OtpLimits, channel: Channel, now: datetime) -> ContactChangeLocked:
    """The lock that too many wrong codes started (``limits.locked_until``, still running)."""
    assert limits.locked_until is not None
    daily = limits.day_failures >= rules.OTP_FAILURES_PER_DAY
    what = _what(channel)
    return ContactChangeLocked(
        limits.locked_until,
        now,
        t.OTP_DAY_FAILURES_LOCKED if daily else t.OTP_CHANGE_FAILURES_LOCKED,
        code_usable=False,
        count=rules.OTP_FAILURES_PER_DAY if daily else rules.OTP_FAILURES_PER_CHANGE,
        what=what,
        then=t.OTP_THEN_CONTINUE.format(what=what),
    )


def _sending_hold(
    limits: _OtpLimits, channel: Channel, now: datetime, midnight: datetime, *, code_usable: bool
) -> ContactChangeLocked | None:
    """Why no code may be sent now, if one of the bounds is reached: the longest hold.
    ``code_usable``: the person is before a code that can still be typed (a resend refused);
    refused a new value, the code pending (for another value, or on a screen left) is out of
    reach."""
    if limits.locked_until is not None and limits.locked_until > now:
        return _guessing_lock(limits, channel, now)
    holds: list[tuple[datetime, str, int]] = []
    if limits.day_codes >= rules.OTP_CODES_PER_DAY:
        holds.append((midnight, t.OTP_DAY_CODES_LOCKED, rules.OTP_CODES_PER_DAY))
    if limits.change_codes >= rules.OTP_CODES_PER_CHANGE and limits.last_code_at is not None:
        until = limits.last_code_at + rules.OTP_CHANGE_LOCK
        if until > now:
            holds.append((until, t.OTP_CHANGE_CODES_LOCKED, rules.OTP_CODES_PER_CHANGE))
    if not holds:
        return None
    until, template, count = max(holds, key=lambda hold: hold[0])
    what = _what(channel)
    return ContactChangeLocked(
        until,
        now,
        template,
        code_usable=code_usable,
        count=count,
        what=what,
        medium=t.OTP_BY_EMAIL if channel is Channel.EMAIL else t.OTP_BY_SMS,
        then=t.OTP_THEN_TYPE if code_usable else t.OTP_THEN_CONTINUE.format(what=what),
    )


def _next_code_at(limits: _OtpLimits, now: datetime, midnight: datetime) -> datetime:
    """When another code may be asked for, once ``limits`` counts the code just sent."""
    when = now + rules.OTP_RESEND_AFTER
    if limits.change_codes >= rules.OTP_CODES_PER_CHANGE:
        when = max(when, now + rules.OTP_CHANGE_LOCK)
    if limits.day_codes >= rules.OTP_CODES_PER_DAY:
        when = max(when, midnight)
    return when


@dataclass(frozen=True)
class _Reserved:
    """A code counted before it is sent (``_reserve_code``), to give back if it is not sent."""

    person: _Person
    value: str
    before: _OtpLimits
    after: _OtpLimits


def _reserve_code(
    conn: sqlite3.Connection,
    person: _Person,
    channel: Channel,
    value: str,
    pending: _Pending | None,
    now: datetime,
    today: date,
    midnight: datetime,
    *,
    resend: bool,
) -> _Reserved:
    """Count one code for ``person`` on ``channel``, or raise why none may be sent now."""
    limits = _otp_limits(conn, person.id, channel, now, today)
    # Refused a resend, the code received may still be typed: if it has not expired, nor
    # used up its attempts.
    usable = (
        resend and pending is not None and pending.expires_at > now and pending.attempts_left > 0
    )
    hold = _sending_hold(limits, channel, now, midnight, code_usable=usable)
    if hold is not None:
        raise hold
    _check_resend_wait(pending, now)
    if limits.last_code_at is not None:
        ready = limits.last_code_at + rules.OTP_RESEND_AFTER
        if now < ready:
            raise ResendTooSoon((ready - now).total_seconds())
    after = evolve(
        limits,
        change_started_at=now if limits.change_codes == 0 else limits.change_started_at,
        change_codes=limits.change_codes + 1,
        day_codes=limits.day_codes + 1,
        last_code_at=now,
    )
    _save_limits(conn, person.id, channel, after)
    return _Reserved(person, value, limits, evolve(after, stored=True))


def _release_code(conn: sqlite3.Connection, channel: Channel, reserved: _Reserved) -> None:
    """Give back a code counted by ``_reserve_code`` and not sent, unless the limits moved on
    meanwhile (another code sent since, a new change, a new day)."""
    person_id = reserved.person.id
    current = _stored_limits(conn, person_id, channel)
    after = reserved.after
    if current is None or current.last_code_at != after.last_code_at:
        return
    same_change = current.change_started_at == after.change_started_at
    same_day = current.day == after.day
    _save_limits(
        conn,
        person_id,
        channel,
        evolve(
            current,
            last_code_at=reserved.before.last_code_at,
            change_codes=current.change_codes - 1
            if same_change and current.change_codes > 0
            else current.change_codes,
            day_codes=current.day_codes - 1
            if same_day and current.day_codes > 0
            else current.day_codes,
        ),
    )


# -- lockouts ------------------------------------------------------------------------------------
def _locked_until(
    conn: sqlite3.Connection, rule: ThrottleRule, subject: str, now: datetime
) -> datetime | None:
    row = conn.execute(
        "SELECT locked_until FROM throttle WHERE scope = ? AND subject_hash = ?",
        (rule.scope, subject),
    ).fetchone()
    if row is None or row["locked_until"] is None:
        return None
    until = from_instant(row["locked_until"])
    return until if until > now else None


def _register_failure(
    conn: sqlite3.Connection, rule: ThrottleRule, subject: str, now: datetime
) -> datetime | None:
    """Count one failure; return the end of the lock if this failure starts one."""
    row = conn.execute(
        "SELECT failures, first_failure_at, locked_until FROM throttle "
        "WHERE scope = ? AND subject_hash = ?",
        (rule.scope, subject),
    ).fetchone()
    fresh = (
        row is None
        or (row["locked_until"] is not None and from_instant(row["locked_until"]) <= now)
        or from_instant(row["first_failure_at"]) + rule.window <= now
    )
    failures = 1 if fresh else int(row["failures"]) + 1
    first = now if fresh else from_instant(row["first_failure_at"])
    locked = now + rule.lock_for if failures >= rule.max_failures else None
    values = (failures, instant(first), instant(locked) if locked else None, rule.scope, subject)
    if row is None:
        conn.execute(
            "INSERT INTO throttle (failures, first_failure_at, locked_until, scope, subject_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            values,
        )
    else:
        conn.execute(
            "UPDATE throttle SET failures = ?, first_failure_at = ?, locked_until = ? "
            "WHERE scope = ? AND subject_hash = ?",
            values,
        )
    # Forget old failures of other subjects: unknown NIRs must not pile up forever.
    conn.execute(
        "DELETE FROM throttle WHERE scope = ? AND first_failure_at < ? "
        "AND (locked_until IS NULL OR locked_until < ?)",
        (rule.scope, instant(now - rule.window), instant(now)),
    )
    return locked


def _clear_failures(conn: sqlite3.Connection, rule: ThrottleRule, subject: str) -> None:
    conn.execute("DELETE FROM throttle WHERE scope = ? AND subject_hash = ?", (rule.scope, subject))


# -- input -----------------------------------------------------------------------------------------
def _field(name: str, fn: Callable[..., T], *args: Any) -> T:
    """Run a domain validator; its rejection becomes ``InvalidInput(name, message)``."""
    try:
        return fn(*args)
    except PydanticCustomError as error:
        raise InvalidInput(name, error.message()) from None


def _card_type(value: object) -> CardType:
    try:
        return CardType(str(value))
    except ValueError:
        raise InvalidInput("card_type", vt.CARD_TYPE) from None


def _status(name: str, value: object) -> Status:
    try:
        return Status(str(value))
    except ValueError:
        raise InvalidInput(name, t.STATUS_INVALID) from None


def _contact_channel(value: object) -> Channel:
    try:
        channel = Channel(str(value))
    except ValueError:
        channel = Channel.COURRIER
    if channel is Channel.COURRIER:
        raise InvalidInput("channel", t.CHANNEL_INVALID)
    return channel


class SimulatedService:
    """``MesService`` backed by the local registry. Build it with ``open_service``."""

    def __init__(
        self,
        storage: Storage,
        delivery: SimulatedDelivery,
        keys: KeyProvider,
        clock: Clock,
        *,
        password_hashing: PasswordHashing | None = None,
        receipt_folders: tuple[Path, ...] = (),
    ) -> None:
        self.storage = storage
        self.delivery = delivery
        self.clock = clock
        self.hasher = KeyedHasher(keys)
        self.passwords = password_hashing or PasswordHashing()
        self.receipt_folders: tuple[Path, ...] = receipt_folders
        """Folders receipts may be written to, besides the default one (empty: anywhere)."""

    # -- identification ---------------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> PersonView:
        code = _field("code", normalize_provisional_code, code)
        nir = _field("nir", normalize_nir, nir)
        card = _card_type(card_type)
        typed = _field("serial", normalize_serial, serial, card, nir)
        now = self.clock.now()
        today = local_date(self.clock)
        subject = self.hasher.subject(rules.IDENTIFY.scope, nir)
        offered = self.hasher.provisional_code(nir, code)

        def attempt(conn: sqlite3.Connection) -> datetime | PersonView | None:
            """The person, or the end of a lock, or None for a plain failure (counted)."""
            locked = _locked_until(conn, rules.IDENTIFY, subject, now)
            if locked is not None:
                return locked
            person = _person_by_nir(conn, nir)
            # Every part is compared, whatever fails first: no timing tells which one it was.
            code_ok = KeyedHasher.same(person.provisional_code_hash if person else None, offered)
            card_ok = person is not None and person.card_type is card
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is not None and code_ok & card_ok & serial_ok:
                # The code stays valid until a decision is recorded (see _transition and
                # activate): a person who stops between identification and decision, or whose
                # connection drops, can start again with the same code.
                _clear_failures(conn, rules.IDENTIFY, subject)
                return _view(conn, person, today)
            return _register_failure(conn, rules.IDENTIFY, subject, now)

        result = self.storage.write(attempt)
        if isinstance(result, PersonView):
            log.info("identification réussie")
            return result
        if isinstance(result, datetime):
            log.warning("identification bloquée")
            raise Locked(result, now)
        log.info("identification refusée")
        raise IdentificationFailed()

    def find_code_recipient(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> str:
        person = self._code_requester(nir_without_key, birth_date, card_type, serial)
        assert person.email is not None  # checked by _code_requester
        return mask_email(person.email)

    def _code_requester(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> _Person:
        """The person asking for a new code, if NIR, birth date and card match and a code can
        be sent to them today; else the refusal (failures counted, as for identification)."""
        nir13 = _field("nir", normalize_nir_without_key, nir_without_key)
        today = local_date(self.clock)
        born = _field(
            "birth_date", lambda v: check_birth_date(parse_birth_date(v), today), birth_date
        )
        card = _card_type(card_type)
        typed = _field("serial", normalize_serial, serial, card, nir13)
        nir = nir13 + nir_key(nir13)
        now = self.clock.now()
        subject = self.hasher.subject(rules.CODE_REQUEST.scope, nir)

        def check(conn: sqlite3.Connection) -> datetime | _Person | None:
            locked = _locked_until(conn, rules.CODE_REQUEST, subject, now)
            if locked is not None:
                return locked
            person = _person_by_nir(conn, nir)
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is None or not (
                (person.birth_date == born) & (person.card_type is card) & serial_ok
            ):
                # The end of a lock if this failure starts one, else None.
                return _register_failure(conn, rules.CODE_REQUEST, subject, now)
            _clear_failures(conn, rules.CODE_REQUEST, subject)
            return person

        found = self.storage.write(check)
        if isinstance(found, datetime):
            log.warning("demande de code bloquée")
            raise Locked(found, now, t.CODE_REQUEST_LOCKED)
        if found is None:
            log.info("demande de code refusée")
            raise CodeRequestFailed()
        if not found.email:
            raise NoEmailOnFile()
        if (
            found.code_requests_day == day(today)
            and found.code_requests_count >= rules.CODE_REQUESTS_PER_DAY
        ):
            raise TooManyRequests(rules.CODE_REQUESTS_PER_DAY)
        return found

    def request_provisional_code(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> CodeSent:
        person = self._code_requester(nir_without_key, birth_date, card_type, serial)
        assert person.email is not None  # checked by _code_requester
        day_text = day(local_date(self.clock))

        # One of the day's requests is taken before anything is sent: of many sessions asking
        # at once, only as many as the day allows send a message (and each message's code is
        # valid when sent, until a later one replaces it).
        def reserve(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "UPDATE people SET code_requests_day = ?, "
                "code_requests_count = CASE WHEN code_requests_day = ? "
                "THEN code_requests_count + 1 ELSE 1 END "
                "WHERE id = ? AND (code_requests_day <> ? OR code_requests_count < ?)",
                (day_text, day_text, person.id, day_text, rules.CODE_REQUESTS_PER_DAY),
            ).rowcount

        def release(conn: sqlite3.Connection) -> None:
            conn.execute(
                "UPDATE people SET code_requests_count = code_requests_count - 1 "
                "WHERE id = ? AND code_requests_day = ? AND code_requests_count > 0",
                (person.id, day_text),
            )

        if self.storage.write(reserve) == 0:
            raise TooManyRequests(rules.CODE_REQUESTS_PER_DAY)
        code = new_provisional_code()
        try:
            message = self._send(
                Channel.EMAIL,
                person.email,
                "code_provisoire",
                t.MAIL_SUBJECT_PROVISIONAL_CODE,
                t.MAIL_BODY_PROVISIONAL_CODE.format(name=person.full_name, code=code),
                code,
                person.nir,
            )
        except BaseException:
            self.storage.write(release)  # not sent: the request is not counted
            raise
        # Only now, with the message gone, does the new code replace the old one.
        code_hash = self.hasher.provisional_code(person.nir, code)
        self.storage.write(
            lambda conn: conn.execute(
                "UPDATE people SET provisional_code_hash = ? WHERE id = ?", (code_hash, person.id)
            )
        )
        log.info("nouveau code provisoire envoyé")
        return CodeSent(channel=Channel.EMAIL, masked_to=mask_email(person.email), message=message)

    # -- people and decisions ----------------------------------------------------------------
    def get_person(self, nir: str) -> PersonView:
        nir = _field("nir", normalize_nir, nir)
        today = local_date(self.clock)
        return self.storage.read(lambda conn: _view(conn, _require_person(conn, nir), today))

    def oppose(self, nir: str, *, expected: Status) -> Decision:
        return self._decide_self(nir, Status.OPPOSEE, _status("expected", expected))

    def close_space(self, nir: str) -> Decision:
        return self._decide_self(nir, Status.OPPOSEE, Status.ACTIVE)

    def _decide_self(self, nir: str, status: Status, expected: Status) -> Decision:
        nir = _field("nir", normalize_nir, nir)
        today = local_date(self.clock)

        def record(conn: sqlite3.Connection) -> Decision:
            return _transition(conn, _require_person(conn, nir), status, expected, today)

        decision = self.storage.write(record)
        log.info("décision enregistrée : %s", decision.status.value)
        return decision

    def decide_profile(
        self,
        holder_nir: str,
        profile_nir: str,
        status: Status,
        *,
        expected: Status,
        certified_legal_representative: bool = False,
    ) -> Decision:
        holder_nir = _field("nir", normalize_nir, holder_nir)
        profile_nir = _field("profile", normalize_nir, profile_nir)
        target = _status("status", status)
        if target is Status.EN_ATTENTE:
            raise InvalidInput("status", t.STATUS_INVALID)
        seen = _status("expected", expected)
        today = local_date(self.clock)

        def record(conn: sqlite3.Connection) -> Decision:
            holder = _require_person(conn, holder_nir)
            profile = next((p for p in _profiles(conn, holder.id) if p.nir == profile_nir), None)
            if profile is None:
                raise NotAttached()
            if age_on(profile.birth_date, today) < 18 and not certified_legal_representative:
                raise CertificationRequired()
            return _transition(conn, profile, target, seen, today)

        decision = self.storage.write(record)
        log.info("décision enregistrée pour un profil rattaché : %s", decision.status.value)
        return decision

    # -- the opposition receipt ---------------------------------------------------------------
    def default_receipts_dir(self) -> Path:
        return self.storage.path.parent / RECEIPTS_DIR

    def _receipt_target(self, folder: Path | None) -> Path:
        """The folder a receipt may go to: absolute, and among ``receipt_folders`` (plus the
        default folder) when the administrator restricted them (SSH hosts)."""
        default = self.default_receipts_dir()
        if folder is None:
            return default
        try:
            target = Path(folder).expanduser()
            if safe.has_control_characters(str(target)):
                # ESC, BEL, bidi overrides in a folder name: shown later, they would act.
                raise InvalidInput("folder", t.RECEIPT_FOLDER.format(reason=t.RECEIPT_FOLDER_NAME))
            if not target.is_absolute():
                raise InvalidInput("folder", t.RECEIPT_FOLDER_RELATIVE)
            if self.receipt_folders:
                real = Path(os.path.realpath(target))
                # Each folder once, as the person reads them (the default is often listed too).
                folders = dict.fromkeys(
                    Path(os.path.realpath(p)) for p in (default, *self.receipt_folders)
                )
                if not any(real == a or a in real.parents for a in folders):
                    shown = ", ".join(safe.printable(str(p)) for p in folders)
                    raise InvalidInput("folder", t.RECEIPT_FOLDER_NOT_ALLOWED.format(folders=shown))
        except ValueError:  # a NUL byte, or a name the system cannot encode
            raise InvalidInput(
                "folder", t.RECEIPT_FOLDER.format(reason=t.RECEIPT_FOLDER_NAME)
            ) from None
        return target

    def save_receipt(self, nir: str, folder: Path | None = None) -> Path:
        nir = _field("nir", normalize_nir, nir)
        target = self._receipt_target(folder)

        def available(conn: sqlite3.Connection) -> _Person:
            person = _require_person(conn, nir)
            if person.status is not Status.OPPOSEE or not person.receipt_available:
                raise ReceiptUnavailable()
            return person

        person = self.storage.read(available)
        decided_on = person.decided_on
        assert decided_on is not None  # every opposition is dated
        from mes_tui.services.receipts import folder_problem, write_receipt

        # Written first, then claimed: a session killed in between leaves a whole receipt in
        # the folder and the receipt still available, never a receipt lost. Two sessions
        # saving at once both write; the one that does not get the claim removes its file.
        try:
            path = write_receipt(
                target,
                nir=person.nir,
                first_name=person.first_name,
                last_name=person.last_name,
                decided_on=decided_on,
                now=self.clock.now(),
            )
        except OSError as error:
            reason = folder_problem(error)
            raise InvalidInput("folder", t.RECEIPT_FOLDER.format(reason=reason)) from None
        except ValueError:  # a NUL byte, or a name the system cannot encode
            raise InvalidInput(
                "folder", t.RECEIPT_FOLDER.format(reason=t.RECEIPT_FOLDER_NAME)
            ) from None

        def claim(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "UPDATE people SET receipt_available = 0 "
                "WHERE id = ? AND status = ? AND decided_on = ? AND receipt_available = 1",
                (person.id, Status.OPPOSEE.value, day(decided_on)),
            ).rowcount

        try:
            claimed = self.storage.write(claim)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if claimed == 0:
            path.unlink(missing_ok=True)
            raise ReceiptUnavailable()
        log.info("justificatif d'opposition enregistré")
        return path

    # -- contact details ---------------------------------------------------------------------
    def start_contact_change(self, nir: str, channel: Channel, new_value: str) -> Challenge:
        nir = _field("nir", normalize_nir, nir)
        channel = _contact_channel(channel)
        if channel is Channel.EMAIL:
            value = _field("email", normalize_email, new_value)
        else:
            value = _field("mobile", normalize_mobile, new_value)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)

        # The code is counted before it is sent (as a new provisional code is): of many
        # sessions asking at once, only as many as the bounds allow send a message.
        def reserve(conn: sqlite3.Connection) -> _Reserved:
            person = _require_person(conn, nir)
            current = person.email if channel is Channel.EMAIL else person.mobile
            if current is not None and current.lower() == value.lower():
                raise InvalidInput(
                    "email" if channel is Channel.EMAIL else "mobile", t.CONTACT_SAME
                )
            pending = _pending(conn, person.id, channel)
            return _reserve_code(
                conn, person, channel, value, pending, now, today, midnight, resend=False
            )

        return self._send_otp(self.storage.write(reserve), channel, now, midnight)

    def resend_contact_code(self, nir: str, channel: Channel) -> Challenge:
        nir = _field("nir", normalize_nir, nir)
        channel = _contact_channel(channel)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)

        def reserve(conn: sqlite3.Connection) -> _Reserved:
            person = _require_person(conn, nir)
            limits = _otp_limits(conn, person.id, channel, now, today)
            if limits.locked_until is not None:  # no code pending under a lock: say why
                raise _guessing_lock(limits, channel, now)
            pending = _pending(conn, person.id, channel)
            if pending is None:
                raise NoPendingCode()
            return _reserve_code(
                conn, person, channel, pending.new_value, pending, now, today, midnight, resend=True
            )

        return self._send_otp(self.storage.write(reserve), channel, now, midnight)

    def _send_otp(
        self, reserved: _Reserved, channel: Channel, now: datetime, midnight: datetime
    ) -> Challenge:
        person, value = reserved.person, reserved.value
        code = new_otp()
        minutes = int(rules.OTP_VALIDITY.total_seconds() // 60)
        try:
            if channel is Channel.EMAIL:
                message = self._send(
                    Channel.EMAIL,
                    value,
                    "verification_email",
                    t.MAIL_SUBJECT_OTP,
                    t.MAIL_BODY_OTP.format(code=code, minutes=minutes),
                    code,
                    person.nir,
                )
            else:
                message = self._send(
                    Channel.SMS,
                    value,
                    "verification_mobile",
                    "",
                    t.SMS_BODY_OTP.format(code=code, minutes=minutes),
                    code,
                    person.nir,
                )
        except BaseException:
            # Not sent: not counted, and the code pending before (if any) is still the one.
            self.storage.write(lambda conn: _release_code(conn, channel, reserved))
            raise
        code_hash = self.hasher.otp(person.nir, channel.value, value, code)
        expires_at = now + rules.OTP_VALIDITY
        resend_at = _next_code_at(reserved.after, now, midnight)

        def store(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM pending_otp WHERE person_id = ? AND channel = ?",
                (person.id, channel.value),
            )
            conn.execute(
                "INSERT INTO pending_otp (person_id, channel, new_value, code_hash, expires_at, "
                "attempts_left, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    person.id,
                    channel.value,
                    value,
                    code_hash,
                    instant(expires_at),
                    rules.OTP_ATTEMPTS,
                    instant(now),
                ),
            )

        self.storage.write(store)
        log.info("code à usage unique envoyé (%s)", channel.value)
        return Challenge(
            channel=channel,
            to=value,
            expires_at=expires_at,
            resend_available_at=resend_at,
            message=message,
        )

    def verify_contact_code(self, nir: str, channel: Channel, code: str) -> PersonView:
        nir = _field("nir", normalize_nir, nir)
        channel = _contact_channel(channel)
        code = _field("code", normalize_otp, code)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)
        self.hasher.load_key()  # before the write lock: the key may come from the keyring
        column = "email" if channel is Channel.EMAIL else "mobile"

        def attempt(conn: sqlite3.Connection) -> PersonView | ServiceError:
            """The person with the new value, or the refusal to raise once the failure it
            counts is committed."""
            person = _require_person(conn, nir)
            limits = _otp_limits(conn, person.id, channel, now, today)
            if limits.locked_until is not None:
                raise _guessing_lock(limits, channel, now)
            pending = _pending(conn, person.id, channel)
            if pending is None:
                raise NoPendingCode()
            if pending.expires_at <= now:
                raise OtpExpired(int(rules.OTP_VALIDITY.total_seconds() // 60))
            if pending.attempts_left <= 0:
                raise OtpInvalid(0)
            offered = self.hasher.otp(person.nir, channel.value, pending.new_value, code)
            if KeyedHasher.same(pending.code_hash, offered):
                conn.execute(
                    f"UPDATE people SET {column} = ? WHERE id = ?",  # noqa: S608 - fixed column
                    (pending.new_value, person.id),
                )
                conn.execute(
                    "DELETE FROM pending_otp WHERE person_id = ? AND channel = ?",
                    (person.id, channel.value),
                )
                if limits.stored:  # the change is done: the next one starts afresh (same day)
                    _save_limits(
                        conn,
                        person.id,
                        channel,
                        evolve(
                            limits,
                            change_started_at=now,
                            change_codes=0,
                            change_failures=0,
                            last_code_at=None,  # no code on its way any more: no wait
                        ),
                    )
                return _view(conn, _person_by_id(conn, person.id), today)
            conn.execute(
                "UPDATE pending_otp SET attempts_left = attempts_left - 1 "
                "WHERE person_id = ? AND channel = ? AND attempts_left > 0",
                (person.id, channel.value),
            )
            limits = evolve(
                limits,
                change_failures=limits.change_failures + 1,
                day_failures=limits.day_failures + 1,
            )
            if limits.day_failures >= rules.OTP_FAILURES_PER_DAY:
                # Until midnight, and never only a moment: no fresh guesses at 23:59.
                limits = evolve(limits, locked_until=max(midnight, now + rules.OTP_CHANGE_LOCK))
            elif limits.change_failures >= rules.OTP_FAILURES_PER_CHANGE:
                limits = evolve(limits, locked_until=now + rules.OTP_CHANGE_LOCK)
            _save_limits(conn, person.id, channel, limits)
            if limits.locked_until is not None:
                conn.execute(
                    "DELETE FROM pending_otp WHERE person_id = ? AND channel = ?",
                    (person.id, channel.value),
                )
                return _guessing_lock(limits, channel, now)
            return OtpInvalid(pending.attempts_left - 1)

        result = self.storage.write(attempt)
        if isinstance(result, ContactChangeLocked):
            log.warning("vérification de coordonnée bloquée (%s)", channel.value)
            raise result
        if isinstance(result, ServiceError):
            log.info("code à usage unique erroné")
            raise result
        log.info("coordonnée vérifiée et enregistrée (%s)", channel.value)
        return result

    # -- credentials -------------------------------------------------------------------------
    def _identifier(self, nir: str, identifier: str) -> str:
        ident = _field("identifier", normalize_identifier, identifier)
        if carries_nir(ident, nir):
            raise InvalidInput("identifier", t.IDENTIFIER_IS_NIR)
        return ident

    def check_identifier(self, nir: str, identifier: str) -> IdentifierCheck:
        nir = _field("nir", normalize_nir, nir)
        ident = self._identifier(nir, identifier)

        def check(conn: sqlite3.Connection) -> IdentifierCheck:
            person = _require_person(conn, nir)
            owner = _person_by_identifier(conn, ident)
            if owner is None or owner.id == person.id:
                return IdentifierCheck(identifier=ident, available=True)
            return IdentifierCheck(
                identifier=ident, available=False, suggestions=tuple(_suggest(conn, ident, person))
            )

        return self.storage.read(check)

    def activate(
        self, nir: str, identifier: str, password: str, *, accepted_terms: bool
    ) -> PersonView:
        if not accepted_terms:
            raise TermsNotAccepted()
        nir = _field("nir", normalize_nir, nir)
        ident = self._identifier(nir, identifier)
        today = local_date(self.clock)

        def check(conn: sqlite3.Connection) -> _Person | list[str]:
            person = _require_person(conn, nir)
            if person.status is Status.ACTIVE:
                raise AlreadyActive()
            owner = _person_by_identifier(conn, ident)
            if owner is not None and owner.id != person.id:
                return _suggest(conn, ident, person)
            return person

        found = self.storage.read(check)
        if isinstance(found, list):
            raise IdentifierTaken(found)
        person = found
        problems = password_problems(
            password,
            names=(person.first_name, person.last_name),
            birth_date=person.birth_date,
            identifier=ident,
        )
        if problems:
            raise PasswordRejected(problems)
        hashed = self.passwords.hash(password)  # slow: outside any transaction

        def record(conn: sqlite3.Connection) -> PersonView | str:
            try:
                updated = conn.execute(
                    "UPDATE people SET identifier = ?, password_hash = ?, status = ?, "
                    "decided_on = ?, receipt_available = 0, provisional_code_hash = NULL "
                    "WHERE id = ? AND status <> ?",
                    (
                        ident,
                        hashed,
                        Status.ACTIVE.value,
                        day(today),
                        person.id,
                        Status.ACTIVE.value,
                    ),
                ).rowcount
            except sqlite3.IntegrityError:
                return "taken"
            if updated == 0:
                return "active"
            return _view(conn, _person_by_id(conn, person.id), today)

        result = self.storage.write(record)
        if result == "taken":
            raise IdentifierTaken(self.storage.read(lambda conn: _suggest(conn, ident, person)))
        if result == "active":
            raise AlreadyActive()
        assert isinstance(result, PersonView)
        log.info("espace activé")
        return result

    def login(self, identifier: str, password: str) -> PersonView:
        now = self.clock.now()
        today = local_date(self.clock)
        try:
            ident: str | None = normalize_identifier(identifier)
        except PydanticCustomError:
            ident = None
        counted = ident or (identifier.strip().lower() if isinstance(identifier, str) else "")
        subject = self.hasher.subject(rules.LOGIN.scope, counted)

        def check(conn: sqlite3.Connection) -> datetime | _Person | None:
            locked = _locked_until(conn, rules.LOGIN, subject, now)
            if locked is not None:
                return locked
            return _person_by_identifier(conn, ident) if ident else None

        found = self.storage.read(check)
        if isinstance(found, datetime):
            raise Locked(found, now, t.LOGIN_LOCKED)
        if found is not None and found.password_hash:
            ok = self.passwords.verify(found.password_hash, password)
        else:
            self.passwords.burn(password)  # the same time whether the identifier exists or not
            ok = False
        if not ok or found is None:
            locked = self.storage.write(
                lambda conn: _register_failure(conn, rules.LOGIN, subject, now)
            )
            log.info("connexion refusée")
            if locked is not None:
                raise Locked(locked, now, t.LOGIN_LOCKED)
            raise LoginFailed()
        person = found
        old_hash = person.password_hash
        new_hash = (
            self.passwords.hash(password)
            if old_hash and self.passwords.needs_rehash(old_hash)
            else None
        )

        def succeed(conn: sqlite3.Connection) -> PersonView:
            _clear_failures(conn, rules.LOGIN, subject)
            if new_hash is not None:
                conn.execute(
                    "UPDATE people SET password_hash = ? WHERE id = ? AND password_hash = ?",
                    (new_hash, person.id, old_hash),
                )
            return _view(conn, _person_by_id(conn, person.id), today)

        log.info("connexion réussie")
        return self.storage.write(succeed)

    # -- trainer and administration ------------------------------------------------------------
    def list_registry(self) -> list[RegistryEntry]:
        now = self.clock.now()
        codes_by_ref: dict[str, list[str]] = defaultdict(list)
        for ref, message in self.delivery.read_records():
            if ref and message.code and message.purpose in PROVISIONAL_CODE_PURPOSES:
                codes_by_ref[ref].append(message.code)

        def load(
            conn: sqlite3.Connection,
        ) -> tuple[list[_Person], dict[int, list[str]], dict[str, datetime]]:
            people = _select_people(conn, "1 = 1", ())
            profiles: dict[int, list[str]] = defaultdict(list)
            for row in conn.execute(
                "SELECT a.holder_id, p.nir FROM attachments a JOIN people p ON p.id = a.profile_id "
                "ORDER BY a.holder_id, a.position"
            ):
                profiles[int(row["holder_id"])].append(str(row["nir"]))
            locks = {
                str(row["subject_hash"]): from_instant(row["locked_until"])
                for row in conn.execute(
                    "SELECT subject_hash, locked_until FROM throttle "
                    "WHERE scope = ? AND locked_until > ?",
                    (rules.IDENTIFY.scope, instant(now)),
                )
            }
            return people, profiles, locks

        people, profiles, locks = self.storage.read(load)
        entries = []
        for person in people:
            entries.append(
                RegistryEntry(
                    nir=person.nir,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    birth_date=person.birth_date,
                    card_type=person.card_type,
                    card_serial=person.card_serial,
                    provisional_code=self._current_code(person, codes_by_ref),
                    status=person.status,
                    email=person.email,
                    mobile=person.mobile,
                    profiles=tuple(profiles.get(person.id, ())),
                    decided_on=person.decided_on,
                    identifier=person.identifier,
                    locked_until=locks.get(self.hasher.subject(rules.IDENTIFY.scope, person.nir)),
                )
            )
        return entries

    def _current_code(self, person: _Person, codes_by_ref: dict[str, list[str]]) -> str | None:
        """The clear code of the newest message whose code is the one on file (the registry holds
        only its hash)."""
        if person.provisional_code_hash is None:
            return None
        for code in reversed(codes_by_ref.get(self.hasher.person_ref(person.nir), [])):
            if KeyedHasher.same(
                person.provisional_code_hash, self.hasher.provisional_code(person.nir, code)
            ):
                return code
        return None

    def import_registry(self, rows: list[dict[str, Any]]) -> int:
        today = local_date(self.clock)
        registry = self.storage.read(
            lambda conn: {
                str(row["nir"]): row["identifier"]
                for row in conn.execute("SELECT nir, identifier FROM people")
            }
        )
        records = validate_rows(rows, today=today, registry=registry)
        password_hashes = {
            record.nir: self.passwords.hash(record.password)
            for record in records
            if record.password is not None
        }
        self._send_invitations(records)
        now = self.clock.now()
        self.storage.write(lambda conn: _store(conn, records, password_hashes, self.hasher, now))
        log.info("registre : %d personne(s) importée(s)", len(records))
        return len(records)

    def reset_registry(self) -> None:
        self._reset(only_if_new=False)

    def seed_if_new(self) -> bool:
        """Fill a registry that was never filled with the demo people; True if it did."""
        if self.storage.read(_seeded):
            return False
        return self._reset(only_if_new=True)

    def _reset(self, *, only_if_new: bool) -> bool:
        today = local_date(self.clock)
        now = self.clock.now()
        records = validate_rows(demo.demo_people(now), today=today, registry={})
        password_hashes = {
            record.nir: demo.DEMO_PASSWORD_HASHES.get(record.password)
            or self.passwords.hash(record.password)
            for record in records
            if record.password is not None
        }
        self.hasher.load_key()  # before the write lock: the key may come from the keyring

        def replace(conn: sqlite3.Connection) -> bool:
            if only_if_new and _seeded(conn):
                return False  # another process filled it meanwhile
            for table in ("otp_limits", "pending_otp", "throttle", "attachments", "people", "meta"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            _store(conn, records, password_hashes, self.hasher, now)
            conn.execute("INSERT INTO meta (name, value) VALUES ('seeded', ?)", (instant(now),))
            return True

        # Post first, then commit: a failed delivery leaves the registry as it was. (Two
        # sessions opening a new directory at once may both post: the codes are the same.)
        self._send_invitations(records)
        done = self.storage.write(replace)
        log.info("registre de démonstration %s", "installé" if done else "déjà présent")
        return done

    def _send_invitations(self, records: list[PersonRecord]) -> None:
        """Post each person's provisional code: by e-mail where there is one, else by letter."""
        for record in records:
            if record.provisional_code is None:
                continue
            body = t.LETTER_BODY_INVITATION.format(
                name=record.full_name, code=record.provisional_code
            )
            if record.email:
                channel, to, subject = Channel.EMAIL, record.email, t.MAIL_SUBJECT_INVITATION
            else:
                channel, to, subject = (
                    Channel.COURRIER,
                    record.full_name,
                    t.LETTER_SUBJECT_INVITATION,
                )
            self._send(
                channel, to, "invitation", subject, body, record.provisional_code, record.nir
            )

    def outbox(self) -> list[OutboxMessage]:
        return self.delivery.read_all()

    # -- delivery --------------------------------------------------------------------------------
    def _send(
        self,
        channel: Channel,
        to: str,
        purpose: str,
        subject: str,
        body: str,
        code: str | None,
        nir: str,
    ) -> OutboxMessage:
        try:
            return self.delivery.send(
                channel, to, purpose, subject, body, code, ref=self.hasher.person_ref(nir)
            )
        except DeliveryError:
            log.warning("échec de l'envoi simulé (%s, %s)", channel.value, purpose)
            raise DeliveryFailed() from None


# -- helpers that need a connection ------------------------------------------------------------
def _transition(
    conn: sqlite3.Connection, person: _Person, status: Status, expected: Status, today: date
) -> Decision:
    """Move ``person`` from ``expected`` to ``status``, or raise ``DecisionConflict`` if their
    status is no longer the one the deciding person saw."""
    if person.status is not expected:
        raise DecisionConflict(person.status.value, person.decided_on)
    if status is expected:
        # Nothing to change: the decision already stands (a repeated request, say).
        return Decision(nir=person.nir, status=status, decided_on=person.decided_on or today)
    # An opposition closes the space: its credentials go with it, and its receipt can be saved.
    opposing = status is Status.OPPOSEE
    closing = ", identifier = NULL, password_hash = NULL" if opposing else ""
    # A recorded decision uses up the provisional code: it served its single purpose.
    updated = conn.execute(
        "UPDATE people SET status = ?, decided_on = ?, receipt_available = ?, "  # noqa: S608
        f"provisional_code_hash = NULL{closing} "
        "WHERE id = ? AND status = ?",
        (status.value, day(today), int(opposing), person.id, expected.value),
    ).rowcount
    if updated == 0:
        current = _person_by_id(conn, person.id)
        raise DecisionConflict(current.status.value, current.decided_on)
    return Decision(nir=person.nir, status=status, decided_on=today)


def _check_resend_wait(pending: _Pending | None, now: datetime) -> None:
    if pending is None:
        return
    ready = pending.sent_at + rules.OTP_RESEND_AFTER
    if now < ready:
        raise ResendTooSoon((ready - now).total_seconds())


def _suggest(conn: sqlite3.Connection, base: str, person: _Person) -> list[str]:
    """Free identifiers close to ``base``, valid and never carrying the NIR."""
    year = person.birth_date.year
    stem = base[: 100 - 6]
    candidates = [f"{stem}{year}", f"{stem}.{year}", f"{stem}_{year}"]
    candidates += [f"{stem}{n}" for n in range(1, 100)]
    valid: list[str] = []
    for candidate in candidates:
        try:
            ident = normalize_identifier(candidate)
        except PydanticCustomError:
            continue
        if not carries_nir(ident, person.nir) and ident not in valid:
            valid.append(ident)
    free: list[str] = []
    # A few at a time: most are free, and the list of placeholders stays short.
    for start in range(0, len(valid), 10):
        batch = valid[start : start + 10]
        marks = ", ".join("?" for _ in batch)
        taken = {
            str(row["identifier"])
            for row in conn.execute(
                f"SELECT identifier FROM people WHERE identifier IN ({marks})",  # noqa: S608
                batch,
            )
        }
        free += [candidate for candidate in batch if candidate not in taken]
        if len(free) >= SUGGESTIONS:
            break
    return free[:SUGGESTIONS]


def _seeded(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT value FROM meta WHERE name = 'seeded'").fetchone() is not None


def _store(
    conn: sqlite3.Connection,
    records: list[PersonRecord],
    password_hashes: dict[str, str],
    hasher: KeyedHasher,
    now: datetime,
) -> None:
    """Add or replace ``records`` (and their attachments, and their demo locks)."""
    nirs = [record.nir for record in records]
    # Free the identifiers of the people being replaced first: two of them may swap theirs.
    for nir in nirs:
        conn.execute("UPDATE people SET identifier = NULL WHERE nir = ?", (nir,))
    ids: dict[str, int] = {}
    for record in records:
        values = (
            record.first_name,
            record.last_name,
            record.birth_date.isoformat(),
            record.card_type.value,
            record.card_serial,
            record.email,
            record.mobile,
            record.status.value,
            day(record.decided_on) if record.decided_on else None,
            record.identifier,
            password_hashes.get(record.nir),
            hasher.provisional_code(record.nir, record.provisional_code)
            if record.provisional_code
            else None,
            record.nir,
        )
        existing = conn.execute("SELECT id FROM people WHERE nir = ?", (record.nir,)).fetchone()
        if existing is None:
            conn.execute(
                "INSERT INTO people (first_name, last_name, birth_date, card_type, card_serial, "
                "email, mobile, status, decided_on, identifier, password_hash, "
                "provisional_code_hash, nir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        else:
            conn.execute(
                "UPDATE people SET first_name = ?, last_name = ?, birth_date = ?, card_type = ?, "
                "card_serial = ?, email = ?, mobile = ?, status = ?, decided_on = ?, "
                "identifier = ?, password_hash = ?, provisional_code_hash = ?, "
                "code_requests_day = '', code_requests_count = 0, receipt_available = 0 "
                "WHERE nir = ?",
                values,
            )
        ids[record.nir] = int(
            conn.execute("SELECT id FROM people WHERE nir = ?", (record.nir,)).fetchone()["id"]
        )
        conn.execute("DELETE FROM pending_otp WHERE person_id = ?", (ids[record.nir],))
        conn.execute("DELETE FROM otp_limits WHERE person_id = ?", (ids[record.nir],))
    for record in records:
        holder_id = ids[record.nir]
        conn.execute("DELETE FROM attachments WHERE holder_id = ?", (holder_id,))
        for position, profile_nir in enumerate(record.profiles):
            profile_id = ids.get(profile_nir)
            if profile_id is None:
                profile_id = int(
                    conn.execute("SELECT id FROM people WHERE nir = ?", (profile_nir,)).fetchone()[
                        "id"
                    ]
                )
            conn.execute(
                "INSERT INTO attachments (holder_id, profile_id, position) VALUES (?, ?, ?)",
                (holder_id, profile_id, position),
            )
        if record.locked_until is not None:
            subject = hasher.subject(rules.IDENTIFY.scope, record.nir)
            _clear_failures(conn, rules.IDENTIFY, subject)
            conn.execute(
                "INSERT INTO throttle (scope, subject_hash, failures, first_failure_at, "
                "locked_until) VALUES (?, ?, ?, ?, ?)",
                (
                    rules.IDENTIFY.scope,
                    subject,
                    rules.IDENTIFY.max_failures,
                    instant(min(now, record.locked_until)),
                    instant(record.locked_until),
                ),
            )
