"""Throttling: failures counted per NIR until a lockout, waits then locks per session, SSH
client and identifier (counts that fade with quiet time), and quotas of answers that refill
(rules.py). Every subject is a keyed hash, never a NIR or an identifier in clear.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from mes_tui.services.errors import Failed, Locked, ServiceError, Slowed
from mes_tui.services.rules import PaceRule, QuotaRule, ThrottleRule
from mes_tui.services.storage import from_instant, instant

log = logging.getLogger("mes_tui")


# -- lockouts ------------------------------------------------------------------------------------
def locked_until(
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


def register_failure(
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


def clear_failures(
    conn: sqlite3.Connection, rule: ThrottleRule | PaceRule | QuotaRule, subject: str
) -> None:
    conn.execute("DELETE FROM throttle WHERE scope = ? AND subject_hash = ?", (rule.scope, subject))


# -- counts that fade: sessions, SSH clients, identifiers ----------------------------------------
# Rows of the same ``throttle`` table, read another way: ``failures`` is the count as of
# ``first_failure_at``, the instant from which the next one is forgiven (or given back), and
# ``locked_until`` the end of the wait, or of the lock, that the last failure started.
@dataclass(frozen=True)
class Hold:
    """An attempt must wait until ``until``; ``locked``: a lock (minutes), not a slowdown."""

    until: datetime
    locked: bool


Paced = tuple[PaceRule, str]
"""A rule and the keyed hash of its subject (a session, an SSH client, an identifier)."""


@dataclass(frozen=True)
class Count:
    count: int
    since: datetime
    held: datetime | None
    stored: bool


def longest(holds: list[Hold | None]) -> Hold | None:
    """The hold that ends last (a lock rather than a slowdown that ends at the same time)."""
    return max(
        (hold for hold in holds if hold is not None),
        key=lambda hold: (hold.until, hold.locked),
        default=None,
    )


def read_count(
    conn: sqlite3.Connection, scope: str, subject: str, every: timedelta, now: datetime
) -> Count:
    """The count of ``subject`` now: one forgiven every ``every`` since it was last written."""
    row = conn.execute(
        "SELECT failures, first_failure_at, locked_until FROM throttle "
        "WHERE scope = ? AND subject_hash = ?",
        (scope, subject),
    ).fetchone()
    if row is None:
        return Count(0, now, None, stored=False)
    count, since = int(row["failures"]), from_instant(row["first_failure_at"])
    held = from_instant(row["locked_until"]) if row["locked_until"] is not None else None
    forgiven = max(0, int((now - since) / every))
    if count <= 0 or forgiven >= count:
        return Count(0, now, held, stored=True)  # a new count starts from now
    return Count(count - forgiven, since + forgiven * every, held, stored=True)


def write_count(
    conn: sqlite3.Connection,
    scope: str,
    subject: str,
    new: Count,
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


def pace_hold(conn: sqlite3.Connection, paced: list[Paced], now: datetime) -> Hold | None:
    """Whether an earlier failure makes this attempt wait (or locked it out), and until when."""
    holds: list[Hold | None] = []
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
            holds.append(Hold(until, locked=locked))
    return longest(holds)


@dataclass(frozen=True)
class Counted:
    """One failure counted for one subject: the count before and after, and the wait or the
    lock it started."""

    before: Count
    after: Count
    hold: Hold | None


def pace_fail(conn: sqlite3.Connection, paced: list[Paced], now: datetime) -> list[Counted]:
    """Count one failure for each subject: for each, the wait or the lock it starts."""
    counted: list[Counted] = []
    for rule, subject in paced:
        faded = read_count(conn, rule.scope, subject, rule.forgive_every, now)
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
        new = Count(count, quiet_from, hold.until if hold else None, faded.stored)
        write_count(conn, rule.scope, subject, new, now, rule.forgive_every * rule.ceiling)
        counted.append(Counted(before=faded, after=new, hold=hold))
    return counted


def holds(counted: list[Counted]) -> Hold | None:
    return longest([one.hold for one in counted])


def pace_refund(conn: sqlite3.Connection, paced: list[Paced], counted: list[Counted]) -> None:
    """Take back the failures ``pace_fail`` counted for an attempt that turned out right
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
    conn: sqlite3.Connection, quotas: list[Quota], now: datetime, extra: int = 0
) -> tuple[datetime, int] | None:
    """When the first of ``quotas`` used up (beyond its ``allowed + extra``) gives one back,
    and that rule's bound; None if none is used up."""
    holds: list[tuple[datetime, int]] = []
    for rule, subject in quotas:
        bound = rule.allowed + extra
        used = read_count(conn, rule.scope, subject, rule.refill_every, now)
        if used.count >= bound:
            holds.append((used.since + rule.refill_every * (used.count - bound + 1), bound))
    return max(holds, default=None)


def quota_use(
    conn: sqlite3.Connection, quotas: list[Quota], now: datetime, ceiling_extra: int
) -> None:
    """Count one use for each subject (at most ``allowed + ceiling_extra``)."""
    for rule, subject in quotas:
        ceiling = rule.allowed + ceiling_extra
        used = read_count(conn, rule.scope, subject, rule.refill_every, now)
        new = Count(min(ceiling, used.count + 1), used.since, None, used.stored)
        write_count(conn, rule.scope, subject, new, now, rule.refill_every * ceiling)
