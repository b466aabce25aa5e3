"""mes-tui behind a real OpenSSH server, deployed as docs/ssh.md says: the shipped sshd block
(``ForceCommand`` running the shipped wrapper), the example settings, one shared data folder.

Each connection is the real ``ssh`` client in an 80×24 pseudo-terminal, its screen read
through a terminal model; the registry is read back with ``mes-tui registry list --json`` and,
for what that does not show, plain SQL. See tests/e2e/ssh_fixtures.py for the set-up.

They need ``sshd`` and ``ssh`` (Debian: openssh-server, openssh-client; ``.ci/run`` installs
them) and skip without them, with that reason; and root, as sshd does to give a session its
terminal (``.ci/run`` runs as root).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e.ssh_fixtures import (
    CTRL_Q,
    CTRL_U,
    DECISION,
    ENTER,
    F2,
    F4,
    IDENTIFICATION,
    MARTINE,
    SHIFT_TAB,
    TAB,
    WELCOME,
    Person,
    SshServer,
    Terminal,
    activate,
    ask_new_code,
    fill_credentials,
    identify,
    missing_reason,
    oppose,
    process_facts,
    quit_app,
    reach_credentials,
    reach_opposed,
    ssh_server,
    training_people,
    wait_gone,
)
from tests.throttling import strangers

MISSING = missing_reason()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
]

PASSWORD = "Azur&Menthe42"
PEOPLE = training_people(16)
CONCURRENT = PEOPLE[:10]
DROPPED_MID_JOURNEY, DROPPED_DURING_RECEIPT = PEOPLE[10], PEOPLE[11]
NEW_CODE_F2, NEW_CODE_SETTINGS, RECEIPT_ELSEWHERE = PEOPLE[12], PEOPLE[13], PEOPLE[14]


@pytest.fixture(scope="module")
def server() -> Iterator[SshServer]:
    with ssh_server() as running:
        running.import_people([person.row(code) for person, code in PEOPLE])
        yield running


def code_of(server: SshServer, person: Person) -> str:
    """The person's current provisional code, as a trainer reads it in the registry."""
    code = server.registry()[person.nir]["provisional_code"]
    assert isinstance(code, str), f"no provisional code for {person.first_name}"
    return code


def leftovers(folder: Path) -> list[str]:
    """Temporary files left in ``folder`` (a receipt written by halves is a hidden ``.part``)."""
    if not folder.exists():
        return []
    return sorted(
        p.name
        for p in folder.rglob("*")
        if p.name.startswith(".") or p.suffix in (".part", ".tmp") or p.name.endswith("~")
    )


def new_app_process(server: SshServer, before: set[int]) -> int:
    """The pid of the one mes-tui process started since ``before`` (the server side)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        started = set(server.app_processes()) - before
        if len(started) == 1:
            return started.pop()
        time.sleep(0.1)
    raise AssertionError(f"no single new mes-tui process: {server.app_processes()}")


def test_activation_through_ssh(server: SshServer) -> None:
    """Martine connects with the real client, is shown the screens at 80×24, and activates."""
    code = code_of(server, MARTINE)
    term = server.connect("martine")
    term.wait_for(WELCOME)
    lines = term.lines()
    assert len(lines) == 24
    assert "Activation de Mon espace santé" in term.text()
    assert "^q Quitter" in lines[-1]  # the footer on the last row: the layout fits 80×24

    term.press(ENTER)
    term.wait_for(IDENTIFICATION)
    term.press(code, TAB, TAB, MARTINE.nir)
    assert "1 16 30 44 038 016 18" in term.text()  # the NIR, spaced as printed on the card
    term.press(TAB, TAB, MARTINE.card_key, TAB, MARTINE.card_serial, ENTER)
    term.wait_for(DECISION)
    assert "Bonjour Martine" in term.text()
    assert server.registry()[MARTINE.nir]["status"] == "en_attente"

    reach_credentials(term)
    fill_credentials(term, "martine.ssh", PASSWORD)
    assert PASSWORD not in term.text()  # masked
    term.press(ENTER)
    term.wait_for("Mon espace santé a bien été activé")
    assert "martine.ssh" in term.text()

    assert quit_app(term) == 0
    person = server.registry()[MARTINE.nir]
    assert person["status"] == "active"
    assert person["provisional_code"] is None
    rows = server.query("SELECT identifier FROM people WHERE nir = ?", MARTINE.nir)
    assert rows == [("martine.ssh",)]


def test_ten_sessions_at_once(server: SshServer) -> None:
    """Ten people connect at the same time; even ones activate, odd ones oppose and save their
    receipt. Every journey ends on its last screen and the registry holds each decision once."""
    receipts_before = set(server.receipts_dir.glob("*.pdf"))
    terminals = [server.connect(person.first_name) for person, _ in CONCURRENT]
    start = threading.Barrier(len(CONCURRENT))

    def journey(index: int) -> int:
        person, code = CONCURRENT[index]
        term = terminals[index]
        start.wait(timeout=60)
        if index % 2 == 0:
            activate(term, person, code, f"session.ssh{index:02d}", PASSWORD)
        else:
            oppose(term, person, code)
        return quit_app(term)

    with ThreadPoolExecutor(len(CONCURRENT)) as pool:
        futures = [pool.submit(journey, i) for i in range(len(CONCURRENT))]
        failures = []
        for index, future in enumerate(futures):
            try:
                assert future.result(timeout=240) == 0
            except BaseException as error:  # report every session, not only the first
                failures.append(f"session {index}: {error}")
    assert not failures, "\n\n".join(failures)

    registry = server.registry()
    for index, (person, _) in enumerate(CONCURRENT):
        expected = "active" if index % 2 == 0 else "opposee"
        assert registry[person.nir]["status"] == expected, person
    nirs = [person.nir for person, _ in CONCURRENT]
    marks = ",".join("?" * len(nirs))
    rows = server.query(
        f"SELECT nir, identifier, decided_on, receipt_available FROM people "
        f"WHERE nir IN ({marks}) ORDER BY nir",
        *nirs,
    )
    by_nir = {nir: (identifier, decided, receipt) for nir, identifier, decided, receipt in rows}
    for index, (person, _) in enumerate(CONCURRENT):
        identifier, decided_on, receipt_available = by_nir[person.nir]
        if index % 2 == 0:
            assert identifier == f"session.ssh{index:02d}"
        else:
            assert identifier is None
            assert decided_on is not None
            assert receipt_available == 0  # saved, once
    new_receipts = set(server.receipts_dir.glob("*.pdf")) - receipts_before
    assert len(new_receipts) == len(CONCURRENT) // 2
    for receipt in new_receipts:
        data = receipt.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    assert leftovers(server.receipts_dir) == []
    assert server.integrity_check() == "ok"
    log = (server.data_dir / "mes-tui.log").read_text(encoding="utf-8")
    assert " ERROR " not in log and "Traceback" not in log, log


def test_connection_dropped_mid_journey(server: SshServer) -> None:
    """The link dies while the person types their password: the app on the server is told
    (SIGHUP) and ends, the registry is intact and unchanged, and the person starts again."""
    person, code = DROPPED_MID_JOURNEY
    before = set(server.app_processes())
    term = server.connect("dropped")
    pid = new_app_process(server, before)
    identify(term, person, code)
    reach_credentials(term)
    fill_credentials(term, "coupure.ssh", PASSWORD)

    session, catches_hangup = process_facts(pid)
    assert session == pid, "the app is not the process that owns the terminal"
    assert catches_hangup
    term.child.kill(signal.SIGKILL)  # the client dies: no goodbye to the server
    assert wait_gone(pid, timeout=30), f"mes-tui {pid} still running after the drop"

    assert server.integrity_check() == "ok"
    assert leftovers(server.data_dir) == []
    after = server.registry()[person.nir]
    assert after["status"] == "en_attente"
    assert server.query("SELECT identifier FROM people WHERE nir = ?", person.nir) == [(None,)]

    again = server.connect("dropped, again")
    activate(again, person, code_of(server, person), "coupure.ssh", PASSWORD)
    assert quit_app(again) == 0
    assert server.registry()[person.nir]["status"] == "active"


def test_connection_dropped_while_the_receipt_is_saved(server: SshServer) -> None:
    """The link dies right as the person asks for their receipt: either the receipt is on
    disk whole, or it can still be saved; never a partial file, never a lost receipt."""
    person, code = DROPPED_DURING_RECEIPT
    before = set(server.app_processes())
    term = server.connect("receipt")
    pid = new_app_process(server, before)
    receipts_before = set(server.receipts_dir.glob("*.pdf"))
    reach_opposed(term, person, code)
    term.send(ENTER)  # Télécharger…
    term.child.kill(signal.SIGKILL)  # …and the connection is gone at once
    assert wait_gone(pid, timeout=30), f"mes-tui {pid} still running after the drop"

    assert server.integrity_check() == "ok"
    assert leftovers(server.receipts_dir) == []
    assert server.registry()[person.nir]["status"] == "opposee"
    written = set(server.receipts_dir.glob("*.pdf")) - receipts_before
    [(available,)] = server.query("SELECT receipt_available FROM people WHERE nir = ?", person.nir)
    if written:
        (receipt,) = written
        data = receipt.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
        assert available == 0
    else:
        assert available == 1, "the receipt was claimed but never written"


def test_no_shell_no_command_no_file_transfer(server: SshServer) -> None:
    """Whatever the client asks for, the account runs mes-tui in a terminal, or nothing."""
    # A command: ignored; the app starts instead, in the terminal ssh -tt asked for.
    term = Terminal(
        [*server.ssh_argv("-tt"), "sh", "-c", "'echo MARK-$((6*7))'"],
        server.client_env(),
        "command",
    )
    server.terminals.append(term)
    term.wait_for(WELCOME)
    assert "MARK-42" not in term.text()
    term.send("\x11")  # Ctrl+Q: nothing typed yet, the app ends at once
    assert term.wait_end() == 0

    # No terminal (a script, scp, sftp): refused with a message, nothing run.
    done = server.run_ssh(command=("id",))
    assert (done.returncode, done.stdout) == (1, ""), done
    assert "reconnectez-vous avec « ssh -t »" in done.stderr, done.stderr
    done = server.run_ssh("-s", command=("sftp",))  # sshd drops a subsystem's stderr
    assert (done.returncode, done.stdout) == (1, ""), done

    # Forwarding is off for the account: the server refuses to listen on the client's behalf.
    done = server.run_ssh("-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", command=())
    assert done.returncode == 255, done
    assert "forwarding failed" in done.stderr, done.stderr


def test_a_dumb_terminal_gets_the_plain_mode(server: SshServer) -> None:
    """TERM=dumb on the client (a screen reader, a braille display): the line-by-line mode,
    the only way to ask for it through the wrapper."""
    term = server.connect("plain", term="dumb")
    term.wait_for("mode ligne à ligne")
    term.wait_for("Votre choix")
    term.send("\x03")  # Ctrl+C, as the plain mode says
    assert term.wait_end() == 130
    assert "Au revoir" in term.text()


def test_a_new_code_is_never_shown_on_screen(server: SshServer) -> None:
    """Over SSH anyone may type someone else's NIR, birth date and card number: the new code
    must reach only that person's mailbox, never the screen."""
    person, _ = NEW_CODE_F2
    term = server.connect("new code")
    ask_new_code(term, person)
    code = code_of(server, person)
    assert code not in term.text()
    term.send(F2)  # turned off: the key does nothing and is not offered
    term.press(TAB)  # keys are handled in order: once Tab has moved the focus, F2 was handled
    assert code not in term.text(), term.dump()


def test_the_settings_cannot_bring_the_messages_back(server: SshServer) -> None:
    person, _ = NEW_CODE_SETTINGS
    term = server.connect("settings")
    term.wait_for(WELCOME)
    term.press(F4)
    term.wait_for("Affichage calme")
    # Turned off by the administrator: the settings do not even offer to show them.
    assert "Montrer les messages reçus" not in term.text(), term.dump()
    # Theme list, cursor box, calm box, then Enregistrer.
    term.press(TAB, TAB, TAB, TAB, ENTER)
    term.wait_for(WELCOME)
    ask_new_code(term, person)
    code = code_of(server, person)
    assert code not in term.text(), term.dump()
    # Nor by F2 (handled once the Tab after it has moved the focus).
    term.send(F2)
    term.press(TAB)
    assert code not in term.text(), term.dump()


def test_receipts_only_go_to_the_allowed_folders(server: SshServer) -> None:
    person, code = RECEIPT_ELSEWHERE
    elsewhere = server.base / "ailleurs"  # writable by the account: only the policy can refuse
    elsewhere.mkdir(mode=0o700)
    os.chown(elsewhere, server.account.uid, server.account.gid)
    term = server.connect("elsewhere")
    reach_opposed(term, person, code)
    term.press(SHIFT_TAB)  # the folder field, just above the download
    assert "> Dossier d'enregistrement" in term.text(), term.dump()
    term.press(CTRL_U, str(elsewhere), ENTER)
    term.wait_for("Erreur : Sur ce poste")  # "…le justificatif ne peut être enregistré que…"
    assert not list(elsewhere.iterdir()), term.dump()
    assert str(elsewhere) in term.text(), term.dump()  # what was typed stays, to correct


def test_the_key_of_the_codes_lives_outside_the_data_folder(server: SshServer) -> None:
    """With the shipped settings the key is made in its own folder, private to the account, and
    the sessions use it (Martine identified with her code above, and every test since)."""
    key = server.key_dir / "secret.key"
    info = key.stat()
    assert (info.st_mode & 0o777, info.st_uid) == (0o600, server.account.uid)
    assert server.key_dir.stat().st_mode & 0o777 == 0o700
    assert not (server.data_dir / "secret.key").exists()
    assert server.registry()[MARTINE.nir]["status"] in {"en_attente", "active"}


def test_failures_are_counted_for_the_address_of_the_client(server: SshServer) -> None:
    """sshd's SSH_CONNECTION reaches the app through the wrapper: the failed identifications of
    two connections from this computer are counted together for its address, and apart for
    each connection (so that reconnecting does not start the count again)."""

    def counts(scope: str) -> list[int]:
        rows = server.query("SELECT failures FROM throttle WHERE scope = ?", scope)
        return sorted(int(failures) for (failures,) in rows)

    clients, sessions = counts("identify_client"), counts("identify_session")
    for n, nir in enumerate(strangers(2, first=700)):
        term = server.connect(f"stranger {n}")
        term.wait_for(WELCOME)
        term.press(ENTER)
        term.wait_for(IDENTIFICATION)
        term.press("AAAAAAAAAAAA", TAB, TAB, nir, TAB, TAB, "1", TAB, "123456789", ENTER)
        term.wait_for("Erreur : Nous n'avons pas pu vous identifier")
        term.press(CTRL_Q)
        term.settle()
        if "Quitter Mon espace santé ?" in term.text():
            term.press(TAB)
            term.send(ENTER)
        assert term.wait_end() == 0
    # One address (127.0.0.1), whatever the connections: one count, two more failures in it.
    assert len(counts("identify_client")) == 1
    assert counts("identify_client")[0] == (clients[0] if clients else 0) + 2
    assert len(counts("identify_session")) == len(sessions) + 2
