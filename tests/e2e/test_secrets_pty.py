"""What protects the codes, tried in a real terminal: the key of a registry, and the fields
that hold a secret (nothing leaves them by copy or cut)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CTRL_Q, ENTER, TAB, mes_tui_json, program_environment

pytestmark = pytest.mark.e2e

MARTINE_NIR = "116304403801618"
MARTINE_SERIAL = "01024576124"
SHIFT_HOME = "\x1b[1;2H"
CTRL_C, CTRL_X = "\x03", "\x18"
OSC_52 = "\x1b]52;"  # the terminal's clipboard: a copy sends the text through it


def martine_code(data_dir: Path, env: dict[str, str]) -> str:
    people = mes_tui_json(data_dir, env, "registry", "list")
    code: str = next(p for p in people if p["nir"] == MARTINE_NIR)["provisional_code"]
    return code


def start(pty_screen: Any, data_dir: Path, env: dict[str, str], *extra: str) -> Any:
    command = [sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir), *extra]
    term = pty_screen(command, env)
    term.wait_for("[>Commencer<]")
    term.send(ENTER)
    term.wait_for("> Code provisoire composé de 12 caractères")
    return term


def test_nothing_leaves_the_code_field_by_copy_or_cut(pty_screen: Any, tmp_path: Path) -> None:
    data_dir = tmp_path / "donnees"
    env = program_environment(tmp_path / "config")
    env["MES_TUI_SHOW_MESSAGES"] = "0"
    code = martine_code(data_dir, env)
    term = start(pty_screen, data_dir, env)
    term.send(code, SHIFT_HOME, CTRL_C, CTRL_X)
    term.settle()
    written = "".join(term.raw)
    assert OSC_52 not in written
    # The same keys in the NIR field, which holds no secret, do reach the clipboard: what the
    # first half looks for would be seen.
    term.send(TAB, TAB, MARTINE_NIR, SHIFT_HOME, CTRL_C)
    term.settle()
    assert OSC_52 in "".join(term.raw)
    assert quit_app(term) == 0


def quit_app(term: Any) -> int | None:
    """Ctrl+Q, then "Quitter" on the confirmation (what was typed would be lost)."""
    term.send(CTRL_Q)
    term.wait_for("Quitter Mon espace santé ?")
    term.send(TAB)
    term.wait_for("[>Quitter<]")
    term.send(ENTER)
    return term.wait_exit()  # type: ignore[no-any-return]


def identify_martine(term: Any, code: str) -> None:
    term.send(code, TAB, TAB, MARTINE_NIR, TAB, TAB, "1", TAB)
    term.wait_for("> Numéro de série de carte Vitale")
    term.send(MARTINE_SERIAL, ENTER)


def test_a_lost_key_says_what_to_do_on_screen_and_on_the_command_line(
    pty_screen: Any, tmp_path: Path
) -> None:
    data_dir = tmp_path / "donnees"
    env = program_environment(tmp_path / "config")
    env["MES_TUI_SHOW_MESSAGES"] = "0"
    code = martine_code(data_dir, env)
    (data_dir / "secret.key").unlink()

    term = start(pty_screen, data_dir, env)
    identify_martine(term, code)
    term.wait_for("la clé qui protège les codes")
    assert "reset-key" in " ".join(term.lines()).replace("\n", " ")
    assert not (data_dir / "secret.key").exists()  # nothing made up
    assert quit_app(term) == 0

    listed = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir), "registry", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert listed.returncode == 1 and "Traceback" not in listed.stderr
    assert len(listed.stderr.strip().splitlines()) == 1
    assert "reset-key" in listed.stderr
    assert "mes-tui registry reset-key" in (data_dir / "mes-tui.log").read_text()


def test_a_key_file_others_may_read_is_refused_on_screen(pty_screen: Any, tmp_path: Path) -> None:
    data_dir, key_file = tmp_path / "donnees", tmp_path / "cle" / "secret.key"
    env = program_environment(tmp_path / "config")
    env.update(MES_TUI_SHOW_MESSAGES="0", MES_TUI_KEY_FILE=str(key_file))
    code = martine_code(data_dir, env)
    assert key_file.exists() and not (data_dir / "secret.key").exists()
    key_file.chmod(0o644)

    term = start(pty_screen, data_dir, env)
    identify_martine(term, code)
    term.wait_for("lisible ou modifiable par d'autres")
    assert quit_app(term) == 0
    key_file.chmod(0o600)
    term = start(pty_screen, data_dir, env)
    identify_martine(term, code)
    term.wait_for("Bonjour Martine !")
    assert quit_app(term) == 0
