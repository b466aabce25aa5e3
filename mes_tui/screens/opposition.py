"""Opposition: the explicit confirmation, then the decision recorded with its receipt and the
attached profiles.

Only "Continuer" on the confirmation records anything (RGAA 11.12). The receipt can be saved
once; leaving the last screen before saving it asks first (Terminer, Escape, Ctrl+N).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.forms import show_service_error
from mes_tui.screens.profiles_host import ProfilesHostScreen
from mes_tui.texts import opposition as t
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.profiles import ProfilesPanel
from mes_tui.widgets.receipt import ReceiptPanel

if TYPE_CHECKING:
    pass


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


# -- the receipt, shared with a profile's page ---------------------------------------------------
def request_receipt(
    screen: StepScreen,
    event: ReceiptPanel.SaveRequested,
    nir: str,
    *,
    on_saved: Callable[[Path], Any] | None = None,
) -> None:
    """Save the receipt of ``nir``'s opposition where the panel of ``event`` says; the outcome
    goes back to the panel, a folder problem next to its field (nothing else is lost). Once
    saved, the download is gone and focus moves to the notice that says where the file is."""
    panel = event.panel
    if not event.folder:
        screen.show_field_errors([(panel.folder_field, t.FOLDER_EMPTY)])
        return
    folder = Path(event.folder).expanduser().absolute()

    def saved(path: Path) -> None:
        screen.clear_errors()
        panel.mark_saved(path)
        if on_saved is not None:
            on_saved(path)
        notice = panel.query_one("#saved")
        notice.focus(scroll_visible=False)
        screen.call_after_refresh(notice.scroll_visible, animate=False)

    def refused(error: Any) -> None:
        from mes_tui.services.errors import InvalidInput, ReceiptUnavailable

        if isinstance(error, ReceiptUnavailable):
            panel.mark_unavailable()
            screen.show_refusal(error.message)  # focus goes to the message at the top
        elif isinstance(error, InvalidInput):
            show_service_error(screen, error)
        else:
            screen.show_refusal(error.message)

    receipts = screen.mes_app.engine.receipts
    screen.call_service(lambda service: receipts.save(service, nir, folder), saved, refused)


def confirm_leaving(screen: StepScreen, panel: ReceiptPanel, leave: Callable[[], Any]) -> None:
    """``leave()`` at once if the receipt is saved (or gone); else after asking."""
    if not panel.pending:
        leave()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            leave()

    screen.app.push_screen(
        ConfirmScreen(t.LEAVE_TITLE, t.LEAVE_BODY, yes=t.LEAVE_YES, no=t.LEAVE_NO), answered
    )


def receipt_pending(screen: StepScreen) -> bool:
    """True if a receipt on any open screen can still be saved."""
    return any(
        panel.pending for shown in screen.app.screen_stack for panel in shown.query(ReceiptPanel)
    )


def next_person(screen: StepScreen) -> None:
    """Ctrl+N: if a receipt would be lost, ask about it (and only about it); else the app's
    own question about the person in progress."""
    if not receipt_pending(screen):
        screen.mes_app.action_new_session()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            screen.mes_app.wipe()

    screen.app.push_screen(
        ConfirmScreen(t.LEAVE_TITLE, t.LEAVE_BODY, yes=t.LEAVE_YES, no=t.LEAVE_NO), answered
    )


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
        request_receipt(self, event, person.nir, on_saved=self._saved)

    def _saved(self, path: Path) -> None:
        self.session.receipt_path = str(path)

    # -- leaving --------------------------------------------------------------------------
    def action_back(self) -> None:
        self.leave()

    def action_new_session(self) -> None:
        next_person(self)

    @on(ActionButton.Pressed, "#finish")
    def leave(self) -> None:
        """Terminer: done with this person; nothing of them stays on screen or in memory."""
        confirm_leaving(self, self.receipt, self.mes_app.wipe)
