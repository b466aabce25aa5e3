"""The colour themes. Colour is never the only carrier of information (see widgets/controls),
so each theme is a matter of comfort: ours, a high-contrast one, and the terminal's own palette."""

from __future__ import annotations

from textual.theme import Theme

MES_CLAIR = Theme(
    name="mes-clair",
    primary="#0C419A",  # Assurance Maladie blue
    secondary="#1B75BB",
    accent="#B34000",
    warning="#8C5A00",
    error="#B3261E",
    success="#1E6B34",
    foreground="#161616",
    background="#F6F6F6",
    surface="#FFFFFF",
    panel="#E3E3FD",
    dark=False,
    variables={
        "footer-key-foreground": "#0C419A",
        "border-blurred": "#929292",
        "text-muted": "#3A3A3A",
    },
)

MES_SOMBRE = Theme(
    name="mes-sombre",
    primary="#8AB4F8",
    secondary="#5E9ED6",
    accent="#FFB870",
    warning="#FFD479",
    error="#FF8A80",
    success="#7FD99A",
    foreground="#EDEDED",
    background="#161616",
    surface="#242424",
    panel="#2E2E3A",
    dark=True,
)

MES_CONTRASTE = Theme(
    name="mes-contraste",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF5555",
    success="#55FF55",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        "border": "#FFFFFF",
        "border-blurred": "#FFFFFF",
        "text-muted": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "input-cursor-background": "#FFFF00",
        "input-cursor-foreground": "#000000",
    },
)

OUR_THEMES = (MES_CLAIR, MES_SOMBRE, MES_CONTRASTE)
