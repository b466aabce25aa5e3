"""Opposition: the explicit confirmation, then the decision recorded with its receipt."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.texts import opposition as t
from mes_tui.widgets.controls import ActionButton
from mes_tui.widgets.fields import FormField


class OpposeConfirmScreen(StepScreen):
    """Je valide l'opposition: only Continuer records the decision (RGAA 11.12)."""

    STEP = journey.Step.OPPOSE_CONFIRM
    FIRST_FOCUS = "#cancel"

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
        person = self.session.person
        assert person is not None
        nir, seen = person.nir, person.status

        def oppose(service: Any) -> Any:
            service.oppose(nir, expected=seen)
            return service.get_person(nir)

        self.call_service(oppose, self._recorded)

    def _recorded(self, person: Any) -> None:
        self.session.person = person
        self.mes_app.restart_at(journey.Step.OPPOSED)


class OpposedScreen(StepScreen):
    """Ma décision a bien été prise en compte: the receipt, once, then the attached profiles."""

    STEP = journey.Step.OPPOSED
    FIRST_FOCUS = "#download"

    DEFAULT_CSS = """
    OpposedScreen #receipt-block { height: auto; }
    OpposedScreen #saved { display: none; }
    OpposedScreen.-saved #saved { display: block; }
    OpposedScreen.-saved #receipt-block { display: none; }
    OpposedScreen #profiles-block { height: auto; margin: 1 0 0 0; }
    """

    def compose_body(self) -> ComposeResult:
        from mes_tui.models import format_date

        person = self.session.person
        assert person is not None
        if person.decided_on is not None:
            yield Static(Content(t.DECIDED_ON.format(date=format_date(person.decided_on))))
        yield Static(Content(t.DONE_BODY), classes="intro")
        with Vertical(id="receipt-block"):
            yield FormField(
                t.FOLDER_LABEL,
                Input(str(self.mes_app.receipts_dir()), id="folder"),
                hint=t.FOLDER_HINT,
                id="field-folder",
            )
            yield ActionButton(t.DOWNLOAD, id="download", variant="primary")
        yield Static("", id="saved", classes="notice", markup=False)
        if shutil.which("lp"):
            yield ActionButton(t.PRINT, id="print")
        with Vertical(id="profiles-block"):
            if person.profiles:
                from mes_tui.widgets.profiles import ProfileList

                yield Static(Content(t.PROFILES_INTRO))
                yield Static(Content(t.PROFILES_HELP), classes="hint")
                yield ProfileList.of(person.profiles, id="profiles")
        with Horizontal(classes="actions"):
            yield ActionButton(t.FINISH, id="finish")

    @property
    def saved_path(self) -> str | None:
        return self.session.receipt_path

    @on(Input.Submitted, "#folder")
    @on(ActionButton.Pressed, "#download")
    def download(self) -> None:
        folder_text = self.query_one("#folder", Input).value.strip()
        form_field = self.query_one("#field-folder", FormField)
        if not folder_text:
            self.show_field_errors([(form_field, t.FOLDER_EMPTY)])
            return
        person = self.session.person
        assert person is not None
        folder = Path(folder_text).expanduser()
        self.call_service(
            lambda service: service.save_receipt(person.nir, folder),
            self._saved,
        )

    def _saved(self, path: Any) -> None:
        self.clear_errors()
        self.session.receipt_path = str(path)
        self.query_one("#saved", Static).update(Content(t.SAVED.format(path=path)))
        self.add_class("-saved")
        self.query_one("#finish").focus()

    @on(ActionButton.Pressed, "#print")
    def print_receipt(self) -> None:
        if self.saved_path is None:
            self.download()
            return
        self._print(self.saved_path)

    @work(thread=True, exclusive=True, group="print", exit_on_error=False)
    def _print(self, path: str) -> None:
        import subprocess

        try:
            subprocess.run(["lp", path], check=True, capture_output=True, timeout=30)  # noqa: S603,S607
        except (OSError, subprocess.SubprocessError) as error:
            message = t.PRINT_FAILED.format(reason=type(error).__name__, path=path)
        else:
            message = t.PRINTED
        self.app.call_from_thread(self.notify, message, markup=False)

    def action_back(self) -> None:
        self.leave()

    @on(ActionButton.Pressed, "#finish")
    def leave(self) -> None:
        if self.saved_path is not None:
            self.mes_app.back_to_welcome()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.mes_app.back_to_welcome()

        self.app.push_screen(
            ConfirmScreen(t.LEAVE_TITLE, t.LEAVE_BODY, yes=t.LEAVE_YES, no=t.LEAVE_NO), answered
        )
