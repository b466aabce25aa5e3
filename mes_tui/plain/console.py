"""Line-by-line input and output: nothing but whole lines of text, each flushed at once.

No escape sequence is ever written: no colour, no cursor movement, no clearing. Answers are read
with ``readline`` on the stream itself (never ``input()``, whose line editor may emit escape
sequences); secrets are read with the terminal's echo turned off, as ``getpass`` does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TextIO

InputSource = Callable[[], str | None]
"""Gives the next line typed, without its end; None when the input is closed."""


class EndOfInput(Exception):
    """Standard input was closed (Ctrl+D, or the end of a piped script)."""


class Console:
    """Writes lines to ``out`` and reads answers from ``source``.

    ``source`` is a text stream (standard input) or a callable returning one line at a time, so
    that tests can compute an answer when it is asked for (a code read from the outbox, say).
    When answers do not come from a terminal, which would echo them, non-secret answers are
    written back after the prompt so that the transcript reads as a dialogue.
    """

    def __init__(self, source: TextIO | InputSource, out: TextIO) -> None:
        self._out = out
        self._stream: TextIO | None = None
        self._read_line: InputSource
        if callable(source):
            self._read_line = source
            self._tty_fd: int | None = None
        else:
            self._stream = source
            self._read_line = self._read_stream
            self._tty_fd = _tty_fileno(source)
        self._mid_line = False
        """True while a prompt waits on its line for an answer."""

    @property
    def is_terminal(self) -> bool:
        """True when answers are typed at a terminal (which echoes them itself)."""
        return self._tty_fd is not None

    # -- output ---------------------------------------------------------------------------
    def say(self, text: str = "") -> None:
        """Write ``text`` (one or more lines) and flush."""
        self._end_pending_line()
        for line in text.split("\n"):
            self._out.write(line + "\n")
        self._out.flush()

    def end_line(self) -> None:
        """Finish the line of a prompt left unanswered (input closed, Ctrl+C)."""
        self._end_pending_line()
        self._out.flush()

    def _end_pending_line(self) -> None:
        # After an interruption the cursor sits after a prompt: start a fresh line.
        if self._mid_line:
            self._out.write("\n")
            self._mid_line = False

    # -- input ----------------------------------------------------------------------------
    def ask(self, prompt: str, *, secret: bool = False) -> str:
        """Write ``prompt`` and return the line typed, without its end.

        With ``secret``, a terminal does not show what is typed. Raises ``EndOfInput`` when the
        input is closed, and lets ``KeyboardInterrupt`` through (the echo is restored first).
        """
        self._end_pending_line()
        with self._echo_off() if secret else contextlib.nullcontext():
            # The prompt is written only once the echo is off: whoever sees it may type.
            self._out.write(prompt)
            self._out.flush()
            self._mid_line = True
            line = self._read_line()
        if line is None:
            raise EndOfInput
        if secret or not self.is_terminal:
            # A terminal echoes the end of line of a visible answer, but not of a secret one.
            if not secret and not self.is_terminal:
                self._out.write(line)
            self._out.write("\n")
            self._out.flush()
        self._mid_line = False
        return line

    def _read_stream(self) -> str | None:
        assert self._stream is not None
        line = self._stream.readline()
        if line == "":
            return None
        return line.rstrip("\r\n")

    @contextlib.contextmanager
    def _echo_off(self) -> Iterator[None]:
        fd = self._tty_fd
        if fd is None:
            yield
            return
        import termios

        try:
            saved = termios.tcgetattr(fd)
        except termios.error:
            yield
            return
        quiet = list(saved)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _tty_fileno(stream: TextIO) -> int | None:
    """The file descriptor of ``stream`` if it is a terminal, else None."""
    try:
        if stream.isatty():
            return stream.fileno()
    except (OSError, ValueError, AttributeError):
        return None
    return None
