"""The line-by-line front end for screen readers and braille displays (``mes-tui --plain``).

The same journey engine, texts and validators as the full-screen app, asked one question at
a time on standard input and output: numbered choices, ``?`` for help, ``<`` to go back, no
colour, no cursor movement, every line flushed. Neither Textual nor Rich is imported here.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from mes_tui.plain.console import InputSource

if TYPE_CHECKING:
    from mes_tui.backoffice import BackOffice
    from mes_tui.services.api import MesService

__all__ = ["InputSource", "run_plain"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


def run_plain(
    *,
    data_dir: Path | None,
    show_messages: bool,
    stdin: TextIO | InputSource | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    service: MesService | None = None,
    back_office: BackOffice | None = None,
    receipt_folders: tuple[Path, ...] = (),
    key_file: Path | None = None,
) -> int:
    """Run the journeys one question at a time until the person quits; the exit code.

    The back office is ``back_office`` (``mes_tui.backoffice``: the command line builds it from
    the settings), else ``service`` alone (no simulated messages), else the simulation on
    ``data_dir`` with ``key_file``. Its simulated messages are printed if ``show_messages``.
    Receipts go to ``data_dir/justificatifs`` unless the person chooses a folder, among
    ``receipt_folders`` when it is not empty.

    0 when the person quits, or when the input ends with nothing pending; 1 when it ends in
    the middle of a journey, or the service cannot start (one line on ``stderr``); 130 on
    Ctrl+C. ``stdin`` may be a callable giving one line at a time (None at the end), which
    lets tests compute an answer when it is asked for.
    """
    from mes_tui.plain.console import Console, EndOfInput
    from mes_tui.plain.runner import PlainRunner
    from mes_tui.texts import plain as t

    out = stdout if stdout is not None else _forgiving(sys.stdout)
    err = stderr if stderr is not None else _forgiving(sys.stderr)
    console = Console(stdin if stdin is not None else _forgiving(sys.stdin), out)
    runner: PlainRunner | None = None
    try:
        if back_office is None:
            back_office = _back_office(data_dir, service, key_file)
        if not _opened(back_office, err):
            return EXIT_FAILURE
        from mes_tui.receipt_writer import ReceiptWriter

        runner = PlainRunner(
            back_office.service,
            console,
            show_messages=show_messages,
            messages=back_office.messages if show_messages else None,
            receipts=ReceiptWriter.for_data_dir(data_dir, receipt_folders),
        )
        runner.run()
        return EXIT_OK
    except EndOfInput:
        pending = runner.pending if runner is not None else None
        if pending:
            console.end_line()
            err.write(f"mes-tui : {pending}\n")
            err.flush()
            return EXIT_FAILURE
        console.say(t.EOF_GOODBYE)
        return EXIT_OK
    except KeyboardInterrupt:
        console.say(t.INTERRUPTED)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Nobody reads any more: nothing can be said, and Python must not try at exit either.
        _silence_stdout()
        return EXIT_FAILURE
    except Exception as error:
        # A fault of ours: one line for the person, the type only in the log (a traceback's
        # values could carry a NIR or a code).
        logging.getLogger("mes_tui").error("plain mode stopped: %s", type(error).__name__)
        console.end_line()
        err.write(f"mes-tui : {t.FAILED}\n")
        err.flush()
        return EXIT_FAILURE


def _back_office(
    data_dir: Path | None, service: MesService | None, key_file: Path | None
) -> BackOffice:
    from mes_tui.backoffice import BackOffice, simulated_back_office

    if service is not None:
        return BackOffice(service=service)
    return simulated_back_office(data_dir, key_file=key_file)


def _opened(back_office: BackOffice, err: TextIO) -> bool:
    """Open the back office before the first question: a failure is said in one line."""
    from mes_tui.services.errors import ServiceError
    from mes_tui.texts import plain as t

    try:
        back_office.open()
    except (OSError, ServiceError) as error:
        reason = error.message if isinstance(error, ServiceError) else (error.strerror or error)
        err.write(f"mes-tui : {t.OPEN_FAILED.format(reason=reason)}\n")
        err.flush()
        return False
    return True


def _forgiving(stream: TextIO) -> TextIO:
    """``stream``, replacing what its encoding cannot read or write rather than failing: a
    terminal set to ASCII still gets every sentence (``?`` for the accents), and a byte that is
    not UTF-8 typed at the keyboard becomes a wrong answer, not a crash."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        try:
            reconfigure(errors="replace")
        except (ValueError, OSError):
            pass
    return stream


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
