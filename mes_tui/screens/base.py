"""What every step screen shares: header, scrolling body, error summary, footer, back key,
field errors, and the journey engine's calls run off the event loop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from mes_tui import journey, presenters
from mes_tui.texts import ui as t
from mes_tui.widgets.controls import LinkButton
from mes_tui.widgets.fields import ErrorSummary, FormField, StepHeader
from mes_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from mes_tui.engine import Journey, Outcome, Refused
    from mes_tui.host import Host

T = TypeVar("T")


class TopBar(Static):
    """The service name, always at the top."""

    DEFAULT_CSS = """
    TopBar {
        dock: top; height: 1; background: $primary; color: $text; padding: 0 1;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(Content("mon ESPACE SANTÉ  ·  l'Assurance Maladie"))


class StepScreen(Screen[None]):
    """A step of a journey. Subclasses set ``STEP`` and write ``compose_body``."""

    STEP: ClassVar[journey.Step] = journey.Step.WELCOME
    AUTO_FOCUS = ""  # replaced by FIRST_FOCUS, placed once the layout is known
    FIRST_FOCUS: ClassVar[str | None] = "Input, ActionButton"
    """Selector of the widget that gets focus when the screen first shows."""
    SHOW_POSITION: ClassVar[bool] = True
    BACK_ARROW: ClassVar[bool] = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", t.KEY_BACK, id="back"),
    ]
    AHEAD: ClassVar[tuple[tuple[journey.Step, journey.Branch], ...]] = ()
    """The steps this one may lead to, each on its branch: built ahead, while the person reads
    or types here (``mes_tui.navigation``), so that the next screen shows without waiting."""

    branch: journey.Branch | None = None
    """The journey the screen belongs to: given when it is built ahead, else the session's."""
    arrival_notice: str | None = None
    """The sentence the engine's answer that led here gave to show (``Go.notice``), set by the
    navigator on a screen it builds for that answer (not on one built ahead)."""
    built_for: tuple[object, ...] | None = None
    """What the screen was composed from (``session_key``), once composed."""
    styled_ahead = False
    """Built ahead, and nothing that changes how widgets look (theme, terminal focus) has
    changed since: its styles are those it would get when shown."""

    DEFAULT_CSS = """
    StepScreen #body { padding: 0 1; }
    StepScreen #body { height: 1fr; }
    StepScreen #status { height: auto; padding: 0 1; display: none; text-style: bold; }
    StepScreen #status.-shown { display: block; }
    StepScreen .intro { margin: 1 0; }
    StepScreen .actions { height: auto; margin: 1 0; }
    """

    @property
    def mes_app(self) -> Host:
        """The app showing this screen, as screens see it (``mes_tui.host``)."""
        return cast("Host", self.app)

    @property
    def session(self) -> journey.Session:
        return self.mes_app.session

    def title_text(self) -> str:
        return journey.TITLES[self.STEP]

    def compose(self) -> ComposeResult:
        yield TopBar()
        branch = self.branch = self.branch or self.session.branch
        pos = journey.position(self.STEP, branch) if self.SHOW_POSITION else None
        yield StepHeader(
            self.title_text(),
            pos,
            journey.JOURNEY_NAMES[branch] if pos else None,
            back_arrow=self.BACK_ARROW,
        )
        # Not a tab stop: focus always sits on something the person can act on, and moving
        # focus scrolls the body to it.
        with VerticalScroll(id="body", can_focus=False):
            yield ErrorSummary(id="summary")
            yield from self.compose_body()
        yield Static("", id="status", markup=False)
        yield KeyBar()
        self.built_for = self.session_key()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def session_key(self) -> tuple[object, ...]:
        """What of the session the screen's content comes from. A screen built ahead is shown
        only if this is still what the session holds; else a new one is built."""
        s = self.session
        return (s.person, s.card_type, s.accepted_terms, s.identifier, s.notice)

    def post_message(self, message: Message) -> bool:
        # Textual styles a screen again each time it is pushed (ScreenResume), in case the
        # app's look changed while it was away: for a screen built ahead, only if it did.
        if isinstance(message, events.ScreenResume) and self.styled_ahead:
            message.refresh_styles = False
            self.styled_ahead = False
        return super().post_message(message)

    def show_person(self) -> None:
        """Fill in what depends on the person identified, for a screen that was built before
        the identification (see ``session_key``): from ``on_mount``, and again just before a
        screen built ahead shows."""

    def on_mount(self) -> None:
        # A screen built ahead may be mounted as the program ends (the person quit while it
        # was being built): its widgets are being closed, nothing of it will show.
        if self.mes_app.closing:
            return
        if self.mes_app.prefs.calm:
            for field in self.query(Input):
                field.cursor_blink = False
        if self.is_current:  # a screen built ahead places its focus when it first shows
            self.call_after_refresh(self._focus_first)

    def on_screen_resume(self) -> None:
        # Focus comes back to where it was: so must the terminal cursor.
        self.call_after_refresh(self._focus_first)
        self.call_after_refresh(self.mes_app.sync_cursor)

    def _focus_first(self) -> None:
        # Focusing through AUTO_FOCUS happens before layout and may centre the widget,
        # hiding the screen's introduction; here we scroll only if it is really hidden.
        if self.FIRST_FOCUS is None or self.focused is not None:
            return
        targets = [w for w in self.query(self.FIRST_FOCUS) if w.focusable]
        if targets:
            self.set_focus(targets[0], scroll_visible=False)
            targets[0].scroll_visible(animate=False)

    # -- navigation ---------------------------------------------------------------------
    def action_back(self) -> None:
        self.mes_app.go_back()

    def toggle_focused_help(self) -> bool:
        """Open or close the help panel of the focused field; False if it has none."""
        from mes_tui.widgets.fields import HelpPanel

        node = self.focused
        while node is not None and node is not self:
            if isinstance(node, HelpPanel):
                node.toggle()
                return True
            if isinstance(node, FormField) and node.help_panel is not None:
                node.help_panel.toggle()
                return True
            node = node.parent  # type: ignore[assignment]
        return False

    # -- errors -------------------------------------------------------------------------
    @property
    def summary(self) -> ErrorSummary:
        return self.query_one("#summary", ErrorSummary)

    def clear_errors(self) -> None:
        self.summary.clear()
        for form_field in self.query(FormField):
            form_field.set_error(None)

    def show_field_errors(self, errors: Iterable[tuple[FormField, str]]) -> None:
        """Mark each field, list them in the summary and move focus to the first one.

        What is shown already stays as it is: the same errors again (Enter pressed twice, or
        held down, or the line breaks of a paste without brackets) change nothing on screen,
        so that they cost no restyling and no layout."""
        errors = list(errors)
        messages = dict(errors)
        for form_field in self.query(FormField):
            form_field.set_error(messages.get(form_field))
        self.summary.show_errors([(f.label, m) for f, m in errors])
        if errors:
            first = errors[0][0]
            # Show the summary at the top, then the whole first field (label, control, error)
            # without centring it, which would hide both.
            # Through the control's own focus(): a group (the three date boxes) focuses
            # its first box.
            first.control.focus(scroll_visible=False)
            body = self.query_one("#body", VerticalScroll)
            body.scroll_home(animate=False, immediate=True)
            # Twice deferred: the summary and the error lines only take their height at the
            # next layout, and the whole field (label, control, error) must then be in view.
            self.call_after_refresh(self.call_after_refresh, self._show_field, first)

    def form_field(self, name: str) -> FormField | None:
        """The form field whose control has id ``name`` (refusals name fields so)."""
        for form_field in self.query(FormField):
            if form_field.control.id == name:
                return form_field
        return None

    def _show_field(self, form_field: FormField) -> None:
        error = form_field.query(".field-error")
        target = error.first() if error else form_field
        form_field.scroll_visible(animate=False, immediate=True)
        target.scroll_visible(animate=False, immediate=True)

    def show_refusal(self, message: str) -> None:
        """A refusal that concerns the whole form, shown at the top and read first."""
        self.summary.show_message(message)
        self.summary.focus(scroll_visible=False)
        # The summary is the first thing in the body. Scrolled home once laid out: asked
        # before, while it takes its height again (the submit hid it), the scroll could stay
        # where the field was, the refusal out of view above it.
        self.call_after_refresh(self._scroll_home)

    def _scroll_home(self) -> None:
        self.query_one("#body", VerticalScroll).scroll_home(animate=False, immediate=True)

    # -- calls off the event loop -------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        """Mark a service call as running (a second submit is ignored meanwhile). The
        "Traitement en cours…" line only shows if the call lasts: a quicker answer does not
        flash it, nor lay the whole screen out twice on its way to the next."""
        self._busy = busy
        timer = getattr(self, "_busy_timer", None)
        if timer is not None:
            timer.stop()
            self._busy_timer = None
        if busy:
            self._busy_timer = self.set_timer(presenters.BUSY_SHOWN_AFTER, self._show_busy)
        else:
            self._show_busy(shown=False)

    def _show_busy(self, shown: bool = True) -> None:
        # On the status line only: a class on the screen would restyle every widget.
        status = self.query_one("#status", Static)
        if status.has_class("-shown") != shown:
            status.set_class(shown, "-shown")
            status.update(t.BUSY if shown else "")

    @property
    def busy(self) -> bool:
        return getattr(self, "_busy", False)

    # -- the journey engine ---------------------------------------------------------------
    def call_engine(self, call: Callable[[Journey], T], on_done: Callable[[T], Any]) -> None:
        """``call(journey)`` in a worker thread (it may call the back office), then
        ``on_done(answer)`` on the event loop, with the simulated messages it sent shown.
        A second call while one runs is ignored, so a double Enter does not submit twice."""
        if self.busy:
            return
        self.set_busy(True)
        app = self.mes_app
        seen = len(app.session.messages)

        def work() -> None:
            from mes_tui.services.errors import ServiceError

            try:
                answer = call(app.engine)
            except ServiceError as error:  # the engine answers refusals: a slip of it, said
                app.call_from_worker(self._finish, seen, self.show_refusal, error.message)
            except Exception as error:
                # The type only: values in a traceback could carry a NIR or a code.
                logging.getLogger("mes_tui").error(
                    "unexpected error in a service call: %s", type(error).__name__
                )
                app.call_from_worker(self._finish, seen, self.show_refusal, t.UNEXPECTED_ERROR)
            else:
                app.call_from_worker(self._finish, seen, on_done, answer)

        self.run_worker(work, thread=True, exclusive=True, group="service", exit_on_error=False)

    def _finish(self, seen: int, callback: Callable[[Any], Any], value: Any) -> None:
        self.set_busy(False)
        self.mes_app.show_messages_since(seen)
        try:
            callback(value)
        except Exception as error:
            # Raised back in the worker thread, it would be lost there, and the person left
            # before a screen that does nothing: say it here (the type only, as above).
            logging.getLogger("mes_tui").error(
                "unexpected error after a service call: %s", type(error).__name__
            )
            self.show_refusal(t.UNEXPECTED_ERROR)

    def show_outcome(self, outcome: Outcome) -> None:
        """Where the engine sends the person, or its refusal shown here."""
        from mes_tui.engine import Go

        if isinstance(outcome, Go):
            self.mes_app.go(outcome)
        elif outcome.go is not None:
            self.mes_app.go(outcome.go, outcome)
        else:
            self.show_refused(outcome)

    def show_refused(self, refused: Refused) -> None:
        """A refusal on this screen: next to the field it names if the screen has it, else
        at the top."""
        form_field = self.form_field(refused.field) if refused.field else None
        if form_field is not None:
            self.show_field_errors([(form_field, refused.message)])
        else:
            self.show_refusal(refused.message)


class PasswordScreen(StepScreen):
    """A step with password fields (``PASSWORD_FIELDS``) that F3 or the ``#toggle-password``
    link shows or masks together."""

    PASSWORD_FIELDS: ClassVar[tuple[str, ...]] = ("password",)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "show_password", t.KEY_SHOW_PASSWORD, id="show_password"),
        Binding("f3", "hide_password", t.KEY_HIDE_PASSWORD, id="hide_password"),
    ]

    _revealed = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Only the F3 binding that applies is listed in the footer.
        if action == "show_password":
            return not self._revealed
        if action == "hide_password":
            return self._revealed
        return True

    def action_show_password(self) -> None:
        self.reveal_password(True)

    def action_hide_password(self) -> None:
        self.reveal_password(False)

    @on(LinkButton.Pressed, "#toggle-password")
    def _toggle_pressed(self, event: LinkButton.Pressed) -> None:
        event.stop()
        self.reveal_password(not self._revealed)

    def reveal_password(self, revealed: bool) -> None:
        """Show (``True``) or mask every password field of the screen."""
        self._revealed = revealed
        for name in self.PASSWORD_FIELDS:
            self.query_one(f"#{name}", Input).password = not revealed
        self.query_one("#toggle-password", LinkButton).set_text(
            t.HIDE_PASSWORD if revealed else t.SHOW_PASSWORD
        )
        self.refresh_bindings()
