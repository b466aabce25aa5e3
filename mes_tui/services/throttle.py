"""Throttling: failures counted per NIR until a lockout, waits then locks per session, SSH
client and identifier (counts that fade with quiet time), and quotas of answers that refill
(rules.py). Every subject is a keyed hash, never a NIR or an identifier in clear.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from mes_tui.services.errors import Failed, Locked, ServiceError, Slowed
from mes_tui.services.repository import ThrottleEntry, Transaction, WriteConflict
from mes_tui.services.rules import PaceRule, QuotaRule, ThrottleRule

log = logging.getLogger("mes_tui")


# -- lockouts ------------------------------------------------------------------------------------
def locked_until(
    tx: Transaction, rule: ThrottleRule, subject: str, now: datetime
) -> datetime | None:
    entry = tx.throttle_entry(rule.scope, subject)
    if entry is None or entry.held is None:
        return None
    return entry.held if entry.held > now else None


def register_failure(
    tx: Transaction, rule: ThrottleRule, subject: str, now: datetime
) -> datetime | None:
    """Count one failure; return the end of the lock if this failure starts one."""
    locked = tx.count_failure(
        rule.scope, subject, now, now - rule.window, rule.max_failures, now + rule.lock_for
    )
    # Forget old failures of other subjects: unknown NIRs must not pile up forever.
    tx.forget_throttle(rule.scope, now - rule.window, now)
    return locked


def clear_failures(
    tx: Transaction, rule: ThrottleRule | PaceRule | QuotaRule, subject: str
) -> None:
    tx.clear_throttle(rule.scope, subject)


# -- counts that fade: sessions, SSH clients, identifiers ----------------------------------------
# Entries of the same ``throttle`` table, read another way: ``failures`` is the count as of
# ``since``, the instant from which the next one is forgiven (or given back), and ``held`` the
# end of the wait, or of the lock, that the last failure started.
@dataclass(frozen=True)
class Hold:
    """An attempt must wait until ``until``; ``locked``: a lock (minutes), not a slowdown."""

    until: datetime
    locked: bool


Paced = tuple[PaceRule, str]
"""A rule and the keyed hash of its subject (a session, an SSH client, an identifier)."""


@dataclass(frozen=True)
class Count:
    """A count as it stands (faded); ``basis``: the entry it was read from, None if none."""

    count: int
    since: datetime
    held: datetime | None
    basis: ThrottleEntry | None

    def entry(self) -> ThrottleEntry:
        return ThrottleEntry(self.count, self.since, self.held)


def longest(holds: list[Hold | None]) -> Hold | None:
    """The hold that ends last (a lock rather than a slowdown that ends at the same time)."""
    return max(
        (hold for hold in holds if hold is not None),
        key=lambda hold: (hold.until, hold.locked),
        default=None,
    )


def read_count(tx: Transaction, scope: str, subject: str, every: timedelta, now: datetime) -> Count:
    """The count of ``subject`` now: one forgiven every ``every`` since it was last written."""
    entry = tx.throttle_entry(scope, subject)
    if entry is None:
        return Count(0, now, None, basis=None)
    count, since, held = entry.failures, entry.since, entry.held
    forgiven = max(0, int((now - since) / every))
    if count <= 0 or forgiven >= count:
        return Count(0, now, held, basis=entry)  # a new count starts from now
    return Count(count - forgiven, since + forgiven * every, held, basis=entry)


def write_count(
    tx: Transaction,
    scope: str,
    subject: str,
    new: Count,
    now: datetime,
    fades_within: timedelta,
) -> None:
    """Store ``new`` in place of the entry it was read from (``WriteConflict`` if another
    session changed it meanwhile); forget the counts of ``scope`` that have faded away (any
    count does within ``fades_within``) and whose hold is over: sessions end, addresses
    change."""
    if not tx.swap_throttle(scope, subject, new.basis, new.entry()):
        raise WriteConflict()
    tx.forget_throttle(scope, now - fades_within, now)


def pace_hold(tx: Transaction, paced: list[Paced], now: datetime) -> Hold | None:
    """Whether an earlier failure makes this attempt wait (or locked it out), and until when."""
    holds: list[Hold | None] = []
    for rule, subject in paced:
        entry = tx.throttle_entry(rule.scope, subject)
        if entry is None or entry.held is None:
            continue
        if entry.held > now:
            # A lock leaves the count at the free ones; a wait only comes beyond them.
            locked = rule.lock_at is not None and entry.failures <= rule.free
            holds.append(Hold(entry.held, locked=locked))
    return longest(holds)


@dataclass(frozen=True)
class Counted:
    """One failure counted for one subject: the count before and after, and the wait or the
    lock it started."""

    before: Count
    after: Count
    hold: Hold | None


def pace_fail(tx: Transaction, paced: list[Paced], now: datetime) -> list[Counted]:
    """Count one failure for each subject: for each, the wait or the lock it starts."""
    counted: list[Counted] = []
    for rule, subject in paced:
        faded = read_count(tx, rule.scope, subject, rule.forgive_every, now)
        count = min(rule.ceiling, faded.count + 1)
        hold: Hold | None = None
        if rule.lock_at is not None and count >= rule.lock_at:
            hold = Hold(now + rule.lock_for, locked=True)
            count = rule.free  # the lock pays for the failures beyond the free ones
        elif rule.wait_after(count):
            hold = Hold(now + rule.wait_after(count), locked=False)
        # Failures are forgiven after quiet time only, from the end of the wait this one
        # starts: whoever retries each time a wait is over meets longer and longer waits.
        quiet_from = hold.until if hold else now
        new = Count(count, quiet_from, hold.until if hold else None, faded.basis)
        write_count(tx, rule.scope, subject, new, now, rule.forgive_every * rule.ceiling)
        counted.append(Counted(before=faded, after=new, hold=hold))
    return counted


def holds(counted: list[Counted]) -> Hold | None:
    return longest([one.hold for one in counted])


def pace_refund(tx: Transaction, paced: list[Paced], counted: list[Counted]) -> None:
    """Take back the failures ``pace_fail`` counted for an attempt that turned out right
    (counted first, so that parallel attempts cannot slip past a wait): each count as it was,
    unless another failure was counted since (two attempts at once): then it stays as it is."""
    for (rule, subject), one in zip(paced, counted, strict=True):
        before = one.before.entry() if one.before.basis is not None else None
        tx.swap_throttle(rule.scope, subject, one.after.entry(), before)


@dataclass(frozen=True)
class Refusal:
    """Why an identification or a code request did not go through: a lock of the NIR, the
    session's or the client's wait or lock (the longest), and whether anything was checked
    (a failure, counted) or not (refused while waiting)."""

    nir_lock: datetime | None = None
    paced: Hold | None = None
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


def quota_hold(
    tx: Transaction, quotas: list[Quota], now: datetime, extra: int = 0
) -> tuple[datetime, int] | None:
    """When the first of ``quotas`` used up (beyond its ``allowed + extra``) gives one back,
    and that rule's bound; None if none is used up."""
    holds: list[tuple[datetime, int]] = []
    for rule, subject in quotas:
        bound = rule.allowed + extra
        used = read_count(tx, rule.scope, subject, rule.refill_every, now)
        if used.count >= bound:
            holds.append((used.since + rule.refill_every * (used.count - bound + 1), bound))
    return max(holds, default=None)


def quota_use(tx: Transaction, quotas: list[Quota], now: datetime, ceiling_extra: int) -> None:
    """Count one use for each subject (at most ``allowed + ceiling_extra``)."""
    for rule, subject in quotas:
        ceiling = rule.allowed + ceiling_extra
        used = read_count(tx, rule.scope, subject, rule.refill_every, now)
        new = Count(min(ceiling, used.count + 1), used.since, None, used.basis)
        write_count(tx, rule.scope, subject, new, now, rule.refill_every * ceiling)


def refusal_if_held(
    tx: Transaction, rule: ThrottleRule, subject: str, paced: list[Paced], now: datetime
) -> Refusal | None:
    """The refusal, unchecked, while ``subject`` is locked or the session or client waits."""
    held = pace_hold(tx, paced, now)
    locked = locked_until(tx, rule, subject, now)
    if held is not None or locked is not None:
        return Refusal(nir_lock=locked, paced=held)
    return None


def refuse(
    tx: Transaction, rule: ThrottleRule, subject: str, paced: list[Paced], now: datetime
) -> Refusal:
    """A failure counted for ``subject``, the session and the client; the refusal it makes."""
    nir_lock = register_failure(tx, rule, subject, now)
    return Refusal(nir_lock=nir_lock, paced=holds(pace_fail(tx, paced, now)), checked=True)
