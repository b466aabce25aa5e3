"""A registry that cannot be used: damaged (empty, cut short, not a database, pages unreadable,
not a registry), unwritable, or on a full disk. Each is a refusal that says what happened and
what to do (``StorageFailed``, a ``ServiceError``), the cause in the log; nothing is changed.
Only a missing registry is made, filled with the demo people before it takes its name: one that
exists, even empty, is never filled again (the demo codes are published)."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import threading
import types
from pathlib import Path

import pytest

from mes_tui import receipt_writer, registry_file
from mes_tui.models import Channel, Status
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import delivery as delivery_module
from mes_tui.services import storage as storage_module
from mes_tui.services.clock import FakeClock
from mes_tui.services.delivery import SimulatedDelivery
from mes_tui.services.errors import (
    DeliveryFailed,
    DiskFull,
    InvalidInput,
    StorageDamaged,
    StorageFailed,
    StorageIOError,
    StorageReadOnly,
    StorageUnreadable,
)
from mes_tui.texts import service as ts
from tests.simulation import save_receipt
from tests.storage_faults import (
    DAMAGES,
    SEEN_WITHOUT_SQLITE,
    damage,
    disk_full_error,
    fail_writes,
    fill_disk,
    read_only,
    small_disk,
    sqlite_error,
)
from tests.unit.conftest import MARTINE, MARTINE_CODE, MARTINE_SERIAL, SANS


@pytest.fixture
def registry(data_dir: Path, demo_template: Path) -> Path:
    """The demo registry's file, closed (nobody has it open)."""
    shutil.copytree(demo_template, data_dir)
    return data_dir / registry_file.NAME


def outbox_lines(data_dir: Path) -> int:
    return len((data_dir / "outbox.jsonl").read_text(encoding="utf-8").splitlines())


# -- damaged files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("how", list(DAMAGES))
def test_a_damaged_registry_is_refused_and_left_as_it_is(
    registry: Path, data_dir: Path, clock: FakeClock, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    damage(registry, how)
    before, sent = registry.read_bytes(), outbox_lines(data_dir)
    with caplog.at_level(logging.ERROR, logger="mes_tui"), pytest.raises(StorageDamaged) as err:
        open_service(data_dir, clock=clock)
    assert err.value.message == ts.STORAGE_DAMAGED.format(where=registry, reason=DAMAGES[how])
    assert registry.read_bytes() == before  # never filled again, never "repaired"
    assert outbox_lines(data_dir) == sent  # no demo invitation posted
    assert "registre inutilisable" in caplog.text and str(registry) in caplog.text


def test_an_empty_registry_file_is_never_filled_with_the_demo_registry(
    registry: Path, data_dir: Path, clock: FakeClock
) -> None:
    """Whoever can truncate the file must not get the published demo codes back."""
    service = open_service(data_dir, clock=clock)
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    os.truncate(registry, 0)
    for _ in range(2):
        with pytest.raises(StorageDamaged):
            open_service(data_dir, clock=clock).identify(
                MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL
            )
    assert registry.stat().st_size == 0


@pytest.mark.parametrize("how", SEEN_WITHOUT_SQLITE)
def test_the_light_check_sees_what_needs_no_sqlite(registry: Path, how: str) -> None:
    assert registry_file.check(registry) is None
    damage(registry, how)
    problem = registry_file.check(registry)
    assert problem is not None and problem.kind == registry_file.DAMAGED
    assert problem.reason == DAMAGES[how]
    assert problem.message(registry) == ts.STORAGE_DAMAGED.format(
        where=registry, reason=DAMAGES[how]
    )


def test_the_light_check_accepts_a_missing_file_and_refuses_a_folder(tmp_path: Path) -> None:
    assert registry_file.check(tmp_path / registry_file.NAME) is None
    (tmp_path / registry_file.NAME).mkdir()
    problem = registry_file.check(tmp_path / registry_file.NAME)
    assert problem is not None and problem.reason == ts.STORAGE_NOT_A_FILE


def test_a_registry_being_written_is_never_taken_for_a_cut_short_one(
    service: SimulatedService, data_dir: Path
) -> None:
    """Another session writing (and SQLite folding its WAL into the file, header first) while
    the light check reads the header: never a false "fichier tronqué"."""
    registry = data_dir / registry_file.NAME
    stop = threading.Event()

    def write() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            service.storage.write(
                lambda conn, n=n: conn.execute(
                    "INSERT INTO meta (name, value) VALUES (?, ?)", (f"k{n}", "x" * 3000)
                )
            )

    writer = threading.Thread(target=write)
    writer.start()
    try:
        problems = [registry_file.check(registry) for _ in range(2000)]
    finally:
        stop.set()
        writer.join()
    assert set(problems) == {None}


# -- a registry made only when missing -------------------------------------------------------------
def test_a_missing_registry_is_made_whole_and_nothing_else_is_left(
    data_dir: Path, clock: FakeClock
) -> None:
    service = open_service(data_dir, clock=clock)
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE
    names = sorted(p.name for p in data_dir.iterdir())
    assert names == ["outbox.jsonl", "registry.sqlite3", "secret.key"]


def test_a_registry_whose_filling_fails_is_not_left_behind(
    data_dir: Path, clock: FakeClock
) -> None:
    delivery = SimulatedDelivery(data_dir / "outbox.jsonl", clock, fail_next=1)
    with pytest.raises(DeliveryFailed):
        open_service(data_dir, clock=clock, delivery=delivery)
    assert not any(p.name.startswith((".registry", "registry")) for p in data_dir.iterdir())
    assert open_service(data_dir, clock=clock).get_person(MARTINE).status is Status.EN_ATTENTE


def test_sessions_opening_a_new_folder_at_once_agree_on_one_registry(
    tmp_path: Path, clock: FakeClock
) -> None:
    data_dir = tmp_path / "new"
    barrier = threading.Barrier(6)
    opened: list[SimulatedService] = []
    failures: list[BaseException] = []

    def first_use() -> None:
        barrier.wait()
        try:
            opened.append(open_service(data_dir, clock=clock))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=first_use) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    # Every session identifies Martine with the one code the registry holds.
    for service in opened:
        service.identify(MARTINE_CODE, MARTINE, SANS, MARTINE_SERIAL)
    assert sorted(p.name for p in data_dir.iterdir()) == [
        "outbox.jsonl",
        "registry.sqlite3",
        "secret.key",
    ]


def test_a_registry_removed_during_a_session_is_not_made_again_empty(
    service: SimulatedService, data_dir: Path, clock: FakeClock
) -> None:
    registry = data_dir / registry_file.NAME
    registry.unlink()
    with pytest.raises(StorageUnreadable) as err:
        service.get_person(MARTINE)
    assert ts.STORAGE_GONE in err.value.message
    assert not registry.exists()  # an empty file here would then be refused for ever
    # Missing, it is made again, whole, by the next session.
    assert open_service(data_dir, clock=clock).get_person(MARTINE).status is Status.EN_ATTENTE


# -- read-only -----------------------------------------------------------------------------------
def test_a_read_only_registry_is_refused_when_opened(registry: Path, data_dir: Path) -> None:
    with read_only(registry), pytest.raises(StorageReadOnly) as err:
        open_service(data_dir)
    assert err.value.message == ts.STORAGE_READ_ONLY.format(
        where=registry, reason=ts.STORAGE_FILE_READ_ONLY
    )


def test_a_read_only_folder_is_refused_when_opened(registry: Path, data_dir: Path) -> None:
    with read_only(data_dir), pytest.raises(StorageReadOnly) as err:
        open_service(data_dir)
    assert ts.STORAGE_FOLDER_READ_ONLY in err.value.message


def test_a_registry_that_becomes_read_only_refuses_each_write_and_keeps_its_data(
    service: SimulatedService, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry = data_dir / registry_file.NAME
    with read_only(registry):
        with caplog.at_level(logging.ERROR, logger="mes_tui"):
            with pytest.raises(StorageReadOnly) as err:
                service.oppose(MARTINE, expected=Status.EN_ATTENTE)
        assert "ne peut pas être modifié" in err.value.message
        assert "SQLITE_READONLY" in caplog.text
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)  # writable again: it works


# -- disk full and disk errors ------------------------------------------------------------------
def test_a_full_disk_is_said_in_french(
    service: SimulatedService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fail_writes(monkeypatch, disk_full_error())
    with caplog.at_level(logging.ERROR, logger="mes_tui"), pytest.raises(DiskFull) as err:
        service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    assert "Disque plein" in err.value.message
    assert "SQLITE_FULL" in caplog.text
    monkeypatch.undo()
    assert service.get_person(MARTINE).status is Status.EN_ATTENTE


@pytest.mark.parametrize(("room", "refusal"), [(True, StorageIOError), (False, DiskFull)])
def test_a_disk_io_error_is_a_full_disk_only_when_the_disk_is_nearly_full(
    service: SimulatedService,
    monkeypatch: pytest.MonkeyPatch,
    room: bool,
    refusal: type[StorageFailed],
) -> None:
    # What SQLite says when the shared-memory file beside the registry cannot grow.
    fail_writes(monkeypatch, sqlite_error(4874, "SQLITE_IOERR_SHMSIZE", "disk I/O error"))
    monkeypatch.setattr(storage_module, "_nearly_full", lambda folder: not room)
    with pytest.raises(refusal):
        service.oppose(MARTINE, expected=Status.EN_ATTENTE)


def test_other_sqlite_errors_are_not_taken_for_a_damaged_registry(
    service: SimulatedService,
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        service.storage.write(lambda conn: conn.execute("INSERT INTO people (nir) VALUES (NULL)"))


def test_a_really_full_disk(tmp_path: Path, clock: FakeClock) -> None:
    """A tmpfs filled to the last byte (root only): SQLite's own error, the outbox's ENOSPC."""
    with small_disk() as disk:
        data_dir = disk / "data"
        service = open_service(data_dir, clock=clock)
        filler = fill_disk(disk)
        with pytest.raises(DiskFull) as err:
            service.oppose(MARTINE, expected=Status.EN_ATTENTE)
        assert err.value.message.startswith("Disque plein")
        with pytest.raises(DiskFull):
            open_service(data_dir, clock=clock)
        with pytest.raises(DiskFull):
            open_service(disk / "another", clock=clock)  # a registry cannot even be made
        assert not (disk / "another" / registry_file.NAME).exists()
        filler.unlink()
        assert service.get_person(MARTINE).status is Status.EN_ATTENTE


def test_a_full_disk_while_posting_says_so_and_leaves_no_broken_line(
    service: SimulatedService, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = data_dir / "outbox.jsonl"
    before = outbox.read_bytes()
    calls: list[int] = []

    def half_then_full(fd: int, data: bytes) -> int:
        """The disk takes half of the line, then is full."""
        calls.append(len(data))
        if len(calls) == 1:
            return os.write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    system = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os)})
    system.write = half_then_full
    monkeypatch.setattr(delivery_module, "os", system)
    with pytest.raises(DiskFull) as err:
        service.start_contact_change(MARTINE, Channel.EMAIL, "martine@exemple.fr")
    monkeypatch.undo()
    assert err.value.message == ts.STORAGE_DISK_FULL.format(where=outbox)
    assert len(calls) == 2
    assert outbox.read_bytes() == before  # the half line was taken back
    service.start_contact_change(MARTINE, Channel.EMAIL, "martine@exemple.fr")
    assert outbox.read_bytes().startswith(before) and outbox.read_bytes().endswith(b"}\n")


def test_a_receipt_on_a_full_disk_says_disque_plein(
    service: SimulatedService, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)

    def full(*args: object, **kwargs: object) -> Path:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(receipt_writer, "write_new_file", full)
    with pytest.raises(InvalidInput) as err:
        save_receipt(service, MARTINE)
    assert err.value.message == ts.RECEIPT_FOLDER.format(reason="disque plein")
