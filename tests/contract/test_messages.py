"""``MessageFeed``: the simulated messages of a session reach its subscribers, and only them;
nothing of them comes back in what the person-facing methods return."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from mes_tui.models import CardType, Channel
from mes_tui.services.api import Challenge, CodeSent, MessageFeed, OutboxMessage
from tests.contract.conftest import KARIM, MARTINE, Backend

NEW_EMAIL = "martine.nouvelle@exemple.fr"


def test_a_message_sent_reaches_a_subscriber(backend: Backend, feed: MessageFeed) -> None:
    ticket = backend.ticket()
    heard: list[OutboxMessage] = []
    feed.subscribe(heard.append)
    challenge = backend.service.start_contact_change(ticket, MARTINE, Channel.EMAIL, NEW_EMAIL)
    (message,) = heard
    assert (message.channel, message.to, message.purpose) == (
        Channel.EMAIL,
        NEW_EMAIL,
        "verification_email",
    )
    assert message.code is not None and message.code in message.body
    assert challenge.to == NEW_EMAIL and challenge.sent_at <= challenge.expires_at
    # What the person received is what the back office checks.
    verified = backend.service.verify_contact_code(ticket, MARTINE, Channel.EMAIL, message.code)
    assert verified.email == NEW_EMAIL


def test_a_new_provisional_code_reaches_a_subscriber(backend: Backend, feed: MessageFeed) -> None:
    heard: list[OutboxMessage] = []
    feed.subscribe(heard.append)
    sent = backend.service.request_provisional_code(
        MARTINE[:13], date(1976, 6, 16), CardType.SANS_PHOTO, "01024576124"
    )
    (message,) = heard
    assert message.purpose == "code_provisoire" and message.channel is Channel.EMAIL
    assert sent.masked_to == "dlf*****@atos.net"
    assert message.code is not None
    identified = backend.service.identify(message.code, MARTINE, CardType.SANS_PHOTO, "01024576124")
    assert identified.person.nir == MARTINE


def test_nothing_after_unsubscribing(backend: Backend, feed: MessageFeed) -> None:
    ticket = backend.ticket()
    heard: list[OutboxMessage] = []
    kept: list[OutboxMessage] = []
    unsubscribe = feed.subscribe(heard.append)
    feed.subscribe(kept.append)
    unsubscribe()
    backend.service.start_contact_change(ticket, MARTINE, Channel.SMS, "06 11 12 13 14")
    assert heard == []
    assert len(kept) == 1  # the other listener still hears
    unsubscribe()  # twice: nothing more happens


def test_nothing_from_another_session(backend: Backend, feed: MessageFeed) -> None:
    heard: list[OutboxMessage] = []
    feed.subscribe(heard.append)
    other, other_feed = backend.new_session()
    assert other_feed is not None
    theirs: list[OutboxMessage] = []
    other_feed.subscribe(theirs.append)
    other.start_contact_change(
        backend.ticket(KARIM, other), KARIM, Channel.EMAIL, "karim.nouveau@exemple.fr"
    )
    assert heard == []
    assert [m.to for m in theirs] == ["karim.nouveau@exemple.fr"]


def test_a_listener_that_fails_does_not_fail_the_call(backend: Backend, feed: MessageFeed) -> None:
    ticket = backend.ticket()
    heard: list[OutboxMessage] = []

    def broken(message: OutboxMessage) -> None:
        raise RuntimeError("the screen is gone")

    feed.subscribe(broken)
    feed.subscribe(heard.append)
    challenge = backend.service.start_contact_change(ticket, MARTINE, Channel.EMAIL, NEW_EMAIL)
    assert challenge.to == NEW_EMAIL
    assert len(heard) == 1


@pytest.mark.parametrize("shape", [CodeSent, Challenge])
def test_what_the_methods_return_carries_no_message(shape: type) -> None:
    """A remote back office sends its messages on the network: nothing of them (the code in
    clear) is part of the interface's answers."""
    names = {field.name for field in dataclasses.fields(shape)}
    assert "message" not in names
    assert not any(
        field.type in ("OutboxMessage", OutboxMessage) for field in dataclasses.fields(shape)
    )


def test_prepare_readies_the_session_and_changes_nothing(backend: Backend) -> None:
    ticket = backend.ticket()
    before = backend.service.get_person(ticket, MARTINE)
    backend.service.prepare()
    backend.service.prepare()
    assert backend.service.get_person(ticket, MARTINE) == before
