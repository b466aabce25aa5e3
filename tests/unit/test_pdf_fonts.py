"""Fonts parsed and subset once per process (``mes_tui.services.pdf_fonts``): documents byte for
byte what fpdf2 makes on its own, from several threads at once; and receipts, rendered
concurrently from cold caches, the same as rendered one after the other."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from mes_tui.paths import asset_path
from mes_tui.services import pdf_fonts, receipts

REGULAR = asset_path("fonts", "DejaVuSansLatin.ttf")
BOLD = asset_path("fonts", "DejaVuSansLatin-Bold.ttf")
FULL = asset_path("fonts", "DejaVuSans.ttf")
LONG = "Une phrase assez longue pour tenir sur plusieurs lignes, à la française. " * 4


@pytest.fixture(autouse=True)
def cold() -> Iterator[None]:
    pdf_fonts.clear()
    receipts._lines.clear()
    yield
    pdf_fonts.clear()
    receipts._lines.clear()


def _document(add: Callable[[FPDF, str, str, object], object], text: str) -> bytes:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2021, 9, 28, tzinfo=UTC))
    add(pdf, "Latin", "", REGULAR)
    add(pdf, "Latin", "B", BOLD)
    add(pdf, "Full", "", FULL)
    pdf.set_fallback_fonts(["Full"])
    pdf.add_page()
    pdf.set_font("Latin", "B", 14)
    pdf.multi_cell(0, 8, "Titre", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Latin", "", 11)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _fpdf2(pdf: FPDF, family: str, style: str, path: object) -> None:
    pdf.add_font(family, style, str(path))


def _cached(pdf: FPDF, family: str, style: str, path: object) -> None:
    pdf_fonts.add_font(pdf, family, style, path)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["Zoé Françoise LŒUVRE-STRAßE", "Ελένη Анна " + LONG])
def test_a_document_is_byte_for_byte_what_fpdf2_makes(text: str) -> None:
    expected = _document(_fpdf2, text)
    assert _document(_cached, text) == expected  # fonts parsed, subsets made
    assert _document(_cached, text) == expected  # both reused


def test_other_glyphs_get_another_subset_and_plain_fpdf2_is_left_alone() -> None:
    first = _document(_cached, "Jean")
    other = _document(_cached, "Łukasz")
    assert other == _document(_fpdf2, "Łukasz") != first
    assert _document(_cached, "Jean") == first


@pytest.mark.parametrize("align", [Align.L, Align.R])
def test_lines_written_by_cell_are_what_multi_cell_writes(align: Align) -> None:
    """What the receipt relies on (``Receipt.lines``): each line ``multi_cell`` makes of a text,
    written by ``cell``, gives the same page, for the alignments the receipt uses (not
    justified: ``cell`` would not stretch the lines)."""

    def page(by_lines: bool) -> bytes:
        pdf = FPDF()
        pdf.set_creation_date(datetime(2021, 9, 28, tzinfo=UTC))
        pdf.add_font("Latin", "", str(REGULAR))
        pdf.add_page()
        pdf.set_font("Latin", "", 11)
        if by_lines:
            lines = pdf.multi_cell(
                0, 1, LONG, align=align, dry_run=True, output=MethodReturnValue.LINES
            )
            assert len(lines) > 1
            for line in lines:
                pdf.cell(0, 6, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            pdf.multi_cell(0, 6, LONG, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(pdf.output())

    assert page(by_lines=True) == page(by_lines=False)


NAMES = [
    ("Zoé Françoise", "LŒUVRE-STRAßE"),
    ("Jean", "DUPONT"),
    ("Ελένη Анна", "ΠΑΠΑΔΟΠΟΥΛΟΥ"),
    ("Łukasz", "WÓJCIK"),
    ("Marie " * 30, "LONGUE"),
    ("Ana", "NUÑEZ"),
]


def _receipt(first_name: str, last_name: str) -> bytes:
    return receipts.render_receipt(
        nir="116304403801618",
        first_name=first_name,
        last_name=last_name,
        decided_on=date(2021, 9, 28),
        now=datetime(2021, 9, 28, 8, 30, tzinfo=UTC),
    )


def test_receipts_rendered_by_threads_at_once_are_those_rendered_one_by_one() -> None:
    jobs = NAMES * 2
    start = threading.Barrier(len(jobs))
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def render(index: int, first_name: str, last_name: str) -> None:
        try:
            start.wait(timeout=30)
            results[index] = _receipt(first_name, last_name)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=render, args=(i, *job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(results) == len(jobs)
    pdf_fonts.clear()
    receipts._lines.clear()
    for index, job in enumerate(jobs):
        assert results[index] == _receipt(*job), job
