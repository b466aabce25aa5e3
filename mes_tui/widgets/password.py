"""The password checklist of the seed, updated as the person types.

Each rule reads ``[x] 8 caractères minimum (respecté)`` or ``[ ] 1 chiffre (manquant)``: the
mark and the word change together, so the state reads the same without colour, on a braille
display or in a screen capture. A last line counts the rules left.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from mes_tui.models.credentials import PasswordReport, check_password
from mes_tui.presenters import checklist_lines
from mes_tui.texts import credentials as t


class PasswordChecklist(Static):
    """The rules a password must meet, each marked met or missing; call ``update_for`` on every
    change of the password field. The password itself is never kept."""

    DEFAULT_CSS = """
    PasswordChecklist { height: auto; margin: 0 0 0 2; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        self._report = check_password("")
        super().__init__(self._render_report(), id=id)

    @property
    def report(self) -> PasswordReport:
        """Which rules the last password met."""
        return self._report

    def update_for(self, password: str) -> None:
        report = check_password(password)
        if report == self._report:
            return
        self._report = report
        self.update(self._render_report())

    def _render_report(self) -> Content:
        rows = checklist_lines(self._report)
        parts: list[Content] = [Content(t.CHECKLIST_TITLE)]
        for (_, met), row in zip(self._report.met.items(), rows, strict=False):
            parts.append(Content.styled(row, "$text-success" if met else ""))
        parts.append(Content(rows[-1]))
        return Content("\n").join(parts)
