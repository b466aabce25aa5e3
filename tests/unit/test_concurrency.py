"""50 sessions, each its own process, running whole journeys on one registry at the same moment.

Each process identifies its own person with the provisional code, verifies a new e-mail address
with a one-time code, then activates (identifier and password, then signs in) or opposes (and
saves the receipt); all of them also try to decide for two people everyone shares: only one may
win each. Afterwards: zero errors, every decision recorded exactly once (none lost, none twice),
one receipt per opposition, the registry sound.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from mes_tui.models import nir_key
from mes_tui.services import demo as d
from mes_tui.services import open_service
from tests.simulation import admin

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SESSIONS = 50
PASSWORD = "Tournesol#2024"

JOURNEY = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path

    from mes_tui.models import CardType, Channel, Status
    from mes_tui.receipt_writer import ReceiptWriter
    from mes_tui.services import open_service
    from mes_tui.services.errors import DecisionConflict, ServiceError
    from mes_tui.services.hashing import PasswordHashing

    data_dir, index, start = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    nir, code, serial = sys.argv[4], sys.argv[5], sys.argv[6]
    shared_holder, shared_profile, shared_person = sys.argv[7], sys.argv[8], sys.argv[9]
    report = {"index": index, "errors": [], "won": []}

    service = open_service(data_dir, password_hashing=PasswordHashing.fast())
    received = []  # what this session sent, as the person receives it
    service.feed.subscribe(received.append)
    time.sleep(max(0.0, start - time.time()))  # everybody at once
    try:
        person = service.identify(code, nir, CardType.SANS_PHOTO, serial)
        service.start_contact_change(nir, Channel.EMAIL, f"session{index}@example.fr")
        service.verify_contact_code(nir, Channel.EMAIL, received[-1].code)
        if index % 2 == 0:
            service.activate(nir, f"session.{index:04d}", "Tournesol#2024", accepted_terms=True,
                             expected=Status.EN_ATTENTE)
            report["decision"] = service.login(f"session.{index:04d}", "Tournesol#2024").status
        else:
            report["decision"] = service.oppose(nir, expected=Status.EN_ATTENTE).status
            report["receipt"] = str(ReceiptWriter.for_data_dir(data_dir).save(service, nir))
        for name, attempt in (
            ("person", lambda: service.oppose(shared_person, expected=Status.EN_ATTENTE)),
            ("profile", lambda: service.decide_profile(
                shared_holder, shared_profile, Status.ACTIVE, expected=Status.EN_ATTENTE)),
        ):
            try:
                attempt()
                report["won"].append(name)
            except DecisionConflict:
                pass
    except ServiceError as error:
        report["errors"].append(f"{type(error).__name__}: {error.message}")
    except Exception as error:
        report["errors"].append(f"{type(error).__name__}: {error}")
    print(json.dumps(report))
    """
)


def person_row(index: int) -> dict[str, Any]:
    body = f"1{60 + index % 40:02d}0575{index:03d}{index + 100:03d}"
    return {
        "nir": body + nir_key(body),
        "first_name": f"Session{index}",
        "last_name": "CONCURRENTE",
        "birth_date": "1960-05-01",
        "card_type": "sans_photo",
        "card_serial": f"0{index:03d}7654321",
        "provisional_code": f"Cc{index:03d}dEFgh2k"[:12],
        "email": f"avant{index}@example.fr",
    }


def test_fifty_sessions_at_once_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    service = open_service(data_dir)
    rows = [person_row(i) for i in range(SESSIONS)]
    assert len({r["provisional_code"] for r in rows}) == SESSIONS
    admin(service).import_registry(rows)
    script = tmp_path / "journey.py"
    script.write_text(JOURNEY, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "MES_TUI_KEYRING": "off",
        "HOME": str(tmp_path),
    }
    started = time.monotonic()
    start_at = time.time() + 8  # every process imported and open by then (2 cores)
    processes = [
        subprocess.Popen(
            [
                *(sys.executable, str(script), str(data_dir), str(i), str(start_at)),
                *(row["nir"], row["provisional_code"], row["card_serial"]),
                *(d.MARTINE, d.JEAN_JACQUES, d.KARIM),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for i, row in enumerate(rows)
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
        reports.append(json.loads(out))
    elapsed = time.monotonic() - started

    # Zero errors: no StorageBusy, no lockout, nothing unexpected.
    assert [r["errors"] for r in reports if r["errors"]] == []
    # Each shared decision was taken once, by one session; the others were told.
    assert Counter(name for r in reports for name in r["won"]) == {"person": 1, "profile": 1}

    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        people = {
            nir: (status, decided_on, identifier, email)
            for nir, status, decided_on, identifier, email in conn.execute(
                "SELECT nir, status, decided_on, identifier, email FROM people"
            )
        }
    assert len(people) == 13 + SESSIONS
    for i, row in enumerate(rows):
        status, decided_on, identifier, email = people[row["nir"]]
        assert email == f"session{i}@example.fr"
        assert decided_on is not None
        if i % 2 == 0:
            assert (status, identifier) == ("active", f"session.{i:04d}")
            assert reports[i]["decision"] == "active"
        else:
            assert (status, identifier) == ("opposee", None)
            assert reports[i]["decision"] == "opposee"
    assert people[d.KARIM][0] == "opposee"
    assert people[d.JEAN_JACQUES][0] == "active"

    # One receipt per opposition, each complete, none twice.
    receipts = sorted((data_dir / "justificatifs").glob("*.pdf"))
    reported = sorted(Path(r["receipt"]) for r in reports if "receipt" in r)
    assert receipts == reported and len(receipts) == SESSIONS // 2
    for path in receipts:
        assert len(PdfReader(path).pages) == 1

    # One one-time code sent per session, to its new address.
    sent = Counter(m.to for m in admin(service).outbox() if m.purpose == "verification_email")
    assert sent == {f"session{i}@example.fr": 1 for i in range(SESSIONS)}
    assert elapsed < 90, elapsed
