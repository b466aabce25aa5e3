"""The simulated back office's trainer and administrator operations (``RegistryAdmin``): the
registry listed with the codes a trainer needs, imported, reset to the demo people; the outbox.

Apart from ``SimulatedService``: a front end serving people is never handed these. Both work on
the same registry, outbox and key (``SimulatedAdmin.beside(service)``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from mes_tui.models import Channel
from mes_tui.services import demo, rules
from mes_tui.services.api import OutboxMessage, RegistryEntry
from mes_tui.services.clock import Clock, local_date
from mes_tui.services.delivery import SimulatedDelivery, send
from mes_tui.services.hashing import KeyedHasher, PasswordHashing
from mes_tui.services.importing import PersonRecord, validate_rows
from mes_tui.services.repository import Repository, StoredPerson, Transaction
from mes_tui.services.simulated import SimulatedService
from mes_tui.services.sqlite_repository import SqliteRepository
from mes_tui.services.storage import Storage
from mes_tui.texts import service as t

log = logging.getLogger("mes_tui")

# Messages whose code is a provisional code (the trainer's list shows the current one).
PROVISIONAL_CODE_PURPOSES = frozenset({"code_provisoire", "invitation"})


class SimulatedAdmin:
    """``RegistryAdmin`` on the local registry and outbox."""

    def __init__(
        self,
        storage: Storage,
        delivery: SimulatedDelivery,
        hasher: KeyedHasher,
        clock: Clock,
        passwords: PasswordHashing | None = None,
        repository_on: Callable[[Any], Repository] = SqliteRepository,
    ) -> None:
        self.storage = storage
        self.repository = repository_on(storage)
        self.delivery = delivery
        self.hasher = hasher
        self.clock = clock
        self.passwords = passwords or PasswordHashing()

    @classmethod
    def beside(cls, service: SimulatedService) -> SimulatedAdmin:
        """The administration of the registry, outbox and key ``service`` works on."""
        return cls(
            service.storage,
            service.delivery,
            service.hasher,
            service.clock,
            service.passwords,
            service.repository_on,
        )

    def list_registry(self) -> list[RegistryEntry]:
        now = self.clock.now()
        codes_by_ref: dict[str, list[str]] = defaultdict(list)
        for ref, message in self.delivery.read_records():
            if ref and message.code and message.purpose in PROVISIONAL_CODE_PURPOSES:
                codes_by_ref[ref].append(message.code)

        def load(
            tx: Transaction,
        ) -> tuple[list[StoredPerson], dict[str, list[str]], dict[str, datetime]]:
            return tx.people(), tx.profile_nirs(), tx.locked_subjects(rules.IDENTIFY.scope, now)

        people, profiles, locks = self.repository.read(load)
        entries = []
        for person in people:
            entries.append(
                RegistryEntry(
                    nir=person.nir,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    birth_date=person.birth_date,
                    card_type=person.card_type,
                    card_serial=person.card_serial,
                    provisional_code=self._current_code(person, codes_by_ref),
                    status=person.status,
                    email=person.email,
                    mobile=person.mobile,
                    profiles=tuple(profiles.get(person.nir, ())),
                    decided_on=person.decided_on,
                    identifier=person.identifier,
                    locked_until=locks.get(self.hasher.subject(rules.IDENTIFY.scope, person.nir)),
                )
            )
        return entries

    def _current_code(self, person: StoredPerson, codes_by_ref: dict[str, list[str]]) -> str | None:
        """The clear code of the newest message whose code is the one on file (the registry holds
        only its hash)."""
        if person.provisional_code_hash is None:
            return None
        for code in reversed(codes_by_ref.get(self.hasher.person_ref(person.nir), [])):
            if KeyedHasher.same(
                person.provisional_code_hash, self.hasher.provisional_code(person.nir, code)
            ):
                return code
        return None

    def import_registry(self, rows: list[dict[str, Any]]) -> int:
        today = local_date(self.clock)

        def load(tx: Transaction) -> tuple[dict[str, str | None], dict[str, list[str]]]:
            return tx.identifiers_by_nir(), tx.profile_nirs()

        registry, attachments = self.repository.read(load)
        records = validate_rows(rows, today=today, registry=registry, attachments=attachments)
        password_hashes = {
            record.nir: self.passwords.hash(record.password)
            for record in records
            if record.password is not None
        }
        self._send_invitations(records)
        now = self.clock.now()
        self.repository.write(lambda tx: _store(tx, records, password_hashes, self.hasher, now))
        log.info("registre : %d personne(s) importée(s)", len(records))
        return len(records)

    def reset_registry(self) -> None:
        """Replace everything in the registry with the demo people (``open_service`` fills a
        registry it makes this way, before the file takes its name)."""
        today = local_date(self.clock)
        now = self.clock.now()
        records = validate_rows(demo.demo_people(now), today=today, registry={})
        password_hashes = {
            record.nir: demo.DEMO_PASSWORD_HASHES.get(record.password)
            or self.passwords.hash(record.password)
            for record in records
            if record.password is not None
        }
        self.hasher.load_key()  # before the write lock: the key may come from the keyring

        def replace(tx: Transaction) -> None:
            tx.empty_registry()
            _store(tx, records, password_hashes, self.hasher, now)
            tx.mark_seeded(now)

        # Post first, then commit: a failed delivery leaves the registry as it was. (Two
        # sessions making a new registry at once may both post: the codes are the same.)
        self._send_invitations(records)
        self.repository.write(replace)
        log.info("registre de démonstration installé")

    def _send_invitations(self, records: list[PersonRecord]) -> None:
        """Post each person's provisional code: by e-mail where there is one, else by letter."""
        for record in records:
            if record.provisional_code is None:
                continue
            body = t.LETTER_BODY_INVITATION.format(
                name=record.full_name, code=record.provisional_code
            )
            if record.email:
                channel, to, subject = Channel.EMAIL, record.email, t.MAIL_SUBJECT_INVITATION
            else:
                channel, to, subject = (
                    Channel.COURRIER,
                    record.full_name,
                    t.LETTER_SUBJECT_INVITATION,
                )
            send(
                self.delivery,
                self.hasher,
                channel,
                to,
                "invitation",
                subject,
                body,
                record.provisional_code,
                record.nir,
            )

    def outbox(self) -> list[OutboxMessage]:
        return self.delivery.read_all()


def _store(
    tx: Transaction,
    records: list[PersonRecord],
    password_hashes: dict[str, str],
    hasher: KeyedHasher,
    now: datetime,
) -> None:
    """Add or replace ``records`` (and their attachments, and their demo locks)."""
    # Free the identifiers of the people being replaced first: two of them may swap theirs.
    for record in records:
        tx.free_identifier(record.nir)
    ids: dict[str, int] = {}
    for record in records:
        code = record.provisional_code
        code_hash = hasher.provisional_code(record.nir, code) if code else None
        ids[record.nir] = tx.put_person(record, password_hashes.get(record.nir), code_hash)
        tx.forget_codes(ids[record.nir])
    for record in records:
        profile_ids = [ids.get(nir) or tx.person_id(nir) for nir in record.profiles]
        tx.set_profiles(ids[record.nir], profile_ids)
        if record.locked_until is not None:
            tx.put_lock(
                rules.IDENTIFY.scope,
                hasher.subject(rules.IDENTIFY.scope, record.nir),
                rules.IDENTIFY.max_failures,
                min(now, record.locked_until),
                record.locked_until,
            )
