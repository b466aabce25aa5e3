"""Provisional codes (12 letters or digits) and one-time codes (6 digits)."""

from __future__ import annotations

import string

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    OtpCode,
    ProvisionalCode,
    first_message,
    new_otp,
    new_provisional_code,
    normalize_otp,
    normalize_provisional_code,
)

CODE = TypeAdapter(ProvisionalCode)
OTP = TypeAdapter(OtpCode)


def rejection(adapter: TypeAdapter[str], value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value)
    return first_message(caught.value)


# --- Provisional code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("HuqZF3KXCz8k", "HuqZF3KXCz8k"),
        ("  HuqZF3KXCz8k  ", "HuqZF3KXCz8k"),
        ("\tHuqZF3KXCz8k\n", "HuqZF3KXCz8k"),
        ("abcdefghijkl", "abcdefghijkl"),
        ("ABCDEFGHIJKL", "ABCDEFGHIJKL"),
        ("012345678901", "012345678901"),
    ],
)
def test_provisional_code_keeps_case_and_strips_surrounding_spaces(
    typed: str, expected: str
) -> None:
    assert CODE.validate_python(typed) == expected
    assert normalize_provisional_code(typed) == expected


def test_provisional_code_is_case_sensitive() -> None:
    assert CODE.validate_python("HuqZF3KXCz8k") != CODE.validate_python("huqzf3kxcz8k")


@pytest.mark.parametrize(
    ("typed", "count"),
    [
        ("HuqZF3KXCz8", 11),
        ("HuqZF3KXCz8kk", 13),
        ("HuqZF3KX-Cz8k", 13),
        ("HuqZ F3KX Cz8k", 14),  # spaces inside are not removed
        ("HuqZF3KXCz8!", 12),
        ("HuqZF3KXCz8.", 12),
        ("HuqZF3KXCz8é", 12),  # accented letter
        ("HuqZF3KXCzßk", 12),
        ("HuqZF3KXCz8１", 12),  # full-width digit
        ("HuqZF3KXCz8\u0661", 12),  # Arabic-Indic digit
        ("HuqZF3KXCz8\x00", 12),
    ],
)
def test_provisional_code_refuses_wrong_length_and_characters(typed: str, count: int) -> None:
    message = rejection(CODE, typed)
    assert "code provisoire" in message
    assert "12 lettres ou chiffres" in message
    assert f"saisi {count}" in message
    assert "HuqZF3KXCz8k" in message  # the example


@pytest.mark.parametrize("value", ["", "   ", None, 123456789012])
def test_empty_provisional_code(value: object) -> None:
    message = rejection(CODE, value)
    assert message.startswith("Saisissez le code provisoire")


def test_normalize_provisional_code_raises_pydantic_custom_error() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        normalize_provisional_code("short")
    assert caught.value.type == "code_format"


def test_new_provisional_code_is_always_valid() -> None:
    seen = set()
    for _ in range(300):
        code = new_provisional_code()
        assert CODE.validate_python(code) == code
        assert len(code) == 12
        assert any(c.isdigit() for c in code)
        assert any(c.islower() for c in code)
        assert any(c.isupper() for c in code)
        # Characters that are mistaken for one another on a letter are left out.
        assert not set(code) & set("0O1lI")
        assert set(code) <= set(string.ascii_letters + string.digits)
        seen.add(code)
    assert len(seen) == 300  # random, not a constant


# --- One-time code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("034567", "034567"),
        ("000000", "000000"),
        (" 034567 ", "034567"),
        ("034 567", "034567"),
    ],
)
def test_otp_keeps_leading_zero(typed: str, expected: str) -> None:
    assert OTP.validate_python(typed) == expected
    assert normalize_otp(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "03456",
        "0345678",
        "03456a",
        "O34567",
        "034-567",
        "０３４５６７",
        "\u0660\u0663\u0664\u0665\u0666\u0667",
    ],
)
def test_otp_refuses_other_than_6_digits(typed: str) -> None:
    message = rejection(OTP, typed)
    assert "code à usage unique" in message
    assert "6 chiffres" in message
    assert "034567" in message


@pytest.mark.parametrize("value", ["", "  ", None, 34567])
def test_empty_otp(value: object) -> None:
    assert rejection(OTP, value).startswith("Saisissez le code à usage unique")


def test_new_otp_is_6_ascii_digits() -> None:
    codes = [new_otp() for _ in range(500)]
    for code in codes:
        assert len(code) == 6
        assert code.isascii()
        assert code.isdigit()
        assert OTP.validate_python(code) == code
    assert len(set(codes)) > 400
