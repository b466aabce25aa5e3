"""The SQLite statements on the registry as a whole (the trainer's operations: list, import,
reset) and on its locks, for ``SqliteTransaction``."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mes_tui.services.storage import day, from_instant, instant

if TYPE_CHECKING:
    from mes_tui.services.importing import PersonRecord


def maybe_instant(value: datetime | None) -> str | None:
    return instant(value) if value is not None else None


class Statements:
    """One open SQLite connection, and how to run a statement on it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _run(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)


class RegistryStatements(Statements):
    """The registry as a whole, and the locks a trainer sees or sets."""

    def locked_subjects(self, scope: str, now: datetime) -> dict[str, datetime]:
        return {
            str(row["subject_hash"]): from_instant(row["locked_until"])
            for row in self._run(
                "SELECT subject_hash, locked_until FROM throttle "
                "WHERE scope = ? AND locked_until > ?",
                (scope, instant(now)),
            )
        }

    def put_lock(
        self, scope: str, subject: str, failures: int, since: datetime, until: datetime
    ) -> None:
        self._run(
            "INSERT INTO throttle (scope, subject_hash, failures, first_failure_at, "
            "locked_until) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (scope, subject_hash) DO UPDATE SET failures = excluded.failures, "
            "first_failure_at = excluded.first_failure_at, "
            "locked_until = excluded.locked_until",
            (scope, subject, failures, instant(since), instant(until)),
        )

    # -- the registry as a whole -----------------------------------------------------------
    def identifiers_by_nir(self) -> dict[str, str | None]:
        return {
            str(row["nir"]): row["identifier"]
            for row in self._run("SELECT nir, identifier FROM people")
        }

    def profile_nirs(self) -> dict[str, list[str]]:
        profiles: dict[str, list[str]] = defaultdict(list)
        for row in self._run(
            "SELECT holder.nir AS holder, profile.nir AS profile FROM attachments "
            "JOIN people AS holder ON holder.id = attachments.holder_id "
            "JOIN people AS profile ON profile.id = attachments.profile_id "
            "ORDER BY attachments.holder_id, attachments.position"
        ):
            profiles[str(row["holder"])].append(str(row["profile"]))
        return dict(profiles)

    def free_identifier(self, nir: str) -> None:
        self._run("UPDATE people SET identifier = NULL WHERE nir = ?", (nir,))

    def put_person(
        self, record: PersonRecord, password_hash: str | None, code_hash: str | None
    ) -> int:
        self._run(
            "INSERT INTO people (first_name, last_name, birth_date, card_type, card_serial, "
            "email, mobile, status, decided_on, identifier, password_hash, "
            "provisional_code_hash, nir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (nir) DO UPDATE SET first_name = excluded.first_name, "
            "last_name = excluded.last_name, birth_date = excluded.birth_date, "
            "card_type = excluded.card_type, card_serial = excluded.card_serial, "
            "email = excluded.email, mobile = excluded.mobile, status = excluded.status, "
            "decided_on = excluded.decided_on, identifier = excluded.identifier, "
            "password_hash = excluded.password_hash, "
            "provisional_code_hash = excluded.provisional_code_hash, "
            "code_requests_day = '', code_requests_count = 0, receipt_available = 0",
            (
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
                password_hash,
                code_hash,
                record.nir,
            ),
        )
        return self.person_id(record.nir)

    def person_id(self, nir: str) -> int:
        return int(self._run("SELECT id FROM people WHERE nir = ?", (nir,)).fetchone()["id"])

    def forget_codes(self, person_id: int) -> None:
        self._run("DELETE FROM pending_otp WHERE person_id = ?", (person_id,))
        self._run("DELETE FROM otp_limits WHERE person_id = ?", (person_id,))

    def set_profiles(self, holder_id: int, profile_ids: list[int]) -> None:
        self._run("DELETE FROM attachments WHERE holder_id = ?", (holder_id,))
        for position, profile_id in enumerate(profile_ids):
            self._run(
                "INSERT INTO attachments (holder_id, profile_id, position) VALUES (?, ?, ?)",
                (holder_id, profile_id, position),
            )

    def empty_registry(self) -> None:
        for table in ("otp_limits", "pending_otp", "throttle", "attachments", "people", "meta"):
            self._run(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    def mark_seeded(self, now: datetime) -> None:
        self._run(
            "INSERT INTO meta (name, value) VALUES ('seeded', ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (instant(now),),
        )
