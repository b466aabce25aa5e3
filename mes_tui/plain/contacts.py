"""Je vérifie mes coordonnées de contact: the summary, a new e-mail address or mobile number,
and the one-time code that confirms it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mes_tui import presenters
from mes_tui.engine import Done, Go, Refused
from mes_tui.journey import Step
from mes_tui.models import Channel, PersonView
from mes_tui.plain import formats
from mes_tui.plain.prompts import GoBack
from mes_tui.plain.steps import Steps
from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import plain as t
from mes_tui.texts import safe

if TYPE_CHECKING:
    from mes_tui.services.api import Challenge


class ContactSteps(Steps):
    """The contact details; a change goes back to the summary in every case."""

    def contacts(self, go: Go) -> Go | None:
        from mes_tui.models import format_mobile

        self.header(Step.CONTACTS)
        self.say(tcontacts.INTRO)
        while True:
            person = self.person
            email = safe.printable(person.email) if person.email else None
            mobile = format_mobile(person.mobile) if person.mobile else None
            self.say()
            self.say(
                t.FIELD_VALUE.format(
                    label=tcontacts.EMAIL_HEADING, value=email or tcontacts.EMAIL_NONE
                )
            )
            self.say(
                t.FIELD_VALUE.format(
                    label=tcontacts.MOBILE_HEADING, value=mobile or tcontacts.MOBILE_NONE
                )
            )
            options = [
                formats.link_label(
                    tcontacts.EMAIL_EDIT_LINK if email else tcontacts.EMAIL_ADD_LINK
                ),
                formats.link_label(
                    tcontacts.MOBILE_EDIT_LINK if mobile else tcontacts.MOBILE_ADD_LINK
                ),
                tcontacts.CONTINUE,
            ]
            try:
                chosen = self.ask.choice(t.WHAT_NEXT, options, default=2)
            except GoBack:
                return self.back(Step.CONTACTS)
            if chosen == 2:
                return self.outcome(self.engine.contacts_done())
            ended = self._change_contact(Channel.EMAIL if chosen == 0 else Channel.SMS)
            if ended is not None:
                went = self.outcome(ended)
                if went is None or went.step is not Step.CONTACTS:
                    return went
                self.say(tcontacts.BACK_TO_SUMMARY + ".")

    def _change_contact(self, channel: Channel) -> Refused | None:
        """Je modifie mon adresse e-mail / Je renseigne mon numéro de mobile, then the code;
        None back to the summary, or the refusal that takes the person elsewhere (unsaid)."""
        from mes_tui.models import normalize_email, normalize_mobile

        by_email = channel is Channel.EMAIL
        field = "email" if by_email else "mobile"  # as the back office names it
        had_value = bool(self.person.email if by_email else self.person.mobile)
        self.header(
            Step.CONTACTS, tcontacts.EMAIL_EDIT_TITLE if by_email else tcontacts.MOBILE_EDIT_TITLE
        )
        self.say(tcontacts.EMAIL_EDIT_INTRO if by_email else tcontacts.MOBILE_EDIT_INTRO)
        while True:
            try:
                value = self.ask.text(
                    tcontacts.EMAIL_LABEL if by_email else tcontacts.MOBILE_LABEL,
                    normalize_email if by_email else normalize_mobile,
                    hint=tcontacts.EMAIL_HINT if by_email else tcontacts.MOBILE_HINT,
                )
            except GoBack:
                return None
            started = self.call(self.engine.start_contact_change, channel, value)
            if isinstance(started, Done):
                break
            if started.go is not None:
                return started
            self.refused(started)
            if started.field != field:  # nothing to correct in the value typed
                return None
        verified = self._verify_code(started.value)
        if not isinstance(verified, Done):
            return verified
        if by_email:
            self.say(tcontacts.EMAIL_CHANGED if had_value else tcontacts.EMAIL_ADDED)
        else:
            self.say(tcontacts.MOBILE_CHANGED if had_value else tcontacts.MOBILE_ADDED)
        return None

    def _verify_code(self, challenge: Challenge) -> Done[PersonView] | Refused | None:
        """Ask for the one-time code, offering to send it again: the person with the new
        contact detail, None if the change is given up, or the refusal that ends it."""
        from mes_tui.models import normalize_otp

        channel = challenge.channel
        self._announce_code(challenge)

        def check(raw: str) -> str:
            # Nothing typed: the person has no code (yet); the options follow.
            return normalize_otp(raw) if raw.strip() else ""

        while True:
            try:
                code = self.ask.text(
                    tcontacts.OTP_LABEL,
                    check,
                    hint=tcontacts.OTP_HINT + "\n" + t.OTP_EMPTY_HINT,
                    help_text=t.OTP_HELP,
                    secret=True,
                )
            except GoBack:
                return None
            if code:
                verified = self.call(self.engine.verify_contact_code, channel, code)
                if isinstance(verified, Done) or verified.go is not None:
                    return verified
                self.refused(verified)  # stays on the code
                continue
            options = [t.OTP_RETYPE, tcontacts.RESEND_LINK, t.CANCEL_CHANGE]
            try:
                chosen = self.ask.choice(t.WHAT_NEXT, options, default=0)
            except GoBack:
                continue
            if chosen == 2:
                return None
            if chosen == 1:
                resent = self.call(self.engine.resend_contact_code, channel)
                if isinstance(resent, Refused):
                    if resent.go is not None:
                        return resent
                    self.refused(resent)  # the code received may still be typed
                    continue
                by_mail = channel is Channel.EMAIL
                template = tcontacts.RESENT_TO_EMAIL if by_mail else tcontacts.RESENT_TO_MOBILE
                self.say(template.format(to=presenters.code_recipient(resent.value)))

    def _announce_code(self, challenge: Challenge) -> None:
        email = challenge.channel is Channel.EMAIL
        self.header(
            Step.CONTACTS, tcontacts.EMAIL_OTP_TITLE if email else tcontacts.MOBILE_OTP_TITLE
        )
        lead = tcontacts.SENT_TO_EMAIL if email else tcontacts.SENT_TO_MOBILE
        self.say(lead + presenters.code_recipient(challenge))
        self.say(presenters.code_validity(challenge))
