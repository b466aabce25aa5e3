"""The carte Vitale serial number, for the card without photo and the card with photo."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from mes_tui.models import CardType, VitaleSerial, first_message, full_serial, normalize_serial

SEED_NIR = "1 16 30 44 038 016 18"


def serial(card_type: str, number: object, **context: Any) -> VitaleSerial:
    return VitaleSerial.model_validate(
        {"card_type": card_type, "number": number}, context=context or None
    )


def rejection(card_type: str, number: object, **context: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        serial(card_type, number, **context)
    return first_message(caught.value)


# --- Card without photo --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01024576124", "01024576124"),  # the example shown to users
        ("953701166", "953701166"),
        ("12345679", "12345679"),  # 8 digits
        ("1234567890123", "1234567890123"),  # 13 digits
        (" 0102 4576 124 ", "01024576124"),
        ("0102.4576.124", "01024576124"),
    ],
)
def test_sans_photo_accepts_8_to_13_digits(typed: str, expected: str) -> None:
    card = serial("sans_photo", typed)
    assert card.card_type is CardType.SANS_PHOTO
    assert card.number == expected
    assert card.printed == expected  # no prefix for this model


@pytest.mark.parametrize("typed", ["1234567", "12345678901234"])
def test_sans_photo_refuses_other_lengths(typed: str) -> None:
    message = rejection("sans_photo", typed)
    assert "sans photo" in message
    assert "de 8 à 13 chiffres" in message
    assert f"saisi {len(typed)}" in message
    assert "01024576124" in message


# --- Card with photo -----------------------------------------------------------------------


def test_avec_photo_accepts_the_11_typed_digits() -> None:
    card = serial("avec_photo", "0102457612 4")
    assert card.card_type is CardType.AVEC_PHOTO
    assert card.number == "01024576124"
    assert card.printed == "8025000002" + "01024576124"


@pytest.mark.parametrize(
    "typed", ["953701166", "0102457612", "010245761245", "802500000201024576124"]
)
def test_avec_photo_refuses_anything_but_11_digits(typed: str) -> None:
    message = rejection("avec_photo", typed)
    assert "avec photo" in message
    assert "11 derniers chiffres" in message
    assert f"saisi {len(typed)}" in message
    assert "0102457612 4" in message


def test_same_11_digits_valid_for_both_but_9_digits_only_without_photo() -> None:
    assert serial("sans_photo", "01024576124").number == "01024576124"
    assert serial("avec_photo", "01024576124").number == "01024576124"
    assert serial("sans_photo", "953701166").number == "953701166"
    assert "11 derniers chiffres" in rejection("avec_photo", "953701166")


def test_full_serial() -> None:
    assert full_serial(CardType.AVEC_PHOTO, "01024576124") == "802500000201024576124"
    assert full_serial(CardType.SANS_PHOTO, "01024576124") == "01024576124"


# --- Sanity --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["07121985", "07/12/1985", "07 12 1985", "29022000", "01011900"])
def test_a_date_is_refused(typed: str) -> None:
    message = rejection("sans_photo", typed)
    assert "ressemble à une date" in message
    assert "numéro de série" in message


@pytest.mark.parametrize("typed", ["31022000", "00121985", "07131985", "07121850"])
def test_eight_digits_that_are_no_date_are_accepted(typed: str) -> None:
    assert serial("sans_photo", typed).number == typed


@pytest.mark.parametrize(
    ("card_type", "typed"),
    [
        ("sans_photo", "30440380"),
        ("sans_photo", "1163044038016"),
        ("sans_photo", "044 038 016"),
        ("avec_photo", "16304403801"),
        ("avec_photo", "30440380161"),
    ],
)
def test_a_piece_of_the_nir_is_refused(card_type: str, typed: str) -> None:
    message = rejection(card_type, typed, nir=SEED_NIR)
    assert "numéro de sécurité sociale" in message
    assert "numéro de série" in message
    # Without the NIR the same digits pass.
    assert serial(card_type, typed).number == typed.replace(" ", "")


def test_a_serial_that_is_not_in_the_nir_passes_with_the_nir_known() -> None:
    assert serial("sans_photo", "01024576124", nir=SEED_NIR).number == "01024576124"
    assert serial("avec_photo", "01024576124", nir="116304403801618").number == "01024576124"


@pytest.mark.parametrize(
    "typed",
    [
        "0102457612A",
        "O1024576124",
        "01024576124x",
        "\u0660\u0661\u0660\u0662\u0664\u0665\u0667\u0666\u0661\u0662\u0664",  # Arabic-Indic
        "０１０２４５７６１２４",  # full-width
        "0102457612\u00b2",  # superscript two
        "01024576124\x00",
    ],
)
@pytest.mark.parametrize("card_type", ["sans_photo", "avec_photo"])
def test_only_ascii_digits(card_type: str, typed: str) -> None:
    message = rejection(card_type, typed)
    assert "numéro de série" in message
    assert "que des chiffres" in message


@pytest.mark.parametrize("number", ["", "   ", None])
def test_empty_serial(number: object) -> None:
    assert rejection("sans_photo", number).startswith("Saisissez le numéro de série")


@pytest.mark.parametrize("card_type", ["", "photo", "SANS_PHOTO", None])
def test_unknown_card_type(card_type: object) -> None:
    with pytest.raises(ValidationError) as caught:
        VitaleSerial.model_validate({"card_type": card_type, "number": "01024576124"})
    message = first_message(caught.value)
    assert "type de votre carte Vitale" in message
    assert "sans photo ou avec photo" in message


def test_card_type_accepts_the_enum_and_has_labels() -> None:
    assert VitaleSerial(card_type=CardType.AVEC_PHOTO, number="0102457612 4").number == (
        "01024576124"
    )
    assert CardType.SANS_PHOTO.label == "Carte Vitale sans photo"
    assert CardType.AVEC_PHOTO.label == "Carte Vitale avec photo"


def test_serial_is_frozen() -> None:
    card = serial("sans_photo", "01024576124")
    with pytest.raises(ValidationError):
        card.number = "953701166"  # type: ignore[misc]


def test_normalize_serial_directly() -> None:
    assert normalize_serial("0102457612 4", CardType.AVEC_PHOTO) == "01024576124"
    with pytest.raises(PydanticCustomError) as caught:
        normalize_serial("30440380", CardType.SANS_PHOTO, nir=SEED_NIR)
    assert caught.value.type == "serial_nir"
