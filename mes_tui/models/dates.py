"""Dates of birth, typed as JJ / MM / AAAA."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

from mes_tui.models._errors import reject
from mes_tui.texts import validation as t

# Day, month, year, separated by spaces and at most one "/", "." or "-" each. Written so that
# a run of spaces can be matched one way only: the former ``\s*[/. -]?\s*`` backtracked in
# polynomial time, and a pasted line of spaces froze the screen for seconds.
_DATE = re.compile(r"(\d{1,2})\s*(?:[/.-]\s*)?(\d{1,2})\s*(?:[/.-]\s*)?(\d{4})", re.ASCII)
_EARLIEST = date(1900, 1, 1)


def parse_birth_date(value: object) -> date:
    """Accept a ``date``, ``JJ/MM/AAAA`` (or with spaces, dots, dashes), or ISO ``AAAA-MM-JJ``."""
    if isinstance(value, datetime):
        # A datetime is a date too, but cannot be compared with one: keep the day only.
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        reject("birth_date_empty", t.BIRTH_DATE_EMPTY)
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        year, month, day = (int(x) for x in text.split("-"))
    else:
        match = _DATE.fullmatch(text)
        if match is None:
            reject("birth_date_format", t.BIRTH_DATE_FORMAT)
        day, month, year = (int(x) for x in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        reject("birth_date_invalid", t.BIRTH_DATE_INVALID)


def birth_date_from_parts(day: str, month: str, year: str) -> date:
    """The date from the three boxes JJ, MM, AAAA of the form."""
    if not (day.strip() or month.strip() or year.strip()):
        reject("birth_date_empty", t.BIRTH_DATE_EMPTY)
    if not (day.strip().isdigit() and month.strip().isdigit() and year.strip().isdigit()):
        reject("birth_date_format", t.BIRTH_DATE_FORMAT)
    if len(year.strip()) != 4:
        reject("birth_date_format", t.BIRTH_DATE_FORMAT)
    return check_birth_date(parse_birth_date(f"{day.strip()}/{month.strip()}/{year.strip()}"))


def check_birth_date(value: date, today: date | None = None) -> date:
    """Refuse dates in the future or before 1900."""
    if value > (today or date.today()):
        reject("birth_date_future", t.BIRTH_DATE_FUTURE)
    if value < _EARLIEST:
        reject("birth_date_too_old", t.BIRTH_DATE_TOO_OLD)
    return value


def _check_today(value: date) -> date:
    return check_birth_date(value)


BirthDate = Annotated[date, BeforeValidator(parse_birth_date), AfterValidator(_check_today)]


def format_date(value: date) -> str:
    """``date(2021, 12, 7)`` → ``07/12/2021``."""
    return value.strftime("%d/%m/%Y")
