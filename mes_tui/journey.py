"""The journeys: which steps, in which order, and where the person stands.

Written once, free of any interface: the full-screen app and the plain mode both follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mes_tui.models import CardType, PersonView
    from mes_tui.services.api import OutboxMessage, Ticket


class Step(StrEnum):
    WELCOME = "welcome"
    IDENTIFY = "identify"
    NEW_CODE = "new_code"
    CODE_DELIVERY = "code_delivery"
    DECISION = "decision"
    CONTACTS = "contacts"
    CREDENTIALS = "credentials"
    ACTIVATED = "activated"
    OPPOSE_CONFIRM = "oppose_confirm"
    OPPOSED = "opposed"
    HOME = "home"
    LOGIN = "login"


class Branch(StrEnum):
    """The journey the person is on; the decision step chooses between the first two."""

    ACTIVATION = "activation"
    OPPOSITION = "opposition"
    NEW_CODE = "new_code"


TITLES: dict[Step, str] = {
    Step.WELCOME: "Mon espace santé",
    Step.IDENTIFY: "Je m'identifie",
    Step.NEW_CODE: "Je génère un nouveau code provisoire",
    Step.CODE_DELIVERY: "Envoi du code provisoire",
    Step.DECISION: "Je prends ma décision",
    Step.CONTACTS: "Je vérifie mes coordonnées de contact",
    Step.CREDENTIALS: "Je choisis mon identifiant et mon mot de passe",
    Step.ACTIVATED: "Mon espace santé a bien été activé !",
    Step.OPPOSE_CONFIRM: "Je valide l'opposition à la création de Mon espace santé",
    Step.OPPOSED: "Ma décision a bien été prise en compte",
    Step.HOME: "Mon espace santé",
    Step.LOGIN: "Me connecter",
}

JOURNEY_NAMES: dict[Branch, str] = {
    Branch.ACTIVATION: "Activation",
    Branch.OPPOSITION: "Opposition",
    Branch.NEW_CODE: "Nouveau code provisoire",
}

ORDER: dict[Branch, tuple[Step, ...]] = {
    Branch.ACTIVATION: (
        Step.IDENTIFY,
        Step.DECISION,
        Step.CONTACTS,
        Step.CREDENTIALS,
        Step.ACTIVATED,
    ),
    Branch.OPPOSITION: (Step.IDENTIFY, Step.DECISION, Step.OPPOSE_CONFIRM, Step.OPPOSED),
    Branch.NEW_CODE: (Step.NEW_CODE, Step.CODE_DELIVERY),
}


def position(step: Step, branch: Branch) -> tuple[int, int] | None:
    """(N, M) for "Étape N sur M", or None for a step outside the branch."""
    steps = ORDER[branch]
    if step not in steps:
        return None
    return steps.index(step) + 1, len(steps)


def next_step(step: Step, branch: Branch) -> Step | None:
    """The step after ``step`` on ``branch``; None at the end."""
    steps = ORDER[branch]
    i = steps.index(step)
    return steps[i + 1] if i + 1 < len(steps) else None


def previous_step(step: Step, branch: Branch) -> Step | None:
    steps = ORDER[branch]
    i = steps.index(step)
    return steps[i - 1] if i > 0 else None


@dataclass
class Session:
    """What the journey knows about the person being served; wiped for the next person."""

    branch: Branch = Branch.ACTIVATION
    person: PersonView | None = None
    ticket: Ticket | None = field(default=None, repr=False)
    """What the back office handed on identification or sign-in, for every call about the
    person; never shown, nor in this object's ``repr``."""
    card_type: CardType | None = None
    accepted_terms: bool = False
    identifier: str | None = None
    notice: str | None = None
    """A confirmation to show on the next screen (e.g. "code sent")."""
    messages: list[OutboxMessage] = field(default_factory=list)
    """Simulated deliveries made for this person, newest last."""
    came_from: Step | None = None
    """The step a new-code request was asked from (the identification), where going back out
    of it returns; None when it was asked from the welcome page."""

    def wipe(self) -> None:
        """Forget everything about the person."""
        fresh = Session()
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(fresh, name))
