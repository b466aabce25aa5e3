"""The bounds on one-time codes (rules.OTP_*): per person and channel, whatever the value
typed, the codes sent and the wrong codes in the current contact change and on the day, the wait
between codes, and the locks they lead to.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as evolve
from datetime import date, datetime

from mes_tui.models import Channel, PersonView
from mes_tui.services import people, rules
from mes_tui.services.errors import (
    ContactChangeLocked,
    NoPendingCode,
    OtpExpired,
    OtpInvalid,
    ResendTooSoon,
    ServiceError,
)
from mes_tui.services.hashing import KeyedHasher
from mes_tui.services.repository import (
    OtpLimits,
    PendingCode,
    StoredPerson,
    Transaction,
    WriteConflict,
)
from mes_tui.services.storage import day
from mes_tui.texts import service as t


def change_over(limits: OtpLimits, now: datetime) -> bool:
    """Whether the contact change counted in ``limits`` is over, so that a new one starts: a
    lock ran out, or the last code's hold ran out, or the change is old and never was held."""
    if limits.locked_until is not None:
        return limits.locked_until <= now
    if limits.change_codes >= rules.OTP_CODES_PER_CHANGE and limits.last_code_at is not None:
        return limits.last_code_at + rules.OTP_CHANGE_LOCK <= now
    return limits.change_started_at + rules.OTP_CHANGE_WINDOW <= now


def current_limits(
    tx: Transaction, person_id: int, channel: Channel, now: datetime, today: date
) -> OtpLimits:
    """The limits as they stand at ``now``: a new change if the last one is over, new daily
    counts on a new day (nothing written). A lock running past midnight keeps its day."""
    stored = tx.otp_limits(person_id, channel)
    if stored is None:
        return OtpLimits(now, 0, 0, None, None, day(today), 0, 0)
    limits = evolve(stored, basis=stored)
    running = limits.locked_until is not None and limits.locked_until > now
    if limits.day != day(today) and not running:
        limits = evolve(limits, day=day(today), day_codes=0, day_failures=0)
    if change_over(limits, now):
        limits = evolve(
            limits, change_started_at=now, change_codes=0, change_failures=0, locked_until=None
        )
    return limits


def save_limits(tx: Transaction, person_id: int, channel: Channel, limits: OtpLimits) -> OtpLimits:
    """Store ``limits`` where what they were read from is still stored (``WriteConflict`` if
    another session changed it); the limits as stored now."""
    tx.save_otp_limits(person_id, channel, limits, limits.basis)
    stored = evolve(limits, basis=None)
    return evolve(stored, basis=stored)


def what_of(channel: Channel) -> str:
    return t.OTP_WHAT_EMAIL if channel is Channel.EMAIL else t.OTP_WHAT_MOBILE


def guessing_lock(limits: OtpLimits, channel: Channel, now: datetime) -> ContactChangeLocked:
    """The lock that too many wrong codes started (``limits.locked_until``, still running)."""
    assert limits.locked_until is not None
    daily = limits.day_failures >= rules.OTP_FAILURES_PER_DAY
    what = what_of(channel)
    return ContactChangeLocked(
        limits.locked_until,
        now,
        t.OTP_DAY_FAILURES_LOCKED if daily else t.OTP_CHANGE_FAILURES_LOCKED,
        code_usable=False,
        count=rules.OTP_FAILURES_PER_DAY if daily else rules.OTP_FAILURES_PER_CHANGE,
        what=what,
        then=t.OTP_THEN_CONTINUE.format(what=what),
    )


def sending_hold(
    limits: OtpLimits, channel: Channel, now: datetime, midnight: datetime, *, code_usable: bool
) -> ContactChangeLocked | None:
    """Why no code may be sent now, if one of the bounds is reached: the longest hold.
    ``code_usable``: the person is before a code that can still be typed (a resend refused);
    refused a new value, the code pending (for another value, or on a screen left) is out of
    reach."""
    if limits.locked_until is not None and limits.locked_until > now:
        return guessing_lock(limits, channel, now)
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
    what = what_of(channel)
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


def next_code_at(limits: OtpLimits, now: datetime, midnight: datetime) -> datetime:
    """When another code may be asked for, once ``limits`` counts the code just sent."""
    when = now + rules.OTP_RESEND_AFTER
    if limits.change_codes >= rules.OTP_CODES_PER_CHANGE:
        when = max(when, now + rules.OTP_CHANGE_LOCK)
    if limits.day_codes >= rules.OTP_CODES_PER_DAY:
        when = max(when, midnight)
    return when


@dataclass(frozen=True)
class Reserved:
    """A code counted before it is sent (``reserve_code``), to give back if it is not sent."""

    person: StoredPerson
    value: str
    before: OtpLimits
    after: OtpLimits


def reserve_code(
    tx: Transaction,
    person: StoredPerson,
    channel: Channel,
    value: str,
    pending: PendingCode | None,
    now: datetime,
    today: date,
    midnight: datetime,
    *,
    resend: bool,
) -> Reserved:
    """Count one code for ``person`` on ``channel``, or raise why none may be sent now."""
    limits = current_limits(tx, person.id, channel, now, today)
    # Refused a resend, the code received may still be typed: if it has not expired, nor
    # used up its attempts.
    usable = (
        resend and pending is not None and pending.expires_at > now and pending.attempts_left > 0
    )
    hold = sending_hold(limits, channel, now, midnight, code_usable=usable)
    if hold is not None:
        raise hold
    check_resend_wait(pending, now)
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
    return Reserved(person, value, limits, save_limits(tx, person.id, channel, after))


def release_code(tx: Transaction, channel: Channel, reserved: Reserved) -> None:
    """Give back a code counted by ``reserve_code`` and not sent, unless the limits moved on
    meanwhile (another code sent since, a new change, a new day)."""
    person_id = reserved.person.id
    current = tx.otp_limits(person_id, channel)
    after = reserved.after
    if current is None or current.last_code_at != after.last_code_at:
        return
    same_change = current.change_started_at == after.change_started_at
    same_day = current.day == after.day
    save_limits(
        tx,
        person_id,
        channel,
        evolve(
            current,
            basis=current,
            last_code_at=reserved.before.last_code_at,
            change_codes=current.change_codes - 1
            if same_change and current.change_codes > 0
            else current.change_codes,
            day_codes=current.day_codes - 1
            if same_day and current.day_codes > 0
            else current.day_codes,
        ),
    )


def check_resend_wait(pending: PendingCode | None, now: datetime) -> None:
    if pending is None:
        return
    ready = pending.sent_at + rules.OTP_RESEND_AFTER
    if now < ready:
        raise ResendTooSoon((ready - now).total_seconds())


def code_accepted(
    tx: Transaction,
    person_id: int,
    channel: Channel,
    pending: PendingCode,
    limits: OtpLimits,
    now: datetime,
) -> None:
    """The right code: the new value recorded, the code used up (unless another session used
    it meanwhile: ``WriteConflict``), and the next change starting afresh (the same day)."""
    if not tx.take_pending_code(person_id, channel, pending.code_hash):
        raise WriteConflict()
    tx.set_contact(person_id, channel, pending.new_value)
    if limits.basis is not None:
        save_limits(
            tx,
            person_id,
            channel,
            evolve(
                limits,
                change_started_at=now,
                change_codes=0,
                change_failures=0,
                last_code_at=None,  # no code on its way any more: no wait
            ),
        )


def code_refused(
    tx: Transaction,
    person_id: int,
    channel: Channel,
    pending: PendingCode,
    limits: OtpLimits,
    now: datetime,
    midnight: datetime,
) -> ServiceError:
    """A wrong code counted (one attempt fewer, one failure more, the lock it may start); the
    refusal to raise once that is committed."""
    if not tx.spend_attempt(person_id, channel, pending.attempts_left):
        raise WriteConflict()  # another attempt was counted meanwhile
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
    save_limits(tx, person_id, channel, limits)
    if limits.locked_until is not None:
        tx.drop_pending_code(person_id, channel)
        return guessing_lock(limits, channel, now)
    return OtpInvalid(pending.attempts_left - 1)


def attempt(
    tx: Transaction,
    hasher: KeyedHasher,
    nir: str,
    channel: Channel,
    code: str,
    now: datetime,
    today: date,
    midnight: datetime,
) -> PersonView | ServiceError:
    """The person with the new value, or the refusal to raise once the failure it counts is
    committed."""
    person = people.require_person(tx, nir)
    limits = current_limits(tx, person.id, channel, now, today)
    if limits.locked_until is not None:
        raise guessing_lock(limits, channel, now)
    pending = tx.pending_code(person.id, channel)
    if pending is None:
        raise NoPendingCode()
    if pending.expires_at <= now:
        raise OtpExpired(int(rules.OTP_VALIDITY.total_seconds() // 60))
    if pending.attempts_left <= 0:
        raise OtpInvalid(0)
    offered = hasher.otp(person.nir, channel.value, pending.new_value, code)
    if KeyedHasher.same(pending.code_hash, offered):
        code_accepted(tx, person.id, channel, pending, limits, now)
        return people.view(tx, tx.person_by_id(person.id), today)
    return code_refused(tx, person.id, channel, pending, limits, now, midnight)
