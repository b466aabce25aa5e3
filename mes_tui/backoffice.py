"""The back office, built once from the settings, for the front ends and the command line.

    back_office = open_back_office(settings, data_dir=data_dir)
    back_office.service    # MesService: what the journeys call, for this session (tickets)
    back_office.admin      # RegistryAdmin: registry list/import/reset, outbox (None: none here)
    back_office.messages   # MessageFeed: the simulated messages of this session (None: none)

Nothing is opened here: each part is a cheap handle that opens the back office on its first use
(once, whichever thread comes first), so that the first screen is painted without waiting for
the registry, and without importing it (sqlite3, pydantic, argon2...: this module imports none
of them). ``open()`` opens it at once, to report a failure before anything is asked;
``service.prepare()`` also readies what the first calls need (the key that hashes codes).

Today the settings choose one implementation, the simulation on the data folder
(``mes_tui.services``); a remote back office would be one more branch here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mes_tui.config import Settings
    from mes_tui.services import SimulatedAdmin, TicketedService
    from mes_tui.services.api import (
        MessageFeed,
        MessageListener,
        MesService,
        OutboxMessage,
        RegistryAdmin,
    )

__all__ = ["BackOffice", "open_back_office", "reset_code_key", "simulated_back_office"]


@dataclass(frozen=True)
class BackOffice:
    """What the factory built: the person-facing service, the administration, the message feed
    (None where the implementation has none)."""

    service: MesService
    admin: RegistryAdmin | None = None
    messages: MessageFeed | None = None
    opener: Callable[[], object] | None = field(default=None, repr=False, compare=False)

    def open(self) -> None:
        """Open now what would open on first use; raises what opening raises (``OSError``,
        ``ServiceError``), and may be called again after a failure."""
        if self.opener is not None:
            self.opener()


def open_back_office(
    settings: Settings,
    *,
    data_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> BackOffice:
    """The back office the settings choose: the simulation on ``data_dir`` (default: the
    settings' ``data_dir``, else ``MES_TUI_DATA_DIR`` or the platform's user data directory),
    with the key file they name. ``environ`` (default: this process's environment) tells the
    SSH client this session serves."""
    if data_dir is None and settings["data_dir"]:
        data_dir = Path(settings["data_dir"])
    return simulated_back_office(data_dir, key_file=settings.key_file(), environ=environ)


def simulated_back_office(
    data_dir: Path | None = None,
    *,
    key_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> BackOffice:
    """The simulated back office on ``data_dir``, one session, opened on first use: its rules
    behind the session's tickets (``TicketedService``)."""

    def open_simulation() -> tuple[TicketedService, SimulatedAdmin]:
        from mes_tui.services import SimulatedAdmin, TicketedService, open_service

        service = open_service(data_dir, key_file=key_file, environ=environ)
        return TicketedService(service), SimulatedAdmin.beside(service)

    opening = _Opening(open_simulation)
    return BackOffice(
        service=cast("MesService", _Deferred(lambda: opening.service)),
        admin=cast("RegistryAdmin", _Deferred(lambda: opening.admin)),
        messages=opening.relay,
        opener=opening,
    )


def reset_code_key(data_dir: Path, key_file: Path | None = None) -> str:
    """A new key for the codes of the simulated registry in ``data_dir`` (made and brought up
    to date first if need be): what to do when the old one is lost and cannot be restored.
    Returns where the key now is, printable. Only the simulation has a key of its own."""
    from mes_tui.services import open_service
    from mes_tui.services.secrets import SecretStore
    from mes_tui.texts import safe

    store = SecretStore(data_dir, may_create=False, key_file=key_file)
    open_service(data_dir, secret_store=store)  # a registry there, up to date
    store.reset()
    return safe.printable(str(store.key_file))


# -- opened on first use -----------------------------------------------------------------------
class _Relay:
    """``MessageFeed`` before and after the back office opens: listeners subscribe here, and the
    session's own feed, once open, hands its messages here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[object, MessageListener]] = []

    def subscribe(self, listener: MessageListener) -> Callable[[], None]:
        token = object()
        with self._lock:
            self._listeners.append((token, listener))

        def unsubscribe() -> None:
            with self._lock:
                self._listeners = [entry for entry in self._listeners if entry[0] is not token]

        return unsubscribe

    def publish(self, message: OutboxMessage) -> None:
        """Hand ``message`` to every listener; one that fails is logged (its type only) and
        the others still hear."""
        with self._lock:
            listeners = [listener for _, listener in self._listeners]
        for listener in listeners:
            try:
                listener(message)
            except Exception as error:
                import logging

                logging.getLogger("mes_tui").error(
                    "message simulé non transmis : %s", type(error).__name__
                )


class _Opening:
    """Opens the simulation once, whichever thread asks first; a failure is raised to that
    caller and the next one tries again."""

    def __init__(self, open_simulation: Callable[[], tuple[TicketedService, SimulatedAdmin]]):
        self._open = open_simulation
        self._lock = threading.Lock()
        self._opened: tuple[TicketedService, SimulatedAdmin] | None = None
        self.relay = _Relay()

    def __call__(self) -> tuple[TicketedService, SimulatedAdmin]:
        opened = self._opened
        if opened is not None:
            return opened
        with self._lock:
            if self._opened is None:
                service, admin = self._open()
                service.feed.subscribe(self.relay.publish)
                self._opened = (service, admin)
            return self._opened

    @property
    def service(self) -> TicketedService:
        return self()[0]

    @property
    def admin(self) -> SimulatedAdmin:
        return self()[1]


class _Deferred:
    """An interface of the back office that opens it on the first call: every attribute is
    looked up on what ``target`` returns once open, so it offers whatever that offers."""

    def __init__(self, target: Callable[[], object]) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)
