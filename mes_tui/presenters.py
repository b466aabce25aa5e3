"""Domain values as the words a person reads, shared by the full-screen and the plain front
ends (free of any interface code): statuses with their dates, profile names, the checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mes_tui.texts import credentials as tc
from mes_tui.texts import home as th
from mes_tui.texts import safe

if TYPE_CHECKING:
    from datetime import date

    from mes_tui.models import PasswordReport, ProfileView, Status


BUSY_SHOWN_AFTER = 0.15
"""Seconds a service call runs before "Traitement en cours…" is shown (screens and plain
mode): a quicker answer does not flash it."""


def status_text(status: Status, decided_on: date | None) -> str:
    """A status in words, with its date where the registry has one."""
    from mes_tui.models import Status, format_date

    when = format_date(decided_on) if decided_on else None
    if status is Status.ACTIVE:
        return th.STATUS_ACTIVE_ON.format(date=when) if when else th.STATUS_ACTIVE
    if status is Status.OPPOSEE:
        return th.STATUS_OPPOSED_ON.format(date=when) if when else th.STATUS_OPPOSED
    return th.STATUS_PENDING


def profile_name(profile: ProfileView) -> str:
    """``Vincent Capanelli (enfant mineur)``, safe to show."""
    return safe.printable(profile.display_name) + (th.MINOR if profile.is_minor else "")


def checklist_lines(report: PasswordReport) -> list[str]:
    """The seed's checklist: ``[x] 1 chiffre (respecté)`` per rule, in its order, then the
    count of rules left."""
    lines = [
        (tc.RULE_MET if met else tc.RULE_UNMET).format(rule=rule.label)
        for rule, met in report.met.items()
    ]
    left = len(report.unmet)
    lines.append(
        tc.CHECKLIST_ALL_MET
        if left == 0
        else tc.CHECKLIST_LEFT.format(count=left, total=len(report.met))
    )
    return lines
