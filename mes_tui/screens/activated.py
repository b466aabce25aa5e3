"""Mon espace santé a bien été activé ! The end of the activation journey."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.screens.base import StepScreen
from mes_tui.texts import credentials as t
from mes_tui.texts import safe
from mes_tui.widgets.controls import LinkButton


class ActivatedScreen(StepScreen):
    STEP = journey.Step.ACTIVATED
    BACK_ARROW = False
    FIRST_FOCUS = "#discover"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The activation is recorded: there is no form to go back to.
        return action != "back"

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.ACTIVATED_TEXT), classes="intro")
        if self.session.identifier:
            yield Static(
                Content(
                    t.ACTIVATED_IDENTIFIER.format(
                        identifier=safe.printable(self.session.identifier)
                    )
                ),
                classes="intro",
                id="identifier-reminder",
            )
        yield LinkButton(t.DISCOVER, id="discover")

    @on(LinkButton.Pressed, "#discover")
    def discover(self) -> None:
        self.mes_app.go(self.mes_app.engine.to_home())
