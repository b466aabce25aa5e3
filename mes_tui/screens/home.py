"""The home page of Mon espace santé: who is signed in, their status and their attached profiles,
each of which can be managed ("Gérer le profil").

Every status is written in words, with its date where there is one ("Profil opposé le
07/12/2021"); the profile under the cursor is marked with ``>`` as well as by colour.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from mes_tui import journey
from mes_tui.models import PersonView
from mes_tui.presenters import status_text
from mes_tui.screens.profiles_host import ProfilesHostScreen
from mes_tui.texts import home as t
from mes_tui.texts import safe
from mes_tui.widgets.controls import LinkButton
from mes_tui.widgets.profiles import ProfilesPanel


class HomeScreen(ProfilesHostScreen):
    STEP = journey.Step.HOME
    SHOW_POSITION = False
    BACK_ARROW = False
    FIRST_FOCUS = "#profiles, #next-person"

    DEFAULT_CSS = """
    HomeScreen #greeting { text-style: bold; margin: 1 0 0 0; }
    HomeScreen #profiles-title { text-style: bold; margin: 1 0 0 0; }
    """

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing to go back to: the next person starts afresh (ctrl+n or the link).
        return action != "back"

    def compose_body(self) -> ComposeResult:
        person = self.session.person
        if person is not None:
            yield from self._compose_person(person)
        yield LinkButton(t.NEXT_PERSON, id="next-person")

    def _compose_person(self, person: PersonView) -> ComposeResult:
        yield Static(
            Content(t.GREETING.format(name=safe.printable(person.greeting_name))), id="greeting"
        )
        yield Static(Content(t.NAME.format(name=safe.printable(person.display_name))), id="name")
        yield Static(
            Content(t.STATUS.format(status=status_text(person.status, person.decided_on))),
            id="status-line",
        )
        identifier = person.identifier or self.session.identifier
        yield Static(
            Content(
                t.IDENTIFIER.format(identifier=safe.printable(identifier))
                if identifier
                else t.NO_IDENTIFIER
            ),
            id="identifier",
        )
        profiles = person.profiles
        yield Static(Content(t.PROFILES_TITLE.format(count=len(profiles))), id="profiles-title")
        if not profiles:
            yield Static(Content(t.NO_PROFILES), classes="intro")
            return
        yield ProfilesPanel(profiles, id="profiles-block")

    @on(LinkButton.Pressed, "#next-person")
    def next_person(self) -> None:
        # Said in so many words ("Terminer et accueillir la personne suivante"): no question.
        self.mes_app.wipe()
