"""The opposition in the real program, in a real pseudo-terminal at 80×24: Martine identifies,
opposes, confirms and saves her receipt, with the keys a person would press.

Only pexpect: instead of parsing the screen, the test waits for what the program does to the
data directory (the registry, read with ``mes-tui registry list --json`` as a trainer would,
and the PDF in ``justificatifs/``). Focus changes are asynchronous: a short pause separates keys
that move it.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect  # type: ignore[import-untyped]
import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
MARTINE_NIR = "116304403801618"
CODE = "HuqZF3KXCz8k"
SERIAL = "01024576124"
TIMEOUT = 30
PAUSE = 0.4


def environment() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MES_TUI_ACCESSIBLE", "MES_TUI_DATA_DIR", "NO_COLOR")
    }
    env.update(MES_TUI_KEYRING="off", TERM="xterm-256color", PYTHONPATH=str(ROOT))
    return env


def registry(data_dir: Path) -> list[dict[str, object]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mes_tui",
            "--data-dir",
            str(data_dir),
            "registry",
            "list",
            "--json",
        ],
        env=environment(),
        capture_output=True,
        text=True,
        check=True,
        timeout=TIMEOUT,
    )
    people: list[dict[str, object]] = json.loads(result.stdout)
    return people


def status_of(data_dir: Path, nir: str) -> object:
    return next(p["status"] for p in registry(data_dir) if p["nir"] == nir)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


class Terminal:
    """``python -m mes_tui --data-dir DIR`` in an 80×24 pseudo-terminal."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.output = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "mes_tui", "--data-dir", str(data_dir)],
            env=environment(),
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(24, 80),
        )
        self.child.logfile_read = self.output

    def keys(self, *keys: str) -> None:
        """Send each key (or text), pausing after each so that focus can move."""
        for key in keys:
            self.child.send(key)
            time.sleep(PAUSE)

    def expect(self, text: str) -> None:
        try:
            self.child.expect_exact(text)
        except pexpect.TIMEOUT:
            raise AssertionError(
                f"{text!r} never shown; the screen:\n{self.screen()}\n"
                f"the program's log:\n{self.log()}"
            ) from None

    def log(self) -> str:
        """The end of ``DATA_DIR/mes-tui.log`` (no NIR, code or password is ever logged)."""
        path = self.data_dir / "mes-tui.log"
        return path.read_text(encoding="utf-8")[-3000:] if path.is_file() else "(none)"

    def screen(self) -> str:
        """The terminal as last drawn, rebuilt from the output (if pyte is installed)."""
        try:
            import pyte  # type: ignore[import-untyped]
        except ImportError:
            return self.output.getvalue()[-2000:]
        screen = pyte.Screen(80, 24)
        pyte.Stream(screen).feed(self.output.getvalue())
        return "\n".join(line.rstrip() for line in screen.display)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


TAB, ENTER, CTRL_Q = "\t", "\r", "\x11"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "donnees"


@pytest.fixture
def terminal(data_dir: Path) -> Iterator[Terminal]:
    term = Terminal(data_dir)
    try:
        yield term
    finally:
        term.close()


def test_martine_opposes_and_finds_her_receipt_on_disk(terminal: Terminal, data_dir: Path) -> None:
    # Each step waits for the focus marker (">") of the control that should have the focus:
    # it is drawn once the screen is up and focus has landed.
    terminal.expect("[>Commencer<]")
    terminal.keys(ENTER)  # Commencer
    terminal.expect("> Code provisoire")  # Je m'identifie, the code field focused
    # Code, (link), NIR, (help), card type: 1 = sans photo, serial, Enter.
    terminal.keys(CODE, TAB, TAB, MARTINE_NIR, TAB, TAB, "1", TAB, SERIAL, ENTER)
    terminal.expect("Bonjour Martine")
    terminal.expect(">( ) 1. J'active")  # the decision, focused, nothing chosen
    assert status_of(data_dir, MARTINE_NIR) == "en_attente"

    # Je prends ma décision: 2 = je m'oppose, then Continuer.
    terminal.keys("2", TAB)
    terminal.expect("[>Continuer<]")
    terminal.keys(ENTER)
    terminal.expect("[>Annuler<]")  # Je valide l'opposition: the safe answer focused
    assert status_of(data_dir, MARTINE_NIR) == "en_attente"  # not before Continuer

    # Je valide l'opposition: the focus starts on Annuler; Continuer is next.
    terminal.keys(TAB)
    terminal.expect("[>Continuer<]")
    terminal.keys(ENTER)
    wait_until(lambda: status_of(data_dir, MARTINE_NIR) == "opposee", "the opposition")
    terminal.expect("[>↓ Télécharger le justificatif (format .pdf)<]")

    # Ma décision a bien été prise en compte: the download has the focus.
    receipts = data_dir / "justificatifs"
    terminal.keys(ENTER)
    wait_until(lambda: any(receipts.glob("*.pdf")), "the receipt in justificatifs/")
    (receipt,) = receipts.glob("justificatif-opposition-*.pdf")
    wait_until(lambda: receipt.stat().st_size > 0, "a complete file")
    assert receipt.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(receipt.stat().st_mode) == 0o600
    assert stat.S_IMODE(receipts.stat().st_mode) == 0o700
    assert MARTINE_NIR not in receipt.name
    terminal.expect("Justificatif enregistr")
    assert not list(receipts.glob(".justificatif-*"))  # no temporary file left behind

    # Quit: the program asks (a person is in progress); Tab to "Quitter", Enter.
    terminal.keys(CTRL_Q, TAB, ENTER)
    terminal.child.expect(pexpect.EOF)
    terminal.child.close()
    assert terminal.child.exitstatus == 0
