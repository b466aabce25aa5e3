"""The installed program (``.venv/bin/mes-tui``) on a registry that cannot be used: damaged
(empty, cut short, not a database, pages unreadable, not a registry), read-only, or on a full
disk. Every command, the plain mode and the full-screen app included, says so in one French
line on standard error and ends with exit code 1: no traceback, and the file is left as it was
(never filled again with the demo registry)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import program_environment
from tests.storage_faults import (
    DAMAGES,
    SEEN_WITHOUT_SQLITE,
    damage,
    fill_disk,
    read_only,
    small_disk,
)

pytestmark = pytest.mark.e2e

PROGRAM = Path(sys.executable).parent / "mes-tui"
REGISTRY = "registry.sqlite3"
COMMANDS = {
    "list": ["registry", "list"],
    "list-json": ["registry", "list", "--json"],
    "import": ["registry", "import", "{people}"],
    "reset": ["registry", "reset"],
    "outbox": ["outbox"],
    "plain": ["--plain"],
}
PERSON = {
    "nir": "170057510020010",
    "first_name": "Alex",
    "last_name": "TESTEUR",
    "birth_date": "1970-05-01",
    "card_type": "sans_photo",
    "card_serial": "0017654321",
}


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo registry, made once by the program itself."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    assert mes_tui(data_dir, "list", data_dir.parent).returncode == 0
    return data_dir


@pytest.fixture
def data_dir(tmp_path: Path, demo_data: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_data, copy)
    return copy


def mes_tui(data_dir: Path, command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``mes-tui --data-dir DATA_DIR COMMAND``, as an administrator would type it."""
    people = tmp_path / "people.json"
    people.write_text(json.dumps([PERSON]), encoding="utf-8")
    args = [arg.format(people=people) for arg in COMMANDS[command]]
    return subprocess.run(
        [str(PROGRAM), "--data-dir", str(data_dir), *args],
        env=program_environment(tmp_path / "config"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_one_french_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("mes-tui : ")
    for word in words:
        assert word in line, line
    return line


def on_screen(terminal: Any) -> str:
    """What the terminal shows, its lines end to end: a sentence wrapped at the 80th column
    reads whole again."""
    return "".join(terminal.screen.display)


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("how", list(DAMAGES))
def test_every_command_refuses_a_damaged_registry_in_one_line(
    data_dir: Path, tmp_path: Path, how: str, command: str
) -> None:
    registry = data_dir / REGISTRY
    damage(registry, how)
    before = registry.read_bytes()
    done = mes_tui(data_dir, command, tmp_path)
    assert_one_french_line(done, "endommagé", DAMAGES[how], str(registry))
    assert done.stdout == ""
    assert registry.read_bytes() == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_refuses_a_read_only_registry_in_one_line(
    data_dir: Path, tmp_path: Path, command: str
) -> None:
    registry = data_dir / REGISTRY
    with read_only(registry):
        done = mes_tui(data_dir, command, tmp_path)
    assert_one_french_line(done, "ne peut pas être modifié", "lecture seule")


@pytest.mark.parametrize("command", ["list", "import", "reset", "plain"])
def test_a_full_disk_is_one_line_that_says_disque_plein(tmp_path: Path, command: str) -> None:
    with small_disk() as disk:
        data_dir = disk / "data"
        assert mes_tui(data_dir, "list", tmp_path).returncode == 0
        fill_disk(disk)
        done = mes_tui(data_dir, command, tmp_path)
        assert_one_french_line(done, "Disque plein")
        # Nor can a registry be made there.
        done = mes_tui(disk / "new", command, tmp_path)
        assert_one_french_line(done, "Disque plein")


@pytest.mark.parametrize("how", SEEN_WITHOUT_SQLITE)
def test_the_app_does_not_open_on_a_damaged_registry(
    pty_screen: Any, data_dir: Path, tmp_path: Path, how: str
) -> None:
    """In a real terminal: the same line, before any screen is drawn."""
    registry = data_dir / REGISTRY
    damage(registry, how)
    before = registry.read_bytes()
    env = program_environment(tmp_path / "config")
    terminal = pty_screen([str(PROGRAM), "--data-dir", str(data_dir)], env)
    assert terminal.wait_exit() == 1
    shown = on_screen(terminal)
    assert "endommagé" in shown and DAMAGES[how] in shown
    assert "Traceback" not in shown and "Commencer" not in shown
    assert registry.read_bytes() == before


def test_the_app_does_not_open_on_a_read_only_registry(
    pty_screen: Any, data_dir: Path, tmp_path: Path
) -> None:
    registry = data_dir / REGISTRY
    env = program_environment(tmp_path / "config")
    with read_only(registry):
        terminal = pty_screen([str(PROGRAM), "--data-dir", str(data_dir)], env)
        assert terminal.wait_exit() == 1
    assert "ne peut pas être modifié" in on_screen(terminal)
    assert "Traceback" not in on_screen(terminal)


def test_a_missing_registry_is_still_made_with_the_demo_people(tmp_path: Path) -> None:
    data_dir = tmp_path / "new"
    done = mes_tui(data_dir, "list-json", tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert any(p["nir"] == "116304403801618" for p in json.loads(done.stdout))
    assert os.stat(data_dir / REGISTRY).st_size > 0
