"""The views of a person and of the profiles attached to them."""

from __future__ import annotations

from datetime import date

from mes_tui.models import CardType, PersonView, ProfileView, Status


def person(first_name: str = "Martine Louise", last_name: str = "DUPONT") -> PersonView:
    return PersonView(
        nir="116304403801618",
        first_name=first_name,
        last_name=last_name,
        birth_date=date(1985, 12, 7),
        card_type=CardType.SANS_PHOTO,
        status=Status.EN_ATTENTE,
        decided_on=None,
        email="martine@example.fr",
        mobile=None,
    )


def test_person_names() -> None:
    martine = person()
    assert martine.greeting_name == "Martine"
    assert martine.display_name == "Martine Louise Dupont"
    assert martine.profiles == ()
    assert martine.identifier is None


def test_greeting_name_of_an_empty_first_name() -> None:
    assert person(first_name="").greeting_name == ""
    assert person(first_name="  ").greeting_name == "  "


def test_profile_names() -> None:
    child = ProfileView(
        nir="253072B07300470",
        first_name="Léa",
        last_name="MARTIN",
        birth_date=date(2015, 3, 1),
        status=Status.OPPOSEE,
        decided_on=date(2022, 2, 1),
        is_minor=True,
    )
    assert child.display_name == "Léa Martin"
    assert child.initials == "LM"


def test_status_values() -> None:
    assert {s.value for s in Status} == {"en_attente", "active", "opposee"}
