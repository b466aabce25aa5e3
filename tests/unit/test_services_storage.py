"""The files behind the service: SQLite registry, outbox, key; and what importing it costs."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from mes_tui.models import Channel, Status
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import demo as d
from mes_tui.services import secrets as secret_module
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import (
    IdentificationFailed,
    KeyExposed,
    KeyMissing,
    Locked,
    OtpInvalid,
    StorageBusy,
)
from mes_tui.services.hashing import PasswordHashing
from mes_tui.services.secrets import KEYRING_SERVICE, SecretStore
from mes_tui.services.storage import SCHEMA_VERSION, Storage
from tests.simulation import admin, save_receipt
from tests.unit.conftest import AVEC, MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS, last_code

REPO = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- SQLite ------------------------------------------------------------------------------------
def test_registry_is_in_wal_mode_with_a_schema_version(
    service: SimulatedService, data_dir: Path
) -> None:
    assert service.storage.journal_mode() == "wal"
    assert service.storage.user_version() == SCHEMA_VERSION >= 1
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_keeps_the_registry(data_dir: Path, clock: FakeClock) -> None:
    first = open_service(data_dir, clock=clock)
    first.oppose(MARTINE, expected=Status.EN_ATTENTE)
    messages = len(admin(first).outbox())
    second = open_service(data_dir, clock=clock)
    assert second.get_person(MARTINE).status is Status.OPPOSEE
    assert len(admin(second).outbox()) == messages  # not filled again
    assert second.storage.user_version() == SCHEMA_VERSION


def test_files_are_private(service: SimulatedService, data_dir: Path) -> None:
    # Keep a reader open so that the WAL and shared-memory files stay on disk.
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as reader:
        reader.execute("SELECT COUNT(*) FROM people").fetchone()
        service.oppose(MARTINE, expected=Status.EN_ATTENTE)
        service.identify("Kb6zQ9wEr4Tn", d.KARIM, AVEC, "04512378906")
        assert mode(data_dir) == 0o700
        names = sorted(path.name for path in data_dir.iterdir())
        for expected in ("outbox.jsonl", "registry.sqlite3", "registry.sqlite3-wal", "secret.key"):
            assert expected in names
        for path in data_dir.iterdir():
            assert mode(path) == 0o600, path.name


def test_a_nested_new_data_dir_is_created(tmp_path: Path, clock: FakeClock) -> None:
    target = tmp_path / "a" / "b" / "data"
    open_service(target, clock=clock)
    assert mode(target) == 0o700


def test_data_dir_from_the_environment(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mes_tui.services import default_data_dir

    monkeypatch.setenv("MES_TUI_DATA_DIR", str(data_dir))
    assert default_data_dir() == data_dir
    open_service(clock=clock)
    assert (data_dir / "registry.sqlite3").exists()
    monkeypatch.delenv("MES_TUI_DATA_DIR")
    assert default_data_dir().name == "mes-tui"


def test_a_registry_locked_too_long_gives_storage_busy(
    service: SimulatedService, data_dir: Path
) -> None:
    service.storage.busy_timeout = 0.05
    service.storage.retries = 2
    with closing(sqlite3.connect(data_dir / "registry.sqlite3", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageBusy):
            service.oppose(MARTINE, expected=Status.EN_ATTENTE)
        other.execute("ROLLBACK")
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)


def test_a_registry_opens_at_once_while_another_session_writes(
    service: SimulatedService, data_dir: Path
) -> None:
    """Another session holding the write lock (a long import, a slow disk) does not keep a
    new session from opening the registry: an up-to-date registry in WAL mode needs no lock
    to open, and reading goes on meanwhile."""
    with closing(sqlite3.connect(data_dir / "registry.sqlite3", isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        again = open_service(data_dir)
        assert time.monotonic() - started < 1  # the lock would be waited for 2 s, 3 times
        assert again.get_person(MARTINE).status is Status.EN_ATTENTE
        other.execute("ROLLBACK")


def test_a_registry_that_cannot_switch_to_wal_for_a_lock_says_busy(data_dir: Path) -> None:
    """A new registry file whose first switch to WAL meets a lock held elsewhere: the
    refusal the screens know (StorageBusy), not a raw SQLite error."""
    data_dir.mkdir()
    path = data_dir / "registry.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("CREATE TABLE other_table (x)")
        other.execute("BEGIN EXCLUSIVE")
        storage = Storage(path, busy_timeout=0.05, retries=2)
        with pytest.raises(StorageBusy):
            storage.migrate()
        other.execute("ROLLBACK")


def test_failures_are_counted_exactly_under_concurrency(service: SimulatedService) -> None:
    """Ten threads failing at once: four failures, then the lock, whatever the interleaving."""
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            service.identify("AAAAAAAAAAAA", MARTINE, SANS, MARTINE_SERIAL)
        except IdentificationFailed:
            outcomes.append("failed")
        except Locked:
            outcomes.append("locked")

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(outcomes) == {"failed": 4, "locked": 6}


def test_new_codes_asked_at_once_send_no_more_messages_than_the_day_allows(
    service: SimulatedService,
) -> None:
    """Twenty sessions asking a new provisional code for one person at the same moment: as
    many are accepted as the day allows, exactly that many e-mails go out, and the code that
    works is one of those sent (no message with a code that never was valid)."""
    from mes_tui.models import CardType
    from mes_tui.services import rules
    from mes_tui.services.errors import TooManyRequests

    def sent_codes() -> list[str]:
        return [
            m.code for m in admin(service).outbox() if m.purpose == "code_provisoire" and m.code
        ]

    before = len(sent_codes())
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def ask() -> None:
        barrier.wait()
        try:
            service.request_provisional_code(MARTINE[:13], date(1976, 6, 16), SANS, MARTINE_SERIAL)
        except TooManyRequests:
            outcomes.append("refused")
        else:
            outcomes.append("sent")

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allowed = rules.CODE_REQUESTS_PER_DAY
    assert Counter(outcomes) == {"sent": allowed, "refused": 20 - allowed}
    codes = sent_codes()[before:]
    assert len(codes) == allowed
    working = []
    for code in codes:
        try:
            service.identify(code, MARTINE, CardType.SANS_PHOTO, MARTINE_SERIAL)
        except IdentificationFailed:
            continue
        working.append(code)
    assert len(working) == 1


# -- the key -----------------------------------------------------------------------------------
@pytest.fixture
def fresh_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secret_module, "_warned", False)


def test_key_file_fallback_is_created_once_and_warned_once(
    data_dir: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, fresh_warning: None
) -> None:
    caplog.set_level(logging.WARNING, logger="mes_tui")
    first = open_service(data_dir, clock=clock)
    key_file = data_dir / "secret.key"
    assert key_file.exists() and mode(key_file) == 0o600
    content = key_file.read_bytes()
    assert len(bytes.fromhex(content.decode())) == 32
    second = open_service(data_dir, clock=clock)
    second.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)  # the second process's key
    first.get_person(MARTINE)
    assert key_file.read_bytes() == content
    warnings = [r for r in caplog.records if "trousseau" in r.getMessage().lower()]
    assert len(warnings) == 1
    assert warnings[0].name == "mes_tui"


@pytest.mark.parametrize("damage", ["deleted", "garbled"])
def test_a_lost_key_is_an_error_that_says_what_to_do_never_a_new_key(
    data_dir: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    fresh_warning: None,
    damage: str,
) -> None:
    """Every provisional code and every lockout of a registry hangs on its key: a new one made
    up silently would void them all, with nothing in the log."""
    open_service(data_dir, clock=clock)
    key_file = data_dir / "secret.key"
    if damage == "deleted":
        key_file.unlink()
    else:
        key_file.write_bytes(b"\xff not a key")
    caplog.set_level(logging.ERROR, logger="mes_tui")
    again = open_service(data_dir, clock=clock)
    with pytest.raises(KeyMissing) as missing:
        again.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert "mes-tui registry reset-key" in missing.value.message
    assert str(key_file) in missing.value.message
    assert damage != "deleted" or not key_file.exists()  # nothing made up
    assert any("reset-key" in r.getMessage() for r in caplog.records)


def test_reset_key_makes_a_new_key_and_voids_the_codes(
    data_dir: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str], fresh_warning: None
) -> None:
    from mes_tui.cli import run

    open_service(data_dir, clock=clock)
    (data_dir / "secret.key").unlink()
    assert run(["--data-dir", str(data_dir), "registry", "list"]) == 1
    assert "reset-key" in capsys.readouterr().err
    assert run(["--data-dir", str(data_dir), "registry", "reset-key"]) == 0
    assert "ne sont plus valables" in capsys.readouterr().out
    service = open_service(data_dir, clock=clock)
    with pytest.raises(IdentificationFailed):  # the code of the invitation, hashed by the old key
        service.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)


def test_a_registry_whose_key_is_not_in_the_keyring_says_so(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, fresh_warning: None
) -> None:
    monkeypatch.delenv("MES_TUI_KEYRING")
    backend = FakeKeyring()
    monkeypatch.setattr(secret_module, "_usable_keyring", lambda: backend)
    open_service(data_dir, clock=clock)
    backend.stored.clear()  # another user's session, a keyring reset…
    with pytest.raises(KeyMissing):
        open_service(data_dir, clock=clock).identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert backend.stored == {}


def test_concurrent_first_use_agrees_on_one_key(tmp_path: Path, fresh_warning: None) -> None:
    barrier = threading.Barrier(8)
    keys: list[bytes] = []

    def first_use() -> None:
        barrier.wait()
        keys.append(SecretStore(tmp_path).key())

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret.key"]  # no temporary file left


def test_a_chosen_key_file_outside_the_data_folder_is_the_only_key(
    tmp_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fresh_warning: None,
) -> None:
    """On an SSH host the key sits outside the data folder: a copy of the registry is then not
    a copy of what protects its hashes. Chosen, the file wins over a keyring."""
    monkeypatch.delenv("MES_TUI_KEYRING")
    backend = FakeKeyring()
    monkeypatch.setattr(secret_module, "_usable_keyring", lambda: backend)
    data_dir, key_file = tmp_path / "data", tmp_path / "cle" / "secret.key"
    open_service(data_dir, clock=clock, key_file=key_file)
    assert mode(key_file) == 0o600 and mode(key_file.parent) == 0o700
    assert not (data_dir / "secret.key").exists() and backend.stored == {}
    again = open_service(data_dir, clock=clock, key_file=key_file)
    again.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)  # same key, codes still valid
    # Without the setting, the registry's key is not found: never a new one made up.
    with pytest.raises(KeyMissing):
        open_service(data_dir, clock=clock).identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert not (data_dir / "secret.key").exists()
    # The command line takes it from the settings, for every command.
    from mes_tui.cli import run

    env_args = ["--data-dir", str(data_dir)]
    monkeypatch.setenv("MES_TUI_KEY_FILE", str(key_file))
    assert run([*env_args, "registry", "list", "--json"]) == 0
    capsys.readouterr()
    before = key_file.read_bytes()
    assert run([*env_args, "registry", "reset-key"]) == 0
    assert str(key_file) in capsys.readouterr().out
    assert key_file.read_bytes() != before and not (data_dir / "secret.key").exists()


@pytest.mark.parametrize("rights", [0o640, 0o604, 0o620])
def test_a_key_file_other_accounts_may_read_or_write_is_refused(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture, rights: int
) -> None:
    key_file = tmp_path / "cle" / "secret.key"
    open_service(tmp_path / "data", clock=clock, key_file=key_file)
    key_file.chmod(rights)
    caplog.set_level(logging.ERROR, logger="mes_tui")
    with pytest.raises(KeyExposed) as exposed:
        open_service(tmp_path / "data", clock=clock, key_file=key_file).identify(
            MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL
        )
    assert str(key_file) in exposed.value.message and "chmod 600" in exposed.value.message
    assert any(oct(rights)[2:] in r.getMessage() for r in caplog.records)
    key_file.chmod(0o600)
    open_service(tmp_path / "data", clock=clock, key_file=key_file).identify(
        MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL
    )


def test_a_key_folder_that_cannot_be_made_says_what_to_do(tmp_path: Path, clock: FakeClock) -> None:
    folder = tmp_path / "cle"
    folder.write_text("a file where the folder should be")  # refused even to root
    with pytest.raises(KeyMissing) as missing:
        open_service(tmp_path / "data", clock=clock, key_file=folder / "secret.key")
    assert str(folder / "secret.key") in missing.value.message


class FakeKeyring:
    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.stored.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.stored[(service, user)] = value


def test_key_lives_in_the_keyring_when_there_is_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_warning: None
) -> None:
    monkeypatch.delenv("MES_TUI_KEYRING")
    backend = FakeKeyring()
    monkeypatch.setattr(secret_module, "_usable_keyring", lambda: backend)
    store = SecretStore(tmp_path)
    key = store.key()
    assert SecretStore(tmp_path).key() == key
    ((service_name, user),) = backend.stored
    assert service_name == KEYRING_SERVICE
    assert str(tmp_path) not in user  # a hash of the folder, not the folder
    assert not (tmp_path / "secret.key").exists()


def test_a_failing_keyring_falls_back_to_the_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_warning: None,
) -> None:
    monkeypatch.delenv("MES_TUI_KEYRING")

    class Broken:
        def get_password(self, service: str, user: str) -> str | None:
            raise RuntimeError("no D-Bus session")

    monkeypatch.setattr(secret_module, "_usable_keyring", lambda: Broken())
    caplog.set_level(logging.WARNING, logger="mes_tui")
    key = SecretStore(tmp_path).key()
    assert (tmp_path / "secret.key").exists()
    assert SecretStore(tmp_path).key() == key
    assert len([r for r in caplog.records if r.name == "mes_tui"]) == 1


def test_no_usable_keyring_backend_means_none(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert secret_module._usable_keyring() is None


def test_the_key_is_not_read_when_opening_an_existing_registry(
    data_dir: Path, clock: FakeClock
) -> None:
    open_service(data_dir, clock=clock)

    class NoKey:
        def key(self) -> bytes:
            raise AssertionError("the key was read at open")

    service = open_service(data_dir, clock=clock, secret_store=NoKey())
    assert service.get_person(MARTINE).first_name == "Martine Julie"


# -- logs --------------------------------------------------------------------------------------
def test_logs_never_carry_a_nir_a_code_or_a_password(
    service: SimulatedService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(6):
        with pytest.raises((IdentificationFailed, Locked)):
            service.identify("AAAAAAAAAAAA", d.KARIM, AVEC, "04512378906")
    service.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    service.request_provisional_code(MARTINE[:13], date(1976, 6, 16), SANS, MARTINE_SERIAL)
    sent_code = last_code(service)
    service.start_contact_change(MARTINE, Channel.SMS, "0611121314")
    challenge_code = last_code(service)
    assert challenge_code
    service.verify_contact_code(MARTINE, Channel.SMS, challenge_code)
    service.activate(
        MARTINE,
        "martine.leguellec",
        "Tournesol#2024",
        accepted_terms=True,
        expected=service.get_person(MARTINE).status,
    )
    service.login("martine.leguellec", "Tournesol#2024")
    text = caplog.text
    assert caplog.records
    secrets = [
        MARTINE,
        MARTINE[:13],
        d.KARIM,
        MARTINE_CODE,
        "Tournesol#2024",
        "AAAAAAAAAAAA",
        str(sent_code),
        challenge_code,
    ]
    for secret in secrets:
        assert secret not in text


# -- imports -----------------------------------------------------------------------------------
def run_python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


LOADED = """
import sys
from pathlib import Path
import mes_tui.services
service = mes_tui.services.open_service(Path({path!r}))
heavy = ["argon2", "keyring", "fpdf", "textual", "rich"]
print(" ".join(m for m in heavy if m in sys.modules) or "none")
"""


def test_opening_the_service_loads_no_heavy_module(data_dir: Path) -> None:
    env = {**os.environ, "MES_TUI_KEYRING": "off"}
    # A new directory (filled with the demo registry), then the same one again.
    assert run_python(LOADED.format(path=str(data_dir)), env) == "none"
    env.pop("MES_TUI_KEYRING")
    assert run_python(LOADED.format(path=str(data_dir)), env) == "none"


def test_models_services_and_the_engine_never_import_textual_or_rich() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import mes_tui.models, mes_tui.services, mes_tui.engine, mes_tui.journey\n"
        "for package in (mes_tui.models, mes_tui.services, mes_tui.engine):\n"
        "    for info in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "        importlib.import_module(info.name)\n"
        "print(' '.join(m for m in ('textual', 'rich') if m in sys.modules) or 'none')\n"
    )
    assert run_python(code, dict(os.environ)) == "none"


def test_cheap_argon2_parameters_are_only_for_tests() -> None:
    default = PasswordHashing()
    hashed = default.hash("Tournesol#2024")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert default.verify(hashed, "Tournesol#2024")
    assert not default.verify(hashed, "tournesol#2024")
    assert not default.verify("pas un hachage", "Tournesol#2024")


def as_version_1(path: Path) -> None:
    """Turn a registry into what version 1 of the schema made: without the later tables and
    columns (whatever each migration after the first added)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP TABLE otp_limits")
        for column in ("receipt_available", "receipt_claim", "receipt_claimed_until"):
            conn.execute(f"ALTER TABLE people DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()


def test_an_older_registry_is_migrated_and_keeps_its_data(data_dir: Path, clock: FakeClock) -> None:
    old = open_service(data_dir, clock=clock)
    old.start_contact_change(MARTINE, Channel.EMAIL, "martine@exemple.fr")
    pending = last_code(old)
    assert pending is not None
    as_version_1(data_dir / "registry.sqlite3")
    assert old.storage.user_version() == 1
    new = open_service(data_dir, clock=clock)
    assert new.storage.user_version() == SCHEMA_VERSION
    assert admin(new).list_registry()[0].provisional_code == MARTINE_CODE
    # A one-time code sent before the migration can still be typed; a wrong one is counted.
    with pytest.raises(OtpInvalid) as wrong:
        new.verify_contact_code(MARTINE, Channel.EMAIL, f"{(int(pending) + 1) % 10**6:06d}")
    assert wrong.value.attempts_left == 2
    assert new.verify_contact_code(MARTINE, Channel.EMAIL, pending).email == "martine@exemple.fr"
    new.oppose(MARTINE, expected=Status.EN_ATTENTE)
    assert save_receipt(new, MARTINE).exists()
