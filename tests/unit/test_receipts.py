"""The opposition receipt (Opposition à Mon espace santé 4/4): content as the back office renders
it (``mes_tui.services.receipts``), file and failure rules as the front end writes it
(``mes_tui.receipt_writer``)."""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from mes_tui import receipt_writer
from mes_tui.paths import asset_path
from mes_tui.services import receipts

REPO = Path(__file__).resolve().parents[2]
NIR = "116304403801618"
NIR_FORMATTED = "1 16 30 44 038 016 18"
DECIDED_ON = date(2021, 9, 28)
NOW = datetime(2021, 9, 28, 8, 30, 15, tzinfo=UTC)
FIRST = "Zoé Françoise"
LAST = "LŒUVRE-STRAßE"


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """A permissive umask, so that the modes checked come from the code, not from the umask."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A receipts folder that does not exist yet."""
    return tmp_path / "justificatifs"


def _write(folder: Path, **overrides: object) -> Path:
    arguments: dict[str, object] = {
        "nir": NIR,
        "first_name": FIRST,
        "last_name": LAST,
        "decided_on": DECIDED_ON,
        "now": NOW,
    }
    arguments.update(overrides)
    data = receipts.render_receipt(**arguments)  # type: ignore[arg-type]
    name = receipts.receipt_file_name(arguments["decided_on"])  # type: ignore[arg-type]
    return receipt_writer.write_file(folder, name, data)


def _text(path: Path, page: int = 0) -> str:
    """The text of one page, its whitespace (line breaks of wrapped sentences) collapsed."""
    return " ".join(PdfReader(path).pages[page].extract_text().split())


# -- content ----------------------------------------------------------------------------------


def test_every_element_of_the_seed_page_in_order_with_non_ascii_names(folder: Path) -> None:
    text = _text(_write(folder))
    expected = [
        "Page 1/1",
        f"Numéro de l'assuré : {NIR_FORMATTED}",
        "Nom de l'assuré : LŒUVRE-STRAßE Zoé Françoise",
        "Le 28/09/2021",
        "Votre justificatif d'opposition",
        "Bonjour Zoé Françoise Lœuvre-Straße,",
        "Votre demande d'opposition à la création de Mon espace santé a bien été prise en "
        "compte le 28/09/2021.",
        "Vous pouvez revenir à tout moment sur votre décision en vous connectant sur "
        "monespacesante.fr.",
        "Avec toute mon attention,",
        "Votre conseiller Mon espace santé",
    ]
    position = 0
    for element in expected:
        found = text.find(element, position)
        assert found >= 0, f"{element!r} missing (or out of order) in {text!r}"
        position = found + len(element)
    for letters in ("Œ", "ß", "é", "ç", "œ"):
        assert letters in text


def test_the_seed_person_reads_as_in_the_seed(folder: Path) -> None:
    text = _text(_write(folder, first_name="Martine julie", last_name="LEGUELLEC"))
    assert "Nom de l'assuré : LEGUELLEC Martine julie" in text
    assert "Bonjour Martine Julie Leguellec," in text


def test_a_spaced_nir_is_accepted_and_printed_formatted(folder: Path) -> None:
    text = _text(_write(folder, nir=NIR_FORMATTED))
    assert f"Numéro de l'assuré : {NIR_FORMATTED}" in text


def test_control_and_invisible_characters_are_stripped_from_names(folder: Path) -> None:
    text = _text(
        _write(folder, first_name="Zo\x1b\u202eé\x00 Françoise\x07", last_name="LŒUVRE\tX")
    )
    assert "Nom de l'assuré : LŒUVRE X Zoé Françoise" in text
    assert "Bonjour Zoé Françoise Lœuvre X," in text
    assert not any(ch in text for ch in "\x1b\u202e\x00\x07")


def test_the_receipt_is_dated_of_its_issue_in_paris_and_states_the_decision_date(
    folder: Path,
) -> None:
    # 22:30 UTC on 29 September is already 30 September in Paris (UTC+2 in summer).
    text = _text(_write(folder, now=datetime(2021, 9, 29, 22, 30, tzinfo=UTC)))
    assert "Le 30/09/2021" in text
    assert "a bien été prise en compte le 28/09/2021." in text


def test_an_invalid_nir_is_refused_and_nothing_is_written(folder: Path) -> None:
    with pytest.raises(ValueError):
        _write(folder, nir="1 55 12 55 555 555 55")  # the seed's format example: wrong key
    assert not folder.exists()


def test_very_long_names_flow_onto_a_second_page_numbered_out_of_two(folder: Path) -> None:
    path = _write(folder, first_name="Zoé " * 300, last_name="LŒUVRE-STRAßE" * 60)
    assert len(PdfReader(path).pages) == 2
    assert _text(path, 0).startswith("Page 1/2")
    assert _text(path, 1).startswith("Page 2/2")


# -- the PDF ----------------------------------------------------------------------------------


def test_one_a4_portrait_page(folder: Path) -> None:
    reader = PdfReader(_write(folder))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    # A4 is 210 x 297 mm, that is 595.28 x 841.89 points.
    assert float(box.width) == pytest.approx(595.28, abs=0.5)
    assert float(box.height) == pytest.approx(841.89, abs=0.5)


def test_metadata(folder: Path) -> None:
    metadata = PdfReader(_write(folder)).metadata
    assert metadata is not None
    assert metadata.title == "Justificatif d'opposition à Mon espace santé"
    assert metadata.author is not None
    assert "Mon espace santé" in metadata.author
    assert "Assurance Maladie" in metadata.author
    assert metadata.subject is not None
    assert "28/09/2021" in metadata.subject
    assert metadata.creation_date == NOW


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    first = _write(tmp_path / "a").read_bytes()
    second = _write(tmp_path / "b").read_bytes()
    assert first == second


def _base_fonts(path: Path) -> list[str]:
    """The /BaseFont of every font the first page uses, after checking each is embedded."""
    page = PdfReader(path).pages[0]
    resources = cast(DictionaryObject, page["/Resources"])
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    names = []
    for ref in fonts.values():
        font = cast(DictionaryObject, ref.get_object())
        descendants = cast(ArrayObject, font["/DescendantFonts"])
        cid_font = cast(DictionaryObject, descendants[0].get_object())
        descriptor = cast(DictionaryObject, cid_font["/FontDescriptor"].get_object())
        assert "/FontFile2" in descriptor
        names.append(str(font["/BaseFont"]))
    return names


def test_fonts_are_embedded_and_subset(folder: Path) -> None:
    names = _base_fonts(_write(folder))
    assert len(names) == 2  # regular and bold
    for name in names:
        # A subset font's name has a six-letter tag: "/ABCDEF+DejaVuSansLatin-Bold"; Latin
        # names need only the shipped Latin subsets of DejaVu Sans.
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSansLatin.*", name), name


LATIN_HEAVY = "Zoé Françoise Œ ß Ł Ő Ș Ț ġ Ǆ ẞ Ỳ Ğ ı Ÿ Æ Å Ø Ñ Č Ř Ž Ą Ę Ő Ű ŉ ǅ ʼ"


def test_every_letter_of_latin_heavy_names_survives(folder: Path) -> None:
    first, last = LATIN_HEAVY.split(" ", 1)
    path = _write(folder, first_name=first, last_name=last)
    text = _text(path)
    # The name line prints the last name first, in capitals where a capital is one letter.
    for ch in LATIN_HEAVY.replace(" ", ""):
        assert ch in text or ch.upper() in text or ch.lower() in text, ch
    assert "Nom de l'assuré : " + receipts._upper(last) + " " + first in text
    assert all(re.search("DejaVuSansLatin", name) for name in _base_fonts(path))


def test_letters_outside_latin_fall_back_to_the_full_font(folder: Path) -> None:
    path = _write(folder, first_name="Ελένη Анна", last_name="ΠΑΠΑΔΟΠΟΥΛΟΥ")
    text = _text(path)
    assert "Nom de l'assuré : ΠΑΠΑΔΟΠΟΥΛΟΥ Ελένη Анна" in text
    names = _base_fonts(path)
    assert any(re.fullmatch(r"/[A-Z]{6}\+DejaVuSans(Book|Bold)", name) for name in names), names


def test_the_latin_subsets_cover_what_they_promise() -> None:
    from fontTools.ttLib import TTFont

    for name in ("DejaVuSansLatin.ttf", "DejaVuSansLatin-Bold.ttf"):
        font = TTFont(asset_path("fonts", name), lazy=True)
        cmap = font.getBestCmap()
        for first, last in (
            (0x20, 0x7E),
            (0xA0, 0xFF),
            (0x100, 0x17F),
            (0x1E9E, 0x1E9E),
            (0x2018, 0x201E),
            (0x20AC, 0x20AC),
        ):
            assert all(code in cmap for code in range(first, last + 1)), (name, hex(first))
        family = font["name"].getDebugName(1)
        assert family == "DejaVu Sans Latin"
        assert "Bitstream" not in family and "Vera" not in family
        # The copyright and licence strings of the original stay in the subset.
        assert "Bitstream" in (font["name"].getDebugName(0) or "")
        assert font["name"].getDebugName(13)


def test_file_is_small(folder: Path) -> None:
    assert _write(folder).stat().st_size < 60 * 1024


def test_the_font_and_its_licence_are_shipped() -> None:
    for name in (
        "DejaVuSansLatin.ttf",
        "DejaVuSansLatin-Bold.ttf",
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "LICENSE-DejaVu.txt",
        "make_subset.py",
    ):
        assert asset_path("fonts", name).is_file()
    assert "Bitstream" in asset_path("fonts", "LICENSE-DejaVu.txt").read_text(encoding="utf-8")


# -- the file ---------------------------------------------------------------------------------


def test_modes_owner_only(folder: Path) -> None:
    path = _write(folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_existing_folder_keeps_its_mode(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    _write(tmp_path)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


def test_the_file_name_carries_the_date_and_no_part_of_the_nir(folder: Path) -> None:
    name = _write(folder).name
    assert NIR not in name
    assert NIR_FORMATTED not in name
    assert NIR_FORMATTED.replace(" ", "-") not in name
    # The only digits are the decision date's.
    assert re.fullmatch(r"justificatif-opposition-2021-09-28-[a-z]+\.pdf", name), name


def test_two_receipts_in_the_same_second_get_two_names(folder: Path) -> None:
    first = _write(folder)
    content = first.read_bytes()
    second = _write(folder)
    assert first != second
    assert first.read_bytes() == content
    assert sorted(p.name for p in folder.iterdir()) == sorted([first.name, second.name])


def test_a_name_already_taken_is_never_overwritten(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder.mkdir()
    taken = folder / "justificatif-opposition-2021-09-28-aaaaaa.pdf"
    taken.write_bytes(b"somebody else's file")
    monkeypatch.setattr(receipts, "_token", lambda: "aaaaaa")  # the name suggested is taken
    path = _write(folder)
    assert re.fullmatch(r"justificatif-opposition-2021-09-28-aaaaaa-[a-z]+\.pdf", path.name)
    assert taken.read_bytes() == b"somebody else's file"


def _boom(*_args: object, **_kwargs: object) -> None:
    raise OSError("disque plein")


def _no_hard_links(*_args: object, **_kwargs: object) -> None:
    raise PermissionError(errno.EPERM, "Operation not permitted")  # FAT, say


@pytest.mark.parametrize(
    "target",
    ["os.link", "os.replace", "os.fsync", "_reserve_name", "fpdf.FPDF.output"],
)
def test_a_crash_midway_leaves_nothing_behind(
    folder: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    folder.mkdir(mode=0o700)
    if target in ("os.replace", "_reserve_name"):
        # Only used where the file system has no hard links.
        monkeypatch.setattr(os, "link", _no_hard_links)
    if target == "fpdf.FPDF.output":
        import fpdf

        monkeypatch.setattr(fpdf.FPDF, "output", _boom)
    elif target == "_reserve_name":
        monkeypatch.setattr(receipt_writer, "_reserve_name", _boom)
    else:
        monkeypatch.setattr(os, target.removeprefix("os."), _boom)
    with pytest.raises(OSError, match="disque plein"):
        _write(folder)
    assert list(folder.iterdir()) == []


def test_leftovers_of_a_killed_writer_are_removed_recent_ones_kept(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    old = folder / ".justificatif-killed.part"
    old.write_bytes(b"%PDF-1.7 half")
    hour_ago = time.time() - receipt_writer.STALE_PART_SECONDS - 60
    os.utime(old, (hour_ago, hour_ago))
    busy = folder / ".justificatif-writing.part"  # another process, writing right now
    busy.write_bytes(b"%PDF-1.7 being written")
    kept = folder / "notes.part"  # not ours
    kept.write_bytes(b"x")
    os.utime(kept, (hour_ago, hour_ago))
    receipt = _write(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted([receipt.name, busy.name, kept.name])


def test_without_hard_links_the_receipt_is_renamed_into_place(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", _no_hard_links)
    path = _write(folder)
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in folder.iterdir()] == [path.name]


def test_importing_the_modules_does_not_import_fpdf() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mes_tui.services.receipts, mes_tui.receipt_writer, sys; "
            "print('fpdf' in sys.modules)",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EACCES, "accès refusé"),
        (errno.ENOTDIR, "un élément du chemin est un fichier, pas un dossier"),
        (errno.ENOSPC, "disque plein"),
        (errno.EROFS, "support en lecture seule"),
        (None, "erreur du système de fichiers"),
    ],
)
def test_a_folder_problem_is_said_in_french(code: int | None, reason: str) -> None:
    error = OSError(code, os.strerror(code)) if code is not None else OSError("?")
    assert receipt_writer.folder_problem(error) == reason


def test_a_folder_under_a_file_is_refused_in_french(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    with pytest.raises(OSError) as caught:
        _write(blocker / "justificatifs")
    assert receipt_writer.folder_problem(caught.value) == (
        "un élément du chemin est un fichier, pas un dossier"
    )


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file(),
    reason="needs the Debian package fonts-dejavu-core",
)
def test_the_subsets_are_what_the_script_makes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "assets" / "fonts" / "make_subset.py"), "--output", tmp_path],
        check=True,
        capture_output=True,
    )
    for name in ("DejaVuSansLatin.ttf", "DejaVuSansLatin-Bold.ttf"):
        assert (tmp_path / name).read_bytes() == asset_path("fonts", name).read_bytes(), name
