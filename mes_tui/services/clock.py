"""Time, injectable: tests move a fake clock instead of sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2021, 9, 28, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self._now = when


def local_date(clock: Clock) -> date:
    """Today's date in metropolitan France, the date printed on decisions and receipts."""
    return clock.now().astimezone(PARIS).date()


def next_local_midnight(clock: Clock) -> datetime:
    """The start of tomorrow in metropolitan France (in UTC): when the daily bounds start again.
    A day may be 23 or 25 hours long when the clocks change."""
    tomorrow = local_date(clock) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PARIS).astimezone(UTC)
