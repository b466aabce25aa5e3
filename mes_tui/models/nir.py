"""The NIR (numéro de sécurité sociale): 13 characters and a 2-digit key."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator
from stdnum.fr import nir as stdnum_nir

from mes_tui.formats import NIR_LENGTH, NIR_WITHOUT_KEY_LENGTH
from mes_tui.models._errors import digits_and_letters, reject
from mes_tui.texts import validation as t

# 1 and 2: people born in France; 3, 4, 7, 8: numbers given before a definitive one.
_FIRST_DIGITS = frozenset("123478")


def _compact(value: object) -> str:
    if not isinstance(value, str):
        reject("nir_type", t.NIR_CHARS)
    compact = digits_and_letters(value).upper()
    if not compact:
        reject("nir_empty", t.NIR_EMPTY)
    return compact


def _check_body(body: str) -> None:
    """Check the 13 characters before the key, whatever the length typed so far."""
    if not all(ch.isascii() and (ch.isdigit() or ch in "AB") for ch in body):
        reject("nir_chars", t.NIR_CHARS)
    letters = [i for i, ch in enumerate(body) if ch in "AB"]
    # Only the department (positions 6-7) may hold a letter, and only as 2A or 2B.
    if letters and (letters != [6] or body[5] != "2"):
        reject("nir_chars", t.NIR_CHARS)
    if body[0] not in _FIRST_DIGITS:
        reject("nir_sex", t.NIR_SEX)


def normalize_nir(value: object) -> str:
    """Validate a full NIR (15 characters) and return it compact and upper-case."""
    compact = _compact(value)
    _check_body(compact[:NIR_WITHOUT_KEY_LENGTH])
    # The key is 2 ASCII digits: a letter there is a wrong character, not a wrong length.
    if not all(ch.isascii() and ch.isdigit() for ch in compact[NIR_WITHOUT_KEY_LENGTH:]):
        reject("nir_chars", t.NIR_CHARS)
    if len(compact) != NIR_LENGTH:
        reject("nir_length", t.NIR_LENGTH, count=len(compact))
    if stdnum_nir.calc_check_digits(compact) != compact[NIR_WITHOUT_KEY_LENGTH:]:
        reject("nir_key", t.NIR_KEY)
    return compact


def normalize_nir_without_key(value: object) -> str:
    """Validate the 13 characters of a NIR typed without its key."""
    compact = _compact(value)
    _check_body(compact)
    if len(compact) != NIR_WITHOUT_KEY_LENGTH:
        reject("nir13_length", t.NIR13_LENGTH, count=len(compact))
    return compact


Nir = Annotated[str, BeforeValidator(normalize_nir)]
"""A valid NIR, compact: ``116304403801618``."""

NirWithoutKey = Annotated[str, BeforeValidator(normalize_nir_without_key)]
"""The first 13 characters of a NIR: ``1163044038016``."""


def nir_key(nir_without_key: str) -> str:
    """The 2-digit key of a 13-character NIR (separators and lower-case 2a/2b allowed)."""
    body = digits_and_letters(nir_without_key).upper()
    return str(stdnum_nir.calc_check_digits(body[:13] + "00"))


def format_nir(nir: str) -> str:
    """``116304403801618`` → ``1 16 30 44 038 016 18`` (also works on 13 characters)."""
    n = nir
    parts = [n[:1], n[1:3], n[3:5], n[5:7], n[7:10], n[10:13], n[13:15]]
    return " ".join(p for p in parts if p)


def mask_nir(nir: str) -> str:
    """Show only the sex and birth year and month: ``1 16 30 ** *** *** **``."""
    return format_nir(nir[:5] + "*" * (len(nir) - 5))
