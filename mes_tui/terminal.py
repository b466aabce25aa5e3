"""What the terminal sends, on its way to the app: Textual's own driver, with two changes that
keep a flood of input cheap (docs/limites.md, « Saisie au clavier »).

* **A paste is one paste.** Textual's parser (8.2.8) reads an ESC inside a bracketed paste as
  the start of an escape sequence; the 32 characters after it, if they make none, come out as
  keys, typed one by one into the field (Enter submitting the form, Tab moving on), and the
  paste costs as much as typing it. ESC has no business in pasted text (the app drops control
  characters from pastes anyway): ``PasteGuard`` removes it from between the paste's brackets
  before the parser sees it, which then hands the whole paste over at once.
* **One wake-up per burst.** Textual hands each key to the event loop by a task of its own
  (``asyncio.run_coroutine_threadsafe``: a task, a future and a write to the loop's wake-up
  pipe per key). ``MesLinuxDriver.send_message`` queues them and wakes the loop once for
  all the keys read together, which it then posts in order, as Textual would have.

Only the Linux (and macOS) driver is changed; elsewhere, and headless (tests), Textual's own
runs as it is.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.message import Message

ESC = "\x1b"
PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


def _partial_at_end(data: str, marker: str, start: int) -> int:
    """How many characters at the end of ``data`` (from ``start`` on) begin ``marker``."""
    for size in range(min(len(marker) - 1, len(data) - start), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0


class PasteGuard:
    """Fed the terminal's input chunk by chunk (as read), returns it with every ESC removed
    from inside bracketed pastes, the closing bracket kept. Outside pastes the input goes
    through untouched (keys, mouse, replies of the terminal). A bracket split between two
    reads is recognised: inside a paste, a chunk that ends with the beginning of the closing
    bracket keeps that beginning back for the next chunk; outside, the beginning of an opening
    bracket is remembered until the parser gives up the sequence (``forget_partial``)."""

    def __init__(self) -> None:
        self.in_paste = False
        self._start_matched = 0
        """Characters of PASTE_START at the end of the last chunk, outside a paste."""
        self._held = ""
        """The beginning of what may be PASTE_END, at the end of the last chunk of a paste."""

    def forget_partial(self) -> None:
        """The parser waited too long for the rest of an escape sequence (the ESC key was
        pressed, not a paste begun): what arrives next does not open a paste."""
        self._start_matched = 0

    def __call__(self, data: str) -> str:
        if self._held:
            data, self._held = self._held + data, ""
        out: list[str] = []
        pos = 0
        while pos < len(data):
            if not self.in_paste:
                if self._start_matched:
                    rest = PASTE_START[self._start_matched :]
                    ahead = data[pos : pos + len(rest)]
                    self._start_matched = 0
                    if ahead == rest:
                        out.append(ahead)
                        pos += len(rest)
                        self.in_paste = True
                        continue
                    if rest.startswith(ahead) and pos + len(ahead) == len(data):
                        self._start_matched = len(PASTE_START) - len(rest) + len(ahead)
                        out.append(ahead)
                        break
                found = data.find(PASTE_START, pos)
                if found < 0:
                    self._start_matched = _partial_at_end(data, PASTE_START, pos)
                    out.append(data[pos:])
                    break
                out.append(data[pos : found + len(PASTE_START)])
                pos = found + len(PASTE_START)
                self.in_paste = True
            else:
                found = data.find(PASTE_END, pos)
                if found < 0:
                    held = _partial_at_end(data, PASTE_END, pos)
                    end = len(data) - held
                    out.append(data[pos:end].replace(ESC, ""))
                    self._held = data[end:]
                    break
                out.append(data[pos:found].replace(ESC, ""))
                out.append(PASTE_END)
                pos = found + len(PASTE_END)
                self.in_paste = False
        return "".join(out)


class PasteSafeParser(XTermParser):
    """Textual's parser, fed through a ``PasteGuard``."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._guard = PasteGuard()

    def tick(self) -> Iterable[Message]:
        if self._timeout_time is not None and get_time() >= self._timeout_time:
            # Textual's parser is about to give up the sequence it was reading (a lone ESC is
            # the Escape key): so does the guard, which keeps the two in step.
            self._guard.forget_partial()
        return super().tick()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:
            return super().feed(data)  # the end of input
        guarded = self._guard(data)
        if not guarded:
            return ()  # all kept back (the beginning of a closing bracket)
        return super().feed(guarded)


class MesLinuxDriver(LinuxDriver):
    """Textual's Linux driver with the paste-safe parser and messages handed to the event loop
    one burst at a time (module docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._pending: list[Message] = []
        self._pending_lock = threading.Lock()

    def send_message(self, message: Message) -> None:
        with self._pending_lock:
            self._pending.append(message)
            if len(self._pending) > 1:
                return  # the loop is already called to post them
        self._loop.call_soon_threadsafe(self._post_pending)

    def _post_pending(self) -> None:
        with self._pending_lock:
            messages, self._pending = self._pending, []
        for message in messages:
            self._app.post_message(message)

    def run_input_thread(self) -> None:
        """Textual 8.2.8's ``LinuxDriver.run_input_thread`` with ``PasteSafeParser`` instead of
        ``XTermParser`` (tests/unit/test_terminal.py fails if Textual's changes)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)

        fileno = self.fileno
        EVENT_READ = selectors.EVENT_READ

        parser = PasteSafeParser(self._debug)
        feed = parser.feed
        tick = parser.tick

        utf8_decoder = getincrementaldecoder("utf-8")().decode
        decode = utf8_decoder
        read = os.read

        def process_selector_events(
            selector_events: list[tuple[selectors.SelectorKey, int]],
            final: bool = False,
        ) -> None:
            for last, (_selector_key, mask) in loop_last(selector_events):
                if mask & EVENT_READ:
                    unicode_data = decode(read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        # This can occur if the stdin is piped
                        break
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process_selector_events(selector.select(0.1))
            selector.unregister(self.fileno)
            process_selector_events(selector.select(0.1), final=True)

        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def driver_class(textual_choice: type[Driver]) -> type[Driver]:
    """The driver the app runs with: ours in place of Textual's Linux driver."""
    return MesLinuxDriver if textual_choice is LinuxDriver else textual_choice
