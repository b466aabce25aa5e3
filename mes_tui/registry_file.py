"""The registry file looked at without SQLite: there or not, a file, readable and writable, and
the start of a SQLite database as long as its header says.

Light (neither ``sqlite3`` nor the back office): the command line runs it before an interface
starts, so that a registry that cannot work is one line on standard error rather than a screen
that fails later, and ``Storage`` runs it before it opens an existing file. What only SQLite can
see (a page damaged inside the file) is left to SQLite.
"""

from __future__ import annotations

import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from mes_tui.texts import service as t
from mes_tui.texts.receipt import system_reason
from mes_tui.texts.safe import printable

NAME = "registry.sqlite3"

DAMAGED = "damaged"
UNREADABLE = "unreadable"
READ_ONLY = "read_only"
TEMPLATES = {
    DAMAGED: t.STORAGE_DAMAGED,
    UNREADABLE: t.STORAGE_UNREADABLE,
    READ_ONLY: t.STORAGE_READ_ONLY,
}

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100


@dataclass(frozen=True)
class Problem:
    """Why the registry file cannot be used: ``kind`` (one of ``TEMPLATES``), ``reason`` in a
    few French words, ``cause`` for the log."""

    kind: str
    reason: str
    cause: str

    def message(self, where: Path) -> str:
        return TEMPLATES[self.kind].format(where=printable(str(where)), reason=self.reason)


def check(path: Path) -> Problem | None:
    """What keeps the registry file ``path`` from being used, or None: it looks sound, or it is
    missing (a new registry is made then, and only then)."""
    if not os.path.lexists(path):
        return None
    try:
        info = os.stat(path)
    except OSError as error:  # a symbolic link to nowhere, a folder that cannot be crossed
        return Problem(UNREADABLE, system_reason(error), f"stat: {error.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return Problem(DAMAGED, t.STORAGE_NOT_A_FILE, "not a regular file")
    if info.st_size == 0:
        return Problem(DAMAGED, t.STORAGE_EMPTY, "empty file (0 bytes)")
    try:
        with open(path, "rb") as handle:
            header = handle.read(_HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        return Problem(UNREADABLE, system_reason(error), f"open: {error.strerror}")
    if not _MAGIC.startswith(header[: len(_MAGIC)]):
        return Problem(DAMAGED, t.STORAGE_NOT_SQLITE, "no SQLite header")
    if len(header) < _HEADER_SIZE or _cut_short(path, header, size):
        return Problem(DAMAGED, t.STORAGE_TRUNCATED, f"shorter than its header says ({size} B)")
    return _write_problem(path)


def _cut_short(path: Path, header: bytes, size: int) -> bool:
    """True if the file is shorter than the pages its header counts, with no journal beside it
    that could make up the difference (a checkpoint in progress writes the header first)."""
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    changes, pages, valid_for = (
        struct.unpack(">I", header[offset : offset + 4])[0] for offset in (24, 28, 92)
    )
    if pages == 0 or changes != valid_for:  # the count is not kept up to date by every writer
        return False
    if size >= pages * page_size:
        return False
    for suffix in ("-wal", "-journal"):
        try:
            if os.stat(f"{path}{suffix}").st_size > 0:
                return False
        except OSError:
            continue
    return True


def _write_problem(path: Path) -> Problem | None:
    """Every use of the registry writes (a lockout counted, a decision): the file, and the
    folder where SQLite keeps its WAL beside it, must be writable."""
    folder = path.parent
    file_ok = os.access(path, os.W_OK)
    if file_ok and os.access(folder, os.W_OK | os.X_OK):
        return None
    if _read_only_medium(folder):
        reason = t.STORAGE_MEDIUM_READ_ONLY
    else:
        reason = t.STORAGE_FOLDER_READ_ONLY if file_ok else t.STORAGE_FILE_READ_ONLY
    return Problem(READ_ONLY, reason, f"not writable: {'folder' if file_ok else 'file'}")


def _read_only_medium(folder: Path) -> bool:
    info = _file_system(folder)
    return info is not None and bool(info.f_flag & os.ST_RDONLY)


def free_space(folder: Path) -> int | None:
    """The bytes left for the account on ``folder``'s disk, if the system says."""
    info = _file_system(folder)
    return None if info is None else info.f_bavail * info.f_frsize


def _file_system(folder: Path) -> os.statvfs_result | None:
    statvfs = getattr(os, "statvfs", None)
    if statvfs is None:  # pragma: no cover - Windows
        return None
    try:
        result: os.statvfs_result = statvfs(folder)
    except OSError:
        return None
    return result
