"""Ways to break the registry in a test: damage its file, make it read-only, fill its disk.

Read-only for root too: root writes through file modes, so an immutable file (``chattr +i``)
stands for a read-only registry there; where neither works the test is skipped. A full disk is
a small tmpfs filled up when the test may mount one (root), else SQLite's error injected.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from mes_tui.services.storage import Storage

# How a registry file can be damaged: each is refused, none is filled again.
DAMAGES = {
    "empty": "fichier vide",
    "truncated": "fichier tronqué",
    "header": "ce n'est pas une base de données SQLite",
    "text": "ce n'est pas une base de données SQLite",
    "pages": "contenu illisible",
    "foreign": "cette base de données n'est pas un registre de mes-tui",
}
# What the light check (before a screen opens) sees; "pages" needs SQLite to read every page.
SEEN_WITHOUT_SQLITE = ("empty", "truncated", "header", "text")


def damage(registry: Path, how: str) -> None:
    """Damage the registry file (closed, its WAL folded in) in one of the ``DAMAGES`` ways."""
    data = registry.read_bytes()
    for suffix in ("-wal", "-shm"):
        Path(f"{registry}{suffix}").unlink(missing_ok=True)
    if how == "empty":
        registry.write_bytes(b"")
    elif how == "truncated":
        registry.write_bytes(data[: len(data) // 2])
    elif how == "header":
        registry.write_bytes(b"\x00garbage" * 12 + data[96:])
    elif how == "text":
        registry.write_text("nir;first_name\n116304403801618;Martine\n", encoding="utf-8")
    elif how == "pages":
        # Every page but the first (the schema) overwritten: SQLite opens it, reading fails.
        registry.write_bytes(data[:4096] + b"\xa5" * (len(data) - 4096))
    elif how == "foreign":
        registry.unlink()
        with closing(sqlite3.connect(registry)) as conn:
            conn.execute("CREATE TABLE notes (text TEXT)")
            conn.execute("INSERT INTO notes VALUES ('pas un registre')")
            conn.commit()
    else:  # pragma: no cover - a typo in a test
        raise ValueError(how)


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False)
    return done.returncode == 0


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """``paths`` (files or folders) cannot be written while the block runs, even by root."""
    if os.geteuid() != 0:
        modes = {path: stat.S_IMODE(path.stat().st_mode) for path in paths}
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    frozen: list[Path] = []
    try:
        for path in paths:
            if not _chattr("+i", path):
                pytest.skip("root, and no immutable files here (chattr +i)")
            frozen.append(path)
        yield
    finally:
        for path in frozen:
            _chattr("-i", path)


def sqlite_error(code: int, name: str, text: str) -> sqlite3.OperationalError:
    """The error SQLite raises, with its result code, as ``sqlite3`` makes it."""
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


def disk_full_error() -> sqlite3.OperationalError:
    return sqlite_error(13, "SQLITE_FULL", "database or disk is full")


WRITES = ("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE", "CREATE", "ALTER")


class _FailingWrites:
    """A connection whose writing statements raise ``error``; everything else passes."""

    def __init__(self, conn: sqlite3.Connection, error: sqlite3.Error) -> None:
        self._conn = conn
        self._error = error

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.lstrip().upper().startswith(WRITES):
            raise self._error
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def fail_writes(monkeypatch: pytest.MonkeyPatch, error: sqlite3.Error) -> None:
    """From now on every write to any registry raises ``error`` (SQLite's, injected)."""
    connect = Storage._connect

    def failing(self: Storage) -> Any:
        return _FailingWrites(connect(self), error)

    monkeypatch.setattr(Storage, "_connect", failing)


@contextlib.contextmanager
def small_disk(size: str = "2m") -> Iterator[Path]:
    """A folder on a tmpfs of ``size``, for a real full disk; skipped where none can be
    mounted (not root, or no right to mount)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a small disk needs root to mount a tmpfs")
    mount_point = Path("/tmp") / f"mes-tui-small-disk-{uuid.uuid4().hex[:8]}"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"no tmpfs can be mounted here: {done.stderr.decode(errors='replace')}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)
        with contextlib.suppress(OSError):
            mount_point.rmdir()


def fill_disk(folder: Path) -> Path:
    """Write to ``folder``'s disk until it is full; the file that fills it."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler
