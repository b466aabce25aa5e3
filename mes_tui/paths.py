"""Where the shipped assets are, in a source checkout and in an installed package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def asset_path(*parts: str) -> Path:
    """The path of an asset: ``mes_tui/assets/...`` when installed, ``assets/...`` in a checkout."""
    for base in (_PACKAGE / "assets", _PACKAGE.parent / "assets"):
        candidate = base.joinpath(*parts)
        if candidate.exists():
            return candidate
    return (_PACKAGE.parent / "assets").joinpath(*parts)
