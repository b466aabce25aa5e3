"""Je vérifie mes coordonnées de contact: the summary of the e-mail address and mobile number on
file, the form that changes one of them, and the one-time code that proves the new one works.

``ContactsScreen`` is the journey step. ``ContactEditScreen`` and ``OtpScreen`` are pushed on top
of it and leave together once the code is right, so the person lands back on the summary with
the new value and a confirmation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from mes_tui import formats, journey, presenters
from mes_tui.engine.outcomes import Done, Refused
from mes_tui.models import Channel
from mes_tui.screens.base import StepScreen
from mes_tui.screens.forms import FieldCheck, validated
from mes_tui.texts import contacts as t
from mes_tui.widgets.controls import ActionButton, LinkButton
from mes_tui.widgets.fields import FormField, literal
from mes_tui.widgets.inputs import FormatInput, SecretInput

if TYPE_CHECKING:
    from typing import Self

    from mes_tui.models import PersonView
    from mes_tui.services.api import Challenge


def shown_email(person: PersonView | None) -> str | None:
    return person.email if person is not None else None


def shown_mobile(person: PersonView | None) -> str | None:
    return person.mobile if person is not None else None


def mobile_display(e164: str) -> str:
    from mes_tui.models import format_mobile

    return format_mobile(e164)


class ContactsScreen(StepScreen):
    """The e-mail address and mobile number on file, each with a link to change it."""

    STEP = journey.Step.CONTACTS
    FIRST_FOCUS = "#edit-email"

    DEFAULT_CSS = """
    ContactsScreen .contact-heading { text-style: bold; margin: 1 0 0 0; }
    ContactsScreen .contact-value { margin: 0 0 0 2; }
    ContactsScreen .contact-value.-none { color: $text-muted; text-style: italic; }
    ContactsScreen #confirmation { display: none; }
    ContactsScreen #confirmation.-shown { display: block; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._shown: PersonView | None = None
        """The person whose details the summary shows, to tell a change from an addition."""

    def session_key(self) -> tuple[object, ...]:
        return (self.session.person,)

    def compose_body(self) -> ComposeResult:
        yield Static(Content(t.INTRO), classes="intro")
        yield Static("", id="confirmation", classes="notice", markup=False)
        yield Static(Content(t.EMAIL_HEADING), classes="contact-heading")
        yield Static("", id="email-value", classes="contact-value", markup=False)
        yield LinkButton(t.EMAIL_EDIT_LINK, id="edit-email")
        yield Static(Content(t.MOBILE_HEADING), classes="contact-heading")
        yield Static("", id="mobile-value", classes="contact-value", markup=False)
        yield LinkButton(t.MOBILE_ADD_LINK, id="edit-mobile")
        with Horizontal(classes="actions"):
            yield ActionButton(t.CONTINUE, id="continue", variant="primary")

    def on_mount(self) -> None:
        if self.mes_app.closing:  # built ahead as the program ends: its widgets may be gone
            return
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        # Back from a change closed by the back office: show what the registry holds now.
        if self._shown is not self.session.person and self.session.person is not None:
            self.refresh_summary()

    def refresh_summary(self) -> None:
        """Show the contact details of ``session.person``."""
        person = self.session.person
        email, mobile = shown_email(person), shown_mobile(person)
        email_value = self.query_one("#email-value", Static)
        email_value.update(literal(email) if email else Content(t.EMAIL_NONE))
        email_value.set_class(not email, "-none")
        self.query_one("#edit-email", LinkButton).set_text(
            t.EMAIL_EDIT_LINK if email else t.EMAIL_ADD_LINK
        )
        mobile_value = self.query_one("#mobile-value", Static)
        mobile_value.update(literal(mobile_display(mobile)) if mobile else Content(t.MOBILE_NONE))
        mobile_value.set_class(not mobile, "-none")
        self.query_one("#edit-mobile", LinkButton).set_text(
            t.MOBILE_EDIT_LINK if mobile else t.MOBILE_ADD_LINK
        )
        self._shown = person

    def contact_verified(self, channel: Channel) -> None:
        """A change was verified and ``session.person`` holds the new details: show them."""
        before = self._shown
        if channel is Channel.EMAIL:
            message = t.EMAIL_CHANGED if shown_email(before) else t.EMAIL_ADDED
        else:
            message = t.MOBILE_CHANGED if shown_mobile(before) else t.MOBILE_ADDED
        self.refresh_summary()
        confirmation = self.query_one("#confirmation", Static)
        confirmation.update(Content(message))
        confirmation.add_class("-shown")
        self.set_focus(self.query_one("#continue", ActionButton), scroll_visible=False)
        confirmation.scroll_visible(animate=False)

    @on(LinkButton.Pressed, "#edit-email")
    def edit_email(self) -> None:
        self._edit(Channel.EMAIL)

    @on(LinkButton.Pressed, "#edit-mobile")
    def edit_mobile(self) -> None:
        self._edit(Channel.SMS)

    def _edit(self, channel: Channel) -> None:
        if self.session.person is None:
            return
        self.app.push_screen(ContactEditScreen(channel))

    @on(ActionButton.Pressed, "#continue")
    def proceed(self) -> None:
        self.mes_app.go(self.mes_app.engine.contacts_done())


def close_change(screen: StepScreen, form_field: FormField, message: str) -> None:
    """The change is locked (the bounds on one-time codes): ``message`` next to ``form_field``,
    which is closed with the form's other actions; the one way on is back to the summary, as in
    the plain mode."""
    screen.show_field_errors([(form_field, message)])
    for control in (form_field.control, *screen.query("#validate, #resend")):
        control.disabled = True
    back = screen.query_one("#cancel", ActionButton)
    back.set_text(t.BACK_TO_SUMMARY)
    screen.set_focus(back, scroll_visible=False)


def ends_the_change(refused: Refused) -> bool:
    """True for a refusal after which the change cannot go on from where the person is (too
    many codes or wrong codes, no code under way): the engine takes them back to the summary."""
    return refused.go is not None and refused.go.step is journey.Step.CONTACTS


def back_to_contacts(screen: StepScreen) -> ContactsScreen | None:
    """Close the change-of-contact screens above the summary; the summary, if it is there."""
    app = screen.app
    summaries = [s for s in app.screen_stack if isinstance(s, ContactsScreen)]
    if not summaries:
        while len(app.screen_stack) > 1 and isinstance(app.screen, ContactEditScreen | OtpScreen):
            app.pop_screen()
        return None
    # Whatever else is on top (the messages list opened meanwhile) goes too.
    while app.screen is not summaries[-1]:
        app.pop_screen()
    return summaries[-1]


class MobileInput(Horizontal):
    """The mobile number typed after a fixed ``+33``; reads and focuses as its input does."""

    DEFAULT_CSS = """
    MobileInput { height: auto; }
    MobileInput > .prefix { width: auto; height: 3; padding: 1 1 0 0; text-style: bold; }
    MobileInput > Input { width: 1fr; }
    FormField.-invalid MobileInput > Input { border: tall $error; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.input = FormatInput(field_format=formats.MOBILE, id=f"{id}-input" if id else None)

    def compose(self) -> ComposeResult:
        yield Static(Content(t.MOBILE_PREFIX), classes="prefix")
        yield self.input

    @property
    def value(self) -> str:
        return self.input.value

    def focus(self, scroll_visible: bool = True) -> Self:
        self.input.focus(scroll_visible)
        return self


class ContactEditScreen(StepScreen):
    """Je modifie mon adresse e-mail / Je renseigne mon numéro de téléphone mobile."""

    STEP = journey.Step.CONTACTS
    FIRST_FOCUS = "Input"

    def __init__(self, channel: Channel) -> None:
        super().__init__()
        self.channel = channel

    def title_text(self) -> str:
        return t.EMAIL_EDIT_TITLE if self.channel is Channel.EMAIL else t.MOBILE_EDIT_TITLE

    def compose_body(self) -> ComposeResult:
        if self.channel is Channel.EMAIL:
            yield Static(Content(t.EMAIL_EDIT_INTRO), classes="intro")
            yield FormField(
                t.EMAIL_LABEL,
                FormatInput(field_format=formats.EMAIL, id="email"),
                hint=t.EMAIL_HINT,
                id="field-contact",
            )
        else:
            yield Static(Content(t.MOBILE_EDIT_INTRO), classes="intro")
            yield FormField(
                t.MOBILE_LABEL, MobileInput(id="mobile"), hint=t.MOBILE_HINT, id="field-contact"
            )
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.VALIDATE, id="validate", variant="primary")

    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        self.mes_app.go_back()

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#validate")
    def submit(self) -> None:
        from mes_tui.models import normalize_email, normalize_mobile

        person = self.session.person
        if person is None:
            return
        normalize = normalize_email if self.channel is Channel.EMAIL else normalize_mobile
        values = validated(
            self, [FieldCheck(self.query_one("#field-contact", FormField), normalize)]
        )
        if values is None:
            return
        (new_value,) = values
        channel = self.channel
        self.call_engine(
            lambda engine: engine.start_contact_change(channel, new_value), self._answered
        )

    def _answered(self, outcome: Done[Challenge] | Refused) -> None:
        if isinstance(outcome, Done):
            self.app.push_screen(OtpScreen(outcome.value))
        elif ends_the_change(outcome):
            # Whatever the value typed: no code can be sent for now.
            close_change(self, self.query_one("#field-contact", FormField), outcome.message)
        else:
            self.show_outcome(outcome)


class OtpScreen(StepScreen):
    """Je valide mon adresse e-mail / mon numéro de téléphone mobile, with the code received."""

    STEP = journey.Step.CONTACTS
    FIRST_FOCUS = "#code"

    DEFAULT_CSS = """
    OtpScreen #sent-to { margin: 1 0 0 0; }
    OtpScreen #validity { margin: 0 0 1 0; }
    OtpScreen #resend-status { display: none; }
    OtpScreen #resend-status.-shown { display: block; }
    """

    def __init__(self, challenge: Challenge) -> None:
        super().__init__()
        self.challenge = challenge

    @property
    def channel(self) -> Channel:
        return self.challenge.channel

    def title_text(self) -> str:
        return t.EMAIL_OTP_TITLE if self.channel is Channel.EMAIL else t.MOBILE_OTP_TITLE

    def recipient(self) -> str:
        """Where the code went, as the person knows it: the address, or ``06 11 12 13 14``."""
        return presenters.code_recipient(self.challenge)

    def _sent_to(self) -> Content:
        lead = t.SENT_TO_EMAIL if self.channel is Channel.EMAIL else t.SENT_TO_MOBILE
        return Content.assemble(lead, (self.recipient(), "bold"))

    def _validity(self) -> Content:
        return Content(presenters.code_validity(self.challenge))

    def compose_body(self) -> ComposeResult:
        yield Static(self._sent_to(), id="sent-to")
        yield Static(self._validity(), id="validity")
        yield FormField(
            t.OTP_LABEL,
            SecretInput(field_format=formats.OTP, id="code"),
            hint=t.OTP_HINT,
            extra=[
                LinkButton(t.RESEND_LINK, id="resend"),
                Static("", id="resend-status", classes="notice", markup=False),
            ],
            id="field-code",
        )
        with Horizontal(classes="actions"):
            yield ActionButton(t.CANCEL, id="cancel")
            yield ActionButton(t.VALIDATE, id="validate", variant="primary")

    @property
    def code_field(self) -> FormField:
        return self.query_one("#field-code", FormField)

    def _status(self, message: str | None) -> None:
        status = self.query_one("#resend-status", Static)
        status.update(Content(message or ""))
        status.set_class(bool(message), "-shown")

    @on(ActionButton.Pressed, "#cancel")
    def cancel(self) -> None:
        """Give up the change: back to the summary, nothing recorded."""
        back_to_contacts(self)

    @on(LinkButton.Pressed, "#resend")
    def resend(self) -> None:
        if self.session.person is None:
            return
        channel = self.channel
        self._status(None)
        self.call_engine(lambda engine: engine.resend_contact_code(channel), self._resent)

    def _resent(self, outcome: Done[Challenge] | Refused) -> None:
        if isinstance(outcome, Refused):
            if outcome.too_soon:
                # Not a mistake of the person: the previous code is still on its way.
                self._status(outcome.message)
            else:
                self._refused(outcome)
            return
        self.challenge = outcome.value
        self.clear_errors()
        self.query_one("#code", Input).value = ""
        self.query_one("#sent-to", Static).update(self._sent_to())
        self.query_one("#validity", Static).update(self._validity())
        template = t.RESENT_TO_EMAIL if self.channel is Channel.EMAIL else t.RESENT_TO_MOBILE
        self._status(template.format(to=self.recipient()))

    @on(Input.Submitted)
    @on(ActionButton.Pressed, "#validate")
    def submit(self) -> None:
        from mes_tui.models import normalize_otp

        if self.session.person is None:
            return
        values = validated(self, [FieldCheck(self.code_field, normalize_otp)])
        if values is None:
            return
        (code,) = values
        channel = self.channel
        self.call_engine(lambda engine: engine.verify_contact_code(channel, code), self._verified)

    def _refused(self, refused: Refused) -> None:
        """Beyond the bounds on one-time codes, or a wrong code: say why (and how long) next to
        the code; the code already received can still be typed when only sending is held back.
        When the change cannot go on, it is closed, the way back to the summary offered."""
        if ends_the_change(refused):
            self._status(None)
            close_change(self, self.code_field, refused.message)
        elif refused.field == "otp":
            # What went wrong and what to do both concern the code: say it next to it.
            self._status(None)
            self.show_field_errors([(self.code_field, refused.message)])
        else:
            self.show_outcome(refused)

    def _verified(self, outcome: Done[PersonView] | Refused) -> None:
        if isinstance(outcome, Refused):
            self._refused(outcome)
            return
        contacts = back_to_contacts(self)
        if contacts is not None:
            contacts.contact_verified(self.channel)
