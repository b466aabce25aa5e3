"""Bringing a session, an SSH client or an identifier to a given point of its count, for the
tests of every layer: strangers' NIRs, and what became of one attempt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from mes_tui.models import CardType, nir_key
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import Failed, Locked, ServiceError, Slowed
from mes_tui.services.simulated import SimulatedService

STRANGER_SERIAL = "123456789"
STRANGER_BIRTH = date(1985, 5, 1)


def strangers(count: int, first: int = 0) -> list[str]:
    """``count`` valid NIRs nobody in the demo registry has."""
    bodies = [f"1850575{n:03d}{n % 900 + 100:03d}" for n in range(first, first + count)]
    return [body + nir_key(body) for body in bodies]


def outcome(call: Callable[[], object]) -> tuple[str, float | None]:
    """What happened to one attempt: ("ok", None), ("failed", wait started or None),
    ("slowed", wait left) refused unchecked, ("locked", wait left), or another refusal."""
    try:
        call()
    except Failed as error:
        return "failed", error.wait_seconds
    except Slowed as error:
        return "slowed", error.remaining_seconds
    except Locked as error:
        return "locked", error.remaining_seconds
    except ServiceError as error:
        return type(error).__name__, None
    return "ok", None


def identify_stranger(service: SimulatedService, nir: str) -> Callable[[], object]:
    return lambda: service.identify("HuqZF3KXCz8k", nir, CardType.SANS_PHOTO, STRANGER_SERIAL)


def request_for_stranger(service: SimulatedService, nir: str) -> Callable[[], object]:
    return lambda: service.request_provisional_code(
        nir[:13], STRANGER_BIRTH, CardType.SANS_PHOTO, STRANGER_SERIAL
    )


def fail(attempts: list[Callable[[], object]]) -> list[tuple[str, float | None]]:
    """Each attempt at once, whatever it is told."""
    return [outcome(attempt) for attempt in attempts]


def fail_until_locked(attempts: list[Callable[[], object]], clock: FakeClock) -> int:
    """Each attempt once the wait before it is over, until one locks; how many it took."""
    for made, attempt in enumerate(attempts, start=1):
        kind, wait = outcome(attempt)
        if kind == "locked":
            return made
        clock.advance(seconds=wait or 0)
    raise AssertionError("never locked")


def sign_in(service: SimulatedService, identifier: str, password: str) -> Callable[[], object]:
    return lambda: service.login(identifier, password)
