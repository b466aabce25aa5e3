"""The numbers behind the security rules of the simulated back office, named in one place.

Lockouts and growing waits are what make an 8-character password and a 12-character code
acceptable (CNIL, délibération 2022-100: a restriction of access after failures): every
guessable secret sits behind a bounded number, or a bounded pace, of attempts. docs/limites.md
says each rule in French, with these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta


@dataclass(frozen=True)
class ThrottleRule:
    """``max_failures`` failures within ``window`` lock the subject for ``lock_for``."""

    scope: str
    max_failures: int
    window: timedelta
    lock_for: timedelta


@dataclass(frozen=True)
class PaceRule:
    """Failures counted for one subject (a session, an SSH client address, an identifier), and
    forgotten one by one: each failure adds one to the count, and one is forgiven every
    ``forgive_every`` (a leaky bucket), so that what a previous person did fades away.

    Up to ``free`` counted failures, nothing happens. Beyond, each failure makes the next attempt
    wait: ``first_wait``, doubled with each further failure, at most ``max_wait``. When the count
    reaches ``lock_at``, nothing is checked for ``lock_for``. A success forgives nothing: an
    attacker must not be able to wipe the count with a code or a password of their own.
    """

    scope: str
    free: int
    first_wait: timedelta
    max_wait: timedelta
    forgive_every: timedelta
    lock_at: int | None = None
    lock_for: timedelta = timedelta(0)

    def wait_after(self, count: int) -> timedelta:
        """How long the next attempt waits once ``count`` failures are counted (0: no wait)."""
        if count <= self.free:
            return timedelta(0)
        return min(self.max_wait, self.first_wait * (1 << (count - self.free - 1)))

    @property
    def ceiling(self) -> int:
        """The count never goes higher: the lock, or the first count that waits ``max_wait``."""
        if self.lock_at is not None:
            return self.lock_at
        count = self.free + 1
        while self.wait_after(count) < self.max_wait:
            count += 1
        return count


@dataclass(frozen=True)
class QuotaRule:
    """At most ``allowed`` uses counted for one subject; one is given back every ``refill_every``
    (a token bucket). Beyond, the use is refused until one is given back."""

    scope: str
    allowed: int
    refill_every: timedelta


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


# -- per session and per SSH client address -------------------------------------------------
# A session is one run of the program: one SSH connection, or the program at a desk from its
# start to its end, whoever sits in front of it (a random id, counted as a keyed hash). The SSH
# client address (SSH_CONNECTION, IPv6 by /64) groups every session of one remote computer.
# Identification, new code requests and sign-in are each counted apart, on top of the per-NIR
# and per-identifier counts. At a desk, one person's failures fade for the next one: one is
# forgiven every 2 minutes, and only what is beyond 5 makes anyone wait.
IDENTIFY_SESSION = PaceRule(
    scope="identify_session",
    free=5,
    first_wait=timedelta(seconds=30),
    max_wait=timedelta(minutes=4),
    forgive_every=timedelta(minutes=2),
    lock_at=10,
    lock_for=timedelta(minutes=15),
)
# Many sessions come from one address (desks behind one router): twice the session's bounds,
# forgotten at the same pace.
IDENTIFY_CLIENT = replace(IDENTIFY_SESSION, scope="identify_client", free=10, lock_at=20)
CODE_REQUEST_SESSION = replace(IDENTIFY_SESSION, scope="code_request_session")
CODE_REQUEST_CLIENT = replace(IDENTIFY_CLIENT, scope="code_request_client")
LOGIN_SESSION = replace(IDENTIFY_SESSION, scope="login_session")
LOGIN_CLIENT = replace(IDENTIFY_CLIENT, scope="login_client")

# Signing in, per identifier (known or not): waits that grow, never a lock, so that nobody can
# lock another person out of their space by failing on purpose. The identifier's owner waits at
# most a minute; an attacker gets about one guess a minute at one identifier, however many
# sessions and addresses they use, and far fewer from one session or address (above). A success
# clears this count (the owner proved themselves), not the session's.
LOGIN = PaceRule(
    scope="login",
    free=3,
    first_wait=timedelta(seconds=5),
    max_wait=timedelta(minutes=1),
    forgive_every=timedelta(minutes=10),
)

# Whether an identifier is free (check_identifier), per person identified, per session and per
# SSH client address: each answer tells whether someone uses that identifier. A desk serves many
# people a day, each choosing once: a session's answers come back faster than a person's. An
# activation refused because the identifier is taken is one more answer; it is allowed
# IDENTIFIER_ANSWERS_AT_ACTIVATION more than the checks, so that a person who used up the checks
# can still validate (a suggestion, or the identifier they typed).
IDENTIFIER_CHECKS_PERSON = QuotaRule(
    scope="identifier_person", allowed=10, refill_every=timedelta(minutes=30)
)
IDENTIFIER_CHECKS_SESSION = QuotaRule(
    scope="identifier_session", allowed=20, refill_every=timedelta(minutes=3)
)
IDENTIFIER_CHECKS_CLIENT = QuotaRule(
    scope="identifier_client", allowed=40, refill_every=timedelta(seconds=90)
)
IDENTIFIER_ANSWERS_AT_ACTIVATION = 5

# Free identifiers offered when the one typed is taken: the typed one followed by random digits
# (never a rule anyone could follow to learn which identifiers exist), each checked free.
SUGGESTIONS = 3
SUGGESTION_DIGITS = 3

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

# Tickets (mes_tui.services.tickets): what identification and sign-in hand the front end, and
# every call about the person then carries. One lapses after TICKET_IDLE without a call (each
# call accepted renews it: the person is still at the keyboard), and TICKET_MAX after it was
# issued whatever happens: a session left open at a desk or over SSH acts for nobody for long.
# TICKET_IDLE is well beyond the front ends' idle wipe (5 minutes by default), and TICKET_MAX
# beyond any journey: neither cuts a person short who is still there.
TICKET_IDLE = timedelta(minutes=20)
TICKET_MAX = timedelta(hours=2)
# At most this many live tickets per session (one person after another at a desk): issuing one
# more revokes the oldest, so that a session never holds more than this in memory.
TICKETS_PER_SESSION = 8

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
