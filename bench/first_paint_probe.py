"""Run mes-tui's real start-up path headless (80x24) and stop at the first painted welcome screen.

    .venv/bin/python bench/first_paint_probe.py [--bare] [--modules]
    .venv/bin/python -X importtime bench/first_paint_probe.py 2> imports.txt
    .venv/bin/pyinstrument bench/first_paint_probe.py

It goes through ``mes_tui.__main__.main`` (arguments, settings, preferences, logging, the app)
with only two changes: the app runs headless, and it exits as soon as the welcome screen has
been painted once. ``--bare`` does the same for ``bench/bare_app.py``. It prints the time from
the start of this script to the first paint, and with ``--modules`` the modules loaded by then.
For profiling the start-up, where a real terminal cannot be watched.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def patch_first_paint(app_class: Any, found: dict[str, Any]) -> None:
    """Make ``app_class`` run headless at 80x24 and exit right after its first paint."""
    original_display = app_class._display
    original_run = app_class.run

    def display(self: Any, screen: Any, renderable: Any) -> None:
        original_display(self, screen, renderable)
        if renderable is not None and "ms" not in found:
            found["ms"] = (time.perf_counter() - STARTED) * 1000
            found["cpu_ms"] = time.process_time() * 1000
            found["screen"] = type(screen).__name__
            found["modules"] = sorted(sys.modules)
            self.exit()

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs.update(headless=True, size=(80, 24))
        return original_run(self, *args, **kwargs)

    app_class._display = display
    app_class.run = run


def main() -> int:
    bare = "--bare" in sys.argv
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mes-probe-") as tmp:
        # The default folders (platformdirs), as for a person who just types mes-tui.
        for name in ("MES_TUI_DATA_DIR", "MES_TUI_CONFIG_DIR", "MES_TUI_CONFIG"):
            os.environ.pop(name, None)
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        os.environ.setdefault("MES_TUI_KEYRING", "off")
        if bare:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from textual.app import App

            patch_first_paint(App, found)
            from bare_app import BareApp

            BareApp().run()
        else:
            from textual.app import App

            patch_first_paint(App, found)
            from mes_tui import cli

            cli._wants_plain = lambda args: False  # stdin may not be a terminal here
            from mes_tui.__main__ import main as mes_main

            mes_main([])
    if "--modules" in sys.argv:
        print(json.dumps(found))
    else:
        print(
            f"first paint of {found.get('screen')}: {found.get('ms', float('nan')):.1f} ms "
            f"(process CPU time {found.get('cpu_ms', float('nan')):.1f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
