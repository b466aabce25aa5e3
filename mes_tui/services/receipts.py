"""The opposition receipt (justificatif d'opposition): a one-page A4 PDF, and the file name the
back office suggests for it.

    data = render_receipt(nir="116304403801618", first_name="Martine Julie",
                          last_name="LEGUELLEC", decided_on=date(2021, 9, 28))
    name = receipt_file_name(date(2021, 9, 28))  # justificatif-opposition-2021-09-28-xkcdqm.pdf

fpdf2 (and fontTools under it) is imported when a receipt is rendered or prepared for
(``prepare``, in a background thread, once an opposition is recorded), never when this module is
imported: the first screens do not need it. The file name carries the decision date and a short
random part, never the NIR (a regulated identifier). Writing the file is the front end's
business (``mes_tui.receipt_writer``).
"""

from __future__ import annotations

import gc
import logging
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from mes_tui.models.dates import format_date
from mes_tui.models.nir import format_nir, normalize_nir
from mes_tui.paths import asset_path
from mes_tui.services.clock import PARIS
from mes_tui.texts import receipt as t
from mes_tui.texts.safe import printable

__all__ = ["prepare", "receipt_file_name", "render_receipt"]

log = logging.getLogger(__name__)

# DejaVu Sans cut down to the Latin scripts (assets/fonts/make_subset.py): fpdf2 parses and
# subsets the fonts it is given (here once per process, ``pdf_fonts``), and the 6 000-glyph
# originals made that the slowest part.
_FONT_FAMILY = "DejaVuSansLatin"
_FONT_REGULAR = ("fonts", "DejaVuSansLatin.ttf")
_FONT_BOLD = ("fonts", "DejaVuSansLatin-Bold.ttf")
# The full fonts, loaded only for a name the subsets cannot write (Greek, Cyrillic...).
_FALLBACK_FAMILY = "DejaVuSans"
_FALLBACK_REGULAR = ("fonts", "DejaVuSans.ttf")
_FALLBACK_BOLD = ("fonts", "DejaVuSans-Bold.ttf")
# The characters the regular font's subset always holds, whether a receipt prints them or not:
# then the receipts of every name written with them embed the same subset, made once a process
# (``pdf_fonts``), for a few kilobytes more. ASCII, Latin-1's letters, French's others.
_USUAL_CHARACTERS = (
    "".join(
        chr(code) for code in (*range(0x21, 0x7F), *range(0xC0, 0x100)) if code not in (0xD7, 0xF7)
    )
    + "ŒœŸ’"
)
# A valid NIR (the demo's) for the receipt ``prepare`` renders and throws away.
_WARM_UP_NIR = "116304403801618"
_MARGIN_MM = 20.0
# The lines of the texts that did not fit on one line, by text, style and room: the fixed
# sentences of every receipt, and the last people's long names.
_lines: dict[tuple[object, ...], tuple[str, ...]] = {}
_lines_lock = threading.Lock()
_LINES_KEPT = 64
_TEXT_RGB = (22, 22, 22)
_TITLE_RGB = (0, 0, 145)  # DSFR "bleu France"
_MUTED_RGB = (102, 102, 102)

# No digits in the random part: the only digits of the file name are the decision date's.
_NAME_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_TOKEN_LENGTH = 6
_WORD_STARTS = " -'’"


@dataclass(frozen=True)
class _Content:
    nir: str
    name_line: str
    greeting: str
    issued_on: str
    decided_on: str

    def characters(self) -> set[int]:
        """Every code point the receipt prints (fixed sentences included), spaces aside."""
        texts = (
            self.nir,
            self.name_line,
            self.greeting,
            self.issued_on,
            self.decided_on,
            t.PAGE,
            t.NIR_LINE,
            t.ISSUED_ON,
            t.TITLE,
            t.TAKEN_INTO_ACCOUNT,
            t.CHANGE_OF_MIND,
            t.CLOSING,
            t.SIGNATURE,
        )
        return {ord(ch) for text in texts for ch in text if not ch.isspace()}


def render_receipt(
    *,
    nir: str,
    first_name: str,
    last_name: str,
    decided_on: date,
    now: datetime | None = None,
) -> bytes:
    """The PDF of the receipt of an opposition decided on ``decided_on``.

    ``now`` (default: the current time) is the moment of issue: the date printed as
    "Le JJ/MM/AAAA" (in metropolitan France) and the PDF's creation date; a naive ``now`` is
    taken as the computer's local time. Raises ``ValueError`` if ``nir`` is not a valid NIR.
    """
    when = now if now is not None else datetime.now(UTC)
    _wait_for_prepare()
    return _render(_content(nir, first_name, last_name, decided_on, when), when)


PREPARE_DELAY = 0.1
"""Seconds ``prepare`` leaves to the screen that follows the opposition before its work (which
would otherwise share the interpreter with that screen's drawing); cut short if a receipt is
asked meanwhile."""
PREPARE_WAIT = 10.0
"""Seconds at most that a receipt asked during ``prepare``'s work waits for it to end."""

_prepare_lock = threading.Lock()
_preparing: threading.Thread | None = None
_wanted_now = threading.Event()


def prepare() -> None:
    """Make the next receipt quick: once per process, in a background thread, import fpdf2
    and fontTools (about half a second) and render a receipt for nobody, which parses the
    fonts and makes the subsets a receipt of today's decision uses (``pdf_fonts``). For when
    a receipt becomes likely (an opposition has just been recorded), never at start-up: most
    people never ask for one, and fpdf2 costs some 30 MiB. Returns at once; a receipt asked
    meanwhile waits for that work to end rather than do it a second time."""
    global _preparing
    with _prepare_lock:
        if _preparing is not None:
            return
        _preparing = threading.Thread(target=_warm_up, name="receipt-prepare", daemon=True)
        _preparing.start()


def _warm_up() -> None:
    _wanted_now.wait(PREPARE_DELAY)
    try:
        now = datetime.now(UTC)
        render_receipt(
            nir=_WARM_UP_NIR,
            first_name="Zoé",
            last_name="Martin",
            decided_on=now.astimezone(PARIS).date(),
            now=now,
        )
        # What the imports left is collected now, while the person reads, not during the
        # receipt's key press; unless the receipt is already asked for: it goes first.
        if not _wanted_now.is_set():
            gc.collect()
    except Exception:  # the receipt itself will do the work, and say what fails
        log.warning("préparation du justificatif d'opposition impossible", exc_info=True)


def _wait_for_prepare() -> None:
    """If ``prepare``'s work is under way (or about to be) in another thread, wait for it to
    end."""
    with _prepare_lock:
        preparing = _preparing
    if preparing is not None and preparing is not threading.current_thread():
        _wanted_now.set()
        preparing.join(PREPARE_WAIT)


def receipt_file_name(decided_on: date) -> str:
    """``justificatif-opposition-2021-09-28-xkcdqm.pdf``: the decision date and six random
    letters (no digits: the only ones of the name are the date's), never the NIR."""
    return t.FILE_NAME.format(date=decided_on.isoformat(), token=_token())


def _content(
    nir: str, first_name: str, last_name: str, decided_on: date, when: datetime
) -> _Content:
    return _Content(
        nir=format_nir(normalize_nir(nir)),
        name_line=_name_line(first_name, last_name),
        greeting=_greeting(first_name, last_name),
        issued_on=format_date(when.astimezone(PARIS).date()),
        decided_on=format_date(decided_on),
    )


# -- names ------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """``text`` without control or invisible characters, its spaces collapsed."""
    return " ".join(printable(text).split())


def _upper(text: str) -> str:
    """Upper case, letter by letter, keeping letters whose capital is two letters (ß, not SS):
    the name printed must be the person's own."""
    return "".join(up if len(up := ch.upper()) == 1 else ch for ch in text)


def _name_case(text: str) -> str:
    """``LEGUELLEC`` → ``Leguellec``, ``jean-pierre`` → ``Jean-Pierre``, ``STRAßE`` → ``Straße``."""
    out: list[str] = []
    word_start = True
    for ch in text:
        changed = ch.upper() if word_start else ch.lower()
        out.append(changed if len(changed) == 1 else ch)
        word_start = ch in _WORD_STARTS
    return "".join(out)


def _name_line(first_name: str, last_name: str) -> str:
    """``LEGUELLEC Martine julie``: the last name in capitals, then the first names as recorded."""
    name = " ".join(part for part in (_upper(_clean(last_name)), _clean(first_name)) if part)
    return t.NAME_LINE.format(name=name).rstrip()


def _greeting(first_name: str, last_name: str) -> str:
    """``Bonjour Martine Julie Leguellec,``."""
    name = " ".join(part for part in (_clean(first_name), _clean(last_name)) if part)
    return t.GREETING.format(name=_name_case(name)) if name else t.GREETING_NO_NAME


# -- the PDF ----------------------------------------------------------------------------------


def _render(content: _Content, when: datetime) -> bytes:
    """The receipt as PDF bytes: A4 portrait, DejaVu Sans embedded (only the glyphs used).

    The Latin subsets write every name of Latin script; a name with other letters brings in the
    full fonts as fallbacks, so that no letter of anybody's name is ever lost.

    Each page says "Page n/N". N is known only once the text is laid out, and fpdf2's
    page-count alias would be measured as "{nb}", shifting the right-aligned line: the receipt
    is laid out for one page, and again in the rare case it needs more (very long names).
    """
    from fpdf import FPDF
    from fpdf.enums import Align, MethodReturnValue, XPos, YPos

    from mes_tui.services import pdf_fonts

    class Receipt(FPDF):
        def __init__(self, total_pages: int) -> None:
            super().__init__(orientation="portrait", unit="mm", format="A4")
            self.total_pages = total_pages
            self.with_fallbacks = False

        def paragraph(
            self,
            text: str,
            *,
            size: float = 11,
            bold: bool = False,
            align: Align = Align.L,
            rgb: tuple[int, int, int] = _TEXT_RGB,
            space_after: float = 0,
        ) -> None:
            self.set_font(_FONT_FAMILY, "B" if bold else "", size)
            self.set_text_color(*rgb)
            # Line height: 1.4 times the font size (1 pt = 0.3528 mm).
            height = size * 0.3528 * 1.4
            for line in self.lines(text, bold, size, align):
                self.cell(0, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if space_after:
                self.ln(space_after)

        def lines(self, text: str, bold: bool, size: float, align: Align) -> Sequence[str]:
            """``text`` cut into the lines ``multi_cell`` would make of it, each then written
            by ``cell`` as ``multi_cell`` writes it: without ``multi_cell``'s line breaking, by
            far the longest part of a receipt, for a text that fits on one line, and breaking
            a longer one only the first time in the process. With fallback fonts, always. Left or
            right aligned only: ``cell`` would not justify a line."""
            room = self.w - self.r_margin - self.x - 2 * self.c_margin
            if not self.with_fallbacks and self.get_string_width(text) < room - 0.01:
                return (text,)
            key = (text, bold, size, align, room, self.with_fallbacks)
            with _lines_lock:
                known = _lines.get(key)
            if known is not None:
                return known
            broken: list[str] = self.multi_cell(  # type: ignore[assignment]
                0, 1, text, align=align, dry_run=True, output=MethodReturnValue.LINES
            )
            if not self.with_fallbacks:
                with _lines_lock:
                    _lines[key] = tuple(broken)
                    while len(_lines) > _LINES_KEPT:
                        del _lines[next(iter(_lines))]
            return broken

        def header(self) -> None:
            page = t.PAGE.format(page=self.page_no(), pages=self.total_pages)
            self.paragraph(page, size=9, align=Align.R, rgb=_MUTED_RGB, space_after=10)

    def layout(total_pages: int) -> Receipt:
        pdf = Receipt(total_pages)
        pdf.set_margins(left=_MARGIN_MM, top=_MARGIN_MM, right=_MARGIN_MM)
        pdf.set_auto_page_break(auto=True, margin=_MARGIN_MM)
        regular = pdf_fonts.add_font(pdf, _FONT_FAMILY, "", asset_path(*_FONT_REGULAR))
        pdf_fonts.add_font(pdf, _FONT_FAMILY, "B", asset_path(*_FONT_BOLD))
        # The same glyphs for every Latin name: one subset of the font for them all, made once.
        pdf_fonts.pick(regular, _USUAL_CHARACTERS)
        if not content.characters() <= regular.cmap.keys():
            pdf_fonts.add_font(pdf, _FALLBACK_FAMILY, "", asset_path(*_FALLBACK_REGULAR))
            pdf_fonts.add_font(pdf, _FALLBACK_FAMILY, "B", asset_path(*_FALLBACK_BOLD))
            pdf.set_fallback_fonts([_FALLBACK_FAMILY])
            pdf.with_fallbacks = True
        pdf.set_title(t.META_TITLE)
        pdf.set_author(t.META_AUTHOR)
        pdf.set_subject(t.META_SUBJECT.format(date=content.decided_on))
        pdf.set_creator(t.META_CREATOR)
        pdf.set_lang("fr-FR")
        pdf.set_creation_date(when)
        pdf.add_page()
        pdf.paragraph(t.NIR_LINE.format(nir=content.nir), size=10)
        pdf.paragraph(content.name_line, size=10, space_after=10)
        pdf.paragraph(t.ISSUED_ON.format(date=content.issued_on), align=Align.R, space_after=12)
        pdf.paragraph(t.TITLE, size=16, bold=True, rgb=_TITLE_RGB, space_after=8)
        pdf.paragraph(content.greeting, space_after=4)
        pdf.paragraph(t.TAKEN_INTO_ACCOUNT.format(date=content.decided_on), space_after=4)
        pdf.paragraph(t.CHANGE_OF_MIND, space_after=8)
        pdf.paragraph(t.CLOSING)
        pdf.paragraph(t.SIGNATURE)
        return pdf

    pdf = layout(total_pages=1)
    if pdf.pages_count != 1:
        pdf = layout(total_pages=pdf.pages_count)
    return bytes(pdf.output())


def _token() -> str:
    """The random part of the file name: six letters, no digits."""
    return "".join(secrets.choice(_NAME_LETTERS) for _ in range(_TOKEN_LENGTH))
