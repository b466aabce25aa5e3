"""The journeys, whatever shows them: the screens and the plain mode collect what the person
types, hand it to ``Journey`` and show its answer (``mes_tui.engine.outcomes``). Neither
decides a next step on its own; order and branches are written here and in
``mes_tui.journey``, once. Nothing here imports Textual or Rich.

Each method calls the back office (it may block: the screens call it from a worker thread),
keeps what the journey needs in the ``Session`` and answers:

- ``Go(step, branch)``: the person goes on; ``fresh`` when what came before cannot be undone;
- ``Refused(message, field, go, offers)``: the person stays to correct ``field`` (or the whole
  form), unless ``go`` takes them elsewhere;
- ``Done(value)``: carried out, the person stays on the step (a code sent, a receipt saved).

The ticket that identification or sign-in hands over is kept in ``session.ticket`` and passed
on every call about the person; it is revoked (``sign_out``) whenever the person is forgotten
(``wipe``, the welcome page) or someone is identified anew.

Given a ``MessageFeed`` (a simulated back office, and a front end that may show its messages),
the journey keeps each message sent for its session in ``session.messages``, newest last. The
receipt is written by ``mes_tui.receipt_writer``, in the folder the person chose or the default
one (``default_receipts_dir()``).

Where each refusal of the back office leads, in both front ends:

============================  =========================  =====================================
Refusal                       Where the person goes      What they read
============================  =========================  =====================================
InvalidInput (any step)       stays, on that field       the reason, next to the field
IdentificationFailed          stays on Je m'identifie    one message whatever was wrong; a new
                                                         provisional code is offered
Locked (identification,       stays on the form          how long to wait; a new provisional
new code, sign-in)                                       code is offered on identification
Slowed (session, address,     stays on the form          how long before the next attempt
identifier)
ContactChangeLocked           stays on the code if the   how long; back to the contact
                              code received still        summary when nothing more can be
                              counts, else the contact   done there
                              summary
AlreadyActive (identify)      stays on Je m'identifie    already active: sign in instead
CodeRequestFailed,            stays on the new-code      the reason
NoEmailOnFile,                form
TooManyRequests
DecisionConflict              Je prends ma décision,     someone decided meanwhile; the
                              as the registry has it     decision as it now stands
TermsNotAccepted (activate)   Je prends ma décision,     the conditions must be accepted
                              on the conditions
AlreadyActive (activate)      the welcome page           already active
IdentifierTaken               stays, on the identifier   taken; free identifiers proposed
PasswordRejected              stays, on the password     the rules not met
OtpInvalid, OtpExpired,       stays, on the code         attempts left, or to ask again
ResendTooSoon
NoPendingCode                 back to the contact        no code under way
                              summary
ReceiptUnavailable            stays, receipt gone        it can be saved only once
TicketRefused (any step       the welcome page, the      the session is no longer valid:
after identification)         journey wiped              identify again
any other refusal             stays, what was typed      the message, at the top
(busy registry, lost key,     kept
delivery failed…)
============================  =========================  =====================================
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from mes_tui import journey
from mes_tui.engine.outcomes import Done, Go, Offer, Outcome, Refused
from mes_tui.journey import Branch, Session, Step
from mes_tui.services import errors as e
from mes_tui.services.errors import ServiceError, TicketRefused
from mes_tui.texts import credentials as tcred
from mes_tui.texts import decision as tdecision
from mes_tui.texts import identification as tident
from mes_tui.texts import new_code as tnew

if TYPE_CHECKING:
    from mes_tui.models import CardType, Channel, PersonView, Status
    from mes_tui.receipt_writer import ReceiptWriter
    from mes_tui.services.api import (
        Challenge,
        CodeSent,
        Decision,
        IdentifierCheck,
        MessageFeed,
        MesService,
        OutboxMessage,
    )

T = TypeVar("T")

__all__ = ["CodeRequest", "Done", "Go", "Journey", "Offer", "Outcome", "Refused", "refusal"]


@dataclass(frozen=True)
class CodeRequest:
    """What a person gave to ask for a new provisional code."""

    nir_without_key: str
    birth_date: date
    card_type: CardType
    serial: str


def refusal(error: ServiceError, step: Step) -> Refused:
    """Where ``error``, met on ``step``, leads (the table above)."""

    if isinstance(error, e.InvalidInput):
        return Refused(error.message, field=error.field)
    if isinstance(error, e.IdentificationFailed):
        return Refused(error.message, offers=(Offer.NEW_CODE, Offer.WELCOME))
    if isinstance(error, e.ContactChangeLocked):
        if error.code_usable:  # no more codes sent, but the one received may still be typed
            return Refused(error.message, field="otp")
        return Refused(error.message, go=Go(Step.CONTACTS, Branch.ACTIVATION))
    if isinstance(error, e.Locked):
        offers = (Offer.NEW_CODE, Offer.WELCOME) if step is Step.IDENTIFY else (Offer.WELCOME,)
        return Refused(error.message, offers=offers)
    if isinstance(error, e.AlreadyActive) and step is Step.IDENTIFY:
        return Refused(tident.ALREADY_ACTIVE, offers=(Offer.WELCOME,))
    if isinstance(error, e.AlreadyActive | e.UnknownPerson | e.TicketRefused):
        return Refused(error.message, go=Go(Step.WELCOME, Branch.ACTIVATION, fresh=True))
    if isinstance(error, e.DecisionConflict):
        return Refused(error.message, go=Go(Step.DECISION, Branch.ACTIVATION, fresh=True))
    if isinstance(error, e.TermsNotAccepted):
        return Refused(error.message, field="terms", go=Go(Step.DECISION, Branch.ACTIVATION))
    if isinstance(error, e.IdentifierTaken):
        return Refused(
            tcred.IDENTIFIER_TAKEN, field="identifier", suggestions=tuple(error.suggestions)
        )
    if isinstance(error, e.PasswordRejected):
        return Refused(error.message, field="password")
    if isinstance(error, e.ResendTooSoon):
        return Refused(error.message, field="otp", too_soon=True)
    if isinstance(error, e.OtpInvalid | e.OtpExpired):
        return Refused(error.message, field="otp")
    if isinstance(error, e.NoPendingCode):
        return Refused(error.message, go=Go(Step.CONTACTS, Branch.ACTIVATION))
    if isinstance(error, e.ReceiptUnavailable):
        return Refused(error.message, gone=True)
    return Refused(error.message)


class Journey:
    """One person's journey on a back office; ``wipe()`` before the next person."""

    def __init__(
        self,
        service: MesService,
        session: Session | None = None,
        *,
        messages: MessageFeed | None = None,
        receipts: ReceiptWriter | None = None,
    ) -> None:
        self.service = service
        self.session = session if session is not None else Session()
        self.code_request: CodeRequest | None = None
        """The details of a new-code request, between its form and its confirmation."""
        if receipts is None:
            from mes_tui.receipt_writer import ReceiptWriter

            receipts = ReceiptWriter.for_data_dir()
        self.receipts = receipts
        """Where and how receipts are written (the front end's settings)."""
        self._unsubscribe = messages.subscribe(self._keep) if messages is not None else None

    def _keep(self, message: OutboxMessage) -> None:
        """A simulated message sent for this session (in the thread of the call that sent
        it): kept for the person, shown by the front end when messages may be shown."""
        self.session.messages.append(message)

    def close(self) -> None:
        """Hear no more messages (the front end is done with this journey)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def default_receipts_dir(self) -> Path:
        """Where receipts go unless the person types another folder."""
        return self.receipts.default_folder

    # -- helpers -----------------------------------------------------------------------------
    @property
    def person(self) -> PersonView:
        person = self.session.person
        assert person is not None, "no one is identified"
        return person

    def _call(self, step: Step, call: Callable[[], T]) -> T | Refused:
        try:
            return call()
        except ServiceError as error:
            if isinstance(error, TicketRefused):
                self.wipe()  # nothing more can be done for this person without a new ticket
            return refusal(error, step)

    def _read_again_for(self, refused: Refused) -> Refused:
        """A refusal that takes the person back to a step showing what the registry holds (the
        decision, the contact summary): they are read again first, so that it shows what was
        done meanwhile at another desk (a decision, a contact change)."""
        back = refused.go.step if refused.go is not None else None
        if back in (Step.DECISION, Step.CONTACTS) and self.session.person is not None:
            self.refresh()
        return refused

    def wipe(self) -> None:
        """Forget the person (their ticket revoked): the next one starts from nothing."""
        self._sign_out()
        self.session.wipe()
        self.code_request = None

    def _sign_out(self) -> None:
        """Revoke the person's ticket, if any."""
        ticket, self.session.ticket = self.session.ticket, None
        if ticket is not None:
            with contextlib.suppress(Exception):  # a revocation lost lapses all the same
                self.service.sign_out(ticket)

    def start(self, branch: Branch) -> Go:
        """From the welcome page: activation and opposition start with the identification."""
        self.session.branch = branch
        first = {Branch.NEW_CODE: Step.NEW_CODE}.get(branch, Step.IDENTIFY)
        return Go(first, branch)

    def refresh(self) -> PersonView | Refused:
        """The person as the registry has them now."""
        nir, ticket = self.person.nir, self.session.ticket
        person = self._call(Step.DECISION, lambda: self.service.get_person(ticket, nir))
        if not isinstance(person, Refused):
            self.session.person = person
        return person

    # -- Je m'identifie ----------------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> Outcome:
        from mes_tui.models import Status

        self.session.card_type = card_type
        identified = self._call(
            Step.IDENTIFY, lambda: self.service.identify(code, nir, card_type, serial)
        )
        if isinstance(identified, Refused):
            return identified
        person = identified.person
        self._sign_out()  # whoever was identified before
        self.session.ticket = identified.ticket
        if person.status is Status.ACTIVE:
            # Nothing to do here for them: nothing of them is kept either.
            self.session.person = None
            self._sign_out()
            return Refused(tident.ALREADY_ACTIVE, offers=(Offer.WELCOME,))
        self.session.person = person
        self.session.branch = Branch.ACTIVATION
        return Go(Step.DECISION, Branch.ACTIVATION, fresh=True)

    # -- Je génère un nouveau code provisoire ------------------------------------------------
    def find_code_recipient(self, request: CodeRequest) -> Go | Refused:
        """The first page of the new-code request: to whom the code would go (masked)."""
        self.session.card_type = request.card_type
        masked = self._call(
            Step.NEW_CODE,
            lambda: self.service.find_code_recipient(
                request.nir_without_key, request.birth_date, request.card_type, request.serial
            ),
        )
        if isinstance(masked, Refused):
            return masked
        self.code_request = request
        self.session.branch = Branch.NEW_CODE
        return Go(Step.CODE_DELIVERY, Branch.NEW_CODE, notice=masked)

    def send_new_code(self) -> Go | Refused:
        """The confirmation: the code is sent, the person identifies with it."""
        r = self.code_request
        assert r is not None, "no new-code request under way"
        sent: CodeSent | Refused = self._call(
            Step.CODE_DELIVERY,
            lambda: self.service.request_provisional_code(
                r.nir_without_key, r.birth_date, r.card_type, r.serial
            ),
        )
        if isinstance(sent, Refused):
            return sent
        self.code_request = None
        self.session.notice = tnew.SENT.format(to=sent.masked_to)
        self.session.branch = Branch.ACTIVATION
        return Go(Step.IDENTIFY, Branch.ACTIVATION, fresh=True, notice=self.session.notice)

    # -- Je prends ma décision ---------------------------------------------------------------
    def decide(self, branch: Branch | None, *, accepted_terms: bool) -> Go | Refused:
        """Activate (the conditions accepted) or oppose."""
        if branch is None:
            return Refused(tdecision.CHOICE_MISSING, field="decision")
        if branch is Branch.OPPOSITION:
            self.session.branch = Branch.OPPOSITION
            return Go(Step.OPPOSE_CONFIRM, Branch.OPPOSITION)
        self.session.accepted_terms = accepted_terms
        if not accepted_terms:
            return Refused(tdecision.TERMS_MISSING, field="terms")
        self.session.branch = Branch.ACTIVATION
        return Go(Step.CONTACTS, Branch.ACTIVATION)

    # -- opposition ----------------------------------------------------------------------------
    def oppose(self) -> Go | Refused:
        person = self.person
        nir, seen, ticket = person.nir, person.status, self.session.ticket
        recorded = self._call(
            Step.OPPOSE_CONFIRM, lambda: self.service.oppose(ticket, nir, expected=seen)
        )
        if isinstance(recorded, Refused):
            return self._read_again_for(recorded)
        self.refresh()
        return Go(Step.OPPOSED, Branch.OPPOSITION, fresh=True)

    def save_receipt(self, nir: str, folder: Path | None) -> Done[Path] | Refused:
        """Write the receipt of ``nir``'s opposition into ``folder`` (None: the default one)."""
        from mes_tui.receipt_writer import with_ticket

        desk = with_ticket(self.service, self.session.ticket)
        path = self._call(Step.OPPOSED, lambda: self.receipts.save(desk, nir, folder))
        if isinstance(path, Refused):
            return path
        return Done(path)

    # -- Je vérifie mes coordonnées de contact -------------------------------------------------
    def start_contact_change(self, channel: Channel, value: str) -> Done[Challenge] | Refused:
        nir, ticket = self.person.nir, self.session.ticket
        challenge = self._call(
            Step.CONTACTS, lambda: self.service.start_contact_change(ticket, nir, channel, value)
        )
        return (
            self._read_again_for(challenge) if isinstance(challenge, Refused) else Done(challenge)
        )

    def resend_contact_code(self, channel: Channel) -> Done[Challenge] | Refused:
        nir, ticket = self.person.nir, self.session.ticket
        challenge = self._call(
            Step.CONTACTS, lambda: self.service.resend_contact_code(ticket, nir, channel)
        )
        return (
            self._read_again_for(challenge) if isinstance(challenge, Refused) else Done(challenge)
        )

    def verify_contact_code(self, channel: Channel, code: str) -> Done[PersonView] | Refused:
        nir, ticket = self.person.nir, self.session.ticket
        person = self._call(
            Step.CONTACTS, lambda: self.service.verify_contact_code(ticket, nir, channel, code)
        )
        if isinstance(person, Refused):
            return self._read_again_for(person)
        self.session.person = person
        return Done(person)

    def contacts_done(self) -> Go:
        return Go(Step.CREDENTIALS, Branch.ACTIVATION)

    # -- Je choisis mon identifiant et mon mot de passe ----------------------------------------
    def check_identifier(self, identifier: str) -> Done[IdentifierCheck] | Refused:
        nir, ticket = self.person.nir, self.session.ticket
        check = self._call(
            Step.CREDENTIALS, lambda: self.service.check_identifier(ticket, nir, identifier)
        )
        return check if isinstance(check, Refused) else Done(check)

    def activate(self, identifier: str, password: str) -> Go | Refused:
        nir, accepted = self.person.nir, self.session.accepted_terms
        seen, ticket = self.person.status, self.session.ticket
        person = self._call(
            Step.CREDENTIALS,
            lambda: self.service.activate(
                ticket, nir, identifier, password, accepted_terms=accepted, expected=seen
            ),
        )
        if isinstance(person, Refused):
            if person.go is not None and person.go.step is Step.WELCOME:
                self.wipe()
            return self._read_again_for(person)
        self.session.person = person
        self.session.identifier = person.identifier or identifier
        return Go(Step.ACTIVATED, Branch.ACTIVATION, fresh=True)

    # -- sign-in and the attached profiles -----------------------------------------------------
    def login(self, identifier: str, password: str) -> Go | Refused:
        identified = self._call(Step.LOGIN, lambda: self.service.login(identifier, password))
        if isinstance(identified, Refused):
            return identified
        person = identified.person
        self._sign_out()  # whoever was identified before
        self.session.person, self.session.ticket = person, identified.ticket
        self.session.identifier = person.identifier
        self.session.branch = Branch.ACTIVATION
        return Go(Step.HOME, Branch.ACTIVATION, fresh=True)

    def decide_profile(
        self, profile_nir: str, status: Status, seen: Status, *, certified: bool = False
    ) -> Done[Decision] | Refused:
        """A decision for an attached profile; the holder is read again in every case, so
        that what is shown is what the registry holds (a conflict included)."""
        holder, ticket = self.person.nir, self.session.ticket
        decision = self._call(
            Step.HOME,
            lambda: self.service.decide_profile(
                ticket,
                holder,
                profile_nir,
                status,
                expected=seen,
                certified_legal_representative=certified,
            ),
        )
        if isinstance(decision, Refused) and self.session.person is None:
            return decision  # the ticket was refused: the journey is wiped, nothing more here
        self.refresh()
        if isinstance(decision, Refused):
            return Refused(decision.message, field=decision.field)  # stays on the profile
        return Done(decision)

    # -- ways on that ask nothing of the back office -------------------------------------------
    def to_welcome(self) -> Go:
        """Back to the welcome page, for this person or the next: nothing of them is kept."""
        self.wipe()
        return Go(Step.WELCOME, Branch.ACTIVATION, fresh=True)

    def to_login(self) -> Go:
        """From the welcome page: Me connecter."""
        self.session.branch = Branch.ACTIVATION
        return Go(Step.LOGIN, Branch.ACTIVATION)

    def to_home(self) -> Go:
        """Once activated: the home page of the account."""
        return Go(Step.HOME, Branch.ACTIVATION, fresh=True)

    def take(self, offer: Offer, step: Step) -> Go:
        """Where a way on that a refusal on ``step`` offered (``Refused.offers``) leads; a
        new-code request asked from ``step`` goes back there (``back``)."""
        if offer is Offer.NEW_CODE:
            self.session.branch = Branch.NEW_CODE
            self.session.came_from = step
            return Go(Step.NEW_CODE, Branch.NEW_CODE)
        return self.to_welcome()

    def back(self, step: Step) -> Go:
        """Where going back out of ``step`` leads: the step before it on the person's branch
        (``journey.ORDER``), the step a new-code request was asked from, else the welcome page.
        Back on the identification, the person is identified again from nothing."""
        branch = self.session.branch
        before = journey.previous_step(step, branch) if step in journey.ORDER[branch] else None
        if before is None and step is Step.NEW_CODE:
            before, branch = self.session.came_from, Branch.ACTIVATION
        if before is None:
            return self.to_welcome()
        if before is Step.IDENTIFY:
            self.session.person = None
            self._sign_out()
        self.session.branch = branch
        return Go(before, branch)

    def chosen_decision(self) -> Branch | None:
        """What the decision step shows as chosen when the person comes back to it: the
        opposition, the activation once its conditions were accepted, else nothing."""
        if self.session.branch is Branch.OPPOSITION:
            return Branch.OPPOSITION
        if self.session.branch is Branch.ACTIVATION and self.session.accepted_terms:
            return Branch.ACTIVATION
        return None
