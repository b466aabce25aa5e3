"""Refusals of the back office. Each carries the French sentence to show the person."""

from __future__ import annotations

from datetime import date, datetime

from mes_tui.texts import service as t
from mes_tui.texts.safe import printable


class ServiceError(Exception):
    """A refusal the person can act on; ``message`` is what to show them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ServiceError):
    """A value failed validation at the service boundary; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Failed(ServiceError):
    """What was typed did not match. ``wait_seconds``: this failure makes the next attempt wait
    (too many failures from this session, SSH client or identifier), as the message says."""

    PLAIN = ""
    WITH_WAIT = ""

    def __init__(self, wait_seconds: float | None = None) -> None:
        self.wait_seconds = wait_seconds
        if wait_seconds is None:
            super().__init__(self.PLAIN)
        else:
            super().__init__(self.WITH_WAIT.format(wait=t.wait_phrase(wait_seconds)))


class IdentificationFailed(Failed):
    """Code, NIR, card type or serial did not match: deliberately never says which."""

    PLAIN = t.IDENTIFICATION_FAILED
    WITH_WAIT = t.IDENTIFICATION_FAILED_WAIT


class MustWait(ServiceError):
    """Nothing is checked until ``until``; the message says how long that is."""

    def __init__(self, until: datetime, now: datetime, template: str, **fields: object) -> None:
        self.until = until
        self.remaining_seconds = max(0.0, (until - now).total_seconds())
        wait = t.wait_phrase(self.remaining_seconds)
        super().__init__(template.format(wait=wait, **fields))


class Locked(MustWait):
    """Too many failures: locked for minutes (the front ends send the person back to the
    start)."""

    def __init__(
        self, until: datetime, now: datetime, template: str = t.LOCKED, **fields: object
    ) -> None:
        super().__init__(until, now, template, **fields)


class ContactChangeLocked(Locked):
    """A change of e-mail address or mobile number beyond the bounds on one-time codes: no code
    is sent for this person and channel until ``until``, whatever the value typed.

    ``code_usable``: the person, refused a resend, can still type the code received (only
    sending is held back: too many codes). False when the change cannot go on from where they
    are: too many wrong codes (nothing is checked either, no code is pending), or a new value
    refused.
    """

    def __init__(
        self,
        until: datetime,
        now: datetime,
        template: str,
        *,
        code_usable: bool,
        **fields: object,
    ) -> None:
        super().__init__(until, now, template, **fields)
        self.code_usable = code_usable


class Slowed(MustWait):
    """An attempt made while an earlier failure makes this one wait (seconds, a few minutes at
    most): the person may correct what they typed and try again once the wait is over."""


class IdentifierChecksPaused(MustWait):
    """Too many identifiers checked: no more answers for a while (the activation still says
    whether the identifier chosen is taken, a few more times)."""

    def __init__(self, until: datetime, now: datetime, count: int) -> None:
        super().__init__(until, now, t.IDENTIFIER_CHECKS_PAUSED, count=count)
        self.count = count


class LoginFailed(Failed):
    PLAIN = t.LOGIN_FAILED
    WITH_WAIT = t.LOGIN_FAILED_WAIT


class CodeRequestFailed(Failed):
    """NIR, birth date or card did not match when asking for a new provisional code."""

    PLAIN = t.CODE_REQUEST_FAILED
    WITH_WAIT = t.CODE_REQUEST_FAILED_WAIT


class NoEmailOnFile(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.NO_EMAIL_ON_FILE)


class TooManyRequests(ServiceError):
    def __init__(self, count: int) -> None:
        super().__init__(t.TOO_MANY_CODE_REQUESTS.format(count=count))
        self.count = count


class DeliveryFailed(ServiceError):
    """The simulated delivery failed; nothing was changed."""

    def __init__(self) -> None:
        super().__init__(t.DELIVERY_FAILED)


class OtpInvalid(ServiceError):
    def __init__(self, attempts_left: int) -> None:
        if attempts_left > 1:
            message = t.OTP_INVALID.format(left=attempts_left)
        elif attempts_left == 1:
            message = t.OTP_INVALID_LAST  # "1 essai": the count agrees with its noun
        else:
            message = t.OTP_NO_ATTEMPTS_LEFT
        super().__init__(message)
        self.attempts_left = attempts_left


class OtpExpired(ServiceError):
    def __init__(self, minutes: int) -> None:
        super().__init__(t.OTP_EXPIRED.format(minutes=minutes))


class NoPendingCode(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.OTP_NONE_PENDING)


class ResendTooSoon(ServiceError):
    def __init__(self, wait_seconds: float) -> None:
        super().__init__(t.OTP_RESEND_WAIT.format(wait=t.wait_phrase(wait_seconds)))
        self.wait_seconds = wait_seconds


class IdentifierTaken(ServiceError):
    """The identifier is in use; ``suggestions`` are free alternatives."""

    def __init__(self, suggestions: list[str]) -> None:
        message = (
            t.IDENTIFIER_TAKEN_SUGGEST.format(suggestions=", ".join(suggestions))
            if suggestions
            else t.IDENTIFIER_TAKEN
        )
        super().__init__(message)
        self.suggestions = suggestions


class PasswordRejected(ServiceError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


class TermsNotAccepted(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.TERMS_NOT_ACCEPTED)


class DecisionConflict(ServiceError):
    """Someone else decided for this profile in the meantime."""

    def __init__(self, status: str, decided_on: date | None) -> None:
        label = t.STATUS_LABELS.get(status, status)
        if decided_on is not None:
            label = f"{label} le {decided_on:%d/%m/%Y}"
        super().__init__(t.DECISION_CONFLICT.format(status=label))
        self.status = status
        self.decided_on = decided_on


class AlreadyActive(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.ALREADY_ACTIVE)


class CertificationRequired(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.CERTIFICATION_REQUIRED)


class NotAttached(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.NOT_ATTACHED)


class UnknownPerson(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.UNKNOWN_PERSON)


class TicketRefused(ServiceError):
    """A person-scoped call without a valid ticket: missing, expired, revoked, forged, or for a
    NIR outside the ticket's person and profiles. Deliberately never says which."""

    def __init__(self) -> None:
        super().__init__(t.TICKET_REFUSED)


class ReceiptUnavailable(ServiceError):
    """The opposition receipt was already saved for this decision, or there is no opposition."""

    def __init__(self) -> None:
        super().__init__(t.RECEIPT_UNAVAILABLE)


class ReceiptBusy(ServiceError):
    """Another session is saving this receipt right now; ``seconds``: at most how long."""

    def __init__(self, seconds: int) -> None:
        super().__init__(t.RECEIPT_BUSY.format(seconds=seconds))
        self.seconds = seconds


class StorageBusy(ServiceError):
    """The registry stayed locked longer than we are willing to wait."""

    def __init__(self) -> None:
        super().__init__(t.STORAGE_BUSY)


class StorageFailed(ServiceError):
    """The registry (or the data folder beside it) cannot be used: nothing was recorded. The
    cause (SQLite's error, the system's) is in the log; ``message`` says what to do."""

    template = ""

    def __init__(self, where: str, reason: str = "") -> None:
        super().__init__(self.template.format(where=printable(where), reason=reason))


class StorageDamaged(StorageFailed):
    """The registry file is empty, truncated, corrupt or not a registry: never filled again."""

    template = t.STORAGE_DAMAGED


class StorageUnreadable(StorageFailed):
    """The registry file or its folder cannot be opened (rights, a missing folder)."""

    template = t.STORAGE_UNREADABLE


class StorageReadOnly(StorageFailed):
    """The registry, its folder or its medium cannot be written."""

    template = t.STORAGE_READ_ONLY


class DiskFull(StorageFailed):
    """No room left where the registry, the outbox or a receipt is written."""

    template = t.STORAGE_DISK_FULL


class StorageIOError(StorageFailed):
    """The disk failed to read or write (not full)."""

    template = t.STORAGE_IO_ERROR


class KeyMissing(ServiceError):
    """The key that hashes codes is missing or unreadable for a registry that already exists:
    every code issued and every lockout depends on it, so none is made up silently."""

    def __init__(self, where: str) -> None:
        super().__init__(t.KEY_MISSING.format(where=where))


class KeyExposed(ServiceError):
    """The key file may be read or written by other accounts: whoever reads it can test codes
    and NIRs against the registry's hashes, so it is not used until its rights are fixed."""

    def __init__(self, where: str) -> None:
        super().__init__(t.KEY_EXPOSED.format(where=where))


class ImportFileRejected(ServiceError):
    """A registry import refused as a whole (no person, too many): nothing was imported."""


class ImportRejected(Exception):
    """A registry import with bad rows; nothing was imported. ``problems``: (row number, reason)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} ligne(s) invalide(s)")
        self.problems = problems
