"""How long writing an opposition receipt takes, first in a process and warm, and how big it is.

    .venv/bin/python bench/receipt_bench.py [--count 50] [--runs 5] [--also FOLDER ...]

Every figure comes from fresh processes running the code of this checkout (``PYTHONPATH``), and
of each ``--also`` folder (another checkout: before/after figures from one run), the programs
alternating run by run. Not a test: timings depend on the machine.

First receipt of a process (``--runs`` processes per checkout): the simulated back office opened
on a new data folder (the demo registry), what is alive then collected and frozen as the app
does once its first screen is painted (``mes_tui.memory``), the demo person (MARTINE) identified,
her opposition recorded, then ``--pause`` seconds as a person reads the confirmation, then the
key: ``ReceiptWriter.save`` (the back office's receipt, rendered, written, confirmed), timed
until the file is written. Code that prepares the receipt once an opposition is recorded does it
during the pause; code that does not pays fpdf2's import in the key.

Warm (``--runs`` processes per checkout, ``--count`` receipts each): fpdf2 imported, one
receipt rendered and written untimed (fontTools' lazily imported parts, the fonts), what is
alive frozen for the garbage collector, as the app does once the person has gone (otherwise each
full collection walks fpdf2's and fontTools' objects, 30-40 ms, and lands in one receipt or
another; ``--no-freeze`` measures without), then ``--count`` receipts rendered and written, each
timed. Median and p95 over every run's receipts.

Goals: first receipt at most 100 ms from the key (median of the runs), warm p95 at most 20 ms,
file at most 60 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]
GOAL_FIRST_MS = 100.0
GOAL_P95_MS = 20.0
GOAL_BYTES = 60 * 1024

MARTINE = "116304403801618"
MARTINE_CODE = "HuqZF3KXCz8k"
MARTINE_SERIAL = "01024576124"


# -- in the measured process -----------------------------------------------------------------


def _first(pause: float) -> dict[str, Any]:
    """One fresh process's first receipt, key to file written."""
    import gc
    import tempfile
    import time

    from mes_tui.models import CardType, Status
    from mes_tui.receipt_writer import ReceiptWriter
    from mes_tui.services import open_service

    with tempfile.TemporaryDirectory() as tmp:
        service = open_service(Path(tmp) / "data")
        gc.collect()
        gc.freeze()
        service.identify(MARTINE_CODE, MARTINE, CardType.SANS_PHOTO, MARTINE_SERIAL)
        service.oppose(MARTINE, expected=Status.EN_ATTENTE)
        time.sleep(pause)  # the person reads the confirmation
        prepared = "fpdf" in sys.modules
        writer = ReceiptWriter(Path(tmp) / "justificatifs")
        cpu, started = time.process_time(), time.perf_counter()
        path = writer.save(service, MARTINE)
        ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        return {"first_ms": ms, "cpu_ms": cpu_ms, "size": path.stat().st_size, "prepared": prepared}


def _warm(count: int, freeze: bool) -> dict[str, Any]:
    """``count`` receipts in a process that has written one already."""
    import gc
    import tempfile
    import time
    from datetime import UTC, date, datetime

    started = time.perf_counter()
    import fpdf

    import_ms = (time.perf_counter() - started) * 1000
    from mes_tui.receipt_writer import write_file
    from mes_tui.services.receipts import receipt_file_name, render_receipt

    arguments: dict[str, Any] = {
        "nir": MARTINE,
        "first_name": "Zoé Françoise",
        "last_name": "LŒUVRE-STRAßE",
        "decided_on": date(2021, 9, 28),
        "now": datetime(2021, 9, 28, 8, 30, tzinfo=UTC),
    }

    def write_receipt(folder: Path) -> Path:
        """Render as the back office does, write as the front end does."""
        data = render_receipt(**arguments)
        return write_file(folder, receipt_file_name(arguments["decided_on"]), data)

    timings: list[float] = []
    cpu_timings: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "justificatifs"
        started = time.perf_counter()
        size = write_receipt(folder).stat().st_size
        first_ms = (time.perf_counter() - started) * 1000
        if freeze:
            gc.collect()
            gc.freeze()
        for _ in range(count):
            cpu, started = time.process_time(), time.perf_counter()
            write_receipt(folder)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu) * 1000)
    return {
        "fpdf": fpdf.FPDF_VERSION,
        "import_ms": import_ms,
        "first_ms": first_ms,
        "timings": timings,
        "cpu_timings": cpu_timings,
        "size": size,
    }


# -- the bench --------------------------------------------------------------------------------


def _run(source: Path, *child: str) -> dict[str, Any]:
    """This script's ``--child`` part in a fresh process, on the code of ``source``."""
    env = {**os.environ, "PYTHONPATH": str(source), "MES_TUI_KEYRING": "off"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(Path(__file__).resolve()), "--child", *child],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{source}: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def measure(
    sources: list[Path], runs: int, count: int, pause: float, freeze: bool
) -> dict[Path, dict[str, Any]]:
    firsts: dict[Path, list[dict[str, Any]]] = {s: [] for s in sources}
    warms: dict[Path, list[dict[str, Any]]] = {s: [] for s in sources}
    for _ in range(runs):
        for source in sources:
            firsts[source].append(_run(source, "first", "--pause", str(pause)))
        for source in sources:
            warm = ["warm", "--count", str(count)] + ([] if freeze else ["--no-freeze"])
            warms[source].append(_run(source, *warm))
    result: dict[Path, dict[str, Any]] = {}
    for source in sources:
        first_ms = [r["first_ms"] for r in firsts[source]]
        timings = [t for r in warms[source] for t in r["timings"]]
        cpu = [t for r in warms[source] for t in r["cpu_timings"]]
        result[source] = {
            "fpdf": warms[source][0]["fpdf"],
            "import_ms": statistics.median(r["import_ms"] for r in warms[source]),
            "first_ms": first_ms,
            "first_median": statistics.median(first_ms),
            "first_cpu": statistics.median(r["cpu_ms"] for r in firsts[source]),
            "prepared": sum(r["prepared"] for r in firsts[source]),
            "median": statistics.median(timings),
            "p95": _p95(timings),
            "min": min(timings),
            "cpu_median": statistics.median(cpu),
            "cpu_p95": _p95(cpu),
            "receipts": len(timings),
            "size": warms[source][0]["size"],
        }
    return result


def report(figures: dict[str, Any], runs: int, count: int, pause: float, freeze: bool) -> list[str]:
    first = figures["first_ms"]
    size = figures["size"]
    collector = "collector frozen after the first, as in the app" if freeze else "collector as is"
    lines = [
        f"import fpdf: {figures['import_ms']:.1f} ms (median of {runs})",
        f"first receipt of a process, key → file written, {pause:g} s after the opposition: "
        f"median {figures['first_median']:.1f} ms of {runs} processes (min {min(first):.1f}, "
        f"max {max(first):.1f}; CPU median {figures['first_cpu']:.1f}); fpdf2 loaded before "
        f"the key in {figures['prepared']} of {runs}",
        f"{count} receipts × {runs} processes ({collector}): median {figures['median']:.1f} ms, "
        f"p95 {figures['p95']:.1f} ms, min {figures['min']:.1f} ms (CPU median "
        f"{figures['cpu_median']:.1f} ms, p95 {figures['cpu_p95']:.1f} ms)",
        f"file size: {size} bytes ({size / 1024:.1f} KB)",
    ]
    first_ok = figures["first_median"] <= GOAL_FIRST_MS
    warm_ok = figures["p95"] <= GOAL_P95_MS
    size_ok = size <= GOAL_BYTES
    verdict = "OK" if first_ok and warm_ok and size_ok else "OVER GOAL"
    lines.append(
        f"verdict: {verdict} (first {'ok' if first_ok else 'over'}: "
        f"{figures['first_median']:.1f} vs <= {GOAL_FIRST_MS:.0f} ms; warm "
        f"{'ok' if warm_ok else 'over'}: p95 {figures['p95']:.1f} vs <= {GOAL_P95_MS:.0f} ms; "
        f"size {'ok' if size_ok else 'over'}: {size / 1024:.1f} KB vs <= "
        f"{GOAL_BYTES // 1024} KB)"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="warm receipts per process (50)")
    parser.add_argument("--runs", type=int, default=5, help="processes of each kind (5)")
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds from the opposition to the key (1.0)"
    )
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the collector alone (see above)"
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="FOLDER",
        help="measure this other checkout too, in the same runs (before/after figures)",
    )
    parser.add_argument("--child", choices=["first", "warm"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    freeze = not args.no_freeze
    if args.child == "first":
        print(json.dumps(_first(args.pause)))
        return 0
    if args.child == "warm":
        print(json.dumps(_warm(args.count, freeze)))
        return 0

    sources = [HERE, *(path.resolve() for path in args.also)]
    result = measure(sources, args.runs, args.count, args.pause, freeze)
    here = result[HERE]
    print(f"fpdf2 {here['fpdf']}, Python {sys.version.split()[0]}")
    print(*report(here, args.runs, args.count, args.pause, freeze), sep="\n")
    for source in sources[1:]:
        print(f"\nalso {source}:")
        lines = report(result[source], args.runs, args.count, args.pause, freeze)
        print(*(f"  {line}" for line in lines), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
