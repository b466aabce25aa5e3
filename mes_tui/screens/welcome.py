"""The welcome screen: what the person needs, Commencer, and the two links of the seed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.texts import welcome as t
from mes_tui.widgets.controls import ActionButton, LinkButton


class WelcomeScreen(StepScreen):
    STEP = journey.Step.WELCOME
    SHOW_POSITION = False
    BACK_ARROW = False
    FIRST_FOCUS = "#start"
    AHEAD = ((journey.Step.IDENTIFY, journey.Branch.ACTIVATION),)

    DEFAULT_CSS = """
    WelcomeScreen .needs { margin: 0 0 1 2; height: auto; }
    WelcomeScreen .question { margin: 1 0 0 0; }
    """

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to go back to from the first screen: hide "Retour" from the footer.
        return action != "back"

    def title_text(self) -> str:
        return t.HEADING

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.NEEDS), classes="intro")
        with Vertical(classes="needs"):
            for need in (t.NEED_CODE, t.NEED_CARD, t.NEED_TIME):
                yield Static(Content(f"• {need}"))
        yield ActionButton(t.START, id="start", variant="primary")
        yield Static(Content(t.NO_CODE), classes="question")
        yield LinkButton(t.GENERATE, id="generate")
        yield Static(Content(t.ALREADY), classes="question")
        yield LinkButton(t.LOGIN, id="login")

    @on(ActionButton.Pressed, "#start")
    def start(self) -> None:
        self.mes_app.go(self.mes_app.engine.start(journey.Branch.ACTIVATION))

    @on(LinkButton.Pressed, "#generate")
    def generate(self) -> None:
        self.mes_app.go(self.mes_app.engine.start(journey.Branch.NEW_CODE))

    @on(LinkButton.Pressed, "#login")
    def login(self) -> None:
        self.mes_app.go(self.mes_app.engine.to_login())
