"""Driving the activation screens like a person: Tab to a field, type, press Enter; then wait
for the service call (a thread worker) to come back. Shared by the identification, new-code,
decision and whole-journey tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.content import Content
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from mes_tui.services import demo
from mes_tui.services.api import MesService
from mes_tui.widgets.fields import ErrorSummary, FormField
from tests.simulation import admin

SIZE = (80, 24)

# Demo people (mes_tui/services/demo.py), as typed at the desk.
MARTINE_NIR = "116304403801618"
MARTINE_NIR_SPACED = "1 16 30 44 038 016 18"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"
MARTINE_BIRTH = ("16", "06", "1976")
MARTINE_MASKED_EMAIL = "dlf*****@atos.net"

KARIM_NIR = demo.KARIM
KARIM_CODE = "Kb6zQ9wEr4Tn"
KARIM_SERIAL = "04512378906"

FRANCOISE_NIR = demo.FRANCOISE
FRANCOISE_CODE = "Fc2eZ8uKd6Wb"
FRANCOISE_SERIAL = "05566778899"

JEANNE_NIR = demo.JEANNE
JEANNE_BIRTH = ("08", "03", "1965")
JEANNE_SERIAL = "01987654321"

LUCAS_NIR = demo.LUCAS
LUCAS_BIRTH = ("11", "06", "1982")
LUCAS_SERIAL = "02468013579"

THOMAS_NIR = demo.THOMAS
THOMAS_CODE = "Tl4cN6gHw8Pj"
THOMAS_SERIAL = "09876543210"

SOPHIE_NIR = demo.SOPHIE
SOPHIE_CODE = "Sr3mV7bXq9Lk"
SOPHIE_SERIAL = "01357924680"

SANS_PHOTO_KEY = "1"
AVEC_PHOTO_KEY = "2"


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10) -> None:
    """Let the app run (thread workers included) until ``condition`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.02)
        await asyncio.sleep(0.01)


async def wait_for_screen(pilot: Pilot[Any], screen_type: type[Screen[Any]]) -> Any:
    """Wait until ``screen_type`` is on top and has placed its first focus; return it."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type))
    await wait_for(pilot, lambda: pilot.app.screen.focused is not None)
    # Focus is placed on mount, before the first layout: wait until the screen is painted.
    await wait_for(pilot, lambda: screen_text(pilot.app).strip() != "")
    await pilot.pause()
    return pilot.app.screen


async def settle(pilot: Pilot[Any], timeout: float = 10) -> None:
    """Let running service calls finish and their results reach the screen: until the screen
    on top, its focus and what it shows stay the same across a pause (a fixed number of
    pauses is not enough on a loaded machine)."""
    await wait_for(pilot, lambda: not getattr(pilot.app.screen, "busy", False), timeout)
    await pilot.app.workers.wait_for_complete()
    deadline = time.monotonic() + timeout
    previous: tuple[object, ...] | None = None
    while time.monotonic() < deadline:
        await pilot.pause()
        app = pilot.app
        now = (app.screen, app.screen.focused, screen_text(app), len(app.screen_stack))
        if now == previous and now[2].strip():
            return
        previous = now
    raise AssertionError("the screen did not settle in time")


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def focused_id(app: Any) -> str | None:
    focused = app.screen.focused
    return focused.id if focused is not None else None


async def tab_to(pilot: Pilot[Any], widget_id: str, *, limit: int = 30) -> None:
    """Press Tab, as a person would, until the widget ``widget_id`` has focus."""
    for _ in range(limit):
        if focused_id(pilot.app) == widget_id:
            return
        await pilot.press("tab")
        await pilot.pause()
    raise AssertionError(f"Tab never reached #{widget_id} (stuck on #{focused_id(pilot.app)})")


async def type_text(pilot: Pilot[Any], text: str, *, key_by_key: bool = False) -> None:
    """Type ``text``: one key event per character, as the terminal sends them.

    By default the keys go out at once, like a fast typist's, and the app catches up (Pilot
    waits for the app to go idle after every key, a few hundredths of a second each, which
    adds up over a whole journey). ``key_by_key`` waits after each key instead: needed where a
    key moves the focus through a message, as the birth-date boxes do when one is full.
    """
    if key_by_key:
        await pilot.press(*text)
        await pilot.pause()
        return
    driver = pilot.app._driver
    assert driver is not None
    for character in text:
        key = character if character.isalnum() else _character_to_key(character)
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def type_in(pilot: Pilot[Any], widget_id: str, text: str) -> None:
    await tab_to(pilot, widget_id)
    await type_text(pilot, text)


async def fill_identification(
    pilot: Pilot[Any], code: str, nir: str, card_key: str | None, serial: str
) -> None:
    """Fill "Je m'identifie" from top to bottom with the keyboard (``card_key``: "1" sans
    photo, "2" avec photo, None to leave the card unchosen)."""
    await type_in(pilot, "code", code)
    await type_in(pilot, "nir", nir)
    if card_key is not None:
        await tab_to(pilot, "card")
        await pilot.press(card_key)
        await pilot.pause()
    await type_in(pilot, "serial", serial)


async def fill_new_code(
    pilot: Pilot[Any],
    nir13: str,
    birth: tuple[str, str, str],
    card_key: str | None,
    serial: str,
) -> None:
    """Fill "Je génère un nouveau code provisoire": the date is typed in one go, the boxes
    move on by themselves as a person expects."""
    await type_in(pilot, "nir", nir13)
    await tab_to(pilot, "birth-day")
    await type_text(pilot, "".join(birth), key_by_key=True)
    if card_key is not None:
        await tab_to(pilot, "card")
        await pilot.press(card_key)
        await pilot.pause()
    await type_in(pilot, "serial", serial)


async def until_pressable(pilot: Pilot[Any], button: Widget) -> None:
    """A Textual button ignores Enter during the 0.2 s of its press effect ("-active"), which
    keeps a double Enter from acting twice; a test pressing it again waits as a person would."""
    await wait_for(pilot, lambda: not button.has_class("-active"))


async def press_button(pilot: Pilot[Any], widget_id: str) -> None:
    """Tab to a button or link and press Enter on it."""
    await tab_to(pilot, widget_id)
    await until_pressable(pilot, pilot.app.screen.query_one(f"#{widget_id}"))
    await pilot.press("enter")
    await pilot.pause()


def text_of(widget: Widget) -> str:
    """The plain text a Static (or any widget rendering Content) shows."""
    if isinstance(widget, Static):
        visual = widget.visual
        return visual.plain if isinstance(visual, Content) else str(visual)
    rendered = widget.render()
    return rendered.plain if isinstance(rendered, Content) else str(rendered)


def field_error(screen: Screen[Any], field_id: str) -> str | None:
    """The error shown next to the field (without "Erreur : "), or None."""
    form_field = screen.query_one(f"#{field_id}", FormField)
    if form_field.error is None:
        return None
    shown = text_of(form_field.query_one(".field-error", Static))
    assert form_field.has_class("-invalid")
    assert shown.startswith("Erreur : "), shown
    return shown.removeprefix("Erreur : ")


def hint_shown(screen: Screen[Any], field_id: str) -> str:
    """The hint shown under the field's label (the lines after the label)."""
    heading = text_of(screen.query_one(f"#{field_id} .field-label", Static))
    return "\n".join(heading.splitlines()[1:])


def summary_text(screen: Screen[Any]) -> str:
    """The error summary at the top of the form ("" while it is hidden)."""
    summary = screen.query_one("#summary", ErrorSummary)
    return text_of(summary) if summary.has_class("-shown") else ""


def newest_code(service: MesService, purpose: str = "code_provisoire") -> str:
    """The code carried by the newest simulated message for ``purpose``."""
    for message in reversed(admin(service).outbox()):
        if message.purpose == purpose and message.code is not None:
            return message.code
    raise AssertionError(f"no {purpose} message in the outbox")


def identified(app: Any, code: str, nir: str, card_type: Any, serial: str) -> Any:
    """The person identified through the app's journey engine, as the identification screen
    leaves them (their ticket kept for the calls that follow); the person is returned."""
    from mes_tui.engine import Go

    outcome = app.engine.identify(code, nir, card_type, serial)
    assert isinstance(outcome, Go), outcome
    return app.session.person


def opposed(app: Any) -> Any:
    """The identified person's opposition, recorded through the app's engine; the person as
    the registry now has them is returned."""
    from mes_tui.engine import Go

    outcome = app.engine.oppose()
    assert isinstance(outcome, Go), outcome
    return app.session.person
