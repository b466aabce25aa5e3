"""Settings: precedence, profiles, sources, and clear refusals naming the key and the file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mes_tui.config import ConfigError, describe, load_settings
from mes_tui.preferences import Preferences


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    settings = load_settings(config_file=None, environ={"MES_TUI_CONFIG_DIR": str(tmp_path)})
    assert settings["idle_timeout"] == 300
    assert settings["show_messages"] is True
    assert settings.sources["idle_timeout"] == "défaut"


def test_desk_profile_then_file_then_env_then_command_line(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'profile = "guichet"\ncalm = true\nidle_countdown = 20\n')
    settings = load_settings(
        config_file=config,
        environ={"MES_TUI_IDLE_COUNTDOWN": "15"},
        overrides={"theme": "mes-contraste"},
    )
    assert settings["profile"] == "guichet"
    assert settings["idle_timeout"] == 120  # from the profile
    assert settings.sources["idle_timeout"] == "profil guichet"
    assert settings["show_messages"] is False
    assert settings["calm"] is True
    assert settings.sources["calm"] == f"fichier {config}"
    assert settings["idle_countdown"] == 15
    assert settings.sources["idle_countdown"] == "variable MES_TUI_IDLE_COUNTDOWN"
    assert settings["theme"] == "mes-contraste"
    assert settings.sources["theme"] == "ligne de commande"


def test_file_value_beats_profile(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'profile = "guichet"\nshow_messages = true\n')
    assert load_settings(config_file=config, environ={})["show_messages"] is True


def test_remembered_preferences_beat_the_file_but_not_the_environment(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'theme = "mes-sombre"\n')
    prefs = Preferences(theme="ansi-dark")
    assert load_settings(config_file=config, preferences=prefs, environ={})["theme"] == "ansi-dark"
    env = {"MES_TUI_THEME": "mes-clair"}
    assert load_settings(config_file=config, preferences=prefs, environ=env)["theme"] == "mes-clair"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('idle_timeout = "abc"\n', "idle_timeout"),
        ("idle_timeout = -5\n", "idle_timeout"),
        ('theme = "rose"\n', "theme"),
        ('show_messages = "peut-être"\n', "show_messages"),
        ('profile = "bureau"\n', "profile"),
        ('key_file = "cle/secret.key"\n', "key_file"),  # relative: would follow the folder
        ("key_file = 3\n", "key_file"),
    ],
)
def test_bad_value_names_key_and_file(tmp_path: Path, text: str, key: str) -> None:
    config = write(tmp_path / "c.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(config_file=config, environ={})
    assert f"« {key} »" in str(caught.value)
    assert str(config) in str(caught.value)


def test_key_file_from_the_file_or_the_environment(tmp_path: Path) -> None:
    settings = load_settings(environ={"MES_TUI_CONFIG_DIR": str(tmp_path)})
    assert settings.key_file() is None  # the keyring, else the data folder
    config = write(tmp_path / "c.toml", 'key_file = "/srv/mes-tui/cle/secret.key"\n')
    settings = load_settings(config_file=config, environ={})
    assert settings.key_file() == Path("/srv/mes-tui/cle/secret.key")
    shown = next(line for line in describe(settings) if line.startswith("key_file"))
    assert "/srv/mes-tui/cle/secret.key" in shown and str(config) in shown
    settings = load_settings(config_file=config, environ={"MES_TUI_KEY_FILE": "/k/secret.key"})
    assert settings.key_file() == Path("/k/secret.key")


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="MES_TUI_IDLE_TIMEOUT"):
        load_settings(
            environ={"MES_TUI_IDLE_TIMEOUT": "bientôt", "MES_TUI_CONFIG_DIR": "/nonexistent"}
        )


def test_unknown_key_and_broken_file_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="réglage inconnu « couleur »"):
        load_settings(config_file=write(tmp_path / "a.toml", 'couleur = "bleu"\n'), environ={})
    with pytest.raises(ConfigError, match="mal formé"):
        load_settings(config_file=write(tmp_path / "b.toml", "idle_timeout = \n"), environ={})
    with pytest.raises(ConfigError, match="introuvable"):
        load_settings(config_file=tmp_path / "absent.toml", environ={})


def test_describe_lists_every_key_with_its_source(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", "idle_timeout = 90\n")
    lines = describe(load_settings(config_file=config, environ={}))
    timeout = next(line for line in lines if line.startswith("idle_timeout"))
    assert "= 90" in timeout and str(config) in timeout


def test_describe_shows_no_terminal_escape_from_a_file_or_the_environment(tmp_path: Path) -> None:
    folder = tmp_path / "re\x1b]0;pris\x07çus\x1b[2J"
    config = write(tmp_path / "c.toml", f"receipt_folders = [{json.dumps(str(folder))}]\n")
    settings = load_settings(config_file=config, environ={})
    lines = describe(settings)
    shown = next(line for line in lines if line.startswith("receipt_folders"))
    assert "\x1b" not in "\n".join(lines) and "\x07" not in shown
    assert "re]0;prisçus[2J" in shown  # the rest of the name, literally
    assert settings.receipt_folders() == (folder,)  # the value itself is kept as given


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mes_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_config_command_prints_effective_values(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    config = write(tmp_path / "c.toml", 'profile = "guichet"\n')
    env = dict(os.environ, MES_TUI_CONFIG=str(config))
    done = run_cli("--data-dir", str(tmp_path / "d"), "config", "--json", env=env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["profile"] == {"value": "guichet", "source": f"fichier {config}"}
    assert data["data_dir"]["value"] == str(tmp_path / "d")
    assert data["show_messages"]["value"] is False


def test_config_command_refuses_a_bad_file_with_one_line(tmp_path: Path) -> None:
    import os

    config = write(tmp_path / "c.toml", "idle_timeout = true\n")
    done = run_cli("--config", str(config), "config", env=dict(os.environ))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "idle_timeout" in done.stderr and str(config) in done.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "{d}", "outbox", "--json"],
        ["outbox", "--data-dir", "{d}", "--json"],
        ["registry", "list", "--data-dir", "{d}", "--json"],
        ["config", "--data-dir", "{d}", "--json"],
    ],
    ids=["before", "after-outbox", "after-registry-list", "after-config"],
)
def test_every_command_takes_the_data_folder_before_or_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    from mes_tui.cli import run

    folder = tmp_path / "ailleurs"
    assert run([part.format(d=folder) for part in argv]) == 0
    printed = json.loads(capsys.readouterr().out)
    if argv[0] == "config":
        assert printed["data_dir"]["value"] == str(folder)
    else:
        assert printed  # the demo registry, or its invitations in the outbox
        assert (folder / "registry.sqlite3").exists()


def test_a_data_folder_given_before_a_command_is_kept_when_not_repeated_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mes_tui.cli import run

    folder = tmp_path / "avant"
    assert run(["--data-dir", str(folder), "config", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["data_dir"]["value"] == str(folder)
