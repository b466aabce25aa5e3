"""Me connecter, and the home page of the account with its attached profiles."""

from __future__ import annotations

from mes_tui import presenters
from mes_tui.engine import Go
from mes_tui.journey import Step
from mes_tui.plain.profiles import ProfileSteps
from mes_tui.plain.prompts import Invalid
from mes_tui.plain.steps import Answers, Question
from mes_tui.texts import home as thome
from mes_tui.texts import login as tlogin
from mes_tui.texts import safe


class AccountSteps(ProfileSteps):
    """Sign-in and the home page."""

    def login(self, go: Go) -> Go | None:
        self.header(Step.LOGIN)
        self.say(tlogin.INTRO)

        def identifier(_: Answers) -> str:
            def check(raw: str) -> str:
                if not raw.strip():
                    raise Invalid(tlogin.IDENTIFIER_MISSING)
                return raw.strip()

            return self.ask.text(tlogin.IDENTIFIER_LABEL, check, hint=tlogin.IDENTIFIER_HINT)

        def password(_: Answers) -> str:
            def check(raw: str) -> str:
                if not raw:
                    raise Invalid(tlogin.PASSWORD_MISSING)
                return raw

            return self.ask.text(tlogin.PASSWORD_LABEL, check, secret=True)

        questions: list[Question] = [("identifier", identifier), ("password", password)]
        return self.form_step(
            Step.LOGIN,
            questions,
            {},
            lambda a: self.engine.login(a["identifier"], a["password"]),
            secrets=("password",),
        )

    def home(self, go: Go) -> Go | None:
        self.pending = None
        person = self.person
        self.header(Step.HOME)
        self.say(thome.GREETING.format(name=safe.printable(person.greeting_name)))
        self.say(thome.NAME.format(name=safe.printable(person.display_name)))
        self.say(
            thome.STATUS.format(status=presenters.status_text(person.status, person.decided_on))
        )
        identifier = person.identifier or self.session.identifier
        self.say(
            thome.IDENTIFIER.format(identifier=safe.printable(identifier))
            if identifier
            else thome.NO_IDENTIFIER
        )
        self.manage_profiles(thome.NEXT_PERSON)
        return self.outcome(self.engine.to_welcome())
