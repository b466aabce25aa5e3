"""The numbers behind the security rules of the simulated back office, named in one place.

Lockouts are what make an 8-character password and a 12-character code acceptable (CNIL,
délibération 2022-100): every guessable secret sits behind a bounded number of attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ThrottleRule:
    """``max_failures`` failures within ``window`` lock the subject for ``lock_for``."""

    scope: str
    max_failures: int
    window: timedelta
    lock_for: timedelta


# Identification with a provisional code: counted per NIR (keyed hash), known or not, so that the
# lock itself never tells whether a NIR is in the registry.
IDENTIFY = ThrottleRule(
    scope="identify", max_failures=5, window=timedelta(minutes=15), lock_for=timedelta(minutes=15)
)

# Asking for a new provisional code: failures to match NIR, birth date and card, per NIR.
CODE_REQUEST = ThrottleRule(
    scope="code_request",
    max_failures=5,
    window=timedelta(minutes=15),
    lock_for=timedelta(minutes=15),
)

# Signing in with identifier and password, per identifier (known or not).
LOGIN = ThrottleRule(
    scope="login", max_failures=5, window=timedelta(minutes=15), lock_for=timedelta(minutes=15)
)

# Successful requests for a new provisional code, per person and per day (Europe/Paris).
CODE_REQUESTS_PER_DAY = 3

# One-time codes sent to a new e-mail address or mobile number.
OTP_DIGITS = 6
OTP_VALIDITY = timedelta(minutes=10)
OTP_ATTEMPTS = 3
OTP_RESEND_AFTER = timedelta(seconds=30)

# How long a save of the opposition receipt in progress holds it: other sessions asking meanwhile
# are told to wait instead of each rendering a PDF; a session killed while saving releases it
# when this has passed (the receipt is then available again, never lost).
RECEIPT_CLAIM = timedelta(seconds=30)

# The demo registry's locked person stays locked this long after each reset.
DEMO_LOCK = timedelta(hours=24)

# Storage: how long one statement waits for a lock, and how many times a transaction is retried
# when the registry stays locked (many SSH sessions share one file).
BUSY_TIMEOUT = timedelta(seconds=2)
BUSY_RETRIES = 3

# Registry import (mes-tui registry import): what one file may hold. A training session's file
# has tens of people; these bound what a file can cost in memory and time (reading stops at the
# bound, so a huge file, a device or a pipe that never ends costs no more than the bound).
IMPORT_MAX_BYTES = 4 * 1024 * 1024
IMPORT_MAX_ROWS = 5_000
IMPORT_MAX_PROFILES = 20
# Each password is hashed with argon2id (about 0.2 s and 64 MiB each).
IMPORT_MAX_PASSWORDS = 100
