"""Effective settings: defaults, a profile (e.g. the CPAM desk), a TOML file, the person's
remembered preferences, the environment and the command line, in that order of precedence.

``mes-tui config`` prints each value with where it came from. A bad value is refused with a
message that names the key and the file (or variable).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mes_tui.preferences import THEMES, Preferences
from mes_tui.texts import config as t
from mes_tui.texts import safe

CONFIG_ENV = "MES_TUI_CONFIG"


class ConfigError(Exception):
    """A setting with a value we cannot use; ``str()`` is the French message."""


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"1", "true", "oui", "yes", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"0", "false", "non", "no", "off"}:
        return False
    raise ValueError(t.EXPECT_BOOLEAN)


def _seconds(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(t.EXPECT_SECONDS)
    try:
        number = int(value) if isinstance(value, int | str) else int("x")
    except ValueError:
        raise ValueError(t.EXPECT_SECONDS) from None
    if number < 0 or number > 86_400:
        raise ValueError(t.EXPECT_SECONDS)
    return number


def _theme(value: object) -> str:
    if not isinstance(value, str) or value not in THEMES:
        raise ValueError(t.EXPECT_THEME.format(themes=", ".join(THEMES)))
    return value


def _profile(value: object) -> str:
    if not isinstance(value, str) or value not in PROFILES:
        raise ValueError(t.EXPECT_PROFILE.format(profiles=", ".join(PROFILES)))
    return value


def _path(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(t.EXPECT_PATH)
    return str(Path(value).expanduser())


def _key_file(value: object) -> str:
    """An absolute file path, or empty for the default (keyring, else the data folder)."""
    if isinstance(value, str) and not value.strip():
        return ""
    if not isinstance(value, str):
        raise ValueError(t.EXPECT_KEY_FILE)
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ValueError(t.EXPECT_KEY_FILE)
    return str(path)


def _paths(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(os.pathsep) if v.strip()]
    if not isinstance(value, list):
        raise ValueError(t.EXPECT_PATHS)
    return tuple(_path(v) for v in value)


@dataclass(frozen=True)
class Key:
    name: str
    parse: Callable[[object], Any]
    default: Any
    env: str
    help: str


KEYS: tuple[Key, ...] = (
    Key("profile", _profile, "standard", "MES_TUI_PROFILE", t.HELP_PROFILE),
    Key("data_dir", _path, "", "MES_TUI_DATA_DIR", t.HELP_DATA_DIR),
    Key("idle_timeout", _seconds, 300, "MES_TUI_IDLE_TIMEOUT", t.HELP_IDLE_TIMEOUT),
    Key("idle_countdown", _seconds, 30, "MES_TUI_IDLE_COUNTDOWN", t.HELP_IDLE_COUNTDOWN),
    Key("show_messages", _boolean, True, "MES_TUI_SHOW_MESSAGES", t.HELP_SHOW_MESSAGES),
    Key("theme", _theme, "mes-clair", "MES_TUI_THEME", t.HELP_THEME),
    Key("show_cursor", _boolean, False, "MES_TUI_SHOW_CURSOR", t.HELP_SHOW_CURSOR),
    Key("calm", _boolean, False, "MES_TUI_CALM", t.HELP_CALM),
    Key("receipt_folders", _paths, (), "MES_TUI_RECEIPT_FOLDERS", t.HELP_RECEIPT_FOLDERS),
    Key("key_file", _key_file, "", "MES_TUI_KEY_FILE", t.HELP_KEY_FILE),
)
KEYS_BY_NAME = {key.name: key for key in KEYS}

PROFILES: dict[str, dict[str, Any]] = {
    "standard": {},
    # A CPAM counter: one person after another, the screen faces the public.
    "guichet": {"idle_timeout": 120, "show_messages": False},
}

PREFERENCE_KEYS = ("theme", "show_cursor", "calm", "show_messages")


@dataclass
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    config_file: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def preferences(self) -> Preferences:
        return Preferences(**{name: self.values[name] for name in PREFERENCE_KEYS})

    def receipt_folders(self) -> tuple[Path, ...]:
        return tuple(Path(p) for p in self.values["receipt_folders"])

    def key_file(self) -> Path | None:
        """Where the key that hashes codes lives, when the administrator chose (SSH hosts)."""
        value = self.values["key_file"]
        return Path(value) if value else None


def default_config_file() -> Path:
    from mes_tui.preferences import config_dir

    return config_dir() / "config.toml"


def _read_file(path: Path, required: bool) -> dict[str, Any]:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        if required:
            raise ConfigError(t.FILE_MISSING.format(path=path)) from None
        return {}
    except OSError as error:
        raise ConfigError(t.FILE_UNREADABLE.format(path=path, error=error.strerror)) from None
    import tomllib  # only now: most starts have no file to read, and the parser is slow to import

    try:
        with handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(t.FILE_UNREADABLE.format(path=path, error=error.strerror)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(t.FILE_INVALID.format(path=path, error=error)) from None
    unknown = sorted(set(data) - set(KEYS_BY_NAME))
    if unknown:
        raise ConfigError(
            t.UNKNOWN_KEY.format(key=unknown[0], path=path, keys=", ".join(KEYS_BY_NAME))
        )
    return data


def _apply(settings: Settings, name: str, raw: object, source: str, where: str) -> None:
    key = KEYS_BY_NAME[name]
    try:
        settings.values[name] = key.parse(raw)
    except ValueError as error:
        raise ConfigError(t.BAD_VALUE.format(key=name, where=where, reason=error)) from None
    settings.sources[name] = source


def load_settings(
    *,
    config_file: Path | None = None,
    preferences: Preferences | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Settings:
    """The effective settings. ``config_file`` (or ``$MES_TUI_CONFIG``) must exist if given;
    the default file is read only if present. ``overrides`` come from the command line."""
    env = os.environ if environ is None else environ
    settings = Settings()
    for key in KEYS:
        settings.values[key.name] = key.default
        settings.sources[key.name] = t.SOURCE_DEFAULT

    explicit = config_file or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    path = explicit or default_config_file()
    data = _read_file(path, required=explicit is not None)
    settings.config_file = path if data or explicit else None
    file_source = t.SOURCE_FILE.format(path=path)

    # The profile first, so that explicit values in the file win over it.
    profile_raw = overrides.get("profile") if overrides else None
    profile_raw = profile_raw or env.get("MES_TUI_PROFILE") or data.get("profile")
    if profile_raw is not None:
        _apply(settings, "profile", profile_raw, t.SOURCE_PROFILE_CHOICE, file_source)
        for name, value in PROFILES[settings.values["profile"]].items():
            settings.values[name] = value
            settings.sources[name] = t.SOURCE_PROFILE.format(profile=settings.values["profile"])

    for name, raw in data.items():
        _apply(settings, name, raw, file_source, file_source)
    if preferences is not None:
        for name in PREFERENCE_KEYS:
            value = getattr(preferences, name)
            if value != getattr(Preferences(), name):
                settings.values[name] = value
                settings.sources[name] = t.SOURCE_PREFERENCES
    for key in KEYS:
        if env.get(key.env, "").strip():
            where = t.SOURCE_ENV.format(var=key.env)
            _apply(settings, key.name, env[key.env], where, where)
    for name, value in (overrides or {}).items():
        if value is not None:
            _apply(settings, name, value, t.SOURCE_CLI, t.SOURCE_CLI)
    return settings


def describe(settings: Settings) -> list[str]:
    """One line a setting: ``key = value  (source)``."""
    width = max(len(k.name) for k in KEYS)
    lines = []
    for key in KEYS:
        value = settings.values[key.name]
        if isinstance(value, bool):
            shown = "oui" if value else "non"
        elif isinstance(value, tuple):
            shown = ", ".join(value) or "—"
        else:
            shown = str(value) or "—"
        # Values and sources (a file's path) come from files and the environment: shown
        # without the control characters a terminal would obey.
        source = safe.printable(settings.sources[key.name])
        lines.append(f"{key.name.ljust(width)} = {safe.printable(shown)}  ({source})")
    return lines
