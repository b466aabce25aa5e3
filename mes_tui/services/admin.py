"""The simulated back office's trainer and administrator operations (``RegistryAdmin``): the
registry listed with the codes a trainer needs, imported, reset to the demo people; the outbox.

Apart from ``SimulatedService``: a front end serving people is never handed these. Both work on
the same registry, outbox and key (``SimulatedAdmin.beside(service)``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import Any

from mes_tui.models import Channel
from mes_tui.services import demo, rules, throttle
from mes_tui.services.api import OutboxMessage, RegistryEntry
from mes_tui.services.clock import Clock, local_date
from mes_tui.services.delivery import SimulatedDelivery
from mes_tui.services.hashing import KeyedHasher, PasswordHashing
from mes_tui.services.importing import PersonRecord, validate_rows
from mes_tui.services.simulated import (
    SimulatedService,
    _Person,
    _select_people,
    send,
)
from mes_tui.services.storage import Storage, day, from_instant, instant
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
    ) -> None:
        self.storage = storage
        self.delivery = delivery
        self.hasher = hasher
        self.clock = clock
        self.passwords = passwords or PasswordHashing()

    @classmethod
    def beside(cls, service: SimulatedService) -> SimulatedAdmin:
        """The administration of the registry, outbox and key ``service`` works on."""
        return cls(
            service.storage, service.delivery, service.hasher, service.clock, service.passwords
        )

    def list_registry(self) -> list[RegistryEntry]:
        now = self.clock.now()
        codes_by_ref: dict[str, list[str]] = defaultdict(list)
        for ref, message in self.delivery.read_records():
            if ref and message.code and message.purpose in PROVISIONAL_CODE_PURPOSES:
                codes_by_ref[ref].append(message.code)

        def load(
            conn: sqlite3.Connection,
        ) -> tuple[list[_Person], dict[int, list[str]], dict[str, datetime]]:
            people = _select_people(conn, "1 = 1", ())
            profiles: dict[int, list[str]] = defaultdict(list)
            for row in conn.execute(
                "SELECT a.holder_id, p.nir FROM attachments a JOIN people p ON p.id = a.profile_id "
                "ORDER BY a.holder_id, a.position"
            ):
                profiles[int(row["holder_id"])].append(str(row["nir"]))
            locks = {
                str(row["subject_hash"]): from_instant(row["locked_until"])
                for row in conn.execute(
                    "SELECT subject_hash, locked_until FROM throttle "
                    "WHERE scope = ? AND locked_until > ?",
                    (rules.IDENTIFY.scope, instant(now)),
                )
            }
            return people, profiles, locks

        people, profiles, locks = self.storage.read(load)
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
                    profiles=tuple(profiles.get(person.id, ())),
                    decided_on=person.decided_on,
                    identifier=person.identifier,
                    locked_until=locks.get(self.hasher.subject(rules.IDENTIFY.scope, person.nir)),
                )
            )
        return entries

    def _current_code(self, person: _Person, codes_by_ref: dict[str, list[str]]) -> str | None:
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

        def load(conn: sqlite3.Connection) -> tuple[dict[str, str | None], dict[str, list[str]]]:
            registry = {
                str(row["nir"]): row["identifier"]
                for row in conn.execute("SELECT nir, identifier FROM people")
            }
            attachments: dict[str, list[str]] = defaultdict(list)
            for row in conn.execute(
                "SELECT holder.nir AS holder, profile.nir AS profile FROM attachments "
                "JOIN people AS holder ON holder.id = attachments.holder_id "
                "JOIN people AS profile ON profile.id = attachments.profile_id"
            ):
                attachments[str(row["holder"])].append(str(row["profile"]))
            return registry, attachments

        registry, attachments = self.storage.read(load)
        records = validate_rows(rows, today=today, registry=registry, attachments=attachments)
        password_hashes = {
            record.nir: self.passwords.hash(record.password)
            for record in records
            if record.password is not None
        }
        self._send_invitations(records)
        now = self.clock.now()
        self.storage.write(lambda conn: _store(conn, records, password_hashes, self.hasher, now))
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

        def replace(conn: sqlite3.Connection) -> None:
            for table in ("otp_limits", "pending_otp", "throttle", "attachments", "people", "meta"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            _store(conn, records, password_hashes, self.hasher, now)
            conn.execute("INSERT INTO meta (name, value) VALUES ('seeded', ?)", (instant(now),))

        # Post first, then commit: a failed delivery leaves the registry as it was. (Two
        # sessions making a new registry at once may both post: the codes are the same.)
        self._send_invitations(records)
        self.storage.write(replace)
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
    conn: sqlite3.Connection,
    records: list[PersonRecord],
    password_hashes: dict[str, str],
    hasher: KeyedHasher,
    now: datetime,
) -> None:
    """Add or replace ``records`` (and their attachments, and their demo locks)."""
    nirs = [record.nir for record in records]
    # Free the identifiers of the people being replaced first: two of them may swap theirs.
    for nir in nirs:
        conn.execute("UPDATE people SET identifier = NULL WHERE nir = ?", (nir,))
    ids: dict[str, int] = {}
    for record in records:
        values = (
            record.first_name,
            record.last_name,
            record.birth_date.isoformat(),
            record.card_type.value,
            record.card_serial,
            record.email,
            record.mobile,
            record.status.value,
            day(record.decided_on) if record.decided_on else None,
            record.identifier,
            password_hashes.get(record.nir),
            hasher.provisional_code(record.nir, record.provisional_code)
            if record.provisional_code
            else None,
            record.nir,
        )
        existing = conn.execute("SELECT id FROM people WHERE nir = ?", (record.nir,)).fetchone()
        if existing is None:
            conn.execute(
                "INSERT INTO people (first_name, last_name, birth_date, card_type, card_serial, "
                "email, mobile, status, decided_on, identifier, password_hash, "
                "provisional_code_hash, nir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                values,
            )
        else:
            conn.execute(
                "UPDATE people SET first_name = ?, last_name = ?, birth_date = ?, card_type = ?, "
                "card_serial = ?, email = ?, mobile = ?, status = ?, decided_on = ?, "
                "identifier = ?, password_hash = ?, provisional_code_hash = ?, "
                "code_requests_day = '', code_requests_count = 0, receipt_available = 0 "
                "WHERE nir = ?",
                values,
            )
        ids[record.nir] = int(
            conn.execute("SELECT id FROM people WHERE nir = ?", (record.nir,)).fetchone()["id"]
        )
        conn.execute("DELETE FROM pending_otp WHERE person_id = ?", (ids[record.nir],))
        conn.execute("DELETE FROM otp_limits WHERE person_id = ?", (ids[record.nir],))
    for record in records:
        holder_id = ids[record.nir]
        conn.execute("DELETE FROM attachments WHERE holder_id = ?", (holder_id,))
        for position, profile_nir in enumerate(record.profiles):
            profile_id = ids.get(profile_nir)
            if profile_id is None:
                profile_id = int(
                    conn.execute("SELECT id FROM people WHERE nir = ?", (profile_nir,)).fetchone()[
                        "id"
                    ]
                )
            conn.execute(
                "INSERT INTO attachments (holder_id, profile_id, position) VALUES (?, ?, ?)",
                (holder_id, profile_id, position),
            )
        if record.locked_until is not None:
            subject = hasher.subject(rules.IDENTIFY.scope, record.nir)
            throttle.clear_failures(conn, rules.IDENTIFY, subject)
            conn.execute(
                "INSERT INTO throttle (scope, subject_hash, failures, first_failure_at, "
                "locked_until) VALUES (?, ?, ?, ?, ?)",
                (
                    rules.IDENTIFY.scope,
                    subject,
                    rules.IDENTIFY.max_failures,
                    instant(min(now, record.locked_until)),
                    instant(record.locked_until),
                ),
            )
