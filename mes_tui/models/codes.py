"""Provisional codes (12 letters or digits) and one-time codes (6 digits)."""

from __future__ import annotations

import secrets
import string
from typing import Annotated

from pydantic import BeforeValidator

from mes_tui.formats import OTP_LENGTH, PROVISIONAL_CODE_LENGTH
from mes_tui.models._errors import reject
from mes_tui.texts import validation as t

# Letters and digits that cannot be mistaken for one another when read from a letter.
_CODE_ALPHABET = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")


def normalize_provisional_code(value: object) -> str:
    """Validate a provisional code; it is case-sensitive, so only surrounding spaces are removed."""
    if not isinstance(value, str) or not value.strip():
        reject("code_empty", t.CODE_EMPTY)
    code = value.strip()
    if len(code) != PROVISIONAL_CODE_LENGTH or not (code.isascii() and code.isalnum()):
        reject("code_format", t.CODE_FORMAT, count=len(code))
    return code


def normalize_otp(value: object) -> str:
    """Validate a one-time code: 6 digits, spaces ignored."""
    if not isinstance(value, str) or not value.strip():
        reject("otp_empty", t.OTP_EMPTY)
    code = "".join(value.split())
    if len(code) != OTP_LENGTH or not (code.isascii() and code.isdigit()):
        reject("otp_format", t.OTP_FORMAT)
    return code


ProvisionalCode = Annotated[str, BeforeValidator(normalize_provisional_code)]
OtpCode = Annotated[str, BeforeValidator(normalize_otp)]


def new_provisional_code() -> str:
    """A fresh random provisional code with at least one digit, one lower and one upper case."""
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(PROVISIONAL_CODE_LENGTH))
        if (
            any(c.isdigit() for c in code)
            and any(c.islower() for c in code)
            and any(c.isupper() for c in code)
        ):
            return code


def new_otp() -> str:
    """A fresh random 6-digit one-time code."""
    return f"{secrets.randbelow(10**OTP_LENGTH):0{OTP_LENGTH}d}"
