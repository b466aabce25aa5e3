"""What a screen may ask of the application that shows it.

The step screens (``StepScreen.mes_app``) and the settings screen see the app as a ``Host``,
never as ``MesApp``: ``mes_tui.app`` imports the screens to show them, so the screens must not
import it back. ``MesApp`` is checked against this interface by mypy (at the end of app.py);
anything else a screen needs of the app is Textual's own (``Screen.app``: push a screen,
notify, the theme)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mes_tui import journey
    from mes_tui.engine import Go, Journey, Refused
    from mes_tui.preferences import Preferences


class Host(Protocol):
    """The app, as the screens use it."""

    # -- the person being served, and the journey engine --------------------------------------
    @property
    def session(self) -> journey.Session:
        """What the journey knows about the person being served."""
        ...

    @property
    def engine(self) -> Journey:
        """The journey engine on the session and the back office (from a worker thread: it
        may open the back office)."""
        ...

    def receipts_dir(self) -> Path:
        """Where receipts go unless the person types another folder."""
        ...

    # -- settings -------------------------------------------------------------------------------
    @property
    def prefs(self) -> Preferences:
        """The person's settings in force."""
        ...

    @property
    def messages_allowed(self) -> bool:
        """False when the administrator turned the simulated messages off."""
        ...

    # -- navigation -----------------------------------------------------------------------------
    def go(self, go: Go, refused: Refused | None = None) -> None:
        """Show where the engine sends the person, then ``refused`` there."""
        ...

    def go_back(self) -> None:
        """Back to the screen beneath, if there is one."""
        ...

    def back_to_welcome(self) -> None:
        """Back to the welcome screen, the session kept."""
        ...

    def wipe(self) -> None:
        """Forget the person being served, back to the welcome screen."""
        ...

    def action_new_session(self) -> None:
        """Next person, after a confirmation if something would be lost."""
        ...

    # -- simulated messages ---------------------------------------------------------------------
    def show_messages_since(self, count: int) -> None:
        """Show the simulated messages the engine kept after the first ``count``."""
        ...

    # -- the terminal cursor --------------------------------------------------------------------
    def sync_cursor(self) -> None:
        """Put the terminal cursor on the focused element."""
        ...

    # -- work off the event loop, and the end ---------------------------------------------------
    @property
    def closing(self) -> bool:
        """True once the app is on its way out: nothing scheduled earlier may touch the
        screens."""
        ...

    def call_from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """From a worker thread: ``callback(*args)`` on the event loop, unless the app is
        closing by then."""
        ...

    def run_in_background(self, work: Callable[[], object], *, name: str) -> None:
        """Run ``work`` in a thread that the end of the program does not wait for."""
        ...
