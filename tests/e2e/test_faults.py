"""``kill -9`` of a session in the middle of a decision or of a receipt write.

A small driver (below) opens the service on a data directory and runs decisions and receipt
writes in a loop, printing what it starts (``B``), what was committed (``D``) and each receipt
written (``R``). It is killed with SIGKILL at random moments, many times, sometimes two at once
on the same registry; or, deterministically, at the worst moments: inside the decision's
transaction, and while a complete receipt gets its final name. After each kill:

* the registry passes ``PRAGMA integrity_check``;
* each person's status is one of the three, and the row is coherent (dated when decided,
  credentials only when active);
* every decision the driver saw committed is there, and the one in flight is either fully
  recorded or absent;
* the receipts folder holds complete PDFs only (each read back with pypdf); a temporary file
  may stay behind, but only hidden (the receipts module's ``.justificatif-….part``), never
  under a ``.pdf`` name.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from mes_tui.services import open_service
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import ReceiptBusy
from mes_tui.services.rules import RECEIPT_CLAIM
from tests.simulation import admin, save_receipt

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"en_attente", "active", "opposee"}

DRIVER = textwrap.dedent(
    '''
    """Decide and write receipts for ever, saying what it does; killed from outside."""
    import os
    import signal
    import sys
    import types
    from pathlib import Path

    from mes_tui import receipt_writer as receipts
    from mes_tui.models import Status
    from mes_tui.services import SimulatedAdmin, open_service
    from mes_tui.services import people as rules_of_people
    from mes_tui.services.errors import ServiceError
    from mes_tui.services.hashing import PasswordHashing

    data_dir, share, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    fault = sys.argv[4]


    def say(*words):
        os.write(1, (" ".join(words) + "\\n").encode())


    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)


    if fault == "in-transaction":
        # Killed after the decision's UPDATE, before its COMMIT.
        original = rules_of_people.transition

        def transition_then_die(*args, **kwargs):
            original(*args, **kwargs)
            die()

        rules_of_people.transition = transition_then_die
    elif fault in ("naming", "temp-write"):
        # Killed when the complete receipt is about to get its final name, or while its
        # temporary file is being flushed: the receipts module sees an os whose calls die.
        proxy = types.SimpleNamespace(
            **{k: getattr(os, k) for k in dir(os) if not k.startswith("__")}
        )
        for name in ("link", "replace", "rename") if fault == "naming" else ("fsync",):
            setattr(proxy, name, die)
        receipts.os = proxy

    service = open_service(data_dir, password_hashing=PasswordHashing.fast())
    registry = SimulatedAdmin.beside(service).list_registry()
    people = [e.nir for i, e in enumerate(registry) if i % count == share]
    writer = receipts.ReceiptWriter.for_data_dir(data_dir)
    # The PDF renderer loaded before the work starts (the app warms it while the person reads
    # the confirmation): the kills land in decisions and receipts, not in imports.
    from datetime import date

    from mes_tui.services.receipts import render_receipt

    render_receipt(nir="116304403801618", first_name="A", last_name="B", decided_on=date.today())
    say("ready")
    while True:
        for index, nir in enumerate(people):
            person = service.get_person(nir)
            try:
                if person.status is Status.EN_ATTENTE:
                    say("B", nir, "opposee")
                    service.oppose(nir, expected=Status.EN_ATTENTE)
                    say("D", nir, "opposee")
                elif person.status is Status.OPPOSEE:
                    try:
                        say("S", nir)
                        say("R", str(writer.save(service, nir)))
                    except ServiceError:
                        pass
                    say("B", nir, "active")
                    service.activate(nir, f"personne.{nir[:6]}.{index}", "Tournesol#2024",
                                     accepted_terms=True, expected=Status.OPPOSEE)
                    say("D", nir, "active")
                else:
                    say("B", nir, "opposee")
                    service.close_space(nir)
                    say("D", nir, "opposee")
            except ServiceError as error:
                say("F", nir, type(error).__name__)
    '''
)


@pytest.fixture
def driver(tmp_path: Path) -> Path:
    path = tmp_path / "driver.py"
    path.write_text(DRIVER, encoding="utf-8")
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    open_service(path)  # the demo registry, filled once before the drivers race
    return path


class Driver:
    """One driver process; ``kill`` sends SIGKILL and returns every line it printed."""

    def __init__(
        self, script: Path, data_dir: Path, share: int = 0, count: int = 1, fault: str = "none"
    ) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(ROOT),
            "MES_TUI_KEYRING": "off",
            "HOME": str(data_dir.parent),
        }
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(data_dir), str(share), str(count), fault],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            bufsize=0,  # no read-ahead by readline below: communicate() gets every later line
        )
        assert self.process.stdout is not None
        first = self.process.stdout.readline()
        assert first == b"ready\n", first + self.process.stderr.read()  # type: ignore[union-attr]

    def kill(self) -> list[str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        out, err = self.process.communicate(timeout=30)
        assert self.process.returncode == -signal.SIGKILL, err.decode()
        # A line cut by the kill is not a complete line: drop it.
        text = out.decode()
        lines = text.split("\n")
        return lines[:-1]

    def wait_for_death(self, timeout: float = 60) -> list[str]:
        """For a driver that kills itself at a fault point."""
        try:
            out, err = self.process.communicate(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        assert self.process.returncode == -signal.SIGKILL, err.decode()
        return out.decode().split("\n")[:-1]


# -- the checks ------------------------------------------------------------------------------------
def statuses(data_dir: Path) -> dict[str, str]:
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
        return dict(conn.execute("SELECT nir, status FROM people").fetchall())


def check_registry(data_dir: Path) -> None:
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = conn.execute(
            "SELECT status, decided_on, identifier, password_hash FROM people"
        ).fetchall()
    assert len(rows) == 13
    for status, decided_on, identifier, password_hash in rows:
        assert status in STATUSES
        assert (decided_on is None) == (status == "en_attente")
        if status == "active":
            assert identifier and password_hash
        if status == "opposee":
            assert identifier is None and password_hash is None


def check_decisions(before: dict[str, str], lines: list[str], after: dict[str, str]) -> int:
    """Every committed decision is there; the one in flight is all there or not at all.
    Returns how many decisions were committed."""
    done = dict(before)
    in_flight: dict[str, str] = {}
    committed = 0
    for line in lines:
        words = line.split()
        if words and words[0] == "B":
            in_flight[words[1]] = words[2]
        elif words and words[0] == "D":
            done[words[1]] = words[2]
            in_flight.pop(words[1], None)
            committed += 1
        elif words and words[0] == "F":
            in_flight.pop(words[1], None)
    for nir, status in after.items():
        allowed = {done[nir], in_flight.get(nir, done[nir])}
        assert status in allowed, (nir, status, allowed)
    return committed


def check_receipts(data_dir: Path, checked: set[Path]) -> None:
    folder = data_dir / "justificatifs"
    if not folder.exists():
        return
    for path in folder.iterdir():
        if path.name.startswith("."):
            # The receipts module's temporary file, hidden, never named like a receipt.
            assert path.name.startswith(".justificatif-") and path.name.endswith(".part"), path
            assert not path.name.endswith(".pdf")
            continue
        assert path.suffix == ".pdf" and path.name.startswith("justificatif-opposition-"), path
        if path in checked:
            continue
        assert path.stat().st_size > 0, f"empty receipt {path.name}"
        reader = PdfReader(path, strict=True)
        assert len(reader.pages) == 1
        assert "Votre justificatif d'opposition" in reader.pages[0].extract_text()
        checked.add(path)


def written_receipts(lines: list[str]) -> list[Path]:
    return [Path(line.split(" ", 1)[1]) for line in lines if line.startswith("R ")]


# -- random kills ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_kill_9_at_random_moments_leaves_everything_sound(driver: Path, data_dir: Path) -> None:
    rng = random.Random(20211207)
    checked: set[Path] = set()
    committed = receipts = 0
    kills = 0
    for round_number in range(20):
        before = statuses(data_dir)
        # Most rounds two sessions share the registry (each with its own people).
        count = 1 if round_number % 4 == 0 else 2
        drivers = [Driver(driver, data_dir, share, count) for share in range(count)]
        time.sleep(rng.uniform(0.05, 0.9))
        lines: list[str] = []
        for one in drivers:
            lines += one.kill()
            kills += 1
        check_registry(data_dir)
        committed += check_decisions(before, lines, statuses(data_dir))
        check_receipts(data_dir, checked)
        for path in written_receipts(lines):
            assert path in checked  # reported written: complete and readable
            receipts += 1
    assert kills >= 30
    # The kills did land in the middle of real work.
    assert committed > 20 and receipts > 5, (committed, receipts)
    # The registry still serves: the next session starts as if nothing happened.
    service = open_service(data_dir)
    assert len(admin(service).list_registry()) == 13


# -- kills at the worst moments --------------------------------------------------------------------
def test_kill_9_inside_a_decision_transaction_records_nothing(driver: Path, data_dir: Path) -> None:
    before = statuses(data_dir)
    lines = Driver(driver, data_dir, fault="in-transaction").wait_for_death()
    assert lines[-1].startswith("B ")  # it died inside the first decision
    _, nir, _ = lines[-1].split()
    check_registry(data_dir)
    assert statuses(data_dir) == before, nir  # absent, not half there


@pytest.mark.parametrize("fault", ["naming", "temp-write"])
def test_kill_9_while_a_receipt_is_written_leaves_no_visible_partial_pdf(
    driver: Path, data_dir: Path, fault: str
) -> None:
    lines = Driver(driver, data_dir, fault=fault).wait_for_death()
    assert not written_receipts(lines)
    # It died in save_receipt ("S"), after the first opposition was committed.
    assert lines[-1].startswith("S ")
    assert any(line.startswith("D ") and line.endswith(" opposee") for line in lines)
    check_registry(data_dir)
    folder = data_dir / "justificatifs"
    visible = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
    assert visible == []
    hidden = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert len(hidden) <= 1 and all(name.endswith(".part") for name in hidden)
    check_receipts(data_dir, set())
    # Not lost: the save that died held the receipt for a while; once that has passed, the
    # person can still save it.
    nir = lines[-1].split()[1]  # the person whose receipt was being written
    with pytest.raises(ReceiptBusy):
        save_receipt(open_service(data_dir), nir)
    later = FakeClock(datetime.now(UTC) + RECEIPT_CLAIM + timedelta(seconds=1))
    saved = save_receipt(open_service(data_dir, clock=later), nir)
    assert saved.parent == folder and saved.exists()
    check_receipts(data_dir, set())
