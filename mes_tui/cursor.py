"""The terminal's own cursor follows the focus: braille displays and screen readers follow the
cursor, not reverse video."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.geometry import Offset
from textual.widgets import Input

from mes_tui.shutdown import ShutdownGuard, unless_closing


class CursorSync:
    """Keeps the hardware cursor of one app on its focused element, shown if asked."""

    def __init__(self, app: App[Any], guard: ShutdownGuard) -> None:
        self._app = app
        self.guard = guard

    def apply_visibility(self, show: bool) -> None:
        """Show a steady hardware cursor if ``show`` (Textual hides it at start), else hide
        it."""
        app = self._app
        driver = app._driver
        if app.is_headless or driver is None:
            return
        if show:
            driver.write("\x1b[?25h\x1b[2 q")
        else:
            driver.write("\x1b[?25l")

    def follow_focus(self) -> None:
        """The focus moved: the cursor follows once the screen is drawn again."""
        self._app.call_after_refresh(self.sync)

    @unless_closing
    def sync(self) -> None:
        """Put the terminal cursor on the focused element. Inputs place it themselves."""
        app = self._app
        focused = app.screen.focused
        if focused is None or isinstance(focused, Input):
            return
        region = focused.content_region
        offset = getattr(focused, "cursor_offset", None)
        dx, dy = offset() if callable(offset) else (0, 0)
        app.cursor_position = Offset(region.x + dx, region.y + dy)
        app.screen.refresh()
