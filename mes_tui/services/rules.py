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

# Without bounds of their own, a resend would bring 3 fresh attempts each time: 600 guesses in
# 100 minutes, and messages without end to any number. Codes and wrong codes are counted per
# person and channel (e-mail, mobile), whatever the address or number typed: changing the value
# is no way round them. Sending is reserved before the message goes, so that sessions asking at
# once never send more than these numbers allow.
#
# A contact change: the codes sent for one person and channel from its first code, until the new
# value is verified or the change is over (OTP_CHANGE_WINDOW after its first code, and no lock
# running). Its third code is the last one: the next can only be asked for OTP_CHANGE_LOCK after
# it. Its fifth wrong code locks it (no code sent, none checked; the pending code is dropped) for
# OTP_CHANGE_LOCK. Five, as for identification and login: enough for typos over two codes.
OTP_CODES_PER_CHANGE = 3
OTP_FAILURES_PER_CHANGE = 5
OTP_CHANGE_WINDOW = timedelta(minutes=15)
OTP_CHANGE_LOCK = timedelta(minutes=15)

# Per person and channel and per day (Europe/Paris), across every address or number: at most
# this many one-time-code messages sent (so 5 e-mails and 5 SMS a day), and this many wrong codes
# (the tenth locks the channel until midnight): one chance in 100,000 a day to guess a code.
OTP_CODES_PER_DAY = 5
OTP_FAILURES_PER_DAY = 10

# The demo registry's locked person stays locked this long after each reset.
DEMO_LOCK = timedelta(hours=24)

# Storage: how long one statement waits for a lock, and how many times a transaction is retried
# when the registry stays locked (many SSH sessions share one file).
BUSY_TIMEOUT = timedelta(seconds=2)
BUSY_RETRIES = 3
