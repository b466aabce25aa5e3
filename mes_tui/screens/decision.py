"""Je prends ma décision: activate (with the CGU) or oppose."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.engine.outcomes import Go
from mes_tui.screens.base import StepScreen
from mes_tui.texts import decision as t
from mes_tui.texts import safe
from mes_tui.widgets.choice_list import ChoiceList, Option
from mes_tui.widgets.controls import ActionButton, LinkButton, Tick
from mes_tui.widgets.fields import FormField

ACTIVATE = "activate"
OPPOSE = "oppose"


class DecisionScreen(StepScreen):
    STEP = journey.Step.DECISION
    FIRST_FOCUS = "#decision"
    AHEAD = (
        (journey.Step.CONTACTS, journey.Branch.ACTIVATION),
        (journey.Step.OPPOSE_CONFIRM, journey.Branch.OPPOSITION),
    )

    DEFAULT_CSS = """
    DecisionScreen #terms-block { display: none; height: auto; }
    DecisionScreen.-activating #terms-block { display: block; }
    DecisionScreen .hello { text-style: bold; margin: 1 0 0 0; }
    DecisionScreen #opposed-before { display: none; }
    DecisionScreen #opposed-before.-shown { display: block; }
    """

    def compose_body(self) -> ComposeResult:
        # The person's name and past opposition are filled in by show_person: this screen is
        # built while the person types their identification (AHEAD of Je m'identifie).
        yield Static("", classes="hello", id="hello")
        yield Static("", classes="notice", id="opposed-before")
        chosen = self.mes_app.engine.chosen_decision()
        choices = {journey.Branch.ACTIVATION: ACTIVATE, journey.Branch.OPPOSITION: OPPOSE}
        current = choices.get(chosen) if chosen is not None else None
        yield FormField(
            t.CHOICE_LABEL,
            ChoiceList(
                [
                    Option(ACTIVATE, t.ACTIVATE, t.ACTIVATE_DETAIL),
                    Option(OPPOSE, t.OPPOSE, t.OPPOSE_DETAIL),
                ],
                current,
                id="decision",
            ),
            hint=t.CHOICE_HINT,
            id="field-decision",
        )
        yield FormField(
            t.TERMS_LABEL,
            Tick(t.TERMS, self.session.accepted_terms, id="terms"),
            extra=[
                LinkButton(t.READ_CGU, id="read-cgu"),
                LinkButton(t.READ_PRIVACY, id="read-privacy"),
            ],
            id="terms-block",
        )
        with Horizontal(classes="actions"):
            yield ActionButton(t.CONTINUE, id="continue", variant="primary")

    def session_key(self) -> tuple[object, ...]:
        return (self.session.accepted_terms,)  # the person: see show_person

    def show_person(self) -> None:
        from mes_tui.models import Status, format_date

        person = self.session.person
        if person is None:  # built ahead: filled in just before it shows
            return
        name = safe.printable(person.greeting_name)
        self.query_one("#hello", Static).update(Content(t.HELLO.format(name=name)))
        opposed = self.query_one("#opposed-before", Static)
        if person.status is Status.OPPOSEE and person.decided_on is not None:
            opposed.update(Content(t.OPPOSED_BEFORE.format(date=format_date(person.decided_on))))
            opposed.add_class("-shown")
        else:
            opposed.update("")
            opposed.remove_class("-shown")

    def on_mount(self) -> None:
        if self.mes_app.closing:  # built ahead as the program ends: its widgets may be gone
            return
        self.show_person()
        self.set_class(self.query_one("#decision", ChoiceList).value == ACTIVATE, "-activating")

    @on(ChoiceList.Changed, "#decision")
    def decision_changed(self, event: ChoiceList.Changed) -> None:
        self.set_class(event.value == ACTIVATE, "-activating")
        self.clear_errors()

    @on(Tick.Changed, "#terms")
    def terms_changed(self, event: Tick.Changed) -> None:
        self.session.accepted_terms = event.value
        if event.value:
            self.query_one("#terms-block", FormField).set_error(None)

    @on(LinkButton.Pressed, "#read-cgu")
    def read_cgu(self) -> None:
        from mes_tui.screens.reading import ReadingScreen

        self.app.push_screen(ReadingScreen(t.CGU_TITLE, "cgu.txt"))

    @on(LinkButton.Pressed, "#read-privacy")
    def read_privacy(self) -> None:
        from mes_tui.screens.reading import ReadingScreen

        self.app.push_screen(ReadingScreen(t.PRIVACY_TITLE, "confidentialite.txt"))

    @on(ActionButton.Pressed, "#continue")
    def submit(self) -> None:
        chosen = {ACTIVATE: journey.Branch.ACTIVATION, OPPOSE: journey.Branch.OPPOSITION}.get(
            self.query_one("#decision", ChoiceList).value or ""
        )
        outcome = self.mes_app.engine.decide(
            chosen, accepted_terms=self.query_one("#terms", Tick).value
        )
        if isinstance(outcome, Go):
            self.clear_errors()
        self.show_outcome(outcome)
