"""The plain mode in a real pseudo-terminal: both journeys answered as a person would type
them, the one-time code read with ``mes-tui outbox --json`` as a trainer would.

What a screen reader or a braille display gets must be lines of text only: the whole
transcript has no escape sequence at all (no colour, no cursor movement), and what is typed at
a code or password prompt is not echoed.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pexpect  # type: ignore[import-untyped]
import pytest

from mes_tui.texts import plain as tplain

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CODE = "HuqZF3KXCz8k"
PASSWORD = "Zebre!Lune42"
SECRET_PROMPT = "Réponse (saisie masquée, ? pour l'aide) : "
TIMEOUT = 30


def environment(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MES_TUI_ACCESSIBLE", "MES_TUI_DATA_DIR", "NO_COLOR")
    }
    env.update(MES_TUI_KEYRING="off", TERM="xterm-256color", PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


class Session:
    """``python -m mes_tui`` in a pseudo-terminal, with everything it wrote kept."""

    def __init__(
        self, args: list[str], env: dict[str, str], *, ignoring_ctrl_c: bool = False
    ) -> None:
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "mes_tui", *args],
            env=env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(24, 80),
            # As a program started in the background of a script is: SIGINT ignored.
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
            if ignoring_ctrl_c
            else None,
        )
        self.child.logfile_read = self.log

    def answer(self, after: str, text: str) -> None:
        """Wait for ``after`` on screen, then type ``text`` and Enter."""
        self.child.expect_exact(after)
        self.child.sendline(text)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        status = self.child.exitstatus
        assert status is not None, f"killed by signal {self.child.signalstatus}"
        return int(status)

    @property
    def transcript(self) -> str:
        return self.log.getvalue()


def outbox(data: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data), "outbox", "--json"],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=TIMEOUT,
        check=True,
    )
    messages: list[dict[str, object]] = json.loads(done.stdout)
    return messages


def assert_plain_text(transcript: str) -> None:
    assert "\x1b" not in transcript, "an escape sequence reached the terminal"
    assert "Traceback" not in transcript


def identify_martine(session: Session) -> None:
    session.answer("Votre choix (défaut : 1) : ", "1")
    session.answer(SECRET_PROMPT, CODE)
    session.answer("Numéro de sécurité sociale", "1 16 30 44 038 016 18")
    session.answer("Ma carte Vitale", "1")
    session.answer("Numéro de série de carte Vitale", "01024576124")


def test_activation_with_a_change_of_email(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session = Session(["--plain", "--no-messages", "--data-dir", str(data)], environment())
    identify_martine(session)
    session.answer("Étape 2 sur 5 : Je prends ma décision", "1")
    session.answer("Réponse (o pour oui, n pour non) : ", "o")
    session.answer("Étape 3 sur 5 : Je vérifie mes coordonnées de contact", "1")
    session.answer("Adresse e-mail", "martine@exemple.fr")
    session.child.expect_exact("Étape 3 sur 5 : Je valide mon adresse e-mail")
    session.child.expect_exact(SECRET_PROMPT)
    sent = outbox(data)[-1]
    assert sent["purpose"] == "verification_email"
    assert sent["to"] == "martine@exemple.fr"
    otp = str(sent["code"])
    session.child.sendline(otp)
    session.answer("Votre adresse e-mail a bien été modifiée.", "3")
    session.answer("Étape 4 sur 5 : Je choisis mon identifiant et mon mot de passe", "")
    session.answer("Erreur : Saisissez un identifiant.", "martine.leguellec")
    session.answer("Cet identifiant est disponible.", PASSWORD)
    session.answer("Toutes les règles sont respectées.", PASSWORD)
    session.answer("Étape 5 sur 5 : Mon espace santé a bien été activé !", "1")
    session.answer("Statut : Mon espace santé activé le", "6")
    session.answer("4. Quitter", "4")
    session.child.expect_exact(tplain.GOODBYE)
    assert session.finish() == 0

    text = session.transcript
    assert_plain_text(text)
    # The terminal echoes visible answers, but nothing typed at a masked prompt.
    assert "Réponse (? pour l'aide) : 1 16 30 44 038 016 18" in text
    assert f"{SECRET_PROMPT}{CODE}" not in text
    assert otp not in text
    assert PASSWORD not in text
    assert "Adresse e-mail : martine@exemple.fr" in text


def test_opposition_and_its_receipt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session = Session(["--plain", "--data-dir", str(data)], environment())
    identify_martine(session)
    session.answer("Étape 2 sur 5 : Je prends ma décision", "2")
    session.answer("Étape 3 sur 4", "o")
    session.answer("Dossier d'enregistrement du justificatif", "")
    session.child.expect(r"Justificatif enregistré : (\S+\.pdf)")
    receipt = Path(session.child.match.group(1))
    session.answer(tplain.PROFILES_QUESTION, "6")
    session.answer("4. Quitter", "4")
    assert session.finish() == 0

    assert_plain_text(session.transcript)
    assert "Étape 4 sur 4 : Ma décision a bien été prise en compte" in session.transcript
    assert receipt.parent == data / "justificatifs"
    assert receipt.read_bytes().startswith(b"%PDF")
    assert receipt.stat().st_mode & 0o077 == 0  # readable by the owner only


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        ([], {"TERM": "dumb"}),
        ([], {"MES_TUI_ACCESSIBLE": "1"}),
    ],
    ids=["term-dumb", "mes-tui-accessible"],
)
def test_plain_mode_is_chosen_without_the_option(
    tmp_path: Path, args: list[str], extra: dict[str, str]
) -> None:
    session = Session([*args, "--data-dir", str(tmp_path / "data")], environment(**extra))
    session.answer("Votre choix (défaut : 1) : ", "4")
    session.child.expect_exact(tplain.GOODBYE)
    assert session.finish() == 0
    assert tplain.INTRO.splitlines()[0] in session.transcript
    assert_plain_text(session.transcript)


def test_ctrl_c_works_even_when_started_with_sigint_ignored(tmp_path: Path) -> None:
    """Started from a script's background job (make, a CI runner), a program inherits SIGINT
    ignored, and Python leaves it so: Ctrl+C at a prompt did nothing. The plain mode says
    Ctrl+C ends it, so it does."""
    session = Session(
        ["--plain", "--data-dir", str(tmp_path / "data")], environment(), ignoring_ctrl_c=True
    )
    session.answer("Votre choix (défaut : 1) : ", "1")
    session.child.expect_exact(SECRET_PROMPT)
    session.child.sendintr()
    session.child.expect_exact(tplain.INTERRUPTED)
    assert session.finish() == 130


def test_ctrl_backslash_at_a_masked_prompt_ends_cleanly(tmp_path: Path) -> None:
    """Ctrl+\\ sends SIGQUIT: by default Python dies on the spot (no clean-up, the terminal's
    echo left off after a masked prompt). It ends the plain mode the normal way, exit 131."""
    session = Session(["--plain", "--data-dir", str(tmp_path / "data")], environment())
    session.answer("Votre choix (défaut : 1) : ", "1")
    session.child.expect_exact(SECRET_PROMPT)
    session.child.send("\x1c")
    assert session.finish() == 131
    assert_plain_text(session.transcript)


def test_ctrl_c_at_a_masked_prompt_and_ctrl_d_at_the_menu(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session = Session(["--plain", "--data-dir", str(data)], environment())
    session.answer("Votre choix (défaut : 1) : ", "1")
    session.child.expect_exact(SECRET_PROMPT)
    session.child.sendintr()
    session.child.expect_exact(tplain.INTERRUPTED)
    assert session.finish() == 130
    assert_plain_text(session.transcript)

    session = Session(["--plain", "--data-dir", str(data)], environment())
    session.child.expect_exact("Votre choix (défaut : 1) : ")
    session.child.sendeof()
    session.child.expect_exact(tplain.EOF_GOODBYE)
    assert session.finish() == 0
    assert re.search(r"Traceback|\x1b", session.transcript) is None
