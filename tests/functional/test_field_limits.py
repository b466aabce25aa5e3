"""Every field holds at most what its format allows (``mes_tui.formats``), typed or pasted:
what goes beyond is left out with the bell, and the field says, in French and next to it, that
its maximum is reached. Characters the format does not take are left out the same way, on the
keyboard as from a paste (bracketed or not); separators of a number are taken silently.

docs/limites.md, « Saisie au clavier ».
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from mes_tui import formats, journey
from mes_tui.app import MesApp
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.idle import IdleScreen
from mes_tui.texts import ui as t
from mes_tui.widgets.fields import FormField
from mes_tui.widgets.inputs import FormatInput
from tests.functional.journey_helpers import (
    MARTINE_NIR,
    SIZE,
    screen_text,
    settle,
    type_text,
    wait_for,
    wait_for_screen,
)
from tests.functional.test_desk import Monotonic, checks_ran, idle_app
from tests.functional.test_hostile_input import FORMS

# (form, field id): the format, and the field's maximum length on screen (with the spaces a
# grouped field lays out).
EXPECTED: dict[tuple[str, str], tuple[formats.FieldFormat, int]] = {
    ("identification", "code"): (formats.PROVISIONAL_CODE, 12),
    ("identification", "nir"): (formats.NIR, 15 + 6),
    ("identification", "serial"): (formats.SERIAL, 13),
    ("new_code", "nir"): (formats.NIR_WITHOUT_KEY, 13 + 5),
    ("new_code", "birth-day"): (formats.DAY, 2),
    ("new_code", "birth-month"): (formats.MONTH, 2),
    ("new_code", "birth-year"): (formats.YEAR, 4),
    ("new_code", "serial"): (formats.SERIAL, 13),
    ("login", "identifier"): (formats.IDENTIFIER, 100),
    ("login", "password"): (formats.PASSWORD, 128),
    ("email", "email"): (formats.EMAIL, 254),
    ("mobile", "mobile-input"): (formats.MOBILE, 20),
    ("one_time_code", "code"): (formats.OTP, 6),
    ("credentials", "identifier"): (formats.IDENTIFIER, 100),
    ("credentials", "password"): (formats.PASSWORD, 128),
    ("credentials", "confirmation"): (formats.PASSWORD, 128),
    ("receipt_folder", "folder"): (formats.FOLDER, 4096),
}
# What the fields take (a character each format allows) and a line that has, for every field,
# characters it takes, separators, characters it does not, and more than the shorter fields hold.
SAMPLE = {
    None: "a",
    formats.PROVISIONAL_CODE: "K",
    formats.MOBILE: "6",
}
LINE = "Huq-ZF3 KXCz8k é?[31m 1 16 30 44 038 016 18 2A 99 06.11.12.13.14 a@b.fr /tmp/x 2024 "


def test_the_lengths_are_those_of_the_models() -> None:
    from mes_tui.models import credentials, vitale

    assert formats.SERIAL.limit == max(vitale.SANS_PHOTO_LENGTHS)
    assert vitale.AVEC_PHOTO_TYPED_LENGTH <= formats.SERIAL.limit
    assert formats.IDENTIFIER.limit == credentials.IDENTIFIER_MAX
    assert {form for form, _ in EXPECTED} == set(FORMS)


def sample(fmt: formats.FieldFormat) -> str:
    if fmt in SAMPLE:
        return SAMPLE[fmt]
    return "7" if fmt.allowed is not None else SAMPLE[None]


def field_of(control: Input) -> FormField:
    return next(node for node in control.ancestors if isinstance(node, FormField))


async def open_form(app: MesApp, service: Any, pilot: Pilot[None], form: str) -> list[Input]:
    await FORMS[form](app, service, pilot)
    app.clear_notifications()
    await settle(pilot)
    return [field for field in app.screen.query(Input) if field.focusable]


async def refocus(pilot: Pilot[None], control: Input, value: str = "") -> None:
    """``control`` focused, holding ``value``, the cursor at its end, every field of the
    screen else emptied (the date boxes pass digits on to one another)."""
    for other in pilot.app.screen.query(FormatInput):
        other.value = ""
    control.focus()
    await pilot.pause()
    control.value = value
    control.action_end()
    await pilot.pause()


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_every_field_has_the_maximum_of_its_format(
    app: MesApp, service: Any, form: str
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        controls = await open_form(app, service, pilot, form)
        found = {(form, control.id): control for control in controls}
        assert set(found) == {key for key in EXPECTED if key[0] == form}
        for key, control in found.items():
            fmt, max_length = EXPECTED[key]
            assert isinstance(control, FormatInput), key
            assert control.field_format == fmt, key
            assert control.max_length == max_length, key


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_a_field_refuses_beyond_its_maximum_and_says_so(
    app: MesApp, service: Any, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rung: list[float] = []
    monkeypatch.setattr(App, "bell", lambda self: rung.append(time.monotonic()))
    async with app.run_test(size=SIZE) as pilot:
        for control in await open_form(app, service, pilot, form):
            assert isinstance(control, FormatInput)
            fmt = control.field_format
            ch = sample(fmt)
            # Three more than the field holds: all typed for the short fields; the long ones
            # are filled but for two first.
            start = 0 if fmt.limit <= 20 else fmt.limit - 2
            await refocus(pilot, control, ch * start)
            rung.clear()
            app._last_bell = -1.0  # the last field's bell does not count for this one
            await type_text(pilot, ch * (fmt.limit - start + 3))
            await settle(pilot)
            compact = control.value.replace(" ", "") if fmt.allowed is not None else control.value
            assert len(control.value) == control.max_length, control.id
            assert compact == ch * fmt.limit, control.id
            if control.typing_moves_focus and control.id != "birth-year":
                continue  # the digits went on into the next box: nothing refused here
            said = t.LIMIT_REACHED.format(count=fmt.limit)
            assert field_of(control).note == said, control.id
            assert len(rung) == 1, control.id  # one bell for the burst
            if form == "identification":
                assert said in screen_text(app)
            # One character less: the field is no longer at its maximum, and says nothing.
            control.focus()
            await pilot.press("backspace")
            await settle(pilot)
            assert field_of(control).note is None, control.id


@pytest.mark.parametrize("form", sorted(FORMS))
async def test_a_paste_is_filtered_as_typing_is(app: MesApp, service: Any, form: str) -> None:
    """The same line typed key by key (a paste the terminal does not bracket) and pasted
    (bracketed, with an escape sequence, a bidi override and a second line) leaves the same
    value in each field, and says the same thing."""
    pasted = "\u202e" + LINE.replace("[31m", "\x1b[31m") + "\n2e ligne\x1b[2J"
    async with app.run_test(size=SIZE) as pilot:
        for control in await open_form(app, service, pilot, form):
            assert isinstance(control, FormatInput)
            await refocus(pilot, control)
            await type_text(pilot, LINE)
            await settle(pilot)
            typed, typed_note = control.value, field_of(control).note
            await refocus(pilot, control)
            assert field_of(control).note is None
            app.post_message(events.Paste(pasted))
            await settle(pilot)
            assert control.value == typed, control.id
            assert len(control.value) <= control.max_length, control.id
            assert all(ch not in control.value for ch in "\x1b\u202e\n"), control.id
            fmt = control.field_format
            if fmt.allowed is not None:
                assert set(control.value) <= fmt.allowed | {" "}, control.id
            if not control.typing_moves_focus:
                assert field_of(control).note == typed_note, control.id


async def test_what_the_code_and_the_nir_keep_of_a_paste(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        app.goto(journey.Step.IDENTIFY)
        screen = await wait_for_screen(pilot, IdentificationScreen)
        code = screen.query_one("#code", FormatInput)
        app.post_message(events.Paste("  HuqZF3KXCz8k  \n"))  # copied from a message
        await settle(pilot)
        assert code.value == "HuqZF3KXCz8k"
        assert field_of(code).note is None  # nothing left out but the spaces
        app.post_message(events.Paste("\x1b[1mHuq-ZF3-KXCz8k-2024\x1b[0m"))
        await settle(pilot)
        assert code.value == "HuqZF3KXCz8k"  # the field was full: nothing more goes in
        assert field_of(code).note == t.LIMIT_REACHED.format(count=12)
        nir = screen.query_one("#nir", FormatInput)
        nir.focus()
        await pilot.pause()
        app.post_message(events.Paste("n° 1.16.30.44.038.016 18 (clé) 42"))
        await settle(pilot)
        assert nir.value == "1 16 30 44 038 016 18"
        assert field_of(nir).note == t.LIMIT_REACHED.format(count=15)


async def test_a_burst_beyond_the_maximum_then_tab_reaches_the_next_field(app: MesApp) -> None:
    """Characters for the code, more than it holds, Tab twice and a NIR, read in one burst:
    the code keeps its 12, nothing of the excess reaches the NIR, which gets its digits."""
    async with app.run_test(size=SIZE) as pilot:
        app.goto(journey.Step.IDENTIFY)
        screen = await wait_for_screen(pilot, IdentificationScreen)
        for ch in "K" * 30 + "\t\t" + MARTINE_NIR:
            key = "tab" if ch == "\t" else ch
            app.post_message(events.Key(key, None if ch == "\t" else ch))
        await settle(pilot)
        assert screen.query_one("#code", Input).value == "K" * 12
        assert screen.query_one("#nir", FormatInput).value.replace(" ", "") == MARTINE_NIR
        assert app.focused is screen.query_one("#nir")


async def test_a_refused_key_counts_as_activity_for_the_idle_wipe(service: Any) -> None:
    clock = Monotonic()
    app = idle_app(service, clock, timeout=300)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.goto(journey.Step.IDENTIFY)
        await wait_for_screen(pilot, IdentificationScreen)
        await type_text(pilot, "K" * 12)
        await settle(pilot)
        clock.advance(290)
        await pilot.press("K")  # refused (the field is full), but the person is there
        await settle(pilot)
        clock.advance(20)  # 310 s since the code was typed, 20 s since the refused key
        await checks_ran(pilot, clock)
        assert not isinstance(app.screen, IdleScreen)
        clock.advance(290)
        await wait_for(pilot, lambda: isinstance(app.screen, IdleScreen))


def test_no_priority_binding_is_on_a_printable_key() -> None:
    """The app refuses a character typed into a full field before Textual's bindings: a
    priority binding on a printable key would be skipped then."""
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.keys import _character_to_key

    import mes_tui

    ascii_printable = [chr(c) for c in range(32, 127)]
    printable = set(ascii_printable) | {_character_to_key(ch) for ch in ascii_printable}
    for module in pkgutil.walk_packages(mes_tui.__path__, "mes_tui."):
        if module.name.startswith(("mes_tui.plain", "mes_tui.__main__")):
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            for binding in getattr(value, "BINDINGS", None) or []:
                if isinstance(binding, Binding) and binding.priority:
                    keys = {key.strip() for key in binding.key.split(",")}
                    assert not keys & printable, (value, binding)
