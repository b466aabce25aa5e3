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


def json_text(data: object) -> str:
    """``data`` as indented JSON, readable (accents and emoji kept) yet safe to print on a
    terminal: every character ``printable`` would drop or turn into a space is written as a
    ``\\uXXXX`` escape, which JSON readers turn back into the same text."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "".join(
        ch
        if ch == "\n" or unicodedata.category(ch) not in _ESCAPED
        else json.dumps(ch)[1:-1]  # \uXXXX, a surrogate pair beyond the BMP
        for ch in text
    )


_ESCAPED = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
