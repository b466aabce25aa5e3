"""What each field of the forms may hold: its maximum length and the characters it takes.

The models (``mes_tui.models``) check a whole value when a form is submitted; the fields
(``mes_tui.widgets.inputs.FormatInput``) use the same lengths to refuse, key by key and paste by
paste, what could never be part of a valid value. This module imports nothing, so that the
screens can use it without loading the models (pydantic) before the first paint.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

PROVISIONAL_CODE_LENGTH = 12
OTP_LENGTH = 6
NIR_LENGTH = 15
"""13 characters and the 2-digit key."""
NIR_WITHOUT_KEY_LENGTH = 13
SERIAL_MAX = 13
"""The longest serial of a carte Vitale: 8 to 13 digits without photo, 11 typed with photo."""
IDENTIFIER_MAX = 100
EMAIL_MAX = 254
"""The longest address a mail system delivers to (RFC 5321), which email-validator enforces."""
MOBILE_MAX = 20
"""``+33 (0)6 11 12 13 14``: a French mobile number with its prefix and every separator."""
PASSWORD_MAX = 128
FOLDER_MAX = 4096
"""PATH_MAX on Linux."""

DIGITS = string.digits
SEPARATORS = " .-/\u00a0\u202f\t"
"""What people type or paste between the characters of a number (as ``digits_and_letters``
drops them): a field of such a number takes them without a bell and keeps only the number."""


@dataclass(frozen=True)
class FieldFormat:
    """What a field may hold: at most ``limit`` characters among ``allowed`` (every printable
    character when ``None``), after folding to upper case if ``upper``. ``separators`` are taken
    without a bell and dropped (a grouped field lays out its own spaces)."""

    limit: int
    allowed: frozenset[str] | None = None
    separators: frozenset[str] = frozenset()
    upper: bool = False

    @classmethod
    def of(
        cls, limit: int, allowed: str | None = None, separators: str = "", *, upper: bool = False
    ) -> FieldFormat:
        return cls(
            limit,
            None if allowed is None else frozenset(allowed),
            frozenset(separators) - frozenset(allowed or ""),
            upper,
        )


# Case-sensitive: only spaces around it (copied with it from a message) are dropped.
PROVISIONAL_CODE = FieldFormat.of(
    PROVISIONAL_CODE_LENGTH, string.ascii_letters + DIGITS, separators=" \u00a0\t"
)
NIR = FieldFormat.of(NIR_LENGTH, DIGITS + "AB", separators=SEPARATORS, upper=True)
NIR_WITHOUT_KEY = FieldFormat.of(
    NIR_WITHOUT_KEY_LENGTH, DIGITS + "AB", separators=SEPARATORS, upper=True
)
SERIAL = FieldFormat.of(SERIAL_MAX, DIGITS, separators=SEPARATORS)
DAY = FieldFormat.of(2, DIGITS, separators=SEPARATORS)
MONTH = FieldFormat.of(2, DIGITS, separators=SEPARATORS)
YEAR = FieldFormat.of(4, DIGITS, separators=SEPARATORS)
OTP = FieldFormat.of(OTP_LENGTH, DIGITS, separators=SEPARATORS)
MOBILE = FieldFormat.of(MOBILE_MAX, DIGITS + " .-+()")
# Free text: every printable character, so that a wrong one is explained when the form is
# submitted ("seuls les lettres sans accent…") rather than refused without a word.
EMAIL = FieldFormat.of(EMAIL_MAX)
IDENTIFIER = FieldFormat.of(IDENTIFIER_MAX)
PASSWORD = FieldFormat.of(PASSWORD_MAX)
FOLDER = FieldFormat.of(FOLDER_MAX)
