"""fpdf2's TrueType fonts, parsed and subset once per process rather than once per document.

For every document, fpdf2 parses each font it is given (``FPDF.add_font``: the cmap, the widths
of every glyph) and, when writing the PDF, cuts the font down to the glyphs used with fontTools
and compiles the result again: three quarters of a receipt's time, for two fonts, every time. Here:

- each font is parsed once (``FPDF.add_font`` on a document of its own) and every document gets
  a copy of the parsed font with its own per-document parts (``add_font``);
- the subset fontTools makes for a set of glyphs is kept (``SUBSETS_KEPT`` of them) and handed
  to the next document that asks for the same glyphs: fpdf2 writes the same bytes, without
  subsetting or compiling anything. ``pick`` lets a document ask for a fixed set of glyphs
  (its usual characters) beyond those it prints, so that documents whose texts differ a little
  ask for the same set.

fpdf2 cuts fonts down with ``fontTools.subset.Subsetter``, looked up in ``fpdf.output``'s
namespace: a subclass stands in for it there (``_install``). For any font that did not come
from ``add_font`` it does what fontTools does. fpdf2 2.8 (``fpdf.output.OutputProducer._add_fonts``
and the attributes of ``fpdf.fonts.TTFFont``); ``tests/unit/test_pdf_fonts.py`` checks the
documents are byte for byte what fpdf2 makes without this module.

Thread-safe: the parsed fonts and the subsets are shared under a lock; what a document changes
(its subset map, its font objects) is its own.
"""

from __future__ import annotations

import copy
import threading
import types
from collections import OrderedDict
from io import BytesIO
from pathlib import Path
from typing import Any

import fpdf.output
from fontTools import subset as ftsubset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

__all__ = ["SUBSETS_KEPT", "add_font", "clear", "pick"]

SUBSETS_KEPT = 32
"""Subsets kept, the most recently used: each a few kilobytes."""

_lock = threading.Lock()
_parsed: dict[tuple[Path, str], TTFFont] = {}
_files: dict[Path, bytes] = {}
_Key = tuple[Path, frozenset[str], frozenset[int], frozenset[int]]
_subsets: OrderedDict[_Key, tuple[bytes, list[str]]] = OrderedDict()
"""A subset's file, and the names of its glyphs in order (the file does not keep them)."""
_installed = False
_SUPPORTED = hasattr(fpdf.output, "ftsubset") and {
    "i",
    "fontkey",
    "ttfont",
    "desc",
    "missing_glyphs",
    "biggest_size_pt",
    "_hbfont",
    "subset",
} <= set(TTFFont.__slots__)
"""What ``add_font`` replaces in a document's font is what fpdf2 has (2.8)."""


def add_font(pdf: FPDF, family: str, style: str, path: Path) -> TTFFont:
    """``pdf.add_font(family, style, str(path))``, the font parsed only the first time in the
    process; returns the document's font."""
    fontkey = f"{family.lower()}{style}"
    if not _SUPPORTED:  # another fpdf2 than the one this was written for: as fpdf2 does
        pdf.add_font(family, style, str(path))
        return pdf.fonts[fontkey]  # type: ignore[return-value]
    _install()
    parsed = _parsed_font(family, style, path)
    font = copy.copy(parsed)
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttfont = _ReusableFont(path, _file(path))
    font.desc = copy.copy(parsed.desc)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[fontkey] = font
    return font


def pick(font: TTFFont, characters: str) -> None:
    """Put the glyphs of ``characters`` (those the font has) in the document's subset of
    ``font``, in this order, whether the document prints them or not."""
    for ch in characters:
        if ord(ch) in font.cmap:
            font.subset.pick(ord(ch))


def clear() -> None:
    """Forget the parsed fonts and subsets (tests)."""
    with _lock:
        _parsed.clear()
        _files.clear()
        _subsets.clear()


def _parsed_font(family: str, style: str, path: Path) -> TTFFont:
    key = (path, style)
    with _lock:
        parsed = _parsed.get(key)
        if parsed is None:
            scratch = FPDF()
            scratch.add_font(family, style, str(path))
            made = scratch.fonts[f"{family.lower()}{style}"]
            assert isinstance(made, TTFFont)
            del made.ttfont  # each document opens its own
            parsed = _parsed[key] = made
        return parsed


def _file(path: Path) -> bytes:
    with _lock:
        data = _files.get(path)
        if data is None:
            data = _files[path] = path.read_bytes()
        return data


def _install() -> None:
    """Let ``fpdf.output`` subset fonts with ``_Subsetter``."""
    global _installed
    with _lock:
        if _installed:
            return
        fpdf.output.ftsubset = types.SimpleNamespace(  # type: ignore[attr-defined]
            Options=ftsubset.Options, Subsetter=_Subsetter
        )
        _installed = True


class _Subsetter(ftsubset.Subsetter):  # type: ignore[misc]
    """fontTools' subsetter, which hands a ``_ReusableFont`` a subset made before for the same
    glyphs rather than making it again."""

    def subset(self, font: Any) -> None:
        if not isinstance(font, _ReusableFont):
            super().subset(font)
            return
        key = (
            font.source,
            frozenset(self.glyph_names_requested),
            frozenset(self.glyph_ids_requested),
            frozenset(self.unicodes_requested),
        )
        with _lock:
            made = _subsets.get(key)
            if made is not None:
                _subsets.move_to_end(key)
        if made is None:
            super().subset(font)
            stream = BytesIO()
            font.save(stream)
            made = (stream.getvalue(), font.getGlyphOrder())
            with _lock:
                _subsets[key] = made
                while len(_subsets) > SUBSETS_KEPT:
                    _subsets.popitem(last=False)
        font.become(*made)


class _ReusableFont(TTFont):  # type: ignore[misc]
    """A document's font file, opened from bytes read once."""

    def __init__(self, source: Path, data: bytes) -> None:
        super().__init__(BytesIO(data), recalcTimestamp=False, lazy=True)
        self.source = source
        self.saved: bytes | None = None
        """What saving the font writes, once it is a subset made before (``become``)."""

    def save(self, file: Any, reorderTables: bool | None = True) -> None:
        if self.saved is None:
            super().save(file, reorderTables)
        else:
            file.write(self.saved)

    def become(self, data: bytes, glyph_order: list[str]) -> None:
        """Be the font file ``data`` (a subset of this one, saved by fontTools), whose glyphs
        are named ``glyph_order``, from now on; saving it writes ``data`` again."""
        source = self.source
        self.close()
        TTFont.__init__(self, BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        self.setGlyphOrder(list(glyph_order))
        self.source = source
        self.saved = data
