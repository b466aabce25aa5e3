"""What a person chose once and finds again next time: theme, cursor, calm output, messages.

Kept as JSON in the user's configuration folder (``MES_TUI_CONFIG_DIR`` overrides it), apart
from the data folder, which several people may share.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

THEMES = ("mes-clair", "mes-sombre", "mes-contraste", "ansi-light", "ansi-dark")
DEFAULT_THEME = "mes-clair"


@dataclass
class Preferences:
    theme: str = DEFAULT_THEME
    """One of ``THEMES``: ours, high contrast, or the terminal's own ANSI palette."""
    show_cursor: bool = False
    """Show the terminal's hardware cursor on the focused element (braille displays)."""
    calm: bool = False
    """No blinking, no animation."""
    show_messages: bool = True
    """Show the simulated messages (they contain codes: turn off when strangers connect)."""

    @classmethod
    def from_dict(cls, data: object) -> Preferences:
        """Known keys with values of the right type; anything else is ignored."""
        prefs = cls()
        if not isinstance(data, dict):
            return prefs
        for spec in fields(cls):
            value = data.get(spec.name)
            default = getattr(prefs, spec.name)
            if isinstance(value, type(default)):
                setattr(prefs, spec.name, value)
        if prefs.theme not in THEMES:
            prefs.theme = DEFAULT_THEME
        return prefs


def config_dir() -> Path:
    configured = os.environ.get("MES_TUI_CONFIG_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("mes-tui", appauthor=False))


def load(path: Path | None = None) -> Preferences:
    path = path or config_dir() / "preferences.json"
    try:
        return Preferences.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return Preferences()


def save(prefs: Preferences, path: Path | None = None) -> bool:
    """Write atomically; False if it could not be written (a folder the account may not write,
    as on an SSH host): not worth interrupting the person for, but not to be called saved."""
    path = path or config_dir() / "preferences.json"
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".preferences-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(prefs), out, indent=2)
        os.replace(tmp, path)
    except OSError:
        return False
    return True
