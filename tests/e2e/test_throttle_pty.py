"""The SSH wrapper and the real program in a pseudo-terminal: the client address sshd gives
(``SSH_CONNECTION``) survives the environment the wrapper rebuilds, and a person trying NIR
after NIR is made to wait, per connection and per address (docs/limites.md)."""

from __future__ import annotations

import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from mes_tui.texts import service as ts
from tests.e2e.conftest import CTRL_Q, ENTER, ROOT, TAB, program_environment
from tests.throttling import strangers

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WRAPPER = ROOT / "deploy" / "mes-tui-ssh"
EXAMPLE_CONFIG = ROOT / "deploy" / "mes-tui.toml"
ADDRESS = "203.0.113.7"
FOCUSED_SUMMARY = "╔"  # the refusal at the top has the focus: the answer is in
WRONG_CODE = "AAAAAAAAAAAA"
SERIAL = "123456789"


def wrapper_environment(tmp_path: Path, app: Path, ssh_connection: str | None) -> dict[str, str]:
    """What sshd gives the wrapper: the caller's environment, the settings of docs/ssh.md
    (SetEnv) pointed at ``tmp_path``, and the client's address."""
    env = program_environment(tmp_path / "config")
    etc = tmp_path / "etc"
    etc.mkdir(exist_ok=True)
    data_dir = tmp_path / "data"
    config = etc / "mes-tui.toml"
    config.write_text(
        EXAMPLE_CONFIG.read_text(encoding="utf-8").replace("/srv/mes-tui/data", str(data_dir)),
        encoding="utf-8",
    )
    env.update(
        MES_TUI_SSH_APP=str(app),
        MES_TUI_SSH_DATA_DIR=str(data_dir),
        MES_TUI_SSH_CONFIG=str(config),
        MES_TUI_SSH_PREFS_DIR=str(etc),
    )
    env.pop("SSH_CLIENT", None)
    env.pop("SSH_CONNECTION", None)
    if ssh_connection is not None:
        env["SSH_CONNECTION"] = ssh_connection
    return env


def installed_app() -> Path:
    app = Path(sys.executable).parent / "mes-tui"
    assert app.exists(), "mes-tui is not installed in this environment"
    return app


# -- what the wrapper passes on ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "passed"),
    [
        ("203.0.113.7 52144 192.0.2.1 22", "203.0.113.7 52144 192.0.2.1 22"),
        ("fe80::1%eth0 52144 fe80::2%eth0 22", "fe80::1%eth0 52144 fe80::2%eth0 22"),
        ("203.0.113.7 52144 192.0.2.1 22\x1b[2J", None),
        ("$(id) 1 2 3", None),
        (None, None),
    ],
    ids=["ipv4", "ipv6-zone", "escape", "command", "absent"],
)
def test_the_wrapper_keeps_the_client_address(
    pty_screen: Any, tmp_path: Path, given: str | None, passed: str | None
) -> None:
    # In place of the app: a script that writes the environment it was given.
    dump = tmp_path / "dump-env"
    dump.write_text('#!/bin/sh\n/usr/bin/env > "$2/env.txt"\n', encoding="utf-8")
    dump.chmod(dump.stat().st_mode | stat.S_IXUSR)
    env = wrapper_environment(tmp_path, dump, given)
    (tmp_path / "data").mkdir()
    term = pty_screen(["/bin/sh", str(WRAPPER)], env)
    assert term.wait_exit() == 0
    lines = (tmp_path / "data" / "env.txt").read_text(encoding="utf-8").splitlines()
    received = dict(line.split("=", 1) for line in lines if "=" in line)
    assert received.get("SSH_CONNECTION") == passed
    assert "SSH_CLIENT" not in received
    assert received["TERM"] == "xterm-256color"


# -- a person trying NIR after NIR ---------------------------------------------------------------
def start(pty_screen: Any, env: dict[str, str]) -> Any:
    term = pty_screen(["/bin/sh", str(WRAPPER)], env)
    term.wait_for("[>Commencer<]")
    term.send(ENTER)
    term.wait_for("> Code provisoire composé de 12 caractères")
    return term


def first_attempt(term: Any, nir: str) -> None:
    term.send(WRONG_CODE, TAB, TAB)
    term.wait_for("> Numéro de sécurité sociale")
    term.send(nir, TAB, TAB, "1", TAB)
    term.wait_for("> Numéro de série de carte Vitale")
    term.send(SERIAL, ENTER)
    term.wait_for(FOCUSED_SUMMARY)


def again(term: Any, nir: str | None = None) -> None:
    """Once more from the refusal, with another NIR if given: Tab to the code, Enter."""
    term.send(TAB)
    term.wait_for("> Code provisoire composé de 12 caractères")
    if nir is not None:
        term.send(TAB, TAB)
        term.wait_for("> Numéro de sécurité sociale")
        term.send("\x15", nir)  # Ctrl+U empties the field first
    term.send(ENTER)
    term.wait_for(FOCUSED_SUMMARY)


def leave(term: Any) -> None:
    term.send(CTRL_Q)
    term.settle()
    if "Quitter Mon espace santé ?" in term.text():
        term.send(TAB, ENTER)
    assert term.wait_exit() == 0


def refusal(wait: str | None = None) -> str:
    failed = ts.IDENTIFICATION_FAILED_WAIT.format(wait=wait) if wait else ts.IDENTIFICATION_FAILED
    return "Erreur : " + failed


def test_nir_after_nir_over_ssh_is_made_to_wait_per_connection_and_per_address(
    pty_screen: Any, tmp_path: Path
) -> None:
    a, b, c, d = strangers(4)
    app = installed_app()
    connection = f"{ADDRESS} 52144 192.0.2.1 22"

    # One connection: four failures with one NIR, two with another; the sixth makes the next
    # attempt wait 30 seconds, and the next one, made at once, is not even checked.
    term = start(pty_screen, wrapper_environment(tmp_path, app, connection))
    first_attempt(term, a)
    term.wait_for_words(refusal())
    for _ in range(3):
        again(term)
    again(term, nir=b)
    term.wait_for_words(refusal())
    again(term)
    term.wait_for_words(refusal("30 secondes"))
    again(term)
    term.wait_for_words("Erreur : Après plusieurs tentatives infructueuses sur ce poste, patientez")
    assert "avant de réessayer de vous identifier" in term.words()
    leave(term)

    # A new connection from the same computer: its own count starts at zero, but the address
    # had six; at its tenth, the fifth of this connection, the address waits.
    term = start(pty_screen, wrapper_environment(tmp_path, app, connection))
    first_attempt(term, b)
    for _ in range(3):
        again(term, nir=c if _ else None)
    term.wait_for_words(refusal())
    again(term)
    term.wait_for_words(refusal("30 secondes"))
    leave(term)

    # Another computer is not affected.
    term = start(pty_screen, wrapper_environment(tmp_path, app, "198.51.100.2 40000 192.0.2.1 22"))
    first_attempt(term, d)
    term.wait_for_words(refusal())
    assert "patientez" not in term.words()
    leave(term)
