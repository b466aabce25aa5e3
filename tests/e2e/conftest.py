"""A real program in a real pseudo-terminal, read through a terminal screen model.

The raw output of a full-screen program interleaves escape sequences with the characters it
draws, and redraws only what changed: text searched in that stream may be split or stale.
``PtyScreen`` feeds the stream to a ``pyte`` screen (an 80×24 VT emulator) and searches its
lines, which hold what a person would see.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS, COLUMNS = 24, 80

# Keys as a terminal sends them.
TAB = "\t"
SHIFT_TAB = "\x1b[Z"
ENTER = "\r"
SPACE = " "
CTRL_Q = "\x11"


def pty_available() -> bool:
    try:
        master, slave = os.openpty()
    except (AttributeError, OSError):
        return False
    os.close(master)
    os.close(slave)
    return True


def program_environment(config_dir: Path) -> dict[str, str]:
    """The caller's environment for a fresh person at an xterm: no data folder inherited (the
    command line names it), no plain mode, no saved preferences, no system keyring."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MES_TUI_") and key not in ("NO_COLOR", "COLUMNS", "LINES")
    }
    env.update(
        TERM="xterm-256color",
        MES_TUI_KEYRING="off",
        MES_TUI_CONFIG_DIR=str(config_dir),
        PYTHONPATH=str(ROOT),
    )
    return env


def mes_tui_json(data_dir: Path, env: dict[str, str], *args: str) -> Any:
    """``mes-tui --data-dir DIR ARGS --json``, as a trainer would run it, parsed."""
    result = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir), *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(result.stdout)


class PtyScreen:
    """``command`` at 80×24 in a pseudo-terminal, and what its screen shows."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        import pexpect  # type: ignore[import-untyped]
        import pyte

        self._pexpect = pexpect
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.raw: list[str] = []
        """Everything the program wrote, escapes included (what the screen model drops, such
        as a clipboard request, can be looked for here)."""
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            env=env,
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(ROWS, COLUMNS),
            timeout=30,
        )

    # -- reading --------------------------------------------------------------------------
    def _read(self, wait: float) -> bool:
        """Feed what the program wrote within ``wait`` seconds; False once it has ended."""
        try:
            chunk = self.child.read_nonblocking(65536, timeout=wait)
        except self._pexpect.TIMEOUT:
            return True
        except self._pexpect.EOF:
            return False
        self.raw.append(chunk)
        self.stream.feed(chunk)
        return True

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def wait_for(self, text: str, timeout: float = 20) -> None:
        """Until ``text`` is on one line of the screen."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines()):
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"{text!r} never shown; the screen:\n{self.text()}")

    def words(self) -> str:
        """The screen's words in reading order, one space between them, frames left out: a
        sentence wrapped over several lines (inside a box, say) is found whole."""
        frames = "".join(chr(c) for c in range(0x2500, 0x2580))  # box drawing
        cleaned = self.text().translate({ord(c): " " for c in frames})
        return " ".join(cleaned.split())

    def wait_for_words(self, text: str, timeout: float = 20) -> None:
        """Until ``text`` (its words, however the screen wraps them) is on the screen."""
        wanted = " ".join(text.split())
        deadline = time.monotonic() + timeout
        while wanted not in self.words():
            if time.monotonic() > deadline or not self._read(0.1):
                raise AssertionError(f"{text!r} never shown; the screen:\n{self.text()}")

    def settle(self, quiet: float = 0.3) -> None:
        """Read until the program has written nothing for ``quiet`` seconds."""
        before = None
        while before != self.lines():
            before = self.lines()
            if not self._read(quiet):
                return

    # -- typing -----------------------------------------------------------------------------
    def send(self, *keys: str, pause: float = 0.25) -> None:
        """Send each key (or run of text), with a short pause after each, as a person leaves
        between fields: focus moves asynchronously."""
        for key in keys:
            self.child.send(key)
            end = time.monotonic() + pause
            while time.monotonic() < end:
                self._read(0.05)

    # -- the end ------------------------------------------------------------------------------
    def wait_exit(self, timeout: float = 20) -> int | None:
        deadline = time.monotonic() + timeout
        while self._read(0.1):
            if time.monotonic() > deadline:
                raise AssertionError(f"the program did not end; the screen:\n{self.text()}")
        self.child.close()
        return self.child.exitstatus  # type: ignore[no-any-return]

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def pty_screen(tmp_path: Path) -> Iterator[Any]:
    """A factory: ``pty_screen(command, env)`` starts a program; every one started is ended.
    Skips only where there is no pseudo-terminal (pexpect and pyte are dev dependencies)."""
    if sys.platform == "win32" or not pty_available():
        pytest.skip("no pseudo-terminal on this system")
    started: list[PtyScreen] = []

    def start(command: list[str], env: dict[str, str]) -> PtyScreen:
        terminal = PtyScreen(command, env)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()
