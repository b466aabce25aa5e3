"""The back office under load: 50 processes on one data folder, each serving its own person.

    .venv/bin/python bench/service_load.py [--processes 50] [--timeout 100]

The parent opens a new temporary data folder and imports ``--processes`` fictitious people
(valid NIRs, keys from ``mes_tui.models.nir_key``). Then as many processes (multiprocessing,
spawn) open the service on that folder, wait for each other at a barrier, and each, for its own
person: identifies 3 times with the provisional code; reads the person 3 times; changes the
e-mail address (``start_contact_change``, then ``verify_contact_code`` with the code from the
simulated message); records an opposition; and asks for the same opposition again, which must be
refused (``DecisionConflict``: the decision is already recorded). Every call is timed.

Reported: per operation, count, p50, p99 and max latency, and errors (any exception but the
expected refusal, by type); then the check that every decision was recorded exactly once: each
person opposed, dated, with the new e-mail, and every repeated request refused. Bounded in time:
the processes are stopped after ``--timeout`` seconds (then reported as failures).
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

OPERATIONS = (
    "open",
    "import email_validator",
    "identify",
    "get_person",
    "contact_start",
    "contact_verify",
    "oppose",
)


def person(i: int) -> dict[str, Any]:
    from mes_tui.models import nir_key

    body = f"1800175056{i:03d}"  # a man born in January 1980 in Paris, birth order i
    return {
        "nir": body + nir_key(body),
        "first_name": f"Essai{i}",
        "last_name": "CHARGE",
        "birth_date": "1980-01-15",
        "card_type": "sans_photo",
        "card_serial": f"{31_000_000_000 + 7919 * i:011d}",
        "provisional_code": f"Charge{i:03d}Xqz",
        "email": f"charge.{i}@exemple.fr",
    }


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]


# -- in each process -----------------------------------------------------------------------------
def worker(data_dir: str, i: int, barrier: Any, results: Any) -> None:
    timings: list[tuple[str, float]] = []
    errors: list[tuple[str, str]] = []
    refused_again = False

    def timed(name: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        except Exception as error:
            errors.append((name, type(error).__name__))
            return None
        finally:
            timings.append((name, (time.perf_counter() - started) * 1000))

    from mes_tui.models import CardType, Channel, Status
    from mes_tui.services import open_service
    from mes_tui.services.errors import DecisionConflict

    me = person(i)
    service = timed("open", open_service, Path(data_dir))
    received: list[Any] = []  # the codes this session sends, as the person receives them
    if service is not None:
        service.feed.subscribe(received.append)
    # Loaded on the first contact change of a process, once: timed apart, before the barrier,
    # so that contact_start measures the operation under contention, not this import.
    timed("import email_validator", importlib.import_module, "email_validator")
    try:
        barrier.wait(timeout=90)
    except Exception:  # broken barrier: go on, the figures will say it
        errors.append(("barrier", "BrokenBarrierError"))
    if service is not None:
        for _ in range(3):
            timed(
                "identify",
                service.identify,
                me["provisional_code"],
                me["nir"],
                CardType.SANS_PHOTO,
                me["card_serial"],
            )
        for _ in range(3):
            timed("get_person", service.get_person, me["nir"])
        challenge = timed(
            "contact_start",
            service.start_contact_change,
            me["nir"],
            Channel.EMAIL,
            f"nouvelle.{i}@exemple.fr",
        )
        if challenge is not None:
            timed(
                "contact_verify",
                service.verify_contact_code,
                me["nir"],
                Channel.EMAIL,
                received[-1].code,
            )
        timed("oppose", service.oppose, me["nir"], expected=Status.EN_ATTENTE)
        started = time.perf_counter()
        try:
            service.oppose(me["nir"], expected=Status.EN_ATTENTE)
        except DecisionConflict:
            refused_again = True
        except Exception as error:
            errors.append(("oppose_again", type(error).__name__))
        timings.append(("oppose_again", (time.perf_counter() - started) * 1000))
    results.put({"i": i, "timings": timings, "errors": errors, "refused_again": refused_again})


# -- the parent ----------------------------------------------------------------------------------
def measure(processes: int, timeout: float) -> dict[str, Any]:
    os.environ["MES_TUI_KEYRING"] = "off"  # no system keyring: the key file in the folder
    from mes_tui.models import Status
    from mes_tui.services import SimulatedAdmin, open_service

    started = time.perf_counter()
    outcomes: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mes-bench-load-") as tmp:
        data_dir = Path(tmp) / "data"
        admin = SimulatedAdmin.beside(open_service(data_dir))
        people = [person(i) for i in range(processes)]
        admin.import_registry(people)
        others_before = {
            e.nir: (e.status, e.decided_on)
            for e in admin.list_registry()
            if e.nir not in {me["nir"] for me in people}
        }
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(processes)
        results = context.Queue()
        workers = [
            context.Process(target=worker, args=(str(data_dir), i, barrier, results))
            for i in range(processes)
        ]
        for process in workers:
            process.start()
        deadline = time.monotonic() + timeout
        while len(outcomes) < processes and time.monotonic() < deadline:
            try:
                outcomes.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
            except Exception:  # queue.Empty at the deadline
                break
        for process in workers:
            process.join(timeout=max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join()
        wall = time.perf_counter() - started

        # Every decision recorded exactly once: each person opposed (once: the repeat was
        # refused), dated, with the verified e-mail; nobody else's status changed.
        by_nir = {entry.nir: entry for entry in admin.list_registry()}
        wrong: list[tuple[int, str]] = []
        for i, me in enumerate(people):
            entry = by_nir.get(me["nir"])
            if entry is None or entry.status is not Status.OPPOSEE or entry.decided_on is None:
                wrong.append((i, "not opposed"))
            if entry is None or entry.email != f"nouvelle.{i}@exemple.fr":
                wrong.append((i, "e-mail not changed"))
        others_after = {
            nir: (e.status, e.decided_on) for nir, e in by_nir.items() if nir in others_before
        }
        if others_after != others_before:
            wrong.append((-1, "someone else's status changed"))

    timings: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for outcome in outcomes:
        for name, ms in outcome["timings"]:
            timings.setdefault(name, []).append(ms)
        for name, kind in outcome["errors"]:
            errors[f"{name}: {kind}"] = errors.get(f"{name}: {kind}", 0) + 1
    table = {
        name: {
            "count": len(values),
            "p50": statistics.median(values),
            "p99": _percentile(values, 0.99),
            "max": max(values),
        }
        for name, values in sorted(timings.items(), key=lambda kv: _order(kv[0]))
    }
    service_ops = [
        ms
        for name, values in timings.items()
        if name not in ("open", "import email_validator")
        for ms in values
    ]
    return {
        "processes": processes,
        "finished": len(outcomes),
        "wall_s": wall,
        "operations": table,
        "all_operations": {
            "count": len(service_ops),
            "p50": statistics.median(service_ops) if service_ops else float("nan"),
            "p99": _percentile(service_ops, 0.99),
            "max": max(service_ops, default=float("nan")),
        },
        "errors": errors,
        "repeats_refused": sum(1 for o in outcomes if o["refused_again"]),
        "decision_problems": wrong,
    }


def _order(name: str) -> int:
    order = (*OPERATIONS, "oppose_again")
    return order.index(name) if name in order else len(order)


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['processes']} processes (spawn) on one data folder, "
        f"{result['finished']} finished, {result['wall_s']:.1f} s in all; latency in ms:",
        f"  {'operation':24s} {'count':>6s} {'p50':>8s} {'p99':>8s} {'max':>8s}",
    ]
    for name, row in result["operations"].items():
        lines.append(
            f"  {name:24s} {row['count']:6d} {row['p50']:8.1f} {row['p99']:8.1f} {row['max']:8.1f}"
        )
    every = result["all_operations"]
    lines.append(
        f"  {'all but open, import':24s} {every['count']:6d} {every['p50']:8.1f} "
        f"{every['p99']:8.1f} {every['max']:8.1f}"
    )
    errors = result["errors"]
    lines.append(
        "errors: " + (", ".join(f"{k} x{v}" for k, v in errors.items()) if errors else "none")
    )
    problems = result["decision_problems"]
    lines.append(
        f"decisions: {result['processes'] - len({i for i, _ in problems})} of "
        f"{result['processes']} people opposed once with the new e-mail; repeated requests "
        f"refused: {result['repeats_refused']}; problems: {problems or 'none'}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=100, help="seconds before stopping")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    result = measure(args.processes, args.timeout)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    ok = (
        not result["errors"]
        and not result["decision_problems"]
        and result["repeats_refused"] == args.processes
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
