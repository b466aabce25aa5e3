"""The opposition receipt on a screen (the opposition's last screen, a profile's page): saving
it through the journey engine, and leaving before it is saved, which asks first (Terminer,
Escape, Ctrl+N)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.texts import opposition as t
from mes_tui.widgets.receipt import ReceiptPanel

if TYPE_CHECKING:
    from mes_tui.engine.outcomes import Done, Refused
    from mes_tui.screens.base import StepScreen


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

    def answered(outcome: Done[Path] | Refused) -> None:
        from mes_tui.engine.outcomes import Refused

        if isinstance(outcome, Refused):
            if outcome.gone:  # saved already: it cannot be saved again
                panel.mark_unavailable()
                screen.show_refusal(outcome.message)  # focus goes to the message at the top
            else:
                screen.show_refused(outcome)
            return
        screen.clear_errors()
        panel.mark_saved(outcome.value)
        if on_saved is not None:
            on_saved(outcome.value)
        notice = panel.query_one("#saved")
        notice.focus(scroll_visible=False)
        screen.call_after_refresh(notice.scroll_visible, animate=False)

    screen.call_engine(lambda engine: engine.save_receipt(nir, folder), answered)


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
