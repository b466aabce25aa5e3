"""Identifier, password, activation and sign-in."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from mes_tui.models import Status
from mes_tui.services import SimulatedService
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    AlreadyActive,
    IdentifierTaken,
    InvalidInput,
    LoginFailed,
    PasswordRejected,
    Slowed,
    TermsNotAccepted,
)
from mes_tui.texts import service as t
from mes_tui.texts import validation as vt
from tests.unit.conftest import MARTINE, db_bytes

GOOD_PASSWORD = "Tournesol#2024"


def test_free_identifier(service: SimulatedService) -> None:
    check = service.check_identifier(MARTINE, "  Martine.Leguellec ")
    assert check.identifier == "martine.leguellec"
    assert check.available
    assert check.suggestions == ()


def test_taken_identifier_comes_with_three_free_suggestions(service: SimulatedService) -> None:
    check = service.check_identifier(MARTINE, "lucas.petit")
    assert not check.available
    assert len(check.suggestions) == 3
    for suggestion in check.suggestions:
        assert suggestion.startswith("lucas.petit")
        assert service.check_identifier(MARTINE, suggestion).available


def test_suggestions_skip_the_taken_ones(service: SimulatedService) -> None:
    first = service.check_identifier(MARTINE, "lucas.petit").suggestions[0]
    service.activate(
        MARTINE,
        first,
        GOOD_PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    check = service.check_identifier(d.KARIM, "lucas.petit")
    assert first not in check.suggestions
    assert len(check.suggestions) == 3


def test_identifier_cannot_be_the_nir_or_an_email(service: SimulatedService) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.check_identifier(MARTINE, MARTINE)
    assert caught.value.field == "identifier"
    assert caught.value.message == t.IDENTIFIER_IS_NIR
    with pytest.raises(InvalidInput) as caught:
        service.check_identifier(MARTINE, "martine@atos.net")
    assert caught.value.message == vt.IDENTIFIER_EMAIL
    with pytest.raises(InvalidInput):
        service.check_identifier(MARTINE, "court")


def test_activate_records_credentials_and_status(service: SimulatedService) -> None:
    person = service.activate(
        MARTINE,
        "martine.leguellec",
        GOOD_PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    assert person.status is Status.ACTIVE
    assert person.decided_on == date(2021, 9, 28)
    assert person.identifier == "martine.leguellec"
    assert service.login("Martine.Leguellec", GOOD_PASSWORD).nir == MARTINE


def test_activate_needs_the_terms(service: SimulatedService) -> None:
    with pytest.raises(TermsNotAccepted):
        service.activate(
            MARTINE,
            "martine.leguellec",
            GOOD_PASSWORD,
            accepted_terms=False,
            expected=service.get_person(MARTINE).status,
        )


def test_activate_twice(service: SimulatedService) -> None:
    service.activate(
        MARTINE,
        "martine.leguellec",
        GOOD_PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    with pytest.raises(AlreadyActive):
        service.activate(
            MARTINE,
            "martine.leguellec2",
            GOOD_PASSWORD,
            accepted_terms=True,
            expected=service.get_person(MARTINE).status,
        )
    with pytest.raises(AlreadyActive):
        service.activate(
            d.LUCAS,
            "lucas.petit2",
            GOOD_PASSWORD,
            accepted_terms=True,
            expected=service.get_person(d.LUCAS).status,
        )


def test_activate_with_a_taken_identifier(service: SimulatedService) -> None:
    with pytest.raises(IdentifierTaken) as caught:
        service.activate(
            MARTINE,
            "lucas.petit",
            GOOD_PASSWORD,
            accepted_terms=True,
            expected=service.get_person(MARTINE).status,
        )
    assert len(caught.value.suggestions) == 3
    assert caught.value.suggestions[0] in caught.value.message
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Martine#2024", vt.PASSWORD_CONTAINS_NAME),
        ("Leguellec#24", vt.PASSWORD_CONTAINS_NAME),
        ("Julie!2024xx", vt.PASSWORD_CONTAINS_NAME),
        ("Ab#16061976", vt.PASSWORD_CONTAINS_BIRTH_DATE),
        ("Zz#19760616z", vt.PASSWORD_CONTAINS_BIRTH_DATE),
        ("Xmartine.leguellec1!", vt.PASSWORD_CONTAINS_IDENTIFIER),
    ],
)
def test_password_with_names_birth_date_or_identifier_is_rejected(
    service: SimulatedService, password: str, problem: str
) -> None:
    with pytest.raises(PasswordRejected) as caught:
        service.activate(
            MARTINE,
            "martine.leguellec",
            password,
            accepted_terms=True,
            expected=service.get_person(MARTINE).status,
        )
    assert problem in caught.value.problems
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE


def test_password_must_meet_the_checklist(service: SimulatedService) -> None:
    with pytest.raises(PasswordRejected) as caught:
        service.activate(
            MARTINE,
            "martine.leguellec",
            "tournesol",
            accepted_terms=True,
            expected=service.get_person(MARTINE).status,
        )
    assert caught.value.problems
    assert caught.value.message.startswith("Le mot de passe ne respecte pas encore")


def test_password_is_stored_as_argon2id_only(service: SimulatedService, data_dir: Path) -> None:
    service.activate(
        MARTINE,
        "martine.leguellec",
        GOOD_PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    stored = db_bytes(data_dir)
    assert GOOD_PASSWORD.encode() not in stored
    assert b"$argon2id$" in stored
    assert d.DEMO_PASSWORD.encode() not in stored


def test_demo_password_signs_in(service: SimulatedService) -> None:
    person = service.login("lucas.petit", d.DEMO_PASSWORD)
    assert person.first_name == "Lucas"
    assert person.status is Status.ACTIVE


def test_login_failures_are_generic(service: SimulatedService) -> None:
    messages = set()
    for identifier, password in [
        ("lucas.petit", "Mauvais#Mot2"),
        ("personne.inconnue", d.DEMO_PASSWORD),
        ("x", d.DEMO_PASSWORD),
    ]:
        with pytest.raises(LoginFailed) as caught:
            service.login(identifier, password)
        messages.add(caught.value.message)
    assert messages == {t.LOGIN_FAILED}


def test_login_failures_slow_the_identifier_down_but_never_lock_it(
    service: SimulatedService, clock: FakeClock, new_session: Callable[[], SimulatedService]
) -> None:
    service.login("lucas.petit", d.DEMO_PASSWORD)  # rehashed with cheap parameters: a faster test
    waits = []
    for _ in range(9):
        # A new session each time (another computer): only the identifier's count is met.
        with pytest.raises(LoginFailed) as caught:
            new_session().login("lucas.petit", "Mauvais#Mot2")
        waits.append(caught.value.wait_seconds)
        clock.advance(seconds=caught.value.wait_seconds or 0)
    assert waits == [None, None, None, 5, 10, 20, 40, 60, 60]
    assert caught.value.message == t.LOGIN_FAILED_WAIT.format(wait="1 minute")
    # Within the wait, even the right password waits; then it signs in.
    clock.advance(seconds=-30)
    with pytest.raises(Slowed) as slowed:
        new_session().login("lucas.petit", d.DEMO_PASSWORD)
    assert slowed.value.message == t.LOGIN_WAIT.format(wait="30 secondes")
    clock.advance(seconds=30)
    assert new_session().login("lucas.petit", d.DEMO_PASSWORD).first_name == "Lucas"
    # The owner proved themselves: the identifier's count starts again.
    with pytest.raises(LoginFailed) as caught:
        new_session().login("lucas.petit", "Mauvais#Mot2")
    assert caught.value.wait_seconds is None


def test_unknown_identifiers_are_slowed_down_too(
    service: SimulatedService, new_session: Callable[[], SimulatedService]
) -> None:
    """The wait does not reveal whether an identifier exists."""
    for _ in range(3):
        with pytest.raises(LoginFailed) as caught:
            new_session().login("personne.inconnue", "Mauvais#Mot2")
        assert caught.value.wait_seconds is None
    with pytest.raises(LoginFailed) as caught:
        new_session().login("personne.inconnue", "Mauvais#Mot2")
    assert caught.value.wait_seconds == 5
    with pytest.raises(Slowed):
        new_session().login("personne.inconnue", "Mauvais#Mot2")


def test_login_rehashes_with_the_current_parameters(
    service: SimulatedService, data_dir: Path
) -> None:
    def stored_hash() -> str:
        with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
            row = conn.execute("SELECT password_hash FROM people WHERE identifier = 'lucas.petit'")
            return str(row.fetchone()[0])

    # The demo hash uses argon2-cffi's defaults; this service uses cheap test parameters.
    assert stored_hash().startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    service.login("lucas.petit", d.DEMO_PASSWORD)
    assert stored_hash().startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert service.login("lucas.petit", d.DEMO_PASSWORD).first_name == "Lucas"
