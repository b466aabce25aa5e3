"""The registry on SQLite: one file shared by every session on the host.

- WAL mode, so readers never wait for the writer; ``busy_timeout`` so a writer waits its turn.
- A new connection per operation: the interface calls the service from worker threads.
- Short write transactions opened with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so
  two sessions never both read then both fail to upgrade), retried a few times when the file stays
  locked, then ``StorageBusy``.
- The schema is versioned by ``PRAGMA user_version`` and an ordered list of migrations.
- A missing registry is made whole (schema, then the demo people) under a temporary name and
  linked into place complete: a registry file that exists was always filled, so one that is
  empty, cut short, damaged or not a registry is refused (``StorageDamaged``), never refilled.
- SQLite's and the system's errors that say the file cannot be used (damaged, read-only, disk
  full) become refusals the screens and the command line know (``StorageFailed``), the cause
  logged.
- The SQL itself is plain (no SQLite-only functions or ``RETURNING``; ``INSERT ... ON
  CONFLICT`` as PostgreSQL writes it) so that a PostgreSQL port can reuse it, placeholders
  aside (the back office's statements are in ``sqlite_repository``). Dates are ISO strings
  (``DATE`` there) and instants ISO strings in UTC with a fixed format, so that they sort as
  text.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import random
import secrets
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from mes_tui import registry_file
from mes_tui.services import rules
from mes_tui.services.errors import (
    DiskFull,
    StorageBusy,
    StorageDamaged,
    StorageFailed,
    StorageIOError,
    StorageReadOnly,
    StorageUnreadable,
)
from mes_tui.texts import service as t
from mes_tui.texts.receipt import system_reason

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
    # 3: a save of the receipt in progress holds it for a short while (token, end), so that
    # sessions saving at once do not each render a PDF.
    (
        "ALTER TABLE people ADD COLUMN receipt_claim VARCHAR(32)",
        "ALTER TABLE people ADD COLUMN receipt_claimed_until VARCHAR(32)",
    ),
    # 4: what each person used of the bounds on one-time codes, per channel (e-mail, mobile),
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


def private_dir(path: Path) -> None:
    """Create ``path`` (owner only) if it does not exist; an existing folder is left as it is."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=PRIVATE_DIR)
        os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


# SQLite's primary result codes (sqlite.org/rescode.html) that say the file cannot be used.
_SQLITE_PERM = 3
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_AUTH = 23
_SQLITE_NOTADB = 26
# A disk I/O error with less room than this left is taken for a full disk: SQLite says "disk
# I/O error", not "disk is full", when the shared-memory file beside the registry cannot grow.
_NEARLY_FULL = 1024 * 1024
DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
_KINDS: dict[str, type[StorageFailed]] = {
    registry_file.DAMAGED: StorageDamaged,
    registry_file.UNREADABLE: StorageUnreadable,
    registry_file.READ_ONLY: StorageReadOnly,
}


def _refusal(failure: StorageFailed, cause: str, path: Path) -> StorageFailed:
    log.error("registre inutilisable (%s) : %s", cause, path)
    return failure


def _file_problem(path: Path, shown: Path | None = None) -> StorageFailed | None:
    """The refusal for what ``registry_file.check`` finds wrong with ``path``, or None."""
    problem = registry_file.check(path)
    if problem is None:
        return None
    where = str(shown or path)
    return _refusal(_KINDS[problem.kind](where, problem.reason), problem.cause, path)


def sqlite_failure(
    error: sqlite3.Error, path: Path, shown: Path | None = None
) -> StorageFailed | None:
    """The refusal for a SQLite error that says the registry file cannot be used, logged with
    SQLite's own words (they never carry a value); None for any other error."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    where = str(shown or path)
    failure: StorageFailed
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        reason = t.STORAGE_NOT_SQLITE if primary == _SQLITE_NOTADB else t.STORAGE_CORRUPT
        failure = StorageDamaged(where, reason)
    elif primary == _SQLITE_FULL or (primary == _SQLITE_IOERR and _nearly_full(path.parent)):
        failure = DiskFull(where)
    elif primary == _SQLITE_IOERR:
        failure = StorageIOError(where, t.STORAGE_DISK_ERROR)
    elif primary in (_SQLITE_READONLY, _SQLITE_CANTOPEN, _SQLITE_PERM, _SQLITE_AUTH):
        # What the file and its folder look like says more than SQLite does.
        problem = registry_file.check(path)
        if problem is not None:
            failure = _KINDS[problem.kind](where, problem.reason)
        elif primary == _SQLITE_READONLY:
            failure = StorageReadOnly(where, t.STORAGE_FILE_READ_ONLY)
        elif primary == _SQLITE_CANTOPEN:
            gone = not os.path.lexists(path)
            failure = StorageUnreadable(where, t.STORAGE_GONE if gone else t.STORAGE_CANNOT_OPEN)
        else:
            failure = StorageUnreadable(where, t.STORAGE_ACCESS_DENIED)
    else:
        return None
    name = getattr(error, "sqlite_errorname", str(code))
    return _refusal(failure, f"{name} : {error}", path)


def os_failure(error: OSError, path: Path) -> StorageFailed:
    """The refusal for a system error writing the data folder (the registry being made)."""
    where = str(path)
    failure: StorageFailed
    if error.errno in DISK_FULL_ERRNOS:
        failure = DiskFull(where)
    elif error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        failure = StorageReadOnly(where, system_reason(error))
    else:
        failure = StorageIOError(where, system_reason(error))
    name = errno.errorcode.get(error.errno or 0, "?")
    return _refusal(failure, f"{name} : {error.strerror}", path)


def _nearly_full(folder: Path) -> bool:
    free = registry_file.free_space(folder)
    return free is not None and free < _NEARLY_FULL


def _apply_migrations(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date inside the caller's write transaction; the version found."""
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for version, statements in enumerate(MIGRATIONS, start=1):
        if version <= found:
            continue
        for statement in statements:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    return found


class Storage:
    """The registry file and how to talk to it. Thread-safe: nothing is shared between calls.

    ``shown_as``: the path refusals name, when ``path`` is the temporary file of a registry
    being made."""

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = rules.BUSY_TIMEOUT.total_seconds(),
        retries: int = rules.BUSY_RETRIES,
        shown_as: Path | None = None,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.retries = retries
        self.shown = shown_as or path

    # -- connections ---------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        # mode=rw: a registry removed meanwhile is not made again here, empty (``migrate``
        # makes them, whole). isolation_level=None: we write BEGIN and COMMIT ourselves.
        uri = f"{self.path.absolute().as_uri()}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=self.busy_timeout, isolation_level=None)
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
            except sqlite3.Error as error:
                if conn is not None:
                    _rollback(conn)
                if not _is_busy(error):
                    failure = sqlite_failure(error, self.path, self.shown)
                    if failure is None:
                        raise
                    raise failure from error
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
    def migrate(self, create: Callable[[Storage], None] | None = None) -> int:
        """Open the registry, making it if it is missing, and bring its schema up to date.

        A missing registry is made whole under a temporary name (owner only): schema, then
        ``create`` (the demo people), then WAL mode; only then does it take its name, unless
        another session's got there first (theirs is used). An existing file is used only if
        it is sound: one that is empty, cut short, damaged, not a registry, unreadable or
        unwritable is refused (``StorageFailed``), never made again.

        Returns the schema version found before migrating: 0 for the registry made here.
        """
        if not os.path.lexists(self.path) and self._create(create):
            return 0
        failure = _file_problem(self.path, self.shown)
        if failure is not None:
            raise failure
        found = self.read(self._inspect)
        self._use_wal()
        if found < len(MIGRATIONS):  # else up to date: no write lock to wait for
            found = self.write(_apply_migrations)
        self.tighten_modes()
        return found

    def _create(self, create: Callable[[Storage], None] | None) -> bool:
        """Make the missing registry; False if another session made it meanwhile."""
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        new = Storage(
            temp, busy_timeout=self.busy_timeout, retries=self.retries, shown_as=self.shown
        )
        try:
            try:
                os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
            except OSError as error:
                raise os_failure(error, self.shown) from error
            # Filled in SQLite's default journal mode, which keeps everything in the one file
            # (nothing is left in a WAL when the file takes its name), then switched to WAL.
            new.write(_apply_migrations)
            if create is not None:
                create(new)
            new._use_wal()
            try:
                os.link(temp, self.path)
            except FileExistsError:
                return False
            except OSError as error:
                raise os_failure(error, self.shown) from error
        finally:
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{temp}{suffix}")
        log.info("registre créé : %s", self.shown)
        self.tighten_modes()
        return True

    def _inspect(self, conn: sqlite3.Connection) -> int:
        """The schema version of a registry that SQLite finds sound throughout (every page is
        read: a few milliseconds for thousands of people)."""
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        verdict = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        if verdict != ["ok"]:
            failure = StorageDamaged(str(self.shown), t.STORAGE_CORRUPT)
            raise _refusal(failure, f"quick_check : {verdict[0][:200]}", self.path)
        if found == 0:  # SQLite, but not a registry: nothing of it is touched
            failure = StorageDamaged(str(self.shown), t.STORAGE_NOT_A_REGISTRY)
            raise _refusal(failure, "user_version 0", self.path)
        return found

    def _use_wal(self) -> None:
        """Switch the file to WAL mode if it is not (every open but the first finds it so)."""
        conn: sqlite3.Connection | None = None
        try:
            conn = _retry_busy(self._connect)
            # Asked first: switching needs the write lock, which another session may hold for
            # a while.
            mode = _retry_busy(lambda: conn.execute("PRAGMA journal_mode").fetchone()[0])
            if str(mode).lower() != "wal":
                mode = _retry_busy(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            if str(mode).lower() != "wal":  # pragma: no cover - every local file system allows it
                log.warning("le registre n'a pas pu passer en mode WAL (%s)", mode)
        except sqlite3.Error as error:
            failure = sqlite_failure(error, self.path, self.shown)
            if failure is None:
                raise
            raise failure from error
        finally:
            if conn is not None:
                conn.close()

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
