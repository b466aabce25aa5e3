"""The identifier and the password chosen at activation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator

from mes_tui.formats import IDENTIFIER_MAX
from mes_tui.models._errors import reject
from mes_tui.texts import validation as t

IDENTIFIER_MIN = 8
_IDENTIFIER_CHARS = re.compile(r"^[0-9a-z._-]+$")


def normalize_identifier(value: object) -> str:
    """Validate an identifier; letters are folded to lower case, as the service compares them so."""
    if not isinstance(value, str) or not value.strip():
        reject("identifier_empty", t.IDENTIFIER_EMPTY)
    ident = value.strip().lower()
    if "@" in ident:
        reject("identifier_email", t.IDENTIFIER_EMAIL)
    if not _IDENTIFIER_CHARS.match(ident):
        reject("identifier_chars", t.IDENTIFIER_CHARS)
    if len(ident) < IDENTIFIER_MIN:
        reject("identifier_short", t.IDENTIFIER_SHORT, count=len(ident))
    if len(ident) > IDENTIFIER_MAX:
        reject("identifier_long", t.IDENTIFIER_LONG)
    return ident


Identifier = Annotated[str, BeforeValidator(normalize_identifier)]


class PasswordRule(StrEnum):
    """The five rules of the seed's checklist, in its order."""

    LENGTH = "length"
    SPECIAL = "special"
    DIGIT = "digit"
    UPPER = "upper"
    LOWER = "lower"

    @property
    def label(self) -> str:
        return _RULE_LABELS[self]


_RULE_LABELS = {
    PasswordRule.LENGTH: t.PASSWORD_RULE_LENGTH,
    PasswordRule.SPECIAL: t.PASSWORD_RULE_SPECIAL,
    PasswordRule.DIGIT: t.PASSWORD_RULE_DIGIT,
    PasswordRule.UPPER: t.PASSWORD_RULE_UPPER,
    PasswordRule.LOWER: t.PASSWORD_RULE_LOWER,
}


@dataclass(frozen=True)
class PasswordReport:
    """Which rules a candidate meets; ``met`` keeps the seed's order."""

    met: dict[PasswordRule, bool]

    @property
    def ok(self) -> bool:
        return all(self.met.values())

    @property
    def unmet(self) -> list[PasswordRule]:
        return [rule for rule, ok in self.met.items() if not ok]


def check_password(candidate: str) -> PasswordReport:
    """Report which of the five rules ``candidate`` meets (cheap: called on every key press)."""
    return PasswordReport(
        met={
            PasswordRule.LENGTH: len(candidate) >= 8,
            PasswordRule.SPECIAL: any(not ch.isalnum() and not ch.isspace() for ch in candidate),
            PasswordRule.DIGIT: any(ch.isdigit() for ch in candidate),
            PasswordRule.UPPER: any(ch.isupper() for ch in candidate),
            PasswordRule.LOWER: any(ch.islower() for ch in candidate),
        }
    )


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def password_problems(
    password: str,
    confirmation: str | None = None,
    *,
    names: tuple[str, ...] = (),
    birth_date: date | None = None,
    identifier: str | None = None,
) -> list[str]:
    """Every French message that explains why ``password`` cannot be accepted (empty if it can)."""
    if not password:
        return [t.PASSWORD_EMPTY]
    problems: list[str] = []
    report = check_password(password)
    if not report.ok:
        problems.append(
            t.PASSWORD_RULES_UNMET.format(rules=", ".join(r.label for r in report.unmet))
        )
    folded = _fold(password)
    words = [_fold(w) for name in names for w in re.split(r"[\s'-]+", name)]
    if any(len(w) >= 3 and w in folded for w in words):
        problems.append(t.PASSWORD_CONTAINS_NAME)
    if birth_date is not None:
        forms = {
            birth_date.strftime("%d%m%Y"),
            birth_date.strftime("%Y%m%d"),
            birth_date.strftime("%d%m%y"),
        }
        if any(f in folded for f in forms):
            problems.append(t.PASSWORD_CONTAINS_BIRTH_DATE)
    # Compare the folded form: an identifier made only of dots and dashes folds to "",
    # which every password would "contain".
    folded_identifier = _fold(identifier) if identifier else ""
    if len(folded_identifier) >= 3 and folded_identifier in folded:
        problems.append(t.PASSWORD_CONTAINS_IDENTIFIER)
    if confirmation is not None and confirmation != password:
        problems.append(t.PASSWORD_MISMATCH)
    return problems
