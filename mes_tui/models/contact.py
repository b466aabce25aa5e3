"""Contact details: e-mail address and French mobile number.

email-validator and phonenumbers are imported on first use: they are not needed
to paint the first screen.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from mes_tui.models._errors import reject
from mes_tui.texts import validation as t


def normalize_email(value: object) -> str:
    """Validate an e-mail address (syntax only) and return it normalised (domain in lower case)."""
    if not isinstance(value, str) or not value.strip():
        reject("email_empty", t.EMAIL_EMPTY)
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        reject("email_invalid", t.EMAIL_INVALID)
    if not result.normalized.isascii():
        # A domain with accents (IDN) is valid, but may stand for another one that looks the
        # same, and not every mail system delivers to it: refused like an accented local part.
        reject("email_invalid", t.EMAIL_INVALID)
    return str(result.normalized)


# Metropolitan France and the overseas departments and communities with their own codes.
_FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"})


def normalize_mobile(value: object) -> str:
    """Validate a French mobile number and return it in E.164: ``+33611121314``."""
    if not isinstance(value, str) or not value.strip():
        reject("mobile_empty", t.MOBILE_EMPTY)
    import phonenumbers

    text = value.strip()
    if not all(ch.isascii() and (ch.isdigit() or ch in " .-+()") for ch in text):
        reject("mobile_invalid", t.MOBILE_INVALID)
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        reject("mobile_invalid", t.MOBILE_INVALID)
    if not phonenumbers.is_valid_number(number):
        reject("mobile_invalid", t.MOBILE_INVALID)
    if phonenumbers.region_code_for_number(number) not in _FRENCH_REGIONS:
        reject("mobile_not_french", t.MOBILE_NOT_FRENCH)
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE:
        reject("mobile_not_mobile", t.MOBILE_NOT_MOBILE)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


Email = Annotated[str, BeforeValidator(normalize_email)]
MobilePhone = Annotated[str, BeforeValidator(normalize_mobile)]


def format_mobile(e164: str) -> str:
    """``+33663781970`` → ``+33 6 63 78 19 70`` (spaced pairs, as in the seed)."""
    if e164.startswith("+33") and len(e164) == 12:
        rest = e164[3:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    return e164


def format_mobile_national(e164: str) -> str:
    """``+33611121314`` → ``06 11 12 13 14``."""
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return e164


def mask_email(email: str) -> str:
    """Keep the first three characters and the domain: ``dlf*****@atos.net``."""
    local, _, domain = email.partition("@")
    return f"{local[:3]}*****@{domain}"


def mask_mobile(e164: str) -> str:
    """Keep only the last two digits: ``06 ** ** ** 14``."""
    national = format_mobile_national(e164)
    if len(national) == 14:
        return national[:2] + " ** ** ** " + national[-2:]
    return "** ** ** ** **"
