"""Je choisis mon identifiant et mon mot de passe, then Mon espace santé a bien été activé !"""

from __future__ import annotations

from mes_tui import presenters
from mes_tui.engine import Go, Refused
from mes_tui.journey import Step
from mes_tui.plain.prompts import GoBack, Invalid
from mes_tui.plain.steps import Answers, Question, Steps
from mes_tui.texts import credentials as tcred
from mes_tui.texts import home as thome
from mes_tui.texts import plain as t
from mes_tui.texts import safe
from mes_tui.texts import validation as tvalid


class CredentialSteps(Steps):
    """The identifier and password, and the activation they complete."""

    def credentials(self, go: Go) -> Go | None:
        self.header(Step.CREDENTIALS)
        self.say(tcred.INTRO)
        questions: list[Question] = [
            ("identifier", self._ask_identifier),
            ("password", self._ask_password),
            ("confirmation", self._ask_confirmation),
        ]
        # A refusal of the whole form (a busy registry, say): the answers are kept, and
        # confirming the password again retries.
        return self.form_step(
            Step.CREDENTIALS,
            questions,
            {},
            lambda a: self.engine.activate(a["identifier"], a["password"]),
            restart=len(questions) - 1,
            secrets=("password", "confirmation"),
        )

    def _ask_identifier(self, answers: Answers) -> str:
        from mes_tui.models import normalize_identifier

        default: str | None = answers.get("identifier")
        while True:
            identifier = self.ask.text(
                tcred.IDENTIFIER_LABEL,
                normalize_identifier,
                hint=tcred.IDENTIFIER_HINT,
                default=default,
            )
            default = None
            checked = self.call(self.engine.check_identifier, identifier)
            if isinstance(checked, Refused):
                if checked.field is not None:
                    self.refused(checked)
                    continue
                # The check is a courtesy: the activation itself says if it is taken.
                self.say(checked.message)
                return identifier
            check = checked.value
            if check.available:
                self.say(tcred.IDENTIFIER_FREE)
                return check.identifier
            self.ask.error(tcred.IDENTIFIER_TAKEN)
            if not check.suggestions:
                continue
            options = [
                tcred.SUGGESTION_LINK.format(identifier=safe.printable(s))
                for s in check.suggestions
            ]
            try:
                chosen = self.ask.choice(t.SUGGESTIONS_LABEL, [*options, t.OTHER_IDENTIFIER])
            except GoBack:
                continue
            if chosen < len(check.suggestions):
                picked = check.suggestions[chosen]
                self.say(tcred.SUGGESTION_CHOSEN.format(identifier=safe.printable(picked)))
                return picked

    def _ask_password(self, answers: Answers) -> str:
        from mes_tui.models import PasswordRule, check_password, password_problems

        person = self.person
        rules = "\n".join(t.RULE.format(rule=rule.label) for rule in PasswordRule)

        def check(raw: str) -> str:
            # The seed's checklist after each attempt, as the screen shows it while typing.
            for line in presenters.checklist_lines(check_password(raw)):
                self.say(line)
            problems = password_problems(
                raw,
                names=(person.first_name, person.last_name),
                birth_date=person.birth_date,
                identifier=answers.get("identifier"),
            )
            if problems:
                raise Invalid(" ".join(problems))
            return raw

        return self.ask.text(
            tcred.PASSWORD_LABEL,
            check,
            hint=tcred.CHECKLIST_TITLE + "\n" + rules,
            help_text=tcred.CHECKLIST_TITLE + "\n" + rules + "\n" + t.PASSWORD_HELP,
            secret=True,
        )

    def _ask_confirmation(self, answers: Answers) -> str:
        def check(raw: str) -> str:
            if raw != answers.get("password"):
                raise Invalid(tvalid.PASSWORD_MISMATCH)
            return raw

        return self.ask.text(
            tcred.CONFIRMATION_LABEL, check, hint=tcred.CONFIRMATION_HINT, secret=True
        )

    # -- Mon espace santé a bien été activé ! ---------------------------------------------------
    def activated(self, go: Go) -> Go | None:
        self.pending = None
        self.header(Step.ACTIVATED)
        self.say(tcred.ACTIVATED_TEXT)
        if self.session.identifier:
            self.say(
                tcred.ACTIVATED_IDENTIFIER.format(
                    identifier=safe.printable(self.session.identifier)
                )
            )
        chosen = self.choose_or_explain(t.WHAT_NEXT, [tcred.DISCOVER, thome.NEXT_PERSON])
        return self.outcome(self.engine.to_home() if chosen == 0 else self.engine.to_welcome())
