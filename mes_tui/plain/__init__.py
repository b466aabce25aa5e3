"""The line-by-line front end for screen readers and braille displays."""

from __future__ import annotations

import sys
from pathlib import Path


def run_plain(*, data_dir: Path | None, show_messages: bool) -> int:
    """Run the journeys one question at a time on standard input and output."""
    print(
        "mes-tui : le mode ligne à ligne n'est pas encore disponible dans cette version ; "
        "lancez mes-tui dans un terminal interactif.",
        file=sys.stderr,
    )
    return 1
