"""Attached profiles (ayants droit) as a focusable list; statuses in words, with their dates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import ListItem, ListView, Static

from mes_tui.models import ProfileView, Status, format_date
from mes_tui.texts import home as t
from mes_tui.texts import safe
from mes_tui.widgets.controls import FOCUS_LEFT

if TYPE_CHECKING:
    from datetime import date


def status_text(status: Status, decided_on: date | None) -> str:
    """A status in words, with its date where the registry has one."""
    when = format_date(decided_on) if decided_on else None
    if status is Status.ACTIVE:
        return t.STATUS_ACTIVE_ON.format(date=when) if when else t.STATUS_ACTIVE
    if status is Status.OPPOSEE:
        return t.STATUS_OPPOSED_ON.format(date=when) if when else t.STATUS_OPPOSED
    return t.STATUS_PENDING


def profile_line(profile: ProfileView, name_width: int = 0) -> str:
    """``VC  Vincent Capanelli (enfant mineur)  En attente de décision``."""
    name = safe.printable(profile.display_name) + (t.MINOR if profile.is_minor else "")
    return t.PROFILE_ROW.format(
        initials=safe.printable(profile.initials).ljust(2),
        name=name.ljust(name_width),
        status=status_text(profile.status, profile.decided_on),
    )


class ProfileRow(ListItem):
    """One attached profile; ``>`` marks the row under the cursor while the list has focus."""

    DEFAULT_CSS = """
    ProfileRow { height: auto; }
    """

    def __init__(self, profile: ProfileView, name_width: int) -> None:
        super().__init__(classes="profile")
        self.profile = profile
        self.line = profile_line(profile, name_width)

    def compose(self) -> ComposeResult:
        yield Static(self._text(), markup=False)

    def _text(self) -> Content:
        pointed = (
            self.highlighted and isinstance(self.parent, ProfileList) and self.parent.has_focus
        )
        return Content(f"{FOCUS_LEFT if pointed else ' '} {self.line}")

    def refresh_marker(self) -> None:
        if self.is_mounted:
            self.query_one(Static).update(self._text())

    def watch_highlighted(self, value: bool) -> None:
        super().watch_highlighted(value)
        self.refresh_marker()


class ProfileList(ListView):
    """The attached profiles, one focusable row each (managing them comes later)."""

    DEFAULT_CSS = """
    ProfileList { height: auto; margin: 0 0 1 0; }
    """

    def _refresh_markers(self) -> None:
        for row in self.query(ProfileRow):
            row.refresh_marker()

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._refresh_markers()

    @classmethod
    def of(cls, profiles: Sequence[ProfileView], *, id: str | None = None) -> ProfileList:
        """A list of ``profiles`` with names aligned in one column."""
        width = max(
            (
                len(safe.printable(p.display_name) + (t.MINOR if p.is_minor else ""))
                for p in profiles
            ),
            default=0,
        )
        return cls(*(ProfileRow(p, width) for p in profiles), id=id)

    def cursor_offset(self) -> tuple[int, int]:
        """On the marker of the highlighted row."""
        row = self.highlighted_child
        if row is None:
            return (0, 0)
        return (0, row.region.y - self.content_region.y)

    @property
    def selected_profile(self) -> ProfileView | None:
        row = self.highlighted_child
        return row.profile if isinstance(row, ProfileRow) else None
