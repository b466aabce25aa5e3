"""Keyed hashes for codes and identifiers, slow salted hashes for passwords.

- Provisional and one-time codes are stored as HMAC-SHA256 with the data directory's key and a
  purpose tag, bound to the person (and, for one-time codes, to the value being verified), and
  compared in constant time.
- NIRs and identifiers that must be counted (lockouts) or found again (outbox) are replaced by a
  keyed hash too: never written in clear outside the people table.
- Passwords are hashed with argon2id (argon2-cffi, imported on first use).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import threading
from typing import TYPE_CHECKING

from mes_tui.services.secrets import KeyProvider

if TYPE_CHECKING:
    from argon2 import PasswordHasher


def _utf8(text: str) -> bytes:
    """UTF-8, lone surrogates included (what undecodable bytes read from a terminal become):
    a hash or a password check must answer for any text, never raise."""
    return text.encode("utf-8", "surrogatepass")


def _message(purpose: str, parts: tuple[str, ...]) -> bytes:
    # Length-prefixed fields: no two different tuples give the same message.
    return b"".join(f"{len(_utf8(field))}:".encode() + _utf8(field) for field in (purpose, *parts))


class KeyedHasher:
    """HMAC-SHA256 under the data directory's key; the key is fetched on first use."""

    def __init__(self, keys: KeyProvider) -> None:
        self._keys = keys

    def load_key(self) -> None:
        """Fetch the key now (it may come from the keyring), before taking a lock, say."""
        self._keys.key()

    def digest(self, purpose: str, *parts: str) -> str:
        """The hex HMAC of ``parts`` for ``purpose`` (a tag such as ``"code_provisoire"``)."""
        return hmac.new(self._keys.key(), _message(purpose, parts), hashlib.sha256).hexdigest()

    @staticmethod
    def same(stored: str | None, candidate: str) -> bool:
        """True if ``candidate`` is the digest stored; constant time, run even when none is."""
        return hmac.compare_digest(stored if stored is not None else "", candidate) and bool(stored)

    def provisional_code(self, nir: str, code: str) -> str:
        return self.digest("code_provisoire", nir, code)

    def otp(self, nir: str, channel: str, new_value: str, code: str) -> str:
        return self.digest("code_usage_unique", nir, channel, new_value, code)

    def subject(self, scope: str, value: str) -> str:
        """The name under which failures for ``value`` (a NIR, an identifier) are counted."""
        return self.digest("throttle", scope, value)

    def person_ref(self, nir: str) -> str:
        """How outbox messages point at a person without naming them."""
        return self.digest("ref", nir)


class PasswordHashing:
    """argon2id via argon2-cffi. Parameters default to argon2-cffi's (RFC 9106 low-memory profile);
    tests pass lighter ones. Imported lazily: the first screen does not need it."""

    def __init__(
        self,
        *,
        time_cost: int | None = None,
        memory_cost: int | None = None,
        parallelism: int | None = None,
    ) -> None:
        self._time_cost = time_cost
        self._memory_cost = memory_cost
        self._parallelism = parallelism
        self._hasher: PasswordHasher | None = None
        self._lock = threading.Lock()
        self._dummy: str | None = None

    @classmethod
    def fast(cls) -> PasswordHashing:
        """Cheap parameters, for tests only."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    def _get(self) -> PasswordHasher:
        with self._lock:
            if self._hasher is None:
                from argon2 import PasswordHasher, Type
                from argon2.profiles import get_default_parameters

                defaults = get_default_parameters()
                self._hasher = PasswordHasher.from_parameters(
                    dataclasses.replace(
                        defaults,
                        type=Type.ID,
                        time_cost=self._time_cost or defaults.time_cost,
                        memory_cost=self._memory_cost or defaults.memory_cost,
                        parallelism=self._parallelism or defaults.parallelism,
                    )
                )
            return self._hasher

    def hash(self, password: str) -> str:
        return self._get().hash(_utf8(password))

    def verify(self, hashed: str, password: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self._get().verify(hashed, _utf8(password))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, hashed: str) -> bool:
        from argon2.exceptions import InvalidHashError

        try:
            return self._get().check_needs_rehash(hashed)
        except InvalidHashError:
            return True

    def burn(self, password: str) -> None:
        """Spend the time of one verification, for unknown identifiers (no timing difference)."""
        if self._dummy is None:
            self._dummy = self.hash("mes-tui: aucun compte")
        self.verify(self._dummy, password)
