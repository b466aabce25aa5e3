"""Decisions: opposing, closing, managing attached profiles, and two sessions deciding at once."""

from __future__ import annotations

import multiprocessing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from mes_tui.models import Status
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    CertificationRequired,
    DecisionConflict,
    InvalidInput,
    NotAttached,
    UnknownPerson,
)
from tests.simulation import admin
from tests.unit.conftest import MARTINE


def status_of(service: SimulatedService, nir: str) -> tuple[Status, date | None]:
    entry = next(e for e in admin(service).list_registry() if e.nir == nir)
    return entry.status, entry.decided_on


def test_oppose_is_dated_on_the_local_date(service: SimulatedService, clock: FakeClock) -> None:
    # 23:30 UTC on 28/09 is already 29/09 in Paris.
    clock.set(clock.now().replace(hour=23, minute=30))
    decision = service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    assert decision.status is Status.OPPOSEE
    assert decision.decided_on == date(2021, 9, 29)
    assert status_of(service, MARTINE) == (Status.OPPOSEE, date(2021, 9, 29))


def test_oppose_with_a_stale_status_is_a_conflict(service: SimulatedService) -> None:
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    with pytest.raises(DecisionConflict) as caught:
        service.oppose(MARTINE, expected=Status.ACTIVE)
    assert caught.value.status == "opposee"
    assert caught.value.decided_on == date(2021, 9, 28)
    assert "Profil opposé le 28/09/2021" in caught.value.message


def test_opposing_twice_changes_nothing(service: SimulatedService, clock: FakeClock) -> None:
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    clock.advance(days=3)
    again = service.oppose(MARTINE, expected=Status.OPPOSEE)
    assert again.decided_on == date(2021, 9, 28)


def test_changing_ones_mind_after_opposing(service: SimulatedService) -> None:
    person = service.activate(
        d.THOMAS,
        "thomas.lefebvre",
        "Grand-Large7",
        accepted_terms=True,
        expected=service.get_person(d.THOMAS).status,
    )
    assert person.status is Status.ACTIVE
    assert person.decided_on == date(2021, 9, 28)


def test_close_space_opposes_and_removes_the_credentials(service: SimulatedService) -> None:
    decision = service.close_space(d.LUCAS)
    assert decision.status is Status.OPPOSEE
    person = service.get_person(d.LUCAS)
    assert person.status is Status.OPPOSEE
    assert person.identifier is None
    with pytest.raises(DecisionConflict):
        service.close_space(d.LUCAS)


def test_close_space_of_a_pending_person_is_a_conflict(service: SimulatedService) -> None:
    with pytest.raises(DecisionConflict):
        service.close_space(MARTINE)


def test_decide_profile_for_an_adult(service: SimulatedService) -> None:
    decision = service.decide_profile(
        MARTINE, d.JEAN_JACQUES, Status.ACTIVE, expected=Status.EN_ATTENTE
    )
    assert decision == decision.__class__(d.JEAN_JACQUES, Status.ACTIVE, date(2021, 9, 28))
    profiles = {p.nir: p for p in service.get_person(MARTINE).profiles}
    assert profiles[d.JEAN_JACQUES].status is Status.ACTIVE


def test_a_minors_profile_needs_the_certification(service: SimulatedService) -> None:
    with pytest.raises(CertificationRequired):
        service.decide_profile(MARTINE, d.BRIGITTE, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    assert status_of(service, d.BRIGITTE) == (Status.EN_ATTENTE, None)
    decision = service.decide_profile(
        MARTINE,
        d.BRIGITTE,
        Status.OPPOSEE,
        expected=Status.EN_ATTENTE,
        certified_legal_representative=True,
    )
    assert decision.status is Status.OPPOSEE


def test_an_opposed_profile_can_be_activated(service: SimulatedService) -> None:
    decision = service.decide_profile(MARTINE, d.VIRGINIE, Status.ACTIVE, expected=Status.OPPOSEE)
    assert decision.status is Status.ACTIVE
    assert decision.decided_on == date(2021, 9, 28)


def test_stale_profile_decision_is_a_conflict(service: SimulatedService) -> None:
    with pytest.raises(DecisionConflict) as caught:
        service.decide_profile(MARTINE, d.VIRGINIE, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    assert caught.value.decided_on == date(2021, 12, 7)
    assert "07/12/2021" in caught.value.message


def test_only_attached_profiles(service: SimulatedService) -> None:
    with pytest.raises(NotAttached):
        service.decide_profile(MARTINE, d.KARIM, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    with pytest.raises(NotAttached):
        service.decide_profile(d.KARIM, d.GERARD, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    with pytest.raises(UnknownPerson):
        service.decide_profile(
            "2 55 12 55 555 555 47", d.GERARD, Status.OPPOSEE, expected=Status.EN_ATTENTE
        )


def test_pending_is_not_a_decision(service: SimulatedService) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.decide_profile(MARTINE, d.GERARD, Status.EN_ATTENTE, expected=Status.EN_ATTENTE)
    assert caught.value.field == "status"


# -- two processes at once ---------------------------------------------------------------------
RACED_PROFILES = (d.GERARD, d.JEAN_JACQUES, d.BRIGITTE)


def _decide_in_another_process(
    data_dir: str, start: str, status: str, barrier: Any, results: Any
) -> None:
    """Run in a spawned process: open the shared registry, then for each profile wait for the
    other process and decide at the same moment."""
    clock = FakeClock(datetime.fromisoformat(start))
    service = open_service(Path(data_dir), clock=clock)
    for profile in RACED_PROFILES:
        barrier.wait(timeout=30)
        try:
            decision = service.decide_profile(
                MARTINE,
                profile,
                Status(status),
                expected=Status.EN_ATTENTE,
                certified_legal_representative=True,
            )
            results.put((profile, "decided", decision.status.value))
        except DecisionConflict as conflict:
            results.put((profile, "conflict", conflict.status))
        except Exception as error:  # reported to the test rather than lost in the child
            results.put((profile, "error", repr(error)))


def test_two_processes_deciding_for_the_same_profile(
    service: SimulatedService, data_dir: Path, clock: FakeClock
) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [
        context.Process(
            target=_decide_in_another_process,
            args=(str(data_dir), clock.now().isoformat(), status, barrier, results),
        )
        for status in ("active", "opposee")
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in range(2 * len(RACED_PROFILES))]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    for profile in RACED_PROFILES:
        mine = [(kind, value) for nir, kind, value in outcomes if nir == profile]
        assert sorted(kind for kind, _ in mine) == ["conflict", "decided"], mine
        decided = next(value for kind, value in mine if kind == "decided")
        conflict = next(value for kind, value in mine if kind == "conflict")
        assert conflict == decided  # the loser is told what the winner recorded
        assert status_of(service, profile) == (Status(decided), date(2021, 9, 28))
