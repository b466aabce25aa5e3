"""Checking a form before it goes to the service, with the same validators the service uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from mes_tui.widgets.card_choice import CardTypeChoice
from mes_tui.widgets.fields import FormField

if TYPE_CHECKING:
    from mes_tui.screens.base import StepScreen


@dataclass
class FieldCheck:
    """A field and the normaliser that turns what was typed into a domain value."""

    field: FormField
    normalize: Callable[[Any], Any]


def raw_value(control: object) -> Any:
    if isinstance(control, Input):
        return control.value
    if isinstance(control, CardTypeChoice):
        return control.value
    return getattr(control, "value", None)


def validated(screen: StepScreen, checks: Sequence[FieldCheck]) -> list[Any] | None:
    """Every normalised value, in order; or None after showing each error next to its field,
    in the summary, with focus on the first one."""
    from pydantic import ValidationError
    from pydantic_core import PydanticCustomError

    from mes_tui.models import first_message

    values: list[Any] = []
    errors: list[tuple[FormField, str]] = []
    for check in checks:
        try:
            values.append(check.normalize(raw_value(check.field.control)))
        except PydanticCustomError as error:
            errors.append((check.field, error.message()))
        except ValidationError as error:
            errors.append((check.field, first_message(error)))
    if errors:
        screen.show_field_errors(errors)
        return None
    screen.clear_errors()
    return values
