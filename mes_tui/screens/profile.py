"""Managing an attached profile (Gérer le profil): activate it, or oppose its creation.

Opened over the home page or the opposition's last screen, for the profile under the cursor.
For a minor, the holder certifies being the legal representative. An opposition is confirmed
explicitly, then recorded with the status the person saw (``expected``): if somebody decided for
that profile in the meantime, nothing is written, the page says so and shows the new status.
After an opposition the page offers that profile's receipt, once; after an activation it goes
back to the list, which shows the new status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.engine.outcomes import Refused
from mes_tui.models import ProfileView, Status
from mes_tui.presenters import certified_name, profile_actions, status_text
from mes_tui.screens.base import StepScreen
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.receipt_flow import confirm_leaving, next_person, request_receipt
from mes_tui.texts import opposition as to
from mes_tui.texts import profile as t
from mes_tui.texts import safe
from mes_tui.widgets.choice_list import ChoiceList, Option
from mes_tui.widgets.controls import ActionButton, Tick
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.receipt import ReceiptPanel

if TYPE_CHECKING:
    from mes_tui.engine.outcomes import Done
    from mes_tui.services.api import Decision

ACTIVATE = "activate"
OPPOSE = "oppose"


def options_for(status: Status) -> list[Option]:
    """The decisions that change something for a profile in ``status``."""
    return [
        Option(ACTIVATE if action.status is Status.ACTIVE else OPPOSE, action.label, action.detail)
        for action in profile_actions(status)
    ]


class ProfileScreen(StepScreen):
    """One attached profile of the person in session."""

    STEP = journey.Step.HOME  # a page of the account, not a step of a journey
    SHOW_POSITION = False
    FIRST_FOCUS = "#choice, #download"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_session", to.KEY_NEW_SESSION, id="new_session"),
    ]

    DEFAULT_CSS = """
    ProfileScreen #profile-status { margin: 1 0 0 0; text-style: bold; }
    ProfileScreen #done-message { margin: 1 0 0 0; text-style: bold; }
    """

    def __init__(self, profile: ProfileView) -> None:
        super().__init__()
        self.profile = profile
        self.opposed = False
        """True once this page recorded an opposition: it then offers the receipt."""

    def title_text(self) -> str:
        return t.TITLE.format(name=safe.printable(self.profile.display_name))

    # -- layout ---------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        profile = self.profile
        status = status_text(profile.status, profile.decided_on)
        if self.opposed:
            yield Static(
                Content(t.OPPOSED.format(name=safe.printable(profile.display_name), status=status)),
                id="done-message",
            )
            yield Static(Content(t.RECEIPT_INTRO), classes="intro")
            yield ReceiptPanel(self.mes_app.receipts_dir(), id="receipt")
            with Horizontal(classes="actions"):
                yield ActionButton(t.BACK_TO_LIST, id="back-to-list")
            return
        yield Static(Content(t.STATUS.format(status=status)), id="profile-status")
        if profile.is_minor:
            yield Static(Content(t.MINOR_NOTE), classes="intro")
        yield FormField(
            t.CHOICE_LABEL,
            ChoiceList(options_for(profile.status), id="choice"),
            hint=t.CHOICE_HINT,
            id="field-choice",
        )
        if profile.is_minor:
            yield FormField(
                t.CERTIFY_LABEL,
                Tick(t.CERTIFY.format(name=certified_name(profile)), id="certify"),
                id="field-certify",
            )
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.VALIDATE, id="validate", variant="primary")

    async def show_profile(self, profile: ProfileView, *, opposed: bool = False) -> None:
        """Rebuild the page for ``profile`` as the registry now has it."""
        self.profile = profile
        self.opposed = opposed
        await self.recompose()
        self.call_after_refresh(self._focus_first)

    # -- the decision ---------------------------------------------------------------------
    @on(ChoiceList.Changed, "#choice")
    def _choice_changed(self) -> None:
        self.query_one("#field-choice", FormField).set_error(None)

    @on(Tick.Changed, "#certify")
    def _certified(self, event: Tick.Changed) -> None:
        if event.value:
            self.query_one("#field-certify", FormField).set_error(None)

    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        self.mes_app.go_back()

    @on(ActionButton.Pressed, "#validate")
    def submit(self) -> None:
        choice = self.query_one("#choice", ChoiceList).value
        certified = self.profile.is_minor and self.query_one("#certify", Tick).value
        errors: list[tuple[FormField, str]] = []
        if choice is None:
            errors.append((self.query_one("#field-choice", FormField), t.CHOICE_MISSING))
        if self.profile.is_minor and not certified:
            certify = t.CERTIFY.format(name=certified_name(self.profile))
            errors.append(
                (
                    self.query_one("#field-certify", FormField),
                    t.CERTIFY_MISSING.format(certify=certify),
                )
            )
        if errors:
            self.show_field_errors(errors)
            return
        self.clear_errors()
        if choice == ACTIVATE:
            self.record(Status.ACTIVE, certified=certified)
            return
        closing = self.profile.status is Status.ACTIVE
        name = safe.printable(self.profile.display_name)

        def answered(yes: bool | None) -> None:
            if yes:
                self.record(Status.OPPOSEE, certified=certified)

        self.app.push_screen(
            ConfirmScreen(
                (t.CONFIRM_CLOSE_TITLE if closing else t.CONFIRM_TITLE).format(name=name),
                t.CONFIRM_CLOSE_BODY if closing else t.CONFIRM_BODY,
                yes=t.CONFIRM_YES,
                no=t.CONFIRM_NO,
            ),
            answered,
        )

    def record(self, status: Status, *, certified: bool) -> None:
        """Record ``status`` for the profile, if it still has the status the person saw."""
        profile_nir, seen = self.profile.nir, self.profile.status
        self.call_engine(
            lambda engine: engine.decide_profile(profile_nir, status, seen, certified=certified),
            self._recorded,
        )

    def _recorded(self, outcome: Done[Decision] | Refused) -> None:
        # The engine read the holder again in every case: the page shows what is recorded.
        self.call_later(self._show_outcome, outcome)

    async def _show_outcome(self, outcome: Done[Decision] | Refused) -> None:
        holder = self.session.person
        profiles = holder.profiles if holder is not None else ()
        fresh = next((p for p in profiles if p.nir == self.profile.nir), None)
        if fresh is None:  # no longer attached: nothing to show here
            self.mes_app.go_back()
            return
        if isinstance(outcome, Refused):
            if fresh != self.profile:  # somebody decided meanwhile: show what now stands
                await self.show_profile(fresh)
            self.show_refused(outcome)
            return
        if fresh.status is Status.OPPOSEE:
            await self.show_profile(fresh, opposed=True)
            return
        self.app.notify(
            t.ACTIVATED.format(name=safe.printable(fresh.display_name)), markup=False, timeout=8
        )
        self.mes_app.go_back()

    # -- the receipt, after an opposition -------------------------------------------------
    @on(ReceiptPanel.SaveRequested, "#receipt")
    def download(self, event: ReceiptPanel.SaveRequested) -> None:
        request_receipt(self, event, self.profile.nir)

    @property
    def _receipt(self) -> ReceiptPanel | None:
        panels = self.query(ReceiptPanel)
        return panels.first() if panels else None

    # -- leaving --------------------------------------------------------------------------
    def _leave(self, then: Any) -> None:
        receipt = self._receipt
        if receipt is None:
            then()
        else:
            confirm_leaving(self, receipt, then)

    @on(ActionButton.Pressed, "#back-to-list")
    def back_to_list(self) -> None:
        self._leave(self.mes_app.go_back)

    def action_back(self) -> None:
        self._leave(self.mes_app.go_back)

    def action_new_session(self) -> None:
        next_person(self)
