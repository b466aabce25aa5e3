"""What the journey engine answers: where the person goes, or why they stay."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from mes_tui.journey import Branch, Step

T = TypeVar("T")


class Offer(StrEnum):
    """A way on that a front end offers beside correcting the form."""

    NEW_CODE = "new_code"
    """Ask for a new provisional code (the identification did not match)."""
    WELCOME = "welcome"
    """Go back to the welcome page."""


@dataclass(frozen=True)
class Go:
    """The person goes to ``step`` on ``branch``.

    ``fresh``: what came before cannot be undone (the person is identified, a decision was
    recorded): only the welcome page stays beneath, Escape does not come back. ``notice``: a
    sentence the next step shows first (a code was sent, a refusal that brought them there)."""

    step: Step
    branch: Branch
    fresh: bool = False
    notice: str | None = None


@dataclass(frozen=True)
class Refused:
    """The back office (or a rule of the journey) refused what was sent.

    ``field`` names the field the message goes next to (None: the whole form, read first);
    ``go`` is where the person is taken (None: they stay, with what they typed, to correct
    it); ``offers`` are the other ways on a front end proposes."""

    message: str
    field: str | None = None
    go: Go | None = None
    offers: tuple[Offer, ...] = ()
    suggestions: tuple[str, ...] = ()
    """Free identifiers to propose (a taken identifier)."""
    too_soon: bool = False
    """Nothing to correct: the same request came too soon after the previous one (a code asked
    for again while the last one is on its way); a front end may say so apart from errors."""
    gone: bool = False
    """What was asked can no longer be done, whatever is typed (a receipt already saved): a
    front end takes the action away."""


@dataclass(frozen=True)
class Done(Generic[T]):
    """The request was carried out and the person stays on the step: ``value`` is what to show
    (a code sent, an identifier that is free, the receipt saved)."""

    value: T


Outcome = Go | Refused
