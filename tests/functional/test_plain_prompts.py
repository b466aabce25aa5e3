"""The pieces of the plain mode: line input and output, questions, formatting of data, and
how the command line starts it (in a fresh interpreter: no Textual, no Rich)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mes_tui import presenters
from mes_tui.models import Channel, ProfileView, Status, check_password
from mes_tui.plain import formats
from mes_tui.plain.console import Console, EndOfInput
from mes_tui.plain.prompts import GoBack, Invalid, Option, Prompter
from mes_tui.services.api import OutboxMessage
from mes_tui.texts import plain as tplain
from mes_tui.texts import vitale as tvitale

ROOT = Path(__file__).resolve().parents[2]


def prompter(answers: str) -> tuple[Prompter, io.StringIO]:
    out = io.StringIO()
    return Prompter(Console(io.StringIO(answers), out)), out


# -- console ---------------------------------------------------------------------------------------
def test_answers_from_a_pipe_are_echoed_but_not_secrets() -> None:
    out = io.StringIO()
    console = Console(io.StringIO("visible\r\nhidden\n"), out)
    assert console.ask("Réponse : ") == "visible"
    assert console.ask("Mot de passe : ", secret=True) == "hidden"
    assert out.getvalue() == "Réponse : visible\nMot de passe : \n"
    assert not console.is_terminal


def test_the_end_of_input_is_an_exception() -> None:
    console = Console(io.StringIO(""), io.StringIO())
    with pytest.raises(EndOfInput):
        console.ask("Réponse : ")


def test_a_callable_source_gives_lines_on_demand() -> None:
    lines = iter(["un", None])
    console = Console(lambda: next(lines), io.StringIO())
    assert console.ask("? ") == "un"
    with pytest.raises(EndOfInput):
        console.ask("? ")


def test_output_after_an_unanswered_prompt_starts_a_new_line() -> None:
    out = io.StringIO()
    console = Console(io.StringIO(""), out)
    with pytest.raises(EndOfInput):
        console.ask("Réponse : ")
    console.say("Au revoir.")
    assert out.getvalue() == "Réponse : \nAu revoir.\n"


# -- questions -----------------------------------------------------------------------------------
def test_text_shows_label_hint_default_and_validates() -> None:
    ask, out = prompter("\n")

    def check(raw: str) -> str:
        if raw != "42":
            raise Invalid("Tapez 42.")
        return raw

    assert ask.text("Nombre", check, hint="Ex. : 42", default="42") == "42"
    assert out.getvalue() == "\nNombre\nEx. : 42\nRéponse (défaut : 42) : \n"


def test_text_repeats_after_an_error_and_handles_commands() -> None:
    ask, out = prompter("?\n7\n42\n")

    def check(raw: str) -> int:
        if raw != "42":
            raise Invalid("Tapez 42.")
        return int(raw)

    assert ask.text("Nombre", check, help_text="Aide du nombre.") == 42
    lines = out.getvalue().splitlines()
    assert "Aide du nombre." in lines
    assert "Erreur : Tapez 42." in lines
    ask, _ = prompter("<\n")
    with pytest.raises(GoBack):
        ask.text("Nombre", check)


def test_choices_are_numbered_with_a_default() -> None:
    ask, out = prompter("0\n\n")
    chosen = ask.choice("Ma carte", [Option("Sans photo", "ancienne"), "Avec photo"], default=1)
    assert chosen == 1
    text = out.getvalue()
    assert "  1. Sans photo\n     ancienne\n  2. Avec photo\n" in text
    assert "Votre choix (défaut : 2) : " in text
    assert "Erreur : Tapez le numéro de votre choix, de 1 à 2." in text


def test_yes_no_with_extra_letters() -> None:
    read: list[str] = []
    ask, out = prompter("c\nOui\n")
    assert ask.yes_no("D'accord ?", extras={"c": lambda: read.append("cgu")}) is True
    assert read == ["cgu"]
    assert "Réponse (o pour oui, n pour non) : " in out.getvalue()
    ask, out = prompter("\n")
    assert ask.yes_no("D'accord ?", default=False) is False
    assert "(o pour oui, n pour non, défaut : non)" in out.getvalue()


# -- formatting data ------------------------------------------------------------------------------
def test_simulated_messages_are_one_line_without_control_characters() -> None:
    message = OutboxMessage(
        channel=Channel.SMS,
        to="+33611121314",
        purpose="verification_mobile",
        code="123456",
        subject="",
        body="Code\x1b[2J : 123456.\nValable\x07 10 min.",
        sent_at=datetime(2021, 9, 28, tzinfo=UTC),
    )
    line = formats.message_line(message)
    assert line == (
        "Message reçu (simulation) — SMS à 06 11 12 13 14 : Code[2J : 123456. Valable 10 min."
    )


def test_names_from_data_lose_their_control_characters() -> None:
    profile = ProfileView(
        nir="116304403801618",
        first_name="Eve\x1b]0;titre\x07",
        last_name="MARTIN\u202e",
        birth_date=date(2015, 1, 1),
        status=Status.OPPOSEE,
        decided_on=date(2021, 12, 7),
        is_minor=True,
    )
    line = formats.profile_line(profile)
    assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line
    assert line.endswith("(enfant mineur) : Profil opposé le 07/12/2021")


def test_help_texts_lose_their_card_drawings() -> None:
    text = formats.without_drawings(tvitale.SERIAL_HELP_AVEC_PHOTO)
    assert text.startswith("Carte Vitale avec photo\nLe numéro de série se situe en haut à droite")
    assert "3422" in text
    assert "┌" not in text and "│" not in text


def test_password_checklist_says_each_rule_in_words() -> None:
    lines = presenters.checklist_lines(check_password("abcdefgh"))
    assert lines[0] == "[x] 8 caractères minimum (respecté)"
    assert lines[2] == "[ ] 1 chiffre (manquant)"
    assert lines[-1] == "Règles restant à respecter : 3 sur 5."


# -- starting it from the command line ---------------------------------------------------------
def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MES_TUI_ACCESSIBLE", "TERM")}
    env.update(MES_TUI_KEYRING="off", PYTHONPATH=str(ROOT), **extra)
    return env


def test_plain_mode_never_imports_textual_or_rich(tmp_path: Path) -> None:
    program = (
        "import sys\n"
        "from mes_tui.cli import run\n"
        f"code = run(['--plain', '--data-dir', {str(tmp_path / 'data')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('LOADED', loaded)\n"
        "sys.exit(code)\n"
    )
    answers = "1\nHuqZF3KXCz8k\n1 16 30 44 038 016 18\n1\n01024576124\n<\n<\n<\n<\n<\n4\n"
    done = subprocess.run(
        [sys.executable, "-c", program],
        input=answers,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Étape 2 sur 5 : Je prends ma décision" in done.stdout
    assert "LOADED []" in done.stdout


def test_standard_input_not_a_terminal_selects_plain_mode(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data)],
        input="1\n",
        capture_output=True,
        text=True,
        env=_env(TERM="xterm-256color"),
        timeout=60,
        check=False,
    )
    assert tplain.INTRO.splitlines()[0] in done.stdout
    assert "\x1b" not in done.stdout + done.stderr
    # The input ended in the middle of the activation: one line on standard error, code 1.
    assert done.returncode == 1
    assert done.stderr == f"mes-tui : {tplain.PENDING_JOURNEY}\n"


def test_bytes_that_are_not_utf8_are_a_wrong_answer(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--plain", "--data-dir", str(tmp_path / "data")],
        input=b"\xff\xfe\n4\n",
        capture_output=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, done.stderr
    assert "Erreur : Tapez le numéro de votre choix, de 1 à 4." in out
    assert out.endswith(tplain.GOODBYE + "\n")


def test_the_plain_mode_reads_the_same_outbox_as_the_subcommand(tmp_path: Path) -> None:
    data = tmp_path / "data"
    answers = "2\n1 16 30 44 038 016\n16/06/1976\n1\n01024576124\no\n<\n4\n"
    run = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--plain", "--no-messages", "--data-dir", str(data)],
        input=answers,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "Message reçu" not in run.stdout
    outbox = subprocess.run(
        [sys.executable, "-m", "mes_tui", "--data-dir", str(data), "outbox", "--json"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
        check=True,
    )
    sent = json.loads(outbox.stdout)[-1]
    assert sent["purpose"] == "code_provisoire"
    assert sent["to"] == "dlfr-cn5-tma-support-cobra@atos.net"
