"""The NIR (numéro de sécurité sociale): DOMAIN.md, "Identifiers and formats"."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    Nir,
    NirWithoutKey,
    first_message,
    format_nir,
    mask_nir,
    nir_key,
    normalize_nir,
    normalize_nir_without_key,
)

NIR = TypeAdapter(Nir)
NIR13 = TypeAdapter(NirWithoutKey)

SEED_NIR = "1 16 30 44 038 016 18"
SEED_HINT = "1 55 12 55 555 555 55"
# python-stdnum's own Corsican examples.
CORSICA_2B = "253072B07300470"
CORSICA_2A = "253072A07300443"


def rejection(adapter: TypeAdapter[str], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    return first_message(caught.value)


def assert_names_nir(message: str) -> None:
    assert "numéro de sécurité sociale" in message


# --- Accepted ------------------------------------------------------------------------------


def test_seed_nir_with_fictitious_month_30_is_valid() -> None:
    assert NIR.validate_python(SEED_NIR) == "116304403801618"


@pytest.mark.parametrize("month", ["20", "30", "42", "50", "99"])
def test_fictitious_months_are_not_refused(month: str) -> None:
    body = "185" + month + "75123456"
    assert len(body) == 13
    assert NIR.validate_python(body + nir_key(body)) == body + nir_key(body)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("116304403801618", "116304403801618"),
        ("1 16 30 44 038 016 18", "116304403801618"),
        ("1.16.30.44.038.016.18", "116304403801618"),
        ("1\u00a016\u00a030\u00a044\u00a0038\u00a0016\u00a018", "116304403801618"),
        ("1\u202f16\u202f30\u202f44\u202f038\u202f016\u202f18", "116304403801618"),
        ("  1 16 30 44 038 016 18  ", "116304403801618"),
        (CORSICA_2B, CORSICA_2B),
        (CORSICA_2A, CORSICA_2A),
        ("253072b07300470", CORSICA_2B),
        ("253072a07300443", CORSICA_2A),
        ("2 53 07 2b 073 004 70", CORSICA_2B),
        ("2.53.07.2a.073.004.43", CORSICA_2A),
    ],
)
def test_valid_nir_is_normalized_compact_and_upper_case(typed: str, expected: str) -> None:
    assert NIR.validate_python(typed) == expected
    assert normalize_nir(typed) == expected


def test_nir_validates_as_a_model_field_with_the_french_message() -> None:
    class Form(BaseModel):
        nir: Nir

    assert Form(nir=SEED_NIR).nir == "116304403801618"
    with pytest.raises(ValidationError) as caught:
        Form(nir=SEED_HINT)
    message = first_message(caught.value)
    assert not message.startswith("Value error")
    assert "clé" in message


# --- Refused -------------------------------------------------------------------------------


def test_seed_hint_is_a_format_example_with_a_wrong_key() -> None:
    message = rejection(NIR, SEED_HINT)
    assert_names_nir(message)
    assert "clé" in message
    assert nir_key("1551255555555") != "55"


@pytest.mark.parametrize("key", ["00", "17", "19", "98", "99"])
def test_wrong_key_is_refused(key: str) -> None:
    message = rejection(NIR, "1163044038016" + key)
    assert "clé" in message
    assert "2 derniers chiffres" in message


def test_corsica_with_the_other_department_letter_has_a_wrong_key() -> None:
    # Same digits, 2A instead of 2B: the key no longer matches.
    assert "clé" in rejection(NIR, "253072A07300470")


def test_thirteen_characters_are_refused_by_nir_with_a_message_saying_15() -> None:
    message = rejection(NIR, "1 16 30 44 038 016")
    assert_names_nir(message)
    assert "15 caractères" in message
    assert "13" in message  # what the person typed
    assert "1 55 12 55 555 555 55" in message  # the expected format


@pytest.mark.parametrize("typed", ["11630440380161", "1163044038016180"])
def test_other_lengths_are_refused_with_the_count(typed: str) -> None:
    message = rejection(NIR, typed)
    assert "15 caractères" in message
    assert f"saisi {len(typed)}" in message


@pytest.mark.parametrize(
    "typed",
    [
        "1A6304403801618",  # letter in the year
        "11630440380X618",  # letter in the order number
        "253072C07300470",  # 2C is no department
        "253071B07300470",  # B after a 1: not Corsica
        "25307B207300470",  # the letter first: not Corsica
        "1163044038016A8",  # letter in the key
        "116304403801618\u0661",  # Arabic-Indic digit
        "１１６３０４４０３８０１６１８",  # full-width digits
        "1-16-30-44-038-016-1B",
        "1 16 30 44 038 016 18\n",  # a new line is not a separator
    ],
)
def test_letters_outside_the_corsican_department_are_refused(typed: str) -> None:
    message = rejection(NIR, typed)
    assert_names_nir(message)
    assert "chiffres" in message
    assert "2A ou 2B" in message


def test_letter_in_the_key_is_a_character_problem_not_a_length_problem() -> None:
    # Regression: 15 characters were reported as "vous en avez saisi 15 ... compte 15".
    message = rejection(NIR, "1163044038016A8")
    assert "saisi 15" not in message
    assert "chiffres" in message


@pytest.mark.parametrize("first", ["0", "5", "6", "9"])
def test_bad_first_digit_is_refused(first: str) -> None:
    body = first + "163044038016"
    message = rejection(NIR, body + nir_key(body))
    assert_names_nir(message)
    assert "commence par 1 ou 2" in message


@pytest.mark.parametrize("first", ["1", "2", "3", "4", "7", "8"])
def test_accepted_first_digits(first: str) -> None:
    body = first + "163044038016"
    assert NIR.validate_python(body + nir_key(body)) == body + nir_key(body)


@pytest.mark.parametrize("typed", ["", "   ", " . . ", "\u00a0"])
def test_empty_nir_asks_for_it(typed: str) -> None:
    message = rejection(NIR, typed)
    assert message.startswith("Saisissez votre numéro de sécurité sociale")


@pytest.mark.parametrize("value", [None, 116304403801618, b"116304403801618", ["1"]])
def test_non_text_is_refused_with_a_french_message(value: object) -> None:
    assert_names_nir(rejection(NIR, value))


def test_normalize_nir_raises_pydantic_custom_error() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        normalize_nir(SEED_HINT)
    assert caught.value.type == "nir_key"


# --- Without the key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 55 12 55 555 555", "1551255555555"),
        ("1 16 30 44 038 016", "1163044038016"),
        ("1.16.30.44.038.016", "1163044038016"),
        ("2 53 07 2b 073 004", "253072B073004"),
        ("253072a073004", "253072A073004"),
    ],
)
def test_nir_without_key_accepts_13_characters(typed: str, expected: str) -> None:
    assert NIR13.validate_python(typed) == expected
    assert normalize_nir_without_key(typed) == expected


@pytest.mark.parametrize("typed", [SEED_NIR, "116304403801", "11630440380161"])
def test_nir_without_key_refuses_other_lengths(typed: str) -> None:
    message = rejection(NIR13, typed)
    assert "13 premiers caractères" in message
    assert "sans la clé" in message
    assert "1 55 12 55 555 555." in message


def test_nir_without_key_refuses_letters_and_bad_first_digit() -> None:
    assert "chiffres" in rejection(NIR13, "1A63044038016")
    assert "commence par 1 ou 2" in rejection(NIR13, "5163044038016")
    assert rejection(NIR13, "").startswith("Saisissez")


# --- Key, format, mask ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("1163044038016", "18"),
        ("253072B073004", "70"),
        ("253072A073004", "43"),
        ("253072b073004", "70"),  # lower case accepted
        ("1 16 30 44 038 016", "18"),  # separators accepted
        ("1551255555555", "97"),  # the key can be 97
    ],
)
def test_nir_key(body: str, key: str) -> None:
    assert nir_key(body) == key


def test_nir_key_plus_body_validates() -> None:
    for body in (
        "1163044038016",
        "253072B073004",
        "253072A073004",
        "2991299999999",
        "1000101001001",
    ):
        assert NIR.validate_python(body + nir_key(body)) == body + nir_key(body)


def test_format_nir() -> None:
    assert format_nir("116304403801618") == SEED_NIR
    assert format_nir("1163044038016") == "1 16 30 44 038 016"
    assert format_nir(CORSICA_2B) == "2 53 07 2B 073 004 70"
    assert NIR.validate_python(format_nir(CORSICA_2A)) == CORSICA_2A


def test_mask_nir_shows_only_sex_year_and_month() -> None:
    assert mask_nir("116304403801618") == "1 16 30 ** *** *** **"
    assert mask_nir("1163044038016") == "1 16 30 ** *** ***"
    masked = mask_nir(CORSICA_2B)
    assert masked == "2 53 07 ** *** *** **"
    assert "2B" not in masked
