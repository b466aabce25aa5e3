"""The engine's table of refusals (``mes_tui.engine``), row by row, in the plain mode: where
each refusal leads and what the person reads. Rows met elsewhere: waits and lockouts from
failures (test_throttle.py), a failed identification or new-code request, a wrong one-time
code, too many wrong codes, a decision taken meanwhile and a taken identifier at the check
(test_plain.py). A password the back office refuses is not met here: plain mode checks the
same rules before sending it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mes_tui.models import CardType, Channel, Status
from mes_tui.services import SimulatedService, rules
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import StorageBusy, TermsNotAccepted
from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import credentials as tcred
from mes_tui.texts import decision as tdecision
from mes_tui.texts import identification as tident
from mes_tui.texts import new_code as tnew
from mes_tui.texts import plain as tplain
from mes_tui.texts import profile as tprofile
from mes_tui.texts import service as ts
from mes_tui.texts import vitale as tvitale
from tests.functional.test_plain import (
    MARTINE,
    PASSWORD,
    Answer,
    converse,
    identify_martine,
    identify_sophie,
    last_code,
    quit_at_welcome,
    ways_on,
)
from tests.simulation import admin, save_receipt

ERROR = "Erreur : "
Script = list[tuple[str, Answer]]


def to_contacts() -> Script:
    return [*identify_martine(), (tdecision.CHOICE_LABEL, "1"), (tdecision.TERMS, "o")]


def credentials(confirmation: Answer = PASSWORD) -> Script:
    """Up to the activation: ``confirmation`` is the last answer before it."""
    return [
        *to_contacts(),
        ("3. Continuer", "3"),
        (tcred.IDENTIFIER_LABEL, "martine.leguellec"),
        (tcred.IDENTIFIER_FREE, PASSWORD),
        (tcred.CONFIRMATION_LABEL, confirmation),
    ]


def opposed() -> Script:
    """Martine's opposition recorded: the receipt's folder is asked next."""
    return [*identify_martine(), (tdecision.CHOICE_LABEL, "2"), (tplain.OPPOSE_QUESTION, "o")]


def meanwhile(action: Callable[[], object], answer: str) -> Callable[[], str]:
    """``answer``, after another session did ``action``."""

    def then() -> str:
        action()
        return answer

    return then


# -- Je m'identifie ---------------------------------------------------------------------------
def test_a_locked_identification_offers_a_new_code_then_back_to_it(
    plain_service: SimulatedService,
) -> None:
    t = converse(
        plain_service,
        [
            *identify_sophie(),
            (ways_on(tident.GENERATE_LINK, tplain.TO_WELCOME), "2"),
            ("Étape 1 sur 2 : Je génère un nouveau code provisoire", "<"),
            # Back where the new code was asked from: the identification, the answers kept.
            ("Étape 1 sur 5 : Je m'identifie", "<"),
            *quit_at_welcome(),
        ],
    )
    assert ERROR + "Trop de tentatives infructueuses" in t
    assert t.code == 0


def test_an_account_already_active_stays_on_the_identification(
    plain_service: SimulatedService,
) -> None:
    # A training registry may hold an activated person who still has a provisional code.
    rows = [entry.as_json() for entry in admin(plain_service).list_registry()]
    lucas = next(row for row in rows if row["nir"] == d.LUCAS)
    lucas["provisional_code"] = "Lp3cT7xWq2Nm"
    admin(plain_service).import_registry(rows)
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "1"),
            (tident.CODE_LABEL, "Lp3cT7xWq2Nm"),
            (tident.NIR_LABEL, d.LUCAS),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, lucas["card_serial"]),
            (ERROR + tident.ALREADY_ACTIVE, "1"),  # correct: the form again
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert ways_on(tplain.TO_WELCOME) in t.out
    assert "Bonjour Lucas" not in t


# -- Je génère un nouveau code provisoire -----------------------------------------------------
def asks_for_a_code(nir: str = MARTINE, born: str = "16/06/1976", serial: str = "") -> Script:
    """From the welcome menu, the new-code form for ``nir`` (Martine's card by default)."""
    return [
        ("Que voulez-vous faire ?", "2"),
        (tnew.NIR_LABEL, nir[:13]),
        (tnew.BIRTH_LABEL, born),
        (tvitale.LABEL, "1"),
        (tvitale.SERIAL_LABEL, serial or "01024576124"),
    ]


def test_no_email_on_file_stays_on_the_new_code_form(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *asks_for_a_code(d.JEANNE, "08/03/1965", "01987654321"),
            (ERROR + ts.NO_EMAIL_ON_FILE, "1"),
            ("défaut : 2 65 03 69 123 045", "<"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert ways_on(tplain.TO_WELCOME) in t.out
    assert all(m.purpose != "code_provisoire" for m in admin(plain_service).outbox())


def test_too_many_requests_today_stay_on_the_new_code_form(
    plain_service: SimulatedService,
) -> None:
    born = plain_service.get_person(MARTINE).birth_date
    for _ in range(3):  # the day's requests, from elsewhere
        plain_service.request_provisional_code(
            MARTINE[:13], born, CardType.SANS_PHOTO, "01024576124"
        )
    t = converse(
        plain_service,
        [
            *asks_for_a_code(),
            (ERROR + ts.TOO_MANY_CODE_REQUESTS.format(count=3), "2"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert t.code == 0


def test_a_failed_delivery_asks_again(plain_service: SimulatedService) -> None:
    plain_service.delivery.fail_next = 1
    t = converse(
        plain_service,
        [
            *asks_for_a_code(),
            (tplain.SEND_CODE_QUESTION, "o"),
            (ERROR + ts.DELIVERY_FAILED, "o"),  # the same question: what was typed is kept
            (tnew.SENT.format(to="dlf*****@atos.net"), "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.out.count(tplain.SEND_CODE_QUESTION) == 2
    assert admin(plain_service).outbox()[-1].purpose == "code_provisoire"


# -- Je vérifie mes coordonnées de contact ----------------------------------------------------
def test_the_same_address_again_stays_on_the_field(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *to_contacts(),
            ("1. Modifier l'adresse e-mail", "1"),
            (tcontacts.EMAIL_EDIT_INTRO, "dlfr-cn5-tma-support-cobra@atos.net"),
            (ERROR + ts.CONTACT_SAME, "<"),  # the address is asked again
            ("3. Continuer", "<"),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.out.count("\n" + tcontacts.EMAIL_LABEL + "\n") == 2


def test_a_resend_too_soon_and_an_expired_code_stay_on_the_code(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    def expired_code() -> str:
        code = last_code(plain_service)()
        fake_clock.advance(minutes=11)
        return code

    t = converse(
        plain_service,
        [
            *to_contacts(),
            ("2. Renseigner mon numéro de mobile", "2"),
            (tcontacts.MOBILE_EDIT_TITLE, "06 11 12 13 14"),
            (tcontacts.OTP_LABEL, ""),
            ("2. " + tcontacts.RESEND_LINK, "2"),
            (ERROR + ts.OTP_RESEND_WAIT.format(wait="30 secondes"), expired_code),
            (ERROR + "Ce code a expiré", ""),
            ("2. " + tcontacts.RESEND_LINK, "2"),
            (tcontacts.RESENT_TO_MOBILE.format(to="06 11 12 13 14"), last_code(plain_service)),
            (tcontacts.MOBILE_ADDED, "<"),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.out.count(tcontacts.OTP_LABEL) == 4
    assert plain_service.get_person(MARTINE).mobile == "+33611121314"


def test_codes_used_up_for_a_change_keep_the_code_received(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    def resend_later() -> str:
        fake_clock.advance(seconds=31)
        return "2"

    t = converse(
        plain_service,
        [
            *to_contacts(),
            ("2. Renseigner mon numéro de mobile", "2"),
            (tcontacts.MOBILE_EDIT_TITLE, "06 11 12 13 14"),
            (tcontacts.OTP_LABEL, ""),
            ("2. " + tcontacts.RESEND_LINK, resend_later),
            (tcontacts.RESENT_TO_MOBILE.format(to="06 11 12 13 14"), ""),
            ("2. " + tcontacts.RESEND_LINK, resend_later),
            (tcontacts.RESENT_TO_MOBILE.format(to="06 11 12 13 14"), ""),
            ("2. " + tcontacts.RESEND_LINK, resend_later),
            # No fourth code for this change; the third one still counts.
            (ERROR + "Vous avez déjà demandé 3 codes", last_code(plain_service)),
            (tcontacts.MOBILE_ADDED, "<"),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert tcontacts.BACK_TO_SUMMARY not in t
    assert plain_service.get_person(MARTINE).mobile == "+33611121314"


def test_no_code_under_way_goes_back_to_the_summary(plain_service: SimulatedService) -> None:
    def verified_elsewhere() -> str:
        code = last_code(plain_service)()
        plain_service.verify_contact_code(MARTINE, Channel.EMAIL, code)
        return ""

    t = converse(
        plain_service,
        [
            *to_contacts(),
            ("1. Modifier l'adresse e-mail", "1"),
            (tcontacts.EMAIL_EDIT_INTRO, "martine@exemple.fr"),
            (tcontacts.OTP_LABEL, verified_elsewhere),
            ("2. " + tcontacts.RESEND_LINK, "2"),
            (ERROR + ts.OTP_NONE_PENDING, "<"),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    summary = t.out.split(ts.OTP_NONE_PENDING)[1]
    assert summary.startswith("\n" + tcontacts.BACK_TO_SUMMARY + ".")
    assert tcontacts.CONTINUE in summary


# -- Je choisis mon identifiant et mon mot de passe ------------------------------------------
def test_an_identifier_taken_meanwhile_asks_it_again_with_free_ones(
    plain_service: SimulatedService,
) -> None:
    plain_service.draw = lambda below: 76
    taken = meanwhile(
        lambda: plain_service.activate(
            d.KARIM, "martine.leguellec", PASSWORD, accepted_terms=True, expected=Status.EN_ATTENTE
        ),
        PASSWORD,
    )
    t = converse(
        plain_service,
        [
            *credentials(taken),
            (ERROR + tcred.IDENTIFIER_TAKEN, ""),  # the identifier again, as typed
            (tplain.SUGGESTIONS_LABEL, "1"),
            (tcred.PASSWORD_LABEL, PASSWORD),
            (tcred.CONFIRMATION_LABEL, PASSWORD),
            ("Étape 5 sur 5", "2"),
            *quit_at_welcome(),
        ],
    )
    assert "défaut : martine.leguellec" in t
    assert plain_service.get_person(MARTINE).identifier == "martine.leguellec176"


def test_conditions_refused_by_the_back_office_lead_to_the_decision(
    plain_service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise TermsNotAccepted()

    monkeypatch.setattr(plain_service, "activate", refuse)
    t = converse(
        plain_service,
        [
            *credentials(),
            (ERROR + ts.TERMS_NOT_ACCEPTED, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    after = t.out.split(ts.TERMS_NOT_ACCEPTED)[1]
    assert "Étape 2 sur 5 : Je prends ma décision" in after


def test_activated_elsewhere_meanwhile_goes_back_to_the_welcome_page(
    plain_service: SimulatedService,
) -> None:
    activated = meanwhile(
        lambda: plain_service.activate(
            MARTINE, "martine.ailleurs", PASSWORD, accepted_terms=True, expected=Status.EN_ATTENTE
        ),
        PASSWORD,
    )
    t = converse(
        plain_service,
        [
            *credentials(activated),
            (ERROR + ts.ALREADY_ACTIVE, "4"),
        ],
    )
    assert tplain.BACK_TO_WELCOME in t.out.split(ts.ALREADY_ACTIVE)[1]
    assert t.code == 0  # at the welcome menu: nothing pending
    assert plain_service.get_person(MARTINE).identifier == "martine.ailleurs"


def test_a_session_lapsed_before_the_activation_goes_back_to_the_welcome_page(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    idle = rules.TICKET_IDLE.total_seconds()
    left_alone = meanwhile(lambda: fake_clock.advance(seconds=idle), PASSWORD)
    t = converse(
        plain_service,
        [
            *credentials(left_alone),
            (ERROR + ts.TICKET_REFUSED, "4"),
        ],
    )
    assert tplain.BACK_TO_WELCOME in t.out.split(ts.TICKET_REFUSED)[1]
    assert t.code == 0  # at the welcome menu: nothing pending
    person = plain_service.get_person(MARTINE)
    assert person.status is Status.EN_ATTENTE and person.identifier is None


def test_a_session_lapsed_before_the_opposition_records_nothing(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    idle = rules.TICKET_IDLE.total_seconds()
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, meanwhile(lambda: fake_clock.advance(seconds=idle), "o")),
            (ERROR + ts.TICKET_REFUSED, "4"),
        ],
    )
    assert tplain.BACK_TO_WELCOME in t.out.split(ts.TICKET_REFUSED)[1]
    assert plain_service.get_person(MARTINE).status is Status.EN_ATTENTE


def test_a_busy_registry_keeps_what_was_typed(
    plain_service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    activate = plain_service.activate
    calls: list[object] = []

    def busy_once(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 1:
            raise StorageBusy()
        return activate(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plain_service, "activate", busy_once)
    t = converse(
        plain_service,
        [
            *credentials(),
            (ERROR + ts.STORAGE_BUSY, PASSWORD),  # confirming again retries
            ("Étape 5 sur 5", "2"),
            *quit_at_welcome(),
        ],
    )
    assert t.out.count(tcred.PASSWORD_LABEL) == 1
    assert plain_service.get_person(MARTINE).identifier == "martine.leguellec"


# -- the opposition and the profiles ---------------------------------------------------------
def test_a_receipt_saved_meanwhile_is_said_and_the_person_may_leave(
    plain_service: SimulatedService, tmp_path: Path
) -> None:
    saved = meanwhile(lambda: save_receipt(plain_service, MARTINE, tmp_path), "")
    t = converse(
        plain_service,
        [
            *opposed(),
            ("Dossier d'enregistrement du justificatif", saved),
            (ERROR + ts.RECEIPT_UNAVAILABLE, "2"),
            (tplain.PROFILES_QUESTION, "6"),
            *quit_at_welcome(),
        ],
    )
    assert "Quitter sans enregistrer le justificatif ?" in t.out.split(ts.RECEIPT_UNAVAILABLE)[1]
    assert "Justificatif enregistré" not in t
    assert t.code == 0


def test_a_profile_decided_meanwhile_shows_it_as_it_stands(
    plain_service: SimulatedService,
) -> None:
    decided = meanwhile(
        lambda: plain_service.decide_profile(
            MARTINE, d.JEAN_JACQUES, Status.ACTIVE, expected=Status.EN_ATTENTE
        ),
        "o",
    )
    t = converse(
        plain_service,
        [
            *opposed(),
            ("Dossier d'enregistrement du justificatif", ""),
            (tplain.PROFILES_QUESTION, "2"),
            (tprofile.CHOICE_LABEL, "2"),
            (tprofile.CONFIRM_TITLE.format(name="Jean-Jacques Capanelli"), decided),
            (ERROR + "Une décision a déjà été enregistrée pour ce profil", "6"),
            *quit_at_welcome(),
        ],
    )
    after = t.out.split("Une décision a déjà été enregistrée")[1]
    assert "Jean-Jacques Capanelli : Mon espace santé activé le 28/09/2021" in after
    assert tprofile.RECEIPT_INTRO not in after
