"""The journeys of the full-screen app, one question at a time.

The welcome menu, then each step the journey engine sends the person to, until a journey ends.
Every step is in a module of its own part of the journeys (``identification``, ``decision`` and
``profiles``, ``contacts``, ``credentials``, ``account``) and answers the engine's next ``Go``;
texts, validators and the engine are those of the screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mes_tui.engine import Go
from mes_tui.journey import Branch, Step
from mes_tui.plain.account import AccountSteps
from mes_tui.plain.contacts import ContactSteps
from mes_tui.plain.credentials import CredentialSteps
from mes_tui.plain.decision import DecisionSteps
from mes_tui.plain.identification import IdentificationSteps
from mes_tui.plain.prompts import GoBack
from mes_tui.texts import plain as t
from mes_tui.texts import ui
from mes_tui.texts import welcome as twelcome

if TYPE_CHECKING:
    pass


class PlainRunner(IdentificationSteps, DecisionSteps, ContactSteps, CredentialSteps, AccountSteps):
    """Serves one person after another on a console, until they quit or the input ends."""

    def run(self) -> None:
        """The welcome menu, then the chosen journey, and again, until the person quits.
        ``EndOfInput`` and ``KeyboardInterrupt`` go to the caller."""
        self.say(t.INTRO)
        while True:
            start = self.welcome()
            if start is None:
                self.say()
                self.say(t.GOODBYE)
                return
            self.follow(start)

    def handler(self, step: Step) -> Callable[[Go], Go | None]:
        """What runs ``step`` and answers the engine's next ``Go`` (None: the welcome menu)."""
        handlers: dict[Step, Callable[[Go], Go | None]] = {
            Step.IDENTIFY: self.identify,
            Step.NEW_CODE: self.new_code,
            Step.CODE_DELIVERY: self.code_delivery,
            Step.DECISION: self.decide,
            Step.CONTACTS: self.contacts,
            Step.CREDENTIALS: self.credentials,
            Step.ACTIVATED: self.activated,
            Step.OPPOSE_CONFIRM: self.confirm_opposition,
            Step.OPPOSED: self.opposed,
            Step.HOME: self.home,
            Step.LOGIN: self.login,
        }
        return handlers[step]

    def follow(self, go: Go) -> None:
        """Run the step ``go`` leads to, then the one the engine answers, until the journey
        ends (back at the welcome menu)."""
        current: Go | None = go
        while current is not None:
            self.pending = t.PENDING_JOURNEY
            current = self.handler(current.step)(current)
        self.pending = None

    def welcome(self) -> Go | None:
        """The welcome menu, with nothing left of the previous person; where the chosen
        journey starts, or None to quit."""
        self.pending = None
        self.wipe()
        self.say()
        self.say(twelcome.HEADING)
        self.say(twelcome.NEEDS)
        for need in (twelcome.NEED_CODE, twelcome.NEED_CARD, twelcome.NEED_TIME):
            self.say(t.BULLET.format(item=need))
        options = [twelcome.START, twelcome.GENERATE, twelcome.LOGIN, ui.KEY_QUIT]
        while True:
            try:
                chosen = self.ask.choice(t.WHAT_NEXT, options, default=0)
            except GoBack:
                self.say(t.AT_WELCOME)
                continue
            break
        if chosen == 0:
            return self.engine.start(Branch.ACTIVATION)
        if chosen == 1:
            return self.engine.start(Branch.NEW_CODE)
        if chosen == 2:
            return self.engine.to_login()
        return None
