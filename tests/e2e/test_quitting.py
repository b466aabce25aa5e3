"""Leaving, however it happens: the process always ends, on time, with the documented exit code
and no error printed.

Each test starts the real program in a pseudo-terminal whose other side (the "master") this
test holds, as a terminal emulator or sshd does, and ends it at a chosen moment, 20 times with
timings drawn from a seeded generator (the seed is the try's number: a failure can be replayed):

* by Ctrl+Q (exit 0), SIGHUP (129), SIGTERM (143), or by closing the terminal (129, the
  kernel's SIGHUP), right after a screen change, during the idle countdown, during a slow
  back-office call (the registry held locked by this test) and while the next screen is being
  built ahead;
* by closing the terminal during a paste, during a screen change and while the program's output
  is blocked (nobody reads it): it must be gone within 2 seconds.

"No error printed": the program draws on its terminal (Textual writes to standard error), so
what it writes after leaving the alternate screen is read back and must hold no traceback or
error, and its log no error.
"""

from __future__ import annotations

import os
import random
import re
import select
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import COLUMNS, ENTER, ROWS, TAB, program_environment, pty_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(sys.platform == "win32" or not pty_available(), reason="no pseudo-terminal"),
]

TRIES = 20
CTRL_Q = b"\x11"
WAYS = ("ctrl+q", "sighup", "sigterm", "terminal closed")
EXIT_CODES = {"ctrl+q": 0, "sighup": 129, "sigterm": 143, "terminal closed": 129}
QUIT_BOUND = 6.0
"""Seconds a quit or a signal may take at most (``lifeline.QUIT_GRACE`` and a margin)."""
LOST_BOUND = 2.0
"""Seconds a process whose terminal is gone may take at most."""
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_=>78])")

MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_NIR = "116304403801618"
MARTINE_SERIAL = "01024576124"


class Terminal:
    """The program in a pseudo-terminal: what it shows (a ``pyte`` screen), what it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pyte
        from ptyprocess import PtyProcess  # type: ignore[import-untyped]

        self.proc = PtyProcess.spawn(argv, env=env, dimensions=(ROWS, COLUMNS))
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self.open = True

    # -- reading ----------------------------------------------------------------------------
    def pump(self, wait: float) -> bool:
        """Read what came within ``wait`` seconds; False once the program's side is closed."""
        if not self.open:
            return False
        ready, _, _ = select.select([self.proc.fd], [], [], wait)
        if not ready:
            return True
        try:
            chunk = os.read(self.proc.fd, 65536)
        except OSError:  # EIO: every process on the other side has gone
            chunk = b""
        if not chunk:
            return False
        self.output += chunk
        self.stream.feed(chunk)
        return True

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, text: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text():
            if time.monotonic() > deadline or not self.pump(0.05):
                raise AssertionError(f"{text!r} never shown; the screen:\n{self.text()}")

    def read_for(self, seconds: float) -> None:
        """Keep reading (the program must not block on its output) for ``seconds``."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self.pump(min(0.05, max(0.0, end - time.monotonic()))):
            pass

    # -- acting -------------------------------------------------------------------------------
    def send(self, data: bytes | str) -> None:
        os.write(self.proc.fd, data.encode() if isinstance(data, str) else data)

    def close_terminal(self) -> None:
        """What a terminal emulator killed, or sshd on a dropped connection, does."""
        self.open = False
        self.proc.fileobj.close()
        self.proc.closed = True

    # -- the end --------------------------------------------------------------------------------
    def wait_end(self, bound: float) -> int:
        """The exit code (-N if killed by signal N), reading meanwhile; fails after ``bound``
        seconds."""
        start = time.monotonic()
        while self.proc.isalive():
            if time.monotonic() - start > bound:
                self.proc.kill(signal.SIGKILL)
                raise AssertionError(
                    f"still running {bound} s after being told to end; the screen:\n{self.text()}"
                )
            if not self.pump(0.02):
                time.sleep(0.01)  # nothing left to read: only waiting for the process now
        if self.open:
            self.read_for(0.2)  # what it wrote last
        status = self.proc.exitstatus
        return int(status) if status is not None else -int(self.proc.signalstatus or 0)

    def kill(self) -> None:
        with suppress(Exception):
            if self.proc.isalive():
                self.proc.kill(signal.SIGKILL)
        with suppress(Exception):
            if self.open:
                self.proc.fileobj.close()
                self.proc.closed = True

    def printed_after_leaving(self) -> str:
        """The text (escape sequences removed) written once the app left its screen."""
        at = self.output.rfind(LEAVE_ALT_SCREEN)
        rest = self.output[at + len(LEAVE_ALT_SCREEN) :] if at >= 0 else self.output
        return ESCAPES.sub(b"", bytes(rest)).decode("utf-8", "replace").strip()


@pytest.fixture
def program(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """A factory: ``program(**env)`` starts mes-tui on its own data folder; all are ended."""
    started: list[Terminal] = []

    def start(**extra_env: str) -> Terminal:
        env = program_environment(tmp_path / "config")
        env.update(extra_env)
        argv = [sys.executable, "-m", "mes_tui", "--data-dir", str(tmp_path / "data")]
        terminal = Terminal(argv, env)
        started.append(terminal)
        terminal.wait_for(">Commencer<")  # painted, and the focus on it
        return terminal

    yield start
    for terminal in started:
        terminal.kill()


def log_errors(tmp_path: Path) -> list[str]:
    log = tmp_path / "data" / "mes-tui.log"
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line for line in lines if " ERROR " in line or "Traceback" in line]


def end(terminal: Terminal, way: str) -> None:
    """End the program ``way``; Ctrl+Q answers yes if it asks to confirm."""
    if way == "ctrl+q":
        terminal.send(CTRL_Q)
        deadline = time.monotonic() + QUIT_BOUND
        while terminal.proc.isalive() and time.monotonic() < deadline:
            if "Quitter Mon espace santé ?" in terminal.text():
                terminal.send(TAB)  # from "no", the safe answer, to "yes"
                terminal.read_for(0.1)
                terminal.send(ENTER)
                return
            if not terminal.pump(0.02):
                return
    elif way == "sighup":
        terminal.proc.kill(signal.SIGHUP)
    elif way == "sigterm":
        terminal.proc.kill(signal.SIGTERM)
    else:
        terminal.close_terminal()


def check_ended(terminal: Terminal, way: str, tmp_path: Path) -> None:
    bound = LOST_BOUND if way == "terminal closed" else QUIT_BOUND
    code = terminal.wait_end(bound)
    assert code == EXIT_CODES[way], f"{way}: exit {code}; the screen:\n{terminal.text()}"
    if way != "terminal closed":
        assert re.search(r"Traceback|Error|Erreur", terminal.printed_after_leaving()) is None
    assert log_errors(tmp_path) == []


def identify_martine(terminal: Terminal) -> None:
    """Fill "Je m'identifie" with the keys a person presses: code, (the link to a new code),
    NIR, (its help), card 1 = sans photo, serial."""
    terminal.send(MARTINE_CODE + TAB + TAB)
    terminal.wait_for("> Numéro de sécurité sociale")
    terminal.send(MARTINE_NIR)
    terminal.wait_for("1 16 30 44 038 016 18")
    terminal.send(TAB + TAB + "1" + TAB)
    terminal.wait_for("> Numéro de série de carte Vitale")
    terminal.send(MARTINE_SERIAL)
    terminal.wait_for(MARTINE_SERIAL)


@contextmanager
def registry_locked(tmp_path: Path) -> Iterator[None]:
    """Another process holds the registry's write lock: every write of the app waits. The
    registry is the app's to make (when the journey starts, in the background): waited for,
    never made here, where it would be an empty file, which the app refuses."""
    registry = tmp_path / "data" / "registry.sqlite3"
    deadline = time.monotonic() + 20
    while not registry.exists():
        assert time.monotonic() < deadline, "the app did not make its registry"
        time.sleep(0.02)
    uri = f"{registry.as_uri()}?mode=rw"
    with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
        conn.isolation_level = None
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")


def open_identification(terminal: Terminal) -> None:
    terminal.send(ENTER)
    terminal.wait_for("> Code provisoire")  # painted, and the focus on the first field


# -- quitting at the worst moments ---------------------------------------------------------------
def ways_and_delays(low: float, high: float) -> list[Any]:
    """TRIES cases: the four ways in turn, each with its own delay drawn from the try number."""
    return [
        pytest.param(WAYS[i % len(WAYS)], random.Random(i).uniform(low, high), id=f"{i}")
        for i in range(TRIES)
    ]


@pytest.mark.parametrize(("way", "delay"), ways_and_delays(0.0, 0.6))
def test_quit_right_after_a_screen_change(
    program: Callable[..., Terminal], tmp_path: Path, way: str, delay: float
) -> None:
    terminal = program()
    terminal.send(ENTER)  # Commencer: the identification screen, then screens built ahead
    terminal.read_for(delay)
    end(terminal, way)
    check_ended(terminal, way, tmp_path)


@pytest.mark.parametrize(("way", "delay"), ways_and_delays(0.2, 0.5))
def test_quit_while_the_next_screens_are_built(
    program: Callable[..., Terminal], tmp_path: Path, way: str, delay: float
) -> None:
    terminal = program()
    open_identification(terminal)  # painted: the build ahead starts 0.25 s after the last key
    terminal.read_for(delay)
    end(terminal, way)
    check_ended(terminal, way, tmp_path)


@pytest.mark.parametrize(("way", "delay"), ways_and_delays(0.0, 1.5))
def test_quit_during_the_idle_countdown(
    program: Callable[..., Terminal], tmp_path: Path, way: str, delay: float
) -> None:
    terminal = program(MES_TUI_IDLE_TIMEOUT="1", MES_TUI_IDLE_COUNTDOWN="30")
    open_identification(terminal)
    terminal.send("H")  # something typed: the idle warning comes before the wipe
    terminal.wait_for("toujours là", timeout=10)
    terminal.read_for(delay)
    end(terminal, way)
    check_ended(terminal, way, tmp_path)


@pytest.mark.parametrize(("way", "delay"), ways_and_delays(0.0, 1.0))
def test_quit_during_a_slow_back_office_call(
    program: Callable[..., Terminal], tmp_path: Path, way: str, delay: float
) -> None:
    terminal = program()
    open_identification(terminal)
    identify_martine(terminal)
    with registry_locked(tmp_path):
        terminal.send(ENTER)  # the identification waits for the registry
        terminal.read_for(delay)
        end(terminal, way)
        check_ended(terminal, way, tmp_path)


# -- the terminal goes away ----------------------------------------------------------------------
def delays(low: float, high: float) -> list[Any]:
    return [pytest.param(random.Random(i).uniform(low, high), id=f"{i}") for i in range(TRIES)]


@pytest.mark.parametrize("delay", delays(0.0, 0.5))
def test_terminal_lost_during_a_paste(
    program: Callable[..., Terminal], tmp_path: Path, delay: float
) -> None:
    terminal = program()
    open_identification(terminal)
    terminal.send("%" * 3000)  # not a bracketed paste: 3,000 keys, most of them refused
    terminal.read_for(delay)
    terminal.close_terminal()
    check_ended(terminal, "terminal closed", tmp_path)


@pytest.mark.parametrize("delay", delays(0.0, 0.4))
def test_terminal_lost_during_a_screen_change(
    program: Callable[..., Terminal], tmp_path: Path, delay: float
) -> None:
    terminal = program()
    terminal.send(ENTER)
    terminal.read_for(delay)
    terminal.close_terminal()
    check_ended(terminal, "terminal closed", tmp_path)


@pytest.mark.parametrize("delay", delays(0.0, 0.5))
def test_terminal_lost_while_its_output_is_blocked(
    program: Callable[..., Terminal], tmp_path: Path, delay: float
) -> None:
    terminal = program()
    open_identification(terminal)
    # Nobody reads any more (a frozen terminal, a stalled link): every Tab redraws the screen,
    # until the terminal's buffer is full and the program's writes wait.
    terminal.send(TAB * 400)
    time.sleep(delay)  # the varied moment of the hang-up; nothing is read meanwhile
    terminal.close_terminal()
    check_ended(terminal, "terminal closed", tmp_path)
