"""The checklist's lines: every rule in words, in the seed's order, met or missing."""

from __future__ import annotations

from mes_tui.models import check_password
from mes_tui.presenters import checklist_lines


def test_empty_password_misses_every_rule() -> None:
    assert checklist_lines(check_password("")) == [
        "[ ] 8 caractères minimum (manquant)",
        "[ ] 1 caractère spécial (!#@;%...) (manquant)",
        "[ ] 1 chiffre (manquant)",
        "[ ] 1 majuscule (manquant)",
        "[ ] 1 minuscule (manquant)",
        "Règles restant à respecter : 5 sur 5.",
    ]


def test_some_rules_met() -> None:
    lines = checklist_lines(check_password("abc7"))
    assert lines[2] == "[x] 1 chiffre (respecté)"
    assert lines[4] == "[x] 1 minuscule (respecté)"
    assert lines[0] == "[ ] 8 caractères minimum (manquant)"
    assert lines[-1] == "Règles restant à respecter : 3 sur 5."


def test_every_rule_met() -> None:
    lines = checklist_lines(check_password("Vert&Olive2024"))
    assert all(line.startswith("[x] ") and line.endswith("(respecté)") for line in lines[:5])
    assert lines[-1] == "Toutes les règles sont respectées."
