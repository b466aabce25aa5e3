"""Fixtures shared by every layer of tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test touches the real user data directory or the system keyring."""
    monkeypatch.setenv("MES_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MES_TUI_KEYRING", "off")
    monkeypatch.setenv("MES_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("MES_TUI_ACCESSIBLE", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory path that does not exist yet (the service creates it)."""
    return tmp_path / "data"
