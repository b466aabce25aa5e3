"""Je m'identifie: provisional code, NIR, carte Vitale type and serial."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import formats, journey
from mes_tui.engine.outcomes import Offer
from mes_tui.presenters import serial_help, serial_hint
from mes_tui.screens.base import StepScreen
from mes_tui.screens.forms import FieldCheck, validated
from mes_tui.texts import identification as t
from mes_tui.texts import vitale as tv
from mes_tui.widgets.card_choice import CardTypeChoice
from mes_tui.widgets.controls import ActionButton, LinkButton
from mes_tui.widgets.fields import FormField, HelpPanel
from mes_tui.widgets.inputs import FormatInput, NirInput, SecretInput

if TYPE_CHECKING:
    from mes_tui.engine.outcomes import Outcome


def card_fields(card_type: str | None) -> ComposeResult:
    """The card-type choice and the serial field, shared with the new-code form."""
    yield FormField(tv.LABEL, CardTypeChoice(card_type, id="card"), hint=tv.HINT, id="field-card")
    yield FormField(
        tv.SERIAL_LABEL,
        FormatInput(field_format=formats.SERIAL, id="serial"),
        hint=serial_hint(card_type),
        help_panel=HelpPanel(tv.SERIAL_HELP_TITLE, serial_help(card_type), id="serial-help"),
        id="field-serial",
    )


def card_checks(screen: StepScreen) -> list[FieldCheck]:
    """Checks for the card type and a serial that follows that card's rule."""
    from mes_tui.models import check_serial_present, normalize_card_type, normalize_serial

    card = screen.query_one("#card", CardTypeChoice).value
    serial_field = screen.query_one("#field-serial", FormField)
    if card is None:
        serial_check = FieldCheck(serial_field, check_serial_present)
    else:
        card_type = normalize_card_type(card)
        serial_check = FieldCheck(serial_field, lambda v: normalize_serial(v, card_type))
    return [
        FieldCheck(screen.query_one("#field-card", FormField), normalize_card_type),
        serial_check,
    ]


class IdentificationScreen(StepScreen):
    STEP = journey.Step.IDENTIFY
    FIRST_FOCUS = "#code"
    AHEAD = ((journey.Step.DECISION, journey.Branch.ACTIVATION),)

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.INTRO), classes="intro")
        self._notice = self.session.notice
        if self._notice:
            yield Static(Content(self._notice), classes="notice", id="notice")
        yield FormField(
            t.CODE_LABEL,
            SecretInput(field_format=formats.PROVISIONAL_CODE, id="code"),
            hint=t.CODE_HINT,
            extra=[LinkButton(t.GENERATE_LINK, id="generate")],
            id="field-code",
        )
        yield FormField(
            t.NIR_LABEL,
            NirInput(id="nir"),
            hint=t.NIR_HINT,
            help_panel=HelpPanel(t.NIR_HELP_TITLE, t.NIR_HELP),
            id="field-nir",
        )
        yield from card_fields(self.session.card_type.value if self.session.card_type else None)
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.CONTINUE, id="continue", variant="primary")

    _notice: str | None = None

    def on_screen_resume(self) -> None:
        # Shown once: cleared when this screen, which shows it, shows (not when it is built
        # ahead, nor when an older identification comes back for a moment under a new one).
        if self._notice is not None and self.session.notice == self._notice:
            self.session.notice = None

    @on(CardTypeChoice.Changed)
    def card_changed(self, event: CardTypeChoice.Changed) -> None:
        self.query_one("#field-serial", FormField).set_hint(serial_hint(event.value))
        self.query_one("#serial-help", HelpPanel).set_body(serial_help(event.value))

    @on(LinkButton.Pressed, "#generate")
    def generate(self) -> None:
        self.mes_app.go(self.mes_app.engine.take(Offer.NEW_CODE, self.STEP))

    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        self.mes_app.back_to_welcome()

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#continue")
    def submit(self) -> None:
        from mes_tui.models import normalize_nir, normalize_provisional_code

        checks = [
            FieldCheck(self.query_one("#field-code", FormField), normalize_provisional_code),
            FieldCheck(self.query_one("#field-nir", FormField), normalize_nir),
            *card_checks(self),
        ]
        values = validated(self, checks)
        if values is None:
            return
        code, nir, card_type, serial = values
        self.call_engine(
            lambda engine: engine.identify(code, nir, card_type, serial), self._identified
        )

    def _identified(self, outcome: Outcome) -> None:
        # Already active: refused here, nothing of them kept (the engine forgets them).
        self.show_outcome(outcome)
