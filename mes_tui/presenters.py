"""Domain values as the words a person reads, shared by the full-screen and the plain front
ends (free of any interface code): statuses with their dates, profile names and the decisions a
profile allows, the checklist, the serial's hint, where a one-time code went and how long it
counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mes_tui.texts import contacts as tcontacts
from mes_tui.texts import credentials as tc
from mes_tui.texts import home as th
from mes_tui.texts import profile as tprofile
from mes_tui.texts import safe
from mes_tui.texts import vitale as tv

if TYPE_CHECKING:
    from datetime import date

    from mes_tui.models import PasswordReport, ProfileView, Status
    from mes_tui.services.api import Challenge


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


def serial_hint(card_type: str | None) -> str:
    """Where the serial is read on ``card_type`` (a ``CardType`` or its value), with an example;
    what to do first when no card type is chosen."""
    return {
        "sans_photo": tv.SERIAL_HINT_SANS_PHOTO,
        "avec_photo": tv.SERIAL_HINT_AVEC_PHOTO,
    }.get(card_type or "", tv.SERIAL_HINT_NONE)


def serial_help(card_type: str | None) -> str:
    """The help on finding the serial of ``card_type`` (with the drawing of the card)."""
    return {
        "sans_photo": tv.SERIAL_HELP_SANS_PHOTO,
        "avec_photo": tv.SERIAL_HELP_AVEC_PHOTO,
    }.get(card_type or "", tv.SERIAL_HELP_NONE)


def certified_name(profile: ProfileView) -> str:
    """``Vincent CAPANELLI``: first names as recorded, the last name in capitals (the name in
    the certification of being a minor's legal representative)."""
    return safe.printable(f"{profile.first_name} {profile.last_name.upper()}")


@dataclass(frozen=True)
class ProfileAction:
    """A decision offered for an attached profile: the status it records, and its words."""

    status: Status
    label: str
    detail: str


def profile_actions(status: Status) -> tuple[ProfileAction, ...]:
    """The decisions that change something for a profile in ``status``: close an active space,
    activate an opposed one again, activate or oppose one awaiting a decision."""
    from mes_tui.models import Status

    if status is Status.ACTIVE:
        return (ProfileAction(Status.OPPOSEE, tprofile.CLOSE, tprofile.CLOSE_DETAIL),)
    if status is Status.OPPOSEE:
        return (ProfileAction(Status.ACTIVE, tprofile.ACTIVATE, tprofile.REACTIVATE_DETAIL),)
    return (
        ProfileAction(Status.ACTIVE, tprofile.ACTIVATE, tprofile.ACTIVATE_DETAIL),
        ProfileAction(Status.OPPOSEE, tprofile.OPPOSE, tprofile.OPPOSE_DETAIL),
    )


def code_recipient(challenge: Challenge) -> str:
    """Where a one-time code went, as the person knows it: the address, or ``06 11 12 13 14``;
    safe to show."""
    from mes_tui.models import Channel, format_mobile_national

    to = challenge.to
    return safe.printable(to if challenge.channel is Channel.EMAIL else format_mobile_national(to))


def code_validity(challenge: Challenge) -> str:
    """How long the one-time code counts, in whole minutes (one at least)."""
    lifetime = challenge.expires_at - challenge.sent_at
    return tcontacts.VALIDITY.format(minutes=max(1, round(lifetime.total_seconds() / 60)))
