"""The baseline for the screen-change figures: the bare welcome app of ``bare_app.py`` whose
"Commencer" opens a bare screen with the widget tree of mes-tui's "Je m'identifie" (stock
Textual widgets, same nesting, same texts' length): what Textual itself takes to compose,
style, lay out and paint a screen of that size. Escape comes back.

Kept apart from ``bare_app.py`` so that the start-up baseline does not import ``Input``.
"""

from __future__ import annotations

from typing import ClassVar

from bare_app import BareApp
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

CARD = "\n".join(["┌" + "─" * 34 + "┐  ┌" + "─" * 34 + "┐"] * 9)


class BareIdentification(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Retour")]
    DEFAULT_CSS = """
    BareIdentification #top { dock: top; height: 1; background: $primary; padding: 0 1; }
    BareIdentification #header { height: auto; padding: 0 1; background: $boost; }
    BareIdentification #body { padding: 0 1; }
    BareIdentification #summary { display: none; border: heavy $error; height: auto; }
    BareIdentification .intro { margin: 1 0; }
    BareIdentification .field { height: auto; margin: 0 0 1 0; }
    BareIdentification .label { text-style: bold; }
    BareIdentification .error { display: none; }
    BareIdentification .help { height: auto; }
    BareIdentification .help-body { display: none; }
    BareIdentification Button { min-width: 0; height: 1; border: none; margin: 0 1 0 0; }
    BareIdentification .actions { height: auto; margin: 1 0; }
    BareIdentification #status { dock: bottom; height: auto; padding: 0 1; }
    """

    def _field(self, label: str, control: Static | Input, extra: str | None) -> ComposeResult:
        with Vertical(classes="field"):
            yield Static(label, classes="label", markup=False)
            yield Static(Content("Format attendu : " + "x" * 30), classes="hint")
            yield control
            yield Static("", classes="error", markup=False)
            if extra == "link":
                yield Button(Content("  Générer un nouveau code provisoire"), compact=True)
            elif extra == "help":
                with Vertical(classes="help"):
                    yield Button(Content("  Où trouver ce numéro ?"), compact=True)
                    yield Static(Content("Aide " * 40), classes="help-body")

    def compose(self) -> ComposeResult:
        yield Static("mon ESPACE SANTÉ  ·  l'Assurance Maladie", id="top")
        yield Static("← Activation · Étape 1 sur 5 — Je m'identifie", id="header")
        with VerticalScroll(id="body", can_focus=False):
            yield Static("", id="summary")
            yield Static(Content("Pour m'identifier " * 6), classes="intro")
            yield from self._field("  Code provisoire", Input(id="code", max_length=40), "link")
            yield from self._field("  N° de sécurité sociale", Input(id="nir"), "help")
            yield from self._field("  Type de carte Vitale", Static(Content(CARD)), None)
            yield from self._field("  N° de série", Input(id="serial"), "help")
            with Horizontal(classes="actions"):
                yield Button(Content("[ Annuler ]"), id="cancel", compact=True)
                yield Button(Content("[ Continuer ]"), id="continue", compact=True)
        yield Static("", id="status", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()


class BareJourneyApp(BareApp):
    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.push_screen(BareIdentification())
