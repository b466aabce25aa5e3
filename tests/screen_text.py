"""The screen as a terminal would show it without colour or attributes: plain text lines."""

from __future__ import annotations

from textual.app import App


def screen_lines(app: App[object]) -> list[str]:
    """Every row of the current screen as plain text (what `tmux capture-pane -p` shows)."""
    strips = app.screen._compositor.render_strips()
    return [strip.text.rstrip() for strip in strips]


def screen_text(app: App[object]) -> str:
    return "\n".join(screen_lines(app))
