"""Domain types and validators, free of any interface code.

Each string type is an ``Annotated[str, ...]`` that pydantic validates and normalises,
with a French message on rejection::

    TypeAdapter(Nir).validate_python("1 16 30 44 038 016 18")  # -> "116304403801618"
"""

from mes_tui.models._errors import first_message
from mes_tui.models.codes import (
    OtpCode,
    ProvisionalCode,
    new_otp,
    new_provisional_code,
    normalize_otp,
    normalize_provisional_code,
)
from mes_tui.models.contact import (
    Email,
    MobilePhone,
    format_mobile,
    format_mobile_national,
    mask_email,
    mask_mobile,
    normalize_email,
    normalize_mobile,
)
from mes_tui.models.credentials import (
    Identifier,
    PasswordReport,
    PasswordRule,
    check_password,
    normalize_identifier,
    password_problems,
)
from mes_tui.models.dates import BirthDate, birth_date_from_parts, format_date, parse_birth_date
from mes_tui.models.nir import (
    Nir,
    NirWithoutKey,
    format_nir,
    mask_nir,
    nir_key,
    normalize_nir,
    normalize_nir_without_key,
)
from mes_tui.models.person import Channel, PersonView, ProfileView, Status, age_on
from mes_tui.models.vitale import (
    CardType,
    VitaleSerial,
    check_serial_present,
    full_serial,
    normalize_card_type,
    normalize_serial,
)
from mes_tui.texts.safe import has_control_characters, printable

__all__ = [
    "BirthDate",
    "CardType",
    "Channel",
    "Email",
    "Identifier",
    "MobilePhone",
    "Nir",
    "NirWithoutKey",
    "OtpCode",
    "PasswordReport",
    "PasswordRule",
    "PersonView",
    "ProfileView",
    "ProvisionalCode",
    "Status",
    "VitaleSerial",
    "age_on",
    "birth_date_from_parts",
    "check_password",
    "check_serial_present",
    "first_message",
    "format_date",
    "format_mobile",
    "format_mobile_national",
    "format_nir",
    "full_serial",
    "has_control_characters",
    "mask_email",
    "mask_mobile",
    "mask_nir",
    "new_otp",
    "new_provisional_code",
    "nir_key",
    "normalize_card_type",
    "normalize_email",
    "normalize_identifier",
    "normalize_mobile",
    "normalize_nir",
    "normalize_nir_without_key",
    "normalize_otp",
    "normalize_provisional_code",
    "normalize_serial",
    "parse_birth_date",
    "password_problems",
    "printable",
]
