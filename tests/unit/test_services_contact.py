"""Changing the e-mail address or the mobile number with a one-time code."""

from __future__ import annotations

import pytest

from mes_tui.models import Channel
from mes_tui.services import SimulatedService
from mes_tui.services import demo as d
from mes_tui.services.api import Challenge
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    DeliveryFailed,
    InvalidInput,
    NoPendingCode,
    OtpExpired,
    OtpInvalid,
    ResendTooSoon,
)
from mes_tui.texts import service as t
from tests.unit.conftest import MARTINE, last_code, last_message

NEW_EMAIL = "mickael.rousset@atos.net"


def wrong(code: str) -> str:
    """A 6-digit code that is not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def start_email(service: SimulatedService) -> Challenge:
    return service.start_contact_change(MARTINE, Channel.EMAIL, NEW_EMAIL)


def test_email_change_sends_a_code_and_records_the_address(
    service: SimulatedService, clock: FakeClock
) -> None:
    challenge = start_email(service)
    assert challenge.channel is Channel.EMAIL
    assert challenge.to == NEW_EMAIL
    assert challenge.expires_at == clock.now().replace(minute=10)
    assert (challenge.resend_available_at - clock.now()).total_seconds() == 30
    assert not hasattr(challenge, "message")  # the code reaches the person, not the caller
    assert challenge.sent_at == clock.now()
    message = last_message(service)
    assert (message.channel, message.to, message.purpose) == (
        Channel.EMAIL,
        NEW_EMAIL,
        "verification_email",
    )
    assert message.code is not None and len(message.code) == 6 and message.code.isdigit()
    assert service.get_person(MARTINE).email == "dlfr-cn5-tma-support-cobra@atos.net"
    person = service.verify_contact_code(MARTINE, Channel.EMAIL, message.code)
    assert person.email == NEW_EMAIL
    with pytest.raises(NoPendingCode):  # the code is spent
        service.verify_contact_code(MARTINE, Channel.EMAIL, message.code)


def test_mobile_change_is_stored_in_e164(service: SimulatedService) -> None:
    challenge = service.start_contact_change(MARTINE, Channel.SMS, "06 11 12 13 14")
    assert challenge.to == "+33611121314"
    message = last_message(service)
    assert message.channel is Channel.SMS
    assert message.purpose == "verification_mobile"
    assert message.code
    person = service.verify_contact_code(MARTINE, Channel.SMS, message.code)
    assert person.mobile == "+33611121314"


def test_same_value_as_on_file_is_refused(service: SimulatedService) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.start_contact_change(MARTINE, Channel.EMAIL, "dlfr-cn5-tma-support-cobra@atos.net")
    assert caught.value.field == "email"
    assert caught.value.message == t.CONTACT_SAME
    with pytest.raises(InvalidInput) as caught:
        service.start_contact_change(d.KARIM, Channel.SMS, "+33 6 11 12 13 14")
    assert caught.value.field == "mobile"


def test_invalid_values_are_refused(service: SimulatedService) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.start_contact_change(MARTINE, Channel.EMAIL, "pas-une-adresse")
    assert caught.value.field == "email"
    with pytest.raises(InvalidInput) as caught:
        service.start_contact_change(MARTINE, Channel.SMS, "01 23 45 67 89")
    assert caught.value.field == "mobile"
    with pytest.raises(InvalidInput) as caught:
        service.start_contact_change(MARTINE, Channel.COURRIER, "1 rue de la Paix")
    assert caught.value.field == "channel"
    with pytest.raises(InvalidInput) as caught:
        service.verify_contact_code(MARTINE, Channel.EMAIL, "12ab")
    assert caught.value.field == "code"


def test_three_attempts_then_none(service: SimulatedService) -> None:
    start_email(service)
    code = last_code(service)
    assert code is not None
    for left in (2, 1, 0):
        with pytest.raises(OtpInvalid) as caught:
            service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(code))
        assert caught.value.attempts_left == left
    assert caught.value.message == t.OTP_NO_ATTEMPTS_LEFT
    with pytest.raises(OtpInvalid):  # even the right code, once the attempts are spent
        service.verify_contact_code(MARTINE, Channel.EMAIL, code)
    assert service.get_person(MARTINE).email != NEW_EMAIL


def test_wrong_code_message_says_how_many_attempts_are_left(service: SimulatedService) -> None:
    start_email(service)
    code = last_code(service)
    assert code is not None
    with pytest.raises(OtpInvalid) as caught:
        service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(code))
    assert caught.value.message.endswith("Il vous reste 2 essais.")
    with pytest.raises(OtpInvalid) as caught:
        service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(code))
    assert caught.value.message.endswith("Il vous reste 1 essai.")  # singular, no "(s)"


def test_code_expires_after_10_minutes(service: SimulatedService, clock: FakeClock) -> None:
    start_email(service)
    code = last_code(service)
    assert code is not None
    clock.advance(minutes=10)
    with pytest.raises(OtpExpired) as caught:
        service.verify_contact_code(MARTINE, Channel.EMAIL, code)
    assert "10 minutes" in caught.value.message


def test_resend_waits_30_seconds_and_gives_a_fresh_code(
    service: SimulatedService, clock: FakeClock
) -> None:
    start_email(service)
    first = last_code(service)
    assert first is not None
    with pytest.raises(OtpInvalid):
        service.verify_contact_code(MARTINE, Channel.EMAIL, wrong(first))
    clock.advance(seconds=20)
    with pytest.raises(ResendTooSoon) as caught:
        service.resend_contact_code(MARTINE, Channel.EMAIL)
    assert caught.value.wait_seconds == 10
    assert "10 secondes" in caught.value.message
    with pytest.raises(ResendTooSoon):  # starting again is no way round the wait
        start_email(service)
    clock.advance(seconds=10)
    again = service.resend_contact_code(MARTINE, Channel.EMAIL)
    second = last_code(service)
    assert second is not None and again.to == NEW_EMAIL
    if second != first:  # one chance in a million that the fresh code is the same
        with pytest.raises(OtpInvalid) as caught_old:
            service.verify_contact_code(MARTINE, Channel.EMAIL, first)
        assert caught_old.value.attempts_left == 2  # attempts were reset by the resend
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, second).email == NEW_EMAIL


def test_resend_after_expiry_is_allowed(service: SimulatedService, clock: FakeClock) -> None:
    start_email(service)
    clock.advance(minutes=11)
    service.resend_contact_code(MARTINE, Channel.EMAIL)
    code = last_code(service)
    assert code is not None
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, code).email == NEW_EMAIL


def test_nothing_pending(service: SimulatedService) -> None:
    with pytest.raises(NoPendingCode):
        service.resend_contact_code(MARTINE, Channel.SMS)
    with pytest.raises(NoPendingCode):
        service.verify_contact_code(MARTINE, Channel.SMS, "123456")


def test_email_and_mobile_are_pending_separately(service: SimulatedService) -> None:
    start_email(service)
    email_code = last_code(service)
    service.start_contact_change(MARTINE, Channel.SMS, "0611121314")
    sms_code = last_code(service)
    assert email_code and sms_code
    assert service.verify_contact_code(MARTINE, Channel.SMS, sms_code).mobile == "+33611121314"
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, email_code).email == NEW_EMAIL


def test_delivery_failure_keeps_the_pending_code(
    service: SimulatedService, clock: FakeClock
) -> None:
    start_email(service)
    code = last_code(service)
    assert code is not None
    clock.advance(seconds=31)
    service.delivery.fail_next = 1
    with pytest.raises(DeliveryFailed):
        service.resend_contact_code(MARTINE, Channel.EMAIL)
    assert service.verify_contact_code(MARTINE, Channel.EMAIL, code).email == NEW_EMAIL
