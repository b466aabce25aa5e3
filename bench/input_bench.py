"""CPU per 10 KB of raw keyboard input into each field of mes-tui, against a bare Textual app.

    .venv/bin/python bench/input_bench.py [--runs 3] [--bytes 10240] [--json FILE]

The real program (``python -m mes_tui`` on a fresh copy of the demo registry) runs in a pseudo-
terminal of 80x24; the bench presses the keys a person would to reach each field (Tab, Enter, the
demo codes), waits until the program is idle, then writes ``--bytes`` of text to the terminal's
master side in one go, without bracketed paste: what a terminal sends for a paste it does not
bracket, or a key held down, or a program at the other end of an SSH connection. The CPU time
the program used for it is read from ``/proc/PID/stat`` (user + system, every thread, from just
before the first byte until the program has been idle for a while). The text is printable ASCII
only (a code, a NIR, a serial, a date, an address, a number, a password, a path, over and over):
no Enter or Tab, which would submit or leave the field.

Right after each field, in the same run, the baseline: ``bench/bare_input.py``, a bare Textual
app with one ``Input`` of the same maximum length (what Textual itself pays per key into a field
that size), started fresh, gets the same bytes the same way. Goal: mes-tui ≤ ×1.5 its baseline,
field by field (ratio of the medians over ``--runs``).

Also, into the provisional-code field (emptied first): a bracketed paste of ``--bytes`` × 2 with
``ESC [31m`` every 25 characters (Textual 8.2.8 turns what follows an ESC inside a paste into
keys).

Needs /proc (Linux) and pyte (a dev dependency).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import fcntl
import json
import os
import pty
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mes_tui import formats  # noqa: E402
from mes_tui.widgets.inputs import NIR_GROUPS  # noqa: E402

PYTHON = sys.executable
ROWS, COLUMNS = 24, 80
GOAL_RATIO = 1.5
TAB, SHIFT_TAB, ENTER, ESCAPE, SPACE = "\t", "\x1b[Z", "\r", "\x1b", " "
END_OF_FIELD, CLEAR_TO_START = "\x05", "\x15"  # Ctrl+E, Ctrl+U

LINE = (
    "HuqZF3KXCz8k 1 16 30 44 038 016 18 01024576124 16/06/1976 martine.le-guellec@atos.net "
    "+33 6 11 12 13 14 Vert&Olive2024 /srv/justificatifs "
)
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_NIR = "116304403801618"
MARTINE_SERIAL = "01024576124"


def raw_text(size: int) -> bytes:
    return (LINE * (size // len(LINE) + 1)).encode("ascii")[:size]


def escape_paste(size: int) -> bytes:
    """A bracketed paste of about ``size`` bytes, ``ESC [31m`` every 25 characters."""
    chunk = "\x1b[31m" + "abcdefghijklmnopqrstuvwxy"
    return ("\x1b[200~" + chunk * (size // len(chunk)) + "\x1b[201~").encode("ascii")


# -- a program in a pseudo-terminal ------------------------------------------------------------
class Terminal:
    """``argv`` at 80x24 in a pseudo-terminal; a thread reads what it draws into a pyte screen
    (so that the program never waits on its output)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pyte

        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.lock = threading.Lock()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the terminal's size, then the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
                os.execve(argv[0], argv, env)  # noqa: S606 - our interpreter, our arguments
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.alive = True
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.stream.feed(decode(data))
        self.alive = False

    def lines(self) -> list[str]:
        with self.lock:
            return [line.rstrip() for line in self.screen.display]

    def shows(self, text: str) -> bool:
        return any(text in line for line in self.lines())

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not self.shows(text):
            if time.monotonic() > deadline or not self.alive:
                screen = "\n".join(self.lines())
                raise RuntimeError(f"{text!r} never shown; the screen:\n{screen}")
            time.sleep(0.02)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def keys(self, *keys: str, pause: float = 0.3) -> None:
        """Each key (or run of text), then a pause: focus moves asynchronously."""
        for key in keys:
            self.write(key.encode())
            time.sleep(pause)

    def tab_to(self, marker: str, key: str = TAB, tries: int = 15) -> None:
        """Press Tab (or ``key``) until ``marker`` (a focus mark: ``> Label``) shows; after
        each press, until the focus has visibly moved (on a busy machine that can take longer
        than any fixed pause, and a second Tab would go one field too far)."""
        self.settle(window=0.1)
        for _ in range(tries):
            if self.shows(marker):
                return
            before = self.lines()
            self.keys(key, pause=0)
            deadline = time.monotonic() + 10
            while self.lines() == before and time.monotonic() < deadline:
                time.sleep(0.02)
            self.settle(window=0.1)
        self.wait_for(marker, timeout=1)

    def cpu(self) -> float:
        """Seconds of CPU used so far: user + system, every thread, dead ones included."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, window: float = 0.3, quiet: float = 0.015, timeout: float = 600) -> float:
        """Until two windows in a row cost less than ``quiet`` seconds of CPU; returns the CPU
        time then."""
        deadline = time.monotonic() + timeout
        last, calm = self.cpu(), 0
        while calm < 2:
            if time.monotonic() > deadline:
                raise RuntimeError("the program never went idle")
            time.sleep(window)
            now = self.cpu()
            calm = calm + 1 if now - last < quiet else 0
            last = now
        return last

    def flood(self, data: bytes) -> float:
        """CPU seconds the program spends on ``data``, written at once to the terminal."""
        before = self.settle()
        self.write(data)
        return self.settle() - before

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


# -- the fields ----------------------------------------------------------------------------------
def grouped(limit: int, groups: tuple[int, ...]) -> int:
    return limit + len(groups) - 1


@dataclass
class Field:
    name: str
    max_length: int
    mes: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)


FIELDS = {
    f.name: f
    for f in (
        Field("login: identifier", formats.IDENTIFIER.limit),
        Field("login: password", formats.PASSWORD.limit),
        Field("new code: NIR (13)", grouped(formats.NIR_WITHOUT_KEY.limit, NIR_GROUPS[:-1])),
        Field("new code: birth day", formats.DAY.limit),
        Field("new code: birth month", formats.MONTH.limit),
        Field("new code: birth year", formats.YEAR.limit),
        Field("new code: serial", formats.SERIAL.limit),
        Field("identification: code", formats.PROVISIONAL_CODE.limit),
        Field("identification: NIR", grouped(formats.NIR.limit, NIR_GROUPS)),
        Field("identification: serial", formats.SERIAL.limit),
        Field("contacts: e-mail", formats.EMAIL.limit),
        Field("contacts: one-time code", formats.OTP.limit),
        Field("contacts: mobile", formats.MOBILE.limit),
        Field("credentials: identifier", formats.IDENTIFIER.limit),
        Field("credentials: password", formats.PASSWORD.limit),
        Field("credentials: confirmation", formats.PASSWORD.limit),
        Field("receipt: folder", formats.FOLDER.limit),
    )
}
ESC_PASTE = Field("identification: code, bracketed paste with ESC", formats.PROVISIONAL_CODE.limit)


class Bench:
    def __init__(self, size: int, env: dict[str, str], tmp: Path, template: Path) -> None:
        self.size = size
        self.env = env
        self.tmp = tmp
        self.template = template
        self.runs = 0

    def program(self) -> Terminal:
        """mes-tui on a fresh copy of the demo registry, at the welcome screen."""
        self.runs += 1
        data = self.tmp / f"data-{self.runs}"
        shutil.copytree(self.template, data)
        env = self.env | {"MES_TUI_CONFIG_DIR": str(self.tmp / f"config-{self.runs}")}
        term = Terminal([PYTHON, "-m", "mes_tui", "--data-dir", str(data)], env)
        term.wait_for("[>Commencer<]")
        return term

    def measure(self, term: Terminal, spec: Field, data: bytes | None = None) -> None:
        """``data`` (the raw text by default) into the focused field, then into a bare app."""
        data = data or raw_text(self.size)
        spec.mes.append(term.flood(data))
        bare = Terminal(
            [PYTHON, str(ROOT / "bench" / "bare_input.py"), str(spec.max_length)], self.env
        )
        try:
            bare.wait_for("PRET")
            spec.bare.append(bare.flood(data))
        finally:
            bare.close()
        print(
            f"  {spec.name}: mes-tui {spec.mes[-1]:.2f} s, bare {spec.bare[-1]:.2f} s",
            flush=True,
        )

    # -- journeys ----------------------------------------------------------------------------
    def login_and_new_code(self) -> None:
        term = self.program()
        try:
            term.tab_to("> Me connecter")
            term.keys(ENTER)
            term.wait_for("> Identifiant")
            self.measure(term, FIELDS["login: identifier"])
            term.tab_to("> Mot de passe")
            self.measure(term, FIELDS["login: password"])
            term.keys(ESCAPE)
            term.tab_to("> Générer un nouveau code provisoire", SHIFT_TAB)
            term.keys(ENTER)
            term.wait_for("> Numéro de sécurité sociale")
            self.measure(term, FIELDS["new code: NIR (13)"])
            # The year box first (Tab goes through the empty day and month boxes), then the
            # month, then the day: digits typed into a full box go on into the next one, and
            # the focus with them, to the year box (full by then) each time.
            term.tab_to("> Date de naissance")
            term.keys(TAB, TAB)
            self.measure(term, FIELDS["new code: birth year"])
            term.keys(SHIFT_TAB)
            self.measure(term, FIELDS["new code: birth month"])
            term.keys(SHIFT_TAB, SHIFT_TAB)
            self.measure(term, FIELDS["new code: birth day"])
            term.tab_to("> Numéro de série de carte Vitale")
            self.measure(term, FIELDS["new code: serial"])
        finally:
            term.close()

    def identify(self, term: Terminal, measured: bool) -> None:
        """Je m'identifie, as Martine; with ``measured``, each field gets a flood first."""
        term.keys(ENTER)
        term.wait_for("> Code provisoire")
        steps = [
            ("> Code provisoire", MARTINE_CODE, "identification: code"),
            ("> Numéro de sécurité sociale", MARTINE_NIR, "identification: NIR"),
            ("> Ma carte Vitale", "1", None),
            ("> Numéro de série de carte Vitale", MARTINE_SERIAL, "identification: serial"),
        ]
        for marker, typed, name in steps:
            term.tab_to(marker)
            if measured and name is not None:
                self.measure(term, FIELDS[name])
                if name == "identification: code":
                    term.keys(END_OF_FIELD, CLEAR_TO_START)
                    self.measure(term, ESC_PASTE, escape_paste(self.size * 2))
                term.keys(END_OF_FIELD, CLEAR_TO_START)
            term.keys(typed)
        term.keys(ENTER)
        term.wait_for("Bonjour Martine")

    def activation(self) -> None:
        term = self.program()
        try:
            self.identify(term, measured=True)
            term.wait_for(">( ) 1. J'active")
            term.keys("1", TAB)
            term.wait_for(">[ ] J'accepte les Conditions")
            term.keys(SPACE)
            term.tab_to("[>Continuer<]")
            term.keys(ENTER)
            term.wait_for("> ✎ Modifier l'adresse e-mail")
            term.keys(ENTER)
            term.wait_for("> Adresse e-mail")
            self.measure(term, FIELDS["contacts: e-mail"])
            term.keys(END_OF_FIELD, CLEAR_TO_START, "nouvelle.adresse@example.fr", ENTER)
            term.wait_for("> Code à usage unique")
            self.measure(term, FIELDS["contacts: one-time code"])
            term.keys(ESCAPE)
            term.wait_for("> Adresse e-mail")
            term.keys(ESCAPE)
            term.wait_for("Modifier l'adresse e-mail")
            term.tab_to("> ✎ Renseigner mon numéro de mobile")
            term.keys(ENTER)
            term.wait_for("> Numéro de téléphone mobile")
            self.measure(term, FIELDS["contacts: mobile"])
            term.keys(ESCAPE)
            term.wait_for("Modifier l'adresse e-mail")
            term.tab_to("[>Continuer<]")
            term.keys(ENTER)
            term.wait_for("> Identifiant")
            self.measure(term, FIELDS["credentials: identifier"])
            term.tab_to("> Mot de passe")
            self.measure(term, FIELDS["credentials: password"])
            term.tab_to("> Confirmer le mot de passe")
            self.measure(term, FIELDS["credentials: confirmation"])
        finally:
            term.close()

    def opposition(self) -> None:
        term = self.program()
        try:
            self.identify(term, measured=False)
            term.wait_for(">( ) 1. J'active")
            term.keys("2", TAB)
            term.tab_to("[>Continuer<]")
            term.keys(ENTER)
            term.wait_for("[>Annuler<]")
            term.keys(TAB)
            term.wait_for("[>Continuer<]")
            term.keys(ENTER)
            term.wait_for("Télécharger le justificatif")
            term.tab_to("> Dossier d'enregistrement du justificatif", SHIFT_TAB)
            self.measure(term, FIELDS["receipt: folder"])
        finally:
            term.close()


def summary(spec: Field) -> dict[str, Any]:
    mes, bare = statistics.median(spec.mes), statistics.median(spec.bare)
    return {
        "max_length": spec.max_length,
        "mes_s": spec.mes,
        "bare_s": spec.bare,
        "mes_median_s": mes,
        "bare_median_s": bare,
        "ratio": mes / bare if bare else float("nan"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="journeys (default 3)")
    parser.add_argument("--bytes", type=int, default=10240, help="bytes per flood (10 KB)")
    parser.add_argument("--json", type=Path, help="write the figures there too")
    parser.add_argument(
        "--journeys",
        default="login_and_new_code,activation,opposition",
        help="which of the three journeys (default: all)",
    )
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        print("input bench: needs /proc (Linux)")
        return 3
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("MES_TUI_") and k not in ("NO_COLOR", "COLUMNS", "LINES")
    }
    env |= {
        "TERM": "xterm-256color",
        "MES_TUI_KEYRING": "off",
        "MES_TUI_SHOW_MESSAGES": "0",  # the pop-up notices would cover the fields
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mes-input-bench-") as tmp_name:
        tmp = Path(tmp_name)
        template = tmp / "template"
        subprocess.run(  # noqa: S603 - the demo registry, made once and copied for each run
            [PYTHON, "-m", "mes_tui", "--data-dir", str(template), "registry", "list", "--json"],
            env=env,
            capture_output=True,
            check=True,
        )
        bench = Bench(args.bytes, env, tmp, template)
        for run in range(1, args.runs + 1):
            print(f"run {run} of {args.runs}", flush=True)
            for journey in args.journeys.split(","):
                getattr(bench, journey)()
    results = {name: summary(spec) for name, spec in FIELDS.items() if spec.mes}
    report = {
        "runs": args.runs,
        "bytes": args.bytes,
        "wall_s": time.monotonic() - started,
        "fields": results,
        "escape_paste": (
            {"bytes": len(escape_paste(args.bytes * 2)), **summary(ESC_PASTE)}
            if ESC_PASTE.mes
            else None
        ),
        "worst_ratio": max(r["ratio"] for r in results.values()),
        "goal_ratio": GOAL_RATIO,
    }
    kb = args.bytes / 1024
    print(f"\nCPU per {kb:g} KB of raw input, median of {args.runs} (s):")
    print(f"{'field':44} {'max':>5} {'mes-tui':>8} {'bare':>8} {'ratio':>6}")
    rows = [*results.items(), (ESC_PASTE.name, report["escape_paste"])]
    for name, row in [(name, row) for name, row in rows if row is not None]:
        print(
            f"{name:44} {row['max_length']:5d} {row['mes_median_s']:8.2f} "
            f"{row['bare_median_s']:8.2f} {row['ratio']:6.2f}"
        )
    ok = report["worst_ratio"] <= GOAL_RATIO
    verdict = "met" if ok else "MISSED"
    print(f"worst ratio ×{report['worst_ratio']:.2f} (goal ≤ ×{GOAL_RATIO}): {verdict}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
