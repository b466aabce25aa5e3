"""Counts per session, per SSH client address and per identifier, on top of the per-NIR locks:
identification, new code requests, sign-in and identifier checks (rules.py, docs/limites.md)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from mes_tui.services import SimulatedService, open_service, rules
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    CodeRequestFailed,
    IdentifierChecksPaused,
    IdentifierTaken,
    Locked,
    ServiceError,
    Slowed,
)
from mes_tui.services.hashing import PasswordHashing
from mes_tui.services.origin import ssh_client_address
from mes_tui.texts import service as t
from tests.simulation import admin
from tests.throttling import (
    identify_stranger,
    outcome,
    request_for_stranger,
    sign_in,
    strangers,
)
from tests.unit.conftest import MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS, db_bytes

Sessions = Callable[..., SimulatedService]
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.2"
PASSWORD = "Tournesol#2024"


def identify_martine(service: SimulatedService) -> Callable[[], object]:
    return lambda: service.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)


# -- identification ------------------------------------------------------------------------------
def test_200_nirs_from_one_session_are_slowed_then_locked(
    service: SimulatedService, clock: FakeClock, new_session: Sessions
) -> None:
    nirs = strangers(200)
    # As fast as they can: five failures, the sixth makes the next attempt wait 30 seconds,
    # and nothing more is checked until then.
    results = [outcome(identify_stranger(service, nir)) for nir in nirs]
    assert results[:6] == [("failed", None)] * 5 + [("failed", 30)]
    assert results[6:] == [("slowed", 30)] * 194
    with pytest.raises(Slowed) as slowed:
        service.identify(MARTINE_CODE, nirs[0], SANS, "123456789")
    assert slowed.value.message == t.IDENTIFICATION_WAIT.format(wait="30 secondes")

    # Waiting each time as long as they are told: the waits double, then the session is locked.
    waits = []
    for nir in strangers(4, first=200):
        clock.advance(seconds=waits[-1] if waits else 30)
        kind, wait = outcome(identify_stranger(service, nir))
        waits.append(wait)
        last = kind
    assert waits[:3] == [60, 120, 240]
    assert last == "locked" and waits[3] == 15 * 60
    clock.advance(minutes=14)
    with pytest.raises(Locked) as locked:
        identify_martine(service)()
    assert locked.value.message == t.IDENTIFICATION_SESSION_LOCKED.format(wait="1 minute")

    # The per-NIR lock alone would have let it go on: each NIR failed once only.
    assert outcome(identify_stranger(new_session(), nirs[0])) == ("failed", None)


def test_a_second_session_is_not_affected(service: SimulatedService, new_session: Sessions) -> None:
    for nir in strangers(30):
        outcome(identify_stranger(service, nir))
    assert outcome(identify_martine(service)) == ("slowed", 30)
    other = new_session()
    assert outcome(identify_stranger(other, strangers(1, first=500)[0])) == ("failed", None)
    assert outcome(identify_martine(other)) == ("ok", None)


def test_the_sessions_of_one_ssh_client_are_counted_together(
    service: SimulatedService, new_session: Sessions
) -> None:
    nirs = iter(strangers(30))
    # Four failures per connection, under the session's bound each time...
    results = []
    for _ in range(3):
        connection = new_session(ATTACKER)
        results += [outcome(identify_stranger(connection, next(nirs))) for _ in range(4)]
    # ...but the address made ten without waiting; the eleventh makes it wait.
    assert results[:10] == [("failed", None)] * 10
    assert results[10] == ("failed", 30)
    assert results[11] == ("slowed", 30)
    assert outcome(identify_martine(new_session(ATTACKER))) == ("slowed", 30)
    # Another address, and the desk, are not affected.
    assert outcome(identify_martine(new_session(OWNER))) == ("ok", None)
    assert outcome(identify_martine(service)) == ("ok", None)


def test_one_address_is_locked_after_twenty_failures(
    clock: FakeClock, new_session: Sessions
) -> None:
    nirs = iter(strangers(40))
    kinds = []
    for _ in range(5):  # five connections, four failures each, waiting whenever told to
        connection = new_session(ATTACKER)
        for _ in range(4):
            kind, wait = outcome(identify_stranger(connection, next(nirs)))
            kinds.append(kind)
            clock.advance(seconds=1 if kind == "locked" else (wait or 1))
    assert kinds.count("failed") == 19 and kinds[-1] == "locked"
    with pytest.raises(Locked) as locked:
        identify_martine(new_session(ATTACKER))()
    assert locked.value.message == t.IDENTIFICATION_SESSION_LOCKED.format(wait="15 minutes")


def test_at_a_desk_the_previous_persons_failures_fade(
    service: SimulatedService, clock: FakeClock
) -> None:
    """One session, one person after another: failures fade (one forgiven every 2 minutes)
    and only those beyond five make anyone wait."""
    nirs = iter(strangers(20))
    for _ in range(6):  # the previous person: six failures, the last one waits 30 seconds
        outcome(identify_stranger(service, next(nirs)))
    clock.advance(seconds=30)
    # The next person, once the wait is over: their right code goes through.
    assert outcome(identify_martine(service)) == ("ok", None)
    # Eight quiet minutes later, four of the six are forgiven: three typos make nobody wait.
    clock.advance(minutes=8)
    for _ in range(3):
        assert outcome(identify_stranger(service, next(nirs))) == ("failed", None)
    assert outcome(identify_stranger(service, next(nirs))) == ("failed", 30)


def test_a_success_does_not_wipe_the_sessions_failures(service: SimulatedService) -> None:
    """Whoever has a code of their own cannot use it to start the count again."""
    nirs = iter(strangers(10))
    for _ in range(5):
        assert outcome(identify_stranger(service, next(nirs))) == ("failed", None)
    assert outcome(identify_martine(service)) == ("ok", None)
    assert outcome(identify_stranger(service, next(nirs))) == ("failed", 30)


# -- a new provisional code ----------------------------------------------------------------------
def test_new_code_requests_are_counted_per_session_and_client(
    service: SimulatedService, clock: FakeClock, new_session: Sessions
) -> None:
    nirs = iter(strangers(40))
    results = [outcome(request_for_stranger(service, next(nirs))) for _ in range(7)]
    assert results == [("failed", None)] * 5 + [("failed", 30), ("slowed", 30)]
    with pytest.raises(Slowed) as slowed:
        service.find_code_recipient(next(nirs)[:13], date(1985, 5, 1), SANS, "123456789")
    assert slowed.value.message == t.CODE_REQUEST_WAIT.format(wait="30 secondes")
    with pytest.raises(CodeRequestFailed) as failed:
        clock.advance(seconds=30)
        request_for_stranger(service, next(nirs))()
    assert failed.value.message == t.CODE_REQUEST_FAILED_WAIT.format(wait="1 minute")
    for wait in (60, 120, 240):
        clock.advance(seconds=wait)
        kind, _ = outcome(request_for_stranger(service, next(nirs)))
    assert kind == "locked"
    with pytest.raises(Locked) as locked:
        request_for_stranger(service, next(nirs))()
    assert locked.value.message == t.CODE_REQUEST_SESSION_LOCKED.format(wait="15 minutes")
    # Another session is not affected; the sessions of one address are counted together.
    assert outcome(request_for_stranger(new_session(), next(nirs))) == ("failed", None)
    connections = [new_session(ATTACKER) for _ in range(3)]
    results = [
        outcome(request_for_stranger(connection, next(nirs)))
        for connection in connections
        for _ in range(4)
    ]
    assert results[9:12] == [("failed", None), ("failed", 30), ("slowed", 30)]


# -- sign-in -------------------------------------------------------------------------------------
def test_an_attacker_cannot_lock_the_owner_out(
    service: SimulatedService, clock: FakeClock, new_session: Sessions
) -> None:
    """An attacker trying passwords on someone's identifier for an hour, as fast as they are
    let, with a new connection whenever one makes them wait: few guesses, and the owner never
    waits more than a minute."""
    service.login("lucas.petit", d.DEMO_PASSWORD)  # rehashed with cheap parameters: faster
    start = ready = last_check = clock.now()
    guesses, owners = 0, 0
    attacker = new_session(ATTACKER)
    while clock.now() < start + timedelta(hours=1):
        if clock.now() >= ready:
            kind, wait = outcome(sign_in(attacker, "lucas.petit", "Mauvais#Mot2"))
            guesses += kind == "failed"
            if wait:
                attacker = new_session(ATTACKER)  # a new connection, from the same address
            ready = clock.now() + timedelta(seconds=wait or 1)
        if clock.now() - last_check >= timedelta(minutes=5):
            # The owner, from their own computer, now and then: a minute at most.
            last_check, owners = clock.now(), owners + 1
            owner = new_session(f"198.51.100.{owners}")
            kind, wait = outcome(sign_in(owner, "lucas.petit", d.DEMO_PASSWORD))
            assert kind == "ok" or (kind == "slowed" and wait is not None and wait <= 60)
        clock.advance(seconds=min(60.0, max(1.0, (ready - clock.now()).total_seconds())))
    assert owners == 11
    # Whatever the connections, the address: 10 failures, 10 more with waits of 30 s to 4 min
    # (27.5 minutes), 15 minutes locked, then again from the tenth: fewer than 30 an hour.
    assert guesses < 30


def test_parallel_attempts_are_counted_before_the_password_is_checked(
    service: SimulatedService, clock: FakeClock, data_dir: object, new_session: Sessions
) -> None:
    service.login("lucas.petit", d.DEMO_PASSWORD)
    for _ in range(3):
        outcome(lambda: new_session().login("lucas.petit", "Mauvais#Mot2"))
    meanwhile: list[tuple[str, float | None]] = []

    class SlowHashing(PasswordHashing):
        def verify(self, hashed: str, password: str) -> bool:
            # Another session tries while this attempt's password is being checked.
            meanwhile.append(outcome(lambda: new_session().login("lucas.petit", "Autre#Mot4")))
            return super().verify(hashed, password)

    hashing = SlowHashing(time_cost=1, memory_cost=8, parallelism=1)
    slow = open_service(data_dir, clock=clock, password_hashing=hashing)  # type: ignore[arg-type]
    assert outcome(sign_in(slow, "lucas.petit", "Mauvais#Mot2")) == ("failed", 5)
    assert meanwhile == [("slowed", 5)]


def test_a_right_password_is_not_counted_for_the_session(
    service: SimulatedService, new_session: Sessions
) -> None:
    desk = new_session()
    for n in range(4):
        assert outcome(sign_in(desk, f"personne.{n}.inconnue", "Mauvais#Mot2")) == (
            "failed",
            None,
        )
    assert outcome(sign_in(desk, "lucas.petit", d.DEMO_PASSWORD)) == ("ok", None)
    # The fifth failure, not the sixth: no wait yet.
    assert outcome(sign_in(desk, "personne.5.inconnue", "Mauvais#Mot2")) == ("failed", None)
    assert outcome(sign_in(desk, "personne.6.inconnue", "Mauvais#Mot2")) == ("failed", 30)


def test_one_session_is_locked_after_ten_sign_in_failures(
    service: SimulatedService, clock: FakeClock
) -> None:
    kinds = []
    for n in range(10):  # ten identifiers: only the session's count is met
        kind, wait = outcome(sign_in(service, f"personne.{n}.inconnue", "Mauvais#Mot2"))
        kinds.append(kind)
        clock.advance(seconds=1 if kind == "locked" else wait or 1)
    assert kinds == ["failed"] * 9 + ["locked"]
    with pytest.raises(Locked) as locked:
        service.login("lucas.petit", d.DEMO_PASSWORD)
    assert locked.value.message == t.LOGIN_LOCKED.format(wait="15 minutes")


# -- identifier checks -----------------------------------------------------------------------------
def check(service: SimulatedService, nir: str, identifier: str) -> Callable[[], object]:
    return lambda: service.check_identifier(nir, identifier)


def test_a_person_checks_at_most_ten_identifiers_then_can_still_validate(
    service: SimulatedService, clock: FakeClock
) -> None:
    for n in range(9):
        assert outcome(check(service, MARTINE, f"martine.essai{n}")) == ("ok", None)
    taken = service.check_identifier(MARTINE, "lucas.petit")  # the tenth: answered
    assert not taken.available and len(taken.suggestions) == rules.SUGGESTIONS
    with pytest.raises(IdentifierChecksPaused) as paused:
        service.check_identifier(MARTINE, "martine.essai10")
    assert paused.value.message == t.IDENTIFIER_CHECKS_PAUSED.format(count=10, wait="30 minutes")
    # The activation still says "taken", five times more, then nothing for a while.
    for _ in range(rules.IDENTIFIER_ANSWERS_AT_ACTIVATION):
        with pytest.raises(IdentifierTaken):
            service.activate(
                MARTINE,
                "lucas.petit",
                PASSWORD,
                accepted_terms=True,
                expected=service.get_person(MARTINE).status,
            )
    with pytest.raises(Locked) as locked:
        service.activate(
            MARTINE,
            taken.suggestions[0],
            PASSWORD,
            accepted_terms=True,
            expected=service.get_person(MARTINE).status,
        )
    assert locked.value.message == t.IDENTIFIER_ANSWERS_LOCKED.format(count=15, wait="30 minutes")
    # One answer is given back every 30 minutes.
    clock.advance(minutes=30)
    assert service.activate(
        MARTINE,
        taken.suggestions[0],
        PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )


def test_a_suggestion_can_be_used_once_the_checks_are_used_up(service: SimulatedService) -> None:
    for n in range(9):
        service.check_identifier(MARTINE, f"martine.essai{n}")
    suggestion = service.check_identifier(MARTINE, "lucas.petit").suggestions[0]
    with pytest.raises(IdentifierChecksPaused):
        service.check_identifier(MARTINE, suggestion)
    assert service.activate(
        MARTINE,
        suggestion,
        PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    ).identifier == (suggestion)


def test_identifier_checks_are_bounded_per_session_and_per_client(
    service: SimulatedService, new_session: Sessions
) -> None:
    people = [MARTINE, d.KARIM, d.JEANNE, d.THOMAS, d.FRANCOISE, d.MARIE_ANGE, d.VIRGINIE]
    people += [d.GERARD, d.BRIGITTE]
    # A desk: twenty answers for three people, then three minutes before the next.
    answers = [
        outcome(check(service, nir, f"essai.{n:02d}.x")) for nir in people[:3] for n in range(7)
    ]
    assert answers[:20] == [("ok", None)] * 20
    assert answers[20] == ("IdentifierChecksPaused", None)
    with pytest.raises(IdentifierChecksPaused) as paused:
        service.check_identifier(d.THOMAS, "essai.thomas")
    assert paused.value.message == t.IDENTIFIER_CHECKS_PAUSED.format(count=20, wait="3 minutes")
    # One address: forty answers over its connections.
    first, second = new_session(ATTACKER), new_session(ATTACKER)
    for connection, pair in ((first, people[3:5]), (second, people[5:7])):
        for nir in pair:
            for n in range(10):
                assert outcome(check(connection, nir, f"adresse.{n:02d}.x")) == ("ok", None)
    with pytest.raises(IdentifierChecksPaused) as paused:
        new_session(ATTACKER).check_identifier(d.GERARD, "adresse.gerard")
    assert paused.value.message == t.IDENTIFIER_CHECKS_PAUSED.format(count=40, wait="2 minutes")
    assert new_session(OWNER).check_identifier(d.BRIGITTE, "adresse.brigitte").available


def test_suggestions_never_show_an_identifier_that_exists(service: SimulatedService) -> None:
    service.draw = lambda below: 23  # always "lucas.petit123"
    service.activate(
        d.KARIM,
        "lucas.petit123",
        PASSWORD,
        accepted_terms=True,
        expected=service.get_person(d.KARIM).status,
    )
    check = service.check_identifier(MARTINE, "lucas.petit")
    assert not check.available
    assert check.suggestions == ()
    taken = {entry.identifier for entry in admin(service).list_registry() if entry.identifier}
    service.draw = random.Random(3).randrange
    for n in range(5):
        suggestions = service.check_identifier(d.JEANNE if n % 2 else MARTINE, "lucas.petit")
        assert suggestions.suggestions and not set(suggestions.suggestions) & taken


def test_suggestions_do_not_tell_which_identifiers_exist(service: SimulatedService) -> None:
    """Someone else taking an identifier a rule would have suggested (the birth year, a number)
    changes nothing in what is suggested: leaving a candidate out tells nothing."""
    service.draw = random.Random(11).randrange
    before = service.check_identifier(MARTINE, "lucas.petit").suggestions
    for identifier in ("lucas.petit1976", "lucas.petit.1976", "lucas.petit_1976", "lucas.petit1"):
        for holder in (d.KARIM, d.THOMAS, d.FRANCOISE, d.MARIE_ANGE):
            try:
                service.activate(
                    holder,
                    identifier,
                    PASSWORD,
                    accepted_terms=True,
                    expected=service.get_person(holder).status,
                )
            except ServiceError:
                continue
            break
    service.draw = random.Random(11).randrange
    after = service.check_identifier(MARTINE, "lucas.petit").suggestions
    assert after == before
    assert all(s.startswith("lucas.petit") and len(s) == len("lucas.petit") + 3 for s in after)


# -- what is stored and logged -----------------------------------------------------------------
def test_sessions_and_addresses_are_kept_as_keyed_hashes_only(
    data_dir: object, new_session: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="mes_tui")
    connection = new_session(ATTACKER)
    for nir in strangers(7):
        outcome(identify_stranger(connection, nir))
    outcome(sign_in(connection, "personne.inconnue", "Mauvais#Mot2"))
    outcome(check(connection, MARTINE, "martine.essai"))
    stored = db_bytes(data_dir)  # type: ignore[arg-type]
    session_id = connection._session.encode()
    assert ATTACKER.encode() not in stored and session_id not in stored
    assert b"personne.inconnue" not in stored
    assert ATTACKER not in caplog.text and connection._session not in caplog.text


# -- the SSH client address ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("environ", "address"),
    [
        ({"SSH_CONNECTION": "203.0.113.7 52144 192.0.2.1 22"}, "203.0.113.7"),
        ({"SSH_CLIENT": "203.0.113.7 52144 22"}, "203.0.113.7"),
        # One computer, one /64: its addresses are counted as one.
        ({"SSH_CONNECTION": "2001:db8:1:2::7 52144 2001:db8::1 22"}, "2001:db8:1:2::/64"),
        ({"SSH_CONNECTION": "2001:db8:1:2:aaaa::9 52144 2001:db8::1 22"}, "2001:db8:1:2::/64"),
        ({"SSH_CONNECTION": "fe80::1%eth0 52144 fe80::2%eth0 22"}, "fe80::/64"),
        ({"SSH_CONNECTION": "::ffff:203.0.113.7 52144 ::ffff:192.0.2.1 22"}, "203.0.113.7"),
        (
            {"SSH_CONNECTION": "pas-une-adresse 1 2 3", "SSH_CLIENT": "198.51.100.2 1 22"},
            ("198.51.100.2"),
        ),
        ({"SSH_CONNECTION": "\x1b[2J 1 2 3"}, None),
        ({"SSH_CONNECTION": "   "}, None),
        ({}, None),
    ],
)
def test_the_ssh_client_address(environ: dict[str, str], address: str | None) -> None:
    assert ssh_client_address(environ) == address


def test_open_service_reads_the_address_of_the_process(
    service: SimulatedService,
    data_dir: object,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    new_session: Sessions,
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", f"{ATTACKER} 52144 192.0.2.1 22")
    nirs = iter(strangers(20))
    for _ in range(2):  # two programs started by sshd for the same computer
        program = open_service(data_dir, clock=clock, password_hashing=PasswordHashing.fast())  # type: ignore[arg-type]
        for _ in range(5):
            last = outcome(identify_stranger(program, next(nirs)))
    assert last == ("failed", None)  # the tenth of the address
    assert outcome(identify_stranger(new_session(ATTACKER), next(nirs))) == ("failed", 30)
