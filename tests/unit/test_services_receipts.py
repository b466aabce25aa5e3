"""Saving the opposition receipt from the simulated back office, as the front ends do
(``mes_tui.receipt_writer``): once per decision, owner only, one PDF rendered however many
sessions ask at once, never lost when a save is cut short."""

from __future__ import annotations

import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from mes_tui import receipt_writer
from mes_tui.models import Status
from mes_tui.receipt_writer import default_receipts_dir
from mes_tui.services import SimulatedService, open_service
from mes_tui.services import demo as d
from mes_tui.services.clock import FakeClock
from mes_tui.services.errors import InvalidInput, ReceiptBusy, ReceiptUnavailable
from tests.simulation import save_receipt
from tests.unit.conftest import MARTINE


def test_receipt_is_saved_once_in_the_data_dir(service: SimulatedService, data_dir: Path) -> None:
    assert default_receipts_dir(data_dir) == data_dir / "justificatifs"
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    path = save_receipt(service, MARTINE)
    assert path.parent == data_dir / "justificatifs"
    assert path.read_bytes().startswith(b"%PDF")
    assert "2021-09-28" in path.name
    assert MARTINE not in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(ReceiptUnavailable):
        save_receipt(service, MARTINE)


def test_no_receipt_without_a_new_opposition(service: SimulatedService) -> None:
    with pytest.raises(ReceiptUnavailable):
        save_receipt(service, MARTINE)  # pending
    with pytest.raises(ReceiptUnavailable):
        save_receipt(service, d.THOMAS)  # opposed before: its receipt is long gone


def test_a_new_decision_gives_a_new_receipt(service: SimulatedService, tmp_path: Path) -> None:
    service.close_space(d.LUCAS)
    first = save_receipt(service, d.LUCAS, tmp_path)
    service.activate(
        d.LUCAS,
        "lucas.petit",
        "Azur&Menthe42",
        accepted_terms=True,
        expected=service.get_person(d.LUCAS).status,
    )
    with pytest.raises(ReceiptUnavailable):
        save_receipt(service, d.LUCAS, tmp_path)
    service.close_space(d.LUCAS)
    second = save_receipt(service, d.LUCAS, tmp_path)
    assert first != second


def test_an_unwritable_folder_keeps_the_receipt_available(
    service: SimulatedService, tmp_path: Path
) -> None:
    service.decide_profile(MARTINE, d.GERARD, Status.OPPOSEE, expected=Status.EN_ATTENTE)
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    with pytest.raises(InvalidInput) as caught:
        save_receipt(service, d.GERARD, blocker / "justificatifs")
    assert caught.value.field == "folder"
    assert save_receipt(service, d.GERARD, tmp_path / "ailleurs").exists()


def test_receipt_folder_must_be_absolute_and_allowed(tmp_path: Path) -> None:
    from mes_tui.models import Status
    from mes_tui.services import open_service
    from mes_tui.services.clock import FakeClock
    from mes_tui.services.errors import InvalidInput

    allowed = tmp_path / "partage"
    service = open_service(tmp_path / "data", clock=FakeClock())
    service.oppose("116304403801618", expected=Status.EN_ATTENTE)
    with pytest.raises(InvalidInput) as relative:
        save_receipt(service, "116304403801618", Path("justificatifs"), allowed=(allowed,))
    assert relative.value.field == "folder" and "chemin complet" in relative.value.message
    with pytest.raises(InvalidInput) as outside:
        save_receipt(service, "116304403801618", tmp_path / "ailleurs", allowed=(allowed,))
    assert str(allowed) in outside.value.message
    assert not (tmp_path / "ailleurs").exists()
    # Refused before anything was claimed: the receipt can still be saved where allowed.
    written = save_receipt(service, "116304403801618", allowed / "mars", allowed=(allowed,))
    assert written.parent == allowed / "mars" and written.exists()


def test_the_refusal_names_each_allowed_folder_once(tmp_path: Path) -> None:
    """The SSH settings list the default folder among the allowed ones: the person reads it
    once, and no folder name reaches the screen with control characters."""
    from mes_tui.models import Status
    from mes_tui.services import open_service
    from mes_tui.services.clock import FakeClock
    from mes_tui.services.errors import InvalidInput

    data = tmp_path / "data"
    default = data / "justificatifs"
    odd = tmp_path / "part\x1b[31mage"
    service = open_service(data, clock=FakeClock())
    service.oppose("116304403801618", expected=Status.EN_ATTENTE)
    with pytest.raises(InvalidInput) as outside:
        save_receipt(
            service, "116304403801618", tmp_path / "ailleurs", allowed=(default, odd, default)
        )
    assert outside.value.message.count(str(default)) == 1
    assert "\x1b" not in outside.value.message


def test_two_sessions_saving_at_once_give_one_receipt(
    service: SimulatedService, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = open_service(data_dir, clock=service.clock)
    written = receipt_writer.write_new_file
    refusals: list[ReceiptBusy] = []

    def write_while_the_other_session_saves(folder: Path, name: str, data: bytes) -> Path:
        with pytest.raises(ReceiptBusy) as busy:  # the other session asks during this write
            save_receipt(other, MARTINE)
        refusals.append(busy.value)
        return written(folder, name, data)

    monkeypatch.setattr(receipt_writer, "write_new_file", write_while_the_other_session_saves)
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    path = save_receipt(service, MARTINE)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # one receipt, no other file
    (busy,) = refusals
    assert 1 <= busy.seconds <= 30 and f"{busy.seconds} s" in busy.message
    with pytest.raises(ReceiptUnavailable):  # and once saved, it is gone for both
        save_receipt(other, MARTINE)


def test_fifty_sessions_saving_at_once_render_one_pdf(
    service: SimulatedService, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each save rendered its PDF (0.6 s of CPU) before 49 of 50 were refused; now the receipt
    is held by the first session and the others are told to wait, without rendering."""
    from mes_tui.services import receipts

    rendered: list[int] = []
    render = receipts._render
    monkeypatch.setattr(receipts, "_render", lambda *a: rendered.append(1) or render(*a))
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    sessions = [open_service(data_dir, clock=service.clock) for _ in range(50)]
    start = threading.Barrier(len(sessions))
    outcomes: list[object] = []

    def save(session: SimulatedService) -> None:
        start.wait()
        try:
            outcomes.append(save_receipt(session, MARTINE))
        except (ReceiptBusy, ReceiptUnavailable) as refused:
            outcomes.append(type(refused))

    threads = [threading.Thread(target=save, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    saved = [o for o in outcomes if isinstance(o, Path)]
    assert len(saved) == 1 and len(outcomes) == 50
    assert rendered == [1]
    assert list(saved[0].parent.iterdir()) == saved


def test_a_save_cut_short_holds_the_receipt_only_for_a_while(
    service: SimulatedService, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session killed while writing never releases its hold: after 30 s the receipt is
    available again, never lost."""

    class Killed(BaseException):
        pass

    def killed(folder: Path, name: str, data: bytes) -> Path:
        raise Killed  # as if the process ended here: what follows never runs

    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
    monkeypatch.setattr(service, "storage", NoRelease(service.storage))
    monkeypatch.setattr(receipt_writer, "write_new_file", killed)
    with pytest.raises(Killed):
        save_receipt(service, MARTINE)
    monkeypatch.undo()
    clock.advance(seconds=10)
    with pytest.raises(ReceiptBusy) as busy:
        save_receipt(service, MARTINE)
    assert busy.value.seconds == 20
    clock.advance(seconds=20)
    assert save_receipt(service, MARTINE, tmp_path).exists()


class NoRelease:
    """A storage whose writes after the first do nothing: the session died after its hold."""

    def __init__(self, storage: Any) -> None:
        self.storage = storage
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.storage, name)

    def write(self, fn: Any) -> Any:
        self.writes += 1
        return self.storage.write(fn) if self.writes == 1 else None


def test_a_folder_that_cannot_be_made_leaves_no_folder_and_renders_no_pdf(
    service: SimulatedService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fifteen folders of 200 characters, then one of 300 (too long for the file system): the
    refusal came after the fifteen were made and a PDF was rendered; now nothing is left and
    nothing is rendered, and the receipt stays available."""
    from mes_tui.services import receipts

    rendered: list[int] = []
    render = receipts._render
    monkeypatch.setattr(receipts, "_render", lambda *a: rendered.append(1) or render(*a))
    service.oppose("116304403801618", expected=Status.EN_ATTENTE)
    base = tmp_path / "base"
    base.mkdir()
    deep = base.joinpath(*(["d" * 200] * 15), "e" * 300)
    with pytest.raises(InvalidInput) as refused:
        save_receipt(service, "116304403801618", deep)
    assert refused.value.field == "folder"
    assert list(base.iterdir()) == []
    assert rendered == []
    written = save_receipt(service, "116304403801618", base / "a" / "b")
    assert written.exists() and rendered == [1]


def test_every_folder_made_for_a_receipt_is_the_owners_only(
    service: SimulatedService, tmp_path: Path
) -> None:
    import os

    service.oppose("116304403801618", expected=Status.EN_ATTENTE)
    old = os.umask(0o022)
    try:
        written = save_receipt(service, "116304403801618", tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b", written.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.parametrize("name", ["es\x1bc", "bel\x07l", "ren\u202everse"])
def test_a_folder_name_with_control_characters_is_refused_before_anything(
    service: SimulatedService, tmp_path: Path, name: str
) -> None:

    service.oppose("116304403801618", expected=Status.EN_ATTENTE)
    with pytest.raises(InvalidInput) as refused:
        save_receipt(service, "116304403801618", tmp_path / name / "x")
    assert refused.value.field == "folder"
    assert not (tmp_path / name).exists()
