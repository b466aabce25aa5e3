"""Secrets at rest, after whole journeys, and the key without a keyring.

Full journeys run through the service (and the command line) with the logging the command line
sets up. Then every byte of every file in the data directory (the registry, its WAL, the key,
the log, the receipts, their text) is read back: no password, no provisional code, no one-time
code appears in clear, whether it was right or mistyped. The outbox is the exception: it *is*
the simulated delivery of those codes. The log holds no NIR either (compact, spaced, or the 13
characters without the key).

Without any keyring backend, the key falls back to a private file; each process says so once,
in the log, and processes sharing the data directory share the key.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from mes_tui.cli import _configure_logging
from mes_tui.models import CardType, Channel, Status, format_nir
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    IdentificationFailed,
    LoginFailed,
    OtpInvalid,
    PasswordRejected,
    ServiceError,
)
from mes_tui.services.hashing import PasswordHashing
from tests.simulation import admin, last_code, save_receipt

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "Tournesol#2024"
REJECTED_PASSWORD = "Martine#2024x"  # carries her first name: refused, never stored
WRONG_PASSWORDS = ["Mauvais!Mot42", "Azur&Menthe43"]
MISTYPED_CODE = "HuqZF3KXCz8m"
MISTYPED_OTP = "999999"
SAN = CardType.SANS_PHOTO


@pytest.fixture
def logged(data_dir: Path) -> Iterator[Path]:
    """The package's logs go to ``DATA_DIR/mes-tui.log``, set up as the command line does
    (and undone after the test by ``tests/conftest.py``)."""
    _configure_logging(data_dir)
    yield data_dir / "mes-tui.log"


def other_otp(code: str) -> str:
    return MISTYPED_OTP if code != MISTYPED_OTP else "999998"


def journeys(service: SimulatedService) -> list[str]:
    """Both journeys, with mistakes on the way; returns every secret typed or sent."""
    typed = [MISTYPED_CODE, NEW_PASSWORD, REJECTED_PASSWORD, *WRONG_PASSWORDS, d.DEMO_PASSWORD]

    # Activation for Martine: a mistyped code first, new contact details, credentials.
    with pytest.raises(IdentificationFailed):
        service.identify(MISTYPED_CODE, format_nir(d.MARTINE), SAN, "01024576124")
    service.identify("HuqZF3KXCz8k", format_nir(d.MARTINE), SAN, "01024576124")
    for channel, value in ((Channel.EMAIL, "martine@example.fr"), (Channel.SMS, "0611121314")):
        service.start_contact_change(d.MARTINE, channel, value)
        challenge_code = last_code(service)
        assert challenge_code is not None
        with pytest.raises(OtpInvalid):
            service.verify_contact_code(d.MARTINE, channel, other_otp(challenge_code))
        service.verify_contact_code(d.MARTINE, channel, challenge_code)
        typed.append(other_otp(challenge_code))
    with pytest.raises(PasswordRejected):
        service.activate(
            d.MARTINE,
            "martine.l",
            REJECTED_PASSWORD,
            accepted_terms=True,
            expected=service.get_person(d.MARTINE).status,
        )
    service.activate(
        d.MARTINE,
        "martine.l",
        NEW_PASSWORD,
        accepted_terms=True,
        expected=service.get_person(d.MARTINE).status,
    )
    service.login("martine.l", NEW_PASSWORD)
    for wrong in WRONG_PASSWORDS:
        with pytest.raises(LoginFailed):
            service.login("martine.l", wrong)
    service.login("lucas.petit", d.DEMO_PASSWORD)

    # Opposition for Karim with a new provisional code, and his receipt.
    service.request_provisional_code(
        d.KARIM[:13], date(1978, 7, 22), CardType.AVEC_PHOTO, "04512378906"
    )
    sent_code = last_code(service)
    assert sent_code is not None
    service.identify(sent_code, d.KARIM, CardType.AVEC_PHOTO, "04512378906")
    service.oppose(d.KARIM, expected=Status.EN_ATTENTE)
    save_receipt(service, d.KARIM)

    # A profile decided by its holder, and a space closed.
    service.decide_profile(d.MARTINE, d.JEAN_JACQUES, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    service.close_space(d.LUCAS)
    save_receipt(service, d.LUCAS)
    # Refusals are logged too: still without a NIR.
    with pytest.raises(ServiceError):
        service.get_person("2 55 12 55 555 555 47")

    sent_codes = [m.code for m in admin(service).outbox() if m.code]
    return typed + sent_codes


def nir_forms(nir: str) -> list[str]:
    return [nir, format_nir(nir), nir[:13], format_nir(nir[:13])]


def test_no_secret_in_clear_at_rest_after_whole_journeys(
    data_dir: Path, logged: Path, tmp_path: Path
) -> None:
    service = open_service(
        data_dir,
        clock=FakeClock(),
        password_hashing=PasswordHashing.fast(),
    )
    secrets = journeys(service)
    registry = admin(service).list_registry()
    # Every provisional code the registry ever held (the demo's own, from its table).
    secrets += re.findall(r"\b[A-Za-z0-9]{12}\b(?=\s*$)", d.DEMO_TABLE, flags=re.MULTILINE)
    secrets = sorted(set(secrets))
    assert len(secrets) >= 20
    # The trainer's commands, as they are run at the desk (they log to the same file).
    environment = dict(os.environ, MES_TUI_KEYRING="off", PYTHONPATH=str(ROOT))
    for command in (["registry", "list"], ["outbox"]):
        done = subprocess.run(
            [sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir), *command],
            capture_output=True,
            env=environment,
            timeout=60,
            check=True,
        )
        assert done.stderr == b""
    for handler in logging.getLogger("mes_tui").handlers:
        handler.flush()

    files = [p for p in sorted(data_dir.rglob("*")) if p.is_file() and p.name != "outbox.jsonl"]
    names = {p.name for p in files}
    assert {"registry.sqlite3", "secret.key", "mes-tui.log"} <= names
    assert len([p for p in files if p.suffix == ".pdf"]) == 2
    for path in files:
        raw = path.read_bytes()
        texts = [raw]
        if path.suffix == ".pdf":  # its streams are compressed: read its text too
            texts.append(PdfReader(path).pages[0].extract_text().encode())
        for secret in secrets:
            for text in texts:
                assert secret.encode() not in text, (path.name, secret)

    log = logged.read_text(encoding="utf-8")
    assert "identification" in log and "justificatif" in log  # it did log the journeys
    for person in registry:
        for form in nir_forms(person.nir):
            assert form not in log, form
    for form in nir_forms("255125555555547"):
        assert form not in log
    for secret in secrets:
        assert secret not in log
    for address in ("martine@example.fr", "dlfr-cn5-tma-support-cobra@atos.net"):
        assert address not in log


def test_no_secret_in_clear_in_the_wal_before_a_checkpoint(data_dir: Path) -> None:
    # The WAL holds the newest pages until SQLite folds them into the database, which the last
    # connection to close does: another session keeps it open here, as on a shared host.
    service = open_service(data_dir, clock=FakeClock(), password_hashing=PasswordHashing.fast())
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as other_session:
        other_session.execute("SELECT COUNT(*) FROM people").fetchone()
        secrets = journeys(service)
        wal = data_dir / "registry.sqlite3-wal"
        assert wal.exists() and wal.stat().st_size > 0
        stored = b"".join(p.read_bytes() for p in data_dir.glob("registry.sqlite3*"))
    for secret in secrets:
        assert secret.encode() not in stored, secret


# -- no keyring ------------------------------------------------------------------------------------
def run_cli(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("MES_TUI_KEYRING", "MES_TUI_DATA_DIR")
    }
    # No backend at all: what a server without a desktop session has.
    environment.update(
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        HOME=str(data_dir.parent),
    )
    return subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir), *argv],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )


def test_without_a_keyring_the_key_file_works_and_says_so_once_per_process(
    data_dir: Path,
) -> None:
    first = run_cli(data_dir, "registry", "list", "--json")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # said in the log, not over the screen
    key = data_dir / "secret.key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
    second = run_cli(data_dir, "registry", "list", "--json")
    assert second.returncode == 0 and second.stderr == ""
    # The second process found the codes sent by the first: the same key hashed them.
    assert second.stdout == first.stdout
    assert '"provisional_code": "HuqZF3KXCz8k"' in second.stdout
    log = (data_dir / "mes-tui.log").read_text(encoding="utf-8")
    warnings = [line for line in log.splitlines() if "Trousseau système indisponible" in line]
    assert len(warnings) == 2  # once in each process, however many times the key is used
    # "date time pid level message"
    assert {line.split()[3] for line in warnings} == {"WARNING"}
    assert len({line.split()[2] for line in warnings}) == 2  # two processes
    assert "secret.key" in warnings[0] and "aucun trousseau utilisable" in warnings[0]
