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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic_core import PydanticCustomError

from mes_tui.models import (
    CardType,
    Channel,
    PersonView,
    Status,
    age_on,
    mask_email,
    new_otp,
    new_provisional_code,
    nir_key,
    normalize_email,
    normalize_identifier,
    normalize_mobile,
    normalize_nir,
    normalize_nir_without_key,
    normalize_otp,
    normalize_provisional_code,
    normalize_serial,
    parse_birth_date,
    password_problems,
)
from mes_tui.models.dates import check_birth_date
from mes_tui.services import inputs, otp, people, rules, throttle
from mes_tui.services.api import (
    Challenge,
    CodeSent,
    Decision,
    IdentifierCheck,
    Receipt,
)
from mes_tui.services.clock import Clock, local_date, next_local_midnight
from mes_tui.services.delivery import SimulatedDelivery, send
from mes_tui.services.errors import (
    AlreadyActive,
    CertificationRequired,
    CodeRequestFailed,
    ContactChangeLocked,
    DecisionConflict,
    IdentificationFailed,
    IdentifierChecksPaused,
    IdentifierTaken,
    InvalidInput,
    Locked,
    LoginFailed,
    NoEmailOnFile,
    NoPendingCode,
    NotAttached,
    OtpExpired,
    OtpInvalid,
    PasswordRejected,
    ReceiptBusy,
    ReceiptUnavailable,
    ServiceError,
    Slowed,
    TermsNotAccepted,
    TooManyRequests,
)
from mes_tui.services.feed import SessionFeed
from mes_tui.services.hashing import KeyedHasher, PasswordHashing
from mes_tui.services.importing import carries_nir
from mes_tui.services.origin import new_session_id
from mes_tui.services.repository import PendingCode, Repository, StoredPerson, Transaction
from mes_tui.services.rules import PaceRule
from mes_tui.services.secrets import KeyProvider
from mes_tui.services.sqlite_repository import SqliteRepository
from mes_tui.services.storage import Storage, day
from mes_tui.texts import service as t

log = logging.getLogger("mes_tui")

T = TypeVar("T")


@dataclass(frozen=True)
class _Claim:
    """A receipt this session claimed: whose, under which token, for which decision."""

    person_id: int
    token: str
    decided_on: date


class SimulatedService:
    """``MesService`` backed by the local registry. Build it with ``open_service``."""

    def __init__(
        self,
        storage: Storage,
        delivery: SimulatedDelivery,
        keys: KeyProvider,
        clock: Clock,
        *,
        password_hashing: PasswordHashing | None = None,
        session_id: str | None = None,
        client_address: str | None = None,
        feed: SessionFeed | None = None,
        repository_on: Callable[[Any], Repository] = SqliteRepository,
    ) -> None:
        self.storage = storage
        """The database handle; ``repository_on(storage)`` makes the registry's operations on
        it (SQLite by default)."""
        self._repository_on = repository_on
        self.delivery = delivery
        self.clock = clock
        self.hasher = KeyedHasher(keys)
        self.passwords = password_hashing or PasswordHashing()
        self.feed = feed if feed is not None else SessionFeed()
        """The messages this session sends (``MessageFeed``): for the front ends that may
        show them, never in what the methods return."""
        self._receipt_claims: dict[str, _Claim] = {}
        """The receipts this session claimed (``receipt``) and has not confirmed or released,
        by NIR."""
        self._claims_lock = threading.Lock()
        self._session = session_id or new_session_id()
        """What this session's failures are counted under (as a keyed hash, never in clear):
        one per service, so one per run of the program (``mes_tui.services.origin``)."""
        self._client = client_address
        """The SSH client address (``origin.ssh_client_address``), None outside SSH."""
        self.draw: Callable[[int], int] = secrets.randbelow
        """Random numbers for the suggested identifiers: ``draw(n)`` is below n (tests make
        it repeatable)."""

    @property
    def repository(self) -> Repository:
        """The registry's operations, on ``storage`` as it is now."""
        return self._repository_on(self.storage)

    def prepare(self) -> None:
        # The key that hashes codes may come from the system keyring: slow to import and to
        # ask (hundreds of ms), else the first submit waits for it.
        self.hasher.load_key()

    def _paced(self, session: PaceRule, client: PaceRule) -> list[throttle.Paced]:
        """This session's count under ``session``, and its SSH client's under ``client``."""
        paced = [(session, self.hasher.subject(session.scope, self._session))]
        if self._client is not None:
            paced.append((client, self.hasher.subject(client.scope, self._client)))
        return paced

    def _identifier_quotas(self, nir: str) -> list[throttle.Quota]:
        """The answers about identifiers: counted for the person, the session and the client."""
        quotas = [
            (rules.IDENTIFIER_CHECKS_PERSON, nir),
            (rules.IDENTIFIER_CHECKS_SESSION, self._session),
        ]
        if self._client is not None:
            quotas.append((rules.IDENTIFIER_CHECKS_CLIENT, self._client))
        return [(rule, self.hasher.subject(rule.scope, value)) for rule, value in quotas]

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
            held = throttle.pace_hold(tx, paced, now)
            locked = throttle.locked_until(tx, rules.IDENTIFY, subject, now)
            if held is not None or locked is not None:
                return throttle.Refusal(nir_lock=locked, paced=held)
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
            nir_lock = throttle.register_failure(tx, rules.IDENTIFY, subject, now)
            return throttle.Refusal(
                nir_lock=nir_lock,
                paced=throttle.holds(throttle.pace_fail(tx, paced, now)),
                checked=True,
            )

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

    def _code_requester(
        self, nir_without_key: str, birth_date: date, card_type: CardType, serial: str
    ) -> StoredPerson:
        """The person asking for a new code, if NIR, birth date and card match and a code can
        be sent to them today; else the refusal (failures counted, as for identification)."""
        nir13 = inputs.field("nir", normalize_nir_without_key, nir_without_key)
        today = local_date(self.clock)
        born = inputs.field(
            "birth_date", lambda v: check_birth_date(parse_birth_date(v), today), birth_date
        )
        card = inputs.card_type(card_type)
        typed = inputs.field("serial", normalize_serial, serial, card, nir13)
        nir = nir13 + nir_key(nir13)
        now = self.clock.now()
        subject = self.hasher.subject(rules.CODE_REQUEST.scope, nir)
        paced = self._paced(rules.CODE_REQUEST_SESSION, rules.CODE_REQUEST_CLIENT)

        def check(tx: Transaction) -> StoredPerson | throttle.Refusal:
            held = throttle.pace_hold(tx, paced, now)
            locked = throttle.locked_until(tx, rules.CODE_REQUEST, subject, now)
            if held is not None or locked is not None:
                return throttle.Refusal(nir_lock=locked, paced=held)
            person = tx.person_by_nir(nir)
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is None or not (
                (person.birth_date == born) & (person.card_type is card) & serial_ok
            ):
                nir_lock = throttle.register_failure(tx, rules.CODE_REQUEST, subject, now)
                return throttle.Refusal(
                    nir_lock=nir_lock,
                    paced=throttle.holds(throttle.pace_fail(tx, paced, now)),
                    checked=True,
                )
            throttle.clear_failures(tx, rules.CODE_REQUEST, subject)
            return person

        found = self.repository.write(check)
        if isinstance(found, throttle.Refusal):
            raise found.error(
                now,
                failed=CodeRequestFailed,
                nir_locked=t.CODE_REQUEST_LOCKED,
                paced_locked=t.CODE_REQUEST_SESSION_LOCKED,
                paced_wait=t.CODE_REQUEST_WAIT,
                what="demande de code",
            )
        if not found.email:
            raise NoEmailOnFile()
        if (
            found.code_requests_day == day(today)
            and found.code_requests_count >= rules.CODE_REQUESTS_PER_DAY
        ):
            raise TooManyRequests(rules.CODE_REQUESTS_PER_DAY)
        return found

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

    def _decide_self(self, nir: str, status: Status, expected: Status) -> Decision:
        nir = inputs.field("nir", normalize_nir, nir)
        today = local_date(self.clock)

        def record(tx: Transaction) -> Decision:
            return people.transition(tx, people.require_person(tx, nir), status, expected, today)

        decision = self.repository.write(record)
        log.info("décision enregistrée : %s", decision.status.value)
        return decision

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
            holder = people.require_person(tx, holder_nir)
            profile = next((p for p in tx.profiles(holder.id) if p.nir == profile_nir), None)
            if profile is None:
                raise NotAttached()
            if age_on(profile.birth_date, today) < 18 and not certified_legal_representative:
                raise CertificationRequired()
            return people.transition(tx, profile, target, seen, today)

        decision = self.repository.write(record)
        log.info("décision enregistrée pour un profil rattaché : %s", decision.status.value)
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

        def hold(tx: Transaction) -> datetime | None:
            """None if held by us; else the end of another session's hold."""
            until = now + rules.RECEIPT_CLAIM
            if tx.claim_receipt(person.id, token, decided_on, until, now):
                return None
            found = tx.receipt_hold(person.id)
            if found is None or not found.available or found.claimed_until is None:
                raise ReceiptUnavailable()
            return found.claimed_until

        other_until = self.repository.write(hold)
        if other_until is not None:
            log.info("justificatif d'opposition en cours d'enregistrement ailleurs")
            wait = max(1, min(held_for, math.ceil((other_until - now).total_seconds())))
            raise ReceiptBusy(wait)
        claim = _Claim(person.id, token, decided_on)
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

    def _send_otp(
        self, reserved: otp.Reserved, channel: Channel, now: datetime, midnight: datetime
    ) -> Challenge:
        person, value = reserved.person, reserved.value
        code = new_otp()
        minutes = int(rules.OTP_VALIDITY.total_seconds() // 60)
        try:
            if channel is Channel.EMAIL:
                message = send(
                    self.delivery,
                    self.hasher,
                    Channel.EMAIL,
                    value,
                    "verification_email",
                    t.MAIL_SUBJECT_OTP,
                    t.MAIL_BODY_OTP.format(code=code, minutes=minutes),
                    code,
                    person.nir,
                )
            else:
                message = send(
                    self.delivery,
                    self.hasher,
                    Channel.SMS,
                    value,
                    "verification_mobile",
                    "",
                    t.SMS_BODY_OTP.format(code=code, minutes=minutes),
                    code,
                    person.nir,
                )
        except BaseException:
            # Not sent: not counted, and the code pending before (if any) is still the one.
            self.repository.write(lambda tx: otp.release_code(tx, channel, reserved))
            raise
        code_hash = self.hasher.otp(person.nir, channel.value, value, code)
        expires_at = now + rules.OTP_VALIDITY
        resend_at = otp.next_code_at(reserved.after, now, midnight)

        pending = PendingCode(value, code_hash, expires_at, rules.OTP_ATTEMPTS, now)
        self.repository.write(lambda tx: tx.put_pending_code(person.id, channel, pending))
        log.info("code à usage unique envoyé (%s)", channel.value)
        self.feed.publish(message)
        return Challenge(
            channel=channel,
            to=value,
            sent_at=now,
            expires_at=expires_at,
            resend_available_at=resend_at,
        )

    def verify_contact_code(self, nir: str, channel: Channel, code: str) -> PersonView:
        nir = inputs.field("nir", normalize_nir, nir)
        channel = inputs.contact_channel(channel)
        code = inputs.field("code", normalize_otp, code)
        now = self.clock.now()
        today = local_date(self.clock)
        midnight = next_local_midnight(self.clock)
        self.hasher.load_key()  # before the write lock: the key may come from the keyring

        def attempt(tx: Transaction) -> PersonView | ServiceError:
            """The person with the new value, or the refusal to raise once the failure it
            counts is committed."""
            person = people.require_person(tx, nir)
            limits = otp.current_limits(tx, person.id, channel, now, today)
            if limits.locked_until is not None:
                raise otp.guessing_lock(limits, channel, now)
            pending = tx.pending_code(person.id, channel)
            if pending is None:
                raise NoPendingCode()
            if pending.expires_at <= now:
                raise OtpExpired(int(rules.OTP_VALIDITY.total_seconds() // 60))
            if pending.attempts_left <= 0:
                raise OtpInvalid(0)
            offered = self.hasher.otp(person.nir, channel.value, pending.new_value, code)
            if KeyedHasher.same(pending.code_hash, offered):
                otp.code_accepted(tx, person.id, channel, pending, limits, now)
                return people.view(tx, tx.person_by_id(person.id), today)
            return otp.code_refused(tx, person.id, channel, pending, limits, now, midnight)

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
    def _identifier(self, nir: str, identifier: str) -> str:
        ident = inputs.field("identifier", normalize_identifier, identifier)
        if carries_nir(ident, nir):
            raise InvalidInput("identifier", t.IDENTIFIER_IS_NIR)
        return ident

    def check_identifier(self, nir: str, identifier: str) -> IdentifierCheck:
        nir = inputs.field("nir", normalize_nir, nir)
        ident = self._identifier(nir, identifier)
        now = self.clock.now()
        quotas = self._identifier_quotas(nir)
        extra = rules.IDENTIFIER_ANSWERS_AT_ACTIVATION

        def check(tx: Transaction) -> IdentifierCheck | tuple[datetime, int]:
            person = people.require_person(tx, nir)
            held = throttle.quota_hold(tx, quotas, now)
            if held is not None:
                return held
            # Every answer tells something about other people's identifiers: counted.
            throttle.quota_use(tx, quotas, now, extra)
            owner = tx.person_by_identifier(ident)
            if owner is None or owner.id == person.id:
                return IdentifierCheck(identifier=ident, available=True)
            return IdentifierCheck(
                identifier=ident,
                available=False,
                suggestions=tuple(people.suggest(tx, ident, person, self.draw)),
            )

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
            person = people.require_person(tx, nir)
            if person.status is Status.ACTIVE:
                raise AlreadyActive()
            if person.status is not seen:  # decided meanwhile (another session opposed)
                raise DecisionConflict(person.status.value, person.decided_on)
            # A few answers more than the checks: who used them up can still validate.
            held = throttle.quota_hold(tx, quotas, now, extra)
            if held is not None:
                return held
            owner = tx.person_by_identifier(ident)
            if owner is not None and owner.id != person.id:
                throttle.quota_use(tx, quotas, now, extra)  # "taken" is an answer too
                return people.suggest(tx, ident, person, self.draw)
            return person

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
            updated = tx.activate(person.id, ident, hashed, today, seen)
            if updated is None:
                return "taken"
            if not updated:
                current = tx.person_by_id(person.id)
                if current.status is Status.ACTIVE:
                    return "active"
                raise DecisionConflict(current.status.value, current.decided_on)
            return people.view(tx, tx.person_by_id(person.id), today)

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

        def begin(
            tx: Transaction,
        ) -> throttle.Hold | tuple[StoredPerson | None, list[throttle.Counted]]:
            held = throttle.pace_hold(tx, paced, now)
            if held is not None:
                return held
            # Counted as a failure before the (slow) password check and taken back if it is
            # right: attempts made at once from many sessions cannot all slip past a wait.
            started = throttle.pace_fail(tx, paced, now)
            return (tx.person_by_identifier(ident) if ident else None), started

        begun = self.repository.write(begin)
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
