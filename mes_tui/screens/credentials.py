"""Je choisis mon identifiant et mon mot de passe: the last form of the activation journey.

The identifier is checked with the back office when the person leaves the field; when it is
taken, free alternatives are offered as links that fill the field. The password is masked
(F3 or the link shows it), the seed's checklist follows every key, and Valider checks
everything locally before asking the back office to activate the space.

The password lives only in the two input widgets and in the closure of the activation call:
it is never logged, notified or stored in the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import formats, journey
from mes_tui.engine.outcomes import Done, Go, Outcome, Refused
from mes_tui.screens.base import PasswordScreen
from mes_tui.texts import credentials as t
from mes_tui.texts import safe
from mes_tui.texts import validation as tv
from mes_tui.widgets.controls import ActionButton, LinkButton
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.inputs import FormatInput, SecretInput
from mes_tui.widgets.password import PasswordChecklist

if TYPE_CHECKING:
    from mes_tui.models import PersonView
    from mes_tui.services.api import IdentifierCheck


class SuggestionLink(LinkButton):
    """A free identifier offered when the one typed is taken; pressing it fills the field."""

    def __init__(self, identifier: str) -> None:
        self.identifier = identifier
        super().__init__(
            t.SUGGESTION_LINK.format(identifier=safe.printable(identifier)), classes="suggestion"
        )


class IdentifierStatus(Vertical):
    """Under the identifier: "available", or the free alternatives to a taken identifier."""

    DEFAULT_CSS = """
    IdentifierStatus { height: auto; }
    IdentifierStatus > #identifier-note { display: none; }
    IdentifierStatus.-noted > #identifier-note { display: block; }
    IdentifierStatus > .suggestion { margin: 0 0 0 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="identifier-note", markup=False)

    @property
    def suggestions(self) -> list[str]:
        return [link.identifier for link in self.query(SuggestionLink)]

    def set_note(self, note: str | None) -> None:
        self.set_class(bool(note), "-noted")
        self.query_one("#identifier-note", Static).update(Content(note or ""))

    def clear_suggestions(self) -> None:
        if self.suggestions:
            self.show(None)

    def show(self, note: str | None, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        """Show ``note`` (or nothing) and one link per suggestion (replacing any shown)."""
        self.query(SuggestionLink).remove()
        self.set_note(note)
        if suggestions:
            self.mount_all([SuggestionLink(s) for s in suggestions])


class CredentialsScreen(PasswordScreen):
    PASSWORD_FIELDS = ("password", "confirmation")
    STEP = journey.Step.CREDENTIALS
    FIRST_FOCUS = "#identifier"

    def __init__(self) -> None:
        super().__init__()
        self._taken: str | None = None
        """The last identifier the back office said was taken (normalised)."""
        self._free: str | None = None
        """The identifier the note under the field says is available (normalised)."""
        self._checking_identifier = False
        self._submit_after_check = False

    # -- layout ---------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.INTRO), classes="intro")
        yield FormField(
            t.IDENTIFIER_LABEL,
            FormatInput(field_format=formats.IDENTIFIER, id="identifier"),
            hint=t.IDENTIFIER_HINT,
            extra=[IdentifierStatus(id="identifier-status")],
            id="field-identifier",
        )
        yield FormField(
            t.PASSWORD_LABEL,
            SecretInput(field_format=formats.PASSWORD, id="password", password=True),
            extra=[
                LinkButton(t.SHOW_PASSWORD, id="toggle-password"),
                PasswordChecklist(id="checklist"),
            ],
            id="field-password",
        )
        yield FormField(
            t.CONFIRMATION_LABEL,
            SecretInput(field_format=formats.PASSWORD, id="confirmation", password=True),
            hint=t.CONFIRMATION_HINT,
            id="field-confirmation",
        )
        with Horizontal(classes="actions"):
            yield ActionButton(t.VALIDATE, id="validate", variant="primary")

    @property
    def person(self) -> PersonView | None:
        return self.session.person

    def _input(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def _field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    @property
    def identifier_status(self) -> IdentifierStatus:
        return self.query_one("#identifier-status", IdentifierStatus)

    @on(events.DescendantFocus)
    def _focus_moved(self) -> None:
        self.call_after_refresh(self._keep_focus_in_view)

    def _keep_focus_in_view(self) -> None:
        """Scroll to the focused control; for the password, to the whole field, whose
        checklist sits under the input and must stay in view while the person types."""
        focused = self.focused
        if focused is None:
            return
        if focused.id == "password":
            self._field("password").scroll_visible(animate=False)
        else:
            focused.scroll_visible(animate=False)

    # -- the password checklist -----------------------------------------------------------
    @on(Input.Changed, "#password")
    def _password_changed(self, event: Input.Changed) -> None:
        self.query_one("#checklist", PasswordChecklist).update_for(event.value)

    # -- the identifier: availability and suggestions -------------------------------------
    @on(Input.Changed, "#identifier")
    def _identifier_changed(self, event: Input.Changed) -> None:
        # "Available" was said of what was typed before; suggestions stay until the next check.
        if self._normalized_identifier(event.value) != self._free:
            self._free = None
            if not self.identifier_status.suggestions:
                self.identifier_status.set_note(None)

    @on(Input.Blurred, "#identifier")
    def _identifier_left(self, event: Input.Blurred) -> None:
        if not self.is_current or self.busy or self.person is None:
            return
        identifier = self._normalized_identifier(event.value)
        if identifier is None:
            return  # the format is explained on submit, not while the person moves on
        if identifier in (self._taken, self._free):
            # Already answered: checking again would rebuild the suggestion links under
            # the focus and send it back into the field (a keyboard trap).
            return
        self._checking_identifier = True
        self.call_engine(
            lambda engine: engine.check_identifier(identifier), self._identifier_checked
        )

    @staticmethod
    def _normalized_identifier(raw: str) -> str | None:
        from pydantic_core import PydanticCustomError

        from mes_tui.models import normalize_identifier

        try:
            return normalize_identifier(raw)
        except PydanticCustomError:
            return None

    def _identifier_checked(self, outcome: Done[IdentifierCheck] | Refused) -> None:
        self._checking_identifier = False
        if isinstance(outcome, Refused):
            # Shown next to the field without taking the focus from where the person went.
            self._field("identifier").set_error(outcome.message)
            self.identifier_status.show(None)
            self._resume_submit()
            return
        check = outcome.value
        current = self._normalized_identifier(self._input("identifier").value)
        if current == check.identifier:  # not stale: the person did not change it meanwhile
            if check.available:
                self._taken = None
                self._free = check.identifier
                self._field("identifier").set_error(None)
                self.identifier_status.show(t.IDENTIFIER_FREE)
            else:
                self._taken = check.identifier
                self._field("identifier").set_error(t.IDENTIFIER_TAKEN)
                self._show_suggestions(check.suggestions)
        self._resume_submit()

    def _resume_submit(self) -> None:
        if self._submit_after_check:
            self._submit_after_check = False
            self.submit()

    def _show_suggestions(self, suggestions: list[str] | tuple[str, ...]) -> None:
        self.identifier_status.show(t.SUGGESTIONS_INTRO if suggestions else None, suggestions)
        # The links push what is below them down: keep the person's place.
        self.call_after_refresh(self._keep_focus_in_view)

    @on(LinkButton.Pressed, ".suggestion")
    def _suggestion_chosen(self, event: LinkButton.Pressed) -> None:
        event.stop()
        assert isinstance(event.button, SuggestionLink)
        chosen = event.button.identifier
        field_input = self._input("identifier")
        field_input.value = chosen
        field_input.cursor_position = len(chosen)
        self._taken = None
        self._free = chosen
        self._field("identifier").set_error(None)
        self.identifier_status.show(t.SUGGESTION_CHOSEN.format(identifier=chosen))
        field_input.focus()

    # -- submit ---------------------------------------------------------------------------
    def _local_errors(
        self, identifier: str | None, identifier_error: str | None, password: str, confirmation: str
    ) -> list[tuple[FormField, str]]:
        from mes_tui.models import password_problems

        person = self.person
        assert person is not None
        errors: list[tuple[FormField, str]] = []
        if identifier_error is not None:
            errors.append((self._field("identifier"), identifier_error))
        elif identifier is not None and identifier == self._taken:
            errors.append((self._field("identifier"), t.IDENTIFIER_TAKEN))
        problems = password_problems(
            password,
            confirmation,
            names=(person.first_name, person.last_name),
            birth_date=person.birth_date,
            identifier=identifier or self._input("identifier").value.strip() or None,
        )
        password_messages = [p for p in problems if p != tv.PASSWORD_MISMATCH]
        if password_messages:
            errors.append((self._field("password"), " ".join(password_messages)))
        if tv.PASSWORD_MISMATCH in problems:
            errors.append((self._field("confirmation"), tv.PASSWORD_MISMATCH))
        return errors

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#validate")
    def submit(self) -> None:
        from pydantic_core import PydanticCustomError

        from mes_tui.models import normalize_identifier

        if self.busy:
            # A check of the identifier is on its way: submit once it is back.
            self._submit_after_check = self._checking_identifier
            return
        person = self.person
        if person is None:
            self.show_refusal(t.NO_PERSON)
            return
        identifier: str | None = None
        identifier_error: str | None = None
        try:
            identifier = normalize_identifier(self._input("identifier").value)
        except PydanticCustomError as error:
            identifier_error = error.message()
        password = self._input("password").value
        confirmation = self._input("confirmation").value
        errors = self._local_errors(identifier, identifier_error, password, confirmation)
        if errors:
            if identifier is None or identifier != self._taken:
                self.identifier_status.clear_suggestions()
            self.show_field_errors(errors)
            return
        assert identifier is not None
        self.clear_errors()
        chosen = identifier
        self.call_engine(lambda engine: engine.activate(chosen, password), self._answered)

    def _answered(self, outcome: Outcome) -> None:
        if isinstance(outcome, Go):
            for name in ("password", "confirmation"):
                self._input(name).value = ""
        elif outcome.field == "identifier" and outcome.message == t.IDENTIFIER_TAKEN:
            self._taken = self._normalized_identifier(self._input("identifier").value)
            self._show_suggestions(outcome.suggestions)
        self.show_outcome(outcome)
