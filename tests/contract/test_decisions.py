"""Decisions are recorded from the status the person saw: an activation and an opposition of the
same person, at the same moment from two processes, cannot both win."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from typing import Any

import pytest

from mes_tui.models import Status
from mes_tui.services.api import MesService, RegistryAdmin
from mes_tui.services.errors import DecisionConflict, LoginFailed
from mes_tui.texts import service as ts
from tests.contract.conftest import FRANCOISE, KARIM, MARTINE, PASSWORD, Backend, sign_in

RACED = (MARTINE, KARIM, FRANCOISE)


def identifier_of(nir: str) -> str:
    return f"course.{nir[:7]}"


def test_an_activation_from_a_status_that_changed_records_nothing(backend: Backend) -> None:
    ticket = backend.ticket()
    other, _ = backend.new_session()
    other.oppose(backend.ticket(MARTINE, other), MARTINE, expected=Status.EN_ATTENTE)  # meanwhile
    with pytest.raises(DecisionConflict) as conflict:
        backend.service.activate(
            ticket, MARTINE, "martine.l", PASSWORD, accepted_terms=True, expected=Status.EN_ATTENTE
        )
    person = backend.service.get_person(ticket, MARTINE)
    assert conflict.value.message == DecisionConflict("opposee", person.decided_on).message
    assert conflict.value.message.startswith(ts.DECISION_CONFLICT.split("{", 1)[0])
    assert person.status is Status.OPPOSEE and person.identifier is None
    assert backend.service.check_identifier(ticket, MARTINE, "martine.l").available
    with pytest.raises(LoginFailed):
        backend.service.login("martine.l", PASSWORD)


def test_an_activation_from_the_status_seen_goes_through(backend: Backend) -> None:
    person = backend.service.activate(
        backend.ticket(),
        MARTINE,
        "martine.l",
        PASSWORD,
        accepted_terms=True,
        expected=Status.EN_ATTENTE,
    )
    assert person.status is Status.ACTIVE and person.identifier == "martine.l"


def race(
    open_session: Callable[[], tuple[MesService, RegistryAdmin]],
    role: str,
    barrier: Any,
    signing_in: Any,
    results: Any,
) -> None:
    """In a process of its own: sign each person in (one process after the other: a new code
    replaces the one before), then for each person wait for the other process, activate or
    oppose, and report what happened."""
    service, admin = open_session()
    service.prepare()
    with signing_in:
        tickets = {nir: sign_in(service, admin, nir) for nir in RACED}
    for nir in RACED:
        barrier.wait(timeout=120)
        try:
            if role == "activate":
                service.activate(
                    tickets[nir],
                    nir,
                    identifier_of(nir),
                    PASSWORD,
                    accepted_terms=True,
                    expected=Status.EN_ATTENTE,
                )
            else:
                service.oppose(tickets[nir], nir, expected=Status.EN_ATTENTE)
            results.put((nir, role, "won", ""))
        except DecisionConflict as conflict:
            results.put((nir, role, "conflict", conflict.message))
        except Exception as error:
            results.put((nir, role, "error", f"{type(error).__name__}: {error}"))


def test_activation_and_opposition_at_once_from_two_processes_one_wins(backend: Backend) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    signing_in = context.Lock()
    results = context.Queue()
    processes = [
        context.Process(
            target=race, args=(backend.open_elsewhere, role, barrier, signing_in, results)
        )
        for role in ("activate", "oppose")
    ]
    for process in processes:
        process.start()
    outcomes: list[tuple[str, str, str, str]] = []
    try:
        while len(outcomes) < 2 * len(RACED):
            outcomes.append(results.get(timeout=180))
    except queue.Empty:
        pytest.fail(f"the processes did not all answer: {outcomes}")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    for nir in RACED:
        mine = sorted((role, what, message) for n, role, what, message in outcomes if n == nir)
        assert len(mine) == 2, mine
        assert sorted(what for _, what, _ in mine) == ["conflict", "won"], mine
        (winner,) = [role for role, what, _ in mine if what == "won"]
        (message,) = [message for _, what, message in mine if what == "conflict"]
        person = backend.service.get_person(backend.ticket(nir), nir)
        # One decision in the registry: the winner's, and nothing of the other.
        if winner == "activate":
            assert person.status is Status.ACTIVE
            assert person.identifier == identifier_of(nir)
            assert backend.service.login(identifier_of(nir), PASSWORD).person.nir == nir
        else:
            assert person.status is Status.OPPOSEE and person.identifier is None
            with pytest.raises(LoginFailed):
                backend.service.login(identifier_of(nir), PASSWORD)
        assert person.decided_on is not None
        # The loser was told, in French, the decision as it now stands.
        assert message == DecisionConflict(person.status.value, person.decided_on).message
        assert "Une décision a déjà été enregistrée" in message
