"""The simulated back office: ``MesService`` on a local SQLite registry and a file outbox (the
trainer's operations are ``mes_tui.services.admin``, the messages of a session its ``feed``).

It applies the rules a real back office would (DOMAIN.md, security rules): one message whatever
part of an identification was wrong, lockouts per NIR, waits per identifier, waits then locks
per session and per SSH client address (rules.py), bounded answers about identifiers,
one-time codes bounded per person and channel (sent and wrong, per change and per day),
single-use codes kept only as keyed hashes and compared in constant time, argon2id passwords,
and decisions recorded with optimistic concurrency so that two sessions deciding for the same
profile cannot both win.

Each public method opens its own short transactions: workers call it from threads, and many
processes share the registry. Anything slow (argon2, delivery) runs outside write transactions.
Logs never carry a NIR, a code or a password.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import math
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as evolve
from datetime import date, datetime, timedelta
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
from mes_tui.services import receipts, rules
from mes_tui.services.api import (
    Challenge,
    CodeSent,
    Decision,
    IdentifierCheck,
    OutboxMessage,
    Receipt,
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
    Failed,
    IdentificationFailed,
    IdentifierChecksPaused,
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
    ReceiptBusy,
    ReceiptUnavailable,
    ResendTooSoon,
    ServiceError,
    Slowed,
    TermsNotAccepted,
    TooManyRequests,
    UnknownPerson,
)
from mes_tui.services.feed import SessionFeed
from mes_tui.services.hashing import KeyedHasher, PasswordHashing
from mes_tui.services.importing import carries_nir
from mes_tui.services.origin import new_session_id
from mes_tui.services.rules import PaceRule, QuotaRule, ThrottleRule
from mes_tui.services.secrets import KeyProvider
from mes_tui.services.storage import Storage, day, from_day, from_instant, instant
from mes_tui.texts import service as t
from mes_tui.texts import validation as vt

log = logging.getLogger("mes_tui")

T = TypeVar("T")

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


@dataclass(frozen=True)
class _Claim:
    """A receipt this session claimed: whose, under which token, for which decision."""

    person_id: int
    token: str
    decided_on: date


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


def _clear_failures(
    conn: sqlite3.Connection, rule: ThrottleRule | PaceRule | QuotaRule, subject: str
) -> None:
    conn.execute("DELETE FROM throttle WHERE scope = ? AND subject_hash = ?", (rule.scope, subject))


# -- counts that fade: sessions, SSH clients, identifiers ----------------------------------------
# Rows of the same ``throttle`` table, read another way: ``failures`` is the count as of
# ``first_failure_at``, the instant from which the next one is forgiven (or given back), and
# ``locked_until`` the end of the wait, or of the lock, that the last failure started.
@dataclass(frozen=True)
class _Hold:
    """An attempt must wait until ``until``; ``locked``: a lock (minutes), not a slowdown."""

    until: datetime
    locked: bool


Paced = tuple[PaceRule, str]
"""A rule and the keyed hash of its subject (a session, an SSH client, an identifier)."""


@dataclass(frozen=True)
class _Count:
    count: int
    since: datetime
    held: datetime | None
    stored: bool


def _longest(holds: list[_Hold | None]) -> _Hold | None:
    """The hold that ends last (a lock rather than a slowdown that ends at the same time)."""
    return max(
        (hold for hold in holds if hold is not None),
        key=lambda hold: (hold.until, hold.locked),
        default=None,
    )


def _read_count(
    conn: sqlite3.Connection, scope: str, subject: str, every: timedelta, now: datetime
) -> _Count:
    """The count of ``subject`` now: one forgiven every ``every`` since it was last written."""
    row = conn.execute(
        "SELECT failures, first_failure_at, locked_until FROM throttle "
        "WHERE scope = ? AND subject_hash = ?",
        (scope, subject),
    ).fetchone()
    if row is None:
        return _Count(0, now, None, stored=False)
    count, since = int(row["failures"]), from_instant(row["first_failure_at"])
    held = from_instant(row["locked_until"]) if row["locked_until"] is not None else None
    forgiven = max(0, int((now - since) / every))
    if count <= 0 or forgiven >= count:
        return _Count(0, now, held, stored=True)  # a new count starts from now
    return _Count(count - forgiven, since + forgiven * every, held, stored=True)


def _write_count(
    conn: sqlite3.Connection,
    scope: str,
    subject: str,
    new: _Count,
    now: datetime,
    fades_within: timedelta,
) -> None:
    """Store ``new``; forget the counts of ``scope`` that have faded away (any count does
    within ``fades_within``) and whose hold is over: sessions end, addresses change."""
    values = (
        new.count,
        instant(new.since),
        instant(new.held) if new.held else None,
        scope,
        subject,
    )
    if new.stored:
        conn.execute(
            "UPDATE throttle SET failures = ?, first_failure_at = ?, locked_until = ? "
            "WHERE scope = ? AND subject_hash = ?",
            values,
        )
    else:
        conn.execute(
            "INSERT INTO throttle (failures, first_failure_at, locked_until, scope, subject_hash) "
            "VALUES (?, ?, ?, ?, ?)",
            values,
        )
    conn.execute(
        "DELETE FROM throttle WHERE scope = ? AND first_failure_at < ? "
        "AND (locked_until IS NULL OR locked_until < ?)",
        (scope, instant(now - fades_within), instant(now)),
    )


def _pace_hold(conn: sqlite3.Connection, paced: list[Paced], now: datetime) -> _Hold | None:
    """Whether an earlier failure makes this attempt wait (or locked it out), and until when."""
    holds: list[_Hold | None] = []
    for rule, subject in paced:
        row = conn.execute(
            "SELECT failures, locked_until FROM throttle WHERE scope = ? AND subject_hash = ?",
            (rule.scope, subject),
        ).fetchone()
        if row is None or row["locked_until"] is None:
            continue
        until = from_instant(row["locked_until"])
        if until > now:
            # A lock leaves the count at the free ones; a wait only comes beyond them.
            locked = rule.lock_at is not None and int(row["failures"]) <= rule.free
            holds.append(_Hold(until, locked=locked))
    return _longest(holds)


@dataclass(frozen=True)
class _Counted:
    """One failure counted for one subject: the count before and after, and the wait or the
    lock it started."""

    before: _Count
    after: _Count
    hold: _Hold | None


def _pace_fail(conn: sqlite3.Connection, paced: list[Paced], now: datetime) -> list[_Counted]:
    """Count one failure for each subject: for each, the wait or the lock it starts."""
    counted: list[_Counted] = []
    for rule, subject in paced:
        faded = _read_count(conn, rule.scope, subject, rule.forgive_every, now)
        count = min(rule.ceiling, faded.count + 1)
        hold: _Hold | None = None
        if rule.lock_at is not None and count >= rule.lock_at:
            hold = _Hold(now + rule.lock_for, locked=True)
            count = rule.free  # the lock pays for the failures beyond the free ones
        elif rule.wait_after(count):
            hold = _Hold(now + rule.wait_after(count), locked=False)
        # Failures are forgiven after quiet time only, from the end of the wait this one
        # starts: whoever retries each time a wait is over meets longer and longer waits.
        quiet_from = hold.until if hold else now
        new = _Count(count, quiet_from, hold.until if hold else None, faded.stored)
        _write_count(conn, rule.scope, subject, new, now, rule.forgive_every * rule.ceiling)
        counted.append(_Counted(before=faded, after=new, hold=hold))
    return counted


def _holds(counted: list[_Counted]) -> _Hold | None:
    return _longest([one.hold for one in counted])


def _pace_refund(conn: sqlite3.Connection, paced: list[Paced], counted: list[_Counted]) -> None:
    """Take back the failures ``_pace_fail`` counted for an attempt that turned out right
    (counted first, so that parallel attempts cannot slip past a wait): each count as it was,
    unless another failure was counted since (two attempts at once): then it stays as it is."""
    for (rule, subject), one in zip(paced, counted, strict=True):
        after, before = one.after, one.before
        held = instant(after.held) if after.held else None
        same = (
            "scope = ? AND subject_hash = ? AND failures = ? AND first_failure_at = ? "
            "AND (locked_until = ? OR (locked_until IS NULL AND ? IS NULL))"
        )
        where = (rule.scope, subject, after.count, instant(after.since), held, held)
        if not before.stored:
            conn.execute(f"DELETE FROM throttle WHERE {same}", where)  # noqa: S608
            continue
        conn.execute(
            "UPDATE throttle SET failures = ?, first_failure_at = ?, locked_until = ? "  # noqa: S608
            f"WHERE {same}",
            (
                before.count,
                instant(before.since),
                instant(before.held) if before.held else None,
                *where,
            ),
        )


@dataclass(frozen=True)
class _Refusal:
    """Why an identification or a code request did not go through: a lock of the NIR, the
    session's or the client's wait or lock (the longest), and whether anything was checked
    (a failure, counted) or not (refused while waiting)."""

    nir_lock: datetime | None = None
    paced: _Hold | None = None
    checked: bool = False

    def error(
        self,
        now: datetime,
        *,
        failed: type[Failed],
        nir_locked: str,
        paced_locked: str,
        paced_wait: str,
        what: str,
    ) -> ServiceError:
        """The refusal to raise (for the hold that ends last), logged without anything that
        names the person."""
        paced, nir_lock = self.paced, self.nir_lock
        if nir_lock is not None and (paced is None or nir_lock >= paced.until):
            log.warning("%s bloquée", what)
            return Locked(nir_lock, now, nir_locked)
        if paced is not None and paced.locked:
            log.warning("%s bloquée sur ce poste", what)
            return Locked(paced.until, now, paced_locked)
        if paced is not None and not self.checked:
            log.info("%s ralentie : essai refusé sans vérification", what)
            return Slowed(paced.until, now, paced_wait)
        log.info("%s refusée", what)
        if paced is not None:
            return failed((paced.until - now).total_seconds())
        return failed()


Quota = tuple[QuotaRule, str]
"""A rule and the keyed hash of its subject (a person, a session, an SSH client)."""


def _quota_hold(
    conn: sqlite3.Connection, quotas: list[Quota], now: datetime, extra: int = 0
) -> tuple[datetime, int] | None:
    """When the first of ``quotas`` used up (beyond its ``allowed + extra``) gives one back,
    and that rule's bound; None if none is used up."""
    holds: list[tuple[datetime, int]] = []
    for rule, subject in quotas:
        bound = rule.allowed + extra
        used = _read_count(conn, rule.scope, subject, rule.refill_every, now)
        if used.count >= bound:
            holds.append((used.since + rule.refill_every * (used.count - bound + 1), bound))
    return max(holds, default=None)


def _quota_use(
    conn: sqlite3.Connection, quotas: list[Quota], now: datetime, ceiling_extra: int
) -> None:
    """Count one use for each subject (at most ``allowed + ceiling_extra``)."""
    for rule, subject in quotas:
        ceiling = rule.allowed + ceiling_extra
        used = _read_count(conn, rule.scope, subject, rule.refill_every, now)
        new = _Count(min(ceiling, used.count + 1), used.since, None, used.stored)
        _write_count(conn, rule.scope, subject, new, now, rule.refill_every * ceiling)


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
        session_id: str | None = None,
        client_address: str | None = None,
        feed: SessionFeed | None = None,
    ) -> None:
        self.storage = storage
        self.delivery = delivery
        self.clock = clock
        self.hasher = KeyedHasher(keys)
        self.passwords = password_hashing or PasswordHashing()
        self.feed = feed if feed is not None else SessionFeed()
        """The messages this session sends (``MessageFeed``): for the front ends that may
        show them, never in what the methods return."""
        self._receipt_claims: dict[str, _Claim] = {}
        """The receipts this session claimed (``receipt``) and has not confirmed or released,
        by NIR."""
        self._claims_lock = threading.Lock()
        self._session = session_id or new_session_id()
        """What this session's failures are counted under (as a keyed hash, never in clear):
        one per service, so one per run of the program (``mes_tui.services.origin``)."""
        self._client = client_address
        """The SSH client address (``origin.ssh_client_address``), None outside SSH."""
        self.draw: Callable[[int], int] = secrets.randbelow
        """Random numbers for the suggested identifiers: ``draw(n)`` is below n (tests make
        it repeatable)."""

    def prepare(self) -> None:
        # The key that hashes codes may come from the system keyring: slow to import and to
        # ask (hundreds of ms), else the first submit waits for it.
        self.hasher.load_key()

    def _paced(self, session: PaceRule, client: PaceRule) -> list[Paced]:
        """This session's count under ``session``, and its SSH client's under ``client``."""
        paced = [(session, self.hasher.subject(session.scope, self._session))]
        if self._client is not None:
            paced.append((client, self.hasher.subject(client.scope, self._client)))
        return paced

    def _identifier_quotas(self, nir: str) -> list[Quota]:
        """The answers about identifiers: counted for the person, the session and the client."""
        quotas = [
            (rules.IDENTIFIER_CHECKS_PERSON, nir),
            (rules.IDENTIFIER_CHECKS_SESSION, self._session),
        ]
        if self._client is not None:
            quotas.append((rules.IDENTIFIER_CHECKS_CLIENT, self._client))
        return [(rule, self.hasher.subject(rule.scope, value)) for rule, value in quotas]

    # -- identification ---------------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> PersonView:
        code = _field("code", normalize_provisional_code, code)
        nir = _field("nir", normalize_nir, nir)
        card = _card_type(card_type)
        typed = _field("serial", normalize_serial, serial, card, nir)
        now = self.clock.now()
        today = local_date(self.clock)
        subject = self.hasher.subject(rules.IDENTIFY.scope, nir)
        paced = self._paced(rules.IDENTIFY_SESSION, rules.IDENTIFY_CLIENT)
        offered = self.hasher.provisional_code(nir, code)

        def attempt(conn: sqlite3.Connection) -> PersonView | _Refusal:
            """The person, or why not (failures counted)."""
            held = _pace_hold(conn, paced, now)
            locked = _locked_until(conn, rules.IDENTIFY, subject, now)
            if held is not None or locked is not None:
                return _Refusal(nir_lock=locked, paced=held)
            person = _person_by_nir(conn, nir)
            # Every part is compared, whatever fails first: no timing tells which one it was.
            code_ok = KeyedHasher.same(person.provisional_code_hash if person else None, offered)
            card_ok = person is not None and person.card_type is card
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is not None and code_ok & card_ok & serial_ok:
                # The code stays valid until a decision is recorded (see _transition and
                # activate): a person who stops between identification and decision, or whose
                # connection drops, can start again with the same code. The session's and
                # the client's failures stay counted: they fade with time, not with a success.
                _clear_failures(conn, rules.IDENTIFY, subject)
                return _view(conn, person, today)
            nir_lock = _register_failure(conn, rules.IDENTIFY, subject, now)
            return _Refusal(
                nir_lock=nir_lock, paced=_holds(_pace_fail(conn, paced, now)), checked=True
            )

        result = self.storage.write(attempt)
        if isinstance(result, PersonView):
            log.info("identification réussie")
            return result
        raise result.error(
            now,
            failed=IdentificationFailed,
            nir_locked=t.LOCKED,
            paced_locked=t.IDENTIFICATION_SESSION_LOCKED,
            paced_wait=t.IDENTIFICATION_WAIT,
            what="identification",
        )

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
        paced = self._paced(rules.CODE_REQUEST_SESSION, rules.CODE_REQUEST_CLIENT)

        def check(conn: sqlite3.Connection) -> _Person | _Refusal:
            held = _pace_hold(conn, paced, now)
            locked = _locked_until(conn, rules.CODE_REQUEST, subject, now)
            if held is not None or locked is not None:
                return _Refusal(nir_lock=locked, paced=held)
            person = _person_by_nir(conn, nir)
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is None or not (
                (person.birth_date == born) & (person.card_type is card) & serial_ok
            ):
                nir_lock = _register_failure(conn, rules.CODE_REQUEST, subject, now)
                return _Refusal(
                    nir_lock=nir_lock, paced=_holds(_pace_fail(conn, paced, now)), checked=True
                )
            _clear_failures(conn, rules.CODE_REQUEST, subject)
            return person

        found = self.storage.write(check)
        if isinstance(found, _Refusal):
            raise found.error(
                now,
                failed=CodeRequestFailed,
                nir_locked=t.CODE_REQUEST_LOCKED,
                paced_locked=t.CODE_REQUEST_SESSION_LOCKED,
                paced_wait=t.CODE_REQUEST_WAIT,
                what="demande de code",
            )
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
            message = send(
                self.delivery,
                self.hasher,
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
        self.feed.publish(message)
        return CodeSent(channel=Channel.EMAIL, masked_to=mask_email(person.email))

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
        receipts.prepare()
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
        if decision.status is Status.OPPOSEE:
            receipts.prepare()
        return decision

    # -- the opposition receipt ---------------------------------------------------------------
    # Claimed first, then rendered, then handed over; the front end writes it and confirms:
    # of many sessions asking at once one renders a PDF, the others are told to wait. A
    # session killed after writing leaves a whole receipt in the folder and the receipt still
    # available once its claim has lapsed: never a receipt lost.
    def receipt(self, nir: str) -> Receipt:
        nir = _field("nir", normalize_nir, nir)

        def available(conn: sqlite3.Connection) -> _Person:
            person = _require_person(conn, nir)
            if person.status is not Status.OPPOSEE or not person.receipt_available:
                raise ReceiptUnavailable()
            return person

        person = self.storage.read(available)
        decided_on = person.decided_on
        assert decided_on is not None  # every opposition is dated
        now = self.clock.now()
        with self._claims_lock:
            mine = self._receipt_claims.get(nir)
        # Asked again by this session (a folder refused, another tried): the same claim.
        token = mine.token if mine is not None else secrets.token_hex(8)
        held_for = int(rules.RECEIPT_CLAIM.total_seconds())

        def hold(conn: sqlite3.Connection) -> datetime | None:
            """None if held by us; else the end of another session's hold."""
            held = conn.execute(
                "UPDATE people SET receipt_claim = ?, receipt_claimed_until = ? "
                "WHERE id = ? AND status = ? AND decided_on = ? AND receipt_available = 1 "
                "AND (receipt_claimed_until IS NULL OR receipt_claimed_until <= ? "
                "OR receipt_claim = ?)",
                (
                    token,
                    instant(now + rules.RECEIPT_CLAIM),
                    person.id,
                    Status.OPPOSEE.value,
                    day(decided_on),
                    instant(now),
                    token,
                ),
            ).rowcount
            if held:
                return None
            row = conn.execute(
                "SELECT receipt_available, receipt_claimed_until FROM people WHERE id = ?",
                (person.id,),
            ).fetchone()
            if row is None or not row["receipt_available"] or row["receipt_claimed_until"] is None:
                raise ReceiptUnavailable()
            return from_instant(row["receipt_claimed_until"])

        other_until = self.storage.write(hold)
        if other_until is not None:
            log.info("justificatif d'opposition en cours d'enregistrement ailleurs")
            wait = max(1, min(held_for, math.ceil((other_until - now).total_seconds())))
            raise ReceiptBusy(wait)
        claim = _Claim(person.id, token, decided_on)
        with self._claims_lock:
            self._receipt_claims[nir] = claim
        from mes_tui.services.receipts import receipt_file_name, render_receipt

        try:
            data = render_receipt(
                nir=person.nir,
                first_name=person.first_name,
                last_name=person.last_name,
                decided_on=decided_on,
                now=now,
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self.release_receipt(nir)
            raise
        return Receipt(filename=receipt_file_name(decided_on), data=data)

    def receipt_saved(self, nir: str) -> None:
        nir = _field("nir", normalize_nir, nir)
        with self._claims_lock:
            claim = self._receipt_claims.get(nir)
        if claim is None:
            raise ReceiptUnavailable()

        def take(conn: sqlite3.Connection) -> int:
            # Still ours even if the hold has passed, as long as no other session took it over.
            return conn.execute(
                "UPDATE people SET receipt_available = 0, receipt_claim = NULL, "
                "receipt_claimed_until = NULL "
                "WHERE id = ? AND status = ? AND decided_on = ? AND receipt_available = 1 "
                "AND receipt_claim = ?",
                (claim.person_id, Status.OPPOSEE.value, day(claim.decided_on), claim.token),
            ).rowcount

        taken = self.storage.write(take)  # if it fails, the claim stays ours to release
        with self._claims_lock:
            if self._receipt_claims.get(nir) is claim:
                del self._receipt_claims[nir]
        if taken == 0:
            raise ReceiptUnavailable()
        log.info("justificatif d'opposition enregistré")

    def release_receipt(self, nir: str) -> None:
        nir = _field("nir", normalize_nir, nir)
        with self._claims_lock:
            claim = self._receipt_claims.pop(nir, None)
        if claim is None:
            return
        self.storage.write(
            lambda conn: conn.execute(
                "UPDATE people SET receipt_claim = NULL, receipt_claimed_until = NULL "
                "WHERE id = ? AND receipt_claim = ?",
                (claim.person_id, claim.token),
            )
        )

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
                message = send(
                    self.delivery,
                    self.hasher,
                    Channel.EMAIL,
                    value,
                    "verification_email",
                    t.MAIL_SUBJECT_OTP,
                    t.MAIL_BODY_OTP.format(code=code, minutes=minutes),
                    code,
                    person.nir,
                )
            else:
                message = send(
                    self.delivery,
                    self.hasher,
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
        self.feed.publish(message)
        return Challenge(
            channel=channel,
            to=value,
            sent_at=now,
            expires_at=expires_at,
            resend_available_at=resend_at,
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
        now = self.clock.now()
        quotas = self._identifier_quotas(nir)
        extra = rules.IDENTIFIER_ANSWERS_AT_ACTIVATION

        def check(conn: sqlite3.Connection) -> IdentifierCheck | tuple[datetime, int]:
            person = _require_person(conn, nir)
            held = _quota_hold(conn, quotas, now)
            if held is not None:
                return held
            # Every answer tells something about other people's identifiers: counted.
            _quota_use(conn, quotas, now, extra)
            owner = _person_by_identifier(conn, ident)
            if owner is None or owner.id == person.id:
                return IdentifierCheck(identifier=ident, available=True)
            return IdentifierCheck(
                identifier=ident,
                available=False,
                suggestions=tuple(_suggest(conn, ident, person, self.draw)),
            )

        result = self.storage.write(check)
        if isinstance(result, tuple):
            until, bound = result
            log.info("vérification d'identifiant refusée : nombre atteint")
            raise IdentifierChecksPaused(until, now, bound)
        return result

    def activate(
        self,
        nir: str,
        identifier: str,
        password: str,
        *,
        accepted_terms: bool,
        expected: Status,
    ) -> PersonView:
        if not accepted_terms:
            raise TermsNotAccepted()
        nir = _field("nir", normalize_nir, nir)
        seen = _status("expected", expected)
        ident = self._identifier(nir, identifier)
        today = local_date(self.clock)
        now = self.clock.now()
        quotas = self._identifier_quotas(nir)
        extra = rules.IDENTIFIER_ANSWERS_AT_ACTIVATION

        def check(conn: sqlite3.Connection) -> _Person | list[str] | tuple[datetime, int]:
            person = _require_person(conn, nir)
            if person.status is Status.ACTIVE:
                raise AlreadyActive()
            if person.status is not seen:  # decided meanwhile (another session opposed)
                raise DecisionConflict(person.status.value, person.decided_on)
            # A few answers more than the checks: who used them up can still validate.
            held = _quota_hold(conn, quotas, now, extra)
            if held is not None:
                return held
            owner = _person_by_identifier(conn, ident)
            if owner is not None and owner.id != person.id:
                _quota_use(conn, quotas, now, extra)  # "taken" is an answer too
                return _suggest(conn, ident, person, self.draw)
            return person

        found = self.storage.write(check)
        if isinstance(found, tuple):
            until, bound = found
            log.warning("activation refusée : nombre d'identifiants essayés atteint")
            raise Locked(until, now, t.IDENTIFIER_ANSWERS_LOCKED, count=bound)
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
            # Only from the status the person saw: a decision recorded meanwhile by another
            # session (checked above, then while the password was hashed) wins.
            try:
                updated = conn.execute(
                    "UPDATE people SET identifier = ?, password_hash = ?, status = ?, "
                    "decided_on = ?, receipt_available = 0, provisional_code_hash = NULL "
                    "WHERE id = ? AND status = ? AND status <> ?",
                    (
                        ident,
                        hashed,
                        Status.ACTIVE.value,
                        day(today),
                        person.id,
                        seen.value,
                        Status.ACTIVE.value,
                    ),
                ).rowcount
            except sqlite3.IntegrityError:
                return "taken"
            if updated == 0:
                current = _person_by_id(conn, person.id)
                if current.status is Status.ACTIVE:
                    return "active"
                raise DecisionConflict(current.status.value, current.decided_on)
            return _view(conn, _person_by_id(conn, person.id), today)

        result = self.storage.write(record)
        if result == "taken":

            def taken(conn: sqlite3.Connection) -> list[str]:
                _quota_use(conn, quotas, now, extra)
                return _suggest(conn, ident, person, self.draw)

            raise IdentifierTaken(self.storage.write(taken))
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
        # The identifier's count, and the session's and the client's.
        paced = [(rules.LOGIN, subject), *self._paced(rules.LOGIN_SESSION, rules.LOGIN_CLIENT)]

        def begin(conn: sqlite3.Connection) -> _Hold | tuple[_Person | None, list[_Counted]]:
            held = _pace_hold(conn, paced, now)
            if held is not None:
                return held
            # Counted as a failure before the (slow) password check and taken back if it is
            # right: attempts made at once from many sessions cannot all slip past a wait.
            started = _pace_fail(conn, paced, now)
            return (_person_by_identifier(conn, ident) if ident else None), started

        begun = self.storage.write(begin)
        if isinstance(begun, _Hold):
            log.info("connexion ralentie : essai refusé sans vérification")
            if begun.locked:
                raise Locked(begun.until, now, t.LOGIN_LOCKED)
            raise Slowed(begun.until, now, t.LOGIN_WAIT)
        found, started = begun
        if found is not None and found.password_hash:
            ok = self.passwords.verify(found.password_hash, password)
        else:
            self.passwords.burn(password)  # the same time whether the identifier exists or not
            ok = False
        if not ok or found is None:
            log.info("connexion refusée")
            hold = _holds(started)
            if hold is not None and hold.locked:
                raise Locked(hold.until, now, t.LOGIN_LOCKED)
            if hold is not None:
                raise LoginFailed((hold.until - now).total_seconds())
            raise LoginFailed()
        person = found
        old_hash = person.password_hash
        new_hash = (
            self.passwords.hash(password)
            if old_hash and self.passwords.needs_rehash(old_hash)
            else None
        )

        def succeed(conn: sqlite3.Connection) -> PersonView:
            # The owner proved themselves: the identifier's count starts again. This attempt
            # was counted for the session and the client: taken back, and nothing more.
            _clear_failures(conn, rules.LOGIN, subject)
            _pace_refund(conn, paced[1:], started[1:])
            if new_hash is not None:
                conn.execute(
                    "UPDATE people SET password_hash = ? WHERE id = ? AND password_hash = ?",
                    (new_hash, person.id, old_hash),
                )
            return _view(conn, _person_by_id(conn, person.id), today)

        log.info("connexion réussie")
        return self.storage.write(succeed)


def send(
    delivery: SimulatedDelivery,
    hasher: KeyedHasher,
    channel: Channel,
    to: str,
    purpose: str,
    subject: str,
    body: str,
    code: str | None,
    nir: str,
) -> OutboxMessage:
    """Post one message through the simulated delivery, with the keyed reference of the person
    it is about (never the NIR); ``DeliveryFailed`` when it is refused."""
    try:
        return delivery.send(channel, to, purpose, subject, body, code, ref=hasher.person_ref(nir))
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


def _suggest(
    conn: sqlite3.Connection, base: str, person: _Person, draw: Callable[[int], int]
) -> list[str]:
    """Free identifiers close to ``base``: ``base`` followed by random digits (``draw(n)``: a
    number below n), valid, never carrying the NIR, and not used by anyone. Random, so that a
    candidate left out because it is taken tells nobody anything: no rule names the candidates,
    and nobody can choose them."""
    digits = rules.SUGGESTION_DIGITS
    lowest = 10 ** (digits - 1)
    stem = base[: 100 - digits]
    candidates: list[str] = []
    for _ in range(4 * rules.SUGGESTIONS):
        try:
            ident = normalize_identifier(f"{stem}{lowest + draw(9 * lowest)}")
        except PydanticCustomError:
            continue
        if not carries_nir(ident, person.nir) and ident not in candidates:
            candidates.append(ident)
    if not candidates:
        return []
    marks = ", ".join("?" for _ in candidates)
    taken = {
        str(row["identifier"])
        for row in conn.execute(
            f"SELECT identifier FROM people WHERE identifier IN ({marks})",  # noqa: S608
            candidates,
        )
    }
    return [candidate for candidate in candidates if candidate not in taken][: rules.SUGGESTIONS]
