"""A flood of raw keyboard input, in the real program in a real pseudo-terminal: 20 KB typed
(what a terminal sends for a paste it does not bracket, or a program at the other end of an SSH
connection), then a bracketed paste full of escape sequences, into the provisional-code field.

The program's CPU time for it (``/proc/PID/stat``) is compared with a bare Textual app's, one
``Input`` of the same maximum length (``bench/bare_input.py``), fed a quarter of the same bytes
in this test, per byte: at most ×1.5. Before the fields had their formats' maximum and the app
dropped refused keys on arrival, mes-tui spent about five times the bare app's on the typed
part, and a paste with escape sequences as much as typing it. Then the field holds its 12
characters, says that its maximum is reached, and the program answers the next key at once.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ENTER, ROOT, TAB, PtyScreen, program_environment

pytestmark = pytest.mark.e2e

LINE = (
    "HuqZF3KXCz8k 1 16 30 44 038 016 18 01024576124 16/06/1976 martine.le-guellec@atos.net "
    "+33 6 11 12 13 14 Vert&Olive2024 /srv/justificatifs "
)


def raw(size: int) -> str:
    return (LINE * (size // len(LINE) + 1))[:size]


def paste(size: int) -> str:
    """A bracketed paste of about ``size`` bytes, ``ESC [31m`` every 25 characters."""
    return "\x1b[200~" + ("\x1b[31m" + "abcdefghijklmnopqrstuvwxy") * (size // 30) + "\x1b[201~"


FLOOD = raw(20480) + paste(10240)
BASELINE = raw(5120) + paste(2560)
"""What the bare app gets: a quarter of the flood (the same mix), so that the test stays short;
its CPU time per byte is what the bound is made of."""
GOAL = 1.5


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far, every thread (dead ones too)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read(term: PtyScreen, wait: float, *, on_screen: bool) -> None:
    """What the program wrote within ``wait`` seconds: onto the screen model, or only out of
    the way (the bare app rings the bell for every key, which the screen model would take
    longer to read than the app to write)."""
    if on_screen:
        term._read(wait)
        return
    import pexpect  # type: ignore[import-untyped]

    try:
        term.child.read_nonblocking(65536, timeout=wait)
    except (pexpect.TIMEOUT, pexpect.EOF):
        pass


def idle(term: PtyScreen, *, on_screen: bool, window: float = 0.3, quiet: float = 0.015) -> float:
    """Read what the program draws until two windows in a row cost it less than ``quiet``
    seconds of CPU; its CPU time then."""
    pid = term.child.pid
    last, calm = cpu_seconds(pid), 0
    deadline = time.monotonic() + 60
    while calm < 2:
        assert time.monotonic() < deadline, "the program never went idle"
        end = time.monotonic() + window
        while time.monotonic() < end:
            read(term, 0.05, on_screen=on_screen)
        now = cpu_seconds(pid)
        calm = calm + 1 if now - last < quiet else 0
        last = now
    return last


def flood(term: PtyScreen, data: str, *, on_screen: bool = True) -> float:
    """CPU seconds the program spends on ``data``, written as fast as it reads it."""
    before = idle(term, on_screen=on_screen)
    for start in range(0, len(data), 2048):
        term.child.send(data[start : start + 2048])
        read(term, 0, on_screen=on_screen)
    return idle(term, on_screen=on_screen) - before


def field_line(term: PtyScreen) -> str:
    """The text inside the code field's box (the line under its hint)."""
    lines = term.lines()
    hint = next(i for i, line in enumerate(lines) if "Ex. : HuqZF3KXCz8k" in line)
    return lines[hint + 2].strip(" ▊▎")


def test_a_flood_of_raw_input_costs_no_more_than_in_a_bare_textual_app(
    pty_screen: Any, tmp_path: Path
) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("CPU time is read from /proc")
    env = program_environment(tmp_path / "config")
    env["MES_TUI_SHOW_MESSAGES"] = "0"

    bare = pty_screen([sys.executable, str(ROOT / "bench" / "bare_input.py"), "12"], env)
    bare.wait_for("PRET")
    baseline = flood(bare, BASELINE, on_screen=False) / len(BASELINE) * len(FLOOD)
    bare.close()

    term = pty_screen([sys.executable, "-m", "mes_tui", "--data-dir", str(tmp_path / "d")], env)
    term.wait_for("[>Commencer<]")
    term.send(ENTER)
    term.wait_for("> Code provisoire")
    spent = flood(term, FLOOD)
    assert spent <= GOAL * baseline, (
        f"{spent:.2f} s of CPU for {len(FLOOD)} bytes, against {baseline:.2f} s for a bare "
        f"Textual app: ×{spent / baseline:.2f} (at most ×{GOAL})"
    )

    # The field holds the first 12 characters a code may have, and says why no more.
    assert field_line(term) == "HuqZF3KXCz8k"
    term.wait_for("Maximum atteint : 12 caractères", timeout=2)
    # And the program is there for the next key.
    started = time.monotonic()
    term.send(TAB, pause=0)
    term.wait_for("> Générer un nouveau code provisoire", timeout=5)
    assert time.monotonic() - started < 2
