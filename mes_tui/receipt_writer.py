"""Writing the opposition receipt the back office hands over (``MesService.receipt``): in one
place for both front ends, through ``Journey.save_receipt``.

    writer = ReceiptWriter.for_data_dir(data_dir, allowed=settings.receipt_folders())
    path = writer.save(with_ticket(service, ticket), nir, Path("/home/martine/Documents"))

The folder is checked first (absolute, no control characters, among the allowed folders when
the administrator restricted them), then made (owner only) if missing: a folder that cannot be
used costs neither a claim nor a PDF. Then the receipt is claimed and rendered by the back
office, written atomically (a temporary file, flushed, given its final name by a hard link or
``os.replace``: the file appears complete or not at all, readable by its owner only, never over
an existing file), and confirmed (``receipt_saved``); a receipt that could not be written is
released at once (``release_receipt``), so that the person may try another folder.

Nothing here imports the back office, the PDF library or pydantic when the module is imported.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from mes_tui.texts import receipt as tr
from mes_tui.texts import safe

if TYPE_CHECKING:
    from mes_tui.services.api import MesService, Receipt, Ticket

__all__ = [
    "RECEIPTS_DIR",
    "ReceiptDesk",
    "ReceiptWriter",
    "default_receipts_dir",
    "with_ticket",
    "write_file",
    "write_new_file",
]

RECEIPTS_DIR = "justificatifs"
"""The default folder's name, inside the data folder."""
PRIVATE_DIR = 0o700
DATA_DIR_ENV = "MES_TUI_DATA_DIR"

_NAME_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_NAME_ATTEMPTS = 100
_FALLBACK_NAME = "justificatif-opposition.pdf"
_MAX_NAME = 200
# What os.link answers where the file system has no hard links.
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}
)


class ReceiptDesk(Protocol):
    """The receipt calls of the back office for one person already allowed: ``MesService``'s
    with a ticket (``with_ticket``), or the simulated registry's own."""

    def receipt(self, nir: str) -> Receipt: ...

    def receipt_saved(self, nir: str) -> None: ...

    def release_receipt(self, nir: str) -> None: ...


class _WithTicket:
    def __init__(self, service: MesService, ticket: Ticket | None) -> None:
        self._service = service
        self._ticket = ticket

    def receipt(self, nir: str) -> Receipt:
        return self._service.receipt(self._ticket, nir)

    def receipt_saved(self, nir: str) -> None:
        self._service.receipt_saved(self._ticket, nir)

    def release_receipt(self, nir: str) -> None:
        self._service.release_receipt(self._ticket, nir)


def with_ticket(service: MesService, ticket: Ticket | None) -> ReceiptDesk:
    """``service``'s receipt calls, each made with ``ticket``."""
    return _WithTicket(service, ticket)


def default_receipts_dir(data_dir: Path | None = None) -> Path:
    """``DATA_DIR/justificatifs``: where receipts go unless the person chooses a folder.
    ``data_dir`` None: ``MES_TUI_DATA_DIR``, else the platform's user data directory, as the
    back office chooses its own."""
    if data_dir is None:
        configured = os.environ.get(DATA_DIR_ENV, "").strip()
        if configured:
            data_dir = Path(configured).expanduser()
        else:
            import platformdirs

            data_dir = Path(platformdirs.user_data_dir("mes-tui", appauthor=False))
    return Path(data_dir) / RECEIPTS_DIR


class ReceiptWriter:
    """Where receipts go and how: ``default_folder`` unless the person chooses another, and only
    inside ``allowed`` (and the default folder) when it is not empty (SSH hosts)."""

    def __init__(self, default_folder: Path, allowed: tuple[Path, ...] = ()) -> None:
        self.default_folder = Path(default_folder)
        self.allowed = tuple(Path(p) for p in allowed)

    @classmethod
    def for_data_dir(
        cls, data_dir: Path | None = None, allowed: tuple[Path, ...] = ()
    ) -> ReceiptWriter:
        """Receipts in ``DATA_DIR/justificatifs`` by default (``default_receipts_dir``)."""
        return cls(default_receipts_dir(data_dir), allowed)

    def target(self, folder: Path | None) -> Path:
        """The folder a receipt may go to: ``folder`` (absolute, among the allowed folders
        when they are restricted), or the default one. ``InvalidInput(field="folder")``
        otherwise, with the sentence to show."""
        from mes_tui.services.errors import InvalidInput
        from mes_tui.texts import service as ts

        default = self.default_folder
        if folder is None:
            return default
        try:
            target = Path(folder).expanduser()
            if safe.has_control_characters(str(target)):
                # ESC, BEL, bidi overrides in a folder name: shown later, they would act.
                raise InvalidInput(
                    "folder", ts.RECEIPT_FOLDER.format(reason=ts.RECEIPT_FOLDER_NAME)
                )
            if not target.is_absolute():
                raise InvalidInput("folder", ts.RECEIPT_FOLDER_RELATIVE)
            if self.allowed:
                real = Path(os.path.realpath(target))
                # Each folder once, as the person reads them (the default is often listed too).
                folders = dict.fromkeys(Path(os.path.realpath(p)) for p in (default, *self.allowed))
                if not any(real == a or a in real.parents for a in folders):
                    shown = ", ".join(safe.printable(str(p)) for p in folders)
                    raise InvalidInput(
                        "folder", ts.RECEIPT_FOLDER_NOT_ALLOWED.format(folders=shown)
                    )
        except ValueError:  # a NUL byte, or a name the system cannot encode
            raise InvalidInput(
                "folder", ts.RECEIPT_FOLDER.format(reason=ts.RECEIPT_FOLDER_NAME)
            ) from None
        return target

    def save(self, service: ReceiptDesk, nir: str, folder: Path | None = None) -> Path:
        """Save the receipt of ``nir``'s current opposition into ``folder`` (default: the
        default folder) and return the new file's path.

        Raises what ``service.receipt`` raises (``ReceiptUnavailable``, ``ReceiptBusy``...) and
        ``InvalidInput(field="folder")`` when the folder is not allowed, or cannot be made or
        written; in every case no file is left behind, nor any folder made for it."""
        target = self.target(folder)
        with _folder_refusals():
            made = _make_private_folders(target)
        try:
            receipt = service.receipt(nir)
            try:
                with _folder_refusals():
                    path = _write_in(target, receipt.filename, receipt.data, made)
            except BaseException:
                with contextlib.suppress(Exception):
                    service.release_receipt(nir)
                raise
            try:
                service.receipt_saved(nir)
            except BaseException:
                path.unlink(missing_ok=True)
                with contextlib.suppress(Exception):
                    service.release_receipt(nir)
                raise
        except BaseException:
            _remove_if_empty(made)
            raise
        return path


def _write_in(folder: Path, filename: str, data: bytes, made: list[Path]) -> Path:
    """``write_new_file``, making ``folder`` again if it went meanwhile: another session
    refused this receipt (or another's) removes the empty folders it had made for it."""
    for attempt in range(3):
        try:
            return write_new_file(folder, filename, data)
        except FileNotFoundError:
            if attempt == 2 or folder.is_dir():
                raise
            made.extend(_make_private_folders(folder))
    raise AssertionError("unreachable")  # pragma: no cover


@contextlib.contextmanager
def _folder_refusals() -> Iterator[None]:
    """An ``OSError`` (or a name the system cannot encode) becomes ``InvalidInput`` on the
    folder, in the person's words ("accès refusé", "disque plein")."""
    from mes_tui.services.errors import InvalidInput
    from mes_tui.texts import service as ts

    try:
        yield
    except OSError as error:
        reason = folder_problem(error)
        raise InvalidInput("folder", ts.RECEIPT_FOLDER.format(reason=reason)) from None
    except ValueError:  # a NUL byte, or a name the system cannot encode
        raise InvalidInput(
            "folder", ts.RECEIPT_FOLDER.format(reason=ts.RECEIPT_FOLDER_NAME)
        ) from None


def write_file(folder: Path, filename: str, data: bytes) -> Path:
    """Make ``folder`` and its missing parents (owner only), then write ``data`` there as
    ``write_new_file`` does; raises ``OSError`` (or ``ValueError`` for a name the system cannot
    encode) with no file left behind, nor any folder made for it."""
    made = _make_private_folders(folder)
    try:
        return write_new_file(folder, filename, data)
    except BaseException:
        _remove_if_empty(made)
        raise


def folder_problem(error: OSError) -> str:
    """Why ``error`` kept a receipt out of its folder, in French ("accès refusé")."""
    return tr.system_reason(error)


def safe_file_name(suggested: str) -> str:
    """The back office's suggested name as a plain file name: its last part only, without
    control characters, not hidden, ending in ``.pdf``, of a bounded length."""
    name = safe.printable(suggested.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    name = name.lstrip(".").strip()
    if not name.lower().endswith(".pdf"):
        name = f"{name}.pdf" if name else _FALLBACK_NAME
    if len(name) > _MAX_NAME:
        name = name[: _MAX_NAME - 4] + ".pdf"
    return name if name != ".pdf" else _FALLBACK_NAME


def _candidates(filename: str) -> Iterator[str]:
    """``filename``, then variants with random letters should it be taken."""
    yield filename
    stem, dot, suffix = filename.rpartition(".")
    for _ in range(_NAME_ATTEMPTS - 1):
        letters = "".join(secrets.choice(_NAME_LETTERS) for _ in range(6))
        yield f"{stem}-{letters}{dot}{suffix}"


def _make_private_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, each readable by its owner only; return those
    created, deepest last. An existing folder (the person's own "Téléchargements", say) is left
    as it is. If one cannot be made (a name too long, no right), those made are removed and
    the ``OSError`` raised."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            try:
                path.mkdir(mode=PRIVATE_DIR)
            except FileExistsError:
                if path.is_dir():  # another session made it meanwhile
                    continue
                raise
            made.append(path)
            os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    except BaseException:
        _remove_if_empty(made)
        raise
    return made


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest last in the list) that are still empty."""
    for path in reversed(folders):
        with contextlib.suppress(OSError):
            path.rmdir()


def _reserve_name(folder: Path, filename: str) -> Path:
    """Create an empty, owner-only file under a new name and return it. ``O_EXCL`` makes the
    creation fail rather than reuse a name that exists (even as a dangling symbolic link)."""
    for name in _candidates(filename):
        candidate = folder / name
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"no free file name for a receipt in {folder}")


def _link_new_name(temp: Path, folder: Path, filename: str) -> Path | None:
    """Give the complete file ``temp`` a new name by a hard link and return it: the name appears
    with the whole file behind it (a process killed at any moment leaves no empty or partial
    receipt), and linking fails rather than reuse a name that exists. None where the file system
    has no hard links (FAT, some network shares)."""
    for name in _candidates(filename):
        candidate = folder / name
        try:
            os.link(temp, candidate)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno in _NO_HARD_LINKS:
                return None
            raise
        return candidate
    raise FileExistsError(f"no free file name for a receipt in {folder}")


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable, where the system allows it (not on Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


STALE_PART_SECONDS = 3600
"""A temporary receipt file older than this was left by a process killed while writing it."""


def _remove_stale_parts(folder: Path) -> None:
    """Delete the temporary files a killed process left behind (never a recent one: another
    process may be writing it now). Only whole receipts ever get a visible name."""
    limit = time.time() - STALE_PART_SECONDS
    for part in folder.glob(".justificatif-*.part"):
        with contextlib.suppress(OSError):
            if part.is_file() and not part.is_symlink() and part.stat().st_mtime < limit:
                part.unlink()


def write_new_file(folder: Path, filename: str, data: bytes) -> Path:
    """Write ``data`` to a temporary file (mode 0600) in the existing ``folder``, flush it to
    disk, then give it its final name, ``filename`` (made safe, ``safe_file_name``) or a
    variant if that name is taken (a hard link; else ``os.replace`` over a freshly reserved
    name). Whatever fails, neither the temporary file nor the new name stays behind."""
    filename = safe_file_name(filename)
    _remove_stale_parts(folder)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".justificatif-", suffix=".part")
    temp = Path(temp_name)
    final: Path | None = None
    done = False
    try:
        with os.fdopen(fd, "wb") as stream:  # mkstemp: mode 0600
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        final = _link_new_name(temp, folder, filename)
        if final is None:
            # No hard links here: a kill between these two steps would leave an empty file.
            final = _reserve_name(folder, filename)
            os.replace(temp, final)
        else:
            temp.unlink()
        done = True
        _fsync_folder(folder)
        return final
    finally:
        if not done:
            temp.unlink(missing_ok=True)
            if final is not None:
                final.unlink(missing_ok=True)
