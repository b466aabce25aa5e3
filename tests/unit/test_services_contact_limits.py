"""The bounds on one-time codes (rules.OTP_*): per contact change and per day, per person and
channel whatever the value typed, with the lock and its remaining wait, and under concurrency.

Without them a resend brought 3 fresh attempts each time: 201 codes and 600 guesses in 100
minutes, and 40 SMS to 4 numbers in 20 minutes, all sent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from mes_tui.models import Channel
from mes_tui.services import SimulatedService, open_service, rules
from mes_tui.services import demo as d
from mes_tui.services.api import Challenge
from mes_tui.services.clock import PARIS, FakeClock, next_local_midnight
from mes_tui.services.errors import (
    ContactChangeLocked,
    DeliveryFailed,
    NoPendingCode,
    OtpInvalid,
    ResendTooSoon,
    ServiceError,
)
from mes_tui.texts import service as t
from tests.simulation import admin
from tests.unit.conftest import MARTINE, last_code

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
NEW_EMAIL = "mickael.rousset@atos.net"
NUMBERS = ["06 11 12 13 14", "06 22 23 24 25", "06 33 34 35 36", "06 44 45 46 47"]
AFTER_WAIT = rules.OTP_RESEND_AFTER.total_seconds() + 1  # seconds


def wrong(code: str | None) -> str:
    """A 6-digit code that is not ``code``."""
    assert code is not None
    return f"{(int(code) + 1) % 1_000_000:06d}"


def start_email(service: SimulatedService, value: str = NEW_EMAIL) -> Challenge:
    return service.start_contact_change(MARTINE, Channel.EMAIL, value)


def refused(call: Callable[[], T]) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value


def locked(call: Callable[[], object]) -> ContactChangeLocked:
    error = refused(call)
    assert isinstance(error, ContactChangeLocked), error
    return error


def guess_wrong(service: SimulatedService, channel: Channel, code: str | None, times: int) -> None:
    for _ in range(times):
        with pytest.raises(OtpInvalid):
            service.verify_contact_code(MARTINE, channel, wrong(code))


def sent(service: SimulatedService, channel: Channel) -> int:
    purpose = "verification_email" if channel is Channel.EMAIL else "verification_mobile"
    return sum(1 for message in admin(service).outbox() if message.purpose == purpose)


def codes_message(wait: str, then: str = t.OTP_THEN_TYPE) -> str:
    return t.OTP_CHANGE_CODES_LOCKED.format(count=3, wait=wait, then=then)


def continue_without(channel: Channel) -> str:
    what = t.OTP_WHAT_EMAIL if channel is Channel.EMAIL else t.OTP_WHAT_MOBILE
    return t.OTP_THEN_CONTINUE.format(what=what)


# -- codes per change --------------------------------------------------------------------------
def test_a_change_sends_three_codes_then_holds_sending(
    service: SimulatedService, clock: FakeClock
) -> None:
    start_email(service)
    clock.advance(seconds=AFTER_WAIT)
    service.resend_contact_code(MARTINE, Channel.EMAIL)
    clock.advance(seconds=AFTER_WAIT)
    third = service.resend_contact_code(MARTINE, Channel.EMAIL)
    third_code = last_code(service)
    # The third code is the last of the change: the next one only 15 minutes after it.
    assert third.resend_available_at == clock.now() + rules.OTP_CHANGE_LOCK
    clock.advance(seconds=AFTER_WAIT)

    error = locked(lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))
    assert error.code_usable
    assert error.until == third.sent_at + rules.OTP_CHANGE_LOCK
    assert error.message == codes_message("15 minutes")
    assert "réessayez dans 15 minutes" in error.message
    assert sent(service, Channel.EMAIL) == rules.OTP_CODES_PER_CHANGE == 3
    # Only sending is held back: the last code still works.
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, third_code).email == NEW_EMAIL


def test_a_new_value_is_no_way_round_the_codes_per_change(
    service: SimulatedService, clock: FakeClock
) -> None:
    for number in NUMBERS[:3]:
        service.start_contact_change(MARTINE, Channel.SMS, number)
        clock.advance(seconds=AFTER_WAIT)
    error = locked(lambda: service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[3]))
    assert not error.code_usable  # from the form: the code pending is out of reach
    assert error.message == codes_message("15 minutes", continue_without(Channel.SMS))
    assert sent(service, Channel.SMS) == 3
    # The other channel has its own bounds.
    start_email(service)
    assert last_code(service)


def test_the_lock_message_counts_down_then_a_new_change_starts(
    service: SimulatedService, clock: FakeClock
) -> None:
    start_email(service)
    for _ in range(2):
        clock.advance(seconds=AFTER_WAIT)
        service.resend_contact_code(MARTINE, Channel.EMAIL)
    clock.advance(minutes=10)
    error = locked(lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))
    assert error.remaining_seconds == 5 * 60
    assert "réessayez dans 5 minutes" in error.message
    clock.advance(minutes=4, seconds=59)
    assert "réessayez dans 1 seconde" in locked(lambda: start_email(service)).message
    clock.advance(seconds=1)
    service.resend_contact_code(MARTINE, Channel.EMAIL)
    code = last_code(service)
    assert code is not None
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, code).email == NEW_EMAIL


def test_a_message_not_sent_is_not_counted(service: SimulatedService, clock: FakeClock) -> None:
    start_email(service)
    for _ in range(2):
        clock.advance(seconds=AFTER_WAIT)
        service.delivery.fail_next = 1
        with pytest.raises(DeliveryFailed):
            service.resend_contact_code(MARTINE, Channel.EMAIL)
    # No wait either: the failed sends left the previous code the last one.
    for _ in range(2):
        service.resend_contact_code(MARTINE, Channel.EMAIL)
        clock.advance(seconds=AFTER_WAIT)
    assert sent(service, Channel.EMAIL) == 3
    locked(lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))


# -- wrong codes per change --------------------------------------------------------------------
def test_five_wrong_codes_lock_the_change(service: SimulatedService, clock: FakeClock) -> None:
    start_email(service)
    first = last_code(service)
    guess_wrong(service, Channel.EMAIL, first, 3)
    clock.advance(seconds=AFTER_WAIT)
    service.resend_contact_code(MARTINE, Channel.EMAIL)
    second = last_code(service)
    guess_wrong(service, Channel.EMAIL, second, 1)

    error = locked(lambda: service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(second)))
    assert not error.code_usable
    assert error.until == clock.now() + rules.OTP_CHANGE_LOCK
    assert error.message == t.OTP_CHANGE_FAILURES_LOCKED.format(
        count=5, what=t.OTP_WHAT_EMAIL, wait="15 minutes", then=continue_without(Channel.EMAIL)
    )
    # Locked: not even the right code, no new code, whatever the value.
    assert second is not None
    locked(lambda: service.verify_contact_code(MARTINE, Channel.EMAIL, second))
    locked(lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))
    locked(lambda: start_email(service, "autre@exemple.fr"))
    assert service.get_person(MARTINE).email != NEW_EMAIL
    assert sent(service, Channel.EMAIL) == 2

    clock.advance(minutes=15)
    # The lock over, the code it dropped is gone; a new change starts afresh.
    with pytest.raises(NoPendingCode):
        service.verify_contact_code(MARTINE, Channel.EMAIL, second)
    start_email(service)
    third = last_code(service)
    guess_wrong(service, Channel.EMAIL, third, 2)
    assert third is not None
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, third).email == NEW_EMAIL


def test_the_brief_scenario_is_bounded(service: SimulatedService, clock: FakeClock) -> None:
    """100 simulated minutes of resending and guessing 3 times each code."""
    codes = guesses = 0
    locks: set[datetime] = set()  # each lock was started by a wrong code, checked
    start_email(service)
    codes += 1
    for _ in range(200):
        for _ in range(3):
            try:
                service.verify_contact_code(MARTINE, Channel.EMAIL, "000000")
            except OtpInvalid:
                guesses += 1
            except ContactChangeLocked as error:
                locks.add(error.until)
                break
        clock.advance(seconds=AFTER_WAIT)
        try:
            service.resend_contact_code(MARTINE, Channel.EMAIL)
            codes += 1
        except ContactChangeLocked:
            pass
        except NoPendingCode:  # the lock dropped the code: a new change
            start_email(service)
            codes += 1
    assert clock.now() - datetime(2021, 9, 28, 10, 0, tzinfo=UTC) > timedelta(minutes=100)
    assert codes <= rules.OTP_CODES_PER_DAY
    assert guesses + len(locks) == rules.OTP_FAILURES_PER_DAY
    assert max(locks) == next_local_midnight(clock)
    assert sent(service, Channel.EMAIL) == codes


# -- per day -----------------------------------------------------------------------------------
def test_five_messages_a_day_across_numbers(service: SimulatedService, clock: FakeClock) -> None:
    """40 requests for SMS to 4 numbers in 20 minutes: 5 are sent."""
    answers: list[Challenge | ServiceError] = []
    for i in range(40):
        try:
            answers.append(service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[i % 4]))
        except ServiceError as error:
            answers.append(error)
        clock.advance(seconds=30)
    assert sent(service, Channel.SMS) == rules.OTP_CODES_PER_DAY == 5
    assert len({m.to for m in admin(service).outbox() if m.purpose == "verification_mobile"}) > 1
    last = answers[-1]
    assert isinstance(last, ContactChangeLocked)
    # 28/09/2021 10:20 UTC, 12:20 in Paris: until midnight in Paris, 22:00 UTC.
    assert last.until == datetime(2021, 9, 28, 22, 0, tzinfo=UTC)
    assert last.message == t.OTP_DAY_CODES_LOCKED.format(
        count=5, medium=t.OTP_BY_SMS, wait="12 heures", then=continue_without(Channel.SMS)
    )
    # E-mails are counted apart: 5 of them too.
    for i in range(6):
        try:
            start_email(service, f"adresse{i}@exemple.fr")
        except ContactChangeLocked:
            clock.advance(minutes=16)
            continue
        clock.advance(seconds=AFTER_WAIT)
    assert sent(service, Channel.EMAIL) == 5


def test_ten_wrong_codes_a_day_lock_until_midnight(
    service: SimulatedService, clock: FakeClock
) -> None:
    first = lock_email_change(service, clock)
    assert first.until == clock.now() + rules.OTP_CHANGE_LOCK
    clock.advance(minutes=15)
    error = lock_email_change(service, clock)
    assert error.until == next_local_midnight(clock) == datetime(2021, 9, 28, 22, 0, tzinfo=UTC)
    assert error.message == t.OTP_DAY_FAILURES_LOCKED.format(
        count=10, what=t.OTP_WHAT_EMAIL, wait="12 heures", then=continue_without(Channel.EMAIL)
    )
    clock.advance(hours=6)
    assert "réessayez dans 6 heures" in locked(lambda: start_email(service)).message


def test_the_next_day_works_again(service: SimulatedService, clock: FakeClock) -> None:
    for i in range(5):
        service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[i % 4])
        clock.advance(minutes=16)
    locked(lambda: service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[0]))
    # 23:59 in Paris: still the same day.
    clock.set(datetime(2021, 9, 28, 23, 59, tzinfo=PARIS))
    error = locked(lambda: service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[0]))
    assert "réessayez dans 1 minute" in error.message
    clock.set(datetime(2021, 9, 29, 0, 0, tzinfo=PARIS))
    service.start_contact_change(MARTINE, Channel.SMS, NUMBERS[0])
    code = last_code(service)
    assert code is not None
    assert service.verify_contact_code(MARTINE, Channel.SMS, code).mobile == "+33611121314"


def lock_email_change(service: SimulatedService, clock: FakeClock) -> ContactChangeLocked:
    """Start a change of e-mail address and type 5 wrong codes (over 2 codes): the lock."""
    start_email(service)
    code = last_code(service)
    guess_wrong(service, Channel.EMAIL, code, 3)
    clock.advance(seconds=AFTER_WAIT)
    service.resend_contact_code(MARTINE, Channel.EMAIL)
    code = last_code(service)
    guess_wrong(service, Channel.EMAIL, code, 1)
    return locked(lambda: service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(code)))


def test_a_daily_lock_near_midnight_lasts_15_minutes_at_least(
    service: SimulatedService, clock: FakeClock
) -> None:
    clock.set(datetime(2021, 9, 28, 23, 30, tzinfo=PARIS))
    lock_email_change(service, clock)
    clock.advance(minutes=15)
    error = lock_email_change(service, clock)
    # The tenth wrong code came at 23:46 in Paris: locked until 00:01, not only until 00:00.
    assert error.until == clock.now() + rules.OTP_CHANGE_LOCK
    assert error.until > datetime(2021, 9, 29, 0, 0, tzinfo=PARIS)
    clock.set(datetime(2021, 9, 29, 0, 0, 30, tzinfo=PARIS))
    assert locked(lambda: start_email(service)).until == error.until
    clock.set(error.until)
    start_email(service)  # a new day, new counts
    assert last_code(service)


def test_next_local_midnight_follows_the_clock_changes() -> None:
    # The night the clocks go back (31/10/2021): the day lasts 25 hours.
    clock = FakeClock(datetime(2021, 10, 31, 1, 0, tzinfo=PARIS))
    assert next_local_midnight(clock) == datetime(2021, 10, 31, 23, 0, tzinfo=UTC)
    clock = FakeClock(datetime(2021, 10, 30, 23, 30, tzinfo=UTC))  # 01:30 in Paris, on the 31st
    assert next_local_midnight(clock) == datetime(2021, 10, 31, 23, 0, tzinfo=UTC)
    assert next_local_midnight(clock) - clock.now() == timedelta(hours=23, minutes=30)


# -- concurrency -------------------------------------------------------------------------------
def at_once(count: int, call: Callable[[], object]) -> list[object]:
    """``call`` from ``count`` threads released together; each one's result or error."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except ServiceError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_resends_at_once_send_one_message(
    service: SimulatedService, clock: FakeClock
) -> None:
    start_email(service)
    clock.advance(seconds=AFTER_WAIT)
    service.delivery.latency = 0.2  # every request checks before any message is gone
    results = at_once(20, lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))
    assert sum(isinstance(r, Challenge) for r in results) == 1
    assert all(isinstance(r, Challenge | ResendTooSoon) for r in results), results
    assert sent(service, Channel.EMAIL) == 2


def test_twenty_resends_at_once_never_pass_the_bounds(
    service: SimulatedService, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rules, "OTP_RESEND_AFTER", timedelta(0))  # only the bounds hold them
    start_email(service)
    service.delivery.latency = 0.2
    results = at_once(20, lambda: service.resend_contact_code(MARTINE, Channel.EMAIL))
    assert sum(isinstance(r, Challenge) for r in results) == 2
    assert sum(isinstance(r, ContactChangeLocked) for r in results) == 18
    assert sent(service, Channel.EMAIL) == rules.OTP_CODES_PER_CHANGE


PROCESS = textwrap.dedent(
    """
    import sys, time
    from datetime import timedelta
    from pathlib import Path

    from mes_tui.models import Channel
    from mes_tui.services import open_service, rules
    from mes_tui.services.errors import ServiceError

    rules.OTP_RESEND_AFTER = timedelta(0)  # only the bounds hold the sessions back
    data_dir, nir, number, start = Path(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
    service = open_service(data_dir)
    time.sleep(max(0.0, start - time.time()))
    try:
        service.start_contact_change(nir, Channel.SMS, number)
        print("sent")
    except ServiceError as error:
        print(type(error).__name__)
    """
)


@pytest.mark.slow
def test_twenty_sessions_at_once_on_one_registry_send_three_sms(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    service = open_service(data_dir)
    script = tmp_path / "change.py"
    script.write_text(PROCESS, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "MES_TUI_KEYRING": "off",
        "HOME": str(tmp_path),
    }
    start_at = time.time() + 6
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, str(script), str(data_dir)),
                *(d.MARTINE, f"06 12 34 56 {i:02d}", str(start_at)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for i in range(20)
    ]
    answers = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        answers.append(out.decode().strip())
    # Each session reads its clock before it waits for the registry: one that gets it after a
    # later one finds a code sent "after" its own time (ResendTooSoon). Never more than 3.
    assert 1 <= answers.count("sent") <= rules.OTP_CODES_PER_CHANGE, json.dumps(answers)
    assert set(answers) <= {"sent", "ContactChangeLocked", "ResendTooSoon"}, json.dumps(answers)
    assert sent(service, Channel.SMS) == answers.count("sent")
