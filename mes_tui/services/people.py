"""People of the registry as the rules see them: found by NIR, shown with their profiles,
moved from one decision to another (optimistic: only from the status the deciding person saw),
and free identifiers suggested beside a taken one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic_core import PydanticCustomError

from mes_tui.models import PersonView, ProfileView, Status, age_on, normalize_identifier
from mes_tui.services import rules
from mes_tui.services.api import Decision
from mes_tui.services.errors import DecisionConflict, UnknownPerson
from mes_tui.services.importing import carries_nir
from mes_tui.services.repository import StoredPerson, Transaction


def require_person(tx: Transaction, nir: str) -> StoredPerson:
    person = tx.person_by_nir(nir)
    if person is None:
        raise UnknownPerson()
    return person


def view(tx: Transaction, person: StoredPerson, today: date) -> PersonView:
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
            for profile in tx.profiles(person.id)
        ),
    )


def transition(
    tx: Transaction, person: StoredPerson, status: Status, expected: Status, today: date
) -> Decision:
    """Move ``person`` from ``expected`` to ``status``, or raise ``DecisionConflict`` if their
    status is no longer the one the deciding person saw."""
    if person.status is not expected:
        raise DecisionConflict(person.status.value, person.decided_on)
    if status is expected:
        # Nothing to change: the decision already stands (a repeated request, say).
        return Decision(nir=person.nir, status=status, decided_on=person.decided_on or today)
    # An opposition closes the space (its credentials go with it) and its receipt can be saved.
    opposing = status is Status.OPPOSEE
    if not tx.record_decision(person.id, status, expected, today, opposing=opposing):
        current = tx.person_by_id(person.id)
        raise DecisionConflict(current.status.value, current.decided_on)
    return Decision(nir=person.nir, status=status, decided_on=today)


def suggest(
    tx: Transaction, base: str, person: StoredPerson, draw: Callable[[int], int]
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
    taken = tx.taken_identifiers(candidates)
    return [candidate for candidate in candidates if candidate not in taken][: rules.SUGGESTIONS]
