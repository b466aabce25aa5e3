"""How long writing one opposition receipt takes, and how big it is.

    .venv/bin/python bench/receipt_bench.py [--count 50]

fpdf2 is imported first (the app pays that once, when the first receipt is written); then one
receipt is written untimed-for-the-goal (it loads fontTools' lazily imported parts), then
``--count`` receipts are timed. Goals: median and p95 at most 50 ms, file at most 60 KB.
Not a test: timings depend on the machine.

Between the two, what is alive is frozen for the garbage collector, as the app does once the
receipt's libraries are loaded and the person has gone (``mes_tui.memory``): otherwise each full
collection walks fpdf2's and fontTools' objects (30-40 ms) and lands in one receipt or another.
``--no-freeze`` measures without.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

GOAL_MS = 50.0
GOAL_BYTES = 60 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50, help="receipts timed (default 50)")
    parser.add_argument(
        "--no-freeze", action="store_true", help="leave the collector alone (see above)"
    )
    args = parser.parse_args()
    count, freeze = args.count, not args.no_freeze

    started = time.perf_counter()
    import fpdf

    import_ms = (time.perf_counter() - started) * 1000

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mes_tui.receipt_writer import write_file
    from mes_tui.services.receipts import receipt_file_name, render_receipt

    def write_receipt(folder: Path, **details: object) -> Path:
        """Render as the back office does, write as the front end does."""
        data = render_receipt(**details)  # type: ignore[arg-type]
        return write_file(folder, receipt_file_name(details["decided_on"]), data)  # type: ignore[arg-type]

    arguments = {
        "nir": "116304403801618",
        "first_name": "Zoé Françoise",
        "last_name": "LŒUVRE-STRAßE",
        "decided_on": date(2021, 9, 28),
        "now": datetime(2021, 9, 28, 8, 30, tzinfo=UTC),
    }
    timings: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "justificatifs"
        started = time.perf_counter()
        first = write_receipt(folder, **arguments)  # type: ignore[arg-type]
        first_ms = (time.perf_counter() - started) * 1000
        size = first.stat().st_size
        if freeze:
            gc.collect()
            gc.freeze()
        for _ in range(count):
            started = time.perf_counter()
            write_receipt(folder, **arguments)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - started) * 1000)

    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, round(0.95 * len(timings)) - 1)]
    print(f"fpdf2 {fpdf.FPDF_VERSION}, Python {sys.version.split()[0]}")
    print(f"import fpdf: {import_ms:.1f} ms; first receipt: {first_ms:.1f} ms")
    collector = "collector frozen after the first, as in the app" if freeze else "collector as is"
    print(
        f"{count} receipts ({collector}): median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"min {min(timings):.1f} ms"
    )
    print(f"file size: {size} bytes ({size / 1024:.1f} KB)")
    time_ok = median <= GOAL_MS and p95 <= GOAL_MS
    size_ok = size <= GOAL_BYTES
    verdict = "OK" if time_ok and size_ok else "OVER GOAL"
    print(
        f"verdict: {verdict} (time {'ok' if time_ok else 'over'}: median {median:.1f} / "
        f"p95 {p95:.1f} ms vs <= {GOAL_MS:.0f} ms; size {'ok' if size_ok else 'over'}: "
        f"{size / 1024:.1f} KB vs <= {GOAL_BYTES // 1024} KB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
