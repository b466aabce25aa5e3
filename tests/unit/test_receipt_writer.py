"""Writing the receipt the back office hands over (``mes_tui.receipt_writer``), in one place for
both front ends: the folder checked and made first, the file atomic and the owner's only, the
receipt confirmed once written and given back when it could not be."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mes_tui import receipt_writer
from mes_tui.receipt_writer import ReceiptWriter, default_receipts_dir, safe_file_name
from mes_tui.services.api import Receipt
from mes_tui.services.errors import InvalidInput, ReceiptBusy, ReceiptUnavailable
from mes_tui.texts import service as ts

NIR = "116304403801618"
NAME = "justificatif-opposition-2021-09-28-abcdef.pdf"
PDF = b"%PDF-1.7 un justificatif"


class BackOffice:
    """The receipt part of ``MesService``, recording what the writer asks of it."""

    def __init__(self, filename: str = NAME, *, busy: bool = False, lost: bool = False) -> None:
        self.filename = filename
        self.busy = busy
        self.lost = lost
        self.calls: list[str] = []

    def receipt(self, nir: str) -> Receipt:
        self.calls.append("receipt")
        if self.busy:
            raise ReceiptBusy(12)
        return Receipt(filename=self.filename, data=PDF)

    def receipt_saved(self, nir: str) -> None:
        self.calls.append("saved")
        if self.lost:
            raise ReceiptUnavailable()

    def release_receipt(self, nir: str) -> None:
        self.calls.append("released")


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """A permissive umask, so that the modes checked come from the code, not from the umask."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def save(writer: ReceiptWriter, back_office: BackOffice, folder: Path | None = None) -> Path:
    return writer.save(back_office, NIR, folder)  # type: ignore[arg-type]


def test_the_default_folder_is_in_the_data_folder(data_dir: Path, tmp_path: Path) -> None:
    assert default_receipts_dir(data_dir) == data_dir / "justificatifs"
    assert ReceiptWriter.for_data_dir(data_dir).default_folder == data_dir / "justificatifs"
    # No folder named: the back office's, as MES_TUI_DATA_DIR says (tests/conftest.py sets it).
    assert default_receipts_dir() == tmp_path / "data" / "justificatifs"


def test_saved_whole_owner_only_then_confirmed(data_dir: Path) -> None:
    back_office = BackOffice()
    path = save(ReceiptWriter.for_data_dir(data_dir), back_office)
    assert path == data_dir / "justificatifs" / NAME
    assert path.read_bytes() == PDF
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (data_dir, data_dir / "justificatifs"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [NAME]  # no temporary file left
    assert back_office.calls == ["receipt", "saved"]


@pytest.mark.parametrize("dies_in", ["fsync", "link"])
def test_a_write_that_fails_midway_leaves_nothing_and_gives_the_receipt_back(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, dies_in: str
) -> None:
    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, dies_in, full)
    back_office = BackOffice()
    with pytest.raises(InvalidInput) as refused:
        save(ReceiptWriter.for_data_dir(data_dir), back_office, data_dir / "a" / "b")
    assert refused.value.field == "folder"
    assert refused.value.message == ts.RECEIPT_FOLDER.format(reason="disque plein")
    assert not (data_dir / "a").exists()  # neither the file nor the folders made for it
    assert back_office.calls == ["receipt", "released"]


def test_without_hard_links_the_file_is_renamed_into_place(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")  # FAT, say

    monkeypatch.setattr(os, "link", no_links)
    path = save(ReceiptWriter.for_data_dir(data_dir), BackOffice())
    assert path.read_bytes() == PDF and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == [NAME]


def test_a_name_taken_is_never_overwritten(data_dir: Path) -> None:
    folder = data_dir / "justificatifs"
    folder.mkdir(parents=True)
    (folder / NAME).write_bytes(b"somebody else's file")
    path = save(ReceiptWriter.for_data_dir(data_dir), BackOffice())
    assert path.name != NAME and path.name.startswith(NAME.removesuffix(".pdf"))
    assert path.read_bytes() == PDF
    assert (folder / NAME).read_bytes() == b"somebody else's file"


@pytest.mark.parametrize(
    ("suggested", "written"),
    [
        ("../../.bashrc", "bashrc.pdf"),
        ("/etc/passwd", "passwd.pdf"),
        ("dossier\\justificatif.pdf", "justificatif.pdf"),
        ("\x1b[31mjustificatif.pdf", "[31mjustificatif.pdf"),
        ("", "justificatif-opposition.pdf"),
        ("...", "justificatif-opposition.pdf"),
    ],
)
def test_the_suggested_name_stays_a_plain_file_name_in_the_folder(
    data_dir: Path, suggested: str, written: str
) -> None:
    assert safe_file_name(suggested) == written
    path = save(ReceiptWriter.for_data_dir(data_dir), BackOffice(filename=suggested))
    assert path == data_dir / "justificatifs" / written


def test_a_confirmation_refused_removes_the_file(data_dir: Path) -> None:
    back_office = BackOffice(lost=True)  # the claim lapsed and another session took it over
    with pytest.raises(ReceiptUnavailable):
        save(ReceiptWriter.for_data_dir(data_dir), back_office)
    assert not (data_dir / "justificatifs").exists()
    assert back_office.calls == ["receipt", "saved", "released"]


def test_a_receipt_busy_elsewhere_writes_nothing(data_dir: Path, tmp_path: Path) -> None:
    back_office = BackOffice(busy=True)
    with pytest.raises(ReceiptBusy):
        save(ReceiptWriter.for_data_dir(data_dir), back_office, tmp_path / "a" / "b")
    assert not (tmp_path / "a").exists()
    assert back_office.calls == ["receipt"]


def test_outside_the_allowed_folders_is_refused_before_anything(
    data_dir: Path, tmp_path: Path
) -> None:
    allowed = tmp_path / "partage"
    writer = ReceiptWriter.for_data_dir(data_dir, (allowed,))
    back_office = BackOffice()
    with pytest.raises(InvalidInput) as outside:
        save(writer, back_office, tmp_path / "ailleurs")
    assert outside.value.field == "folder"
    shown = ", ".join(str(p) for p in (data_dir / "justificatifs", allowed))
    assert outside.value.message == ts.RECEIPT_FOLDER_NOT_ALLOWED.format(folders=shown)
    assert not (tmp_path / "ailleurs").exists() and back_office.calls == []
    # A link inside an allowed folder that leads outside it is outside.
    allowed.mkdir()
    (tmp_path / "ailleurs").mkdir()
    (allowed / "raccourci").symlink_to(tmp_path / "ailleurs")
    with pytest.raises(InvalidInput):
        save(writer, back_office, allowed / "raccourci")
    assert back_office.calls == []
    # Inside: an allowed folder, a folder beneath it, the default one.
    assert save(writer, back_office, allowed / "mars").parent == allowed / "mars"
    assert save(writer, back_office).parent == data_dir / "justificatifs"


def test_anywhere_when_no_folder_is_imposed(data_dir: Path, tmp_path: Path) -> None:
    path = save(ReceiptWriter.for_data_dir(data_dir), BackOffice(), tmp_path / "mes papiers")
    assert path.parent == tmp_path / "mes papiers"


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        (Path("justificatifs"), ts.RECEIPT_FOLDER_RELATIVE),
        (Path("/tmp/es\x1bc"), ts.RECEIPT_FOLDER.format(reason=ts.RECEIPT_FOLDER_NAME)),
        (Path("/tmp/nul\x00"), ts.RECEIPT_FOLDER.format(reason=ts.RECEIPT_FOLDER_NAME)),
    ],
)
def test_a_folder_name_that_cannot_be_used_is_said_before_anything(
    data_dir: Path, folder: Path, message: str
) -> None:
    back_office = BackOffice()
    with pytest.raises(InvalidInput) as refused:
        save(ReceiptWriter.for_data_dir(data_dir), back_office, folder)
    assert (refused.value.field, refused.value.message) == ("folder", message)
    assert back_office.calls == []


def test_a_folder_that_cannot_be_made_is_said_in_french_and_claims_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    back_office = BackOffice()
    with pytest.raises(InvalidInput) as refused:
        save(ReceiptWriter.for_data_dir(data_dir), back_office, blocker / "justificatifs")
    assert refused.value.field == "folder"
    assert refused.value.message == ts.RECEIPT_FOLDER.format(
        reason="un élément du chemin est un fichier, pas un dossier"
    )
    assert back_office.calls == []
    assert receipt_writer.folder_problem(OSError(errno.EACCES, "x")) == "accès refusé"


def test_a_folder_removed_by_another_session_meanwhile_is_made_again(data_dir: Path) -> None:
    """Fifty sessions save at once into the default folder: those refused remove the empty
    folder they made, while the one holding the receipt is about to write into it."""
    folder = data_dir / "justificatifs"

    class RemovedMeanwhile(BackOffice):
        def receipt(self, nir: str) -> Receipt:
            handed = super().receipt(nir)
            folder.rmdir()  # another session, refused, cleaned up after itself
            return handed

    back_office = RemovedMeanwhile()
    path = save(ReceiptWriter.for_data_dir(data_dir), back_office)
    assert path == folder / NAME and path.read_bytes() == PDF
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert back_office.calls == ["receipt", "saved"]
