"""Importing the back office's errors and interfaces is cheap: neither the simulation, nor
SQLite, nor pydantic comes with them (the package's other names are imported on first use)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = (
    "sqlite3",
    "pydantic",
    "pydantic_core",
    "mes_tui.models",
    "mes_tui.services.simulated",
    "mes_tui.services.admin",
    "mes_tui.services.storage",
    "mes_tui.services.opening",
)


def loaded_after(statement: str) -> list[str]:
    """The modules of ``HEAVY`` that ``statement`` loads, in a fresh interpreter."""
    found = f"[m for m in {HEAVY!r} if m in sys.modules]"
    probe = f"{statement}; import sys, json; print(json.dumps({found}))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    return list(json.loads(result.stdout))


def test_errors_and_api_import_neither_the_simulation_nor_sqlite_nor_pydantic() -> None:
    assert loaded_after("import mes_tui.services.errors, mes_tui.services.api") == []


def test_the_journey_engine_imports_neither_the_simulation_nor_sqlite_nor_pydantic() -> None:
    # Both front ends import it before anyone is served: the back office comes with the person.
    assert loaded_after("import mes_tui.engine") == []


def test_the_package_names_the_simulation_lazily() -> None:
    assert loaded_after("import mes_tui.services") == []
    loaded = loaded_after("from mes_tui.services import open_service")
    assert "mes_tui.services.simulated" in loaded and "sqlite3" in loaded


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    import mes_tui.services

    try:
        mes_tui.services.no_such_name  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("no AttributeError")
