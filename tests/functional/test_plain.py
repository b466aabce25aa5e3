"""The plain, line-by-line mode driven through whole journeys with scripted answers.

Each answer is given only when asked for, after checking that the question just printed is the
one expected, so a script cannot drift out of step with the dialogue; an answer may be computed
at that moment (a one-time code read from the outbox, say).
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mes_tui.backoffice import BackOffice
from mes_tui.models import Status
from mes_tui.plain import run_plain
from mes_tui.receipt_writer import default_receipts_dir
from mes_tui.services import SimulatedService, TicketedService
from mes_tui.services import demo as demo_registry
from mes_tui.services.clock import FakeClock
from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import credentials as tcred
from mes_tui.texts import decision as tdecision
from mes_tui.texts import identification as tident
from mes_tui.texts import new_code as tnew
from mes_tui.texts import plain as tplain
from mes_tui.texts import profile as tprofile
from mes_tui.texts import service as tservice
from mes_tui.texts import validation as tvalid
from mes_tui.texts import vitale as tvitale
from tests.simulation import admin

MARTINE = demo_registry.MARTINE
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_NIR_TYPED = "1 16 30 44 038 016 18"
MARTINE_SERIAL = "01024576124"
PASSWORD = "Zebre!Lune42"

Answer = str | Callable[[], str]


# -- driving the runner ---------------------------------------------------------------------------
@dataclass
class Transcript:
    code: int
    out: str
    err: str

    def __contains__(self, text: str) -> bool:
        return text in self.out


class Dialogue:
    """The input source of the runner: each call checks that ``expect`` appeared since the
    previous answer, then gives the answer; None (end of input) when the script is over."""

    def __init__(self, out: io.StringIO, script: list[tuple[str, Answer]]) -> None:
        self.out = out
        self.script = deque(script)
        self.seen = 0
        self.asked = 0
        self.failure: AssertionError | None = None
        """A mismatch, kept: the runner turns any exception into a one-line message."""

    def __call__(self) -> str | None:
        printed = self.out.getvalue()
        since, self.seen = printed[self.seen :], len(printed)
        if not self.script:
            return None
        expect, answer = self.script.popleft()
        self.asked += 1
        if expect not in since:
            self.failure = AssertionError(
                f"answer {self.asked}: expected {expect!r} before it, the program said:\n"
                f"{since[-1500:]}"
            )
            raise self.failure
        return answer() if callable(answer) else answer


def converse(
    service: SimulatedService, script: list[tuple[str, Answer]], *, show_messages: bool = True
) -> Transcript:
    """Run the plain mode on ``service`` with ``script``; every answer must have been used."""
    out, err = io.StringIO(), io.StringIO()
    dialogue = Dialogue(out, script)
    code = run_plain(
        data_dir=None,
        show_messages=show_messages,
        stdin=dialogue,
        stdout=out,
        stderr=err,
        back_office=BackOffice(service=TicketedService(service), messages=service.feed),
    )
    if dialogue.failure is not None:
        raise dialogue.failure
    assert not dialogue.script, f"unused answers: {list(dialogue.script)}\n{out.getvalue()}"
    transcript = Transcript(code, out.getvalue(), err.getvalue())
    assert "\x1b" not in transcript.out + transcript.err
    return transcript


def last_code(service: SimulatedService) -> Callable[[], str]:
    """The code of the newest simulated message, read when the answer is due."""

    def read() -> str:
        code = admin(service).outbox()[-1].code
        assert code is not None
        return code

    return read


# -- pieces of scripts ----------------------------------------------------------------------------
def identify_martine(code: Answer = MARTINE_CODE) -> list[tuple[str, Answer]]:
    return [
        ("Que voulez-vous faire ?", "1"),
        (tident.CODE_LABEL, code),
        (tident.NIR_LABEL, MARTINE_NIR_TYPED),
        (tvitale.LABEL, "1"),
        (tvitale.SERIAL_HINT_SANS_PHOTO, MARTINE_SERIAL),
    ]


def identify_sophie() -> list[tuple[str, Answer]]:
    """Sophie Roux, whose identification is locked."""
    return [
        ("Que voulez-vous faire ?", "1"),
        (tident.CODE_LABEL, "Sr3mV7bXq9Lk"),
        (tident.NIR_LABEL, demo_registry.SOPHIE),
        (tvitale.LABEL, "1"),
        (tvitale.SERIAL_LABEL, "01357924680"),
    ]


def quit_at_welcome() -> list[tuple[str, Answer]]:
    return [("4. Quitter", "4")]


def ways_on(*offers: str) -> str:
    """The menu after a refusal that keeps the person on the form, as printed: correcting
    first, then ``offers``."""
    ways = (tplain.RETRY_ANSWERS, *offers)
    return "\n".join(f"  {n}. {way}" for n, way in enumerate(ways, start=1))


# -- activation -----------------------------------------------------------------------------------
def test_activation_of_martine_with_a_new_mobile(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tdecision.TERMS, "o"),
            ("Aucun numéro enregistré", "2"),
            (tcontacts.MOBILE_EDIT_TITLE, "06 11 12 13 14"),
            (tcontacts.SENT_TO_MOBILE + "06 11 12 13 14", last_code(plain_service)),
            (tcontacts.MOBILE_ADDED, "3"),
            (tcred.IDENTIFIER_LABEL, "martine.leguellec"),
            (tcred.IDENTIFIER_FREE, "motdepasse"),
            ("Erreur : Le mot de passe ne respecte pas encore", PASSWORD),
            (tcred.CHECKLIST_ALL_MET, PASSWORD),
            ("Étape 5 sur 5", "1"),
            ("Statut : Mon espace santé activé le 28/09/2021", "6"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    for step in (
        "Étape 1 sur 5 : Je m'identifie",
        "Étape 2 sur 5 : Je prends ma décision",
        "Étape 3 sur 5 : Je vérifie mes coordonnées de contact",
        "Étape 3 sur 5 : Je renseigne mon numéro de téléphone mobile",
        "Étape 3 sur 5 : Je valide mon numéro de téléphone mobile",
        "Étape 4 sur 5 : Je choisis mon identifiant et mon mot de passe",
        "Étape 5 sur 5 : Mon espace santé a bien été activé !",
    ):
        assert step in t
    assert "Bonjour Martine !" in t
    assert "Numéro de téléphone mobile : +33 6 11 12 13 14" in t
    assert "Message reçu (simulation) — SMS à 06 11 12 13 14 : Mon espace santé : votre code" in t
    # The checklist after the weak attempt, then after the good one.
    assert "[ ] 1 chiffre (manquant)" in t
    assert "[x] 1 minuscule (respecté)" in t
    assert "Pour me connecter, j'utiliserai mon identifiant : martine.leguellec" in t
    # Secrets are not written back (the code is also the seed's example, in the hint).
    assert f": {MARTINE_CODE}\n" not in t.out
    assert PASSWORD not in t.out
    person = plain_service.get_person(MARTINE)
    assert person.status is Status.ACTIVE
    assert person.mobile == "+33611121314"
    assert person.identifier == "martine.leguellec"


def test_changing_the_email_with_a_wrong_code_then_a_new_one(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    def wait_then_answer(answer: str) -> Callable[[], str]:
        def later() -> str:
            fake_clock.advance(seconds=31)  # a new code can be asked for after 30 seconds
            return answer

        return later

    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tdecision.TERMS, "o"),
            ("1. Modifier l'adresse e-mail", "1"),
            (tcontacts.EMAIL_EDIT_INTRO, "pas une adresse"),
            ("Erreur : " + tvalid.EMAIL_INVALID, "martine@exemple.fr"),
            (tcontacts.SENT_TO_EMAIL + "martine@exemple.fr", "000000"),
            ("Erreur : Le code saisi n'est pas le bon. Il vous reste 2 essais.", ""),
            ("2. " + tcontacts.RESEND_LINK, wait_then_answer("2")),
            (
                tcontacts.RESENT_TO_EMAIL.format(to="martine@exemple.fr"),
                last_code(plain_service),
            ),
            (tcontacts.EMAIL_CHANGED, "3"),
            (tcred.IDENTIFIER_LABEL, "<"),
            ("Adresse e-mail : martine@exemple.fr", "<"),
            (tdecision.CHOICE_LABEL + "\n", "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert t.out.count("Message reçu (simulation) — E-mail à martine@exemple.fr") == 2
    assert plain_service.get_person(MARTINE).email == "martine@exemple.fr"


def test_too_many_wrong_codes_lock_the_change_then_back_to_the_summary(
    plain_service: SimulatedService, fake_clock: FakeClock
) -> None:
    def wrong_code() -> str:
        return f"{(int(last_code(plain_service)()) + 1) % 1_000_000:06d}"

    def resend_later() -> str:
        fake_clock.advance(seconds=31)
        return "2"

    def later(answer: str) -> Callable[[], str]:
        def then() -> str:
            fake_clock.advance(minutes=5)
            return answer

        return then

    locked = (
        "Erreur : Trop de codes erronés (5). Par sécurité, la modification de votre adresse "
        "e-mail est bloquée : réessayez dans {wait}."
    )
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tdecision.TERMS, "o"),
            ("1. Modifier l'adresse e-mail", "1"),
            (tcontacts.EMAIL_EDIT_INTRO, "martine@exemple.fr"),
            (tcontacts.SENT_TO_EMAIL + "martine@exemple.fr", wrong_code),
            ("Il vous reste 2 essais.", wrong_code),
            ("Il vous reste 1 essai.", wrong_code),
            # Stays on the code (the engine's table): Enter alone opens the other choices.
            (tservice.OTP_NO_ATTEMPTS_LEFT, ""),
            ("2. " + tcontacts.RESEND_LINK, resend_later),
            (tcontacts.RESENT_TO_EMAIL.format(to="martine@exemple.fr"), wrong_code),
            ("Il vous reste 2 essais.", wrong_code),
            # Why and how long, after the code refused; then back to the summary.
            (locked.format(wait="15 minutes"), later("1")),
            (tcontacts.EMAIL_EDIT_INTRO, "autre@exemple.fr"),
            (locked.format(wait="10 minutes"), "3"),
            (tcred.IDENTIFIER_LABEL, "<"),
            ("Adresse e-mail : dlfr-cn5-tma-support-cobra@atos.net", "<"),
            (tdecision.CHOICE_LABEL + "\n", "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert t.out.count("continuer sans modifier votre adresse e-mail.") == 2
    assert t.out.count(tcontacts.BACK_TO_SUMMARY + ".") == 2
    assert t.out.count("Message reçu (simulation) — E-mail à martine@exemple.fr") == 2
    assert "E-mail à autre@exemple.fr" not in t.out
    assert plain_service.get_person(MARTINE).email == "dlfr-cn5-tma-support-cobra@atos.net"


def test_a_taken_identifier_offers_free_ones(plain_service: SimulatedService) -> None:
    plain_service.draw = lambda below: 76  # the random digits after the identifier: 176
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tdecision.TERMS, "o"),
            ("3. Continuer", ""),
            (tcred.IDENTIFIER_LABEL, "lucas.petit"),
            (tplain.SUGGESTIONS_LABEL, "1"),
            (tcred.SUGGESTION_CHOSEN.format(identifier="lucas.petit176"), PASSWORD),
            (tcred.CONFIRMATION_LABEL, "Autre!Chose99"),
            ("Erreur : " + tvalid.PASSWORD_MISMATCH, PASSWORD),
            ("Étape 5 sur 5", "2"),
            *quit_at_welcome(),
        ],
    )
    assert "Erreur : " + tcred.IDENTIFIER_TAKEN in t
    assert "  1. Utiliser « lucas.petit176 »" in t
    assert plain_service.get_person(MARTINE).identifier == "lucas.petit176"


def test_terms_can_be_read_and_must_be_accepted(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tplain.TERMS_HINT, "c"),
            ("Fin du texte : Conditions Générales d'Utilisation.", "p"),
            ("Fin du texte : Politique de protection des données personnelles.", "peut-être"),
            ("Erreur : " + tplain.YES_NO_INVALID, "n"),
            ("Erreur : " + tdecision.TERMS_MISSING.split(",")[0], "2"),
            ("Étape 3 sur 4", "<"),
            ("Votre choix (défaut : 2)", "1"),
            (tdecision.TERMS, "o"),
            ("Étape 3 sur 5", "3"),
        ],
    )
    assert "1. Objet du service" in t  # from assets/texts/cgu.txt
    assert t.code == 1  # the input ended in the middle of the activation
    assert t.err.strip() == "mes-tui : " + tplain.PENDING_JOURNEY
    assert len(t.err.splitlines()) == 1


# -- opposition -----------------------------------------------------------------------------------
def test_a_decision_taken_elsewhere_meanwhile_leads_back_to_the_decision(
    plain_service: SimulatedService,
) -> None:
    """As in the screens: the conflict is said, then the decision as the registry holds it."""

    def opposed_elsewhere() -> str:
        plain_service.oppose(MARTINE, expected=Status.EN_ATTENTE)  # another session
        return "o"

    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, opposed_elsewhere),
        ],
    )
    after = t.out.split(tplain.OPPOSE_QUESTION)[-1]
    assert "Une décision a déjà été enregistrée" in after
    assert "Vous vous êtes opposé(e)" in after  # the decision as the registry has it
    assert tdecision.CHOICE_LABEL in after
    assert t.code == 1


def test_opposition_with_receipt_and_a_minor_profile(
    plain_service: SimulatedService, data_dir: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "reçus"
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, "o"),
            (f"défaut : {data_dir / 'justificatifs'}", ""),
            ("5. Vincent Capanelli (enfant mineur) : En attente de décision", "5"),
            (tprofile.CHOICE_LABEL, "2"),
            ("Je certifie être le représentant légal de Vincent CAPANELLI", "n"),
            (tplain.NOTHING_RECORDED, "5"),
            (tprofile.CHOICE_LABEL, "2"),
            (tprofile.CERTIFY.format(name="Vincent CAPANELLI"), "o"),
            (tprofile.CONFIRM_TITLE.format(name="Vincent Capanelli"), "o"),
            (tprofile.RECEIPT_INTRO, str(elsewhere)),
            ("Vincent Capanelli (enfant mineur) : Profil opposé le 28/09/2021", "2"),
            (tprofile.CHOICE_LABEL, "1"),
            ("Mon espace santé est activé pour Jean-Jacques Capanelli.", "6"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert "Étape 3 sur 4 : Je valide l'opposition à la création de Mon espace santé" in t
    assert "Étape 4 sur 4 : Ma décision a bien été prise en compte" in t
    assert "Opposition enregistrée le 28/09/2021." in t
    assert "Virginie Capanelli : Profil opposé le 07/12/2021" in t
    assert tservice.CERTIFICATION_REQUIRED in t
    saved = re.findall(r"Justificatif enregistré : (.+\.pdf)", t.out)
    assert len(saved) == 2
    own, vincent = (Path(p) for p in saved)
    assert own.parent == data_dir / "justificatifs" and own.is_file()
    assert vincent.parent == elsewhere and vincent.is_file()
    assert own.read_bytes().startswith(b"%PDF")
    person = plain_service.get_person(MARTINE)
    assert person.status is Status.OPPOSEE
    statuses = {p.first_name: p.status for p in person.profiles}
    assert statuses["Vincent"] is Status.OPPOSEE
    assert statuses["Jean-Jacques"] is Status.ACTIVE


def test_leaving_without_the_receipt_asks_first(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, "n"),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, "o"),
            ("Dossier d'enregistrement du justificatif", "<"),
            ("Quitter sans enregistrer le justificatif ?", ""),  # default: stay
            ("Dossier d'enregistrement du justificatif", "<"),
            ("2. Quitter sans justificatif", "2"),
            (tplain.PROFILES_QUESTION, "<"),
            (tplain.NO_GOING_BACK, "6"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert "Justificatif enregistré" not in t
    assert not default_receipts_dir(plain_service.storage.path.parent).exists()


def test_end_of_input_before_the_receipt_is_saved(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [*identify_martine(), (tdecision.CHOICE_LABEL, "2"), (tplain.OPPOSE_QUESTION, "o")],
    )
    assert t.code == 1
    assert t.err == f"mes-tui : {tplain.PENDING_RECEIPT}\n"


# -- a new provisional code ---------------------------------------------------------------------
def test_new_code_then_identification(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "2"),
            (tnew.NIR_LABEL, "1 16 30 44 038 016 18"),
            ("Erreur : Saisissez les 13 premiers caractères", "1 16 30 44 038 016"),
            (tnew.BIRTH_NOTE, "31/02/1976"),
            ("Erreur : " + tvalid.BIRTH_DATE_INVALID, "16/06/1976"),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, "01024576124"),
            ("Par e-mail : dlf*****@atos.net", "o"),
            (tident.CODE_LABEL, last_code(plain_service)),
            ("défaut : 1 16 30 44 038 016 18", ""),
            ("Votre choix (défaut : 1", ""),
            (f"défaut : {MARTINE_SERIAL}", ""),
            ("Étape 2 sur 5 : Je prends ma décision", "<"),
            ("Étape 1 sur 5 : Je m'identifie", "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert "Étape 1 sur 2 : Je génère un nouveau code provisoire" in t
    assert "Étape 2 sur 2 : Envoi du code provisoire" in t
    assert "Message reçu (simulation) — E-mail à dlfr-cn5-tma-support-cobra@atos.net" in t
    assert tnew.SENT.format(to="dlf*****@atos.net") in t
    # The old code is replaced by the new one.
    assert admin(plain_service).outbox()[-1].purpose == "code_provisoire"


@pytest.mark.parametrize(("latency", "said"), [(0.6, True), (0.0, False)])
def test_a_slow_sending_says_it_is_working(
    plain_service: SimulatedService,
    monkeypatch: pytest.MonkeyPatch,
    latency: float,
    said: bool,
) -> None:
    from mes_tui import presenters

    if not said:  # whatever the machine's speed, the answer counts as quick
        monkeypatch.setattr(presenters, "BUSY_SHOWN_AFTER", 30.0)
    plain_service.delivery.latency = latency
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "2"),
            (tnew.NIR_LABEL, "1 16 30 44 038 016"),
            (tnew.BIRTH_NOTE, "16/06/1976"),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, "01024576124"),
            ("Par e-mail : dlf*****@atos.net", "o"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    sent = t.out.index(tnew.SENT.format(to="dlf*****@atos.net"))
    asked = t.out.index("Par e-mail : dlf*****@atos.net")
    # On a line of its own, between the question and the answer (other calls may be slow too
    # on a loaded machine: not counted).
    between = t.out[asked:sent]
    assert ("\nTraitement en cours…\n" in between) is said
    if not said:
        assert "Traitement en cours…" not in t.out


def test_new_code_refused_for_wrong_details(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "2"),
            (tnew.NIR_LABEL, "1 16 30 44 038 016"),
            (tnew.BIRTH_LABEL, "01/01/1970"),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, "01024576124"),
            (tservice.CODE_REQUEST_FAILED, "1"),
            ("défaut : 1 16 30 44 038 016", ""),
            ("défaut : 01/01/1970", "16 06 1976"),
            (tvitale.LABEL, ""),
            (tvitale.SERIAL_LABEL, ""),
            ("Par e-mail : dlf*****@atos.net", "<"),
            (tnew.NIR_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert all(m.purpose != "code_provisoire" for m in admin(plain_service).outbox())


# -- invalid answers, help, going back -----------------------------------------------------------
def test_invalid_answers_are_explained_and_asked_again(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Votre choix (défaut : 1) :", "9"),
            ("Erreur : Tapez le numéro de votre choix, de 1 à 4.", "un"),
            ("Erreur : Tapez le numéro", ""),
            (tident.CODE_LABEL, "HuqZF3"),
            ("Erreur : " + tvalid.CODE_FORMAT.format(count=6), MARTINE_CODE),
            (tident.NIR_LABEL, "1 55 12 55 555 555 55"),
            ("Erreur : " + tvalid.NIR_KEY, MARTINE_NIR_TYPED),
            (tvitale.LABEL, "3"),
            ("Erreur : Tapez le numéro de votre choix, de 1 à 2.", "2"),
            (tvitale.SERIAL_HINT_AVEC_PHOTO, MARTINE_SERIAL),  # 11 digits: valid with photo
            (tservice.IDENTIFICATION_FAILED, "1"),
            (tident.CODE_LABEL, MARTINE_CODE),
            (tident.NIR_LABEL, ""),
            ("Votre choix (défaut : 2", "1"),
            (f"défaut : {MARTINE_SERIAL}", "123"),
            ("Erreur : " + tvalid.SERIAL_SANS_PHOTO_LENGTH.format(count=3), "16061976"),
            ("Erreur : " + tvalid.SERIAL_IS_DATE, ""),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    # Seven answers refused, and the identification refused by the back office.
    assert t.out.count("Erreur : ") == 8


def test_question_marks_print_each_fields_help(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "?"),
            ("  4. Quitter", "1"),
            (tident.CODE_LABEL, "?"),
            (tplain.CODE_HELP, MARTINE_CODE),
            (tident.NIR_LABEL, " ? "),
            (tident.NIR_HELP_TITLE, MARTINE_NIR_TYPED),
            (tvitale.LABEL, "?"),
            (tplain.CARD_HELP, "2"),
            (tvitale.SERIAL_LABEL, "?"),
            ("Renseignez les 11 derniers chiffres de votre numéro de série.", "<"),
            ("Votre choix (défaut : 2", "1"),
            (tvitale.SERIAL_LABEL, "?"),
            ("au dos en haut à gauche de votre carte Vitale", MARTINE_SERIAL),
            (tdecision.CHOICE_LABEL, "<"),
            (tident.CODE_LABEL, "<"),
            *quit_at_welcome(),
        ],
    )
    assert "contactez le : 3422" in t
    assert "Service disponible du lundi au vendredi de 8h30 à 17h30." in t
    # The card drawings of the full-screen help are left out.
    assert not any(0x2500 <= ord(ch) < 0x25A0 for ch in t.out)


def test_going_back_one_question_then_out_of_the_step(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "1"),
            (tident.CODE_LABEL, MARTINE_CODE),
            (tident.NIR_LABEL, "<"),
            (tident.CODE_LABEL, MARTINE_CODE),
            (tident.NIR_LABEL, MARTINE_NIR_TYPED),
            (tvitale.LABEL, "<"),
            (f"défaut : {MARTINE_NIR_TYPED}", "<"),
            (tident.CODE_LABEL, "<"),
            (tplain.WHAT_NEXT, "<"),
            (tplain.AT_WELCOME, "4"),
        ],
    )
    assert t.code == 0
    assert t.out.count("Étape 1 sur 5 : Je m'identifie") == 1
    assert t.out.endswith(tplain.GOODBYE + "\n")


def test_a_locked_identification_stays_on_the_form_with_its_ways_on(
    plain_service: SimulatedService,
) -> None:
    t = converse(
        plain_service,
        [
            *identify_sophie(),
            ("Erreur : Trop de tentatives infructueuses. Par sécurité", "3"),
            *quit_at_welcome(),
        ],
    )
    menu = t.out.split("l'identification est bloquée")[1]
    assert ways_on(tident.GENERATE_LINK, tplain.TO_WELCOME) in menu
    assert tplain.BACK_TO_WELCOME in menu
    assert t.code == 0


def test_a_refused_identification_can_go_back_to_the_welcome_menu(
    plain_service: SimulatedService,
) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "1"),
            (tident.CODE_LABEL, MARTINE_CODE),
            (tident.NIR_LABEL, demo_registry.LUCAS),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, "02468013579"),
            (tservice.IDENTIFICATION_FAILED, "3"),
        ],
    )
    assert t.code == 0
    assert t.out.rstrip().endswith(tplain.EOF_GOODBYE)


# -- login and the home page ----------------------------------------------------------------------
def test_login_then_home(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "3"),
            ("Identifiant", ""),
            ("Erreur : Saisissez votre identifiant.", "lucas.petit"),
            ("Mot de passe", "mauvais"),
            (tservice.LOGIN_FAILED, "lucas.petit"),
            ("Mot de passe", demo_registry.DEMO_PASSWORD),
            ("Aucun profil n'est rattaché à votre compte.", ""),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert "\nMe connecter\n" in t.out  # a title without a step number: not a numbered journey
    assert "Bonjour Lucas !" in t
    assert "Identifiant : lucas.petit" in t
    assert "Statut : Mon espace santé activé le 01/09/2021" in t
    assert demo_registry.DEMO_PASSWORD not in t.out


def test_home_after_activation_manages_profiles(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "1"),
            (tdecision.TERMS, "o"),
            ("3. Continuer", "3"),
            (tcred.IDENTIFIER_LABEL, "martine.leguellec"),
            (tcred.PASSWORD_LABEL, PASSWORD),
            (tcred.CONFIRMATION_LABEL, PASSWORD),
            ("1. Découvrir Mon espace santé", ""),
            ("1. Virginie Capanelli : Profil opposé le 07/12/2021", "1"),
            ("1. " + tprofile.ACTIVATE, "1"),
            ("Mon espace santé est activé pour Virginie Capanelli.", "1"),
            ("1. " + tprofile.CLOSE, "1"),
            (tprofile.CONFIRM_CLOSE_TITLE.format(name="Virginie Capanelli"), "n"),
            (tplain.NOTHING_RECORDED, "6"),
            *quit_at_welcome(),
        ],
    )
    assert t.code == 0
    assert "1. Virginie Capanelli : Mon espace santé activé le 28/09/2021" in t
    virginie = next(
        p for p in plain_service.get_person(MARTINE).profiles if p.first_name == "Virginie"
    )
    assert virginie.status is Status.ACTIVE


# -- leaving, messages -----------------------------------------------------------------------------
def test_end_of_input_at_the_welcome_menu_is_a_clean_exit(plain_service: SimulatedService) -> None:
    t = converse(plain_service, [])
    assert t.code == 0
    assert t.out.endswith(tplain.EOF_GOODBYE + "\n")
    assert t.err == ""


def test_end_of_input_in_a_journey_fails_with_one_line(plain_service: SimulatedService) -> None:
    t = converse(plain_service, [("Que voulez-vous faire ?", "1")])
    assert t.code == 1
    assert t.err == f"mes-tui : {tplain.PENDING_JOURNEY}\n"
    assert "Traceback" not in t.out + t.err


def test_ctrl_c_says_goodbye_with_130(plain_service: SimulatedService) -> None:
    def interrupt() -> str:
        raise KeyboardInterrupt

    t = converse(plain_service, [("Que voulez-vous faire ?", "1"), (tident.CODE_LABEL, interrupt)])
    assert t.code == 130
    assert t.out.endswith("\n" + tplain.INTERRUPTED + "\n")


def test_end_of_input_before_a_profiles_receipt_is_saved(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            *identify_martine(),
            (tdecision.CHOICE_LABEL, "2"),
            (tplain.OPPOSE_QUESTION, "o"),
            ("Dossier d'enregistrement du justificatif", ""),
            (tplain.PROFILES_QUESTION, "2"),
            (tprofile.CHOICE_LABEL, "2"),
            (tprofile.CONFIRM_TITLE.format(name="Jean-Jacques Capanelli"), "o"),
        ],
    )
    assert tprofile.RECEIPT_INTRO in t
    assert t.code == 1
    assert t.err == f"mes-tui : {tplain.PENDING_RECEIPT}\n"


def test_an_unexpected_fault_is_one_line_not_a_traceback(plain_service: SimulatedService) -> None:
    def broken() -> str:
        raise RuntimeError("a bug")

    t = converse(plain_service, [("Que voulez-vous faire ?", broken)])
    assert t.code == 1
    assert t.err == f"mes-tui : {tplain.FAILED}\n"
    assert "Traceback" not in t.out + t.err


def test_an_unexpected_service_failure_is_a_refusal(
    plain_service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(plain_service, "identify", fail)
    t = converse(
        plain_service,
        [
            *identify_martine(),
            ("Erreur : Une erreur inattendue s'est produite.", "2"),
            (tplain.BACK_TO_WELCOME, "4"),
        ],
    )
    assert t.code == 0
    assert "disk on fire" not in t.out + t.err


def test_messages_can_be_hidden(plain_service: SimulatedService) -> None:
    t = converse(
        plain_service,
        [
            ("Que voulez-vous faire ?", "2"),
            (tnew.NIR_LABEL, "1 16 30 44 038 016"),
            (tnew.BIRTH_LABEL, "16/06/1976"),
            (tvitale.LABEL, "1"),
            (tvitale.SERIAL_LABEL, MARTINE_SERIAL),
            ("Par e-mail : dlf*****@atos.net", "o"),
            (tnew.SENT.format(to="dlf*****@atos.net"), "<"),
            *quit_at_welcome(),
        ],
        show_messages=False,
    )
    assert "Message reçu" not in t
    assert admin(plain_service).outbox()[-1].purpose == "code_provisoire"
