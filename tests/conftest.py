"""Fixtures shared by every layer of tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the real user data directory or the system keyring, nor depends on how
    the developer is connected."""
    monkeypatch.setenv("MES_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MES_TUI_KEYRING", "off")
    monkeypatch.setenv("MES_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("MES_TUI_ACCESSIBLE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    # Over SSH, the services of a test would count their failures for the developer's address.
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory path that does not exist yet (the service creates it)."""
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """``mes_tui.cli.run`` sends the package's logs to the data folder's file: undo it after
    each test, so that later tests still see them (caplog) and no file stays open."""
    logger = logging.getLogger("mes_tui")
    handlers, level, propagate = list(logger.handlers), logger.level, logger.propagate
    yield
    for handler in logger.handlers:
        if handler not in handlers:
            handler.close()
    logger.handlers[:] = handlers
    logger.setLevel(level)
    logger.propagate = propagate
