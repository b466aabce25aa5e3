"""Dates of birth (JJ / MM / AAAA) and ages."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import (
    BirthDate,
    age_on,
    birth_date_from_parts,
    first_message,
    format_date,
    parse_birth_date,
)
from mes_tui.models.dates import check_birth_date

BIRTH = TypeAdapter(BirthDate)


def rejection(value: object) -> str:
    with pytest.raises(ValidationError) as caught:
        BIRTH.validate_python(value)
    return first_message(caught.value)


@pytest.mark.parametrize(
    "typed",
    [
        "07/12/1985",
        "7/12/1985",
        "07 12 1985",
        "07 / 12 / 1985",
        "07.12.1985",
        "07-12-1985",
        "07121985",
        "  07/12/1985  ",
        "1985-12-07",
        date(1985, 12, 7),
        datetime(1985, 12, 7),
        datetime(1985, 12, 7, 14, 30),
    ],
)
def test_accepted_forms(typed: object) -> None:
    assert BIRTH.validate_python(typed) == date(1985, 12, 7)


def test_datetime_becomes_a_date() -> None:
    # Regression: a datetime with a time of day gave pydantic's English message.
    parsed = parse_birth_date(datetime(1985, 12, 7, 14, 30))
    assert type(parsed) is date
    assert check_birth_date(parsed) == date(1985, 12, 7)


def test_boundaries() -> None:
    assert BIRTH.validate_python("01/01/1900") == date(1900, 1, 1)
    assert BIRTH.validate_python(date.today()) == date.today()
    assert BIRTH.validate_python("29/02/2000") == date(2000, 2, 29)


@pytest.mark.parametrize(
    "typed", ["31/02/2000", "29/02/2001", "00/12/1985", "07/13/1985", "2001-02-29"]
)
def test_dates_that_do_not_exist(typed: str) -> None:
    message = rejection(typed)
    assert "n'existe pas" in message
    assert "JJ/MM/AAAA" in message


def test_future_is_refused() -> None:
    tomorrow = date.today() + timedelta(days=1)
    message = rejection(format_date(tomorrow))
    assert "date de naissance" in message
    assert "futur" in message
    assert "futur" in rejection("01/01/2999")


@pytest.mark.parametrize("typed", ["31/12/1899", "01/01/1850", date(1899, 12, 31)])
def test_before_1900_is_refused(typed: object) -> None:
    message = rejection(typed)
    assert "date de naissance" in message
    assert "01/01/1900" in message


@pytest.mark.parametrize(
    "typed",
    [
        "07/12/85",
        "1985",
        "07/12",
        "le 7 décembre 1985",
        "07//12/1985",
        "1985/12/07",
        "07/12/19855",
        "a",
    ],
)
def test_wrong_format(typed: str) -> None:
    message = rejection(typed)
    assert "date de naissance" in message
    assert "JJ/MM/AAAA" in message


@pytest.mark.parametrize("value", ["", "   ", None, 19851207])
def test_empty(value: object) -> None:
    message = rejection(value)
    assert message.startswith("Saisissez la date de naissance")


def test_in_a_model_field() -> None:
    class Form(BaseModel):
        birth_date: BirthDate

    assert Form(birth_date="07/12/1985").birth_date == date(1985, 12, 7)
    with pytest.raises(ValidationError) as caught:
        Form(birth_date="31/02/2000")
    assert "n'existe pas" in first_message(caught.value)


def test_long_runs_of_spaces_do_not_freeze_the_parser() -> None:
    # Regression: the former pattern backtracked polynomially (32 s for 2,000 spaces).
    started = time.perf_counter()
    for typed in ("1" + " " * 5000 + "1" + " " * 5000 + "x", "07" + " " * 20000 + "/"):
        with pytest.raises(PydanticCustomError):
            parse_birth_date(typed)
    assert time.perf_counter() - started < 0.5


# --- From the three boxes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("07", "12", "1985"), ("7", "12", "1985"), (" 07 ", " 12 ", " 1985 ")],
)
def test_birth_date_from_parts(day: str, month: str, year: str) -> None:
    assert birth_date_from_parts(day, month, year) == date(1985, 12, 7)


@pytest.mark.parametrize(
    ("parts", "fragment"),
    [
        (("", "", ""), "Saisissez la date de naissance"),
        ((" ", " ", " "), "Saisissez la date de naissance"),
        (("07", "", "1985"), "JJ/MM/AAAA"),
        (("07", "12", "85"), "JJ/MM/AAAA"),
        (("07", "12", "01985"), "JJ/MM/AAAA"),
        (("7a", "12", "1985"), "JJ/MM/AAAA"),
        (("07", "déc", "1985"), "JJ/MM/AAAA"),
        (("31", "02", "2000"), "n'existe pas"),
        (("01", "01", "1899"), "01/01/1900"),
        (("01", "01", "2999"), "futur"),
    ],
)
def test_birth_date_from_parts_refusals(parts: tuple[str, str, str], fragment: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        birth_date_from_parts(*parts)
    assert fragment in caught.value.message()


def test_check_birth_date_takes_today() -> None:
    assert check_birth_date(date(2020, 1, 1), today=date(2020, 1, 1)) == date(2020, 1, 1)
    with pytest.raises(PydanticCustomError):
        check_birth_date(date(2020, 1, 2), today=date(2020, 1, 1))


def test_format_date() -> None:
    assert format_date(date(2021, 12, 7)) == "07/12/2021"
    assert format_date(date(1900, 1, 1)) == "01/01/1900"


# --- Age -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "today", "age"),
    [
        (date(2000, 5, 10), date(2018, 5, 9), 17),
        (date(2000, 5, 10), date(2018, 5, 10), 18),
        (date(2000, 5, 10), date(2018, 5, 11), 18),
        (date(2000, 5, 10), date(2018, 4, 30), 17),
        (date(2000, 5, 10), date(2018, 6, 1), 18),
        (date(2000, 12, 31), date(2018, 12, 30), 17),
        (date(2000, 12, 31), date(2018, 12, 31), 18),
        (date(2000, 1, 1), date(2018, 1, 1), 18),
        (date(2000, 1, 1), date(2017, 12, 31), 17),
        (date(2000, 5, 10), date(2000, 5, 10), 0),
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
    ],
)
def test_age_on(born: date, today: date, age: int) -> None:
    assert age_on(born, today) == age
