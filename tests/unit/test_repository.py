"""The SQLite repository writes a row it read only if it is still as read, and runs a unit of
work again when it is not: correct without SQLite's lock over the whole database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from mes_tui.models import Channel
from mes_tui.services import SimulatedService, rules, throttle
from mes_tui.services import demo as d
from mes_tui.services.errors import StorageBusy
from mes_tui.services.repository import OtpLimits, Transaction, WriteConflict
from mes_tui.services.sqlite_repository import SqliteRepository

SCOPE = "test"


def repository(service: SimulatedService) -> SqliteRepository:
    return SqliteRepository(service.storage)


def test_a_conflict_runs_the_unit_of_work_again(service: SimulatedService) -> None:
    runs: list[int] = []

    def work(tx: Transaction) -> int:
        runs.append(1)
        tx.clear_throttle(SCOPE, "a")
        if len(runs) == 1:
            raise WriteConflict()
        return len(runs)

    assert repository(service).write(work) == 2


def test_conflicts_that_never_end_are_a_busy_registry(service: SimulatedService) -> None:
    def work(tx: Transaction) -> None:
        raise WriteConflict()

    with pytest.raises(StorageBusy):
        repository(service).write(work)


def test_a_count_changed_since_it_was_read_is_not_overwritten(service: SimulatedService) -> None:
    now = service.clock.now()
    rule = rules.LOGIN_SESSION
    paced = [(rule, "subject")]
    repo = repository(service)
    every = rule.forgive_every
    stale = repo.read(lambda tx: throttle.read_count(tx, rule.scope, "subject", every, now))
    repo.write(lambda tx: throttle.pace_fail(tx, paced, now))  # another session counts one

    def late(tx: Transaction) -> None:
        throttle.write_count(tx, rule.scope, "subject", replace(stale, count=1), now, every)

    with pytest.raises(StorageBusy):  # conflicts each time: the unit of work reads nothing again
        repo.write(late)
    entry = repo.read(lambda tx: tx.throttle_entry(rule.scope, "subject"))
    assert entry is not None and entry.failures == 1


def test_failures_towards_a_lockout_are_counted_in_one_statement(
    service: SimulatedService,
) -> None:
    now = service.clock.now()
    rule = rules.IDENTIFY
    repo = repository(service)
    locks = [
        repo.write(lambda tx: throttle.register_failure(tx, rule, "nir", now))
        for _ in range(rule.max_failures)
    ]
    assert locks[:-1] == [None] * (rule.max_failures - 1)
    assert locks[-1] == now + rule.lock_for
    after = now + rule.lock_for + timedelta(seconds=1)  # the lock is over: a new window
    assert repo.write(lambda tx: throttle.register_failure(tx, rule, "nir", after)) is None
    entry = repo.read(lambda tx: tx.throttle_entry(rule.scope, "nir"))
    assert entry is not None and entry.failures == 1 and entry.since == after


def test_limits_are_saved_only_over_what_was_read(service: SimulatedService) -> None:
    now = service.clock.now()
    repo = repository(service)
    person_id = repo.read(lambda tx: tx.person_id(d.MARTINE))
    first = OtpLimits(now, 1, 0, now, None, "2021-09-28", 1, 0)
    repo.write(lambda tx: tx.save_otp_limits(person_id, Channel.EMAIL, first, None))
    with pytest.raises(StorageBusy):  # a row exists now: inserting again conflicts
        repo.write(lambda tx: tx.save_otp_limits(person_id, Channel.EMAIL, first, None))
    second = replace(first, change_codes=2)
    repo.write(lambda tx: tx.save_otp_limits(person_id, Channel.EMAIL, second, first))
    with pytest.raises(StorageBusy):  # ``first`` is no longer what is stored
        repo.write(lambda tx: tx.save_otp_limits(person_id, Channel.EMAIL, second, first))
    stored = repo.read(lambda tx: tx.otp_limits(person_id, Channel.EMAIL))
    assert stored == second
