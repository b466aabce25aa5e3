"""The journeys of the full-screen app, one question at a time.

The order of steps comes from ``journey.ORDER``: a step handler returns ``Nav.NEXT`` or
``Nav.BACK`` and the runner looks the next step up there; only the ends of a branch (the home
page, the welcome menu, back to identification once a new code is sent) are named here. Texts,
validators and service calls are those of the screens.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from mes_tui import journey, presenters
from mes_tui.engine import Go, Journey, Refused
from mes_tui.journey import Branch, Step
from mes_tui.models import CardType, Channel, PersonView, ProfileView, Status
from mes_tui.plain import formats
from mes_tui.plain.console import Console
from mes_tui.plain.prompts import GoBack, Invalid, Option, Prompter
from mes_tui.services.errors import (
    AlreadyActive,
    CodeRequestFailed,
    ContactChangeLocked,
    DecisionConflict,
    DeliveryFailed,
    IdentifierTaken,
    InvalidInput,
    Locked,
    LoginFailed,
    NoPendingCode,
    OtpExpired,
    OtpInvalid,
    PasswordRejected,
    ReceiptUnavailable,
    ServiceError,
    Slowed,
    TermsNotAccepted,
    UnknownPerson,
)
from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import credentials as tcred
from mes_tui.texts import decision as tdecision
from mes_tui.texts import home as thome
from mes_tui.texts import identification as tident
from mes_tui.texts import login as tlogin
from mes_tui.texts import new_code as tnew
from mes_tui.texts import opposition as toppose
from mes_tui.texts import plain as t
from mes_tui.texts import profile as tprofile
from mes_tui.texts import safe, ui
from mes_tui.texts import service as tservice
from mes_tui.texts import validation as tvalid
from mes_tui.texts import vitale as tvitale
from mes_tui.texts import welcome as twelcome

if TYPE_CHECKING:
    from datetime import date

    from mes_tui.receipt_writer import ReceiptWriter
    from mes_tui.services.api import Challenge, MessageFeed, MesService, OutboxMessage

log = logging.getLogger("mes_tui")

T = TypeVar("T")
P = ParamSpec("P")
Answers = dict[str, Any]
Question = tuple[str, Callable[[Answers], Any]]
"""A name to store the answer under, and what asks for it given the answers so far."""

CARD_TYPES = (CardType.SANS_PHOTO, CardType.AVEC_PHOTO)
_SERIAL_HINTS = {
    CardType.SANS_PHOTO: tvitale.SERIAL_HINT_SANS_PHOTO,
    CardType.AVEC_PHOTO: tvitale.SERIAL_HINT_AVEC_PHOTO,
}
_SERIAL_HELPS = {
    CardType.SANS_PHOTO: tvitale.SERIAL_HELP_SANS_PHOTO,
    CardType.AVEC_PHOTO: tvitale.SERIAL_HELP_AVEC_PHOTO,
}


class Nav(Enum):
    """A move along the person's branch, resolved with ``journey.ORDER``."""

    NEXT = "next"
    BACK = "back"


StepResult = Step | Nav | None
"""A step to show, a move along the branch, or None: back to the welcome menu."""


class Refusal(Enum):
    """The ways on after the service refused what a form sent."""

    CORRECT = "correct"
    GENERATE = "generate"
    WELCOME = "welcome"


class PlainRunner:
    """Serves one person after another on a console, until they quit or the input ends."""

    def __init__(
        self,
        service: MesService,
        console: Console,
        *,
        show_messages: bool,
        messages: MessageFeed | None = None,
        receipts: ReceiptWriter | None = None,
    ) -> None:
        self.service = service
        self.ask = Prompter(console)
        self.show_messages = show_messages
        self.session = journey.Session()
        self.engine = Journey(service, self.session, messages=messages, receipts=receipts)
        self._printed: tuple[list[OutboxMessage], int] = (self.session.messages, 0)
        """The session's list of messages and how many of them were printed."""
        self.pending: str | None = None
        """What is left unfinished if the input ends now; None at a resting point."""
        self._identification: Answers = {}
        self._new_code: Answers = {}
        self._new_code_origin: Step | None = None
        self._recipient = ""
        self._handlers: dict[Step, Callable[[], StepResult]] = {
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

    # -- the loop -------------------------------------------------------------------------
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

    def follow(self, step: Step) -> None:
        """Run ``step`` and the ones after it until the journey ends."""
        current: Step | None = step
        while current is not None:
            self.pending = t.PENDING_JOURNEY
            result = self._handlers[current]()
            if result is Nav.NEXT:
                current = journey.next_step(current, self.session.branch)
            elif result is Nav.BACK:
                current = journey.previous_step(current, self.session.branch)
            else:
                current = result
        self.pending = None

    # -- helpers --------------------------------------------------------------------------
    def outcome(self, outcome: Go | Refused) -> Step | None:
        """Where the engine sends the person; a refusal that takes them elsewhere is said
        first. None: the welcome menu."""
        if isinstance(outcome, Refused):
            self.say(outcome.message)
            if outcome.go is None:
                return None
            outcome = outcome.go
        if outcome.step is Step.WELCOME:
            self.say(t.BACK_TO_WELCOME)
            return None
        return outcome.step

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

    def show_messages_sent(self) -> None:
        """Print the simulated deliveries the engine kept since the last printed, unless
        messages are hidden."""
        messages = self.session.messages
        shown_of, count = self._printed
        if shown_of is not messages:  # a new person: a new list
            count = 0
        for message in messages[count:]:
            if self.show_messages:
                self.say(formats.message_line(message))
        self._printed = (messages, len(messages))

    def call(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call a method of the service. A failure that is not a refusal becomes one, with only
        its type in the log (values in a traceback could carry a NIR or a code)."""
        try:
            with self._progress_line():
                return method(*args, **kwargs)
        except ServiceError:
            raise
        except Exception as error:
            log.error("unexpected error in a service call: %s", type(error).__name__)
            raise ServiceError(ui.UNEXPECTED_ERROR) from None

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

    @staticmethod
    def field_index(questions: Sequence[Question], name: str) -> int:
        """The position of the question the service named in a refusal (the first if none)."""
        names = [n for n, _ in questions]
        return names.index(name) if name in names else 0

    def choose_or_explain(self, label: str, options: Sequence[str], default: int = 0) -> int:
        """A choice after a recorded decision: ``<`` says why there is no way back."""
        while True:
            try:
                return self.ask.choice(label, options, default=default)
            except GoBack:
                self.say(t.NO_GOING_BACK)

    @property
    def person(self) -> PersonView:
        person = self.session.person
        assert person is not None, "a step after identification without a person"
        return person

    def refresh_person(self) -> None:
        """Read the person (and their profiles) afresh from the registry."""
        try:
            self.session.person = self.call(self.service.get_person, self.person.nir)
        except ServiceError as error:
            self.say(error.message)

    # -- welcome --------------------------------------------------------------------------
    def welcome(self) -> Step | None:
        """The welcome menu, with nothing left of the previous person; the first step of the
        chosen journey, or None to quit."""
        self.pending = None
        self.session.wipe()
        self._identification.clear()
        self._new_code.clear()
        self._recipient = ""
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
            self.session.branch = Branch.ACTIVATION
            return Step.IDENTIFY
        if chosen == 1:
            self.session.branch = Branch.NEW_CODE
            self._new_code_origin = None
            return Step.NEW_CODE
        if chosen == 2:
            self.session.branch = Branch.ACTIVATION
            return Step.LOGIN
        return None

    # -- the carte Vitale, asked by identification and by the new code ---------------------
    def _ask_card_type(self, answers: Answers) -> CardType:
        previous = answers.get("card_type")
        chosen = self.ask.choice(
            tvitale.LABEL,
            [card.label for card in CARD_TYPES],
            default=CARD_TYPES.index(previous) if previous in CARD_TYPES else None,
            help_text=t.CARD_HELP,
        )
        return CARD_TYPES[chosen]

    def _ask_serial(self, answers: Answers) -> str:
        from mes_tui.models import normalize_serial

        card: CardType = answers["card_type"]
        nir: str | None = answers.get("nir")
        return self.ask.text(
            tvitale.SERIAL_LABEL,
            lambda raw: normalize_serial(raw, card, nir),
            hint=_SERIAL_HINTS[card],
            help_text=tvitale.SERIAL_HELP_TITLE
            + "\n"
            + formats.without_drawings(_SERIAL_HELPS[card]),
            default=answers.get("serial"),
        )

    def _nir_question(
        self, label: str, normalize: Callable[[str], str], hint: str
    ) -> Callable[[Answers], str]:
        """The social security number (with or without its key), the previous answer offered
        as the default, spaced as on the card."""
        from mes_tui.models import format_nir

        def ask(answers: Answers) -> str:
            previous: str | None = answers.get("nir")
            return self.ask.text(
                label,
                normalize,
                hint=hint,
                help_text=tident.NIR_HELP_TITLE + "\n" + tident.NIR_HELP,
                default=previous,
                default_shown=format_nir(previous) if previous else None,
            )

        return ask

    def _after_refusal(self, error: ServiceError, *, generate: bool) -> Refusal:
        """After the service refused a form: correct the answers, ask for a new code, or go
        back to the welcome menu (the only way out of a lockout)."""
        if isinstance(error, Locked):
            self.say(t.BACK_TO_WELCOME)
            return Refusal.WELCOME
        choices = [Refusal.CORRECT, Refusal.GENERATE, Refusal.WELCOME]
        if not generate:
            choices.remove(Refusal.GENERATE)
        labels = {
            Refusal.CORRECT: t.RETRY_ANSWERS,
            Refusal.GENERATE: tident.GENERATE_LINK,
            Refusal.WELCOME: t.TO_WELCOME,
        }
        try:
            chosen = self.ask.choice(t.WHAT_NEXT, [labels[c] for c in choices], default=0)
        except GoBack:
            return Refusal.CORRECT
        return choices[chosen]

    # -- Je m'identifie -------------------------------------------------------------------
    def _identification_questions(self) -> list[Question]:
        from mes_tui.models import normalize_nir, normalize_provisional_code

        def code(_: Answers) -> str:
            return self.ask.text(
                tident.CODE_LABEL,
                normalize_provisional_code,
                hint=tident.CODE_HINT,
                help_text=t.CODE_HELP,
                secret=True,
            )

        return [
            ("code", code),
            ("nir", self._nir_question(tident.NIR_LABEL, normalize_nir, tident.NIR_HINT)),
            ("card_type", self._ask_card_type),
            ("serial", self._ask_serial),
        ]

    def identify(self) -> StepResult:
        self.session.person = None
        self.header(Step.IDENTIFY)
        self.say(tident.INTRO)
        if self.session.notice:
            self.say(self.session.notice)
            self.session.notice = None
        questions = self._identification_questions()
        answers = self._identification
        start = 0
        while True:
            try:
                self.form(questions, answers, start)
            except GoBack:
                return None
            try:
                person = self.call(
                    self.service.identify,
                    answers["code"],
                    answers["nir"],
                    answers["card_type"],
                    answers["serial"],
                )
            except InvalidInput as error:
                self.ask.error(error.message)
                start = self.field_index(questions, error.field)
                continue
            except ServiceError as error:
                self.say(error.message)
                then = self._after_refusal(error, generate=True)
                if then is Refusal.CORRECT:
                    start = 0
                    continue
                if then is Refusal.GENERATE:
                    self.session.branch = Branch.NEW_CODE
                    self._new_code_origin = Step.IDENTIFY
                    return Step.NEW_CODE
                return None
            break
        answers.pop("code", None)
        self.session.person = person
        self.session.card_type = answers["card_type"]
        if person.status is Status.ACTIVE:
            self.say(tident.ALREADY_ACTIVE)
            self.say(t.BACK_TO_WELCOME)
            return None
        self.session.branch = Branch.ACTIVATION
        return Nav.NEXT

    # -- Je génère un nouveau code provisoire ------------------------------------------------
    def _new_code_questions(self) -> list[Question]:
        from mes_tui.models import format_date, normalize_nir_without_key

        def birth(answers: Answers) -> date:
            previous: date | None = answers.get("birth_date")
            return self.ask.text(
                tnew.BIRTH_LABEL,
                _birth_date,
                hint=tnew.BIRTH_NOTE + "\n" + t.BIRTH_HINT,
                default=format_date(previous) if previous else None,
            )

        nir = self._nir_question(tnew.NIR_LABEL, normalize_nir_without_key, tnew.NIR_HINT)
        return [
            ("nir", nir),
            ("birth_date", birth),
            ("card_type", self._ask_card_type),
            ("serial", self._ask_serial),
        ]

    def new_code(self) -> StepResult:
        self.header(Step.NEW_CODE)
        self.say(tnew.INTRO)
        questions = self._new_code_questions()
        answers = self._new_code
        start = 0
        while True:
            try:
                self.form(questions, answers, start)
            except GoBack:
                self.session.branch = Branch.ACTIVATION
                return self._new_code_origin
            try:
                self._recipient = self.call(
                    self.service.find_code_recipient,
                    answers["nir"],
                    answers["birth_date"],
                    answers["card_type"],
                    answers["serial"],
                )
            except InvalidInput as error:
                self.ask.error(error.message)
                start = self.field_index(questions, error.field)
                continue
            except (CodeRequestFailed, Slowed) as error:
                # Nothing matched, or an earlier failure makes this one wait: correct and retry.
                self.say(error.message)
                if self._after_refusal(error, generate=False) is Refusal.CORRECT:
                    start = 0
                    continue
                return None
            except ServiceError as error:
                # No e-mail on file, too many requests today, a lockout: nothing to correct.
                self.say(error.message)
                self.say(t.BACK_TO_WELCOME)
                return None
            return Nav.NEXT

    def code_delivery(self) -> StepResult:
        from mes_tui.models import nir_key

        answers = self._new_code
        self.header(Step.CODE_DELIVERY)
        self.say(tnew.DELIVERY_MODE)
        self.say(tnew.DELIVERY_EMAIL.format(to=safe.printable(self._recipient)))
        while True:
            try:
                send = self.ask.yes_no(
                    t.SEND_CODE_QUESTION,
                    hint=t.WRONG_DETAILS_HINT,
                    help_text=tnew.WRONG_DETAILS_TITLE + "\n" + tnew.WRONG_DETAILS,
                )
            except GoBack:
                return Nav.BACK
            if not send:
                return Nav.BACK
            try:
                sent = self.call(
                    self.service.request_provisional_code,
                    answers["nir"],
                    answers["birth_date"],
                    answers["card_type"],
                    answers["serial"],
                )
            except DeliveryFailed as error:
                self.say(error.message)
                continue
            except ServiceError as error:
                self.say(error.message)
                self.say(t.BACK_TO_WELCOME)
                return None
            break
        self.show_messages_sent()
        self.session.notice = tnew.SENT.format(to=safe.printable(sent.masked_to))
        # Identification asks about the same person and card: offer them as defaults.
        nir13: str = answers["nir"]
        self._identification.update(
            nir=nir13 + nir_key(nir13), card_type=answers["card_type"], serial=answers["serial"]
        )
        self.session.card_type = answers["card_type"]
        self.session.branch = Branch.ACTIVATION
        return Step.IDENTIFY

    # -- Je prends ma décision --------------------------------------------------------------
    def decide(self) -> StepResult:
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
            # What the person chose before coming back here, as the screen does.
            default = {
                Branch.ACTIVATION: 0 if self.session.accepted_terms else None,
                Branch.OPPOSITION: 1,
            }.get(self.session.branch)
            try:
                chosen = self.ask.choice(tdecision.CHOICE_LABEL, options, default=default)
            except GoBack:
                return Nav.BACK
            if chosen == 1:
                return self.outcome(self.engine.decide(Branch.OPPOSITION, accepted_terms=False))
            self.session.branch = Branch.ACTIVATION
            try:
                accepted = self._accept_terms()
            except GoBack:
                continue
            outcome = self.engine.decide(Branch.ACTIVATION, accepted_terms=accepted)
            if isinstance(outcome, Go):
                return outcome.step
            self.ask.error(outcome.message)

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

    # -- Je vérifie mes coordonnées de contact ------------------------------------------------
    def contacts(self) -> StepResult:
        from mes_tui.models import format_mobile

        self.header(Step.CONTACTS)
        self.say(tcontacts.INTRO)
        while True:
            person = self.person
            email = safe.printable(person.email) if person.email else None
            mobile = format_mobile(person.mobile) if person.mobile else None
            self.say()
            self.say(
                t.FIELD_VALUE.format(
                    label=tcontacts.EMAIL_HEADING, value=email or tcontacts.EMAIL_NONE
                )
            )
            self.say(
                t.FIELD_VALUE.format(
                    label=tcontacts.MOBILE_HEADING, value=mobile or tcontacts.MOBILE_NONE
                )
            )
            options = [
                formats.link_label(
                    tcontacts.EMAIL_EDIT_LINK if email else tcontacts.EMAIL_ADD_LINK
                ),
                formats.link_label(
                    tcontacts.MOBILE_EDIT_LINK if mobile else tcontacts.MOBILE_ADD_LINK
                ),
                tcontacts.CONTINUE,
            ]
            try:
                chosen = self.ask.choice(t.WHAT_NEXT, options, default=2)
            except GoBack:
                return Nav.BACK
            if chosen == 2:
                return Nav.NEXT
            self._change_contact(Channel.EMAIL if chosen == 0 else Channel.SMS)

    def _change_contact(self, channel: Channel) -> None:
        """Je modifie mon adresse e-mail / Je renseigne mon numéro de mobile, then the code;
        back to the summary in every case."""
        from mes_tui.models import normalize_email, normalize_mobile

        by_email = channel is Channel.EMAIL
        nir = self.person.nir
        had_value = bool(self.person.email if by_email else self.person.mobile)
        self.header(
            Step.CONTACTS, tcontacts.EMAIL_EDIT_TITLE if by_email else tcontacts.MOBILE_EDIT_TITLE
        )
        self.say(tcontacts.EMAIL_EDIT_INTRO if by_email else tcontacts.MOBILE_EDIT_INTRO)
        while True:
            try:
                value = self.ask.text(
                    tcontacts.EMAIL_LABEL if by_email else tcontacts.MOBILE_LABEL,
                    normalize_email if by_email else normalize_mobile,
                    hint=tcontacts.EMAIL_HINT if by_email else tcontacts.MOBILE_HINT,
                )
            except GoBack:
                return
            try:
                challenge = self.call(self.service.start_contact_change, nir, channel, value)
            except InvalidInput as error:
                self.ask.error(error.message)
                continue
            except ContactChangeLocked as error:
                # Whatever the value typed: no code can be sent for now.
                self._change_locked(error)
                return
            except ServiceError as error:
                self.say(error.message)
                return
            break
        self.show_messages_sent()
        person = self._verify_code(challenge)
        if person is None:
            return
        self.session.person = person
        if by_email:
            self.say(tcontacts.EMAIL_CHANGED if had_value else tcontacts.EMAIL_ADDED)
        else:
            self.say(tcontacts.MOBILE_CHANGED if had_value else tcontacts.MOBILE_ADDED)

    def _verify_code(self, challenge: Challenge) -> PersonView | None:
        """Ask for the one-time code, offering to send it again; the person with the new
        contact detail, or None if the change is given up."""
        from mes_tui.models import normalize_otp

        channel = challenge.channel
        nir = self.person.nir
        self._announce_code(challenge)

        def check(raw: str) -> str:
            # Nothing typed: the person has no code (yet); the options follow.
            return normalize_otp(raw) if raw.strip() else ""

        while True:
            suggested = 0
            try:
                code = self.ask.text(
                    tcontacts.OTP_LABEL,
                    check,
                    hint=tcontacts.OTP_HINT + "\n" + t.OTP_EMPTY_HINT,
                    help_text=t.OTP_HELP,
                    secret=True,
                )
            except GoBack:
                return None
            if code:
                try:
                    return self.call(self.service.verify_contact_code, nir, channel, code)
                except OtpInvalid as error:
                    self.ask.error(error.message)
                    if error.attempts_left:
                        continue
                    suggested = 1
                except OtpExpired as error:
                    self.ask.error(error.message)
                    suggested = 1
                except InvalidInput as error:
                    self.ask.error(error.message)
                    continue
                except NoPendingCode as error:
                    self.say(error.message)
                    return None
                except ContactChangeLocked as error:
                    self._change_locked(error)
                    return None
                except ServiceError as error:
                    self.say(error.message)
                    continue
            options = [t.OTP_RETYPE, tcontacts.RESEND_LINK, t.CANCEL_CHANGE]
            try:
                chosen = self.ask.choice(t.WHAT_NEXT, options, default=suggested)
            except GoBack:
                continue
            if chosen == 2:
                return None
            if chosen == 1:
                try:
                    challenge = self.call(self.service.resend_contact_code, nir, channel)
                except ContactChangeLocked as error:
                    if error.code_usable:  # only sending is held back: the code still works
                        self.ask.error(error.message)
                        continue
                    self._change_locked(error)
                    return None
                except ServiceError as error:
                    self.say(error.message)
                    continue
                self.show_messages_sent()
                by_mail = by_email(channel)
                template = tcontacts.RESENT_TO_EMAIL if by_mail else tcontacts.RESENT_TO_MOBILE
                self.say(template.format(to=_recipient(challenge)))

    def _change_locked(self, error: ContactChangeLocked) -> None:
        """Beyond the bounds on one-time codes: why and how long, after the answer refused;
        then back to the summary, as the screens lead there."""
        self.ask.error(error.message)
        self.say(tcontacts.BACK_TO_SUMMARY + ".")

    def _announce_code(self, challenge: Challenge) -> None:
        email = by_email(challenge.channel)
        self.header(
            Step.CONTACTS, tcontacts.EMAIL_OTP_TITLE if email else tcontacts.MOBILE_OTP_TITLE
        )
        lead = tcontacts.SENT_TO_EMAIL if email else tcontacts.SENT_TO_MOBILE
        self.say(lead + _recipient(challenge))
        lifetime = challenge.expires_at - challenge.sent_at
        self.say(tcontacts.VALIDITY.format(minutes=max(1, round(lifetime.total_seconds() / 60))))

    # -- Je choisis mon identifiant et mon mot de passe ---------------------------------------
    def credentials(self) -> StepResult:
        self.header(Step.CREDENTIALS)
        self.say(tcred.INTRO)
        questions: list[Question] = [
            ("identifier", self._ask_identifier),
            ("password", self._ask_password),
            ("confirmation", self._ask_confirmation),
        ]
        answers: Answers = {}
        nir = self.person.nir
        start = 0
        while True:
            try:
                self.form(questions, answers, start)
            except GoBack:
                return Nav.BACK
            try:
                person = self.call(
                    self.service.activate,
                    nir,
                    answers["identifier"],
                    answers["password"],
                    accepted_terms=self.session.accepted_terms,
                    expected=self.person.status,
                )
            except IdentifierTaken:
                # Taken meanwhile by another session: the check offers free ones again.
                self.ask.error(tcred.IDENTIFIER_TAKEN)
                start = 0
                continue
            except PasswordRejected as error:
                self.ask.error(error.message)
                start = 1
                continue
            except InvalidInput as error:
                self.ask.error(error.message)
                start = 0 if error.field == "identifier" else 1
                continue
            except TermsNotAccepted as error:
                self.say(error.message)
                return Step.DECISION
            except DecisionConflict as error:
                # Opposed meanwhile by another session: the decision as the registry has it.
                self.say(error.message)
                self.refresh_person()
                return Step.DECISION
            except (AlreadyActive, UnknownPerson, Locked) as error:
                # Locked: too many identifiers tried; the message says when to come back.
                self.say(error.message)
                self.say(t.BACK_TO_WELCOME)
                return None
            except ServiceError as error:
                # Busy, or unexpected: the answers are kept; confirming again retries.
                self.say(error.message)
                start = 2
                continue
            break
        answers.clear()  # the password goes no further
        self.session.person = person
        self.session.identifier = person.identifier
        return Nav.NEXT

    def _ask_identifier(self, answers: Answers) -> str:
        from mes_tui.models import normalize_identifier

        nir = self.person.nir
        default: str | None = answers.get("identifier")
        while True:
            identifier = self.ask.text(
                tcred.IDENTIFIER_LABEL,
                normalize_identifier,
                hint=tcred.IDENTIFIER_HINT,
                default=default,
            )
            default = None
            try:
                check = self.call(self.service.check_identifier, nir, identifier)
            except InvalidInput as error:
                self.ask.error(error.message)
                continue
            except ServiceError as error:
                # The check is a courtesy: the activation itself says if it is taken.
                self.say(error.message)
                return identifier
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
    def activated(self) -> StepResult:
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
        return Step.HOME if chosen == 0 else None

    # -- the home page ----------------------------------------------------------------------
    def home(self) -> StepResult:
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
        return None

    # -- opposition -------------------------------------------------------------------------
    def confirm_opposition(self) -> StepResult:
        self.header(Step.OPPOSE_CONFIRM)
        self.say(toppose.CONFIRM_BODY)
        while True:
            try:
                confirmed = self.ask.yes_no(t.OPPOSE_QUESTION)
            except GoBack:
                return Nav.BACK
            if not confirmed:
                return Nav.BACK
            outcome = self.call(self.engine.oppose)
            if isinstance(outcome, Go) or outcome.go is not None:
                # Recorded; or someone decided meanwhile: the decision as the registry has it.
                return self.outcome(outcome)
            self.say(outcome.message)

    def opposed(self) -> StepResult:
        from mes_tui.models import format_date

        person = self.person
        self.header(Step.OPPOSED)
        if person.decided_on is not None:
            self.say(toppose.DECIDED_ON.format(date=format_date(person.decided_on)))
        self.say(toppose.DONE_BODY)
        self.pending = None  # the opposition is recorded; only the receipt may be lost
        path = self.save_receipt(person.nir)
        self.session.receipt_path = str(path) if path else None
        if self.person.profiles:
            self.manage_profiles(toppose.FINISH, intro=thome.PROFILES_INTRO)
        else:
            self.choose_or_explain(t.WHAT_NEXT, [toppose.FINISH])
        return None

    def save_receipt(self, nir: str) -> Path | None:
        """Ask where to save the receipt of ``nir``'s opposition (Enter keeps
        ``DATA_DIR/justificatifs``) and save it; its path, or None if the person went on
        without it (``<``, confirmed) or it is no longer available."""
        default = str(self.engine.default_receipts_dir())
        outer = self.pending
        # Set back on every way out but an exception: the end of the input must report it.
        self.pending = t.PENDING_RECEIPT

        def folder(raw: str) -> Path:
            if not raw.strip():
                raise Invalid(toppose.FOLDER_EMPTY)
            return Path(raw.strip()).expanduser().absolute()

        while True:
            try:
                chosen = self.ask.text(
                    toppose.FOLDER_LABEL,
                    folder,
                    hint=toppose.FOLDER_HINT,
                    default=default,
                    default_shown=safe.printable(default),
                )
            except GoBack:
                if self._leave_without_receipt():
                    self.pending = outer
                    return None
                continue
            try:
                path = self.call(self.engine.receipts.save, self.service, nir, chosen)
            except InvalidInput as error:
                self.ask.error(error.message)
                continue
            except ReceiptUnavailable as error:
                self.say(error.message)
                self.pending = outer
                return None
            except ServiceError as error:
                self.say(error.message)
                continue
            self.say(toppose.SAVED.format(path=safe.printable(str(path))))
            self.say(toppose.SAVED_DETAIL)
            self.pending = outer
            return path

    def _leave_without_receipt(self) -> bool:
        try:
            chosen = self.ask.choice(
                toppose.LEAVE_TITLE,
                [toppose.LEAVE_NO, toppose.LEAVE_YES],
                default=0,
                hint=toppose.LEAVE_BODY,
            )
        except GoBack:
            return False
        return chosen == 1

    # -- attached profiles ------------------------------------------------------------------
    def manage_profiles(self, finish: str, intro: str | None = None) -> None:
        """The attached profiles, statuses in words; choosing one manages it, the last entry
        (``finish``) ends."""
        while True:
            profiles = self.person.profiles
            heading = [intro] if intro else []
            heading.append(thome.PROFILES_TITLE.format(count=len(profiles)))
            heading.append(t.PROFILES_QUESTION if profiles else thome.NO_PROFILES)
            chosen = self.choose_or_explain(
                "\n".join(heading),
                [*(formats.profile_line(p) for p in profiles), finish],
                default=len(profiles),
            )
            if chosen == len(profiles):
                return
            self.manage_profile(profiles[chosen])

    def manage_profile(self, profile: ProfileView) -> None:
        """Je gère le profil de …: activate it or oppose its creation (a minor's profile after
        certifying being the legal representative; an opposition after confirming it), then,
        after an opposition, that profile's receipt."""
        name = safe.printable(profile.display_name)
        self.say()
        self.say(tprofile.TITLE.format(name=name))
        self.say(
            tprofile.STATUS.format(
                status=presenters.status_text(profile.status, profile.decided_on)
            )
        )
        if profile.is_minor:
            self.say(tprofile.MINOR_NOTE)
        actions = _profile_actions(profile.status)
        try:
            chosen = self.ask.choice(
                tprofile.CHOICE_LABEL,
                [option for option, _ in actions] + [Option(tprofile.BACK_TO_LIST)],
                default=len(actions),
            )
            if chosen == len(actions):
                return
            target = actions[chosen][1]
            certified = False
            if profile.is_minor:
                certified = self.ask.yes_no(
                    tprofile.CERTIFY.format(name=formats.certified_name(profile))
                )
                if not certified:
                    self.say(tservice.CERTIFICATION_REQUIRED)
                    self.say(t.NOTHING_RECORDED)
                    return
            if target is Status.OPPOSEE:
                closing = profile.status is Status.ACTIVE
                title = tprofile.CONFIRM_CLOSE_TITLE if closing else tprofile.CONFIRM_TITLE
                confirmed = self.ask.yes_no(
                    title.format(name=name),
                    hint=tprofile.CONFIRM_CLOSE_BODY if closing else tprofile.CONFIRM_BODY,
                )
                if not confirmed:
                    self.say(t.NOTHING_RECORDED)
                    return
        except GoBack:
            return
        try:
            decision = self.call(
                self.service.decide_profile,
                self.person.nir,
                profile.nir,
                target,
                expected=profile.status,
                certified_legal_representative=certified,
            )
        except ServiceError as error:
            self.say(error.message)
            self.refresh_person()
            return
        self.refresh_person()
        if decision.status is Status.ACTIVE:
            self.say(tprofile.ACTIVATED.format(name=name))
            return
        status = presenters.status_text(decision.status, decision.decided_on)
        self.say(tprofile.OPPOSED.format(name=name, status=status))
        self.say(tprofile.RECEIPT_INTRO)
        self.save_receipt(profile.nir)

    # -- Me connecter -----------------------------------------------------------------------
    def login(self) -> StepResult:
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
        answers: Answers = {}
        while True:
            try:
                self.form(questions, answers)
            except GoBack:
                return None
            try:
                person = self.call(self.service.login, answers["identifier"], answers["password"])
            except LoginFailed as error:
                self.say(error.message)
                continue
            except Locked as error:
                self.say(error.message)
                self.say(t.BACK_TO_WELCOME)
                return None
            except ServiceError as error:
                self.say(error.message)
                continue
            break
        answers.clear()  # the password goes no further
        self.session.person = person
        self.session.identifier = person.identifier
        return Step.HOME


def by_email(channel: Channel) -> bool:
    return channel is Channel.EMAIL


def _profile_actions(status: Status) -> list[tuple[Option, Status]]:
    """The decisions that change something for a profile in ``status``, as the screen offers."""
    if status is Status.ACTIVE:
        return [(Option(tprofile.CLOSE, tprofile.CLOSE_DETAIL), Status.OPPOSEE)]
    if status is Status.OPPOSEE:
        return [(Option(tprofile.ACTIVATE, tprofile.REACTIVATE_DETAIL), Status.ACTIVE)]
    return [
        (Option(tprofile.ACTIVATE, tprofile.ACTIVATE_DETAIL), Status.ACTIVE),
        (Option(tprofile.OPPOSE, tprofile.OPPOSE_DETAIL), Status.OPPOSEE),
    ]


def _recipient(challenge: Challenge) -> str:
    """Where a one-time code went, as the person knows it: the address, or ``06 11 12 13 14``."""
    from mes_tui.models import format_mobile_national

    to = challenge.to if by_email(challenge.channel) else format_mobile_national(challenge.to)
    return safe.printable(to)


def _birth_date(raw: str) -> date:
    """A date of birth typed on one line: ``07/12/1985``, ``07 12 1985`` or ``07121985``."""
    import re

    from mes_tui.models import birth_date_from_parts, parse_birth_date
    from mes_tui.models.dates import check_birth_date

    parts = [p for p in re.split(r"[\s/.-]+", raw.strip()) if p]
    if len(parts) == 3:
        return birth_date_from_parts(*parts)
    return check_birth_date(parse_birth_date(raw))
