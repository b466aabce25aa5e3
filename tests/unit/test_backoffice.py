"""The one factory of the back office (``mes_tui.backoffice``): built from the settings, opened
on first use only (once, whichever thread comes first), its messages and its administration
those of the session it opened."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from mes_tui import services
from mes_tui.backoffice import BackOffice, open_back_office, simulated_back_office
from mes_tui.config import load_settings
from mes_tui.models import Channel
from mes_tui.services.api import OutboxMessage
from mes_tui.services.errors import ServiceError, TicketRefused
from tests.simulation import sign_in

REPO = Path(__file__).resolve().parents[2]
MARTINE = "116304403801618"


def settings_on(data_dir: Path) -> Any:
    return load_settings(environ={}, overrides={"data_dir": str(data_dir)})


def test_building_it_opens_and_imports_nothing(tmp_path: Path) -> None:
    """Built before the first screen: neither the registry nor its libraries yet."""
    data_dir = tmp_path / "data"
    probe = f"""
import json, sys
from pathlib import Path
from mes_tui.backoffice import open_back_office
from mes_tui.config import load_settings
settings = load_settings(environ={{}}, overrides={{"data_dir": {str(data_dir)!r}}})
back_office = open_back_office(settings)
unsubscribe = back_office.messages.subscribe(print)
heavy = ("mes_tui.services", "sqlite3", "pydantic", "argon2", "keyring", "fpdf")
print(json.dumps([name for name in heavy if name in sys.modules]))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []
    assert not data_dir.exists()


def test_it_opens_on_first_use_once_whichever_thread_comes_first(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path | None] = []
    real = services.open_service

    def counted(path: Path | None = None, **kwargs: Any) -> services.SimulatedService:
        opened.append(path)
        return real(path, **kwargs)

    monkeypatch.setattr(services, "open_service", counted)
    back_office = open_back_office(settings_on(data_dir))
    assert opened == [] and not data_dir.exists()
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def use() -> None:
        start.wait()
        try:
            back_office.service.sign_out(None)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert opened == [data_dir]
    assert back_office.admin is not None
    assert any(e.nir == MARTINE for e in back_office.admin.list_registry())
    assert opened == [data_dir]  # the administration is that same opening


def test_its_messages_are_those_of_its_session(data_dir: Path) -> None:
    back_office = open_back_office(settings_on(data_dir))
    assert back_office.messages is not None
    heard: list[OutboxMessage] = []
    unsubscribe = back_office.messages.subscribe(heard.append)  # before it opens
    assert back_office.admin is not None
    ticket = sign_in(back_office.service, back_office.admin, MARTINE)
    back_office.service.start_contact_change(ticket, MARTINE, Channel.EMAIL, "martine@exemple.fr")
    (message,) = heard
    assert message.to == "martine@exemple.fr" and message.code
    # Another session (another desk) on the same registry: its messages are its own.
    other = open_back_office(settings_on(data_dir))
    assert other.admin is not None
    karim = "178077511408918"
    theirs = sign_in(other.service, other.admin, karim)
    other.service.start_contact_change(theirs, karim, Channel.EMAIL, "karim@exemple.fr")
    assert len(heard) == 1
    unsubscribe()
    back_office.service.start_contact_change(ticket, MARTINE, Channel.SMS, "0611121314")
    assert len(heard) == 1
    assert [m.to for m in back_office.admin.outbox()[-3:]] == [
        "martine@exemple.fr",
        "karim@exemple.fr",
        "+33611121314",
    ]


def test_prepare_opens_it_and_readies_the_key(data_dir: Path) -> None:
    back_office = open_back_office(settings_on(data_dir))
    back_office.service.prepare()
    assert (data_dir / "registry.sqlite3").is_file()
    assert (data_dir / "secret.key").is_file()


def test_a_failure_to_open_is_raised_and_tried_again(tmp_path: Path) -> None:
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    back_office = simulated_back_office(blocker / "data")
    with pytest.raises((OSError, ServiceError)):
        back_office.open()
    with pytest.raises((OSError, ServiceError)):
        back_office.service.prepare()
    blocker.unlink()
    blocker.mkdir()
    back_office.open()  # the folder can be made now
    assert back_office.admin is not None
    ticket = sign_in(back_office.service, back_office.admin, MARTINE)
    assert back_office.service.get_person(ticket, MARTINE).nir == MARTINE


def test_the_service_handed_to_the_front_ends_asks_for_tickets(data_dir: Path) -> None:
    back_office = open_back_office(settings_on(data_dir))
    with pytest.raises(TicketRefused):
        back_office.service.get_person(None, MARTINE)
    assert back_office.admin is not None
    ticket = sign_in(back_office.service, back_office.admin, MARTINE)
    assert back_office.service.get_person(ticket, MARTINE).nir == MARTINE


def test_the_key_file_of_the_settings_is_used(tmp_path: Path) -> None:
    key_file = tmp_path / "cles" / "codes.key"
    key_file.parent.mkdir(mode=0o700)
    settings = load_settings(
        environ={}, overrides={"data_dir": str(tmp_path / "data"), "key_file": str(key_file)}
    )
    open_back_office(settings).open()
    assert key_file.is_file()
    assert not (tmp_path / "data" / "secret.key").exists()


def test_a_service_alone_has_neither_messages_nor_administration(data_dir: Path) -> None:
    back_office = BackOffice(service=services.TicketedService(services.open_service(data_dir)))
    back_office.open()  # nothing to open: it is open
    assert back_office.admin is None and back_office.messages is None
