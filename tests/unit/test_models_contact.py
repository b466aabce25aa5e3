"""E-mail addresses and French mobile numbers."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    Email,
    MobilePhone,
    first_message,
    format_mobile,
    format_mobile_national,
    mask_email,
    mask_mobile,
    normalize_email,
    normalize_mobile,
)

EMAIL = TypeAdapter(Email)
MOBILE = TypeAdapter(MobilePhone)


def rejection(adapter: TypeAdapter[str], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    return first_message(caught.value)


# --- E-mail --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("dlfr-cn5-tma-support-cobra@atos.net", "dlfr-cn5-tma-support-cobra@atos.net"),
        ("  jean.dupont@example.fr  ", "jean.dupont@example.fr"),
        ("Jean.Dupont@EXAMPLE.FR", "Jean.Dupont@example.fr"),  # domain folded, local part kept
        ("jean+mes@sous.domaine.example.fr", "jean+mes@sous.domaine.example.fr"),
    ],
)
def test_email_is_normalized(typed: str, expected: str) -> None:
    assert EMAIL.validate_python(typed) == expected
    assert normalize_email(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "jean.dupont",
        "jean.dupont@",
        "@example.fr",
        "jean dupont@example.fr",
        "jean@@example.fr",
        "jean..dupont@example.fr",
        "jean@example",
        "jean@localhost",
        "jéan@example.fr",  # non-ASCII local part: not deliverable everywhere
        "a@âb.fr",  # non-ASCII domain: the same, and may look like another domain
        "jean@exаmple.fr",  # a Cyrillic "а" in the domain
        "Jean <jean@example.fr>",
        "jean@example.fr\x00",
    ],
)
def test_invalid_email(typed: str) -> None:
    message = rejection(EMAIL, typed)
    assert "adresse e-mail" in message
    assert "n'est pas valide" in message
    assert "nom@domaine.fr" in message


@pytest.mark.parametrize("value", ["", "  ", None])
def test_empty_email(value: object) -> None:
    assert rejection(EMAIL, value).startswith("Saisissez votre adresse e-mail")


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("dlfr-cn5-tma-support-cobra@atos.net", "dlf*****@atos.net"),
        ("jean.dupont@example.fr", "jea*****@example.fr"),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


def test_mask_email_hides_the_length_of_the_local_part() -> None:
    assert len(mask_email("abcd@x.fr")) == len(mask_email("abcdefghijklmnop@x.fr"))


# --- Mobile --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("06 11 12 13 14", "+33611121314"),
        ("0611121314", "+33611121314"),
        ("06.11.12.13.14", "+33611121314"),
        ("06-11-12-13-14", "+33611121314"),
        ("+33 6 63 78 19 70", "+33663781970"),
        ("+33663781970", "+33663781970"),
        ("+33 (0)6 63 78 19 70", "+33663781970"),
        ("0033 6 11 12 13 14", "+33611121314"),
        ("0033611121314", "+33611121314"),
        ("07 81 23 45 67", "+33781234567"),
        ("  06 11 12 13 14  ", "+33611121314"),
    ],
)
def test_mobile_is_normalized_to_e164(typed: str, expected: str) -> None:
    assert MOBILE.validate_python(typed) == expected
    assert normalize_mobile(typed) == expected


@pytest.mark.parametrize(
    "typed", ["01 23 45 67 89", "04 91 00 00 00", "09 70 00 00 00", "+33 1 23 45 67 89"]
)
def test_fixed_line_is_not_a_mobile(typed: str) -> None:
    message = rejection(MOBILE, typed)
    assert "pas un numéro de mobile" in message
    assert "06 ou 07" in message


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "06 11",
        "06 11 12 13 1",
        "06 11 12 13 14 15",
        "06 11 12 13 1a",
        "06 11 12 13 14 ext 2",
        "０６１１１２１３１４",  # full-width digits
        "06\u066011121314",
        "06 11 12 13 14\x00",
        "+",
        "00",
        "9" * 40,
    ],
)
def test_garbage_is_not_a_valid_mobile(typed: str) -> None:
    message = rejection(MOBILE, typed)
    assert "numéro de téléphone mobile" in message
    assert "n'est pas valide" in message
    assert "06 11 12 13 14" in message


@pytest.mark.parametrize("value", ["", "   ", None, 611121314])
def test_empty_mobile(value: object) -> None:
    assert rejection(MOBILE, value).startswith("Saisissez votre numéro de téléphone mobile")


def test_normalize_mobile_raises_pydantic_custom_error() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        normalize_mobile("01 23 45 67 89")
    assert caught.value.type == "mobile_not_mobile"


def test_format_mobile() -> None:
    assert format_mobile("+33663781970") == "+33 6 63 78 19 70"
    assert format_mobile("+33611121314") == "+33 6 11 12 13 14"


def test_format_mobile_national() -> None:
    assert format_mobile_national("+33611121314") == "06 11 12 13 14"
    assert format_mobile_national("+33663781970") == "06 63 78 19 70"


def test_formatted_mobile_validates_back_to_the_same_number() -> None:
    e164 = MOBILE.validate_python("06 63 78 19 70")
    assert MOBILE.validate_python(format_mobile(e164)) == e164
    assert MOBILE.validate_python(format_mobile_national(e164)) == e164


def test_mask_mobile_keeps_only_the_last_two_digits() -> None:
    assert mask_mobile("+33611121314") == "06 ** ** ** 14"
    assert mask_mobile("+33663781970") == "06 ** ** ** 70"
    assert "63" not in mask_mobile("+33663781970")


def test_non_french_numbers_are_not_formatted_as_french() -> None:
    assert format_mobile("+447911123456") == "+447911123456"
    assert format_mobile_national("+447911123456") == "+447911123456"
    assert mask_mobile("+447911123456") == "** ** ** ** **"
