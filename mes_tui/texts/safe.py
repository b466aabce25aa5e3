"""Making text from data safe to show: no control or invisible formatting characters."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """``text`` without control characters (C0, C1, ESC, NUL) and without invisible formatting
    characters (bidirectional overrides, zero-width joiners), which could rewrite a terminal
    or reorder what the person reads. Tabs and line breaks (U+2028 and U+2029 included) become
    spaces."""
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in "\t\n\r" or category in ("Zl", "Zp"):
            out.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def has_control_characters(text: str) -> bool:
    """True if ``printable`` would change ``text`` other than its whitespace."""
    return printable(text) != text.replace("\t", " ").replace("\n", " ").replace("\r", " ")
