"""Je prends ma décision, then the opposition: its confirmation, and its end with the receipt
and the attached profiles."""

from __future__ import annotations

from mes_tui.engine import Go
from mes_tui.journey import Branch, Step
from mes_tui.models import Status
from mes_tui.plain.profiles import ProfileSteps
from mes_tui.plain.prompts import GoBack, Option
from mes_tui.texts import decision as tdecision
from mes_tui.texts import home as thome
from mes_tui.texts import opposition as toppose
from mes_tui.texts import plain as t
from mes_tui.texts import safe

DECISIONS = (Branch.ACTIVATION, Branch.OPPOSITION)
"""The decision's options, in the order they are listed."""


class DecisionSteps(ProfileSteps):
    """The decision and the opposition's steps."""

    # -- Je prends ma décision --------------------------------------------------------------
    def decide(self, go: Go) -> Go | None:
        from mes_tui.models import format_date

        person = self.person
        self.header(Step.DECISION)
        self.say(tdecision.HELLO.format(name=safe.printable(person.greeting_name)))
        if person.status is Status.OPPOSEE and person.decided_on is not None:
            self.say(tdecision.OPPOSED_BEFORE.format(date=format_date(person.decided_on)))
        options = [
            Option(tdecision.ACTIVATE, tdecision.ACTIVATE_DETAIL),
            Option(tdecision.OPPOSE, tdecision.OPPOSE_DETAIL),
        ]
        while True:
            # What the person chose before coming back here, as the screen shows it.
            before = self.engine.chosen_decision()
            try:
                chosen = self.ask.choice(
                    tdecision.CHOICE_LABEL,
                    options,
                    default=DECISIONS.index(before) if before is not None else None,
                )
            except GoBack:
                return self.back(Step.DECISION)
            branch = DECISIONS[chosen]
            accepted = False
            if branch is Branch.ACTIVATION:
                try:
                    accepted = self._accept_terms()
                except GoBack:
                    continue
            outcome = self.engine.decide(branch, accepted_terms=accepted)
            if isinstance(outcome, Go) or outcome.go is not None:
                return self.outcome(outcome)
            self.refused(outcome)

    def _accept_terms(self) -> bool:
        return self.ask.yes_no(
            tdecision.TERMS_LABEL + "\n" + tdecision.TERMS,
            hint=t.TERMS_HINT,
            default=True if self.session.accepted_terms else None,
            extras={
                t.TERMS_READ_CGU: lambda: self._read(tdecision.CGU_TITLE, "cgu.txt"),
                t.TERMS_READ_PRIVACY: lambda: self._read(
                    tdecision.PRIVACY_TITLE, "confidentialite.txt"
                ),
            },
        )

    def _read(self, title: str, asset: str) -> None:
        """Print a shipped text (the CGU, the privacy policy) in full."""
        from mes_tui.paths import asset_path

        try:
            text = asset_path("texts", asset).read_text(encoding="utf-8")
        except OSError:
            self.say(t.TEXT_UNAVAILABLE)
            return
        self.say()
        self.say(title)
        self.say(text.strip("\n"))
        self.say(t.TEXT_END.format(title=title))

    # -- opposition -------------------------------------------------------------------------
    def confirm_opposition(self, go: Go) -> Go | None:
        self.header(Step.OPPOSE_CONFIRM)
        self.say(toppose.CONFIRM_BODY)
        while True:
            if not self.agreed(t.OPPOSE_QUESTION):
                return self.back(Step.OPPOSE_CONFIRM)
            outcome = self.call(self.engine.oppose)
            if isinstance(outcome, Go) or outcome.go is not None:
                # Recorded; or someone decided meanwhile: the decision as the registry has it.
                return self.outcome(outcome)
            self.refused(outcome)

    def opposed(self, go: Go) -> Go | None:
        from mes_tui.models import format_date

        person = self.person
        self.header(Step.OPPOSED)
        if person.decided_on is not None:
            self.say(toppose.DECIDED_ON.format(date=format_date(person.decided_on)))
        self.say(toppose.DONE_BODY)
        self.pending = None  # the opposition is recorded; only the receipt may be lost
        self.save_receipt(person.nir)
        if self.person.profiles:
            self.manage_profiles(toppose.FINISH, intro=thome.PROFILES_INTRO)
        else:
            self.choose_or_explain(t.WHAT_NEXT, [toppose.FINISH])
        return self.outcome(self.engine.to_welcome())
