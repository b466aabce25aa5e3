"""What every step of the plain mode shares: the journey engine, questions asked in order, and
the engine's answers followed.

A step collects the answers, hands them to the engine (``mes_tui.engine.Journey``) and follows
what it answers: a ``Go`` is where the person goes next (``outcome``), a ``Refused`` is said
("Erreur : …") and the person stays, to correct the field it names or to choose one of the ways
on it offers (``ways_on``), unless it takes them elsewhere. No step decides where to go on its
own.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from mes_tui import journey, presenters
from mes_tui.engine import Go, Journey, Offer, Refused
from mes_tui.journey import Step
from mes_tui.plain import formats
from mes_tui.plain.console import Console
from mes_tui.plain.prompts import GoBack, Prompter
from mes_tui.texts import identification as tident
from mes_tui.texts import plain as t
from mes_tui.texts import ui

if TYPE_CHECKING:
    from mes_tui.models import PersonView
    from mes_tui.receipt_writer import ReceiptWriter
    from mes_tui.services.api import MessageFeed, MesService

log = logging.getLogger("mes_tui")

R = TypeVar("R")
P = ParamSpec("P")
Answers = dict[str, Any]
Question = tuple[str, Callable[[Answers], Any]]
"""A name to store the answer under, and what asks for it given the answers so far."""

OFFER_LABELS: dict[Offer, str] = {
    Offer.NEW_CODE: tident.GENERATE_LINK,
    Offer.WELCOME: t.TO_WELCOME,
}
"""The ways on a refusal may offer, as the menu after it names them, in this order."""


class Steps:
    """The engine, the console and what every step uses to ask and to follow the answers.
    The back office is reached through the engine only."""

    def __init__(
        self,
        service: MesService,
        console: Console,
        *,
        show_messages: bool,
        messages: MessageFeed | None = None,
        receipts: ReceiptWriter | None = None,
    ) -> None:
        self.ask = Prompter(console)
        self.show_messages = show_messages
        self.engine = Journey(service, messages=messages, receipts=receipts)
        self.session = self.engine.session
        self._kept: dict[str, Answers] = {}
        self.pending: str | None = None
        """What is left unfinished if the input ends now; None at a resting point."""

    def wipe(self) -> None:
        """Forget the person, and every answer kept for them."""
        self.engine.wipe()
        self._kept.clear()

    def kept(self, form: str) -> Answers:
        """The answers given to ``form``, kept for the person (offered again as defaults)
        until the next one."""
        return self._kept.setdefault(form, {})

    @property
    def person(self) -> PersonView:
        return self.engine.person

    # -- output -----------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        self.ask.say(text)

    def header(self, step: Step, title: str | None = None) -> None:
        """``Étape N sur M : Titre``, or the title alone outside the numbered steps."""
        shown = title or journey.TITLES[step]
        position = journey.position(step, self.session.branch)
        self.say()
        if position is None:
            self.say(shown)
        else:
            n, m = position
            self.say(t.STEP.format(n=n, m=m, title=shown))

    def refused(self, refused: Refused) -> None:
        """A refusal, said as the screens show it: "Erreur : …"."""
        self.ask.error(refused.message)

    # -- the engine -------------------------------------------------------------------------
    def call(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | Refused:
        """Ask the engine (which may call the back office), then show the simulated messages
        it sent. A failure that is not a refusal becomes one, with only its type in the log
        (values in a traceback could carry a NIR or a code)."""
        seen = len(self.session.messages)
        try:
            with self._progress_line():
                result = method(*args, **kwargs)
        except Exception as error:
            log.error("unexpected error in a service call: %s", type(error).__name__)
            return Refused(ui.UNEXPECTED_ERROR)
        if self.show_messages:
            for message in self.session.messages[seen:]:
                self.say(formats.message_line(message))
        return result

    @contextlib.contextmanager
    def _progress_line(self) -> Iterator[None]:
        """ "Traitement en cours…" on its own line if the call lasts, as on the screens: a
        person (or a screen reader) waiting on a slow answer hears that something is going on."""
        lock = threading.Lock()
        finished = False

        def show() -> None:
            with lock:
                if not finished:
                    self.say(ui.BUSY)

        timer = threading.Timer(presenters.BUSY_SHOWN_AFTER, show)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            with lock:
                finished = True
            timer.cancel()

    def outcome(self, outcome: Go | Refused) -> Go | None:
        """Where the engine sends the person: ``outcome``, or where a refusal takes them (the
        refusal said first); None for the welcome menu, with "Retour à l'accueil."."""
        if isinstance(outcome, Refused):
            self.refused(outcome)
            assert outcome.go is not None, "a refusal that keeps the person on the step"
            outcome = outcome.go
        self.session.branch = outcome.branch
        if outcome.step is Step.WELCOME:
            self.say(t.BACK_TO_WELCOME)
            return None
        return outcome

    def back(self, step: Step) -> Go | None:
        """``<`` out of ``step``: where the engine says going back leads."""
        return self.outcome(self.engine.back(step))

    def ways_on(self, refused: Refused, step: Step, *, always: tuple[Offer, ...] = ()) -> Go | None:
        """After ``refused`` (already said) kept the person on ``step``: "Corriger mes réponses"
        and the ways on it offers, with ``always`` (those the step has whatever the refusal).
        None to correct, at once when there is nothing else to offer; else where the way
        chosen leads."""
        offers = [offer for offer in OFFER_LABELS if offer in refused.offers or offer in always]
        if not offers:
            return None
        options = [t.RETRY_ANSWERS, *(OFFER_LABELS[offer] for offer in offers)]
        try:
            chosen = self.ask.choice(t.WHAT_NEXT, options, default=0)
        except GoBack:
            return None
        if chosen == 0:
            return None
        return self.engine.take(offers[chosen - 1], step)

    # -- questions --------------------------------------------------------------------------
    def form(self, questions: Sequence[Question], answers: Answers, start: int = 0) -> None:
        """Ask ``questions`` in order from ``start``, each answer stored under its name. ``<``
        goes back one question; from the first one, out of the step (``GoBack``)."""
        index = start
        while index < len(questions):
            name, ask = questions[index]
            try:
                answers[name] = ask(answers)
            except GoBack:
                if index == 0:
                    raise
                index -= 1
                continue
            index += 1

    def form_step(
        self,
        step: Step,
        questions: Sequence[Question],
        answers: Answers,
        submit: Callable[[Answers], Go | Refused],
        *,
        always: tuple[Offer, ...] = (),
        restart: int = 0,
        secrets: tuple[str, ...] = (),
    ) -> Go | None:
        """A form: ``questions`` asked, the answers handed to the engine by ``submit``, its
        answer followed. A refusal that names a question asks again from it; any other is
        said, then the ways on (``ways_on``), correcting from question ``restart``. The
        answers named in ``secrets`` go no further than the step, whichever way it ends."""
        try:
            return self._form_step(step, questions, answers, submit, always, restart)
        finally:
            for name in secrets:
                answers.pop(name, None)

    def _form_step(
        self,
        step: Step,
        questions: Sequence[Question],
        answers: Answers,
        submit: Callable[[Answers], Go | Refused],
        always: tuple[Offer, ...],
        restart: int,
    ) -> Go | None:
        names = [name for name, _ in questions]
        start = 0
        while True:
            try:
                self.form(questions, answers, start)
            except GoBack:
                return self.back(step)
            outcome = self.call(submit, answers)
            if isinstance(outcome, Go) or outcome.go is not None:
                return self.outcome(outcome)
            self.refused(outcome)
            if outcome.field in names:
                start = names.index(outcome.field)
                continue
            way = self.ways_on(outcome, step, always=always)
            if way is not None:
                return self.outcome(way)
            start = restart

    def agreed(
        self, question: str, *, hint: str | None = None, help_text: str | None = None
    ) -> bool:
        """A yes-or-no question where ``<`` counts as no (the person goes back)."""
        try:
            return self.ask.yes_no(question, hint=hint, help_text=help_text)
        except GoBack:
            return False

    def choose_or_explain(self, label: str, options: Sequence[str], default: int = 0) -> int:
        """A choice after a recorded decision: ``<`` says why there is no way back."""
        while True:
            try:
                return self.ask.choice(label, options, default=default)
            except GoBack:
                self.say(t.NO_GOING_BACK)
