"""What every session of the simulated back office holds (the registry, the outbox, the key,
the clock, its session and SSH client) and the steps its public methods share: counting
failures for the session and its client, finding who asks for a new code, recording a decision,
sending a one-time code. ``SimulatedService`` adds the ``MesService`` methods.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from mes_tui.models import (
    CardType,
    Channel,
    Status,
    new_otp,
    nir_key,
    normalize_identifier,
    normalize_nir,
    normalize_nir_without_key,
    normalize_serial,
    parse_birth_date,
)
from mes_tui.models.dates import check_birth_date
from mes_tui.services import inputs, otp, people, receipts, rules, throttle
from mes_tui.services.api import (
    Challenge,
    Decision,
)
from mes_tui.services.clock import Clock, local_date
from mes_tui.services.delivery import SimulatedDelivery, send
from mes_tui.services.errors import (
    CodeRequestFailed,
    InvalidInput,
    NoEmailOnFile,
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


@dataclass(frozen=True)
class ReceiptClaim:
    """A receipt this session claimed: whose, under which token, for which decision."""

    person_id: int
    token: str
    decided_on: date


class SessionBase:
    """The state and shared steps of ``SimulatedService`` (build that with ``open_service``)."""

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
        self.repository_on = repository_on
        self.delivery = delivery
        self.clock = clock
        self.hasher = KeyedHasher(keys)
        self.passwords = password_hashing or PasswordHashing()
        self.feed = feed if feed is not None else SessionFeed()
        """The messages this session sends (``MessageFeed``): for the front ends that may
        show them, never in what the methods return."""
        self._receipt_claims: dict[str, ReceiptClaim] = {}
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
        return self.repository_on(self.storage)

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
            held = throttle.refusal_if_held(tx, rules.CODE_REQUEST, subject, paced, now)
            if held is not None:
                return held
            person = tx.person_by_nir(nir)
            serial_ok = hmac.compare_digest(person.card_serial if person else "", typed)
            if person is None or not (
                (person.birth_date == born) & (person.card_type is card) & serial_ok
            ):
                return throttle.refuse(tx, rules.CODE_REQUEST, subject, paced, now)
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

    def _decide_self(self, nir: str, status: Status, expected: Status) -> Decision:
        nir = inputs.field("nir", normalize_nir, nir)
        today = local_date(self.clock)

        def record(tx: Transaction) -> Decision:
            return people.transition(tx, people.require_person(tx, nir), status, expected, today)

        decision = self.repository.write(record)
        log.info("décision enregistrée : %s", decision.status.value)
        receipts.prepare()  # the receipt will be asked for: ready by then
        return decision

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

    def _identifier(self, nir: str, identifier: str) -> str:
        ident = inputs.field("identifier", normalize_identifier, identifier)
        if carries_nir(ident, nir):
            raise InvalidInput("identifier", t.IDENTIFIER_IS_NIR)
        return ident
