"""The carte Vitale: its two models and the serial number printed on each."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from mes_tui.formats import SERIAL_MAX
from mes_tui.models._errors import digits_and_letters, reject
from mes_tui.texts import validation as t

AVEC_PHOTO_PREFIX = "8025000002"
"""Fixed start of the full serial of a card with photo; people type only the last 11 digits."""
AVEC_PHOTO_TYPED_LENGTH = 11
SANS_PHOTO_LENGTHS = range(8, SERIAL_MAX + 1)


class CardType(StrEnum):
    """The two models of carte Vitale."""

    SANS_PHOTO = "sans_photo"
    AVEC_PHOTO = "avec_photo"

    @property
    def label(self) -> str:
        return (
            "Carte Vitale sans photo" if self is CardType.SANS_PHOTO else "Carte Vitale avec photo"
        )


def _looks_like_date(digits: str) -> bool:
    """True for 8 digits that read as a real date DDMMYYYY, which people type by mistake."""
    if len(digits) != 8:
        return False
    try:
        date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return False
    return 1900 <= int(digits[4:]) <= 2100


def normalize_serial(value: object, card_type: CardType, nir: str | None = None) -> str:
    """Validate a serial for ``card_type`` and return its digits.

    For a card with photo this is the 11 digits the person types, not the full number.
    ``nir``, when known, lets us refuse a serial that is only a piece of the NIR.
    """
    if not isinstance(value, str) or not value.strip():
        reject("serial_empty", t.SERIAL_EMPTY)
    digits = digits_and_letters(value)
    if not (digits.isascii() and digits.isdigit()):
        reject("serial_digits", t.SERIAL_DIGITS)
    if card_type is CardType.AVEC_PHOTO:
        if len(digits) != AVEC_PHOTO_TYPED_LENGTH:
            reject("serial_length", t.SERIAL_AVEC_PHOTO_LENGTH, count=len(digits))
    elif len(digits) not in SANS_PHOTO_LENGTHS:
        reject("serial_length", t.SERIAL_SANS_PHOTO_LENGTH, count=len(digits))
    if _looks_like_date(digits):
        reject("serial_date", t.SERIAL_IS_DATE)
    if nir and digits in digits_and_letters(nir).upper():
        reject("serial_nir", t.SERIAL_IS_NIR)
    return digits


def full_serial(card_type: CardType, typed: str) -> str:
    """The serial as printed: the fixed prefix is added for a card with photo."""
    return AVEC_PHOTO_PREFIX + typed if card_type is CardType.AVEC_PHOTO else typed


class VitaleSerial(BaseModel):
    """A serial number together with the card model it was read from.

    ``VitaleSerial(card_type="avec_photo", number="0102457612 4")`` keeps ``number="01024576124"``.
    Pass ``context={"nir": ...}`` to ``model_validate`` to refuse a piece of the NIR.
    """

    model_config = ConfigDict(frozen=True)

    card_type: CardType
    number: str

    @field_validator("card_type", mode="before")
    @classmethod
    def _card_type(cls, value: object) -> CardType:
        return normalize_card_type(value)

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: object, info: ValidationInfo) -> str:
        card_type = info.data.get("card_type")
        if card_type is None:
            reject("card_type", t.CARD_TYPE)
        nir = (info.context or {}).get("nir")
        return normalize_serial(value, card_type, nir)

    @property
    def printed(self) -> str:
        return full_serial(self.card_type, self.number)


def normalize_card_type(value: object) -> CardType:
    """The card model chosen; refuses no choice with a message saying what to choose."""
    if isinstance(value, CardType):
        return value
    if not isinstance(value, str) or value not in {c.value for c in CardType}:
        reject("card_type", t.CARD_TYPE)
    return CardType(value)


def check_serial_present(value: object) -> str:
    """Only that a serial was typed: used while the card type, hence the rule, is unknown."""
    if not isinstance(value, str) or not value.strip():
        reject("serial_empty", t.SERIAL_EMPTY)
    return value
