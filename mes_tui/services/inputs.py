"""What the simulated back office receives, checked with the domain validators: a rejection
becomes ``InvalidInput`` naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic_core import PydanticCustomError

from mes_tui.models import CardType, Channel, Status
from mes_tui.services.errors import InvalidInput
from mes_tui.texts import service as t
from mes_tui.texts import validation as vt

T = TypeVar("T")


def field(name: str, fn: Callable[..., T], *args: Any) -> T:
    """Run a domain validator; its rejection becomes ``InvalidInput(name, message)``."""
    try:
        return fn(*args)
    except PydanticCustomError as error:
        raise InvalidInput(name, error.message()) from None


def card_type(value: object) -> CardType:
    try:
        return CardType(str(value))
    except ValueError:
        raise InvalidInput("card_type", vt.CARD_TYPE) from None


def status(name: str, value: object) -> Status:
    try:
        return Status(str(value))
    except ValueError:
        raise InvalidInput(name, t.STATUS_INVALID) from None


def contact_channel(value: object) -> Channel:
    try:
        channel = Channel(str(value))
    except ValueError:
        channel = Channel.COURRIER
    if channel is Channel.COURRIER:
        raise InvalidInput("channel", t.CHANNEL_INVALID)
    return channel
