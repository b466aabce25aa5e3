"""What keeps screen changes quick: few widgets per screen, a key bar that is one line of text,
errors and help texts built when needed, and the garbage collector kept off the key presses."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from textual.widgets import Footer, Static

from mes_tui import memory
from mes_tui.app import MesApp
from mes_tui.backoffice import BackOffice
from mes_tui.screens.identification import IdentificationScreen
from mes_tui.screens.welcome import WelcomeScreen
from mes_tui.services import TicketedService
from mes_tui.widgets.fields import FormField, HelpPanel
from mes_tui.widgets.keybar import KeyBar
from tests.functional.journey_helpers import (
    SIZE,
    field_error,
    hint_shown,
    press_button,
    screen_text,
    settle,
    tab_to,
    wait_for,
    wait_for_screen,
)
from tests.functional.test_identification import open_identification


def widget_count(screen: Any) -> int:
    return sum(1 for _ in screen.walk_children(with_self=False))


async def test_identification_stays_within_its_widget_budget(app: MesApp) -> None:
    # Every widget costs about a millisecond when a screen opens (BENCHMARKS.md): this screen
    # had 42, it has 27. A new piece that needs more should be built when it is needed.
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        assert widget_count(screen) <= 28
        assert not screen.query(Footer)
        assert len(screen.query(KeyBar)) == 1


async def test_key_bar_lists_the_keys_as_text(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        bar = screen_text(app).splitlines()[-1]
        assert bar.startswith("esc Retour ^q Quitter f1 Aide")
        assert "Nouvelle personne" in bar
        # Keys that are not shown (Tab) are not listed.
        assert "Élément suivant" not in bar


async def test_key_bar_follows_the_password_toggle(app: MesApp, service: Any) -> None:
    from tests.functional.test_credentials import open_credentials

    async with app.run_test(size=SIZE) as pilot:
        await open_credentials(app, service, pilot)
        await pilot.pause()
        assert "f3 Afficher mot de passe" in screen_text(app).splitlines()[-1]
        await pilot.press("f3")
        await wait_for(pilot, lambda: "f3 Masquer mot de passe" in screen_text(app))
        assert "Afficher mot de passe" not in screen_text(app).splitlines()[-1]


@pytest.mark.parametrize("width", [80, 120])
async def test_key_bar_too_long_drops_whole_keys_not_half_words(service: Any, width: int) -> None:
    from tests.functional.test_credentials import open_credentials

    app = MesApp(
        back_office=BackOffice(service=TicketedService(service), messages=service.feed),
        show_messages=True,
    )
    async with app.run_test(size=(width, 24)) as pilot:
        await open_credentials(app, service, pilot)
        await pilot.pause()
        bar = screen_text(app).splitlines()[-1]
        assert bar.startswith("esc Retour f3 Afficher mot de passe ^q Quitter f1 Aide")
        if width == 80:  # 85 columns needed: the last key is left for the key map (F1, ?)
            assert bar.endswith("f2 Messages …")
        else:
            assert bar.endswith("^n Nouvelle personne")


async def test_a_click_on_a_key_runs_it(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        bar = screen.query_one(KeyBar)
        line = screen_text(app).splitlines()[-1]
        await pilot.click(bar, offset=(line.index("Retour"), 0))
        await wait_for_screen(pilot, WelcomeScreen)


async def test_key_bar_unchanged_keys_are_not_redrawn(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        bar = screen.query_one(KeyBar)
        updates: list[object] = []
        original = bar.update

        def spy(*args: Any, **kwargs: Any) -> None:
            updates.append(args)
            original(*args, **kwargs)

        bar.update = spy  # type: ignore[method-assign]
        for field in ("nir", "serial", "code"):
            screen.query_one(f"#{field}").focus()
            await settle(pilot)
        assert updates == []  # moving between text fields offers the same keys
        screen.query_one("#card").focus()
        await wait_for(pilot, lambda: "space Choisir" in screen_text(app).splitlines()[-1])
        assert len(updates) == 1


async def test_error_line_and_help_text_are_built_when_needed(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        code = screen.query_one("#field-code", FormField)
        panel = screen.query_one("#serial-help", HelpPanel)
        assert not code.query(".field-error")
        assert not panel.query(".help-body")

        await press_button(pilot, "continue")
        await settle(pilot)
        assert field_error(screen, "field-code")
        assert len(code.query(".field-error")) == 1
        assert "Erreur : " in screen_text(app)

        # Corrected, the same line is emptied and hidden, not added again.
        await tab_to(pilot, "code")
        await pilot.press(*"HuqZF3KXCz8k")
        await press_button(pilot, "continue")
        await settle(pilot)
        assert field_error(screen, "field-code") is None
        assert not code.has_class("-invalid")
        assert len(code.query(".field-error")) == 1
        assert str(code.query_one(".field-error", Static).render()) == ""

        await tab_to(pilot, "serial")
        await pilot.press("f1")
        await wait_for(pilot, lambda: panel.is_open and bool(panel.query(".help-body")))
        await wait_for(pilot, lambda: "3422" in screen_text(app))


async def test_label_and_hint_are_one_line_pair(app: MesApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        assert hint_shown(screen, "field-nir").startswith("Ex. : 1 55 12 55 555 555 55")
        lines = screen_text(app).splitlines()
        label = next(i for i, line in enumerate(lines) if "Numéro de sécurité sociale" in line)
        assert lines[label + 1].strip().startswith("Ex. : 1 55 12 55")
        # The focus marker moves with the focus, the hint stays.
        assert lines[label].lstrip().startswith("Numéro")
        await tab_to(pilot, "nir")
        await wait_for(pilot, lambda: "> Numéro de sécurité sociale" in screen_text(app))
        assert hint_shown(screen, "field-nir").startswith("Ex. : 1 55 12 55")


async def test_a_quick_answer_does_not_flash_the_progress_line(
    app: MesApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mes_tui import presenters
    from mes_tui.screens.decision import DecisionScreen

    monkeypatch.setattr(presenters, "BUSY_SHOWN_AFTER", 30.0)  # every answer is "quick"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        calls: list[bool] = []

        def spy(shown: bool = True) -> None:
            calls.append(shown)

        monkeypatch.setattr(screen, "_show_busy", spy)
        await fill_martine(pilot)
        await press_button(pilot, "continue")
        await wait_for_screen(pilot, DecisionScreen)
        assert calls == [False]  # only the "hide if shown" at the end


async def test_a_slow_answer_shows_the_progress_line_then_hides_it(
    app: MesApp, service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from mes_tui.screens.decision import DecisionScreen

    release = threading.Event()
    identify = service.identify

    def slow(*args: Any) -> Any:
        release.wait(timeout=10)
        return identify(*args)

    monkeypatch.setattr(service, "identify", slow)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_identification(pilot)
        await fill_martine(pilot)
        await press_button(pilot, "continue")
        await wait_for(pilot, lambda: "Traitement en cours…" in screen_text(app))
        assert screen.query_one("#status").has_class("-shown")
        release.set()
        await wait_for_screen(pilot, DecisionScreen)
        assert "Traitement en cours…" not in screen_text(app)


async def fill_martine(pilot: Any) -> None:
    from tests.functional.journey_helpers import (
        MARTINE_CODE,
        MARTINE_NIR,
        MARTINE_SERIAL,
        SANS_PHOTO_KEY,
        fill_identification,
    )

    await fill_identification(pilot, MARTINE_CODE, MARTINE_NIR, SANS_PHOTO_KEY, MARTINE_SERIAL)


# -- the garbage collector -------------------------------------------------------------------
@pytest.fixture
def unfrozen() -> Any:
    yield
    gc.unfreeze()


async def test_tuned_app_freezes_start_up_objects_after_first_paint(
    service: Any, unfrozen: Any
) -> None:
    gc.unfreeze()
    app = MesApp(service=TicketedService(service), tune_memory=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0)


async def test_untuned_app_leaves_the_collector_alone(service: Any, unfrozen: Any) -> None:
    gc.unfreeze()
    app = MesApp(service=TicketedService(service))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause(0.3)
        assert gc.get_freeze_count() == 0


async def test_collects_once_idle_after_a_screen_change_not_during_typing(
    service: Any, unfrozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections: list[str] = []
    monkeypatch.setattr(memory, "collect_when_idle", lambda: collections.append("gc"))
    monkeypatch.setattr(memory, "settle_after_start", lambda: None)
    app = MesApp(service=TicketedService(service), tune_memory=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause(memory.IDLE_DELAY + 0.2)
        collections.clear()
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        # Typing straight away: no collection while keys come.
        for key in "HuqZF3KX":
            await pilot.press(key)
            await pilot.pause(memory.IDLE_DELAY / 4)
        assert collections == []
        # The screen shown, nobody typing: one collection.
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause(memory.IDLE_DELAY * 2 + 0.2)
        assert collections == ["gc"]


async def test_next_person_empties_textual_render_cache(service: Any) -> None:
    from textual._styles_cache import StylesCache

    app = MesApp(service=TicketedService(service))
    async with app.run_test(size=SIZE) as pilot:
        await open_identification(pilot)
        assert StylesCache.get_inner_outer.cache_info().currsize > 0
        app.wipe()
        await wait_for_screen(pilot, WelcomeScreen)
        # What the welcome screen drew again since, only.
        assert StylesCache.get_inner_outer.cache_info().currsize < 20


async def test_back_to_welcome_freezes_what_the_receipt_loaded_and_nothing_of_the_person(
    service: Any, unfrozen: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first receipt loads fpdf2 and fontTools (about 150 modules): back on the welcome
    screen for the next person, they are frozen like start-up's, but only once the last
    person's screens are collected (a frozen screen would never be)."""
    import weakref

    freezes: list[bool] = []  # at each freeze: is the last person's screen still alive?
    freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: (freezes.append(gone() is not None), freeze()))
    gone: Any = lambda: None  # noqa: E731 - replaced once there is a screen
    app = MesApp(service=TicketedService(service), tune_memory=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: freezes == [False])  # at start
        screen = await open_identification(pilot)
        await fill_martine(pilot)
        gone = weakref.ref(screen)
        # Modules loaded since the freeze, as by a receipt (here: the threshold lowered).
        monkeypatch.setattr(memory, "MODULES_GROWTH", -1_000)
        app.wipe()
        await wait_for_screen(pilot, WelcomeScreen)
        # Something still holds the last person's screen (here: this test): no freeze.
        await pilot.pause(memory.IDLE_DELAY * 2 + 0.2)
        assert len(freezes) == 1
        del screen
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        await wait_for(pilot, lambda: len(freezes) == 2)
        assert freezes == [False, False]  # collected before the freeze, not kept in it
        assert gone() is None
        # Not again while nothing more is loaded.
        monkeypatch.setattr(memory, "MODULES_GROWTH", 50)
        await pilot.press("enter")
        await wait_for_screen(pilot, IdentificationScreen)
        await pilot.press("escape")
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.pause(memory.IDLE_DELAY * 2 + 0.2)
        assert len(freezes) == 2
