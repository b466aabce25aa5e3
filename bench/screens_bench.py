"""Screen-change latency: from Enter on a filled form to the next screen painted (Pilot).

    .venv/bin/python bench/screens_bench.py [--processes 8] [--journeys 5] [--think 0.5]

Each of ``--processes`` fresh processes runs the app headless at 80x24 (``App.run_test``) on one
temporary data folder, with the back office opened by the app itself, as in real use, and goes
``--journeys`` times through: welcome -> Je m'identifie (Enter on "Commencer"); the filled form
-> Je prends ma décision (Enter on "Continuer": checks, the identification by the back office in
a worker thread, then the new screen); "Activer" + CGU -> Je vérifie mes coordonnées (Enter);
Escape back to the decision; "M'opposer" -> Je valide l'opposition (Enter); then a new session.

Timing: from just before the Enter (or Escape) key is posted to the first time the next screen
is painted (``App._display`` called with that screen's update: layout done, every widget
rendered; only writing to a terminal is left, and a headless app does not). Forms are filled
through the widgets' own methods, untimed. After each paint the bench waits ``--think`` seconds,
as a person reads or types (work the app does meanwhile in the background is not counted against
the key press that follows, as with a person).

Reported per transition: the first journey of each process ("cold": the new screen's modules and
the back office are loaded, unless the app did it before) and the later ones ("warm"), p50/p95,
and all samples together. Goal: p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_P95_MS = 30.0
TRANSITIONS = (
    "welcome -> identification",
    "identification -> decision (identify)",
    "decision -> contacts",
    "contacts -> decision (Escape)",
    "decision -> oppose confirm",
)
BASELINE = "bare Textual: welcome -> same widgets"
MEASURES = ("wall", "cpu", "gc")  # ms: wall time, process CPU time, time in the collector

MARTINE_NIR = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


# -- in a child process -------------------------------------------------------------------------
class Recorder:
    """Records every paint of an app class; presses keys and times them to the next paint."""

    def __init__(self, app_class: Any, think: float) -> None:
        self.painted: list[tuple[float, float, Any]] = []  # (when, CPU time, screen)
        self.think = think
        original = app_class._display

        def display(app: Any, screen: Any, renderable: Any) -> None:
            original(app, screen, renderable)
            if renderable is not None:
                self.painted.append((time.perf_counter(), time.process_time(), screen))

        app_class._display = display
        self.pilot: Any = None
        # Time spent in the garbage collector, for the "GC" column.
        self.gc_ms = 0.0
        self._gc_started = 0.0
        gc.callbacks.append(self._gc_event)

    def _gc_event(self, phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.gc_ms += (time.perf_counter() - self._gc_started) * 1000

    async def wait_painted(self, name: str, since: float, timeout: float = 15) -> Any:
        """The first paint of a screen called ``name`` after ``since``: (when, CPU, screen)."""
        deadline = time.perf_counter() + timeout
        while True:
            for at, cpu, screen in self.painted:
                if at > since and type(screen).__name__ == name:
                    self.painted.clear()
                    return at, cpu, screen
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{name} not painted (on {type(self.pilot.app.screen)})")
            await self.pilot.pause(0.002)

    async def settle(self, screen: Any) -> None:
        """Until the screen has placed its focus, then ``think`` seconds, as a person."""
        deadline = time.perf_counter() + 5
        while screen.focused is None and time.perf_counter() < deadline:
            await self.pilot.pause(0.005)
        await self.pilot.pause(self.think)

    async def timed(
        self, sample: dict[str, list[float]], transition: str, key: str, name: str
    ) -> Any:
        """Press ``key``; record [wall ms, CPU ms, GC ms] until ``name`` is painted; return it."""
        cpu_started = time.process_time()
        self.gc_ms = 0.0
        started = time.perf_counter()
        await self.pilot.press(key)
        at, cpu, screen = await self.wait_painted(name, started)
        sample[transition] = [(at - started) * 1000, (cpu - cpu_started) * 1000, self.gc_ms]
        await self.settle(screen)
        return screen

    async def enter_on(
        self, sample: dict[str, list[float]], transition: str, screen: Any, widget: str, name: str
    ) -> Any:
        screen.query_one(f"#{widget}").focus()
        await self.pilot.pause()
        return await self.timed(sample, transition, "enter", name)


async def _journeys(count: int, think: float) -> list[dict[str, list[float]]]:
    from textual.widgets import Input

    from mes_tui.app import MesApp

    rec = Recorder(MesApp, think)
    # As the command line starts it (tune_memory: see mes_tui/memory.py; build_ahead: see
    # MesApp.build_screens_ahead; an older copy measured with --also may not have them).
    accepted = inspect.signature(MesApp).parameters
    tuned: dict[str, object] = {
        name: True for name in ("tune_memory", "build_ahead") if name in accepted
    }
    data_dir = Path(os.environ["MES_TUI_DATA_DIR"])
    try:  # the back office as the command line builds it (an older copy built its own)
        from mes_tui.backoffice import simulated_back_office

        tuned["back_office"] = simulated_back_office(data_dir)
    except ImportError:
        pass
    app = MesApp(data_dir=data_dir, show_messages=False, **tuned)
    results: list[dict[str, list[float]]] = []
    async with app.run_test(size=(80, 24)) as rec.pilot:
        _, _, welcome = await rec.wait_painted("WelcomeScreen", 0)
        await rec.settle(welcome)
        for _ in range(count):
            sample: dict[str, list[float]] = {}
            start = TRANSITIONS[0]
            screen = await rec.enter_on(sample, start, app.screen, "start", "IdentificationScreen")

            screen.query_one("#code", Input).value = MARTINE_CODE
            screen.query_one("#nir", Input).value = MARTINE_NIR
            screen.query_one("#card").choose("sans_photo")
            screen.query_one("#serial", Input).value = MARTINE_SERIAL
            await rec.pilot.pause()
            screen = await rec.enter_on(
                sample, TRANSITIONS[1], screen, "continue", "DecisionScreen"
            )

            screen.query_one("#decision").choose(0)  # activate
            await rec.pilot.pause()
            screen.query_one("#terms").value = True
            await rec.pilot.pause()
            await rec.enter_on(sample, TRANSITIONS[2], screen, "continue", "ContactsScreen")

            screen = await rec.timed(sample, TRANSITIONS[3], "escape", "DecisionScreen")

            screen.query_one("#decision").choose(1)  # oppose
            await rec.pilot.pause()
            await rec.enter_on(sample, TRANSITIONS[4], screen, "continue", "OpposeConfirmScreen")

            app.wipe()
            await rec.wait_painted("WelcomeScreen", 0)
            await rec.pilot.pause(think)
            results.append(sample)
    return results


async def _bare_journeys(count: int, think: float) -> list[dict[str, list[float]]]:
    """The baseline: Enter on "Commencer" of the bare app opens a bare "Je m'identifie"."""
    from bare_screens import BareJourneyApp

    rec = Recorder(BareJourneyApp, think)
    app = BareJourneyApp()
    results: list[dict[str, list[float]]] = []
    async with app.run_test(size=(80, 24)) as rec.pilot:
        _, _, welcome = await rec.wait_painted("BareWelcome", 0)
        await rec.settle(welcome)
        for _ in range(count):
            sample: dict[str, list[float]] = {}
            await rec.enter_on(sample, BASELINE, app.screen, "start", "BareIdentification")
            await rec.timed({}, "", "escape", "BareWelcome")
            results.append(sample)
    return results


def child(count: int, think: float) -> int:
    import asyncio

    mes = asyncio.run(_journeys(count, think))
    bare = asyncio.run(_bare_journeys(count, think))
    print(json.dumps([m | b for m, b in zip(mes, bare, strict=True)]))
    return 0


# -- the parent ---------------------------------------------------------------------------------
def _stats(values: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(values) if values else float("nan"),
        "p95": percentile(values, 0.95),
        "max": max(values, default=float("nan")),
        "n": len(values),
    }


def _table(samples: dict[str, dict[str, dict[str, list[float]]]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    every: dict[str, list[float]] = {measure_: [] for measure_ in MEASURES}
    for name in (*TRANSITIONS, BASELINE):
        row: dict[str, Any] = {}
        for measure_ in MEASURES:
            cold = samples[name]["cold"][measure_]
            warm = samples[name]["warm"][measure_]
            row[measure_] = {"cold": _stats(cold), "warm": _stats(warm), "all": _stats(cold + warm)}
            if name != BASELINE:
                every[measure_] += cold + warm
        table[name] = row
    return {"transitions": table, "overall": {m: _stats(v) for m, v in every.items()}}


def measure(
    processes: int,
    journeys: int,
    think: float,
    source: Path | None = None,
    also: tuple[Path, ...] = (),
) -> dict[str, Any]:
    """``source``: the mes_tui measured (default: the installed one); ``also``: other copies
    measured in the same run, their processes interleaved with the main ones."""
    copies: list[tuple[str, Path | None]] = [("main", source), *((str(p), p) for p in also)]
    # samples[copy][transition][cold or warm][wall or cpu] = [ms, ...]
    samples: dict[str, dict[str, dict[str, dict[str, list[float]]]]] = {
        copy: {
            name: {kind: {m: [] for m in MEASURES} for kind in ("cold", "warm")}
            for name in (*TRANSITIONS, BASELINE)
        }
        for copy, _ in copies
    }
    with tempfile.TemporaryDirectory(prefix="mes-bench-screens-") as tmp:
        base_env = dict(os.environ)
        base_env.update(
            MES_TUI_DATA_DIR=str(Path(tmp) / "data"),
            MES_TUI_CONFIG_DIR=str(Path(tmp) / "config"),
            MES_TUI_KEYRING="off",
        )
        base_env.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-code reused, as on a person's machine
        import mes_tui

        for folder in {Path(mes_tui.__file__).parent, Path(__file__).parent, *also, source}:
            if folder is not None:  # compiled now, so that no process pays for it
                subprocess.run(  # noqa: S603
                    [sys.executable, "-m", "compileall", "-q", str(folder)], capture_output=True
                )
        # The data folder exists, as on any start but the very first (which seeds the registry).
        subprocess.run(
            [sys.executable, "-c", "from mes_tui.services import open_service; open_service()"],
            env=base_env,
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        for _ in range(processes):
            for copy, path in copies:
                env = base_env | ({"PYTHONPATH": str(path)} if path is not None else {})
                out = subprocess.run(  # noqa: S603
                    [sys.executable, __file__, "--child", str(journeys), "--think", str(think)],
                    env=env,
                    cwd=tmp,
                    check=True,
                    capture_output=True,
                    text=True,
                    timeout=300,
                ).stdout
                for i, sample in enumerate(json.loads(out.strip().splitlines()[-1])):
                    for name, values in sample.items():
                        kind = "cold" if i == 0 else "warm"
                        for measure_, value in zip(MEASURES, values, strict=False):
                            samples[copy][name][kind][measure_].append(value)
    result: dict[str, Any] = {
        "processes": processes,
        "journeys": journeys,
        "think_s": think,
        **_table(samples["main"]),
    }
    result["also"] = {copy: _table(samples[copy]) for copy, _ in copies[1:]}
    return result


def report(result: dict[str, Any]) -> str:
    lines = [
        f"screen changes, {result['processes']} processes x {result['journeys']} journeys; "
        "cold = 1st journey of each process; ms from the key to the next screen painted "
        "(CPU: process CPU time over the same span):",
        f"  {'transition':38s} {'cold p50':>8s} {'cold max':>8s} {'warm p50':>8s} "
        f"{'warm p95':>8s} {'all p95':>8s} {'CPU p50':>8s} {'CPU p95':>8s} {'GC max':>8s}",
    ]
    for name, row in result["transitions"].items():
        wall, cpu, gc_ = row["wall"], row["cpu"], row["gc"]
        lines.append(
            f"  {name:38s} {wall['cold']['p50']:8.1f} {wall['cold']['max']:8.1f} "
            f"{wall['warm']['p50']:8.1f} {wall['warm']['p95']:8.1f} {wall['all']['p95']:8.1f} "
            f"{cpu['all']['p50']:8.1f} {cpu['all']['p95']:8.1f} {gc_['all']['max']:8.1f}"
        )
    overall = result["overall"]
    verdict = "OK" if overall["wall"]["p95"] <= GOAL_P95_MS else "OVER GOAL"
    lines.append(
        f"  all transitions: p50 {overall['wall']['p50']:.1f} ms, p95 {overall['wall']['p95']:.1f}"
        f" ms (goal <= {GOAL_P95_MS:.0f} ms): {verdict}; CPU p50 {overall['cpu']['p50']:.1f}, "
        f"p95 {overall['cpu']['p95']:.1f} ms; in the garbage collector: p95 "
        f"{overall['gc']['p95']:.1f}, max {overall['gc']['max']:.1f} ms"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--journeys", type=int, default=5)
    parser.add_argument("--think", type=float, default=0.5, help="seconds after each paint")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--source", type=Path, help="measure the mes_tui in this folder (PYTHONPATH): before/after"
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="measure the mes_tui of this folder too, in the same run (repeatable)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child, args.think)
    source = args.source.resolve() if args.source else None
    also = tuple(path.resolve() for path in args.also)
    result = measure(args.processes, args.journeys, args.think, source, also)
    print(report(result))
    for name, other in result["also"].items():
        print(f"\n-- {name} (same run, processes interleaved):")
        print(report(result | other))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
