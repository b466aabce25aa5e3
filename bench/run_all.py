"""``make bench``: every figure of BENCHMARKS.md, measured now, written into BENCHMARKS.md.

    .venv/bin/python bench/run_all.py [--quick] [--no-write]

Runs, one after the other: the start-up bench (first paint and peak memory against a bare Textual
app, in tmux), ``-X importtime`` of the start-up, the screen-change bench (Pilot), the raw
keyboard input bench (a pseudo-terminal, against a bare Textual app), the receipt bench and the
back office under 50 processes. Prints every report, then replaces the part of
BENCHMARKS.md between the ``bench:results`` markers with the new tables (date, machine, load).
Installs nothing: without tmux the first-paint figures are skipped, without /usr/bin/time the
peak memory is read from /proc; both are said. ``--quick`` takes fewer samples (a try-out, not
figures to keep); ``--no-write`` leaves BENCHMARKS.md alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PY = sys.executable
START = "<!-- bench:results:start (written by make bench; edit the text outside) -->"
END = "<!-- bench:results:end -->"


def run(args: list[str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    print(f"$ {' '.join(Path(a).name if a == PY else a for a in args)}", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        args, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False, env=env
    )
    print(done.stdout, end="", flush=True)
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return done


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import textual

    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": str(os.cpu_count()),
        "cpu": model or platform.processor() or "?",
        "python": platform.python_version(),
        "textual": getattr(textual, "__version__", "?"),
        "system": f"{platform.system()} {platform.release()}",
    }


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- import time ------------------------------------------------------------------------------
def importtime(runs: int) -> dict[str, Any]:
    """``-X importtime`` of the start-up up to the first paint (bench/first_paint_probe.py)."""
    by_module: dict[str, list[tuple[int, int, int]]] = {}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "mes_tui")], check=False, env=env)  # noqa: S603
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603
            [PY, "-X", "importtime", str(BENCH / "first_paint_probe.py")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            env=env,
        )
        for line in done.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            own, cumulative, name = line[len("import time:") :].split("|")
            depth = (len(name) - len(name.lstrip(" "))) // 2
            by_module.setdefault(name.strip(), []).append((int(own), int(cumulative), depth))
    rows = {
        name: {
            "self_ms": statistics.median(v[0] for v in values) / 1000,
            "cumulative_ms": statistics.median(v[1] for v in values) / 1000,
            "depth": values[0][2],
        }
        for name, values in by_module.items()
    }
    total = sum(r["self_ms"] for r in rows.values())
    mes = sum(r["self_ms"] for n, r in rows.items() if n.split(".")[0] == "mes_tui")
    textual_ms = sum(r["self_ms"] for n, r in rows.items() if n.split(".")[0] == "textual")
    top = sorted(
        ((n, r) for n, r in rows.items() if r["depth"] <= 1),
        key=lambda item: -item[1]["cumulative_ms"],
    )[:12]
    return {
        "runs": runs,
        "total_ms": total,
        "mes_tui_self_ms": mes,
        "textual_self_ms": textual_ms,
        "modules": len(rows),
        "top": top,
    }


# -- BENCHMARKS.md ---------------------------------------------------------------------------
def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(
    info: dict[str, str],
    loads: tuple[str, str],
    startup: dict[str, Any] | None,
    startup_note: str,
    imports: dict[str, Any] | None,
    screens: dict[str, Any] | None,
    inputs: dict[str, Any] | None,
    receipt: str | None,
    service: dict[str, Any] | None,
    quick: bool,
) -> str:
    out = [
        START,
        "",
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['system']}, "
        f"Python {info['python']}, Textual {info['textual']}; load average (1, 5, 15 min) "
        f"{loads[0]} before, {loads[1]} after." + (" **Quick run (--quick).**" if quick else ""),
        "",
        "| Figure | Baseline | mes-tui | Goal | |",
        "|---|---|---|---|---|",
    ]
    if startup is not None:
        m, b = startup["mes"], startup["bare"]
        out.append(
            f"| First paint, tmux 80×24, median of {startup['runs']} | "
            f"{b['paint_ms_median']:.0f} ms | {m['paint_ms_median']:.0f} ms (×"
            f"{startup['paint_ratio']:.2f}) | ×1.15 | {verdict(startup['paint_ratio'] <= 1.15)} |"
        )
        out.append(
            f"| CPU time to first paint, median | {b['cpu_ms_median']:.0f} ms | "
            f"{m['cpu_ms_median']:.0f} ms (×{startup['cpu_ratio']:.2f}) | | |"
        )
        out.append(
            f"| Peak RSS, launch + {startup['settle_s']:g} s idle + Ctrl+Q | "
            f"{b['rss_peak_kb_median'] / 1024:.1f} MiB | {m['rss_peak_kb_median'] / 1024:.1f} MiB "
            f"(×{startup['rss_peak_ratio']:.2f}) | ×1.20 | "
            f"{verdict(startup['rss_peak_ratio'] <= 1.20)} |"
        )
        out.append(
            f"| RSS high-water mark at first paint | {b['rss_at_paint_kb_median'] / 1024:.1f} MiB "
            f"| {m['rss_at_paint_kb_median'] / 1024:.1f} MiB (×{startup['rss_at_paint_ratio']:.2f})"
            " | | |"
        )
    else:
        out.append(f"| First paint, peak RSS | — | — | | skipped: {startup_note} |")
    if screens is not None:
        base = screens["transitions"]["bare Textual: welcome -> same widgets"]["wall"]["all"]
        overall = screens["overall"]["wall"]
        out.append(
            f"| Screen change, Enter → next screen painted, p95 ({overall['n']} changes) | "
            f"{base['p95']:.0f} ms (bare app, identification-sized screen) | "
            f"{overall['p95']:.0f} ms (p50 {overall['p50']:.0f}) | 30 ms | "
            f"{verdict(overall['p95'] <= 30)} |"
        )
    if inputs is not None:
        fields = inputs["fields"]
        worst = max(fields, key=lambda name: fields[name]["ratio"])
        row = fields[worst]
        kb = inputs["bytes"] / 1024
        out.append(
            f"| Raw keyboard input, CPU per {kb:g} KB, worst of {len(fields)} fields ({worst}) | "
            f"{row['bare_median_s'] * 1000:.0f} ms (bare app, same maximum length) | "
            f"{row['mes_median_s'] * 1000:.0f} ms (×{row['ratio']:.2f}) | ×1.5 | "
            f"{verdict(inputs['worst_ratio'] <= inputs['goal_ratio'])} |"
        )
    if receipt is not None:
        first = re.search(r"first receipt of a process.*?median ([\d.]+) ms", receipt)
        median = re.search(r"median ([\d.]+) ms, p95 ([\d.]+) ms", receipt)
        size = re.search(r"file size: (\d+) bytes", receipt)
        if first and median and size:
            key = float(first[1])
            p50, p95, kb = float(median[1]), float(median[2]), int(size[1]) / 1024
            out.append(
                f"| Receipt: first of a process, key → file; warm (median, p95); size | | "
                f"{key:.0f} ms; {p50:.0f} ms, {p95:.0f} ms; {kb:.1f} KB | 100 ms; p95 20 ms; "
                f"60 KB | {verdict(key <= 100 and p95 <= 20 and kb <= 60)} |"
            )
    if service is not None:
        every = service["all_operations"]
        errors = sum(service["errors"].values())
        once = (
            not service["decision_problems"] and service["repeats_refused"] == service["processes"]
        )
        out.append(
            f"| Back office, {service['processes']} processes: p99 of {every['count']} "
            f"operations; errors; decisions once | | {every['p99']:.0f} ms (p50 "
            f"{every['p50']:.1f}); {errors} errors; {'yes' if once else 'NO'} | "
            f"report; 0 errors | {verdict(errors == 0 and once)} |"
        )
    out.append("")

    if startup is not None:
        m, b = startup["mes"], startup["bare"]
        out += [
            "### First paint and memory",
            "",
            f"`bench/startup_bench.py --runs {startup['runs']}`: mes-tui (`.venv/bin/mes-tui`, "
            "default folders) and `bench/bare_app.py` alternate in tmux 80×24; the pane is "
            "polled every 3 ms for “Commencer”. Peak RSS: "
            f"{startup['rss_source']}.",
            "",
            "| | mes-tui | bare Textual |",
            "|---|---|---|",
            f"| first paint, median (min–max) | {m['paint_ms_median']:.0f} ms "
            f"({m['paint_ms_min']:.0f}–{m['paint_ms_max']:.0f}) | {b['paint_ms_median']:.0f} ms "
            f"({b['paint_ms_min']:.0f}–{b['paint_ms_max']:.0f}) |",
            f"| median of run-by-run ratios | ×{startup['paint_pair_ratio_median']:.2f} | |",
            f"| CPU time at first paint | {m['cpu_ms_median']:.0f} ms | "
            f"{b['cpu_ms_median']:.0f} ms |",
            f"| peak RSS (whole run) | {m['rss_peak_kb_median'] / 1024:.1f} MiB | "
            f"{b['rss_peak_kb_median'] / 1024:.1f} MiB |",
            f"| failures | {m['failures']} | {b['failures']} |",
            "",
        ]
        if startup_note:
            out += [startup_note, ""]
    if imports is not None:
        out += [
            "### Imports up to the first paint",
            "",
            f"`python -X importtime bench/first_paint_probe.py`, median of {imports['runs']} runs:"
            f" {imports['modules']} modules, {imports['total_ms']:.0f} ms in all, of which "
            f"Textual (and Rich, asyncio… under it) most; mes_tui's own modules "
            f"{imports['mes_tui_self_ms']:.0f} ms. Heaviest (cumulative):",
            "",
            "| module | cumulative | self |",
            "|---|---|---|",
        ]
        for name, row in imports["top"]:
            out.append(f"| `{name}` | {row['cumulative_ms']:.1f} ms | {row['self_ms']:.1f} ms |")
        out.append("")
    if screens is not None:
        out += [
            "### Screen changes",
            "",
            f"`bench/screens_bench.py --processes {screens['processes']} --journeys "
            f"{screens['journeys']}`: wall time from the key to the next screen painted; "
            "cold = first journey of a fresh process; CPU = process CPU time over the same span; "
            "GC = time in the garbage collector over the same span.",
            "",
            "| transition | cold p50 | cold max | warm p50 | warm p95 | all p95 | CPU p50 "
            "| CPU p95 | GC p95 | GC max |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, row in screens["transitions"].items():
            wall, cpu, gc_ = row["wall"], row["cpu"], row["gc"]
            out.append(
                f"| {name} | {wall['cold']['p50']:.0f} | {wall['cold']['max']:.0f} | "
                f"{wall['warm']['p50']:.0f} | {wall['warm']['p95']:.0f} | "
                f"{wall['all']['p95']:.0f} | {cpu['all']['p50']:.0f} | {cpu['all']['p95']:.0f} | "
                f"{gc_['all']['p95']:.0f} | {gc_['all']['max']:.0f} |"
            )
        out.append("")
    if inputs is not None:
        kb = inputs["bytes"] / 1024
        out += [
            "### Raw keyboard input",
            "",
            f"`bench/input_bench.py --runs {inputs['runs']}`: the real program in a pseudo-"
            f"terminal of 80×24; each field reached with the keys a person presses, then "
            f"{kb:g} KB of printable text written at once to the terminal (no bracketed paste, "
            "no Enter or Tab); CPU time of the process (`/proc/PID/stat`) until it is idle "
            "again. Right after each field, `bench/bare_input.py` (a bare Textual app, one "
            "`Input` of the same maximum length) gets the same bytes. Medians, in ms:",
            "",
            "| field | maximum | mes-tui | bare Textual | ratio |",
            "|---|---|---|---|---|",
        ]
        rows = list(inputs["fields"].items())
        if inputs.get("escape_paste"):
            paste = inputs["escape_paste"]
            rows.append(
                (f"code: bracketed paste of {paste['bytes'] / 1024:.0f} KB, ESC every 25", paste)
            )
        for name, row in rows:
            out.append(
                f"| {name} | {row['max_length']} | {row['mes_median_s'] * 1000:.0f} | "
                f"{row['bare_median_s'] * 1000:.0f} | ×{row['ratio']:.2f} |"
            )
        out.append("")
    if receipt is not None:
        out += ["### Receipt", "", "`bench/receipt_bench.py`:", "", "```", receipt.strip(), "```"]
        out.append("")
    if service is not None:
        out += [
            "### Back office under load",
            "",
            f"`bench/service_load.py`: {service['processes']} processes (spawn), one data folder, "
            f"{service['finished']} finished in {service['wall_s']:.1f} s. Latency in ms:",
            "",
            "| operation | count | p50 | p99 | max |",
            "|---|---|---|---|---|",
        ]
        for name, row in service["operations"].items():
            out.append(
                f"| {name} | {row['count']} | {row['p50']:.1f} | {row['p99']:.1f} | "
                f"{row['max']:.1f} |"
            )
        every = service["all_operations"]
        out += [
            f"| all but open and import | {every['count']} | {every['p50']:.1f} | "
            f"{every['p99']:.1f} | {every['max']:.1f} |",
            "",
            f"Errors: {service['errors'] or 'none'}. Repeated oppositions refused: "
            f"{service['repeats_refused']} of {service['processes']}; decision problems: "
            f"{service['decision_problems'] or 'none'}.",
            "",
        ]
    out.append(END)
    return "\n".join(out)


def write(section: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"BENCHMARKS.md: results written ({path})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples: a try-out")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    info = machine()
    load_before = load()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mes-bench-all-") as tmp:
        out = Path(tmp)

        startup: dict[str, Any] | None = None
        startup_note = ""
        if shutil.which("tmux") is None:
            startup_note = "tmux is not installed (apt-get install tmux): first paint skipped"
            print(startup_note)
        else:
            if not Path("/usr/bin/time").exists():
                startup_note = (
                    "/usr/bin/time is missing (apt-get install time): peak RSS read from "
                    "/proc/PID/status (VmHWM) just before quitting"
                )
                print(startup_note)
            runs = "5" if args.quick else "15"
            done = run([PY, str(BENCH / "startup_bench.py"), "--runs", runs, "--json", f"{out}/s"])
            if done.returncode == 0:
                startup = json.loads((out / "s").read_text())

        imports = importtime(2 if args.quick else 5)
        print(f"imports at first paint: {imports['total_ms']:.0f} ms, {imports['modules']} modules")

        screens_args = ["--processes", "2", "--journeys", "2"] if args.quick else []
        done = run([PY, str(BENCH / "screens_bench.py"), *screens_args, "--json", f"{out}/c"])
        screens = json.loads((out / "c").read_text()) if done.returncode == 0 else None

        input_args = ["--runs", "1" if args.quick else "3", "--json", f"{out}/i"]
        run([PY, str(BENCH / "input_bench.py"), *input_args])
        inputs = json.loads((out / "i").read_text()) if (out / "i").exists() else None

        receipt_args = ["--count", "10", "--runs", "2"] if args.quick else []
        done = run([PY, str(BENCH / "receipt_bench.py"), *receipt_args])
        receipt = done.stdout if done.returncode == 0 else None

        load_args = ["--processes", "10"] if args.quick else []
        done = run([PY, str(BENCH / "service_load.py"), *load_args, "--json", f"{out}/l"])
        service = json.loads((out / "l").read_text()) if (out / "l").exists() else None

    section = render(
        info,
        (load_before, load()),
        startup,
        startup_note,
        imports,
        screens,
        inputs,
        receipt,
        service,
        args.quick,
    )
    print(f"\nall benches: {time.monotonic() - started:.0f} s")
    if args.no_write:
        print(section)
    else:
        write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
