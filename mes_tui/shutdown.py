"""The shutdown guard: once the app is on its way out, nothing it scheduled earlier runs.

Timers (the idle check, the idle work after a screen change), screens built ahead, the cursor
sync and the answers of the back office all come back later, on the event loop; by then the
person may have quit and Textual may be closing the screens. Each of them goes through this one
guard: a method of the app's parts marked ``@unless_closing``, a callback wrapped in
``ShutdownGuard.guarded``, or a worker's answer delivered by ``ShutdownGuard.from_worker``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar, overload

from textual.app import App

P = ParamSpec("P")


class ShutdownGuard:
    """Whether the app is closing, and the gate its scheduled callbacks go through."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self.leaving = False
        """Set when the app is asked to exit, before Textual starts taking it down."""

    @property
    def closing(self) -> bool:
        """True once the app is on its way out: asked to exit, shutting down, or left without
        a screen. Nothing scheduled earlier may touch the screens then."""
        app = self._app
        return self.leaving or not app.is_running or not app.screen_stack

    @overload
    def guarded(
        self, callback: Callable[P, Coroutine[Any, Any, None]]
    ) -> Callable[P, Coroutine[Any, Any, None]]: ...

    @overload
    def guarded(self, callback: Callable[P, None]) -> Callable[P, None]: ...

    def guarded(self, callback: Callable[P, Any]) -> Callable[P, Any]:
        """``callback``, doing nothing when it is called (or, for a coroutine function, when it
        starts) while the app is closing."""
        return _gate(callback, lambda *_: self.closing)

    def from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """From a worker thread: ``callback(*args)`` on the event loop, unless the app is
        closing by then (the person quit while the back office answered)."""
        if self.closing:
            return

        async def unless_closing() -> bool:
            if self.closing:
                return False
            result = callback(*args)
            if inspect.isawaitable(result):
                await result
            return True

        with contextlib.suppress(RuntimeError):  # the event loop is already gone
            # (mypy infers the result type of an async callback as Never here)
            self._app.call_from_thread(unless_closing)  # type: ignore[arg-type]


class Guarded(Protocol):
    """A part of the app whose scheduled methods are marked ``@unless_closing``."""

    @property
    def guard(self) -> ShutdownGuard: ...


PartT = TypeVar("PartT", bound=Guarded)


@overload
def unless_closing(
    method: Callable[Concatenate[PartT, P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[PartT, P], Coroutine[Any, Any, None]]: ...


@overload
def unless_closing(
    method: Callable[Concatenate[PartT, P], None],
) -> Callable[Concatenate[PartT, P], None]: ...


def unless_closing(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a method that the event loop calls back later (a timer, after a refresh, a
    signal): it does nothing once its part's app is closing (``ShutdownGuard.closing``)."""
    return _gate(method, lambda part, *_: part.guard.closing)


def _gate(callback: Callable[..., Any], closing: Callable[..., bool]) -> Callable[..., Any]:
    # ``functools.wraps``: Textual counts the parameters of a callback through its signature,
    # which then is the callback's own.
    if inspect.iscoroutinefunction(callback):

        @functools.wraps(callback)
        async def unless_closing_async(*args: Any, **kwargs: Any) -> None:
            if not closing(*args):
                await callback(*args, **kwargs)

        return unless_closing_async

    @functools.wraps(callback)
    def unless_closing_sync(*args: Any, **kwargs: Any) -> None:
        if not closing(*args):
            callback(*args, **kwargs)

    return unless_closing_sync
