"""Me connecter: identifier and password, for a person whose space is already activated.

A failure gets one message, whatever was wrong (unknown identifier or wrong password); after
repeated failures the back office locks the identifier and the message says how long to wait.
The password is masked (F3 or the link shows it) and lives only in its input and in the closure
of the sign-in call: never logged, notified or kept in the session. Success leads to the home
page: status, attached profiles, and managing them.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import formats, journey
from mes_tui.engine.outcomes import Outcome, Refused
from mes_tui.screens.base import PasswordScreen
from mes_tui.texts import login as t
from mes_tui.widgets.controls import ActionButton, LinkButton
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.inputs import FormatInput, SecretInput


class LoginScreen(PasswordScreen):
    PASSWORD_FIELDS = ("password",)
    STEP = journey.Step.LOGIN
    SHOW_POSITION = False
    FIRST_FOCUS = "#identifier"

    def __init__(self) -> None:
        super().__init__()

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.INTRO), classes="intro")
        yield FormField(
            t.IDENTIFIER_LABEL,
            FormatInput(field_format=formats.IDENTIFIER, id="identifier"),
            hint=t.IDENTIFIER_HINT,
            id="field-identifier",
        )
        yield FormField(
            t.PASSWORD_LABEL,
            SecretInput(field_format=formats.PASSWORD, id="password", password=True),
            extra=[LinkButton(t.SHOW_PASSWORD, id="toggle-password")],
            id="field-password",
        )
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.SUBMIT, id="submit", variant="primary")

    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def _field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    # -- sign in --------------------------------------------------------------------------
    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        self.mes_app.back_to_welcome()

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#submit")
    def submit(self) -> None:
        identifier = self._input("identifier").value.strip()
        password = self._input("password").value
        errors: list[tuple[FormField, str]] = []
        if not identifier:
            errors.append((self._field("identifier"), t.IDENTIFIER_MISSING))
        if not password:
            errors.append((self._field("password"), t.PASSWORD_MISSING))
        if errors:
            self.show_field_errors(errors)
            return
        self.clear_errors()
        self.call_engine(lambda engine: engine.login(identifier, password), self._answered)

    def _answered(self, outcome: Outcome) -> None:
        self._input("password").value = ""
        if isinstance(outcome, Refused) and outcome.go is None:
            # One message for every failure, at the top: it must not say which field was wrong.
            self.show_refusal(outcome.message)
            return
        self.show_outcome(outcome)
