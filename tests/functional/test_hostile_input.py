"""Hostile input through the real screens: what is pasted, what the registry holds.

* Markup, escape sequences, control and invisible characters, look-alike digits, emoji and a
  1 MB paste go into every field of every form: nothing crashes or freezes, the field keeps no
  control character and respects its length, a submit is refused with a message, and no
  control character ever reaches the terminal (the rendered segments are checked).
* Names from the registry (markup, emoji, Arabic, 100 characters) render literally on every
  screen that shows them; stored names carrying escape sequences (a registry written by another
  program) are shown without them.
* A failed delivery of a one-time code is said, changes nothing, and can be retried at once.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._toast import Toast

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.backoffice import BackOffice
from mes_tui.models import CardType, Channel, nir_key
from mes_tui.screens.contacts import ContactEditScreen, ContactsScreen
from mes_tui.screens.credentials import CredentialsScreen
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.login import LoginScreen
from mes_tui.screens.new_code import NewCodeScreen
from mes_tui.screens.opposition import OpposedScreen
from mes_tui.services import SimulatedService, TicketedService, open_service
from mes_tui.services import demo as d
from mes_tui.services.api import OutboxMessage
from mes_tui.services.clock import FakeClock
from mes_tui.texts import service as ts
from mes_tui.widgets.controls import LinkButton
from tests.functional.journey_helpers import (
    MARTINE_CODE,
    MARTINE_NIR,
    MARTINE_SERIAL,
    SIZE,
    identified,
    opposed,
    screen_text,
    settle,
    summary_text,
    text_of,
    until_pressable,
    wait_for,
    wait_for_screen,
)
from tests.functional.test_identification import open_identification
from tests.simulation import admin

# -- the curated list ------------------------------------------------------------------------------
PASTES = [
    "[/]",
    "[b]",
    "[@click=app.quit]x[/]",
    "[$accent]",
    "\x1b]0;title\x07",
    "\x1b[2J",
    "".join(chr(c) for c in range(1, 0x20)),
    "".join(chr(c) for c in range(0x7F, 0xA0)),
    "\x00",
    "\u202e1 16 30 44 038 016 18",
    "1\u200b16\u200c30\u200d44\ufeff038",
    "１ １６ ３０ ４４ ０３８ ０１６ １８",
    "١ ١٦ ٣٠ ٤٤ ٠٣٨ ٠١٦ ١٨",
    "😀👨‍👩‍👧‍👦🇫🇷",
    "x" * 300,
    # Last, so that it stays in the field for the submit: refused whatever the field.
    "[b]x[/b]\x1b[2J\x1b]0;t\x07\u202e",
]
MEGABYTE = "A1 " * 333_334

# Names that must be shown as written.
MARKUP_FIRST = "[b]Jean[/b] [@click=app.quit]x[/]"
MARKUP_LAST = "[$accent]DUPONT 😀"
CHILD_FIRST = "[red]Léa[/red] محمد"
LONG_NAME = "Marie-" + "L" * 94  # 100 characters, the import limit


def leaks(app: MesApp) -> list[str]:
    """Rendered segments (toasts included) carrying a control, invisible or unassigned character:
    those would be written to the terminal as they are."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            if any(
                unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in segment.text
            ):
                found.append(segment.text)
    return found


def clean(text: str) -> bool:
    return not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)


def said(app: MesApp) -> str:
    """Every text the screen's Static widgets show (summary, field errors, notices), whatever
    its layout: a message boxed and wrapped on screen is found whole here."""
    return "\n".join(text_of(widget) for widget in app.screen.query(Static))


def toasts(app: MesApp) -> str:
    """The text of the notifications on screen (title and message)."""
    return "\n".join(toast.render().plain for toast in app.screen.query(Toast))


async def paste(pilot: Pilot[None], text: str) -> None:
    """A bracketed paste from the terminal: it reaches the app, which gives it to the focus."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def fields(app: MesApp) -> list[Input]:
    return [field for field in app.screen.query(Input) if field.focusable]


async def paste_into_every_field(pilot: Pilot[None], values: list[str]) -> None:
    app = pilot.app
    assert isinstance(app, MesApp)
    inputs = fields(app)
    assert inputs
    for field in inputs:
        for value in values:
            # Refocused each time: the date boxes move on by themselves once full.
            field.focus()
            await pilot.pause()
            field.value = ""
            await paste(pilot, value)
            # What the field holds is what it draws: nothing in it may reach the terminal.
            assert clean(field.value), (field.id, field.value)
            if field.max_length:
                assert len(field.value) <= field.max_length
        assert not leaks(app), field.id


async def submit(pilot: Pilot[None], button_id: str) -> None:
    button = pilot.app.screen.query_one(f"#{button_id}")
    button.focus()
    await until_pressable(pilot, button)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()  # 28/09/2021: the demo registry's own dates


@pytest.fixture
def service(data_dir: Path, clock: FakeClock) -> SimulatedService:
    return open_service(data_dir, clock=clock)


@pytest.fixture
def app(service: SimulatedService) -> MesApp:
    # Deliveries pop up: they are data shown on screen too.
    return MesApp(
        back_office=BackOffice(service=TicketedService(service), messages=service.feed),
        show_messages=True,
    )


def identify_martine(app: MesApp, service: SimulatedService) -> None:
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)


# -- pastes into every form ------------------------------------------------------------------------
async def at_identification(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    app.goto(journey.Step.IDENTIFY)
    await wait_for_screen(pilot, IdentificationScreen)
    return "continue"


async def at_new_code(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    app.goto(journey.Step.NEW_CODE)
    await wait_for_screen(pilot, NewCodeScreen)
    return "continue"


async def at_login(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    app.goto(journey.Step.LOGIN)
    await wait_for_screen(pilot, LoginScreen)
    return "submit"


async def at_email(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    identify_martine(app, service)
    app.goto(journey.Step.CONTACTS)
    await wait_for_screen(pilot, ContactsScreen)
    app.screen.query_one("#edit-email", LinkButton).focus()
    await pilot.press("enter")
    await wait_for_screen(pilot, ContactEditScreen)
    return "validate"


async def at_mobile(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    identify_martine(app, service)
    app.goto(journey.Step.CONTACTS)
    await wait_for_screen(pilot, ContactsScreen)
    app.screen.query_one("#edit-mobile", LinkButton).focus()
    await pilot.press("enter")
    await wait_for_screen(pilot, ContactEditScreen)
    return "validate"


async def at_one_time_code(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    await at_email(app, service, pilot)
    edit = app.screen
    app.screen.query_one("#email", Input).value = "nouvelle.adresse@example.fr"
    await submit(pilot, "validate")
    await wait_for(pilot, lambda: app.screen is not edit and bool(app.screen.query("#code")))
    await pilot.pause()
    return "validate"


async def at_credentials(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    identify_martine(app, service)
    app.session.accepted_terms = True
    app.goto(journey.Step.CREDENTIALS)
    await wait_for_screen(pilot, CredentialsScreen)
    return "validate"


async def at_receipt(app: MesApp, service: SimulatedService, pilot: Pilot[None]) -> str:
    identify_martine(app, service)
    opposed(app)
    app.session.branch = journey.Branch.OPPOSITION
    app.restart_at(journey.Step.OPPOSED)
    await wait_for_screen(pilot, OpposedScreen)
    return "download"


FORMS = {
    "identification": at_identification,
    "new_code": at_new_code,
    "login": at_login,
    "email": at_email,
    "mobile": at_mobile,
    "one_time_code": at_one_time_code,
    "credentials": at_credentials,
    "receipt_folder": at_receipt,
}


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder typed without a leading / is relative to the current one: keep it in tmp."""
    scratch = tmp_path / "cwd"
    scratch.mkdir()
    monkeypatch.chdir(scratch)


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_hostile_pastes_are_shown_without_controls_and_refused_clearly(
    app: MesApp, service: SimulatedService, form: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        submit_id = await FORMS[form](app, service, pilot)
        app.clear_notifications()
        screen = app.screen
        await paste_into_every_field(pilot, PASTES)
        registry_before = admin(service).list_registry()
        await submit(pilot, submit_id)
        assert app.is_running
        assert app.screen is screen  # still on the form
        assert not leaks(app)
        if form == "receipt_folder":
            # Cleaned, the last paste is a folder name like any other (relative to the
            # current folder): the receipt is written there, its path shown without escapes.
            (saved,) = Path.cwd().rglob("*.pdf")
            assert saved.parent.relative_to(Path.cwd()) == Path("[b]x[/b][2J]0;t")
            assert str(saved) in compact(said(app))
            return
        refusal = summary_text(screen)
        assert refusal.strip(), "the refusal is said at the top of the form"
        assert clean(refusal)
        # Nothing was recorded from the hostile values.
        assert admin(service).list_registry() == registry_before


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_a_megabyte_paste_does_not_freeze_a_field(
    app: MesApp, service: SimulatedService, form: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        submit_id = await FORMS[form](app, service, pilot)
        for field in fields(app):
            field.focus()
            await pilot.pause()
            field.value = ""
            started = time.monotonic()
            await paste(pilot, MEGABYTE)
            await pilot.pause()
            elapsed = time.monotonic() - started
            assert elapsed < 3, (field.id, elapsed)
            assert len(field.value) <= 4096, (field.id, len(field.value))
        started = time.monotonic()
        await submit(pilot, submit_id)
        assert time.monotonic() - started < 5
        assert app.is_running


# -- names from the registry are shown as written --------------------------------------------------
def import_people(service: SimulatedService, first: str, last: str) -> tuple[str, str]:
    """A holder named ``first last`` with one attached child; returns (NIR, code)."""
    holder_body, child_body = "1750575100200", "2150575100300"
    holder, child = holder_body + nir_key(holder_body), child_body + nir_key(child_body)
    admin(service).import_registry(
        [
            {
                "nir": child,
                "first_name": CHILD_FIRST,
                "last_name": LONG_NAME,
                "birth_date": "2015-03-01",
                "card_type": "sans_photo",
                "card_serial": "0987650001",
            },
            {
                "nir": holder,
                "first_name": first,
                "last_name": last,
                "birth_date": "1975-05-01",
                "card_type": "sans_photo",
                "card_serial": "0987650002",
                "provisional_code": "Ab3dEf5hJk7m",
                "email": "jean.dupont@example.fr",
                "profiles": [child],
            },
        ]
    )
    return holder, "Ab3dEf5hJk7m"


def compact(text: str) -> str:
    """The screen's text without line breaks or runs of spaces (names may wrap)."""
    return " ".join(text.split())


async def visit(pilot: Pilot[None], step: journey.Step) -> str:
    app = pilot.app
    assert isinstance(app, MesApp)
    app.clear_notifications()
    app.restart_at(step)
    await wait_for(pilot, lambda: app.screen.focused is not None)
    await pilot.pause()
    assert not leaks(app), step
    return compact(screen_text(app))


async def test_names_with_markup_render_literally_on_every_screen(
    app: MesApp, service: SimulatedService
) -> None:
    nir, code = import_people(service, MARKUP_FIRST, MARKUP_LAST)
    async with app.run_test(size=(120, 40)) as pilot:
        identified(app, code, nir, CardType.SANS_PHOTO, "0987650002")
        text = await visit(pilot, journey.Step.DECISION)
        assert "Bonjour [b]Jean[/b]" in text
        text = await visit(pilot, journey.Step.HOME)
        assert "[b]Jean[/b] [@click=app.quit]x[/] [$Accent]Dupont 😀" in text
        assert "[Red]Léa[/Red] محمد" in text or "[red]Léa[/red] محمد" in text
        assert app.is_running  # [@click=app.quit] was not a link
        await visit(pilot, journey.Step.CONTACTS)
        await visit(pilot, journey.Step.OPPOSE_CONFIRM)


async def test_a_child_with_a_markup_name_is_managed_literally(
    app: MesApp, service: SimulatedService
) -> None:
    from mes_tui.screens.profile import ProfileScreen

    nir, code = import_people(service, "Jean", "DUPONT")
    async with app.run_test(size=(120, 40)) as pilot:
        identified(app, code, nir, CardType.SANS_PHOTO, "0987650002")
        opposed(app)
        await visit(pilot, journey.Step.HOME)
        (child,) = app.session.person.profiles
        app.push_screen(ProfileScreen(child))
        await wait_for_screen(pilot, ProfileScreen)
        assert not leaks(app)
        text = compact(screen_text(app))
        assert "Léa[/red] محمد" in text or "Léa[/Red] محمد" in text


async def test_deliveries_naming_a_person_pop_up_literally(
    app: MesApp, service: SimulatedService
) -> None:
    nir, _ = import_people(service, MARKUP_FIRST, MARKUP_LAST)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.screen.focused is not None)
        assert app.engine is not None  # it hears the session's messages from now on
        service.request_provisional_code(
            nir[:13], date(1975, 5, 1), CardType.SANS_PHOTO, "0987650002"
        )
        app.show_messages_since(0)  # its message reached the engine through the feed
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        assert not leaks(app)
        assert "Bonjour [b]Jean[/b] [@click=app.quit]x[/] [$accent]DUPONT 😀," in toasts(app)
        await pilot.press("f2")  # the list of simulated messages
        await pilot.pause()
        assert not leaks(app)
        assert "[b]Jean[/b]" in screen_text(app)


# -- a registry written by another program: escapes in stored names are never obeyed ---------------
ESCAPED_FIRST = "\x1b]0;pwned\x07Jean\x1b[2J\u202eluap"
ESCAPED_LAST = "DU\x00PONT\x9b31m\u200b"


def tamper(service: SimulatedService, nir: str, first: str, last: str) -> None:
    service.storage.write(
        lambda conn: conn.execute(
            "UPDATE people SET first_name = ?, last_name = ? WHERE nir = ?", (first, last, nir)
        )
    )


@pytest.mark.parametrize(
    "step",
    [
        journey.Step.DECISION,
        journey.Step.CONTACTS,
        journey.Step.CREDENTIALS,
        journey.Step.HOME,
        journey.Step.OPPOSE_CONFIRM,
        journey.Step.OPPOSED,
        journey.Step.ACTIVATED,
    ],
)
async def test_escapes_in_stored_names_never_reach_the_terminal(
    app: MesApp, service: SimulatedService, step: journey.Step
) -> None:
    identify_martine(app, service)
    tamper(service, MARTINE_NIR, ESCAPED_FIRST, ESCAPED_LAST)
    tamper(service, d.BRIGITTE, ESCAPED_FIRST, ESCAPED_LAST)
    app.engine.refresh()  # the person as the registry now has them
    if step is journey.Step.OPPOSED:
        opposed(app)
    app.session.accepted_terms = True
    app.session.identifier = "\x1b[2Jmartine.l"
    async with app.run_test(size=(120, 40)) as pilot:
        text = await visit(pilot, step)
        assert "\x1b" not in text
        if step in (journey.Step.DECISION, journey.Step.HOME):
            assert "]0;pwnedJean[2Jluap" in text


async def test_escapes_in_simulated_messages_never_reach_the_terminal(
    app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    forged = OutboxMessage(
        channel=Channel.COURRIER,
        to=ESCAPED_FIRST,
        purpose="invitation",
        code=None,
        subject="\x1b[5m",
        body=f"Bonjour {ESCAPED_FIRST},\n\x1b[8msecret",
        sent_at=clock.now(),
    )

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_for(pilot, lambda: app.screen.focused is not None)
        assert app.engine is not None  # it hears the session's messages from now on
        service.feed.publish(forged)  # as the simulation hands a message over
        app.show_messages_since(0)
        await wait_for(pilot, lambda: bool(app.screen.query(Toast)))
        await pilot.pause()
        assert not leaks(app)
        assert "Bonjour ]0;pwnedJean[2Jluap," in toasts(app)
        await pilot.press("f2")
        await pilot.pause()
        assert not leaks(app)
        assert "]0;pwnedJean[2Jluap" in screen_text(app)


# -- delivery failures through the screens ---------------------------------------------------------
@pytest.fixture
def quiet_app(service: SimulatedService) -> Iterator[MesApp]:
    yield MesApp(service=TicketedService(service), show_messages=False)


async def test_a_failed_one_time_code_is_said_consumes_nothing_and_can_be_retried(
    quiet_app: MesApp, service: SimulatedService
) -> None:
    app = quiet_app
    async with app.run_test(size=SIZE) as pilot:
        await at_email(app, service, pilot)
        edit = app.screen
        edit.query_one("#email", Input).value = "nouvelle.adresse@example.fr"
        outbox_before = admin(service).outbox()
        service.delivery.fail_next = 1
        await submit(pilot, "validate")
        assert app.screen is edit  # still on the form, told why
        assert ts.DELIVERY_FAILED in said(app)
        assert admin(service).outbox() == outbox_before
        assert service.get_person(MARTINE_NIR).email == "dlfr-cn5-tma-support-cobra@atos.net"
        # Again at once: no "wait 30 seconds" for a code that never left.
        await submit(pilot, "validate")
        await wait_for(pilot, lambda: app.screen is not edit and bool(app.screen.query("#code")))
        assert len(admin(service).outbox()) == len(outbox_before) + 1
        code = admin(service).outbox()[-1].code
        assert code is not None
        app.screen.query_one("#code", Input).value = code
        await submit(pilot, "validate")
        await wait_for(
            pilot,
            lambda: service.get_person(MARTINE_NIR).email == "nouvelle.adresse@example.fr",
        )


async def test_a_failed_resend_keeps_the_code_already_sent(
    quiet_app: MesApp, service: SimulatedService, clock: FakeClock
) -> None:
    app = quiet_app
    async with app.run_test(size=SIZE) as pilot:
        await at_one_time_code(app, service, pilot)
        code_screen = app.screen
        first = admin(service).outbox()[-1].code
        assert first is not None
        clock.advance(seconds=31)
        service.delivery.fail_next = 1
        resend = code_screen.query_one("#resend", LinkButton)
        resend.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is code_screen
        assert ts.DELIVERY_FAILED in said(app)
        assert admin(service).outbox()[-1].code == first
        code_screen.query_one("#code", Input).value = first
        await submit(pilot, "validate")
        await wait_for(
            pilot,
            lambda: service.get_person(MARTINE_NIR).email == "nouvelle.adresse@example.fr",
        )


def test_the_curated_list_is_intact() -> None:
    # Guards against an editor or a formatter eating the invisible characters of the list.
    categories = {unicodedata.category(ch) for value in PASTES for ch in value}
    assert {"Cc", "Cf", "Nd", "So"} <= categories
    assert any("\x1b" in value for value in PASTES)


async def test_refused_keys_ring_the_bell_once_per_burst_not_once_each(
    app: MesApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys beyond a field's length are refused with the bell. A paste without brackets (or a
    key held down) is hundreds of keys: one bell tells it, one per key would be hundreds of
    writes to a terminal that may be slow or gone."""
    from textual.app import App

    rung: list[float] = []
    monkeypatch.setattr(App, "bell", lambda self: rung.append(time.monotonic()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        code = screen.query_one("#code", Input)
        assert app.focused is code
        await pilot.press(*("A" * (code.max_length + 60)))
        await settle(pilot)
        assert len(code.value) == code.max_length
        assert len(rung) == 1


async def test_nothing_leaves_a_password_or_code_field_by_copy_or_cut(
    service: SimulatedService,
) -> None:
    """Shift+Home then Ctrl+C (or Ctrl+X) in a password or code field copies nothing: neither
    to the terminal's clipboard nor to the app's, which Ctrl+V reads back in another field."""
    app = MesApp(service=TicketedService(service))
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        screen = await open_identification(pilot)
        code = screen.query_one("#code", Input)
        await pilot.press(*MARTINE_CODE)
        for key in ("ctrl+c", "ctrl+x"):
            await pilot.press("shift+home", key)
            await settle(pilot)
            assert code.value == MARTINE_CODE  # cut removed nothing either
        assert copied == []
        assert app.clipboard == ""


async def test_the_next_person_finds_nothing_the_last_one_copied(service: SimulatedService) -> None:
    app = MesApp(service=TicketedService(service))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        screen.query_one("#nir", Input).focus()  # an ordinary field: copy works there
        await pilot.press(*MARTINE_NIR, "shift+home", "ctrl+c")
        await settle(pilot)
        assert app.clipboard.strip() != ""
        await pilot.press("ctrl+n", "tab", "enter")  # next person: yes
        await settle(pilot)
        assert app.clipboard == ""
