"""The baseline for the start-up figures: a bare Textual app with the welcome screen's widgets.

    .venv/bin/python bench/bare_app.py

Same widget tree as mes-tui's welcome screen (top bar, header, scrolling body with a hidden error
summary, the introduction, three buttons, a status line and the footer), same texts, similar CSS
and bindings, and nothing from the project: what any Textual app of this size pays to show its
first screen. Ctrl+Q quits.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Static


class BareWelcome(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Retour")]
    DEFAULT_CSS = """
    BareWelcome #top { dock: top; height: 1; background: $primary; padding: 0 1; }
    BareWelcome #header { height: auto; padding: 0 1; background: $boost; }
    BareWelcome #body { padding: 0 1; }
    BareWelcome #summary { display: none; border: heavy $error; height: auto; }
    BareWelcome .intro { margin: 1 0; }
    BareWelcome .needs { margin: 0 0 1 2; height: auto; }
    BareWelcome .question { margin: 1 0 0 0; }
    BareWelcome Button { min-width: 0; height: 1; border: none; margin: 0 1 0 0; padding: 0; }
    BareWelcome #status { dock: bottom; height: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("mon ESPACE SANTÉ  ·  l'Assurance Maladie", id="top")
        yield Static("Activation de Mon espace santé", id="header")
        with VerticalScroll(id="body", can_focus=False):
            yield Static("", id="summary")
            yield Static("Pour l'activer ou m'y opposer j'ai besoin d'avoir :", classes="intro")
            with Vertical(classes="needs"):
                yield Static("• Le code provisoire reçu par e-mail ou courrier")
                yield Static("• Ma carte Vitale")
                yield Static("• 5 minutes de mon temps")
            yield Button(Content("[ Commencer ]"), id="start", variant="primary", compact=True)
            yield Static("Je n'ai pas de code provisoire ?", classes="question")
            yield Button(
                Content("  Générer un nouveau code provisoire"), id="generate", compact=True
            )
            yield Static("J'ai déjà activé Mon espace santé ?", classes="question")
            yield Button(Content("  Me connecter"), id="login", compact=True)
        yield Static("", id="status", markup=False)
        yield Footer(compact=True)


class BareApp(App[None]):
    TITLE = "Mon espace santé"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quitter", priority=True),
        Binding("f1", "noop", "Aide"),
        Binding("f2", "noop", "Messages"),
        Binding("ctrl+n", "noop", "Nouvelle personne"),
    ]

    def get_default_screen(self) -> Screen[None]:
        return BareWelcome()

    def action_noop(self) -> None:
        pass


if __name__ == "__main__":
    BareApp().run()
