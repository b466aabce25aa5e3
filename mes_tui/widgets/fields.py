"""Form pieces: a labelled field with hint and error, help panels that open in place,
and the error summary shown at the top of a form after a failed submit."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from mes_tui.texts import safe
from mes_tui.texts import ui as t
from mes_tui.widgets.controls import LinkButton
from mes_tui.widgets.inputs import FormatInput


def literal(text: str) -> Content:
    """Text from data as plain content: no markup, no control characters."""
    return Content(safe.printable(text))


class HelpPanel(Vertical):
    """A link that opens or closes a help text in place, from the keyboard or the mouse.

    The text is only built the first time the panel opens: most people never open it, and
    every widget counts in the time a screen takes to appear.
    """

    DEFAULT_CSS = """
    HelpPanel { height: auto; }
    HelpPanel > .help-body {
        display: none;
        border-left: thick $primary;
        padding: 0 1;
        margin: 0 0 1 2;
        height: auto;
    }
    HelpPanel.-open > .help-body { display: block; }
    """

    def __init__(self, title: str, body: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        yield LinkButton(self._label(), classes="help-toggle")

    def _label(self) -> str:
        return f"{t.HELP_CLOSE if self.is_open else t.HELP_OPEN} {self._title}"

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @property
    def body(self) -> str:
        return self._body

    def set_body(self, body: str) -> None:
        self._body = body
        for shown in self.query(".help-body").results(Static):
            shown.update(Content(body))

    def toggle(self) -> None:
        self.toggle_class("-open")
        self.query_one(".help-toggle", LinkButton).set_text(self._label())
        if not self.is_open:
            return
        found = self.query(".help-body").results(Static)
        shown = next(found, None)
        if shown is None:
            shown = Static(Content(self._body), classes="help-body")
            self.mount(shown)
        # Once laid out, so that the whole text is brought into view.
        self.call_after_refresh(shown.scroll_visible)

    def on_button_pressed(self, event: LinkButton.Pressed) -> None:
        event.stop()
        self.toggle()


class FormField(Vertical):
    """A label, a hint with the expected format, the control, its error and optional help.

    The label is prefixed with ``>`` while the control has focus, and the error line starts
    with "Erreur :" so that neither depends on colour. Label and hint are one widget, and the
    error line is only added the first time there is an error: fewer widgets, a screen that
    opens sooner. So is the note under the control that says its maximum was reached, while
    it is (``FormatInput.LimitReached``).
    """

    DEFAULT_CSS = """
    FormField { height: auto; margin: 0 0 1 0; }
    FormField > .field-error { display: none; color: $text-error; text-style: bold; }
    FormField > .field-note { color: $text-warning; }
    FormField.-invalid > .field-error { display: block; }
    FormField.-invalid > Input { border: tall $error; }
    """

    def __init__(
        self,
        label: str,
        control: Widget,
        *,
        hint: str | None = None,
        help_panel: HelpPanel | None = None,
        extra: Iterable[Widget] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.control = control
        self._hint = hint
        self._focused = False
        self.help_panel = help_panel
        self._extra = list(extra)
        self.error: str | None = None
        self.note: str | None = None
        """What the note under the control says (the maximum reached), or None."""

    def compose(self) -> ComposeResult:
        yield Static(self._heading(), classes="field-label")
        yield self.control
        yield from self._extra
        if self.help_panel is not None:
            yield self.help_panel

    @property
    def hint(self) -> str | None:
        return self._hint

    def set_hint(self, hint: str) -> None:
        self._hint = hint
        self._show_heading()

    def _heading(self) -> Content:
        """The label (bold, with ``>`` while focused) and, on the next line, the hint."""
        label = f"> {self.label}" if self._focused else f"  {self.label}"
        if not self._hint:
            return Content.styled(label, "bold")
        return Content.assemble((label, "bold"), "\n", (self._hint, "$text-muted"))

    def _show_heading(self) -> None:
        if self.is_mounted:
            self.query_one(".field-label", Static).update(self._heading())

    def on_descendant_focus(self) -> None:
        self._focused = True
        self._show_heading()

    def on_descendant_blur(self) -> None:
        self._focused = False
        self._show_heading()

    def on_format_input_limit_reached(self, event: FormatInput.LimitReached) -> None:
        event.stop()
        self.set_note(t.LIMIT_REACHED.format(count=event.limit))

    def on_format_input_limit_left(self, event: FormatInput.LimitLeft) -> None:
        event.stop()
        self.set_note(None)

    def set_note(self, message: str | None) -> None:
        """Show ``message`` under the control, not as an error (or take it away: ``None``)."""
        if message == self.note:
            return
        self.note = message
        line = next(self.query(".field-note").results(Static), None)
        if line is None:
            if message is not None:
                self.mount(Static(Content(message), classes="field-note"), after=self.control)
            return
        line.update(Content(message or ""))
        line.display = message is not None

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the control (or clear it with ``None``)."""
        if message == self.error:
            return  # as shown: nothing to restyle or lay out
        self.error = message
        self.set_class(message is not None, "-invalid")
        text = Content(f"{t.ERROR_PREFIX}{message}") if message else Content("")
        line = next(self.query(".field-error").results(Static), None)
        if line is not None:
            line.update(text)
        elif message is not None:
            self.mount(Static(text, classes="field-error"), after=self.control)


class ErrorSummary(Static, can_focus=True):
    """The list of problems at the top of a form; hidden while there are none."""

    DEFAULT_CSS = """
    ErrorSummary {
        display: none;
        border: heavy $error;
        padding: 0 1;
        height: auto;
        color: $text-error;
    }
    ErrorSummary.-shown { display: block; }
    ErrorSummary:focus { border: double $error; }
    """

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        """``errors``: (field label, message) pairs; an empty list hides the summary."""
        if not errors:
            self._show(None)
            return
        # Compact on purpose (80x24): the fields are named here, each message stands next
        # to its field.
        if len(errors) == 1:
            label, message = errors[0]
            text = f"{t.ERROR_SUMMARY_ONE} {label} : {message}"
        else:
            names = " ; ".join(label for label, _ in errors)
            text = f"{t.ERROR_SUMMARY_MANY.format(count=len(errors))} {names}."
        self._show(text)

    def show_message(self, message: str) -> None:
        """A refusal from the service that concerns the whole form."""
        self._show(f"{t.ERROR_PREFIX}{message}")

    _shown: str | None = None

    def _show(self, text: str | None) -> None:
        if text == self._shown:
            return  # as shown (or nothing shown): nothing to lay out again
        self._shown = text
        self.set_class(text is not None, "-shown")
        self.update(Content(text or ""))

    def clear(self) -> None:
        self.show_errors([])


class StepHeader(Static):
    """ "Étape N sur M — Titre", with a back arrow as in the seed."""

    DEFAULT_CSS = """
    StepHeader { height: auto; padding: 0 1; background: $boost; }
    StepHeader > .step { color: $text-muted; }
    """

    def __init__(
        self,
        title: str,
        position: tuple[int, int] | None = None,
        journey: str | None = None,
        *,
        back_arrow: bool = True,
    ) -> None:
        self._title = title
        self._back_arrow = back_arrow
        self._position = position
        self._journey = journey
        super().__init__(self._text())

    def _text(self) -> Content:
        arrow = "← " if self._back_arrow else ""
        if self._position is None:
            return Content(f"{arrow}{self._title}")
        n, m = self._position
        step = t.STEP.format(n=n, m=m, title=self._title)
        return Content(f"{arrow}{self._journey} · {step}" if self._journey else f"{arrow}{step}")
