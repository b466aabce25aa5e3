"""Buttons, links, boxes and choices whose every state reads in plain text, without colour.

Stock Textual draws a checked and an unchecked box with the same characters and tells focus
by colour alone. Here the characters change: ``[x]``/``[ ]``, ``(•)``/``( )``, and the focused
control carries ``>`` markers, so a monochrome terminal, a screen capture or a braille display
shows the same thing as colour does.
"""

from __future__ import annotations

import textwrap

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Button, Checkbox


def follow_cursor(widget: Widget) -> None:
    """Ask the app to move the terminal cursor after ``widget`` moved its pointer."""
    sync = getattr(widget.app, "sync_cursor", None)
    if widget.has_focus and callable(sync):
        widget.call_after_refresh(sync)


FOCUS_LEFT = ">"
FOCUS_RIGHT = "<"


class WidthAware(Widget):
    """A widget whose lines depend on its width (wrapped text, cards side by side or stacked).

    It renders for ``laid_out_width``, the content width of its last layout, kept at each
    resize: asking for its size while rendering would make Textual lay the whole screen out
    again from inside its layout. 0 before the first layout."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.laid_out_width = 0

    def on_resize(self) -> None:
        width = self.content_size.width
        if width != self.laid_out_width:
            self.laid_out_width = width
            self.refresh(layout=True)


class ActionButton(Button):
    """A one-line button: ``[ Continuer ]``; focused ``[>Continuer<]``; disabled
    ``[ (Continuer) ]``."""

    DEFAULT_CSS = """
    ActionButton {
        min-width: 0;
        height: 1;
        border: none;
        margin: 0 1 0 0;
        padding: 0;
    }
    ActionButton:focus { text-style: bold reverse; }
    """

    def __init__(
        self,
        label: str,
        *,
        id: str | None = None,
        variant: str = "default",
        classes: str | None = None,
        action: str | None = None,
    ) -> None:
        self._text = label
        super().__init__(
            self._decorate(label, focused=False, disabled=False),
            id=id,
            classes=classes,
            compact=True,
            action=action,
            variant=variant,  # type: ignore[arg-type]
        )

    def _decorate(self, text: str, *, focused: bool, disabled: bool) -> Content:
        if disabled:
            return Content(f"[ ({text}) ]")
        if focused:
            return Content(f"[{FOCUS_LEFT}{text}{FOCUS_RIGHT}]")
        return Content(f"[ {text} ]")

    @property
    def text(self) -> str:
        """The label without decoration."""
        return self._text

    def set_text(self, text: str) -> None:
        self._text = text
        self._redecorate()

    def cursor_offset(self) -> tuple[int, int]:
        """The terminal cursor sits on the focus marker."""
        return (1, 0)

    def _redecorate(self) -> None:
        self.label = self._decorate(self._text, focused=self.has_focus, disabled=self.disabled)

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._redecorate()

    def watch_disabled(self, disabled: bool) -> None:
        super().watch_disabled(disabled)
        self._redecorate()


class LinkButton(ActionButton):
    """A link as in the seed: ``  Générer un nouveau code provisoire``, focused with ``> ``."""

    def cursor_offset(self) -> tuple[int, int]:
        return (0, 0)

    DEFAULT_CSS = """
    LinkButton {
        background: transparent;
        text-style: underline;
        color: $text-primary;
        margin: 0;
    }
    LinkButton:focus { text-style: bold underline reverse; }
    """

    def _decorate(self, text: str, *, focused: bool, disabled: bool) -> Content:
        if disabled:
            return Content(f"  ({text})")
        return Content(f"{FOCUS_LEFT} {text}" if focused else f"  {text}")


class Tick(Checkbox):
    """A checkbox that shows ``[x]`` when checked and ``[ ]`` when not; a long label wraps."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    DEFAULT_CSS = """
    Tick {
        width: 1fr; height: auto; border: none; padding: 0;
        text-wrap: wrap; text-overflow: fold;
    }
    Tick:focus { border: none; text-style: bold; }
    """

    def cursor_offset(self) -> tuple[int, int]:
        """On the box's mark."""
        return (2, 0)

    def on_key(self, event: events.Key) -> None:
        # Here rather than by binding: a Space typed just before a Tab still ticks this box.
        if event.key in ("space", "enter"):
            event.stop()
            event.prevent_default()
            self.toggle()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        text = f"{self._button.plain} {self._label.plain}"
        return len(textwrap.wrap(text, max(1, width))) or 1

    @property
    def _button(self) -> Content:
        mark = "x" if self.value else " "
        pointer = FOCUS_LEFT if self.has_focus else " "
        return Content(f"{pointer}{self.BUTTON_LEFT}{mark}{self.BUTTON_RIGHT}")

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self.refresh(layout=True)
