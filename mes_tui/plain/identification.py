"""Je m'identifie, and Je génère un nouveau code provisoire with its confirmation, one question
at a time; the carte Vitale is asked the same way by both."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mes_tui import presenters
from mes_tui.engine import CodeRequest, Go, Offer
from mes_tui.journey import Step
from mes_tui.models import CardType
from mes_tui.plain import formats
from mes_tui.plain.steps import Answers, Question, Steps
from mes_tui.texts import identification as tident
from mes_tui.texts import new_code as tnew
from mes_tui.texts import plain as t
from mes_tui.texts import safe
from mes_tui.texts import vitale as tvitale

if TYPE_CHECKING:
    from datetime import date


CARD_TYPES = (CardType.SANS_PHOTO, CardType.AVEC_PHOTO)


class IdentificationSteps(Steps):
    """The identification and the new provisional code; the answers are kept for the person
    (offered again as defaults) until the next one."""

    @property
    def _identification(self) -> Answers:
        return self.kept("identification")

    @property
    def _new_code(self) -> Answers:
        return self.kept("new_code")

    # -- the carte Vitale, asked by identification and by the new code ---------------------
    def _ask_card_type(self, answers: Answers) -> CardType:
        previous = answers.get("card_type")
        chosen = self.ask.choice(
            tvitale.LABEL,
            [card.label for card in CARD_TYPES],
            default=CARD_TYPES.index(previous) if previous in CARD_TYPES else None,
            help_text=t.CARD_HELP,
        )
        return CARD_TYPES[chosen]

    def _ask_serial(self, answers: Answers) -> str:
        from mes_tui.models import normalize_serial

        card: CardType = answers["card_type"]
        nir: str | None = answers.get("nir")
        return self.ask.text(
            tvitale.SERIAL_LABEL,
            lambda raw: normalize_serial(raw, card, nir),
            hint=presenters.serial_hint(card),
            help_text=tvitale.SERIAL_HELP_TITLE
            + "\n"
            + formats.without_drawings(presenters.serial_help(card)),
            default=answers.get("serial"),
        )

    def _nir_question(
        self, label: str, normalize: Callable[[str], str], hint: str
    ) -> Callable[[Answers], str]:
        """The social security number (with or without its key), the previous answer offered
        as the default, spaced as on the card."""
        from mes_tui.models import format_nir

        def ask(answers: Answers) -> str:
            previous: str | None = answers.get("nir")
            return self.ask.text(
                label,
                normalize,
                hint=hint,
                help_text=tident.NIR_HELP_TITLE + "\n" + tident.NIR_HELP,
                default=previous,
                default_shown=format_nir(previous) if previous else None,
            )

        return ask

    # -- Je m'identifie -------------------------------------------------------------------
    def _identification_questions(self) -> list[Question]:
        from mes_tui.models import normalize_nir, normalize_provisional_code

        def code(_: Answers) -> str:
            return self.ask.text(
                tident.CODE_LABEL,
                normalize_provisional_code,
                hint=tident.CODE_HINT,
                help_text=t.CODE_HELP,
                secret=True,
            )

        return [
            ("code", code),
            ("nir", self._nir_question(tident.NIR_LABEL, normalize_nir, tident.NIR_HINT)),
            ("card_type", self._ask_card_type),
            ("serial", self._ask_serial),
        ]

    def identify(self, go: Go) -> Go | None:
        self.header(Step.IDENTIFY)
        self.say(tident.INTRO)
        if go.notice:
            self.say(safe.printable(go.notice))
        return self.form_step(
            Step.IDENTIFY,
            self._identification_questions(),
            self._identification,
            lambda a: self.engine.identify(a["code"], a["nir"], a["card_type"], a["serial"]),
            always=(Offer.WELCOME,),  # as the form's Annuler
            secrets=("code",),
        )

    # -- Je génère un nouveau code provisoire ------------------------------------------------
    def _new_code_questions(self) -> list[Question]:
        from mes_tui.models import format_date, normalize_nir_without_key

        def birth(answers: Answers) -> date:
            previous: date | None = answers.get("birth_date")
            return self.ask.text(
                tnew.BIRTH_LABEL,
                _birth_date,
                hint=tnew.BIRTH_NOTE + "\n" + t.BIRTH_HINT,
                default=format_date(previous) if previous else None,
            )

        nir = self._nir_question(tnew.NIR_LABEL, normalize_nir_without_key, tnew.NIR_HINT)
        return [
            ("nir", nir),
            ("birth_date", birth),
            ("card_type", self._ask_card_type),
            ("serial", self._ask_serial),
        ]

    def new_code(self, go: Go) -> Go | None:
        self.header(Step.NEW_CODE)
        self.say(tnew.INTRO)
        return self.form_step(
            Step.NEW_CODE,
            self._new_code_questions(),
            self._new_code,
            lambda a: self.engine.find_code_recipient(
                CodeRequest(a["nir"], a["birth_date"], a["card_type"], a["serial"])
            ),
            always=(Offer.WELCOME,),  # as the form's Retour
        )

    def code_delivery(self, go: Go) -> Go | None:
        """Envoi du code provisoire: to the address ``go`` names (masked), once confirmed."""
        from mes_tui.models import nir_key

        self.header(Step.CODE_DELIVERY)
        self.say(tnew.DELIVERY_MODE)
        self.say(tnew.DELIVERY_EMAIL.format(to=safe.printable(go.notice or "")))
        while True:
            send = self.agreed(
                t.SEND_CODE_QUESTION,
                hint=t.WRONG_DETAILS_HINT,
                help_text=tnew.WRONG_DETAILS_TITLE + "\n" + tnew.WRONG_DETAILS,
            )
            if not send:
                return self.back(Step.CODE_DELIVERY)
            sent = self.call(self.engine.send_new_code)
            if isinstance(sent, Go) or sent.go is not None:
                break
            self.refused(sent)
            way = self.ways_on(sent, Step.CODE_DELIVERY)
            if way is not None:
                return self.outcome(way)
        if isinstance(sent, Go):
            # Identification asks about the same person and card: offer them as defaults.
            answers = self._new_code
            nir13: str = answers["nir"]
            self._identification.update(
                nir=nir13 + nir_key(nir13),
                card_type=answers["card_type"],
                serial=answers["serial"],
            )
        return self.outcome(sent)


def _birth_date(raw: str) -> date:
    """A date of birth typed on one line: ``07/12/1985``, ``07 12 1985`` or ``07121985``."""
    import re

    from mes_tui.models import birth_date_from_parts, parse_birth_date
    from mes_tui.models.dates import check_birth_date

    parts = [p for p in re.split(r"[\s/.-]+", raw.strip()) if p]
    if len(parts) == 3:
        return birth_date_from_parts(*parts)
    return check_birth_date(parse_birth_date(raw))
