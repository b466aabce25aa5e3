"""Turning domain values and shared texts into plain lines: statuses in words, the password
checklist, simulated messages, and help texts without their drawings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mes_tui.presenters import profile_name, status_text
from mes_tui.texts import plain as t
from mes_tui.texts import safe, ui

if TYPE_CHECKING:
    from mes_tui.models import ProfileView
    from mes_tui.services.api import OutboxMessage

# Box drawing and block elements: the card drawings of the full-screen help.
_DRAWING = range(0x2500, 0x25A0)
# Pictograms that open the links of the full-screen screens ("✎ Modifier…", "↓ Télécharger…").
_LINK_MARKS = "✎↓←→ "


def profile_line(profile: ProfileView) -> str:
    """``Vincent Capanelli (enfant mineur) : En attente de décision``."""
    return t.PROFILE_LINE.format(
        name=profile_name(profile), status=status_text(profile.status, profile.decided_on)
    )


def message_line(message: OutboxMessage) -> str:
    """``Message reçu (simulation) — SMS à 06 11 12 13 14 : Mon espace santé : votre code…``,
    on one line, control characters removed."""
    from mes_tui.models import Channel, format_mobile_national

    channel = ui.CHANNEL_LABELS.get(message.channel.value, message.channel.value)
    to = format_mobile_national(message.to) if message.channel is Channel.SMS else message.to
    notice = ui.MESSAGE_NOTICE.format(channel=channel, to=safe.printable(to))
    body = " ".join(safe.printable(message.body).split())
    return t.MESSAGE_LINE.format(notice=notice, body=body)


def without_drawings(text: str) -> str:
    """``text`` without the lines that draw a card (box-drawing characters), which a screen
    reader would spell out; the sentences stay."""
    kept = [line for line in text.split("\n") if not any(ord(ch) in _DRAWING for ch in line)]
    return "\n".join(kept).strip("\n")


def link_label(text: str) -> str:
    """A link of the full-screen app as a menu entry: ``✎ Modifier…`` → ``Modifier…``."""
    return text.lstrip(_LINK_MARKS)
