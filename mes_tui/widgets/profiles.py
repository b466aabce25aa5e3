"""Attached profiles (ayants droit) as a focusable list; statuses in words, with their dates.

``ProfilesPanel`` is the seed's block "Vous pouvez également gérer les profils ci-dessous.": the
list and "Gérer le profil". Enter on a row, a click on it, or the button asks the screen to
manage the profile under the cursor (``ProfilesPanel.Manage``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ListItem, ListView, Static

from mes_tui.models import ProfileView
from mes_tui.presenters import profile_name, status_text
from mes_tui.texts import home as t
from mes_tui.texts import safe
from mes_tui.widgets.controls import FOCUS_LEFT, ActionButton

if TYPE_CHECKING:
    pass


def profile_line(profile: ProfileView, name_width: int = 0) -> str:
    """``VC  Vincent Capanelli (enfant mineur)  En attente de décision``."""
    return t.PROFILE_ROW.format(
        initials=safe.printable(profile.initials).ljust(2),
        name=profile_name(profile).ljust(name_width),
        status=status_text(profile.status, profile.decided_on),
    )


def name_width(profiles: Sequence[ProfileView]) -> int:
    """The width of the name column: the longest name."""
    return max((len(profile_name(p)) for p in profiles), default=0)


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

    def set_profile(self, profile: ProfileView, name_width: int) -> None:
        """Show ``profile`` (the same person, a newer status) in this row."""
        self.profile = profile
        self.line = profile_line(profile, name_width)
        self.refresh_marker()

    def refresh_marker(self) -> None:
        if self.is_mounted:
            self.query_one(Static).update(self._text())

    def watch_highlighted(self, value: bool) -> None:
        super().watch_highlighted(value)
        self.refresh_marker()


class ProfileList(ListView):
    """The attached profiles, one focusable row each."""

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
        width = name_width(profiles)
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

    def update_profiles(self, profiles: Sequence[ProfileView]) -> None:
        """Show fresh statuses for the same profiles, keeping the cursor where it is; a
        profile the list does not have is ignored (attachments do not change in a session)."""
        fresh = {p.nir: p for p in profiles}
        width = name_width(profiles)
        for row in self.query(ProfileRow):
            row.set_profile(fresh.get(row.profile.nir, row.profile), width)


class ProfilesPanel(Vertical):
    """ "Vous pouvez également gérer les profils ci-dessous.", the list and "Gérer le profil"."""

    DEFAULT_CSS = """
    ProfilesPanel { height: auto; }
    ProfilesPanel > .profiles-intro { text-style: bold; }
    ProfilesPanel > .hint { color: $text-muted; }
    ProfilesPanel > #manage { margin: 0 0 1 0; }
    """

    class Manage(Message):
        """The person asks to manage ``profile``."""

        def __init__(self, panel: ProfilesPanel, profile: ProfileView) -> None:
            super().__init__()
            self.panel = panel
            self.profile = profile

        @property
        def control(self) -> ProfilesPanel:
            return self.panel

    def __init__(self, profiles: Sequence[ProfileView], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._profiles = list(profiles)

    def compose(self) -> ComposeResult:
        yield Static(Content(t.PROFILES_INTRO), classes="profiles-intro")
        yield Static(Content(t.PROFILES_HELP))
        yield Static(Content(t.PROFILES_HINT), classes="hint")
        yield ProfileList.of(self._profiles, id="profiles")
        yield ActionButton(t.MANAGE, id="manage")

    @property
    def profile_list(self) -> ProfileList:
        return self.query_one("#profiles", ProfileList)

    def update_profiles(self, profiles: Sequence[ProfileView]) -> None:
        self._profiles = list(profiles)
        self.profile_list.update_profiles(profiles)

    @on(ListView.Selected, "#profiles")
    def _row_chosen(self, event: ListView.Selected) -> None:
        event.stop()
        if isinstance(event.item, ProfileRow):
            self.post_message(self.Manage(self, event.item.profile))

    @on(ActionButton.Pressed, "#manage")
    def _manage_pressed(self, event: ActionButton.Pressed) -> None:
        event.stop()
        profile = self.profile_list.selected_profile
        if profile is not None:
            self.post_message(self.Manage(self, profile))
