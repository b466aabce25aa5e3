"""Start-up: the first painted welcome screen loads neither the slow libraries nor the back
office. They come after the first paint, when the person needs them.

Run in a fresh interpreter, through the real command line (arguments, settings, preferences,
logging), with the app driven by Pilot: other tests of this session have long since imported
everything, so ``sys.modules`` here would prove nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Slow to import (fpdf2, keyring, argon2, phonenumbers, email-validator), or only needed once the
# person submits a form or the back office is opened (pydantic, stdnum, sqlite3).
NOT_AT_FIRST_PAINT = (
    "fpdf",
    "keyring",
    "argon2",
    "phonenumbers",
    "email_validator",
    "pydantic",
    "pydantic_core",
    "stdnum",
    "sqlite3",
    "mes_tui.models",
    "mes_tui.services",
)

PROBE = """
import asyncio
import json
import sys

from textual.app import App

found = {}
original_display = App._display


def display(self, screen, renderable):
    original_display(self, screen, renderable)
    if renderable is not None and not found:
        found["screen"] = type(screen).__name__
        found["modules"] = sorted(sys.modules)


def run_with_pilot(self, *args, **kwargs):
    async def drive():
        async with self.run_test(size=(80, 24)) as pilot:
            while not found:
                await pilot.pause(0.01)

    asyncio.run(drive())


App._display = display
App.run = run_with_pilot

from mes_tui import cli

cli._wants_plain = lambda args: False  # standard input is not a terminal here
from mes_tui.__main__ import main

code = main(sys.argv[1:])
print(json.dumps({"code": code, **found}))
"""


def first_paint(tmp_path: Path, *args: str) -> dict[str, object]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MES_TUI_DATA_DIR", "MES_TUI_CONFIG_DIR", "MES_TUI_CONFIG")
    }
    # The default folders, as for a person who just types mes-tui.
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
        MES_TUI_KEYRING="off",
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("with_data_dir", [False, True], ids=["default-folders", "data-dir"])
def test_first_paint_loads_no_slow_library_nor_the_back_office(
    tmp_path: Path, with_data_dir: bool
) -> None:
    args = ("--data-dir", str(tmp_path / "data")) if with_data_dir else ()
    result = first_paint(tmp_path, *args)
    assert result["code"] == 0
    assert result["screen"] == "WelcomeScreen"
    modules = result["modules"]
    assert isinstance(modules, list)
    loaded = sorted(
        name
        for name in NOT_AT_FIRST_PAINT
        if any(m == name or m.startswith(f"{name}.") for m in modules)
    )
    assert loaded == [], f"imported before the first paint: {loaded}"
    assert "mes_tui.screens.welcome" in modules  # the probe did see the app's start


def test_the_app_receives_its_back_office_and_never_builds_one() -> None:
    # The command line builds it from the settings (mes_tui.backoffice), the tests around
    # their own service: an app given neither has no back office to fall back on.
    from mes_tui.app import MesApp

    with pytest.raises(TypeError, match="back office"):
        MesApp()
