"""People in the registry and the profiles attached to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from mes_tui.models.vitale import CardType


class Status(StrEnum):
    """Where a profile stands with Mon espace santé."""

    EN_ATTENTE = "en_attente"
    ACTIVE = "active"
    OPPOSEE = "opposee"


class Channel(StrEnum):
    """How the simulated back office reaches a person."""

    EMAIL = "email"
    SMS = "sms"
    COURRIER = "courrier"


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on ``today``."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


@dataclass(frozen=True)
class ProfileView:
    """An attached profile (ayant droit) as the holder sees it."""

    nir: str
    first_name: str
    last_name: str
    birth_date: date
    status: Status
    decided_on: date | None
    is_minor: bool

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.title()}"

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.last_name[:1]).upper()


@dataclass(frozen=True)
class PersonView:
    """What the interface may know of an identified person."""

    nir: str
    first_name: str
    last_name: str
    birth_date: date
    card_type: CardType
    status: Status
    decided_on: date | None
    email: str | None
    mobile: str | None
    identifier: str | None = None
    profiles: tuple[ProfileView, ...] = field(default=())

    @property
    def greeting_name(self) -> str:
        """The first of the first names, as in "Bonjour Martine !"."""
        return self.first_name.split()[0] if self.first_name.split() else self.first_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name.title()}"
