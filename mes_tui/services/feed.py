"""The simulated messages of one session, as they are sent (``MessageFeed``).

Each service ``open_service`` makes is a session with a feed of its own: what it sends (a new
provisional code, a one-time code for a contact change) is handed to that feed's listeners once
the call that sent it has done its work, and never to another session's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from mes_tui.services.api import MessageListener, OutboxMessage

log = logging.getLogger("mes_tui")


class SessionFeed:
    """``MessageFeed`` for one simulated session; ``publish`` is the simulation's side."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[object, MessageListener]] = []

    def subscribe(self, listener: MessageListener) -> Callable[[], None]:
        token = object()  # the same listener may subscribe twice: each is its own
        with self._lock:
            self._listeners.append((token, listener))

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = [entry for entry in self._listeners if entry[0] is not token]

        return unsubscribe

    def publish(self, message: OutboxMessage) -> None:
        """Hand ``message`` to every listener, in this thread. A listener that fails is logged
        (its type only: a traceback's values could carry the code) and the others still hear."""
        with self._lock:
            listeners = [listener for _, listener in self._listeners]
        for listener in listeners:
            try:
                listener(message)
            except Exception as error:
                log.error("message simulé non transmis : %s", type(error).__name__)
