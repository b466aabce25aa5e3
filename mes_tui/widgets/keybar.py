"""The key bar at the bottom of every screen: the keys that work here, on one line.

Textual's ``Footer`` draws one widget per key and recomposes them all whenever focus moves;
on a screen of forty widgets that is an eighth of the time it takes to open it. This bar is a
single line of text, rebuilt only when the list of keys really changes. A key and its action
read the same without colour ("esc Retour ^q Quitter"); a click on one runs it, as in the
footer it replaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import events
from textual.content import Content, Span
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen


class KeyBar(Static):
    """The keys the screen offers now, as ``key description`` pairs."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; width: 1fr;
        background: $footer-background; color: $footer-foreground;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def __init__(self) -> None:
        super().__init__("", markup=False)
        self._pairs: list[tuple[str, str, DOMNode, str]] = []
        self._drawn_width = 0
        # (first column, end column, node, action) of each key drawn, for clicks.
        self._targets: list[tuple[int, int, DOMNode, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.refresh_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh_keys()

    def refresh_keys(self) -> None:
        """Draw the screen's active keys again; nothing happens if they are unchanged."""
        seen_actions: set[str] = set()
        pairs: list[tuple[str, str, DOMNode, str]] = []
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            # A key that does nothing here is not offered (rather than drawn dim, which only
            # colour would tell), and one action is listed once, under its first key.
            if not binding.show or not enabled or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            key = self.app.get_key_display(binding)
            pairs.append((key, binding.description, node, binding.action))
        if [p[:2] for p in pairs] == [p[:2] for p in self._pairs]:
            return
        self._pairs = pairs
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._drawn_width:
            self._draw()

    def _draw(self) -> None:
        """The pairs that fit the width, whole; `` …`` when some did not (the key map, F1 or
        ?, lists them all). A description is never cut in the middle."""
        width = self.size.width or self.app.size.width
        self._drawn_width = self.size.width
        pieces = [f"{key} {description}" for key, description, _, _ in self._pairs]
        fits_all = sum(map(cell_len, pieces)) + max(0, len(pieces) - 1) <= width
        text = ""
        spans: list[Span] = []
        self._targets = []
        for piece, (key, _, node, action) in zip(pieces, self._pairs, strict=True):
            start = len(text) + (1 if text else 0)
            if not fits_all and cell_len(text) + (start - len(text)) + cell_len(piece) + 2 > width:
                text += " …" if text else "…"
                break
            text = f"{text} {piece}" if text else piece
            spans.append(Span(start, start + len(key), "bold"))
            self._targets.append((start, len(text), node, action))
        self.update(Content(text, spans=spans))

    async def on_click(self, event: events.Click) -> None:
        for start, end, node, action in self._targets:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return
