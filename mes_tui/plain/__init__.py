"""The line-by-line front end for screen readers and braille displays."""

from __future__ import annotations

import sys
from pathlib import Path


def run_plain(*, data_dir: Path | None, show_messages: bool) -> int:
    """Run the journeys one question at a time on standard input and output."""
    from mes_tui.plain.runner import PlainRunner

    return PlainRunner(data_dir=data_dir, show_messages=show_messages,
                       stdin=sys.stdin, stdout=sys.stdout).run()
