"""A real OpenSSH server for the end-to-end tests, set up as docs/ssh.md deploys mes-tui.

Everything lives in one temporary folder: the host key, the client key, ``authorized_keys``,
``sshd_config`` (global lines for a private test server, then the shipped block
``deploy/sshd_config.d/mes-tui.conf`` with its user name and paths pointed here), a copy of the
wrapper ``deploy/mes-tui-ssh``, the settings file made from ``deploy/mes-tui.toml`` and the
shared data folder. ``sshd`` runs in the foreground on 127.0.0.1 and a free port.

The tests run as root (sshd needs it to hand the pseudo-terminal over to the session). The
account: a dedicated user (``useradd``, removed afterwards) when that user can run this Python
and import mes_tui; otherwise (for instance a Python under ``/root``, mode 0700) root itself,
with the same ``Match`` block and ``ForceCommand``.

The client is the real ``ssh`` in an 80×24 pseudo-terminal (pexpect), its output fed to a
terminal model (pyte), so that tests read the screen as a person sees it.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect  # type: ignore[import-untyped]
import pyte

from mes_tui.models import nir_key
from mes_tui.services import REGISTRY_FILE

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SNIPPET = DEPLOY / "sshd_config.d" / "mes-tui.conf"
WRAPPER = DEPLOY / "mes-tui-ssh"
EXAMPLE_CONFIG = DEPLOY / "mes-tui.toml"
SSHD = Path("/usr/sbin/sshd")

ROWS, COLS = 24, 80
TIMEOUT = 45.0
"""Seconds a screen may take to answer a key; generous, ten sessions share two cores."""
SETTLE = 0.15
"""Seconds without output after which the screen is taken as drawn."""

TAB, SHIFT_TAB, ENTER, ESCAPE, SPACE = "\t", "\x1b[Z", "\r", "\x1b", " "
CTRL_Q, CTRL_U = "\x11", "\x15"
F2, F4 = "\x1bOQ", "\x1b[14~"

UNEXPECTED = ("Une erreur inattendue", "Traceback")


def missing_reason() -> str | None:
    """Why the SSH tests cannot run here, or None."""
    if not SSHD.is_file():
        return "openssh-server not installed (no /usr/sbin/sshd)"
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        return "openssh-client not installed (no ssh)"
    if os.geteuid() != 0:
        # Not a missing package but the same kind of limit: started by anyone else, sshd
        # cannot hand the pseudo-terminal over to the session (chown to group tty).
        return "sshd needs root to give a session its terminal (run as root, as .ci/run does)"
    return None


# -- the terminal as a person sees it ------------------------------------------------------------
class SessionEnded(AssertionError):
    pass


class Terminal:
    """The ``ssh`` client in a pseudo-terminal, and the screen it draws (pyte)."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], label: str = "") -> None:
        self.label = label
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.ended = False
        self.child = pexpect.spawn(
            argv[0], list(argv[1:]), env=env, dimensions=(ROWS, COLS), timeout=TIMEOUT
        )

    # -- reading ------------------------------------------------------------------------------
    def pump(self, duration: float) -> bool:
        """Feed what arrives during ``duration`` seconds to the screen; True if anything did."""
        deadline = time.monotonic() + duration
        got = False
        while not self.ended:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                data = self.child.read_nonblocking(65536, timeout=min(left, 0.05))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                self.ended = True
                break
            self.stream.feed(data)
            got = True
        return got

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def dump(self) -> str:
        return f"--- screen of {self.label or 'ssh'} ---\n{self.text()}\n---"

    def _check(self) -> None:
        shown = self.text()
        for bad in UNEXPECTED:
            if bad in shown:
                raise AssertionError(f"{bad!r} on screen\n{self.dump()}")

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        """Wait until one of ``texts`` is on screen (then until it stops changing); return it."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text()
            for text in texts:
                if text in shown:
                    self.settle()
                    self._check()
                    return text
            if self.ended:
                raise SessionEnded(f"session ended before {texts!r}\n{self.dump()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{texts!r} not on screen after {timeout} s\n{self.dump()}")
            self.pump(0.1)

    def settle(self, quiet: float = SETTLE, limit: float = 10.0) -> None:
        """Read until nothing has arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + limit
        while self.pump(quiet) and time.monotonic() < deadline:
            pass

    # -- typing -------------------------------------------------------------------------------
    def press(self, *keys: str, timeout: float = TIMEOUT) -> None:
        """Send each key (or text) and wait until the screen shows its effect: every key used
        here changes what is written on screen (focus marks, typed text, a new screen)."""
        for key in keys:
            before = list(self.screen.display)
            self.child.send(key)
            deadline = time.monotonic() + timeout
            while list(self.screen.display) == before:
                if self.ended:
                    raise SessionEnded(f"session ended after {key!r}\n{self.dump()}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"nothing changed after {key!r}\n{self.dump()}")
                self.pump(0.05)
            self.settle()
            self._check()

    def send(self, data: str) -> None:
        """Send without waiting for the screen (the connection may be cut right after)."""
        self.child.send(data)

    # -- ending -------------------------------------------------------------------------------
    def wait_end(self, timeout: float = TIMEOUT) -> int:
        """Wait for ``ssh`` to end; its exit status (the remote program's)."""
        deadline = time.monotonic() + timeout
        while not self.ended:
            if time.monotonic() > deadline:
                raise AssertionError(f"ssh still running after {timeout} s\n{self.dump()}")
            self.pump(0.1)
        self.child.close()
        status = self.child.exitstatus
        assert status is not None, f"ssh killed by signal {self.child.signalstatus}"
        return int(status)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.child.isalive():
                self.child.kill(signal.SIGKILL)
            self.child.close(force=True)


# -- people ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    nir: str
    first_name: str
    last_name: str
    birth_date: str
    card_type: str
    card_serial: str
    email: str | None = None

    @property
    def card_key(self) -> str:
        """The key that picks the card type on "Je m'identifie"."""
        return "1" if self.card_type == "sans_photo" else "2"

    def row(self, code: str) -> dict[str, Any]:
        """An import row (the keys of ``mes-tui registry import``)."""
        return {
            "nir": self.nir,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "birth_date": self.birth_date,
            "card_type": self.card_type,
            "card_serial": self.card_serial,
            "provisional_code": code,
            "status": "en_attente",
            "email": self.email,
            "mobile": None,
            "profiles": [],
        }


MARTINE = Person(
    nir="116304403801618",
    first_name="Martine Julie",
    last_name="LEGUELLEC",
    birth_date="1976-06-16",
    card_type="sans_photo",
    card_serial="01024576124",
)

FIRST_NAMES = (
    "Alice", "Bruno", "Chloé", "Denis", "Emma", "Fabien", "Gaëlle", "Hugo",
    "Inès", "Julien", "Kenza", "Loïc", "Manon", "Nathan", "Océane", "Pascal",
)  # fmt: skip


def training_people(count: int) -> list[tuple[Person, str]]:
    """``count`` fictitious people for a training session, each with a valid NIR (its key
    computed), a card without photo and a provisional code: (person, code)."""
    people = []
    for n in range(count):
        sex = 1 + n % 2
        year, month = 60 + n, 1 + n % 12
        body = f"{sex}{year:02d}{month:02d}75{100 + n:03d}{200 + n:03d}"
        person = Person(
            nir=body + nir_key(body),
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name="SESSIONSSH",
            birth_date=f"19{year:02d}-{month:02d}-{10 + n:02d}",
            card_type="sans_photo",
            card_serial=f"07{n:09d}",
            email=f"personne{n:02d}@example.org",
        )
        code = f"Ssh{n:02d}Kq7mZx4"[:12]
        people.append((person, code))
    return people


# -- the journeys, with the keys a person presses ------------------------------------------------
# Each screen is waited for by its first focus mark (">" before a field's label, "[>…<]" around
# a button), not only its title: a key sent before the first focus lands would be lost.
WELCOME = "[>Commencer<]"
IDENTIFICATION = "> Code provisoire"
DECISION = "> Ma décision"
CONTACTS = "> ✎ Modifier l'adresse e-mail"
CREDENTIALS = "> Identifiant"
ACTIVATED = "Mon espace santé a bien été activé"
OPPOSE_CONFIRM = "[>Annuler<]"
OPPOSED = "[>↓ Télécharger le justificatif"
RECEIPT_SAVED = "Justificatif enregistré"
NEW_CODE = "> Numéro de sécurité sociale"
CODE_DELIVERY = "[>Valider<]"
CODE_SENT = "Un nouveau code provisoire vous a été envoyé"


def identify(term: Terminal, person: Person, code: str) -> None:
    """From the welcome screen to "Je prends ma décision"."""
    term.wait_for(WELCOME)
    term.press(ENTER)
    term.wait_for(IDENTIFICATION)
    # Code, (the new-code link), NIR, (its help link), card type, serial, Enter.
    term.press(code, TAB, TAB, person.nir, TAB, TAB, person.card_key, TAB, person.card_serial)
    term.press(ENTER)
    term.wait_for(DECISION)
    first = person.first_name.split()[0]
    assert f"Bonjour {first}" in term.text(), term.dump()


def reach_credentials(term: Terminal) -> None:
    """From "Je prends ma décision" to "Je choisis mon identifiant et mon mot de passe"."""
    # 1 = j'active; the terms box; (the two reading links); Continuer.
    term.press("1", TAB, SPACE, TAB, TAB, TAB, ENTER)
    term.wait_for(CONTACTS)
    term.press(SHIFT_TAB, ENTER)  # Continuer is the last stop: one step back from the first
    term.wait_for(CREDENTIALS)


def fill_credentials(term: Terminal, identifier: str, password: str) -> None:
    """Identifier, password, (the show-password link), confirmation: not submitted yet."""
    term.press(identifier, TAB, password, TAB, TAB, password)


def activate(term: Terminal, person: Person, code: str, identifier: str, password: str) -> None:
    identify(term, person, code)
    reach_credentials(term)
    fill_credentials(term, identifier, password)
    term.press(ENTER)
    term.wait_for(ACTIVATED)
    assert identifier in term.text(), term.dump()


def reach_opposed(term: Terminal, person: Person, code: str) -> None:
    """Identify, oppose and confirm: "Ma décision a bien été prise en compte"."""
    identify(term, person, code)
    term.press("2", TAB, ENTER)  # 2 = je m'oppose, then Continuer
    term.wait_for(OPPOSE_CONFIRM)
    term.press(TAB, ENTER)  # the focus starts on Annuler; Continuer is next
    term.wait_for(OPPOSED)


def oppose(term: Terminal, person: Person, code: str) -> None:
    """The opposition, with the receipt saved in the proposed folder."""
    reach_opposed(term, person, code)
    term.press(ENTER)  # the download has the focus
    term.wait_for(RECEIPT_SAVED)


def ask_new_code(term: Terminal, person: Person) -> None:
    """From the welcome screen, "Générer un nouveau code provisoire", sent by e-mail."""
    term.wait_for(WELCOME)
    term.press(TAB, ENTER)
    term.wait_for(NEW_CODE)
    term.press(person.nir[:13], TAB, TAB)  # (the help link), the day box
    year, month, day = person.birth_date.split("-")
    # One digit at a time, without waiting for the screen: the boxes move on by themselves
    # once full, and a full two-digit box only shows its last digit (so a repeated digit
    # changes nothing on screen). Sent in one burst, the digits after the day get lost.
    for digit in day + month + year:
        term.send(digit)
        term.pump(0.3)
    term.settle()
    term.press(TAB, person.card_key, TAB, person.card_serial, ENTER)
    term.wait_for(CODE_DELIVERY)
    term.press(ENTER)
    term.wait_for(CODE_SENT)


def quit_app(term: Terminal) -> int:
    """Ctrl+Q, then "Quitter" on the confirmation; the exit status that ssh reports."""
    term.press(CTRL_Q)
    term.wait_for("Quitter Mon espace santé ?")
    term.press(TAB)
    term.send(ENTER)
    return term.wait_end()


# -- the server -----------------------------------------------------------------------------------
@dataclass
class Account:
    name: str
    uid: int
    gid: int
    home: Path
    created: bool = False
    note: str = ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run(argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv), capture_output=True, text=True, check=True, timeout=60, **kwargs
    )


def _as_account(account: Account) -> dict[str, Any]:
    """subprocess arguments that run a command as the account (nothing when it is us)."""
    if account.uid == os.geteuid():
        return {}
    return {"user": account.uid, "group": account.gid, "extra_groups": []}


def _make_account(base: Path) -> Account:
    home = base / "home"
    home.mkdir(mode=0o755)  # the account's home: not writable by it, as in docs/ssh.md
    root = Account("root", 0, 0, Path(pwd.getpwuid(0).pw_dir))
    if shutil.which("useradd") is None:
        root.note = "no useradd: logging in as root"
        return root
    name = f"mestui{os.getpid() % 100000}"
    try:
        # "*" as the password: no password login, but not a locked account (which sshd
        # refuses, even with a key, when PAM is off).
        _run(["useradd", "--home-dir", str(home), "--no-create-home", "--shell", "/bin/sh",
              "--user-group", "--no-log-init", "--password", "*", name])  # fmt: skip
    except subprocess.CalledProcessError as error:
        root.note = f"useradd failed ({error.stderr.strip()}): logging in as root"
        return root
    entry = pwd.getpwnam(name)
    account = Account(name, entry.pw_uid, entry.pw_gid, home, created=True)
    try:
        usable = (
            subprocess.run(
                [sys.executable, "-c", "import mes_tui.cli, textual"],
                capture_output=True,
                cwd="/",
                env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
                timeout=60,
                check=False,
                **_as_account(account),
            ).returncode
            == 0
        )
    except OSError:  # the interpreter itself is out of the new user's reach
        usable = False
    if not usable:
        _delete_account(account)
        root.note = f"{sys.executable} is not usable by a new user: logging in as root"
        return root
    return account


def _delete_account(account: Account) -> None:
    if account.created:
        subprocess.run(["userdel", account.name], capture_output=True, check=False, timeout=60)


@dataclass
class SshServer:
    base: Path
    account: Account
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    terminals: list[Terminal] = field(default_factory=list)

    # -- paths ---------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def key_dir(self) -> Path:
        """The folder of the key that protects the codes: outside the data folder."""
        return self.base / "cle"

    @property
    def config(self) -> Path:
        return self.base / "etc" / "mes-tui.toml"

    @property
    def receipts_dir(self) -> Path:
        return self.data_dir / "justificatifs"

    @property
    def registry_file(self) -> Path:
        return self.data_dir / REGISTRY_FILE

    @property
    def app(self) -> Path:
        beside = Path(sys.executable).parent / "mes-tui"
        if beside.exists():
            return beside
        found = shutil.which("mes-tui")
        assert found, "mes-tui is not installed in this environment"
        return Path(found)

    @property
    def sshd_log(self) -> str:
        path = self.base / "sshd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- set-up ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        base = self.base
        for name in ("host_ed25519", "client_ed25519"):
            _run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(base / name)]
            )
        authorized = base / "authorized_keys"
        authorized.write_text((base / "client_ed25519.pub").read_text())
        authorized.chmod(0o644)

        wrapper = base / "mes-tui-ssh"
        shutil.copyfile(WRAPPER, wrapper)
        wrapper.chmod(0o755)

        etc = base / "etc"  # the wrapper's preferences folder: not writable by the account
        etc.mkdir(mode=0o755)
        config = self.config
        example = EXAMPLE_CONFIG.read_text(encoding="utf-8")
        assert "/srv/mes-tui/data" in example and "/srv/mes-tui/cle/" in example
        example = example.replace("/srv/mes-tui/data", str(self.data_dir))
        config.write_text(example.replace("/srv/mes-tui/cle/", f"{self.key_dir}/"))
        config.chmod(0o644)

        for folder in (self.data_dir, self.key_dir):
            folder.mkdir(mode=0o700)
            os.chown(folder, self.account.uid, self.account.gid)
        self.cli("registry", "list", "--json")  # the demo registry, created by the account

        self.port = _free_port()
        (base / "sshd_config").write_text(self.sshd_config(wrapper, config, etc, authorized))

    def sshd_config(self, wrapper: Path, config: Path, etc: Path, authorized: Path) -> str:
        settings = {
            "MES_TUI_SSH_APP": self.app,
            "MES_TUI_SSH_DATA_DIR": self.data_dir,
            "MES_TUI_SSH_CONFIG": config,
            "MES_TUI_SSH_PREFS_DIR": etc,
        }
        for value in settings.values():
            assert not re.search(r"\s", str(value)), f"a path with a space: {value}"
        snippet = SNIPPET.read_text(encoding="utf-8")
        replacements = {
            "Match User mes-tui\n": f"Match User {self.account.name}\n",
            "ForceCommand exec /usr/local/bin/mes-tui-ssh\n": f"ForceCommand exec {wrapper}\n",
            "AuthorizedKeysFile /etc/mes-tui/authorized_keys\n": (
                f"AuthorizedKeysFile {authorized}\n"
                "    SetEnv " + " ".join(f"{k}={v}" for k, v in settings.items()) + "\n"
            ),
        }
        for old, new in replacements.items():
            assert old in snippet, f"{SNIPPET.name} no longer has {old.strip()!r}"
            snippet = snippet.replace(old, new)
        root_login = "prohibit-password" if self.account.uid == 0 else "no"
        return (
            f"# mes-tui end-to-end tests: a private server, then the block of {SNIPPET.name}\n"
            f"ListenAddress 127.0.0.1\n"
            f"Port {self.port}\n"
            f"HostKey {self.base / 'host_ed25519'}\n"
            f"PidFile {self.base / 'sshd.pid'}\n"
            "UsePAM no\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\n"
            "PubkeyAuthentication yes\n"
            "StrictModes no\n"
            f"PermitRootLogin {root_login}\n"
            f"AllowUsers {self.account.name}\n"
            "MaxStartups 50:30:100\n"
            "LogLevel VERBOSE\n"
            # As in Debian's sshd_config: the ForceCommand must win over it.
            "Subsystem sftp internal-sftp\n"
            f"{snippet}"
        )

    def start(self) -> None:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
        config = self.base / "sshd_config"
        checked = subprocess.run(
            [str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, f"sshd -t: {checked.stderr}"
        log = (self.base / "sshd.log").open("wb")
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"sshd stopped: {self.sshd_log}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"sshd not listening: {self.sshd_log}")
            time.sleep(0.1)

    # -- use ------------------------------------------------------------------------------------
    def ssh_argv(self, *extra: str) -> list[str]:
        return [
            "ssh", "-F", "/dev/null",
            "-i", str(self.base / "client_ed25519"),
            "-p", str(self.port),
            "-o", "BatchMode=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            *extra,
            f"{self.account.name}@127.0.0.1",
        ]  # fmt: skip

    def client_env(self, term: str = "xterm-256color") -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.base),
            "TERM": term,
            "LANG": "C.UTF-8",
        }

    def connect(self, label: str = "", *, term: str = "xterm-256color") -> Terminal:
        """A new connection with a terminal (``ssh -tt``)."""
        terminal = Terminal(self.ssh_argv("-tt"), self.client_env(term), label)
        self.terminals.append(terminal)
        return terminal

    def run_ssh(self, *extra: str, command: Sequence[str] = ()) -> subprocess.CompletedProcess[str]:
        """``ssh`` without a terminal (``-T``), as a script or ``scp``/``sftp`` would."""
        return subprocess.run(
            [*self.ssh_argv("-T", *extra), *command],
            env=self.client_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def cli(self, *args: str) -> Any:
        """``mes-tui --data-dir DATA ARGS`` run as the account, as an administrator would
        (``mes_admin`` in docs/ssh.md); the JSON it prints, if any."""
        done = _run(
            [str(self.app), "--data-dir", str(self.data_dir), "--config", str(self.config), *args],
            cwd="/",
            env={
                "PATH": "/usr/bin:/bin",
                "HOME": str(self.account.home),
                "LANG": "C.UTF-8",
                "MES_TUI_KEYRING": "off",
                "MES_TUI_CONFIG_DIR": str(self.base / "etc"),
            },
            **_as_account(self.account),
        )
        return json.loads(done.stdout) if "--json" in args else done.stdout

    def registry(self) -> dict[str, dict[str, Any]]:
        """``registry list --json``, by NIR."""
        return {row["nir"]: row for row in self.cli("registry", "list", "--json")}

    def import_people(self, rows: list[dict[str, Any]]) -> None:
        path = self.base / "import.json"
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        path.chmod(0o644)
        self.cli("registry", "import", str(path))

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check`` on the registry, run as the account (a file the account
        could not open afterwards must not be created by the check)."""
        code = (
            "import sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1], timeout=30)\n"
            "print(conn.execute('PRAGMA integrity_check').fetchone()[0])\n"
        )
        done = _run(
            [sys.executable, "-c", code, str(self.registry_file)],
            cwd="/",
            env={"PATH": "/usr/bin:/bin"},
            **_as_account(self.account),
        )
        return done.stdout.strip()

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """A read-only look at the registry (as the account), for what ``registry list`` does
        not show."""
        code = (
            "import json, sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1], timeout=30)\n"
            "rows = conn.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()\n"
            "print(json.dumps(rows))\n"
        )
        done = _run(
            [sys.executable, "-c", code, str(self.registry_file), sql, json.dumps(params)],
            cwd="/",
            env={"PATH": "/usr/bin:/bin"},
            **_as_account(self.account),
        )
        return [tuple(row) for row in json.loads(done.stdout)]

    def app_processes(self) -> dict[int, str]:
        """The mes-tui processes serving this server's connections: pid → command line."""
        found = {}
        marker = str(self.data_dir)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            words = [a.decode(errors="replace") for a in argv if a]
            if marker in words and "--no-messages" in words:
                found[int(entry.name)] = " ".join(words)
        return found

    def stop(self) -> None:
        for terminal in self.terminals:
            terminal.close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
        # Connections still open when a test failed: their sshd children and apps are ours.
        deadline = time.monotonic() + 10
        while self.app_processes() and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in self.app_processes():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def wait_gone(pid: int, timeout: float = 20) -> bool:
    """True once process ``pid`` has ended (it is not our child: watch /proc)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def process_facts(pid: int) -> tuple[int, bool]:
    """(session id, whether SIGHUP is caught) of process ``pid``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    session = int(fields[3])
    caught = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            caught = int(line.split()[1], 16)
    return session, bool(caught & (1 << (signal.SIGHUP - 1)))


@contextlib.contextmanager
def ssh_server() -> Iterator[SshServer]:
    """A running sshd set up as docs/ssh.md says, and everything removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="mes-tui-ssh-"))
    base.chmod(0o755)  # the account reads the wrapper, the keys list and the settings here
    account = _make_account(base)
    server = SshServer(base, account)
    try:
        server.prepare()
        server.start()
        yield server
    finally:
        server.stop()
        _delete_account(account)
        shutil.rmtree(base, ignore_errors=True)
