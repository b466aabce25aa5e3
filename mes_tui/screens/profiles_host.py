"""Steps that list the attached profiles (home, opposition done)."""

from __future__ import annotations

from textual import on

from mes_tui.screens.base import StepScreen
from mes_tui.widgets.profiles import ProfilesPanel


class ProfilesHostScreen(StepScreen):
    """A step that lists the attached profiles (home, opposition done): "Gérer le profil"
    opens the profile's page, and coming back shows the statuses as the registry now has
    them."""

    @on(ProfilesPanel.Manage)
    def manage(self, event: ProfilesPanel.Manage) -> None:
        from mes_tui.screens.profile import ProfileScreen

        self.app.push_screen(ProfileScreen(event.profile))

    def on_screen_resume(self) -> None:
        # Back from a profile's page: show the statuses as the registry now has them.
        person = self.session.person
        if person is not None:
            for panel in self.query(ProfilesPanel):
                panel.update_profiles(person.profiles)
