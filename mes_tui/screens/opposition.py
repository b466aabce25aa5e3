"""Opposition: the explicit confirmation, then the decision recorded with its receipt and the
attached profiles.

Only "Continuer" on the confirmation records anything (RGAA 11.12). The receipt can be saved
once; leaving the last screen before saving it asks first (Terminer, Escape, Ctrl+N).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.screens.profiles_host import ProfilesHostScreen
from mes_tui.screens.receipt_flow import confirm_leaving, next_person, request_receipt
from mes_tui.texts import opposition as t
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.profiles import ProfilesPanel
from mes_tui.widgets.receipt import ReceiptPanel


class OpposeConfirmScreen(StepScreen):
    """Je valide l'opposition: only Continuer records the decision, with its date."""

    STEP = journey.Step.OPPOSE_CONFIRM
    FIRST_FOCUS = "#cancel"

    def session_key(self) -> tuple[object, ...]:
        return ()  # the same text for everyone; the person is read at Continuer

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.CONFIRM_BODY), classes="intro")
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.CONTINUE, id="continue", variant="primary")

    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        self.mes_app.go_back()

    @on(ActionButton.Pressed, "#continue")
    def confirm(self) -> None:
        self.call_engine(lambda journey: journey.oppose(), self.show_outcome)


class OpposedScreen(ProfilesHostScreen):
    """Ma décision a bien été prise en compte: the receipt, once, then the attached profiles."""

    STEP = journey.Step.OPPOSED
    FIRST_FOCUS = "#download"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_session", t.KEY_NEW_SESSION, id="new_session"),
    ]

    DEFAULT_CSS = """
    OpposedScreen #decided-on { margin: 1 0 0 0; text-style: bold; }
    OpposedScreen #profiles-block { margin: 1 0 0 0; }
    """

    def compose_body(self) -> ComposeResult:
        from mes_tui.models import format_date

        person = self.session.person
        assert person is not None
        if person.decided_on is not None:
            yield Static(
                Content(t.DECIDED_ON.format(date=format_date(person.decided_on))),
                id="decided-on",
            )
        yield Static(Content(t.DONE_BODY), classes="intro")
        yield ReceiptPanel(self.mes_app.receipts_dir(), id="receipt")
        if person.profiles:
            yield ProfilesPanel(person.profiles, id="profiles-block")
        with Horizontal(classes="actions"):
            yield ActionButton(t.FINISH, id="finish")

    @property
    def receipt(self) -> ReceiptPanel:
        return self.query_one("#receipt", ReceiptPanel)

    # -- the receipt ----------------------------------------------------------------------
    @on(ReceiptPanel.SaveRequested, "#receipt")
    def download(self, event: ReceiptPanel.SaveRequested) -> None:
        person = self.session.person
        assert person is not None
        request_receipt(self, event, person.nir)

    # -- leaving --------------------------------------------------------------------------
    def action_back(self) -> None:
        self.leave()

    def action_new_session(self) -> None:
        next_person(self)

    @on(ActionButton.Pressed, "#finish")
    def leave(self) -> None:
        """Terminer: done with this person; nothing of them stays on screen or in memory."""
        confirm_leaving(self, self.receipt, self.mes_app.wipe)
