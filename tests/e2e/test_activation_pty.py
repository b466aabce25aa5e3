"""Martine's whole activation in the real program, in a real pseudo-terminal at 80×24, with the
keys a person would press: the provisional code of her invitation and the one-time code of her
new mobile number read from ``mes-tui outbox --json``, as a trainer would, and the registry
(``mes-tui registry list --json``) checked at the end."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import (
    CTRL_Q,
    ENTER,
    SPACE,
    TAB,
    mes_tui_json,
    program_environment,
)

pytestmark = pytest.mark.e2e

MARTINE_NIR = "116304403801618"
MARTINE_EMAIL = "dlfr-cn5-tma-support-cobra@atos.net"
MARTINE_SERIAL = "01024576124"
MOBILE = "0611121314"
PASSWORD = "Vert&Olive2024"


def newest_code(data_dir: Path, env: dict[str, str], to: str, purpose: str) -> str:
    messages = mes_tui_json(data_dir, env, "outbox")
    codes = [m["code"] for m in messages if m["to"] == to and m["purpose"] == purpose]
    assert codes, f"no {purpose} message to {to} in the outbox"
    code: str = codes[-1]
    return code


def martine(data_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    people = mes_tui_json(data_dir, env, "registry", "list")
    person: dict[str, Any] = next(p for p in people if p["nir"] == MARTINE_NIR)
    return person


@pytest.mark.parametrize(
    "terminal",
    [
        {},
        # A Linux console: 16 colours, and the person asked for no colour at all.
        {"NO_COLOR": "1", "TERM": "linux"},
        # The high-contrast theme.
        {"MES_TUI_THEME": "mes-contraste"},
    ],
    ids=["xterm", "no-color-linux-console", "high-contrast"],
)
def test_martine_activates_in_a_real_terminal(
    pty_screen: Any, tmp_path: Path, terminal: dict[str, str]
) -> None:
    data_dir = tmp_path / "donnees"
    env = program_environment(tmp_path / "config")
    env.update(terminal)
    # The codes are read from the outbox, as a trainer would: the pop-up notices that show
    # them in the program would cover the right half of the screen this test reads.
    env["MES_TUI_SHOW_MESSAGES"] = "0"
    term = pty_screen([sys.executable, "-m", "mes_tui", "--data-dir", str(data_dir)], env)

    # Welcome: Commencer has the focus.
    term.wait_for("[>Commencer<]")
    assert martine(data_dir, env)["status"] == "en_attente"
    invitation = newest_code(data_dir, env, MARTINE_EMAIL, "invitation")
    term.send(ENTER)

    # Je m'identifie: code, (generate link), NIR, (help), card 1 = sans photo, serial.
    term.wait_for("> Code provisoire composé de 12 caractères")
    term.send(invitation, TAB, TAB)
    term.wait_for("> Numéro de sécurité sociale")
    term.send(MARTINE_NIR)
    term.wait_for("1 16 30 44 038 016 18")  # spaced as it is typed
    term.send(TAB, TAB, "1", TAB)
    term.wait_for("> Numéro de série de carte Vitale")
    term.send(MARTINE_SERIAL, ENTER)

    # Je prends ma décision: 1 = j'active, then the CGU box, then Continuer.
    term.wait_for("Bonjour Martine !")
    term.wait_for(">( ) 1. J'active Mon espace santé")
    term.send("1", TAB)
    term.wait_for(">[ ] J'accepte les Conditions")
    term.send(SPACE)
    term.wait_for(">[x] J'accepte les Conditions")
    term.send(TAB, TAB, TAB)
    term.wait_for("[>Continuer<]")
    term.send(ENTER)

    # Je vérifie mes coordonnées de contact: add a mobile number, prove it with the SMS code.
    term.wait_for("Étape 3 sur 5")
    term.wait_for("> ✎ Modifier l'adresse e-mail")
    term.send(TAB)
    term.wait_for("> ✎ Renseigner mon numéro de mobile")
    term.send(ENTER)
    term.wait_for("Je renseigne mon numéro de téléphone mobile")
    term.send(MOBILE, ENTER)
    term.wait_for("Un code à usage unique vous a été envoyé au")
    term.send(newest_code(data_dir, env, "+33611121314", "verification_mobile"), ENTER)
    term.wait_for("Votre numéro de téléphone mobile a bien été enregistré.")
    term.wait_for("+33 6 11 12 13 14")
    term.wait_for("[>Continuer<]")
    term.send(ENTER)

    # Je choisis mon identifiant et mon mot de passe.
    term.wait_for("> Identifiant")
    term.send("martine.leguellec", TAB)
    term.wait_for("Cet identifiant est disponible.")
    term.wait_for("> Mot de passe")
    term.send(PASSWORD, TAB, TAB)
    term.wait_for("> Confirmer le mot de passe")
    term.send(PASSWORD, ENTER)

    term.wait_for("Mon espace santé a bien été activé !")
    term.wait_for("martine.leguellec")
    activated = martine(data_dir, env)
    assert activated["status"] == "active"
    assert activated["mobile"] == "+33611121314"
    assert activated["identifier"] == "martine.leguellec"
    assert activated["provisional_code"] is None

    # Quit: a person is in progress, so the program asks; Tab to "Quitter", Enter.
    term.send(CTRL_Q)
    term.wait_for("Quitter Mon espace santé ?")
    term.send(TAB)
    term.wait_for("[>Quitter<]")
    term.send(ENTER)
    assert term.wait_exit() == 0
