"""Regenerate the Latin subsets of DejaVu Sans used by the opposition receipt (PDF).

    .venv/bin/python assets/fonts/make_subset.py [--source /usr/share/fonts/truetype/dejavu]

Reads the unmodified fonts of the Debian package fonts-dejavu-core (checked against the SHA-256
recorded below), keeps the characters of Latin scripts with fontTools' subsetter (the library
behind ``pyftsubset``), renames the family "DejaVu Sans Latin" so that the subset never passes for
the original font, and writes ``DejaVuSansLatin.ttf`` and ``DejaVuSansLatin-Bold.ttf`` next to
this script. Running it twice gives the same bytes.

The equivalent command line, for one font (then the renaming done by ``rename`` below):

    pyftsubset DejaVuSans.ttf --unicodes="$UNICODES" --name-IDs='*' --name-languages='*' \
        --notdef-outline --glyph-names --no-recalc-timestamp --no-hinting \
        --drop-tables+=GSUB,GPOS,GDEF,FFTM --output-file=DejaVuSansLatin.ttf

Why: fpdf2 parses a font each time a receipt is laid out and subsets it again when the PDF is
written; on the 6 000-glyph originals that was most of the time spent writing a receipt.
Licence (LICENSE-DejaVu.txt, Bitstream Vera terms): modified fonts must not be named "Bitstream"
or "Vera"; "DejaVu Sans Latin" is neither, and the copyright, trademark and licence strings of the
name table are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
DEBIAN_DIR = Path("/usr/share/fonts/truetype/dejavu")

# (original file, SHA-256 of fonts-dejavu-core 2.37-6, subset file)
FONTS = (
    (
        "DejaVuSans.ttf",
        "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322",
        "DejaVuSansLatin.ttf",
    ),
    (
        "DejaVuSans-Bold.ttf",
        "0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96",
        "DejaVuSansLatin-Bold.ttf",
    ),
)

# Latin scripts and what names, dates and French sentences need around them.
UNICODES = ",".join(
    (
        "U+0020-007E",  # Basic Latin
        "U+00A0-00FF",  # Latin-1 Supplement (é, ç, ß, «», non-breaking space)
        "U+0100-017F",  # Latin Extended-A (Œ, Ł, Ő, ğ, ı)
        "U+0180-024F",  # Latin Extended-B (Ș, Ț, ǎ)
        "U+02B0-02FF",  # Spacing Modifier Letters (ʼ, ˆ, ˇ, ˘, ˛, ˜)
        "U+0300-036F",  # Combining Diacritical Marks (names typed decomposed)
        "U+1E00-1EFF",  # Latin Extended Additional (ẞ, Vietnamese)
        "U+2000-206F",  # General Punctuation (’, “”, –, —, …, narrow no-break space)
        "U+20A0-20CF",  # Currency Symbols (€)
        "U+2116,U+2122",  # № ™
        "U+2190-2193",  # ← ↑ → ↓
        "U+2212",  # minus sign
        "U+25CC",  # dotted circle (a lone combining mark)
        "U+FFFD",  # replacement character
    )
)

FAMILY = "DejaVu Sans"
NEW_FAMILY = "DejaVu Sans Latin"
POSTSCRIPT = "DejaVuSans"
NEW_POSTSCRIPT = "DejaVuSansLatin"
DESCRIPTION = (
    "Subset of DejaVu Sans 2.37 (Latin scripts only), made with fontTools for mes-tui "
    "and renamed, as the licence asks of modified fonts."
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def options() -> subset.Options:
    opts = subset.Options()
    opts.name_IDs = ["*"]  # keep copyright (0), trademark (7) and licence (13, 14)
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    # Glyph names kept (post table format 2): fontTools otherwise rebuilds them from the cmap
    # each time the font is opened, which costs more than reading them.
    opts.glyph_names = True
    opts.recalc_timestamp = False
    # fpdf2 places glyphs one after the other (no text shaping): the OpenType layout tables
    # (kerning, ligatures, mark positioning) and the TrueType hinting instructions would only
    # be parsed and copied for nothing on every receipt. FFTM: FontForge's build timestamps.
    opts.hinting = False
    opts.drop_tables = [*opts.drop_tables, "GSUB", "GPOS", "GDEF", "FFTM"]
    return opts


def rename(font: TTFont) -> None:
    """Give the subset its own family and PostScript names, and say what it is."""
    table = font["name"]
    for record in table.names:
        text = record.toUnicode()
        if record.nameID in (1, 3, 4, 16, 18, 21):
            text = text.replace(FAMILY, NEW_FAMILY, 1)
        elif record.nameID == 6:
            text = text.replace(POSTSCRIPT, NEW_POSTSCRIPT, 1)
        else:
            continue
        record.string = text
    table.setName(DESCRIPTION, 10, 3, 1, 0x409)
    table.setName(DESCRIPTION, 10, 1, 0, 0)
    for record in table.names:
        for forbidden in ("Bitstream", "Vera"):
            if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21):
                assert forbidden not in record.toUnicode(), record


def make(source: Path, target: Path) -> None:
    font = TTFont(source, recalcTimestamp=False, recalcBBoxes=True)
    subsetter = subset.Subsetter(options())
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    rename(font)
    font.save(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEBIAN_DIR,
        help=f"folder with the original fonts (default: {DEBIAN_DIR})",
    )
    parser.add_argument(
        "--output", type=Path, default=HERE, help="where to write the subsets (default: here)"
    )
    args = parser.parse_args()
    for original, digest, subset_name in FONTS:
        source = args.source / original
        if not source.is_file():
            print(f"{source}: missing (apt-get install fonts-dejavu-core)", file=sys.stderr)
            return 1
        if sha256(source) != digest:
            print(f"{source}: not the expected version (SHA-256 differs)", file=sys.stderr)
            return 1
        target = args.output / subset_name
        make(source, target)
        size = target.stat().st_size
        print(f"{target.name}: {size} bytes, SHA-256 {sha256(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
