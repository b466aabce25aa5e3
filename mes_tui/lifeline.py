"""The end of the process, bounded in time, whatever the event loop is doing.

A person leaves with Ctrl+Q; a connection drops (SIGHUP, or the terminal simply gone); an
administrator stops the service (SIGTERM). The app is asked to close the normal way, which
lets a receipt being renamed into place and a short transaction finish. But the normal way
needs the event loop, and the event loop may be stuck: Textual writes to the terminal through a
queue of 30 writes drained by a thread, and when the terminal is gone that thread dies on the
first failed write; the next 30 writes fill the queue and the one after blocks the event loop
for good. Signals are then handled (Python runs their handlers in the main thread between two
waits) but what they ask of the event loop never happens.

So two things do not depend on the event loop:

* a watch thread that asks the kernel, every ``POLL_INTERVAL`` seconds, whether the terminal
  has hung up (``poll`` reports ``POLLHUP`` on a pseudo-terminal whose other side was closed,
  without reading anything from it);
* a deadline: once an end is asked for (a quit, a signal, the terminal lost), the process has
  ``grace`` seconds to end on its own, then ends with ``os._exit``. Nothing is half-written
  by that: every registry write is one SQLite transaction (rolled back if cut), and a receipt
  gets its final name only once complete.

Exit codes: 0 after a quit, 128 + the signal's number after a signal (129 for SIGHUP, which is
also what a lost terminal gives, 143 for SIGTERM).
"""

from __future__ import annotations

import os
import select
import signal
import threading
from collections.abc import Callable, Iterable

POLL_INTERVAL = 0.25
"""Seconds between two looks at the terminal."""

LOST_GRACE = 1.0
"""Seconds a process whose terminal is gone has to end on its own: there is no one left to
show anything to, and its output can block it for good."""

QUIT_GRACE = 5.0
"""Seconds after a quit or a signal, with the terminal still there: enough for a back-office
call under way to end (the registry waits at most a few seconds for a lock)."""

HANGUP = 128 + signal.SIGHUP


class Lifeline:
    """Watches ``fds`` (the terminal) and ends the process on a hangup or a signal.

    ``ask_to_end(code)`` is called, from the main thread, to ask the program to end the normal
    way; the process ends by itself ``grace`` seconds later if it has not. ``end(code)`` is
    what a quit calls to arm the same deadline."""

    def __init__(
        self,
        ask_to_end: Callable[[int], object],
        *,
        fds: Iterable[int] = (0, 1),
        signals: Iterable[signal.Signals] = (signal.SIGHUP, signal.SIGTERM),
    ) -> None:
        self._ask_to_end = ask_to_end
        self._fds = tuple(fds)
        self._signals = tuple(signals)
        self._stopped = threading.Event()
        self._ending = threading.Lock()
        self._deadline: threading.Timer | None = None
        self._deadline_grace = 0.0
        self.terminal_lost = threading.Event()
        """Set once the terminal hung up: nothing more can be shown."""

    # -- starting and stopping ---------------------------------------------------------------
    def start(self) -> Lifeline:
        for sig in self._signals:
            signal.signal(sig, self._on_signal)
        poller = self._poller()
        if poller is not None:
            threading.Thread(
                target=self._watch, args=(poller,), name="mes-tui-lifeline", daemon=True
            ).start()
        return self

    def stop(self) -> None:
        """Stop watching (the program is ending on its own); the deadline, if armed, stays."""
        self._stopped.set()

    # -- ending -----------------------------------------------------------------------------
    def end(self, code: int, *, grace: float = QUIT_GRACE) -> None:
        """Arm the deadline: the process ends with ``code`` in ``grace`` seconds at the latest.
        The first deadline armed is kept unless a later one is sooner."""
        with self._ending:
            if self._deadline is not None and self._deadline_grace <= grace:
                return
            if self._deadline is not None:
                self._deadline.cancel()
            self._deadline_grace = grace
            self._deadline = threading.Timer(grace, os._exit, args=(code,))
            self._deadline.name = "mes-tui-deadline"
            self._deadline.daemon = True
            self._deadline.start()

    def _on_signal(self, signum: int, frame: object) -> None:
        code = 128 + signum
        lost = signum == signal.SIGHUP and self._hung_up()
        if lost:
            self.terminal_lost.set()
        self.end(code, grace=LOST_GRACE if lost else QUIT_GRACE)
        self._ask_to_end(code)

    # -- watching the terminal -----------------------------------------------------------------
    def _poller(self) -> select.poll | None:
        ttys = [fd for fd in self._fds if _is_tty(fd)]
        if not ttys or not hasattr(select, "poll"):
            return None
        poller = select.poll()
        for fd in ttys:
            poller.register(fd, 0)  # no event asked for: hangups and errors are always told
        return poller

    def _hung_up(self) -> bool:
        poller = self._poller()
        if poller is None:
            return False
        return any(events & _GONE for _, events in poller.poll(0))

    def _watch(self, poller: select.poll) -> None:
        while not self._stopped.is_set():
            if any(events & _GONE for _, events in poller.poll(POLL_INTERVAL * 1000)):
                self.terminal_lost.set()
                self.end(HANGUP, grace=LOST_GRACE)
                # Through the signal handler, on the main thread, as the kernel's own SIGHUP
                # does (it may have been sent already: asking twice is harmless).
                os.kill(os.getpid(), signal.SIGHUP)
                return


_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL if hasattr(select, "poll") else 0


def _is_tty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False
