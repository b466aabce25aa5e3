"""The identifier and the password chosen at activation."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    Identifier,
    PasswordRule,
    check_password,
    first_message,
    normalize_identifier,
    password_problems,
)

IDENTIFIER = TypeAdapter(Identifier)
GOOD = "Tournesol#42"


def rejection(value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        IDENTIFIER.validate_python(value)
    return first_message(caught.value)


# --- Identifier ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jean.dupont", "jean.dupont"),
        ("Jean.Dupont_75", "jean.dupont_75"),
        ("JEAN-DUPONT", "jean-dupont"),
        ("  jdupont1  ", "jdupont1"),
        ("12345678", "12345678"),
        ("a" * 8, "a" * 8),
        ("a" * 100, "a" * 100),
    ],
)
def test_identifier_is_folded_to_lower_case(typed: str, expected: str) -> None:
    assert IDENTIFIER.validate_python(typed) == expected
    assert normalize_identifier(typed) == expected


@pytest.mark.parametrize("typed", ["a", "jdupont", "j.d"])
def test_identifier_too_short(typed: str) -> None:
    message = rejection(typed)
    assert "identifiant" in message
    assert "au moins 8 caractères" in message
    assert f"saisi {len(typed)}" in message


def test_identifier_too_long() -> None:
    message = rejection("a" * 101)
    assert "identifiant" in message
    assert "au plus 100 caractères" in message


@pytest.mark.parametrize(
    "typed",
    [
        "jean dupont",
        "jéan.dupont",
        "jean+dupont",
        "jean/dupont",
        "jean,dupont",
        "jeandupont!",
        "jean\u00a0dupont",
        "jeandupont\x00",
        "ｊｅａｎｄｕｐｏｎｔ",  # full-width letters
        "jean\u202edupont",  # right-to-left override
    ],
)
def test_identifier_characters(typed: str) -> None:
    message = rejection(typed)
    assert "identifiant" in message
    assert "lettres sans accent" in message
    assert "(.)" in message
    assert "(-)" in message
    assert "(_)" in message


@pytest.mark.parametrize("typed", ["jean.dupont@example.fr", "Jean.Dupont@Example.FR", "a@b"])
def test_identifier_cannot_be_an_email(typed: str) -> None:
    message = rejection(typed)
    assert "identifiant" in message
    assert "adresse e-mail" in message


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_identifier(value: object) -> None:
    assert rejection(value).startswith("Saisissez un identifiant")


def test_normalize_identifier_raises_pydantic_custom_error() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        normalize_identifier("court")
    assert caught.value.type == "identifier_short"


# --- Password checklist --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "missing"),
    [
        ("Ab1!xyz", PasswordRule.LENGTH),  # 7 characters
        ("Abcdefg1", PasswordRule.SPECIAL),
        ("Abcdef 1g", PasswordRule.SPECIAL),  # a space is not a special character
        ("Abcdefg!", PasswordRule.DIGIT),
        ("abcdefg1!", PasswordRule.UPPER),
        ("ABCDEFG1!", PasswordRule.LOWER),
    ],
)
def test_each_rule_is_reported_on_its_own(candidate: str, missing: PasswordRule) -> None:
    report = check_password(candidate)
    assert not report.ok
    assert report.unmet == [missing]
    assert report.met[missing] is False
    assert all(ok for rule, ok in report.met.items() if rule is not missing)


def test_a_password_meeting_every_rule() -> None:
    report = check_password(GOOD)
    assert report.ok
    assert report.unmet == []
    assert check_password("Ab1!5678").ok  # exactly 8 characters
    assert check_password("Élodie_2024").ok  # accented upper case counts


def test_empty_password_misses_every_rule_in_the_seed_order() -> None:
    report = check_password("")
    assert list(report.met) == [
        PasswordRule.LENGTH,
        PasswordRule.SPECIAL,
        PasswordRule.DIGIT,
        PasswordRule.UPPER,
        PasswordRule.LOWER,
    ]
    assert report.unmet == list(report.met)


def test_rule_labels_follow_the_seed_checklist() -> None:
    assert PasswordRule.LENGTH.label == "8 caractères minimum"
    assert PasswordRule.SPECIAL.label.startswith("1 caractère spécial")
    assert PasswordRule.DIGIT.label == "1 chiffre"
    assert PasswordRule.UPPER.label == "1 majuscule"
    assert PasswordRule.LOWER.label == "1 minuscule"


# --- Password problems ---------------------------------------------------------------------


def test_empty_password() -> None:
    assert password_problems("") == ["Saisissez un mot de passe."]
    assert password_problems("", "") == ["Saisissez un mot de passe."]


def test_unmet_rules_are_listed_in_one_message() -> None:
    problems = password_problems("abc")
    assert len(problems) == 1
    message = problems[0]
    assert "mot de passe" in message
    for label in ("8 caractères minimum", "1 caractère spécial", "1 chiffre", "1 majuscule"):
        assert label in message
    assert "1 minuscule" not in message


@pytest.mark.parametrize(
    ("password", "names"),
    [
        ("Helene#2024", ("Hélène", "Dupont")),
        ("hélène#2024A", ("Helene", "Dupont")),
        ("x#DUPONT2024a", ("Hélène", "Dupont")),
        ("Martin_99!a", ("Jean", "Dupont-Martin")),
        ("Neil!2024aa", ("Jean", "O'Neil")),
        ("Marie Claire1!", ("Marie-Claire", "Dupont")),
    ],
)
def test_password_containing_a_name(password: str, names: tuple[str, ...]) -> None:
    problems = password_problems(password, password, names=names)
    assert problems == ["Le mot de passe ne doit pas contenir votre nom ou votre prénom."]


def test_names_shorter_than_3_letters_are_ignored() -> None:
    assert password_problems("Lilou#2024", names=("Li", "Lo")) == []


@pytest.mark.parametrize(
    "password", ["Abc!07121985", "Abc!07/12/1985", "Abc!1985-12-07", "Abc!071285"]
)
def test_password_containing_the_birth_date(password: str) -> None:
    problems = password_problems(password, birth_date=date(1985, 12, 7))
    assert problems == ["Le mot de passe ne doit pas contenir votre date de naissance."]


def test_password_containing_the_identifier() -> None:
    problems = password_problems("Jean.Dupont#1", identifier="jean.dupont")
    assert problems == ["Le mot de passe ne doit pas contenir votre identifiant."]
    assert password_problems("JeanDupont#1", identifier="jean-dupont") == problems


def test_identifier_of_punctuation_only_does_not_match_every_password() -> None:
    # Regression: "--------" is a valid identifier; folded it is "", found in every password.
    assert normalize_identifier("--------") == "--------"
    assert password_problems(GOOD, identifier="--------") == []
    assert password_problems(GOOD, identifier="._._._._") == []


def test_mismatched_confirmation() -> None:
    problems = password_problems(GOOD, "Tournesol#43")
    assert problems == [
        "Les deux mots de passe ne sont pas identiques. Ressaisissez le même mot de passe."
    ]
    assert password_problems(GOOD, GOOD) == []
    assert password_problems(GOOD, None) == []  # not typed yet: not checked


def test_several_problems_are_all_reported() -> None:
    problems = password_problems(
        "dupont1985",
        "dupont",
        names=("Jean", "Dupont"),
        birth_date=date(1985, 12, 7),
        identifier="dupont1985",
    )
    assert len(problems) == 4
    assert "1 majuscule" in problems[0]
    assert "nom ou votre prénom" in problems[1]
    assert "identifiant" in problems[2]
    assert "pas identiques" in problems[3]


def test_a_good_password_has_no_problem() -> None:
    assert (
        password_problems(
            GOOD,
            GOOD,
            names=("Hélène", "Dupont"),
            birth_date=date(1985, 12, 7),
            identifier="helene.dupont",
        )
        == []
    )
