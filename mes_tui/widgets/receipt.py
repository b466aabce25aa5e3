"""The opposition receipt block: the folder, "↓ Télécharger le justificatif", then the path.

The receipt can be saved once. Before: a folder field (the proposed folder, or one the person
types) and the download action. After: the full path of the file written, a print action where
``lp`` exists, and no download action any more. The panel does not call the back office: it asks
its screen with ``ReceiptPanel.SaveRequested`` and is told the outcome (``saved``,
``unavailable``); errors about the folder go next to the folder field, through the screen.
"""

from __future__ import annotations

import functools
import shutil
from enum import StrEnum
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from mes_tui import formats
from mes_tui.texts import opposition as t
from mes_tui.texts import safe
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.inputs import FormatInput


class ReceiptState(StrEnum):
    AVAILABLE = "available"
    SAVED = "saved"
    UNAVAILABLE = "unavailable"


def can_print() -> bool:
    return shutil.which("lp") is not None


class ReceiptNotice(Static, can_focus=True):
    """Where the receipt went. It takes the focus once the receipt is saved, so that the
    person (and a screen reader, or a braille display following the cursor) reads the path."""

    DEFAULT_CSS = """
    ReceiptNotice:focus { text-style: bold reverse; }
    """

    def cursor_offset(self) -> tuple[int, int]:
        return (0, 0)


class ReceiptPanel(Vertical):
    DEFAULT_CSS = """
    ReceiptPanel { height: auto; }
    ReceiptPanel > #receipt-form { height: auto; }
    ReceiptPanel > #receipt-form > #download { margin: 0 0 1 0; }
    ReceiptPanel > #saved, ReceiptPanel > #print { display: none; }
    ReceiptPanel.-saved > #receipt-form, ReceiptPanel.-unavailable > #receipt-form {
        display: none;
    }
    ReceiptPanel.-saved > #saved, ReceiptPanel.-unavailable > #saved { display: block; }
    ReceiptPanel.-saved > #print { display: block; margin: 0 0 1 0; }
    ReceiptPanel > #saved { margin: 0 0 1 0; text-style: bold; }
    /* A bar at the left marks the focus in characters, not only in reverse video. */
    ReceiptPanel > #saved { border-left: blank; }
    ReceiptPanel > #saved:focus { text-style: bold reverse; border-left: outer $accent; }
    """

    class SaveRequested(Message):
        """The person asks for the receipt in ``folder`` (what they typed, stripped)."""

        def __init__(self, panel: ReceiptPanel, folder: str) -> None:
            super().__init__()
            self.panel = panel
            self.folder = folder

        @property
        def control(self) -> ReceiptPanel:
            return self.panel

    def __init__(self, default_folder: Path, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.default_folder = default_folder
        self.state = ReceiptState.AVAILABLE
        self.saved_path: Path | None = None
        self._printable = can_print()

    def compose(self) -> ComposeResult:
        with Vertical(id="receipt-form"):
            yield FormField(
                t.FOLDER_LABEL,
                # PATH_MAX on Linux: what is pasted beyond is left out, not laid out at every
                # frame.
                FormatInput(str(self.default_folder), field_format=formats.FOLDER, id="folder"),
                hint=t.FOLDER_HINT,
                id="field-folder",
            )
            yield ActionButton(t.DOWNLOAD, id="download", variant="primary")
        yield ReceiptNotice("", id="saved", markup=False)
        if self._printable:
            yield ActionButton(t.PRINT, id="print")

    # -- state ----------------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        """True while the receipt can still be saved: leaving now would lose it."""
        return self.state is ReceiptState.AVAILABLE

    @property
    def folder_field(self) -> FormField:
        return self.query_one("#field-folder", FormField)

    @property
    def folder_text(self) -> str:
        return self.query_one("#folder", Input).value.strip()

    def mark_saved(self, path: Path) -> None:
        """The file is written: show where, and take the download action away."""
        self.state = ReceiptState.SAVED
        self.saved_path = path
        self.folder_field.set_error(None)
        self.query_one("#saved", ReceiptNotice).update(
            Content(t.SAVED.format(path=safe.printable(str(path))) + "\n" + t.SAVED_DETAIL)
        )
        self.set_class(True, "-saved")

    def mark_unavailable(self) -> None:
        """The back office refuses the receipt (saved already, from here or elsewhere)."""
        self.state = ReceiptState.UNAVAILABLE
        self.query_one("#saved", ReceiptNotice).update(Content(t.UNAVAILABLE))
        self.set_class(True, "-unavailable")

    # -- actions --------------------------------------------------------------------------
    @on(Input.Submitted, "#folder")
    @on(ActionButton.Pressed, "#download")
    def request_save(self, event: Input.Submitted | ActionButton.Pressed) -> None:
        event.stop()
        if self.state is ReceiptState.AVAILABLE:
            self.post_message(self.SaveRequested(self, self.folder_text))

    @on(ActionButton.Pressed, "#print")
    def request_print(self, event: ActionButton.Pressed) -> None:
        event.stop()
        if self.saved_path is not None:
            self._print(self.saved_path)

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def _print(self, path: Path) -> None:
        import subprocess

        try:
            subprocess.run(  # noqa: S603
                ["lp", "--", str(path)],  # noqa: S607 - the system's lp, found by can_print()
                check=True,
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.SubprocessError) as error:
            message = t.PRINT_FAILED.format(reason=type(error).__name__, path=path)
        else:
            message = t.PRINTED
        # Unless the person quit meanwhile (MesApp.call_from_worker).
        deliver = getattr(self.app, "call_from_worker", self.app.call_from_thread)
        deliver(functools.partial(self.app.notify, message, markup=False))
