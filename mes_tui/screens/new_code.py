"""Je génère un nouveau code provisoire, then Envoi du code provisoire (by e-mail only)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import formats, journey
from mes_tui.engine import CodeRequest
from mes_tui.presenters import serial_help, serial_hint
from mes_tui.screens.base import StepScreen
from mes_tui.screens.forms import FieldCheck, validated
from mes_tui.screens.identification import card_checks, card_fields
from mes_tui.texts import identification as ti
from mes_tui.texts import new_code as t
from mes_tui.texts import vitale as tv
from mes_tui.widgets.card_choice import CardTypeChoice
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.fields import FormField, HelpPanel
from mes_tui.widgets.inputs import GroupedInput, NirInput

__all__ = ["CodeDeliveryScreen", "CodeRequest", "NewCodeScreen"]


class DateBox(GroupedInput):
    """One box of a date. A digit typed into a full box goes on into the next box, so a
    date typed in one go (or arriving in one burst over a slow link) lands whole."""

    typing_moves_focus = True

    def __init__(
        self,
        field_format: formats.FieldFormat,
        *,
        placeholder: str,
        id: str,
        next_box: DateBox | None = None,
    ) -> None:
        super().__init__(field_format=field_format, placeholder=placeholder, id=id)
        self.next_box = next_box

    def refuses_key(self, character: str) -> bool:
        if self.next_box is not None and character.isdigit() and character.isascii():
            return False  # into this box, or on into the next one
        return super().refuses_key(character)

    def replace(self, text: str, start: int, end: int) -> None:
        full = len(self.compact_value()) >= self._limit and start == end
        if full and self.next_box is not None and len(text) == 1 and text.isdigit():
            self.next_box.focus()
            self.next_box.insert_text_at_cursor(text)
            return
        super().replace(text, start, end)


class BirthDateInput(Horizontal):
    """Three boxes JJ / MM / AAAA; ``value`` joins them for validation."""

    DEFAULT_CSS = """
    BirthDateInput { height: auto; width: auto; }
    BirthDateInput > DateBox { width: 10; }
    BirthDateInput > #birth-year { width: 12; }
    BirthDateInput > Static { width: 3; content-align: center middle; height: 3; }
    """

    def compose(self) -> ComposeResult:
        year = DateBox(formats.YEAR, placeholder=t.YEAR, id="birth-year")
        month = DateBox(formats.MONTH, placeholder=t.MONTH, id="birth-month", next_box=year)
        yield DateBox(formats.DAY, placeholder=t.DAY, id="birth-day", next_box=month)
        yield Static("/")
        yield month
        yield Static("/")
        yield year

    @property
    def parts(self) -> tuple[str, str, str]:
        return (
            self.query_one("#birth-day", Input).value,
            self.query_one("#birth-month", Input).value,
            self.query_one("#birth-year", Input).value,
        )

    def focus(self, scroll_visible: bool = True) -> BirthDateInput:
        self.query_one("#birth-day", Input).focus(scroll_visible)
        return self

    @on(Input.Changed)
    def advance(self, event: Input.Changed) -> None:
        # Move on to the next box once one is full, as people type dates in one go.
        # Judge by the value this event carries and by where the screen's focus is now:
        # two keys read in one go (typed fast, or over SSH) send two events after both digits
        # are in, and ``has_focus`` lags behind a focus change, which made the focus skip the
        # month.
        box = event.input
        if (
            isinstance(box, GroupedInput)
            and box.id != "birth-year"
            and len(box.compact_value(event.value)) == 2
            and self.screen.focused is box
        ):
            self.screen.focus_next()


class NewCodeScreen(StepScreen):
    STEP = journey.Step.NEW_CODE
    FIRST_FOCUS = "#nir"

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.INTRO), classes="intro")
        yield FormField(
            t.NIR_LABEL,
            NirInput(with_key=False, id="nir"),
            hint=t.NIR_HINT,
            # As on "Je m'identifie" (the seed shows the same link under this field).
            help_panel=HelpPanel(ti.NIR_HELP_TITLE, ti.NIR_HELP),
            id="field-nir",
        )
        yield Static(Content(t.BIRTH_TITLE), classes="section-title")
        yield Static(Content(t.BIRTH_NOTE), classes="hint")
        yield FormField(
            t.BIRTH_LABEL,
            # Named as the service names the field in its refusals, which then show next to it.
            BirthDateInput(id="birth_date"),
            hint=t.BIRTH_HINT,
            id="field-birth",
        )
        card = self.session.card_type.value if self.session.card_type else None
        yield from card_fields(card)
        with Horizontal(classes="actions"):
            yield ActionButton(t.BACK, id="back")
            yield ActionButton(t.CONTINUE, id="continue", variant="primary")

    def on_mount(self) -> None:
        if self.mes_app.closing:
            return
        card = self.query_one("#card", CardTypeChoice).value
        self.query_one("#field-serial", FormField).set_hint(_serial_hint(card))

    @on(CardTypeChoice.Changed)
    def card_changed(self, event: CardTypeChoice.Changed) -> None:
        self.query_one("#field-serial", FormField).set_hint(_serial_hint(event.value))
        self.query_one("#serial-help", HelpPanel).set_body(serial_help(event.value))

    @on(ActionButton.Pressed, "#back")
    def back(self) -> None:
        self.mes_app.go_back()

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#continue")
    def submit(self) -> None:
        from mes_tui.models import birth_date_from_parts, normalize_nir_without_key

        birth = self.query_one("#birth_date", BirthDateInput)
        checks = [
            FieldCheck(self.query_one("#field-nir", FormField), normalize_nir_without_key),
            FieldCheck(
                self.query_one("#field-birth", FormField),
                lambda _: birth_date_from_parts(*birth.parts),
            ),
            *card_checks(self),
        ]
        values = validated(self, checks)
        if values is None:
            return
        request = CodeRequest(*values)
        self.call_engine(lambda engine: engine.find_code_recipient(request), self.show_outcome)


def _serial_hint(card: str | None) -> str:
    # The seed shows another example on this screen.
    return (
        serial_hint(card) if card else f"{tv.SERIAL_HINT_NONE.split(' Ex')[0]} {t.SERIAL_EXAMPLE}"
    )


class CodeDeliveryScreen(StepScreen):
    """The address the code would go to (masked), as the engine gave it with the step
    (``Go.notice``); the request itself stays with the engine until it is confirmed."""

    STEP = journey.Step.CODE_DELIVERY
    FIRST_FOCUS = "#validate"

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.DELIVERY_MODE), classes="intro")
        masked_to = self.arrival_notice or ""
        yield Static(Content(t.DELIVERY_EMAIL.format(to=masked_to)), id="masked-to")
        yield HelpPanel(t.WRONG_DETAILS_TITLE, t.WRONG_DETAILS, id="wrong-details")
        with Horizontal(classes="actions"):
            yield ActionButton(t.BACK, id="back")
            yield ActionButton(t.VALIDATE, id="validate", variant="primary")

    @on(ActionButton.Pressed, "#back")
    def back(self) -> None:
        self.mes_app.go_back()

    @on(ActionButton.Pressed, "#validate")
    def send(self) -> None:
        self.call_engine(lambda engine: engine.send_new_code(), self.show_outcome)
