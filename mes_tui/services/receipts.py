"""The opposition receipt (justificatif d'opposition): a one-page A4 PDF, written atomically.

    path = write_receipt(folder, nir="116304403801618", first_name="Martine Julie",
                         last_name="LEGUELLEC", decided_on=date(2021, 9, 28))

fpdf2 (and fontTools under it) is imported when a receipt is written, never when this module is
imported: the first screens do not need it. The file name carries the decision date and a short
random part, never the NIR (a regulated identifier). The file appears complete or not at all.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from mes_tui.models.dates import format_date
from mes_tui.models.nir import format_nir, normalize_nir
from mes_tui.paths import asset_path
from mes_tui.services.clock import PARIS
from mes_tui.texts import receipt as t
from mes_tui.texts.safe import printable

__all__ = ["folder_problem", "write_receipt"]

PRIVATE_DIR = 0o700

# DejaVu Sans cut down to the Latin scripts (assets/fonts/make_subset.py): fpdf2 parses and
# subsets a font for every receipt, and the 6 000-glyph originals made that the slowest part.
_FONT_FAMILY = "DejaVuSansLatin"
_FONT_REGULAR = ("fonts", "DejaVuSansLatin.ttf")
_FONT_BOLD = ("fonts", "DejaVuSansLatin-Bold.ttf")
# The full fonts, loaded only for a name the subsets cannot write (Greek, Cyrillic...).
_FALLBACK_FAMILY = "DejaVuSans"
_FALLBACK_REGULAR = ("fonts", "DejaVuSans.ttf")
_FALLBACK_BOLD = ("fonts", "DejaVuSans-Bold.ttf")
_MARGIN_MM = 20.0
_TEXT_RGB = (22, 22, 22)
_TITLE_RGB = (0, 0, 145)  # DSFR "bleu France"
_MUTED_RGB = (102, 102, 102)

# No digits in the random part: the only digits of the file name are the decision date's.
_NAME_LETTERS = "abcdefghjkmnpqrstuvwxyz"
_TOKEN_LENGTH = 6
_NAME_ATTEMPTS = 100
_WORD_STARTS = " -'’"
# What os.link answers where the file system has no hard links.
_NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}
)


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


def write_receipt(
    folder: Path,
    *,
    nir: str,
    first_name: str,
    last_name: str,
    decided_on: date,
    now: datetime | None = None,
) -> Path:
    """Write the receipt of an opposition decided on ``decided_on`` into ``folder`` (created,
    owner only, if missing) and return the new file's path. The file is readable by its owner
    only and never replaces an existing file.

    ``now`` (default: the current time) is the moment of issue: the date printed as
    "Le JJ/MM/AAAA" (in metropolitan France) and the PDF's creation date; a naive ``now`` is
    taken as the computer's local time.

    Raises ``ValueError`` if ``nir`` is not a valid NIR, ``OSError`` if the folder cannot be
    created or written; in both cases no file is left behind.
    """
    when = now if now is not None else datetime.now(UTC)
    folder = Path(folder)
    # The folder first: a path that cannot be made costs neither a PDF (0.6 s of CPU) nor a
    # folder left behind.
    made = _make_private_folders(folder)
    try:
        return _write_new_file(
            folder,
            decided_on,
            _render(_content(nir, first_name, last_name, decided_on, when), when),
        )
    except BaseException:
        _remove_if_empty(made)
        raise


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


def folder_problem(error: OSError) -> str:
    """Why ``error`` kept a receipt out of its folder, in French ("accès refusé")."""
    return t.system_reason(error)


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
    from fpdf.enums import Align, XPos, YPos
    from fpdf.fonts import TTFFont

    class Receipt(FPDF):
        def __init__(self, total_pages: int) -> None:
            super().__init__(orientation="portrait", unit="mm", format="A4")
            self.total_pages = total_pages

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
            self.multi_cell(
                0, size * 0.3528 * 1.4, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            if space_after:
                self.ln(space_after)

        def header(self) -> None:
            page = t.PAGE.format(page=self.page_no(), pages=self.total_pages)
            self.paragraph(page, size=9, align=Align.R, rgb=_MUTED_RGB, space_after=10)

    def layout(total_pages: int) -> Receipt:
        pdf = Receipt(total_pages)
        pdf.set_margins(left=_MARGIN_MM, top=_MARGIN_MM, right=_MARGIN_MM)
        pdf.set_auto_page_break(auto=True, margin=_MARGIN_MM)
        pdf.add_font(_FONT_FAMILY, "", str(asset_path(*_FONT_REGULAR)))
        pdf.add_font(_FONT_FAMILY, "B", str(asset_path(*_FONT_BOLD)))
        subset = pdf.fonts[_FONT_FAMILY.lower()]
        assert isinstance(subset, TTFFont)
        covered = subset.cmap
        if not content.characters() <= covered.keys():
            pdf.add_font(_FALLBACK_FAMILY, "", str(asset_path(*_FALLBACK_REGULAR)))
            pdf.add_font(_FALLBACK_FAMILY, "B", str(asset_path(*_FALLBACK_BOLD)))
            pdf.set_fallback_fonts([_FALLBACK_FAMILY])
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


# -- the file ---------------------------------------------------------------------------------


def _token() -> str:
    """The random part of the file name: six letters, no digits."""
    return "".join(secrets.choice(_NAME_LETTERS) for _ in range(_TOKEN_LENGTH))


def _make_private_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents, each readable by its owner only; return those
    created, deepest last. An existing folder (the person's own "Téléchargements", say) is left
    as it is. If one cannot be made (a name too long, no right), those made are removed and
    the ``OSError`` raised."""
    missing: list[Path] = []
    current = folder
    while not current.is_dir() and current != current.parent:
        missing.append(current)
        current = current.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            try:
                path.mkdir(mode=PRIVATE_DIR)
            except FileExistsError:
                if path.is_dir():  # another session made it meanwhile
                    continue
                raise
            made.append(path)
            os.chmod(path, PRIVATE_DIR)  # mkdir's mode is filtered by the umask
    except BaseException:
        _remove_if_empty(made)
        raise
    return made


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (deepest last in the list) that are still empty."""
    for path in reversed(folders):
        with contextlib.suppress(OSError):
            path.rmdir()


def _reserve_name(folder: Path, decided_on: date) -> Path:
    """Create an empty, owner-only file under a new name and return it. ``O_EXCL`` makes the
    creation fail rather than reuse a name that exists (even as a dangling symbolic link)."""
    for _ in range(_NAME_ATTEMPTS):
        candidate = folder / t.FILE_NAME.format(date=decided_on.isoformat(), token=_token())
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate
    raise FileExistsError(f"no free file name for a receipt in {folder}")


def _link_new_name(temp: Path, folder: Path, decided_on: date) -> Path | None:
    """Give the complete file ``temp`` a new name by a hard link and return it: the name appears
    with the whole file behind it (a process killed at any moment leaves no empty or partial
    receipt), and linking fails rather than reuse a name that exists. None where the file system
    has no hard links (FAT, some network shares)."""
    for _ in range(_NAME_ATTEMPTS):
        candidate = folder / t.FILE_NAME.format(date=decided_on.isoformat(), token=_token())
        try:
            os.link(temp, candidate)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno in _NO_HARD_LINKS:
                return None
            raise
        return candidate
    raise FileExistsError(f"no free file name for a receipt in {folder}")


def _fsync_folder(folder: Path) -> None:
    """Make the new directory entry durable, where the system allows it (not on Windows)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


STALE_PART_SECONDS = 3600
"""A temporary receipt file older than this was left by a process killed while writing it."""


def _remove_stale_parts(folder: Path) -> None:
    """Delete the temporary files a killed process left behind (never a recent one: another
    process may be writing it now). Only whole receipts ever get a visible name."""
    limit = time.time() - STALE_PART_SECONDS
    for part in folder.glob(".justificatif-*.part"):
        with contextlib.suppress(OSError):
            if part.is_file() and not part.is_symlink() and part.stat().st_mtime < limit:
                part.unlink()


def _write_new_file(folder: Path, decided_on: date, data: bytes) -> Path:
    """Write ``data`` to a temporary file in ``folder``, flush it to disk, then give it its
    final name (a hard link; else a rename over a freshly reserved name). Whatever fails,
    neither the temporary file nor the new name stays behind."""
    _remove_stale_parts(folder)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".justificatif-", suffix=".part")
    temp = Path(temp_name)
    final: Path | None = None
    done = False
    try:
        with os.fdopen(fd, "wb") as stream:  # mkstemp: mode 0600
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        final = _link_new_name(temp, folder, decided_on)
        if final is None:
            # No hard links here: a kill between these two steps would leave an empty file.
            final = _reserve_name(folder, decided_on)
            os.replace(temp, final)
        else:
            temp.unlink()
        done = True
        _fsync_folder(folder)
        return final
    finally:
        if not done:
            temp.unlink(missing_ok=True)
            if final is not None:
                final.unlink(missing_ok=True)
