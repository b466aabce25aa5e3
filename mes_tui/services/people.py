"""People of the registry as the rules see them: found by NIR, shown with their profiles,
moved from one decision to another (optimistic: only from the status the deciding person saw),
and free identifiers suggested beside a taken one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pydantic_core import PydanticCustomError

from mes_tui.models import PersonView, ProfileView, Status, age_on, normalize_identifier
from mes_tui.services import rules, throttle
from mes_tui.services.api import Decision, IdentifierCheck
from mes_tui.services.errors import (
    AlreadyActive,
    DecisionConflict,
    NotAttached,
    ReceiptUnavailable,
    UnknownPerson,
)
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


def hold_receipt(
    tx: Transaction, person_id: int, token: str, decided_on: date, now: datetime
) -> datetime | None:
    """Hold the opposition receipt for a while under ``token``: None if held by us; else the
    end of another session's hold (``ReceiptUnavailable`` if it was saved meanwhile)."""
    if tx.claim_receipt(person_id, token, decided_on, now + rules.RECEIPT_CLAIM, now):
        return None
    found = tx.receipt_hold(person_id)
    if found is None or not found.available or found.claimed_until is None:
        raise ReceiptUnavailable()
    return found.claimed_until


def activation_target(
    tx: Transaction,
    nir: str,
    seen: Status,
    identifier: str,
    quotas: list[throttle.Quota],
    now: datetime,
    draw: Callable[[int], int],
) -> StoredPerson | list[str] | tuple[datetime, int]:
    """The person to activate with ``identifier``; else the free identifiers to offer instead
    (it is taken), or when the answers about identifiers refill (used up)."""
    person = require_person(tx, nir)
    if person.status is Status.ACTIVE:
        raise AlreadyActive()
    if person.status is not seen:  # decided meanwhile (another session opposed)
        raise DecisionConflict(person.status.value, person.decided_on)
    # A few answers more than the checks: who used them up can still validate.
    extra = rules.IDENTIFIER_ANSWERS_AT_ACTIVATION
    held = throttle.quota_hold(tx, quotas, now, extra)
    if held is not None:
        return held
    owner = tx.person_by_identifier(identifier)
    if owner is not None and owner.id != person.id:
        throttle.quota_use(tx, quotas, now, extra)  # "taken" is an answer too
        return suggest(tx, identifier, person, draw)
    return person


def record_activation(
    tx: Transaction, person_id: int, identifier: str, hashed: str, today: date, seen: Status
) -> PersonView | str:
    """Activate from ``seen`` only: the person's view, or "taken" (the identifier) or "active"
    (already); ``DecisionConflict`` if another decision was recorded meanwhile."""
    updated = tx.activate(person_id, identifier, hashed, today, seen)
    if updated is None:
        return "taken"
    if not updated:
        current = tx.person_by_id(person_id)
        if current.status is Status.ACTIVE:
            return "active"
        raise DecisionConflict(current.status.value, current.decided_on)
    return view(tx, tx.person_by_id(person_id), today)


def attached(tx: Transaction, holder_nir: str, profile_nir: str) -> StoredPerson:
    """The profile ``profile_nir`` attached to ``holder_nir`` (``NotAttached`` if it is not)."""
    holder = require_person(tx, holder_nir)
    profile = next((p for p in tx.profiles(holder.id) if p.nir == profile_nir), None)
    if profile is None:
        raise NotAttached()
    return profile


def identifier_answer(
    tx: Transaction,
    nir: str,
    identifier: str,
    quotas: list[throttle.Quota],
    now: datetime,
    draw: Callable[[int], int],
) -> IdentifierCheck | tuple[datetime, int]:
    """Whether ``identifier`` is free for ``nir``, or when the answers refill (used up)."""
    person = require_person(tx, nir)
    held = throttle.quota_hold(tx, quotas, now)
    if held is not None:
        return held
    # Every answer tells something about other people's identifiers: counted.
    throttle.quota_use(tx, quotas, now, rules.IDENTIFIER_ANSWERS_AT_ACTIVATION)
    owner = tx.person_by_identifier(identifier)
    if owner is None or owner.id == person.id:
        return IdentifierCheck(identifier=identifier, available=True)
    return IdentifierCheck(
        identifier=identifier,
        available=False,
        suggestions=tuple(suggest(tx, identifier, person, draw)),
    )


def login_started(
    tx: Transaction, identifier: str | None, paced: list[throttle.Paced], now: datetime
) -> throttle.Hold | tuple[StoredPerson | None, list[throttle.Counted]]:
    """The wait or lock a login attempt meets; else the attempt counted as a failure (taken
    back if the password is right) and who owns ``identifier``."""
    held = throttle.pace_hold(tx, paced, now)
    if held is not None:
        return held
    started = throttle.pace_fail(tx, paced, now)
    return (tx.person_by_identifier(identifier) if identifier else None), started
