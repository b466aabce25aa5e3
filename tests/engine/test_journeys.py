"""Whole journeys through the engine, without any front end: every branch, each refusal, and
where it leads. The screens and the plain mode show these outcomes; their own tests check
they show them the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mes_tui.engine import CodeRequest, Done, Go, Journey, Offer, Refused, refusal
from mes_tui.journey import Branch, Step
from mes_tui.models import CardType, Channel, Status
from mes_tui.services import SimulatedService, TicketedService
from mes_tui.services import demo as d
from mes_tui.services import errors as e
from mes_tui.services.clock import FakeClock
from tests.simulation import admin
from tests.unit.conftest import MARTINE, MARTINE_CODE, MARTINE_SERIAL

SANS, AVEC = CardType.SANS_PHOTO, CardType.AVEC_PHOTO
PASSWORD = "Vert&Olive2024"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def journey(service: SimulatedService) -> Journey:
    return Journey(TicketedService(service))


def last_code(service: SimulatedService, to: str) -> str:
    code = [m.code for m in admin(service).outbox() if m.to == to][-1]
    assert code is not None
    return code


def identified_martine(journey: Journey) -> Journey:
    assert journey.start(Branch.ACTIVATION) == Go(Step.IDENTIFY, Branch.ACTIVATION)
    outcome = journey.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert outcome == Go(Step.DECISION, Branch.ACTIVATION, fresh=True)
    return journey


# -- whole journeys ---------------------------------------------------------------------------
def test_activation_with_an_email_change_and_a_mobile(
    journey: Journey, service: SimulatedService
) -> None:
    identified_martine(journey)
    assert (
        journey.session.person is not None and journey.session.person.first_name == "Martine Julie"
    )
    assert journey.decide(Branch.ACTIVATION, accepted_terms=True) == Go(
        Step.CONTACTS, Branch.ACTIVATION
    )
    sent = journey.start_contact_change(Channel.EMAIL, "martine.nouvelle@example.fr")
    assert isinstance(sent, Done)
    verified = journey.verify_contact_code(
        Channel.EMAIL, last_code(service, "martine.nouvelle@example.fr")
    )
    assert isinstance(verified, Done) and verified.value.email == "martine.nouvelle@example.fr"
    assert isinstance(journey.start_contact_change(Channel.SMS, "06 11 12 13 14"), Done)
    verified = journey.verify_contact_code(Channel.SMS, last_code(service, "+33611121314"))
    assert isinstance(verified, Done) and verified.value.mobile == "+33611121314"
    assert journey.session.person is verified.value
    assert journey.contacts_done() == Go(Step.CREDENTIALS, Branch.ACTIVATION)
    check = journey.check_identifier("martine.leguellec")
    assert isinstance(check, Done) and check.value.available
    assert journey.activate("martine.leguellec", PASSWORD) == Go(
        Step.ACTIVATED, Branch.ACTIVATION, fresh=True
    )
    assert service.get_person(MARTINE).status is Status.ACTIVE
    assert journey.session.identifier == "martine.leguellec"


def test_opposition_with_its_receipt(
    journey: Journey, service: SimulatedService, tmp_path: Path
) -> None:
    identified_martine(journey)
    assert journey.decide(Branch.OPPOSITION, accepted_terms=False) == Go(
        Step.OPPOSE_CONFIRM, Branch.OPPOSITION
    )
    assert journey.oppose() == Go(Step.OPPOSED, Branch.OPPOSITION, fresh=True)
    assert journey.person.status is Status.OPPOSEE  # read again after the decision
    saved = journey.save_receipt(MARTINE, tmp_path)
    assert isinstance(saved, Done) and saved.value.read_bytes().startswith(b"%PDF")
    again = journey.save_receipt(MARTINE, tmp_path)
    assert isinstance(again, Refused) and again.go is None and "une fois" in again.message


def test_a_card_with_a_photo(journey: Journey) -> None:
    assert journey.identify("Kb6zQ9wEr4Tn", d.KARIM, AVEC, "04512378906") == Go(
        Step.DECISION, Branch.ACTIVATION, fresh=True
    )
    assert journey.session.card_type is AVEC


def test_a_new_provisional_code_then_the_identification(
    journey: Journey, service: SimulatedService
) -> None:
    assert journey.start(Branch.NEW_CODE) == Go(Step.NEW_CODE, Branch.NEW_CODE)
    born = service.get_person(MARTINE).birth_date
    request = CodeRequest(MARTINE[:13], born, SANS, MARTINE_SERIAL)
    found = journey.find_code_recipient(request)
    assert isinstance(found, Go) and found.step is Step.CODE_DELIVERY
    assert found.notice is not None and "@" in found.notice and "*" in found.notice  # masked
    sent = journey.send_new_code()
    assert isinstance(sent, Go) and (sent.step, sent.fresh) == (Step.IDENTIFY, True)
    assert sent.notice is not None and "Un nouveau code provisoire" in sent.notice
    code = [m.code for m in admin(service).outbox() if m.purpose == "code_provisoire"][-1]
    assert code is not None
    assert journey.identify(code, MARTINE, SANS, MARTINE_SERIAL) == Go(
        Step.DECISION, Branch.ACTIVATION, fresh=True
    )


def test_sign_in_and_a_profile_decision(journey: Journey) -> None:
    assert journey.login("lucas.petit", d.DEMO_PASSWORD) == Go(
        Step.HOME, Branch.ACTIVATION, fresh=True
    )
    assert journey.session.identifier == "lucas.petit"


def test_profiles_a_minor_needs_the_legal_representative_statement(journey: Journey) -> None:
    identified_martine(journey)
    refused = journey.decide_profile(d.BRIGITTE, Status.OPPOSEE, Status.EN_ATTENTE)
    assert isinstance(refused, Refused) and refused.go is None
    done = journey.decide_profile(d.BRIGITTE, Status.OPPOSEE, Status.EN_ATTENTE, certified=True)
    assert isinstance(done, Done) and done.value.status is Status.OPPOSEE
    brigitte = next(p for p in journey.person.profiles if p.nir == d.BRIGITTE)
    assert brigitte.status is Status.OPPOSEE  # the holder read again


def test_a_change_of_mind_after_an_opposition(journey: Journey) -> None:
    assert journey.identify("Tl4cN6gHw8Pj", d.THOMAS, AVEC, "09876543210") == Go(
        Step.DECISION, Branch.ACTIVATION, fresh=True
    )
    assert journey.person.status is Status.OPPOSEE
    assert journey.decide(Branch.ACTIVATION, accepted_terms=True).step is Step.CONTACTS  # type: ignore[union-attr]


# -- refusals, and where they lead --------------------------------------------------------------
def test_a_failed_identification_offers_a_new_code(journey: Journey) -> None:
    outcome = journey.identify("AAAAAAAAAAAA", MARTINE, SANS, MARTINE_SERIAL)
    assert isinstance(outcome, Refused)
    assert outcome.go is None and outcome.field is None
    assert outcome.offers == (Offer.NEW_CODE, Offer.WELCOME)
    assert journey.session.person is None


def test_a_locked_identification_says_how_long(journey: Journey) -> None:
    outcome = journey.identify("Sr3mV7bXq9Lk", d.SOPHIE, SANS, "01357924680")
    assert isinstance(outcome, Refused) and outcome.go is None
    assert "heure" in outcome.message or "minute" in outcome.message
    assert Offer.NEW_CODE in outcome.offers


def test_a_bad_field_is_named(journey: Journey) -> None:
    outcome = journey.identify("court", MARTINE, SANS, MARTINE_SERIAL)
    assert isinstance(outcome, Refused) and outcome.field == "code"


def test_once_active_the_provisional_code_is_spent(
    journey: Journey, service: SimulatedService
) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    assert isinstance(journey.activate("martine.leguellec", PASSWORD), Go)
    again = Journey(TicketedService(service))
    outcome = again.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert isinstance(outcome, Refused) and Offer.NEW_CODE in outcome.offers
    assert again.session.person is None


def test_the_decision_needs_a_choice_and_the_conditions(journey: Journey) -> None:
    identified_martine(journey)
    assert journey.decide(None, accepted_terms=True) == Refused(
        journey.decide(None, accepted_terms=True).message,  # type: ignore[union-attr]
        field="decision",
    )
    refused = journey.decide(Branch.ACTIVATION, accepted_terms=False)
    assert isinstance(refused, Refused) and refused.field == "terms" and refused.go is None


def test_someone_decided_meanwhile_back_to_the_decision_as_it_stands(
    journey: Journey, service: SimulatedService
) -> None:
    identified_martine(journey)
    journey.decide(Branch.OPPOSITION, accepted_terms=False)
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)  # another session
    outcome = journey.oppose()
    assert isinstance(outcome, Refused)
    assert outcome.go == Go(Step.DECISION, Branch.ACTIVATION, fresh=True)
    assert journey.person.status is Status.OPPOSEE  # what the registry holds


def test_conditions_refused_by_the_back_office_lead_to_the_decision(journey: Journey) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    journey.session.accepted_terms = False  # as if the box were unticked on the way back
    outcome = journey.activate("martine.leguellec", PASSWORD)
    assert isinstance(outcome, Refused)
    assert outcome.field == "terms" and outcome.go == Go(Step.DECISION, Branch.ACTIVATION)


def test_a_taken_identifier_and_a_weak_password(journey: Journey) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    taken = journey.activate("lucas.petit", PASSWORD)
    assert isinstance(taken, Refused) and taken.field == "identifier" and taken.suggestions
    assert "lucas.petit" not in taken.suggestions
    weak = journey.activate("martine.leguellec", "motdepasse")
    assert isinstance(weak, Refused) and weak.field == "password"


def test_activated_elsewhere_meanwhile_goes_back_to_the_welcome_page(
    journey: Journey, service: SimulatedService
) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    service.activate(
        MARTINE,
        "martine.ailleurs",
        PASSWORD,
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    outcome = journey.activate("martine.leguellec", PASSWORD)
    assert isinstance(outcome, Refused) and outcome.go is not None
    assert outcome.go.step is Step.WELCOME and journey.session.person is None


def test_opposed_elsewhere_meanwhile_the_activation_shows_the_decision(
    journey: Journey, service: SimulatedService, new_session: Callable[[], SimulatedService]
) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    new_session().oppose(MARTINE, expected=Status.EN_ATTENTE)  # another desk
    outcome = journey.activate("martine.leguellec", PASSWORD)
    assert isinstance(outcome, Refused)
    assert outcome.go == Go(Step.DECISION, Branch.ACTIVATION, fresh=True)
    assert "Une décision a déjà été enregistrée" in outcome.message
    assert journey.person.status is Status.OPPOSEE  # what the registry holds, read again
    assert service.get_person(MARTINE).identifier is None  # nothing of the activation


# -- the simulated messages and the receipt folder --------------------------------------------
def test_given_a_feed_the_journey_keeps_the_messages_of_its_session(
    service: SimulatedService, new_session: Callable[[], SimulatedService]
) -> None:
    journey = Journey(TicketedService(service), messages=service.feed)
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    assert journey.session.messages == []
    journey.start_contact_change(Channel.EMAIL, "martine.nouvelle@example.fr")
    (message,) = journey.session.messages
    assert message.to == "martine.nouvelle@example.fr" and message.purpose == "verification_email"
    new_session().start_contact_change(d.KARIM, Channel.EMAIL, "karim@example.fr")  # not ours
    assert len(journey.session.messages) == 1
    journey.wipe()  # the next person: nothing of the last one's messages
    assert journey.session.messages == []
    service.start_contact_change(MARTINE, Channel.SMS, "06 11 12 13 14")
    assert [m.to for m in journey.session.messages] == ["+33611121314"]
    journey.close()
    service.start_contact_change(d.KARIM, Channel.SMS, "06 22 33 44 55")
    assert len(journey.session.messages) == 1


def test_without_a_feed_no_message_is_kept(journey: Journey) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    sent = journey.start_contact_change(Channel.EMAIL, "martine.nouvelle@example.fr")
    assert isinstance(sent, Done) and not hasattr(sent.value, "message")
    assert journey.session.messages == []


def test_receipts_go_where_the_front_end_says(service: SimulatedService, tmp_path: Path) -> None:
    from mes_tui.receipt_writer import ReceiptWriter

    journey = Journey(
        TicketedService(service), receipts=ReceiptWriter(tmp_path / "recus", (tmp_path / "ok",))
    )
    assert journey.default_receipts_dir() == tmp_path / "recus"
    identified_martine(journey)
    journey.decide(Branch.OPPOSITION, accepted_terms=False)
    journey.oppose()
    outside = journey.save_receipt(MARTINE, tmp_path / "ailleurs")
    assert isinstance(outside, Refused) and outside.field == "folder"
    saved = journey.save_receipt(MARTINE, None)
    assert isinstance(saved, Done) and saved.value.parent == tmp_path / "recus"
    # Without a writer of its own: the data folder's, as MES_TUI_DATA_DIR says.
    assert (
        Journey(TicketedService(service)).default_receipts_dir()
        == tmp_path / "data" / "justificatifs"
    )


def test_a_wrong_one_time_code_stays_on_the_code(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    identified_martine(journey)
    journey.start_contact_change(Channel.SMS, "0611121314")
    wrong = journey.verify_contact_code(Channel.SMS, "000000")
    assert isinstance(wrong, Refused) and wrong.field == "otp" and wrong.go is None
    clock.advance(minutes=11)
    expired = journey.verify_contact_code(Channel.SMS, last_code(service, "+33611121314"))
    assert isinstance(expired, Refused) and expired.field == "otp"


def test_no_code_under_way_goes_back_to_the_summary(journey: Journey) -> None:
    identified_martine(journey)
    outcome = journey.resend_contact_code(Channel.SMS)
    assert isinstance(outcome, Refused)
    assert outcome.go == Go(Step.CONTACTS, Branch.ACTIVATION)


def test_a_change_verified_elsewhere_shows_on_the_summary_it_leads_back_to(
    journey: Journey, service: SimulatedService
) -> None:
    identified_martine(journey)
    assert isinstance(journey.start_contact_change(Channel.EMAIL, "martine@exemple.fr"), Done)
    code = last_code(service, "martine@exemple.fr")
    service.verify_contact_code(MARTINE, Channel.EMAIL, code)  # at another desk, meanwhile
    outcome = journey.verify_contact_code(Channel.EMAIL, code)
    assert isinstance(outcome, Refused)
    assert outcome.go == Go(Step.CONTACTS, Branch.ACTIVATION)
    assert journey.person.email == "martine@exemple.fr"  # as the registry now has it


def test_a_failed_new_code_request_stays_on_its_form(journey: Journey) -> None:
    request = CodeRequest(MARTINE[:13], date(1950, 1, 1), SANS, MARTINE_SERIAL)
    outcome = journey.find_code_recipient(request)
    assert isinstance(outcome, Refused) and outcome.go is None and journey.code_request is None
    no_email = CodeRequest(d.JEANNE[:13], date(1965, 3, 12), SANS, "01987654321")
    outcome = journey.find_code_recipient(no_email)
    assert isinstance(outcome, Refused)


def test_a_failed_sign_in_stays(journey: Journey) -> None:
    outcome = journey.login("lucas.petit", "Mauvais&Mot2024")
    assert isinstance(outcome, Refused) and outcome.go is None
    assert journey.session.person is None


@pytest.mark.parametrize(
    ("error", "step", "go", "field"),
    [
        (e.StorageBusy(), Step.IDENTIFY, None, None),
        (e.DeliveryFailed(), Step.CONTACTS, None, None),
        (e.KeyMissing("/x"), Step.IDENTIFY, None, None),
        (e.UnknownPerson(), Step.CREDENTIALS, Step.WELCOME, None),
        (e.ResendTooSoon(20), Step.CONTACTS, None, "otp"),
        (e.PasswordRejected(["trop court"]), Step.CREDENTIALS, None, "password"),
        (e.TicketRefused(), Step.CONTACTS, Step.WELCOME, None),
    ],
)
def test_the_table_of_refusals(
    error: e.ServiceError, step: Step, go: Step | None, field: str | None
) -> None:
    outcome = refusal(error, step)
    assert (outcome.go.step if outcome.go else None, outcome.field) == (go, field)
    assert outcome.message


def test_bounds_on_one_time_codes_keep_the_code_or_lead_back_to_the_summary(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    from mes_tui.services import rules

    identified_martine(journey)
    journey.start_contact_change(Channel.SMS, "0611121314")
    outcome: Done[object] | Refused = Done(None)
    for attempt in range(rules.OTP_FAILURES_PER_CHANGE):
        if attempt == rules.OTP_ATTEMPTS:  # this code has no attempt left: another one
            clock.advance(seconds=31)
            assert isinstance(journey.resend_contact_code(Channel.SMS), Done)
        outcome = journey.verify_contact_code(Channel.SMS, "000000")
    assert isinstance(outcome, Refused)
    assert outcome.go == Go(Step.CONTACTS, Branch.ACTIVATION) and "minutes" in outcome.message


def test_wipe_forgets_the_person(journey: Journey) -> None:
    identified_martine(journey)
    ticket = journey.session.ticket
    assert ticket is not None
    journey.wipe()
    assert journey.session.person is None and journey.code_request is None
    assert journey.session.ticket is None
    with pytest.raises(e.TicketRefused):  # revoked, not only forgotten
        journey.service.get_person(ticket, MARTINE)


# -- the ticket of the identification -----------------------------------------------------------
def lapsed(journey: Journey, clock: FakeClock) -> None:
    """The person left the journey alone past the ticket's idle time."""
    from mes_tui.services import rules

    clock.advance(seconds=rules.TICKET_IDLE.total_seconds())


def back_to_welcome(journey: Journey, outcome: object) -> None:
    from mes_tui.texts import service as ts

    assert outcome == Refused(ts.TICKET_REFUSED, go=Go(Step.WELCOME, Branch.ACTIVATION, fresh=True))
    assert journey.session.person is None and journey.session.ticket is None


def test_a_ticket_lapsed_before_the_activation_leads_to_the_welcome_page_nothing_recorded(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    identified_martine(journey)
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    assert isinstance(journey.check_identifier("martine.leguellec"), Done)
    lapsed(journey, clock)
    back_to_welcome(journey, journey.activate("martine.leguellec", PASSWORD))
    person = service.get_person(MARTINE)
    assert person.status is Status.EN_ATTENTE and person.identifier is None


def test_a_ticket_lapsed_before_the_opposition_records_nothing(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    identified_martine(journey)
    journey.decide(Branch.OPPOSITION, accepted_terms=False)
    lapsed(journey, clock)
    back_to_welcome(journey, journey.oppose())
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE


def test_a_ticket_lapsed_during_a_contact_change_keeps_the_old_address(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    identified_martine(journey)
    journey.start_contact_change(Channel.SMS, "0611121314")
    code = last_code(service, "+33611121314")
    lapsed(journey, clock)
    back_to_welcome(journey, journey.verify_contact_code(Channel.SMS, code))
    assert service.get_person(MARTINE).mobile is None


def test_a_ticket_lapsed_on_the_home_page_leaves_the_profile_as_it_was(
    journey: Journey, service: SimulatedService, clock: FakeClock
) -> None:
    identified_martine(journey)
    lapsed(journey, clock)
    back_to_welcome(
        journey, journey.decide_profile(d.JEAN_JACQUES, Status.OPPOSEE, Status.EN_ATTENTE)
    )
    assert service.get_person(d.JEAN_JACQUES).status is Status.EN_ATTENTE


def test_a_ticket_lapsed_before_the_receipt_keeps_it_for_later(
    journey: Journey, service: SimulatedService, clock: FakeClock, tmp_path: Path
) -> None:
    identified_martine(journey)
    journey.decide(Branch.OPPOSITION, accepted_terms=False)
    journey.oppose()
    lapsed(journey, clock)
    back_to_welcome(journey, journey.save_receipt(MARTINE, tmp_path / "recus"))
    assert not (tmp_path / "recus").exists()
    assert service.receipt(MARTINE).data.startswith(b"%PDF")  # not lost: it can be asked again


def test_going_back_to_the_identification_revokes_the_ticket(journey: Journey) -> None:
    identified_martine(journey)
    ticket = journey.session.ticket
    journey.back(Step.DECISION)
    assert journey.session.ticket is None
    with pytest.raises(e.TicketRefused):
        journey.service.get_person(ticket, MARTINE)


def test_a_new_sign_in_revokes_the_ticket_before(journey: Journey) -> None:
    identified_martine(journey)
    before = journey.session.ticket
    assert journey.login("lucas.petit", d.DEMO_PASSWORD).step is Step.HOME  # type: ignore[union-attr]
    assert journey.session.ticket not in (None, before)
    with pytest.raises(e.TicketRefused):
        journey.service.get_person(before, MARTINE)


# -- ways on that ask nothing of the back office -----------------------------------------------
def test_going_back_follows_the_branch_then_the_welcome_page(journey: Journey) -> None:
    identified_martine(journey)
    journey.decide(Branch.OPPOSITION, accepted_terms=False)
    assert journey.back(Step.OPPOSE_CONFIRM) == Go(Step.DECISION, Branch.OPPOSITION)
    assert journey.chosen_decision() is Branch.OPPOSITION
    assert journey.back(Step.DECISION) == Go(Step.IDENTIFY, Branch.OPPOSITION)
    assert journey.session.person is None  # identified again, from nothing
    assert journey.back(Step.IDENTIFY) == Go(Step.WELCOME, Branch.ACTIVATION, fresh=True)
    assert journey.back(Step.LOGIN).step is Step.WELCOME


def test_a_new_code_asked_from_the_identification_goes_back_there(journey: Journey) -> None:
    refused = journey.identify("AAAAAAAAAAAA", MARTINE, SANS, MARTINE_SERIAL)
    assert isinstance(refused, Refused) and Offer.NEW_CODE in refused.offers
    assert journey.take(Offer.NEW_CODE, Step.IDENTIFY) == Go(Step.NEW_CODE, Branch.NEW_CODE)
    assert journey.back(Step.CODE_DELIVERY) == Go(Step.NEW_CODE, Branch.NEW_CODE)
    assert journey.back(Step.NEW_CODE) == Go(Step.IDENTIFY, Branch.ACTIVATION)
    journey.wipe()
    journey.start(Branch.NEW_CODE)  # from the welcome page: back there
    assert journey.back(Step.NEW_CODE).step is Step.WELCOME


def test_the_welcome_page_forgets_the_person(journey: Journey) -> None:
    identified_martine(journey)
    assert journey.take(Offer.WELCOME, Step.DECISION) == Go(
        Step.WELCOME, Branch.ACTIVATION, fresh=True
    )
    assert journey.session.person is None
    assert journey.to_login() == Go(Step.LOGIN, Branch.ACTIVATION)


def test_the_decision_shown_when_coming_back(journey: Journey) -> None:
    identified_martine(journey)
    assert journey.chosen_decision() is None
    journey.decide(Branch.ACTIVATION, accepted_terms=False)
    assert journey.chosen_decision() is None  # the conditions were not accepted
    journey.decide(Branch.ACTIVATION, accepted_terms=True)
    assert journey.chosen_decision() is Branch.ACTIVATION


def test_a_code_asked_again_too_soon_and_a_receipt_gone_are_told_apart() -> None:
    too_soon = refusal(e.ResendTooSoon(20), Step.CONTACTS)
    assert too_soon.too_soon and not too_soon.gone
    wrong = refusal(e.OtpInvalid(2), Step.CONTACTS)
    assert not wrong.too_soon and not wrong.gone
    gone = refusal(e.ReceiptUnavailable(), Step.OPPOSED)
    assert gone.gone and gone.go is None and gone.field is None
