"""Every state reads in plain text, the terminal cursor follows focus, and everything is
reachable from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from mes_tui import journey
from mes_tui.app import MesApp
from mes_tui.models import CardType
from mes_tui.preferences import Preferences, load
from mes_tui.screens.confirm import ConfirmScreen
from mes_tui.screens.keys import KeysScreen
from mes_tui.screens.login import LoginScreen
from mes_tui.screens.settings import SettingsScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import TicketedService
from mes_tui.texts import ui as t
from mes_tui.widgets.choice_list import ChoiceList
from mes_tui.widgets.controls import Tick
from tests.functional.conftest import MARTINE_CODE, MARTINE_NIR, MARTINE_SERIAL
from tests.functional.journey_helpers import focused_id, identified, settle, wait_for_screen
from tests.screen_text import screen_lines, screen_text


async def at_decision(app: MesApp, service, pilot) -> None:  # type: ignore[no-untyped-def]
    identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
    app.restart_at(journey.Step.DECISION)
    await settle(pilot)


# -- legible without colour ----------------------------------------------------------------
async def test_checked_and_unchecked_box_differ_in_text(app: MesApp, service) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await at_decision(app, service, pilot)
        await pilot.press("1")
        await settle(pilot)
        unchecked = screen_text(app)
        assert "[ ] J'accepte les Conditions" in unchecked
        app.screen.query_one("#terms", Tick).focus()
        await pilot.press("space")
        await settle(pilot)
        checked = screen_text(app)
        assert "[x] J'accepte les Conditions" in checked
        assert checked != unchecked


async def test_selected_choice_and_focus_marker_in_text(app: MesApp, service) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await at_decision(app, service, pilot)
        text = screen_text(app)
        assert ">( ) 1. J'active Mon espace santé" in text  # focused, nothing chosen
        assert " ( ) 2. Je m'oppose" in text
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(app)
        assert "( ) 1. J'active" in text
        assert ">(•) 2. Je m'oppose" in text
        await pilot.press("tab")
        await settle(pilot)
        text = screen_text(app)
        assert " (•) 2. Je m'oppose" in text  # still chosen, no longer focused
        assert "[>Continuer<]" in text


async def test_field_in_error_reads_erreur_and_summary(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Commencer
        await settle(pilot)
        app.screen.query_one("#continue").focus()
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Il y a 4 erreurs à corriger" in text
        # Focus moved to the first field in error, whose label carries the marker.
        assert isinstance(app.focused, Input) and app.focused.id == "code"
        lines = screen_lines(app)
        assert any(line.strip().startswith("> Code provisoire") for line in lines)
        app.screen.query_one("#code", Input).scroll_visible(animate=False)
        await settle(pilot)
        assert "Erreur : Saisissez le code provisoire" in screen_text(app)


async def test_focused_button_differs_in_text(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "[>Commencer<]" in screen_text(app)
        await pilot.press("tab")
        await settle(pilot)
        text = screen_text(app)
        assert "[ Commencer ]" in text
        assert "> Générer un nouveau code provisoire" in text


# -- the terminal cursor follows focus --------------------------------------------------------
def _expected_cursor(app: MesApp) -> tuple[int, int]:
    focused = app.focused
    assert focused is not None
    region = focused.content_region
    dx, dy = focused.cursor_offset() if hasattr(focused, "cursor_offset") else (0, 0)  # type: ignore[attr-defined]
    return (region.x + dx, region.y + dy)


async def test_cursor_follows_tab_and_shift_tab(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen = []
        for key in ("tab", "tab", "shift+tab", "shift+tab"):
            await pilot.press(key)
            await settle(pilot)
            assert tuple(app.cursor_position) == _expected_cursor(app)
            seen.append(tuple(app.cursor_position))
        assert len(set(seen)) >= 2  # it really moved
        # On the welcome screen, Commencer is first: the cursor sits on its marker.
        assert app.focused is not None and app.focused.id == "start"


async def test_cursor_follows_screen_changes(app: MesApp, service) -> None:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(80, 24)) as pilot:
        await at_decision(app, service, pilot)
        assert isinstance(app.focused, ChoiceList)
        assert tuple(app.cursor_position) == _expected_cursor(app)
        await pilot.press("down")
        await settle(pilot)
        x, y = _expected_cursor(app)
        assert tuple(app.cursor_position) == (x, y)
        await pilot.press("escape")  # back to welcome
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert tuple(app.cursor_position) == _expected_cursor(app)


async def test_cursor_is_in_the_input_when_typing(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Huq")
        await settle(pilot)
        field = app.screen.query_one("#code", Input)
        assert app.focused is field
        assert app.cursor_position.y == field.content_region.y
        assert app.cursor_position.x >= field.content_region.x + 3


# -- keys, help, quit ----------------------------------------------------------------------------
async def test_question_mark_and_f1_open_the_keyboard_map(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert "Ctrl+N" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")  # no field with help here: the map again
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)


async def test_question_mark_types_in_a_field(app: MesApp) -> None:
    # In a field "?" is a character: taken where the format allows it, refused (the bell)
    # where it does not; the keyboard map opens from neither.
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert not isinstance(app.screen, KeysScreen)
        assert app.screen.query_one("#code", Input).value == ""  # not in a code
        app.goto(journey.Step.LOGIN)
        await wait_for_screen(pilot, LoginScreen)
        assert focused_id(app) == "identifier"
        await pilot.press("question_mark")
        await settle(pilot)
        assert not isinstance(app.screen, KeysScreen)
        assert app.screen.query_one("#identifier", Input).value == "?"


async def test_f1_opens_the_help_of_the_focused_field(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#nir").focus()
        await pilot.press("f1")
        await settle(pilot)
        assert "[-] Où trouver mon numéro de sécurité sociale" in screen_text(app)
        assert "attestation de droits" in screen_text(app)


async def test_quit_asks_when_something_was_typed(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Huq")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")  # no: stay
        await settle(pilot)
        assert app.screen.query_one("#code", Input).value == "Huq"
        await pilot.press("ctrl+q")
        await settle(pilot)
        app.screen.query_one("#yes").focus()
        await pilot.press("enter")
        await settle(pilot)
    assert app.return_code == 0


async def test_quit_without_data_does_not_ask(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


# -- colours ----------------------------------------------------------------------------------
async def test_settings_change_theme_and_are_remembered(service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = MesApp(service=TicketedService(service), preferences=Preferences(), save_preferences=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("3")  # high contrast
        await settle(pilot)
        assert app.theme == "mes-contraste"
        app.screen.query_one("#show-cursor", Tick).focus()
        await pilot.press("space")
        app.screen.query_one("#save").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)
        assert app.theme == "mes-contraste"
    saved = load()
    assert saved.theme == "mes-contraste"
    assert saved.show_cursor is True


@pytest.mark.parametrize("writable", [True, False], ids=["saved", "not-writable"])
async def test_settings_say_whether_they_were_saved(  # type: ignore[no-untyped-def]
    service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writable: bool
) -> None:
    """On an SSH host the preferences folder is not the account's to write: the settings still
    apply to the session, and the notice says they were not saved."""
    if not writable:
        (tmp_path / "a-file").write_text("")
        monkeypatch.setenv("MES_TUI_CONFIG_DIR", str(tmp_path / "a-file" / "mes-tui"))
    app = MesApp(service=TicketedService(service), preferences=Preferences(), save_preferences=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("3")  # high contrast
        app.screen.query_one("#save").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "mes-contraste"
        notices = [n.message for n in app._notifications]
    expected = t.SETTINGS_SAVED if writable else t.SETTINGS_FOR_THIS_SESSION
    assert notices == [expected]
    assert (load().theme == "mes-contraste") is writable


async def test_settings_escape_undoes_the_preview(service) -> None:  # type: ignore[no-untyped-def]
    app = MesApp(service=TicketedService(service), preferences=Preferences(theme="mes-sombre"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.theme == "ansi-dark"
        await pilot.press("escape")
        await settle(pilot)
        assert app.theme == "mes-sombre"


# -- size -------------------------------------------------------------------------------------
STEPS_AFTER_IDENTIFICATION = (
    journey.Step.DECISION,
    journey.Step.CONTACTS,
    journey.Step.CREDENTIALS,
    journey.Step.OPPOSE_CONFIRM,
)


async def _every_focusable_in_view(app: MesApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Tab through the screen: each focused element is on screen (the body scrolls to it)
    and nothing needs horizontal scrolling."""
    from textual.containers import VerticalScroll

    body = app.screen.query_one("#body", VerticalScroll)
    assert body.max_scroll_x == 0, f"{app.screen} scrolls sideways"
    seen = set()
    for _ in range(25):
        focused = app.focused
        if focused is None or id(focused) in seen:
            break
        seen.add(id(focused))
        region = focused.region
        assert region.height > 0, f"{focused} has no height in {app.screen}"
        assert app.screen.region.overlaps(region), f"{focused} is out of view in {app.screen}"
        await pilot.press("tab")
        await settle(pilot)


async def test_every_screen_fits_80x24_and_60x20(service) -> None:  # type: ignore[no-untyped-def]
    for size in ((80, 24), (60, 20)):
        app = MesApp(service=TicketedService(service))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for step in (journey.Step.IDENTIFY, journey.Step.NEW_CODE):
                app.start_journey(journey.Branch.ACTIVATION, step)
                await settle(pilot)
                await _every_focusable_in_view(app, pilot)
                app.back_to_welcome()
                await settle(pilot)
            identified(app, MARTINE_CODE, MARTINE_NIR, CardType.SANS_PHOTO, MARTINE_SERIAL)
            for step in STEPS_AFTER_IDENTIFICATION:
                app.restart_at(step)
                await settle(pilot)
                await _every_focusable_in_view(app, pilot)


async def test_vitale_cards_stack_whole_when_the_terminal_is_narrow(app: MesApp) -> None:
    from mes_tui.widgets.card_choice import CardTypeChoice

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.start_journey(journey.Branch.ACTIVATION, journey.Step.IDENTIFY)
        await settle(pilot)
        card = app.screen.query_one("#card", CardTypeChoice)
        card.focus()
        await settle(pilot)
        side_by_side = [line for line in screen_lines(app) if "avec photo" in line]
        assert side_by_side and "sans photo" in side_by_side[0]  # one row, both cards
        for width in (60, 80, 60):
            await pilot.resize_terminal(width, 20)
            await settle(pilot)
            body = app.screen.query_one("#body").content_region
            assert card.region.right <= body.right, (width, card.region, body)
            drawn = card.render().plain.splitlines()  # all of it, on screen or below
            avec = next(line for line in drawn if "│     avec photo" in line)
            if width == 60:  # one card a row, each closed by its right border
                assert avec.rstrip().endswith("│") and len(drawn) == 12
                assert not any("sans photo" in line and "avec photo" in line for line in drawn)
            else:
                assert "sans photo" in avec and len(drawn) == 6


async def test_resizing_keeps_what_was_typed(app: MesApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*MARTINE_CODE)
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert app.screen.query_one("#code", Input).value == MARTINE_CODE
        assert app.focused is app.screen.query_one("#code", Input)


async def test_keys_read_in_one_burst_keep_their_order_across_tab(app: MesApp) -> None:
    """Typed fast, pasted, or held back by a slow link: a choice, Tab, then a serial arrive
    together; each must land where the person meant it."""
    from textual import events

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.start_journey(journey.Branch.ACTIVATION, journey.Step.IDENTIFY)
        await settle(pilot)
        app.screen.query_one("#card").focus()
        await settle(pilot)
        for ch in "1\t" + MARTINE_SERIAL:
            key = "tab" if ch == "\t" else ch
            app.post_message(events.Key(key, None if ch == "\t" else ch))
        for _ in range(10):
            await pilot.pause()
        assert app.screen.query_one("#card").value == "sans_photo"  # type: ignore[attr-defined]
        assert app.screen.query_one("#serial", Input).value == MARTINE_SERIAL


async def test_a_key_that_shows_a_field_is_followed_by_keys_that_reach_it(
    app: MesApp, service
) -> None:  # type: ignore[no-untyped-def]
    """ "1" (J'active) makes the terms box appear: a Tab and a Space read in the same burst
    must tick it, not skip it because the screen had not yet shown it."""
    from textual import events

    from mes_tui.widgets.controls import Tick

    async with app.run_test(size=(80, 24)) as pilot:
        await at_decision(app, service, pilot)
        assert focused_id(app) == "decision"
        for key, character in (("1", "1"), ("tab", None), ("space", " ")):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert app.screen.query_one("#terms", Tick).value is True
        assert focused_id(app) == "terms"
