"""The key that hashes codes and NIRs: in the system keyring if there is one, else a private file.

The key is fetched on first use, not when the service opens: the first screen does not need it,
and ``keyring`` is slow to import. Set ``MES_TUI_KEYRING=off`` to skip the keyring (tests, shared
hosts without a session bus).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any, Protocol

from mes_tui.services.errors import KeyExposed, KeyMissing
from mes_tui.services.storage import PRIVATE_FILE

log = logging.getLogger("mes_tui")

KEY_BYTES = 32
KEYRING_SERVICE = "mes-tui"
KEY_FILE_NAME = "secret.key"

_warned_lock = threading.Lock()
_warned = False


class KeyProvider(Protocol):
    def key(self) -> bytes:
        """The HMAC key (32 bytes), the same for every process sharing the data directory."""
        ...


def _warn_fallback_once(reason: str) -> None:
    global _warned
    with _warned_lock:
        if _warned:
            return
        _warned = True
    log.warning(
        "Trousseau système indisponible (%s) : la clé de hachage des codes est conservée dans "
        "le fichier %s du dossier de données, lisible par son seul propriétaire.",
        reason,
        KEY_FILE_NAME,
    )


def _keyring_off() -> bool:
    return os.environ.get("MES_TUI_KEYRING", "").strip().lower() in {"off", "0", "no", "false"}


def _usable_keyring() -> Any | None:
    """The keyring backend if one can actually store secrets, else None."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception:  # any import or configuration problem means "no keyring"
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


class SecretStore:
    """The HMAC key of one data directory.

    ``may_create``: make a key if there is none. Only for a new registry: for one that exists,
    a missing key means every code it issued and every lockout it counts would silently stop
    working, so it is an error (``KeyMissing``) that says what to do.

    ``key_file``: the administrator's choice of file (SSH hosts: outside the data folder, so
    that a copy of the registry is not also a copy of what protects it). Chosen, it is the only
    place looked at, keyring or not. A key file that other accounts may read or write is
    refused (``KeyExposed``), as ssh refuses a private key that is not private."""

    def __init__(
        self, data_dir: Path, *, may_create: bool = True, key_file: Path | None = None
    ) -> None:
        self.data_dir = data_dir
        self.chosen_file = key_file is not None
        self.key_file = key_file if key_file is not None else data_dir / KEY_FILE_NAME
        self.may_create = may_create
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Replace the key with a new one (``mes-tui registry reset-key``): every code issued
        and every failure counted under the old one no longer matches."""
        with self._lock:
            self._key = None
            self.may_create = True
            backend = None if _keyring_off() or self.chosen_file else _usable_keyring()
            if backend is not None:
                with contextlib.suppress(Exception):
                    backend.delete_password(KEYRING_SERVICE, self.keyring_user)
            with contextlib.suppress(FileNotFoundError):
                self.key_file.unlink()
            self._key = self._load()

    @property
    def keyring_user(self) -> str:
        """The keyring entry's user name: a hash of the data directory, never a person."""
        return hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:32]

    def key(self) -> bytes:
        with self._lock:
            if self._key is None:
                self._key = self._load()
            return self._key

    def _missing(self) -> KeyMissing:
        log.error(
            "clé de hachage des codes introuvable ou illisible (%s) pour un registre existant : "
            "rien n'est vérifié ; restaurez-la ou lancez « mes-tui registry reset-key »",
            self.key_file,
        )
        return KeyMissing(str(self.key_file))

    def _load(self) -> bytes:
        if self.chosen_file:
            return self._from_file()
        if _keyring_off():
            _warn_fallback_once("MES_TUI_KEYRING=off")
            return self._from_file()
        backend = _usable_keyring()
        if backend is None:
            _warn_fallback_once("aucun trousseau utilisable")
            return self._from_file()
        try:
            return self._from_keyring(backend)
        except Exception as error:  # locked keyring, no D-Bus session, ...
            _warn_fallback_once(type(error).__name__)
            return self._from_file()

    def _from_keyring(self, backend: Any) -> bytes:
        stored = backend.get_password(KEYRING_SERVICE, self.keyring_user)
        if stored is None and not self.may_create:
            raise self._missing()
        if stored is None:
            backend.set_password(KEYRING_SERVICE, self.keyring_user, secrets.token_hex(KEY_BYTES))
            # Read back: if another process stored its key meanwhile, we all use the last one.
            stored = backend.get_password(KEYRING_SERVICE, self.keyring_user)
        return bytes.fromhex(str(stored))

    def _from_file(self) -> bytes:
        """Read the key file, creating it atomically if needed so that concurrent processes agree.

        The key is written to a temporary file (``O_EXCL``, owner only) and linked into place;
        linking fails if another process got there first, and then its key is the one we read.
        """
        try:
            return self._read_key_file()
        except FileNotFoundError:
            if not self.may_create:
                raise self._missing() from None
        except (OSError, ValueError):  # unreadable, or not a key
            raise self._missing() from None
        folder = self.key_file.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            temp = folder / f".{self.key_file.name}.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except OSError:  # a folder the account cannot write: the administrator's to make
            raise self._missing() from None
        try:
            os.write(fd, secrets.token_hex(KEY_BYTES).encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, self.key_file)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
        return self._read_key_file()

    def _read_key_file(self) -> bytes:
        try:
            with self.key_file.open("rb") as handle:
                mode = os.fstat(handle.fileno()).st_mode
                if mode & 0o077:
                    log.error(
                        "clé de hachage des codes lisible ou modifiable par d'autres comptes "
                        "(%s, droits %o) : refusée",
                        self.key_file,
                        mode & 0o777,
                    )
                    raise KeyExposed(str(self.key_file))
                text = handle.read(4 * KEY_BYTES).decode("ascii").strip()
        except UnicodeDecodeError as error:
            raise ValueError("clé de hachage illisible dans le dossier de données") from error
        key = bytes.fromhex(text)
        if len(key) != KEY_BYTES:
            raise ValueError("clé de hachage illisible dans le dossier de données")
        return key
