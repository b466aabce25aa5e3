"""How validators report a problem: a pydantic error whose message is the French sentence."""

from __future__ import annotations

from typing import Any, NoReturn

from pydantic import ValidationError
from pydantic_core import PydanticCustomError


def reject(kind: str, message: str, **context: Any) -> NoReturn:
    """Raise a validation error of type ``kind``: ``message`` with ``context`` filled in."""
    raise PydanticCustomError(kind, message.format(**context) if context else message)


def first_message(error: ValidationError) -> str:
    """The French message of the first problem in ``error``, as the person should read it."""
    for detail in error.errors(include_url=False):
        message = str(detail.get("msg", ""))
        # Pydantic prefixes errors raised inside validators with "Value error, ".
        return message.removeprefix("Value error, ")
    return str(error)


def digits_and_letters(value: str) -> str:
    """``value`` without spaces, dots, dashes and slashes, the separators people type or paste."""
    return "".join(ch for ch in value if ch not in " .-/\u00a0\u202f\t")
