"""The registry on SQLite: one file shared by every session on the host.

- WAL mode, so readers never wait for the writer; ``busy_timeout`` so a writer waits its turn.
- A new connection per operation: the interface calls the service from worker threads.
- Short write transactions opened with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so
  two sessions never both read then both fail to upgrade), retried a few times when the file stays
  locked, then ``StorageBusy``.
- The schema is versioned by ``PRAGMA user_version`` and an ordered list of migrations.
- The SQL itself is plain (no SQLite-only functions, ``UPSERT`` or ``RETURNING``) so that a
  PostgreSQL port can reuse it, placeholders aside. Dates are ISO strings (``DATE`` there) and
  instants ISO strings in UTC with a fixed format, so that they sort as text.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from mes_tui.services import rules
from mes_tui.services.errors import StorageBusy

log = logging.getLogger("mes_tui")

T = TypeVar("T")

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the registry.
    (
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            nir VARCHAR(15) NOT NULL UNIQUE,
            first_name VARCHAR(200) NOT NULL,
            last_name VARCHAR(200) NOT NULL,
            birth_date VARCHAR(10) NOT NULL,
            card_type VARCHAR(20) NOT NULL CHECK (card_type IN ('sans_photo', 'avec_photo')),
            card_serial VARCHAR(21) NOT NULL,
            email VARCHAR(320),
            mobile VARCHAR(20),
            status VARCHAR(20) NOT NULL DEFAULT 'en_attente'
                CHECK (status IN ('en_attente', 'active', 'opposee')),
            decided_on VARCHAR(10),
            identifier VARCHAR(100) UNIQUE,
            password_hash VARCHAR(300),
            provisional_code_hash VARCHAR(64),
            code_requests_day VARCHAR(10) NOT NULL DEFAULT '',
            code_requests_count INTEGER NOT NULL DEFAULT 0
        )
        """,
        """
        CREATE TABLE attachments (
            holder_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            profile_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (holder_id, profile_id)
        )
        """,
        "CREATE INDEX attachments_profile ON attachments (profile_id)",
        """
        CREATE TABLE throttle (
            scope VARCHAR(20) NOT NULL,
            subject_hash VARCHAR(64) NOT NULL,
            failures INTEGER NOT NULL,
            first_failure_at VARCHAR(32) NOT NULL,
            locked_until VARCHAR(32),
            PRIMARY KEY (scope, subject_hash)
        )
        """,
        """
        CREATE TABLE pending_otp (
            person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            channel VARCHAR(10) NOT NULL,
            new_value VARCHAR(320) NOT NULL,
            code_hash VARCHAR(64) NOT NULL,
            expires_at VARCHAR(32) NOT NULL,
            attempts_left INTEGER NOT NULL,
            sent_at VARCHAR(32) NOT NULL,
            PRIMARY KEY (person_id, channel)
        )
        """,
        """
        CREATE TABLE meta (
            name VARCHAR(50) PRIMARY KEY,
            value VARCHAR(200) NOT NULL
        )
        """,
    ),
    # 2: the opposition receipt can be saved once per decision (1: not saved yet).
    ("ALTER TABLE people ADD COLUMN receipt_available INTEGER NOT NULL DEFAULT 0",),
    # 3: what each person used of the bounds on one-time codes, per channel (e-mail, mobile),
    #    whatever the value typed: codes sent and wrong codes in the current contact change and
    #    on the day (Europe/Paris), the last code sent, and the lock they led to (rules.py).
    (
        """
        CREATE TABLE otp_limits (
            person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
            channel VARCHAR(10) NOT NULL,
            change_started_at VARCHAR(32) NOT NULL,
            change_codes INTEGER NOT NULL,
            change_failures INTEGER NOT NULL,
            last_code_at VARCHAR(32),
            locked_until VARCHAR(32),
            day VARCHAR(10) NOT NULL,
            day_codes INTEGER NOT NULL,
            day_failures INTEGER NOT NULL,
            PRIMARY KEY (person_id, channel)
        )
        """,
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def instant(value: datetime) -> str:
    """An instant as stored: UTC, microseconds, so that stored instants sort as text."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def day(value: date) -> str:
    return value.isoformat()


def from_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only if it does not exist; tighten it if we own it."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            with contextlib.suppress(OSError):
                os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


def private_dir(path: Path) -> None:
    """Create ``path`` (owner only) if it does not exist; an existing folder is left as it is."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=PRIVATE_DIR)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


class Storage:
    """The registry file and how to talk to it. Thread-safe: nothing is shared between calls."""

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = rules.BUSY_TIMEOUT.total_seconds(),
        retries: int = rules.BUSY_RETRIES,
    ) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self.retries = retries

    # -- connections ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we write BEGIN and COMMIT ourselves.
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    def _run(self, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        for attempt in range(self.retries):
            conn: sqlite3.Connection | None = None
            try:
                # Connecting reads the schema too: a lock held elsewhere may meet it here.
                conn = self._connect()
                conn.execute(begin)
                result = fn(conn)
                conn.execute("COMMIT")
                return result
            except sqlite3.OperationalError as error:
                if conn is not None:
                    _rollback(conn)
                if not _is_busy(error):
                    raise
                if attempt + 1 == self.retries:
                    log.warning(
                        "registre occupé : transaction abandonnée après %d essais", attempt + 1
                    )
                    raise StorageBusy() from error
                time.sleep(0.05 * (2**attempt) + random.uniform(0, 0.05))
            except BaseException:
                if conn is not None:
                    _rollback(conn)
                raise
            finally:
                if conn is not None:
                    conn.close()
        raise StorageBusy()  # pragma: no cover - the loop always returns or raises

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in a read transaction (one consistent snapshot)."""
        return self._run(fn, "BEGIN")

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn`` in a write transaction: all of it is committed, or none of it.

        ``fn`` may run more than once when the file is busy, so it must only touch the database.
        """
        return self._run(fn, "BEGIN IMMEDIATE")

    # -- schema ----------------------------------------------------------------------------
    def migrate(self) -> int:
        """Create the file (owner only), switch it to WAL and bring the schema up to date.

        Returns the schema version found before migrating (0 for a new file).
        """
        private_file(self.path)
        conn = _retry_busy(self._connect)
        try:
            # Asked first: switching needs the write lock, which another session may hold for
            # a while (every open after the first finds the file in WAL already).
            mode = _retry_busy(lambda: conn.execute("PRAGMA journal_mode").fetchone()[0])
            if str(mode).lower() != "wal":
                mode = _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            if str(mode).lower() != "wal":  # pragma: no cover - every local file system allows it
                log.warning("le registre n'a pas pu passer en mode WAL (%s)", mode)
        finally:
            conn.close()
        found = self.user_version()
        if found >= len(MIGRATIONS):
            self.tighten_modes()
            return found  # up to date: no write lock to wait for

        def apply(conn: sqlite3.Connection) -> int:
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            for version, statements in enumerate(MIGRATIONS, start=1):
                if version <= found:
                    continue
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")
            return found

        found = self.write(apply)
        self.tighten_modes()
        return found

    def tighten_modes(self) -> None:
        """Make the database and its companion files readable by their owner only."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            companion = Path(f"{self.path}{suffix}")
            with contextlib.suppress(OSError):
                if companion.exists() and (companion.stat().st_mode & 0o777) != PRIVATE_FILE:
                    os.chmod(companion, PRIVATE_FILE)

    def user_version(self) -> int:
        return self.read(lambda conn: int(conn.execute("PRAGMA user_version").fetchone()[0]))

    def journal_mode(self) -> str:
        return self.read(lambda conn: str(conn.execute("PRAGMA journal_mode").fetchone()[0]))


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _retry_busy(fn: Callable[[], T], attempts: int = rules.BUSY_RETRIES) -> T:
    for attempt in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            if attempt + 1 == attempts:
                raise StorageBusy() from error
            time.sleep(0.05 * (2**attempt))
    raise StorageBusy()  # pragma: no cover
