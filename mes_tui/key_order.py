"""Keys land in the order they were typed, where they were meant to go.

Textual routes each key to the widget focused when the key is read. Keys read in one burst
(typed fast, pasted, or held back by a slow link) could then overtake one another across a
focus change, or Tab skip a field that the previous key made appear. The app hands every event
to ``KeyOrder.deliver``, which holds a key back until the previous one has been handled, drops
a character its field refuses before anything else works on it, and takes the control
characters out of a paste."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode

from mes_tui.texts import safe
from mes_tui.widgets.inputs import FormatInput


def _counted(callback: Callable[[], None]) -> Callable[[], None]:
    """``callback`` as Textual calls it back with its parameters already counted: else it
    asks ``inspect.signature`` each time (20 µs, five times per key in ``_handled``)."""
    counted = functools.partial(callback)
    counted._param_count = 0  # type: ignore[attr-defined] # read by textual._callback
    return counted


class KeyOrder:
    """The order of keys for one app (``deliver``), and Tab and Shift+Tab."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._typed_ahead: FormatInput | None = None
        """The field the last characters went to, not waited for yet."""
        self._key_landed: asyncio.Future[None] | None = None
        """Until the last key other than a character for a field has been handled."""

    async def deliver(
        self, event: events.Event, handle: Callable[[events.Event], Awaitable[None]]
    ) -> None:
        """Hand ``event`` to ``handle`` (the app's own ``on_event``) in its turn."""
        app = self._app
        typed = isinstance(event, events.Key | events.Paste) and not event.is_forwarded
        field: FormatInput | None = None
        if typed:
            field = self._typed_into(event)
            in_place = field is not None and not field.typing_moves_focus
            await self._let_previous_key_land(unless_into=field if in_place else None)
            if field is not None and field.refuses_key(getattr(event, "character", "")):
                # Refused by the field's format (not allowed, or the field is full): the field
                # has rung the bell and said why, and the key needs no more work. A paste
                # without brackets (or a key held down) into a full field is thousands of such
                # keys: each is dropped here, before Textual's bindings, the field's own
                # handling and the wait for it, which cost several times more. No priority
                # binding is on a printable key (tested), so none is skipped.
                return
        if isinstance(event, events.Paste) and not isinstance(app.focused, FormatInput):
            # A field draws what is pasted into it back to the terminal: without its control
            # characters (ESC, OSC, bidi overrides), which the terminal would obey, not show.
            # (A FormatInput keeps only what its format allows, and reads no further.)
            event.text = "\n".join(safe.printable(line) for line in event.text.splitlines())
        await handle(event)
        if typed:
            target = app.focused or app.screen
            if field is not None and target is field and not field.typing_moves_focus:
                # A character into a field, which moves nothing: the next character for the
                # same field may follow it into the field's queue at once; any other key
                # waits for them all (``_let_previous_key_land``).
                self._typed_ahead = field
            else:
                self._key_landed = asyncio.ensure_future(self._handled(target))

    def _typed_into(self, event: events.Event) -> FormatInput | None:
        """The focused field, if ``event`` is a character typed into it."""
        focused = self._app.focused
        if (
            isinstance(event, events.Key)
            and isinstance(focused, FormatInput)
            and event.character is not None
            and event.is_printable
        ):
            return focused
        return None

    async def _let_previous_key_land(self, unless_into: FormatInput | None = None) -> None:
        """Textual routes each key to the widget focused when the key is read, through that
        widget's own queue. Keys read in one burst (typed fast, pasted, or held back by a slow
        link) could overtake one another across a focus change. So a key waits (bounded)
        until the previous one has been handled, with what it made the screen do (``_handled``);
        Tab and Shift+Tab are app bindings, which move the focus before the next key is
        routed.

        Characters typed into a field that typing leaves in place (``unless_into``: all but
        the date boxes) do not wait for one another: they go into the field's queue in order,
        and the field works through them together, drawn once at the end, as in any Textual
        app, instead of once per character. The next key of another kind waits for them all."""
        ahead, self._typed_ahead = self._typed_ahead, None
        if ahead is not None:
            if ahead is unless_into:
                self._typed_ahead = ahead
                return
            self._key_landed = asyncio.ensure_future(self._handled(ahead))
        landed = self._key_landed
        if landed is not None and not landed.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(landed), timeout=0.5)

    @staticmethod
    async def _handled(target: DOMNode) -> None:
        """Until ``target`` has handled the key just sent to it, and the messages that key made
        it post have gone up to the screen and been handled on their way: a "1" that chooses
        J'active shows the terms box (the screen does, on the choice's message) before the
        Tab that follows looks for the next field."""
        path = [target]
        for node in target.ancestors_with_self:
            if isinstance(node, App):
                break
            path.append(node)
        for node in path:  # the target twice: the key, then what it posted
            handled = asyncio.Event()
            if node.post_message(events.Callback(callback=_counted(handled.set))):
                await handled.wait()

    # -- Tab and Shift+Tab: app bindings, so that the focus moves before the next key is routed
    async def next_field(self) -> None:
        await self._until_laid_out()
        self._app.screen.focus_next()

    async def previous_field(self) -> None:
        await self._until_laid_out()
        self._app.screen.focus_previous()

    async def _until_laid_out(self) -> None:
        """Tab goes to the next field on screen: Textual orders fields by where they are
        drawn. A field the last key made appear (the terms box, after "1") has no place yet
        until the screen is laid out again, a frame later, and Tab would skip it: wait for
        that layout (bounded)."""
        app = self._app
        screen = app.screen
        if all(widget.size for widget in screen.focus_chain):
            return
        laid_out = asyncio.Event()
        screen.screen_layout_refresh_signal.subscribe(app, lambda _: laid_out.set(), True)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(laid_out.wait(), timeout=0.2)
        finally:
            screen.screen_layout_refresh_signal.unsubscribe(app)
