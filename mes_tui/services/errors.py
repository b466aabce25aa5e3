"""Refusals of the back office. Each carries the French sentence to show the person."""

from __future__ import annotations

from datetime import date, datetime

from mes_tui.texts import service as t


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


class IdentificationFailed(ServiceError):
    """Code, NIR, card type or serial did not match: deliberately never says which."""

    def __init__(self) -> None:
        super().__init__(t.IDENTIFICATION_FAILED)


class Locked(ServiceError):
    """Too many failures: nothing is checked until ``until``."""

    def __init__(
        self, until: datetime, now: datetime, template: str = t.LOCKED, **fields: object
    ) -> None:
        self.until = until
        self.remaining_seconds = max(0.0, (until - now).total_seconds())
        super().__init__(template.format(wait=t.wait_phrase(self.remaining_seconds), **fields))


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


class LoginFailed(ServiceError):
    def __init__(self) -> None:
        super().__init__(t.LOGIN_FAILED)


class CodeRequestFailed(ServiceError):
    """NIR, birth date or card did not match when asking for a new provisional code."""

    def __init__(self) -> None:
        super().__init__(t.CODE_REQUEST_FAILED)


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
        message = (
            t.OTP_INVALID.format(left=attempts_left) if attempts_left else t.OTP_NO_ATTEMPTS_LEFT
        )
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


class ReceiptUnavailable(ServiceError):
    """The opposition receipt was already saved for this decision, or there is no opposition."""

    def __init__(self) -> None:
        super().__init__(t.RECEIPT_UNAVAILABLE)


class StorageBusy(ServiceError):
    """The registry stayed locked longer than we are willing to wait."""

    def __init__(self) -> None:
        super().__init__(t.STORAGE_BUSY)


class KeyMissing(ServiceError):
    """The key that hashes codes is missing or unreadable for a registry that already exists:
    every code issued and every lockout depends on it, so none is made up silently."""

    def __init__(self, where: str) -> None:
        super().__init__(t.KEY_MISSING.format(where=where))


class ImportRejected(Exception):
    """A registry import with bad rows; nothing was imported. ``problems``: (row number, reason)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(problems)} ligne(s) invalide(s)")
        self.problems = problems
