"""The simulated back office: ``MesService`` on a local SQLite registry and a file outbox (the
trainer's operations are ``mes_tui.services.admin``, the messages of a session its ``feed``).

It applies the rules a real back office would (DOMAIN.md, security rules): one message whatever
part of an identification was wrong, lockouts per NIR, waits per identifier, waits then locks
per session and per SSH client address (rules.py), bounded answers about identifiers,
one-time codes bounded per person and channel (sent and wrong, per change and per day),
single-use codes kept only as keyed hashes and compared in constant time, argon2id passwords,
and decisions recorded with optimistic concurrency so that two sessions deciding for the same
profile cannot both win.

The rules are here and in ``throttle``, ``otp`` and ``people``; what they read and write goes
through a ``Repository`` (``repository.py``; on SQLite, ``sqlite_repository.py``), never SQL.
Each public method opens its own short transactions: workers call it from threads, and many
processes share the registry. Anything slow (argon2, delivery) runs outside write transactions.
Logs never carry a NIR, a code or a password.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import math
import secrets
from datetime import date, datetime

from pydantic_core import PydanticCustomError

from mes_tui.models import (
    CardType,
    Channel,
    PersonView,
    Status,
    age_on,
    mask_email,
    new_provisional_code,
    normalize_email,
    normalize_identifier,
    normalize_mobile,
    normalize_nir,
    normalize_otp,
    normalize_provisional_code,
    normalize_serial,
    password_problems,
)
from mes_tui.services import inputs, otp, people, receipts, rules, throttle
from mes_tui.services.api import Challenge, CodeSent, Decision, IdentifierCheck, Receipt
from mes_tui.services.clock import local_date, next_local_midnight
from mes_tui.services.delivery import send
from mes_tui.services.errors import (
    AlreadyActive,
    CertificationRequired,
    ContactChangeLocked,
    IdentificationFailed,
    IdentifierChecksPaused,
    IdentifierTaken,
    InvalidInput,
    Locked,
    LoginFailed,
    NoPendingCode,
    PasswordRejected,
    ReceiptBusy,
    ReceiptUnavailable,
    ServiceError,
    Slowed,
    TermsNotAccepted,
    TooManyRequests,
)
from mes_tui.services.hashing import KeyedHasher
from mes_tui.services.repository import StoredPerson, Transaction
from mes_tui.services.session_base import ReceiptClaim, SessionBase
from mes_tui.services.storage import day
from mes_tui.texts import service as t

log = logging.getLogger("mes_tui")


class SimulatedService(SessionBase):
    """``MesService`` backed by the local registry. Build it with ``open_service``."""

    def prepare(self) -> None:
        # The key that hashes codes may come from the system keyring: slow to import and to
        # ask (hundreds of ms), else the first submit waits for it.
        self.hasher.load_key()

    # -- identification ---------------------------------------------------------------------
    def identify(self, code: str, nir: str, card_type: CardType, serial: str) -> PersonView:
        code = inputs.field("code", normalize_provisional_code, code)
        nir = inputs.field("nir", normalize_nir, nir)
        card = inputs.card_type(card_type)
        typed = inputs.field("serial", normalize_serial, serial, card, nir)
        now = self.clock.now()
        today = local_date(self.clock)
        subject = self.hasher.subject(rules.IDENTIFY.scope, nir)
        paced = self._paced(rules.IDENTIFY_SESSION, rules.IDENTIFY_CLIENT)
        offered = self.hasher.provisional_code(nir, code)

        def attempt(tx: Transaction) -> PersonView | throttle.Refusal:
            """The person, or why not (failures counted)."""
            held = throttle.refusal_if_held(tx, rules.IDENTIFY, subject, paced, now)
            if held is not None:
                return held
            person = tx.person_by_nir(nir)
            # Every part is compared, whatever fails first: no timing tells which one it was.
            code_ok = KeyedHasher.same(person.provisional_code_hash if person else None, offered)
            card_ok = person is not None and person.card_type is card
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is not None and code_ok & card_ok & serial_ok:
                # The code stays valid until a decision is recorded (see _transition and
                # activate): a person who stops between identification and decision, or whose
                # connection drops, can start again with the same code. The session's and
                # the client's failures stay counted: they fade with time, not with a success.
                throttle.clear_failures(tx, rules.IDENTIFY, subject)
                return people.view(tx, person, today)
            return throttle.refuse(tx, rules.IDENTIFY, subject, paced, now)

        result = self.repository.write(attempt)
        if isinstance(result, PersonView):
            log.info("identification réussie")
            return result
        raise result.error(
            now,
            failed=IdentificationFailed,
            nir_locked=t.LOCKED,
            paced_locked=t.IDENTIFICATION_SESSION_LOCKED,
            paced_wait=t.IDENTIFICATION_WAIT,
            what="identification",
        )

    def find_code_recipient(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> str:
        person = self._code_requester(nir_without_key, birth_date, card_type, serial)
        assert person.email is not None  # checked by _code_requester
        return mask_email(person.email)

    def request_provisional_code(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> CodeSent:
        person = self._code_requester(nir_without_key, birth_date, card_type, serial)
        assert person.email is not None  # checked by _code_requester
        day_text = day(local_date(self.clock))

        # One of the day's requests is taken before anything is sent: of many sessions asking
        # at once, only as many as the day allows send a message (and each message's code is
        # valid when sent, until a later one replaces it).
        def reserve(tx: Transaction) -> bool:
            return tx.take_code_request(person.id, day_text, rules.CODE_REQUESTS_PER_DAY)

        def release(tx: Transaction) -> None:
            tx.give_back_code_request(person.id, day_text)

        if self.repository.write(reserve) == 0:
            raise TooManyRequests(rules.CODE_REQUESTS_PER_DAY)
        code = new_provisional_code()
        try:
            message = send(
                self.delivery,
                self.hasher,
                Channel.EMAIL,
                person.email,
                "code_provisoire",
                t.MAIL_SUBJECT_PROVISIONAL_CODE,
                t.MAIL_BODY_PROVISIONAL_CODE.format(name=person.full_name, code=code),
                code,
                person.nir,
            )
        except BaseException:
            self.repository.write(release)  # not sent: the request is not counted
            raise
        # Only now, with the message gone, does the new code replace the old one.
        code_hash = self.hasher.provisional_code(person.nir, code)
        self.repository.write(lambda tx: tx.set_provisional_code(person.id, code_hash))
        log.info("nouveau code provisoire envoyé")
        self.feed.publish(message)
        return CodeSent(channel=Channel.EMAIL, masked_to=mask_email(person.email))

    # -- people and decisions ----------------------------------------------------------------
    def get_person(self, nir: str) -> PersonView:
        nir = inputs.field("nir", normalize_nir, nir)
        today = local_date(self.clock)
        return self.repository.read(
            lambda tx: people.view(tx, people.require_person(tx, nir), today)
        )

    def oppose(self, nir: str, *, expected: Status) -> Decision:
        return self._decide_self(nir, Status.OPPOSEE, inputs.status("expected", expected))

    def close_space(self, nir: str) -> Decision:
        return self._decide_self(nir, Status.OPPOSEE, Status.ACTIVE)

    def decide_profile(
        self,
        holder_nir: str,
        profile_nir: str,
        status: Status,
        *,
        expected: Status,
        certified_legal_representative: bool = False,
    ) -> Decision:
        holder_nir = inputs.field("nir", normalize_nir, holder_nir)
        profile_nir = inputs.field("profile", normalize_nir, profile_nir)
        target = inputs.status("status", status)
        if target is Status.EN_ATTENTE:
            raise InvalidInput("status", t.STATUS_INVALID)
        seen = inputs.status("expected", expected)
        today = local_date(self.clock)

        def record(tx: Transaction) -> Decision:
            profile = people.attached(tx, holder_nir, profile_nir)
            if age_on(profile.birth_date, today) < 18 and not certified_legal_representative:
                raise CertificationRequired()
            return people.transition(tx, profile, target, seen, today)

        decision = self.repository.write(record)
        log.info("décision enregistrée pour un profil rattaché : %s", decision.status.value)
        if decision.status is Status.OPPOSEE:
            receipts.prepare()
        return decision

    # -- the opposition receipt ---------------------------------------------------------------
    # Claimed first, then rendered, then handed over; the front end writes it and confirms:
    # of many sessions asking at once one renders a PDF, the others are told to wait. A
    # session killed after writing leaves a whole receipt in the folder and the receipt still
    # available once its claim has lapsed: never a receipt lost.
    def receipt(self, nir: str) -> Receipt:
        nir = inputs.field("nir", normalize_nir, nir)

        def available(tx: Transaction) -> StoredPerson:
            person = people.require_person(tx, nir)
            if person.status is not Status.OPPOSEE or not person.receipt_available:
                raise ReceiptUnavailable()
            return person

        person = self.repository.read(available)
        decided_on = person.decided_on
        assert decided_on is not None  # every opposition is dated
        now = self.clock.now()
        with self._claims_lock:
            mine = self._receipt_claims.get(nir)
        # Asked again by this session (a folder refused, another tried): the same claim.
        token = mine.token if mine is not None else secrets.token_hex(8)
        held_for = int(rules.RECEIPT_CLAIM.total_seconds())

        other_until = self.repository.write(
            lambda tx: people.hold_receipt(tx, person.id, token, decided_on, now)
        )
        if other_until is not None:
            log.info("justificatif d'opposition en cours d'enregistrement ailleurs")
            wait = max(1, min(held_for, math.ceil((other_until - now).total_seconds())))
            raise ReceiptBusy(wait)
        claim = ReceiptClaim(person.id, token, decided_on)
        with self._claims_lock:
            self._receipt_claims[nir] = claim
        from mes_tui.services.receipts import receipt_file_name, render_receipt

        try:
            data = render_receipt(
                nir=person.nir,
                first_name=person.first_name,
                last_name=person.last_name,
                decided_on=decided_on,
                now=now,
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self.release_receipt(nir)
            raise
        return Receipt(filename=receipt_file_name(decided_on), data=data)

    def receipt_saved(self, nir: str) -> None:
        nir = inputs.field("nir", normalize_nir, nir)
        with self._claims_lock:
            claim = self._receipt_claims.get(nir)
        if claim is None:
            raise ReceiptUnavailable()

        def take(tx: Transaction) -> bool:
            # Still ours even if the hold has passed, as long as no other session took it over.
            return tx.receipt_saved(claim.person_id, claim.token, claim.decided_on)

        taken = self.repository.write(take)  # if it fails, the claim stays ours to release
        with self._claims_lock:
            if self._receipt_claims.get(nir) is claim:
                del self._receipt_claims[nir]
        if taken == 0:
            raise ReceiptUnavailable()
        log.info("justificatif d'opposition enregistré")

    def release_receipt(self, nir: str) -> None:
        nir = inputs.field("nir", normalize_nir, nir)
        with self._claims_lock:
            claim = self._receipt_claims.pop(nir, None)
        if claim is None:
            return
        self.repository.write(lambda tx: tx.release_receipt(claim.person_id, claim.token))

    # -- contact details ---------------------------------------------------------------------
    def start_contact_change(self, nir: str, channel: Channel, new_value: str) -> Challenge:
        nir = inputs.field("nir", normalize_nir, nir)
        channel = inputs.contact_channel(channel)
        if channel is Channel.EMAIL:
            value = inputs.field("email", normalize_email, new_value)
        else:
            value = inputs.field("mobile", normalize_mobile, new_value)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)

        # The code is counted before it is sent (as a new provisional code is): of many
        # sessions asking at once, only as many as the bounds allow send a message.
        def reserve(tx: Transaction) -> otp.Reserved:
            person = people.require_person(tx, nir)
            current = person.email if channel is Channel.EMAIL else person.mobile
            if current is not None and current.lower() == value.lower():
                raise InvalidInput(
                    "email" if channel is Channel.EMAIL else "mobile", t.CONTACT_SAME
                )
            pending = tx.pending_code(person.id, channel)
            return otp.reserve_code(
                tx, person, channel, value, pending, now, today, midnight, resend=False
            )

        return self._send_otp(self.repository.write(reserve), channel, now, midnight)

    def resend_contact_code(self, nir: str, channel: Channel) -> Challenge:
        nir = inputs.field("nir", normalize_nir, nir)
        channel = inputs.contact_channel(channel)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)

        def reserve(tx: Transaction) -> otp.Reserved:
            person = people.require_person(tx, nir)
            limits = otp.current_limits(tx, person.id, channel, now, today)
            if limits.locked_until is not None:  # no code pending under a lock: say why
                raise otp.guessing_lock(limits, channel, now)
            pending = tx.pending_code(person.id, channel)
            if pending is None:
                raise NoPendingCode()
            return otp.reserve_code(
                tx, person, channel, pending.new_value, pending, now, today, midnight, resend=True
            )

        return self._send_otp(self.repository.write(reserve), channel, now, midnight)

    def verify_contact_code(self, nir: str, channel: Channel, code: str) -> PersonView:
        nir = inputs.field("nir", normalize_nir, nir)
        channel = inputs.contact_channel(channel)
        code = inputs.field("code", normalize_otp, code)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)
        self.hasher.load_key()  # before the write lock: the key may come from the keyring

        def attempt(tx: Transaction) -> PersonView | ServiceError:
            return otp.attempt(tx, self.hasher, nir, channel, code, now, today, midnight)

        result = self.repository.write(attempt)
        if isinstance(result, ContactChangeLocked):
            log.warning("vérification de coordonnée bloquée (%s)", channel.value)
            raise result
        if isinstance(result, ServiceError):
            log.info("code à usage unique erroné")
            raise result
        log.info("coordonnée vérifiée et enregistrée (%s)", channel.value)
        return result

    # -- credentials -------------------------------------------------------------------------
    def check_identifier(self, nir: str, identifier: str) -> IdentifierCheck:
        nir = inputs.field("nir", normalize_nir, nir)
        ident = self._identifier(nir, identifier)
        now = self.clock.now()
        quotas = self._identifier_quotas(nir)

        def check(tx: Transaction) -> IdentifierCheck | tuple[datetime, int]:
            return people.identifier_answer(tx, nir, ident, quotas, now, self.draw)

        result = self.repository.write(check)
        if isinstance(result, tuple):
            until, bound = result
            log.info("vérification d'identifiant refusée : nombre atteint")
            raise IdentifierChecksPaused(until, now, bound)
        return result

    def activate(
        self,
        nir: str,
        identifier: str,
        password: str,
        *,
        accepted_terms: bool,
        expected: Status,
    ) -> PersonView:
        if not accepted_terms:
            raise TermsNotAccepted()
        nir = inputs.field("nir", normalize_nir, nir)
        seen = inputs.status("expected", expected)
        ident = self._identifier(nir, identifier)
        today = local_date(self.clock)
        now = self.clock.now()
        quotas = self._identifier_quotas(nir)
        extra = rules.IDENTIFIER_ANSWERS_AT_ACTIVATION

        def check(tx: Transaction) -> StoredPerson | list[str] | tuple[datetime, int]:
            return people.activation_target(tx, nir, seen, ident, quotas, now, self.draw)

        found = self.repository.write(check)
        if isinstance(found, tuple):
            until, bound = found
            log.warning("activation refusée : nombre d'identifiants essayés atteint")
            raise Locked(until, now, t.IDENTIFIER_ANSWERS_LOCKED, count=bound)
        if isinstance(found, list):
            raise IdentifierTaken(found)
        person = found
        problems = password_problems(
            password,
            names=(person.first_name, person.last_name),
            birth_date=person.birth_date,
            identifier=ident,
        )
        if problems:
            raise PasswordRejected(problems)
        hashed = self.passwords.hash(password)  # slow: outside any transaction

        def record(tx: Transaction) -> PersonView | str:
            # Only from the status the person saw: a decision recorded meanwhile by another
            # session (checked above, then while the password was hashed) wins.
            return people.record_activation(tx, person.id, ident, hashed, today, seen)

        result = self.repository.write(record)
        if result == "taken":

            def taken(tx: Transaction) -> list[str]:
                throttle.quota_use(tx, quotas, now, extra)
                return people.suggest(tx, ident, person, self.draw)

            raise IdentifierTaken(self.repository.write(taken))
        if result == "active":
            raise AlreadyActive()
        assert isinstance(result, PersonView)
        log.info("espace activé")
        return result

    def login(self, identifier: str, password: str) -> PersonView:
        now = self.clock.now()
        today = local_date(self.clock)
        try:
            ident: str | None = normalize_identifier(identifier)
        except PydanticCustomError:
            ident = None
        counted = ident or (identifier.strip().lower() if isinstance(identifier, str) else "")
        subject = self.hasher.subject(rules.LOGIN.scope, counted)
        # The identifier's count, and the session's and the client's.
        paced = [(rules.LOGIN, subject), *self._paced(rules.LOGIN_SESSION, rules.LOGIN_CLIENT)]

        # Counted as a failure before the (slow) password check and taken back if it is right:
        # attempts made at once from many sessions cannot all slip past a wait.
        begun = self.repository.write(lambda tx: people.login_started(tx, ident, paced, now))
        if isinstance(begun, throttle.Hold):
            log.info("connexion ralentie : essai refusé sans vérification")
            if begun.locked:
                raise Locked(begun.until, now, t.LOGIN_LOCKED)
            raise Slowed(begun.until, now, t.LOGIN_WAIT)
        found, started = begun
        if found is not None and found.password_hash:
            ok = self.passwords.verify(found.password_hash, password)
        else:
            self.passwords.burn(password)  # the same time whether the identifier exists or not
            ok = False
        if not ok or found is None:
            log.info("connexion refusée")
            hold = throttle.holds(started)
            if hold is not None and hold.locked:
                raise Locked(hold.until, now, t.LOGIN_LOCKED)
            if hold is not None:
                raise LoginFailed((hold.until - now).total_seconds())
            raise LoginFailed()
        person = found
        old_hash = person.password_hash
        new_hash = (
            self.passwords.hash(password)
            if old_hash and self.passwords.needs_rehash(old_hash)
            else None
        )

        def succeed(tx: Transaction) -> PersonView:
            # The owner proved themselves: the identifier's count starts again. This attempt
            # was counted for the session and the client: taken back, and nothing more.
            throttle.clear_failures(tx, rules.LOGIN, subject)
            throttle.pace_refund(tx, paced[1:], started[1:])
            if new_hash is not None:
                assert old_hash is not None  # a new hash only replaces one
                tx.rehash_password(person.id, new_hash, old_hash)
            return people.view(tx, tx.person_by_id(person.id), today)

        log.info("connexion réussie")
        return self.repository.write(succeed)
