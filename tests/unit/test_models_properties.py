"""Properties of every normaliser, on arbitrary text.

* Whatever is typed or pasted, a normaliser either returns a value or raises
  ``PydanticCustomError`` (``ValidationError`` through pydantic) with one of the French
  messages of ``mes_tui.texts.validation``: never another exception, never an English message.
* Normalising is idempotent: the output, normalised again, is unchanged.
* NIR keys: any body plus ``nir_key`` validates, and any other key does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    BirthDate,
    CardType,
    Email,
    Identifier,
    MobilePhone,
    Nir,
    NirWithoutKey,
    OtpCode,
    ProvisionalCode,
    VitaleSerial,
    birth_date_from_parts,
    check_password,
    first_message,
    format_date,
    format_mobile,
    format_mobile_national,
    format_nir,
    mask_email,
    mask_mobile,
    mask_nir,
    nir_key,
    normalize_email,
    normalize_identifier,
    normalize_mobile,
    normalize_nir,
    normalize_nir_without_key,
    normalize_otp,
    normalize_provisional_code,
    normalize_serial,
    parse_birth_date,
    password_problems,
)
from mes_tui.models.dates import check_birth_date
from mes_tui.texts import validation as texts

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _pattern(template: str) -> str:
    pattern = re.escape(template)
    return pattern.replace(r"\{count\}", r"\d+").replace(r"\{rules\}", r".+")


KNOWN_MESSAGES = re.compile(
    "|".join(
        f"(?:{_pattern(value)})"
        for name, value in vars(texts).items()
        if name.isupper() and isinstance(value, str)
    ),
    re.DOTALL,
)


def assert_french(message: str) -> None:
    assert KNOWN_MESSAGES.fullmatch(message), message


# --- Arbitrary text ------------------------------------------------------------------------

NASTY = [
    "\x00", "\x07", "\x1b", "\x7f", "\t", "\n", "\r", "\x0b", "\x0c",
    "\u202e", "\u202d", "\u200f", "\u200b", "\u2066", "\ufeff", "\ufffd",
    "\u00a0", "\u202f", "\u3000", "\u2028",
    "😀", "👩\u200d⚕️", "🇫🇷", "é", "e\u0301", "ß", "İ", "K", "ﬁ",
    "\u0661", "١", "１", "Ａ", "²", "½", "Ⅻ",
    " ", ".", "-", "/", "+", "@", "(", ")", "_", "'", "{", "}", "%", "{count}",
]  # fmt: skip
PLAUSIBLE = list("0123456789") + list("ABab2AB") + list(" .-/+@")

arbitrary_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(NASTY + PLAUSIBLE), max_size=40).map("".join),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Nd", "So", "Mn"])),
    # Very long pastes.
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=6), st.integers(500, 4000)),
    st.builds(
        lambda a, b, c: a + " " * 3000 + b + " " * 3000 + c,
        st.text(max_size=3),
        st.text(max_size=3),
        st.text(max_size=3),
    ),
)

Normalizer = Callable[[object], Any]

NORMALIZERS: dict[str, tuple[Normalizer, Any]] = {
    "nir": (normalize_nir, Nir),
    "nir13": (normalize_nir_without_key, NirWithoutKey),
    "provisional_code": (normalize_provisional_code, ProvisionalCode),
    "otp": (normalize_otp, OtpCode),
    "email": (normalize_email, Email),
    "mobile": (normalize_mobile, MobilePhone),
    "identifier": (normalize_identifier, Identifier),
    "birth_date": (parse_birth_date, BirthDate),
}
ADAPTERS = {name: TypeAdapter(kind) for name, (_, kind) in NORMALIZERS.items()}


@pytest.mark.parametrize("name", list(NORMALIZERS))
@PROPERTY
@given(text=arbitrary_text)
def test_type_adapter_only_raises_validation_error_in_french(name: str, text: str) -> None:
    adapter = ADAPTERS[name]
    try:
        value = adapter.validate_python(text)
    except ValidationError as error:
        assert_french(first_message(error))
        return
    # Idempotent: the normalised value goes through unchanged.
    assert adapter.validate_python(value) == value


@pytest.mark.parametrize("name", list(NORMALIZERS))
@PROPERTY
@given(text=arbitrary_text)
def test_normalizer_only_raises_pydantic_custom_error(name: str, text: str) -> None:
    normalize, _ = NORMALIZERS[name]
    try:
        value = normalize(text)
    except PydanticCustomError as error:
        assert_french(error.message())
        return
    assert normalize(value) == value


@PROPERTY
@given(
    card_type=st.sampled_from(list(CardType)),
    text=arbitrary_text,
    nir=st.one_of(st.none(), arbitrary_text),
)
def test_vitale_serial_only_raises_validation_error_in_french(
    card_type: CardType, text: str, nir: str | None
) -> None:
    try:
        card = VitaleSerial.model_validate(
            {"card_type": card_type, "number": text}, context={"nir": nir}
        )
    except ValidationError as error:
        assert_french(first_message(error))
        return
    assert normalize_serial(card.number, card_type, nir) == card.number
    assert card.printed.endswith(card.number)


@PROPERTY
@given(day=arbitrary_text, month=arbitrary_text, year=arbitrary_text)
def test_birth_date_from_parts_only_raises_pydantic_custom_error(
    day: str, month: str, year: str
) -> None:
    try:
        born = birth_date_from_parts(day, month, year)
    except PydanticCustomError as error:
        assert_french(error.message())
        return
    assert parse_birth_date(format_date(born)) == born


@PROPERTY
@given(
    password=arbitrary_text,
    confirmation=st.one_of(st.none(), arbitrary_text),
    names=st.lists(arbitrary_text, max_size=3),
    identifier=st.one_of(st.none(), arbitrary_text),
    born=st.one_of(st.none(), st.dates()),
)
def test_password_checks_never_raise(
    password: str,
    confirmation: str | None,
    names: list[str],
    identifier: str | None,
    born: date | None,
) -> None:
    report = check_password(password)
    problems = password_problems(
        password, confirmation, names=tuple(names), birth_date=born, identifier=identifier
    )
    assert set(report.unmet) <= set(report.met)
    for message in problems:
        assert_french(message)
    if not password:
        assert problems == [texts.PASSWORD_EMPTY]
    elif report.ok:
        assert not any(m.startswith("Le mot de passe ne respecte pas") for m in problems)
        if confirmation in (None, password) and not names and born is None and not identifier:
            assert problems == []
    else:
        for rule in report.unmet:
            assert rule.label in problems[0]
    if password and confirmation is not None and confirmation != password:
        assert problems[-1] == texts.PASSWORD_MISMATCH


# --- Valid inputs in many spellings: normalise, then normalise again -----------------------

# The 13 characters before the key: a first digit the service accepts, the year and month,
# the department (2 digits or 2A/2B for Corsica), then 6 digits.
nir_bodies = st.builds(
    lambda first, year_month, dept, rest: first + year_month + dept + rest,
    st.sampled_from("123478"),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
    st.one_of(st.from_regex(r"[0-9]{2}", fullmatch=True), st.sampled_from(["2A", "2B"])),
    st.from_regex(r"[0-9]{6}", fullmatch=True),
)
separators = st.sampled_from(["", " ", ".", "\u00a0", "\u202f", "\t", " . "])


@st.composite
def spelled(draw: st.DrawFn, compact: str) -> str:
    """``compact`` as a person might type it: separators between characters, any case."""
    out = []
    for ch in compact:
        out.append(draw(separators))
        out.append(ch.lower() if draw(st.booleans()) else ch)
    out.append(draw(separators))
    return "".join(out)


@PROPERTY
@given(data=st.data(), body=nir_bodies)
def test_any_body_plus_its_key_is_a_valid_nir(data: st.DataObject, body: str) -> None:
    key = nir_key(body)
    assert len(key) == 2
    assert 1 <= int(key) <= 97
    nir = body + key
    typed = data.draw(spelled(nir))
    assert normalize_nir(typed) == nir
    assert normalize_nir(nir) == nir
    assert TypeAdapter(Nir).validate_python(format_nir(nir)) == nir
    assert normalize_nir_without_key(data.draw(spelled(body))) == body
    assert nir_key(data.draw(spelled(body))) == key
    # The mask keeps the length of the display and none of the characters after the month.
    masked = mask_nir(nir)
    assert len(masked) == len(format_nir(nir))
    assert masked.startswith(format_nir(nir)[:7])
    assert set(masked[7:]) <= {" ", "*"}


@PROPERTY
@given(body=nir_bodies, other=st.integers(0, 99))
def test_any_other_key_is_refused(body: str, other: int) -> None:
    assume(f"{other:02d}" != nir_key(body))
    with pytest.raises(PydanticCustomError) as caught:
        normalize_nir(body + f"{other:02d}")
    assert caught.value.type == "nir_key"


@PROPERTY
@given(body=nir_bodies, position=st.integers(0, 14), digit=st.sampled_from("0123456789"))
def test_changing_one_digit_is_detected(body: str, position: int, digit: str) -> None:
    nir = body + nir_key(body)
    assume(nir[position] != digit and nir[position] not in "AB")
    changed = nir[:position] + digit + nir[position + 1 :]
    with pytest.raises(PydanticCustomError):
        normalize_nir(changed)


@PROPERTY
@given(
    data=st.data(),
    code=st.from_regex(r"[A-Za-z0-9]{12}", fullmatch=True),
    pad=st.tuples(st.sampled_from(["", " ", "\t", "\n "]), st.sampled_from(["", " ", "\n"])),
)
def test_provisional_code_round_trip(data: st.DataObject, code: str, pad: tuple[str, str]) -> None:
    assert normalize_provisional_code(pad[0] + code + pad[1]) == code


@PROPERTY
@given(data=st.data(), code=st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_otp_round_trip(data: st.DataObject, code: str) -> None:
    typed = data.draw(st.sampled_from([code, f" {code} ", f"{code[:3]} {code[3:]}"]))
    assert normalize_otp(typed) == code


@PROPERTY
@given(
    data=st.data(),
    card_type=st.sampled_from(list(CardType)),
    digits=st.from_regex(r"[0-9]{8,13}", fullmatch=True),
)
def test_serial_round_trip(data: st.DataObject, card_type: CardType, digits: str) -> None:
    typed = data.draw(spelled(digits))
    try:
        number = normalize_serial(typed, card_type)
    except PydanticCustomError as error:
        # Only a length that does not fit this model, or a date, is refused.
        assert error.type in {"serial_length", "serial_date"}
        assert card_type is CardType.AVEC_PHOTO or len(digits) == 8
        return
    assert number == digits
    assert normalize_serial(number, card_type) == number
    if card_type is CardType.AVEC_PHOTO:
        assert len(number) == 11
        assert VitaleSerial(card_type=card_type, number=typed).printed == "8025000002" + digits


@PROPERTY
@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date.today()),
    style=st.sampled_from(["%d/%m/%Y", "%d %m %Y", "%d.%m.%Y", "%d-%m-%Y", "%d%m%Y", "%Y-%m-%d"]),
)
def test_birth_date_round_trip(born: date, style: str) -> None:
    assert parse_birth_date(born.strftime(style)) == born
    assert TypeAdapter(BirthDate).validate_python(born.strftime(style)) == born
    assert parse_birth_date(format_date(born)) == born
    assert birth_date_from_parts(*format_date(born).split("/")) == born


# Fixed once: the examples are drawn from it, so "today" must not move under them when a run
# crosses midnight.
TODAY = date.today()


@PROPERTY
@given(born=st.dates(max_value=date(1899, 12, 31)) | st.dates(min_value=TODAY))
def test_birth_dates_outside_the_range_are_refused(born: date) -> None:
    assume(born != TODAY)
    with pytest.raises(PydanticCustomError) as caught:
        check_birth_date(born, today=TODAY)
    assert caught.value.type in {"birth_date_future", "birth_date_too_old"}


@PROPERTY
@given(email=st.emails())
def test_email_round_trip(email: str) -> None:
    try:
        normalized = normalize_email(email)
    except PydanticCustomError as error:
        assert_french(error.message())
        return
    assert normalize_email(normalized) == normalized
    assert normalize_email(f"  {normalized}  ") == normalized
    masked = mask_email(normalized)
    assert masked.endswith("@" + normalized.rpartition("@")[2])
    assert "*****" in masked


@PROPERTY
@given(
    data=st.data(),
    prefix=st.sampled_from(["06", "07"]),
    rest=st.from_regex(r"[0-9]{8}", fullmatch=True),
)
def test_mobile_round_trip(data: st.DataObject, prefix: str, rest: str) -> None:
    national = prefix + rest
    spellings = [
        national,
        " ".join(national[i : i + 2] for i in range(0, 10, 2)),
        "+33" + national[1:],
        "+33 " + national[1:],
        "0033" + national[1:],
        ".".join(national[i : i + 2] for i in range(0, 10, 2)),
    ]
    typed = data.draw(st.sampled_from(spellings))
    try:
        e164 = normalize_mobile(typed)
    except PydanticCustomError as error:
        # Some 07 ranges are not allocated yet.
        assert error.type == "mobile_invalid"
        return
    assert e164 == "+33" + national[1:]
    assert normalize_mobile(e164) == e164
    assert normalize_mobile(format_mobile(e164)) == e164
    assert normalize_mobile(format_mobile_national(e164)) == e164
    assert format_mobile_national(e164).replace(" ", "") == national
    assert mask_mobile(e164) == f"{prefix} ** ** ** {national[-2:]}"


@PROPERTY
@given(identifier=st.from_regex(r"[0-9a-zA-Z._-]{8,100}", fullmatch=True))
def test_identifier_round_trip(identifier: str) -> None:
    normalized = normalize_identifier(identifier)
    assert normalized == identifier.lower()
    assert normalize_identifier(normalized) == normalized
    assert normalize_identifier(normalized.upper()) == normalized
