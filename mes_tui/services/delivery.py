"""Simulated delivery: e-mails, SMS and letters land in ``DATA_DIR/outbox.jsonl``, a line each.

The outbox is where trainers and tests read the codes that would have gone out. Each line may
carry ``ref``, a keyed hash of the person's NIR (never the NIR), so the service can find a
person's messages again. Appends are serialised with an advisory lock (many sessions share one
outbox); the file is readable by its owner only.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from mes_tui.models import Channel
from mes_tui.services.api import OutboxMessage
from mes_tui.services.clock import Clock
from mes_tui.services.errors import DeliveryFailed, DiskFull
from mes_tui.services.storage import DISK_FULL_ERRNOS, PRIVATE_FILE

if TYPE_CHECKING:
    from mes_tui.services.hashing import KeyedHasher

log = logging.getLogger("mes_tui")


class DeliveryError(Exception):
    """The simulated network refused the message (injected by tests with ``fail_next``)."""


@contextlib.contextmanager
def _locked(handle: IO[Any], exclusive: bool) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: appends are small, and rare
        yield
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
    try:
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class SimulatedDelivery:
    """Sends by appending to the outbox. ``latency`` (seconds) and ``fail_next`` (a count of sends
    to refuse) let tests reproduce a slow or failing network."""

    def __init__(
        self, outbox_path: Path, clock: Clock, *, latency: float = 0.0, fail_next: int = 0
    ) -> None:
        self.outbox_path = outbox_path
        self.clock = clock
        self.latency = latency
        self.fail_next = fail_next

    def send(
        self,
        channel: Channel,
        to: str,
        purpose: str,
        subject: str,
        body: str,
        code: str | None,
        *,
        ref: str | None = None,
    ) -> OutboxMessage:
        """Deliver one message; raises ``DeliveryError`` if the (simulated) network refuses it
        or the outbox cannot be written, ``DiskFull`` if its disk is full."""
        if self.latency:
            time.sleep(self.latency)
        if self.fail_next > 0:
            self.fail_next -= 1
            log.info("envoi simulé refusé (%s, %s)", channel.value, purpose)
            raise DeliveryError(f"{channel.value}: envoi refusé")
        message = OutboxMessage(
            channel=channel,
            to=to,
            purpose=purpose,
            code=code,
            subject=subject,
            body=body,
            sent_at=self.clock.now(),
        )
        record = message.as_json()
        if ref is not None:
            record["ref"] = ref
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self._append(line)
        except OSError as error:
            name = errno.errorcode.get(error.errno or 0, "?")
            log.warning("boîte d'envoi impossible à écrire (%s : %s)", name, error.strerror)
            if error.errno in DISK_FULL_ERRNOS:
                raise DiskFull(str(self.outbox_path)) from None
            raise DeliveryError(f"{channel.value}: boîte d'envoi impossible à écrire") from None
        log.info("message simulé envoyé (%s, %s)", channel.value, purpose)
        return message

    def _append(self, line: bytes) -> None:
        """Add ``line`` whole, or nothing: a disk that fills midway leaves no broken line for
        the next message to be glued to."""
        fd = os.open(self.outbox_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        with os.fdopen(fd, "ab", buffering=0) as handle, _locked(handle, exclusive=True):
            start = os.fstat(fd).st_size
            try:
                rest = memoryview(line)
                while rest:
                    rest = rest[os.write(fd, rest) :]
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise

    def read_records(self) -> list[tuple[str | None, OutboxMessage]]:
        """Every message with its ``ref`` (or None), oldest first."""
        try:
            handle = open(self.outbox_path, encoding="utf-8")
        except FileNotFoundError:
            return []
        with handle, _locked(handle, exclusive=False):
            lines = handle.readlines()
        records: list[tuple[str | None, OutboxMessage]] = []
        for line in lines:
            parsed = _parse(line)
            if parsed is not None:
                records.append(parsed)
        return records

    def read_all(self) -> list[OutboxMessage]:
        """Every message sent, oldest first."""
        return [message for _, message in self.read_records()]


def _parse(line: str) -> tuple[str | None, OutboxMessage] | None:
    try:
        data: dict[str, Any] = json.loads(line)
        message = OutboxMessage(
            channel=Channel(data["channel"]),
            to=str(data["to"]),
            purpose=str(data["purpose"]),
            code=None if data.get("code") is None else str(data["code"]),
            subject=str(data.get("subject", "")),
            body=str(data.get("body", "")),
            sent_at=datetime.fromisoformat(data["sent_at"]),
        )
    except (ValueError, KeyError, TypeError):
        return None  # a line we did not write (edited by hand): skip it
    ref = data.get("ref")
    return (str(ref) if ref is not None else None), message


def send(
    delivery: SimulatedDelivery,
    hasher: KeyedHasher,
    channel: Channel,
    to: str,
    purpose: str,
    subject: str,
    body: str,
    code: str | None,
    nir: str,
) -> OutboxMessage:
    """Post one message through the simulated delivery, with the keyed reference of the person
    it is about (never the NIR); ``DeliveryFailed`` when it is refused."""
    try:
        return delivery.send(channel, to, purpose, subject, body, code, ref=hasher.person_ref(nir))
    except DeliveryError:
        log.warning("échec de l'envoi simulé (%s, %s)", channel.value, purpose)
        raise DeliveryFailed() from None
