"""Time to the first painted welcome screen, and peak resident memory, against a bare Textual app.

    .venv/bin/python bench/startup_bench.py [--runs 15] [--settle 1.0] [--json FILE]

Each run launches the program in a detached tmux session of 80x24 on a private tmux server,
then polls ``tmux capture-pane -p`` every few milliseconds until "Commencer" shows: the time from
launch to that is the time to first paint, as a person in a real terminal sees it. mes-tui and
the baseline (``bench/bare_app.py``: the same widgets, no project code) alternate, run after run,
so that both meet the same machine load; the figures are medians.

Memory: each program runs under ``/usr/bin/time -f %M`` (Debian package ``time``), which
reports the peak resident set size (kB) of the whole run; the run is: launch, first paint,
``--settle`` seconds idle on the welcome screen (what the app does just after its first paint
counts), then Ctrl+Q. ``VmHWM`` of ``/proc/PID/status`` at first paint is reported too. Without
``/usr/bin/time`` only the ``/proc`` figures are given (read just before quitting).

Needs tmux; without it this script says so and exits with status 3 (figure skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
MARKER = "Commencer"
GOAL_TIME_RATIO = 1.15
GOAL_RSS_RATIO = 1.20
TIME_BIN = "/usr/bin/time"


@dataclass
class Program:
    name: str
    argv: list[str]
    paint_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    rss_at_paint_kb: list[int] = field(default_factory=list)
    rss_peak_kb: list[int] = field(default_factory=list)
    failures: int = 0
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"


class Tmux:
    """A private tmux server, so that nothing else running in tmux is touched."""

    def __init__(self) -> None:
        self.socket = f"mes-bench-{os.getpid()}"

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - fixed program, our own arguments
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],  # noqa: S607
            capture_output=True,
            text=True,
            check=check,
        )

    def start(self) -> None:
        # A session that stays: the server's own start-up is not part of any measure.
        self("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep", "86400")

    def stop(self) -> None:
        self("kill-server", check=False)
        tmp = os.environ.get("TMUX_TMPDIR", "/tmp")  # noqa: S108 - where tmux keeps sockets
        folder = Path(tmp) / f"tmux-{os.getuid()}"
        (folder / self.socket).unlink(missing_ok=True)  # tmux leaves its socket behind


def _child_pid(pid: int) -> int | None:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def _cpu_ms(pid: int | None) -> float | None:
    """CPU time used so far by every live thread of ``pid`` (``/proc/PID/task/*/schedstat``)."""
    if pid is None:
        return None
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e6


def _vm_hwm_kb(pid: int | None) -> int | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def run_once(
    tmux: Tmux, program: Program, env: dict[str, str], settle: float, tmp: Path, n: int
) -> None:
    env = env | program.env
    session = f"run{n}"
    rss_file = tmp / f"rss-{session}"
    use_time = Path(TIME_BIN).exists()
    argv = [TIME_BIN, "-f", "%M", "-o", str(rss_file), *program.argv] if use_time else program.argv
    env_args = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    started = time.perf_counter()
    size = ("-x", "80", "-y", "24")
    tmux("new-session", "-d", "-s", session, *size, "-c", program.cwd, *env_args, *argv)
    painted = None
    deadline = started + 20
    while time.perf_counter() < deadline:
        shown = tmux("capture-pane", "-p", "-t", session, check=False).stdout
        if MARKER in shown:
            painted = time.perf_counter()
            break
        time.sleep(0.003)
    pane_pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").stdout.strip())
    app_pid = _child_pid(pane_pid) if use_time else pane_pid
    if painted is None:
        program.failures += 1
        tmux("kill-session", "-t", session, check=False)
        return
    program.paint_ms.append((painted - started) * 1000)
    cpu = _cpu_ms(app_pid)
    at_paint = _vm_hwm_kb(app_pid)
    if cpu is not None:
        program.cpu_ms.append(cpu)
    if at_paint is not None:
        program.rss_at_paint_kb.append(at_paint)
    time.sleep(settle)
    before_quit = _vm_hwm_kb(app_pid)
    tmux("send-keys", "-t", session, "C-q")
    deadline = time.perf_counter() + 10
    while tmux("has-session", "-t", session, check=False).returncode == 0:
        if time.perf_counter() > deadline:
            tmux("kill-session", "-t", session, check=False)
            program.failures += 1
            return
        time.sleep(0.02)
    if use_time:
        try:
            program.rss_peak_kb.append(int(rss_file.read_text().split()[-1]))
        except (OSError, ValueError, IndexError):
            program.failures += 1
    elif before_quit is not None:
        program.rss_peak_kb.append(before_quit)


def compile_sources(folders: list[Path]) -> None:
    """Byte-compile ``folders`` and the installed mes_tui, so that no run pays for compiling a
    module edited since (PYTHONDONTWRITEBYTECODE may be set where this runs)."""
    import mes_tui

    for folder in {*folders, Path(mes_tui.__file__).parent}:
        subprocess.run(  # noqa: S603 - our own interpreter
            [str(PYTHON), "-m", "compileall", "-q", str(folder)], check=False, capture_output=True
        )


def _from_source(name: str, source: Path) -> Program:
    """mes-tui run from another copy of the code (python -m mes_tui, PYTHONPATH)."""
    program = Program(name, [str(PYTHON), "-m", "mes_tui"], cwd=str(source))
    program.env["PYTHONPATH"] = str(source)
    return program


def measure(
    runs: int, settle: float, source: Path | None = None, also: tuple[Path, ...] = ()
) -> dict[str, object]:
    if shutil.which("tmux") is None:
        raise SystemExit(
            "startup_bench: tmux is not installed (apt-get install tmux): first paint skipped"
        )
    with tempfile.TemporaryDirectory(prefix="mes-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # The default folders (platformdirs), as for a person who just types mes-tui.
        env = {
            "XDG_DATA_HOME": str(tmp / "data"),
            "XDG_CONFIG_HOME": str(tmp / "config"),
            "MES_TUI_DATA_DIR": "",
            "MES_TUI_CONFIG_DIR": "",
            "MES_TUI_CONFIG": "",
            "MES_TUI_KEYRING": "off",
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            # As on a person's machine: byte-code is written and reused (compiled just below).
            "PYTHONDONTWRITEBYTECODE": "",
        }
        mes = Program("mes-tui", [str(PYTHON.parent / "mes-tui")])
        if source is not None:  # another copy of the code, for before/after figures
            mes = _from_source("mes-tui", source)
        bare = Program("bare Textual", [str(PYTHON), str(ROOT / "bench" / "bare_app.py")])
        extras = [_from_source(str(path), path) for path in also]
        programs = [bare, mes, *extras]
        compile_sources([ROOT / "bench", *(Path(p.cwd) for p in (mes, *extras) if p.cwd != "/")])
        tmux = Tmux()
        tmux.start()
        try:
            # One untimed run each: byte-code compiled, files in the page cache, data folder made.
            for warm in programs:
                run_once(tmux, warm, env, 0.5, tmp, -1 - len(warm.paint_ms))
                warm.paint_ms.clear()
                warm.cpu_ms.clear()
                warm.rss_at_paint_kb.clear()
                warm.rss_peak_kb.clear()
                warm.failures = 0
            for i in range(runs):  # each program takes each place in turn
                order = programs[i % len(programs) :] + programs[: i % len(programs)]
                for j, program in enumerate(order):
                    run_once(tmux, program, env, settle, tmp, len(programs) * i + j)
        finally:
            tmux.stop()
    result = summarise(mes, bare, runs, settle)
    result["also"] = {p.name: summarise(p, bare, runs, settle) for p in extras}
    return result


def _median(values: list[float] | list[int]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def summarise(mes: Program, bare: Program, runs: int, settle: float) -> dict[str, object]:
    result: dict[str, object] = {
        "runs": runs,
        "settle_s": settle,
        "rss_source": "/usr/bin/time %M" if Path(TIME_BIN).exists() else "/proc VmHWM",
    }
    for program, key in ((mes, "mes"), (bare, "bare")):
        result[key] = {
            "paint_ms_median": _median(program.paint_ms),
            "paint_ms_min": min(program.paint_ms, default=float("nan")),
            "paint_ms_max": max(program.paint_ms, default=float("nan")),
            "cpu_ms_median": _median(program.cpu_ms),
            "rss_at_paint_kb_median": _median(program.rss_at_paint_kb),
            "rss_peak_kb_median": _median(program.rss_peak_kb),
            "samples": len(program.paint_ms),
            "failures": program.failures,
        }
    m, b = result["mes"], result["bare"]
    assert isinstance(m, dict) and isinstance(b, dict)
    result["paint_ratio"] = m["paint_ms_median"] / b["paint_ms_median"]
    result["cpu_ratio"] = m["cpu_ms_median"] / b["cpu_ms_median"]
    pairs = [x / y for x, y in zip(mes.paint_ms, bare.paint_ms, strict=False)]
    result["paint_pair_ratio_median"] = _median(pairs)
    result["rss_peak_ratio"] = m["rss_peak_kb_median"] / b["rss_peak_kb_median"]
    result["rss_at_paint_ratio"] = m["rss_at_paint_kb_median"] / b["rss_at_paint_kb_median"]
    return result


def report(result: dict[str, object]) -> str:
    m, b = result["mes"], result["bare"]
    assert isinstance(m, dict) and isinstance(b, dict)
    lines = [
        f"first paint in tmux 80x24, {result['runs']} alternating runs each (median, min-max):",
        f"  mes-tui      {m['paint_ms_median']:7.1f} ms  "
        f"({m['paint_ms_min']:.0f}-{m['paint_ms_max']:.0f})",
        f"  bare Textual {b['paint_ms_median']:7.1f} ms  "
        f"({b['paint_ms_min']:.0f}-{b['paint_ms_max']:.0f})",
        f"  ratio {result['paint_ratio']:.3f} (goal <= {GOAL_TIME_RATIO}); median of the "
        f"run-by-run ratios {result['paint_pair_ratio_median']:.3f}",
        f"CPU time of the process at first paint (median): mes-tui {m['cpu_ms_median']:.1f} ms, "
        f"bare {b['cpu_ms_median']:.1f} ms, ratio {result['cpu_ratio']:.3f}",
        f"peak RSS over launch + {result['settle_s']} s idle + Ctrl+Q ({result['rss_source']}):",
        f"  mes-tui {m['rss_peak_kb_median'] / 1024:.1f} MiB, "
        f"bare {b['rss_peak_kb_median'] / 1024:.1f} MiB, "
        f"ratio {result['rss_peak_ratio']:.3f} (goal <= {GOAL_RSS_RATIO})",
        f"RSS high-water mark at first paint (/proc VmHWM): mes-tui "
        f"{m['rss_at_paint_kb_median'] / 1024:.1f} MiB, bare "
        f"{b['rss_at_paint_kb_median'] / 1024:.1f} MiB, ratio {result['rss_at_paint_ratio']:.3f}",
        f"failures: mes-tui {m['failures']}, bare {b['failures']}",
    ]
    if not Path(TIME_BIN).exists():
        lines.append("note: /usr/bin/time missing (apt-get install time): peak RSS from /proc")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each program (default 15)")
    parser.add_argument("--settle", type=float, default=1.0, help="idle seconds after paint")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--source",
        type=Path,
        help="run mes-tui from this folder (python -m mes_tui, PYTHONPATH): before/after figures",
    )
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="measure the mes-tui of this folder too, in the same runs (repeatable)",
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("startup_bench: tmux is not installed (apt-get install tmux): figure skipped")
        return 3
    also = tuple(path.resolve() for path in args.also)
    result = measure(args.runs, args.settle, args.source.resolve() if args.source else None, also)
    print(report(result))
    extras = result["also"]
    assert isinstance(extras, dict)
    for name, other in extras.items():
        print(f"\n-- {name} (same runs, same baseline):")
        print(report(other))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
