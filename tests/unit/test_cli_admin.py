"""The trainer's subcommands (``mes-tui registry list/import/reset``, ``mes-tui outbox``) go
through ``RegistryAdmin`` only: given any implementation of it, they print what it holds and do
what it does, without opening anything else."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mes_tui import backoffice, cli
from mes_tui.models import CardType, Channel, Status
from mes_tui.services.api import OutboxMessage, RegistryEntry
from mes_tui.services.errors import ImportRejected
from mes_tui.texts import cli as t

ENTRY = RegistryEntry(
    nir="116304403801618",
    first_name="Martine Julie",
    last_name="LEGUELLEC",
    birth_date=date(1976, 6, 16),
    card_type=CardType.SANS_PHOTO,
    card_serial="01024576124",
    provisional_code="HuqZF3KXCz8k",
    status=Status.EN_ATTENTE,
    email="dlfr-cn5-tma-support-cobra@atos.net",
    mobile=None,
    profiles=("299044403802139",),
)
MESSAGE = OutboxMessage(
    channel=Channel.SMS,
    to="+33611121314",
    purpose="verification_mobile",
    code="123456",
    subject="",
    body="Votre code : 123456",
    sent_at=datetime(2021, 9, 28, 10, 0, tzinfo=UTC),
)


class Admin:
    """A ``RegistryAdmin`` of another kind than the simulation, recording what it is asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def list_registry(self) -> list[RegistryEntry]:
        self.calls.append(("list", None))
        return [ENTRY]

    def import_registry(self, rows: list[dict[str, Any]]) -> int:
        self.calls.append(("import", rows))
        if any(row.get("nir") == "mauvais" for row in rows):
            raise ImportRejected([(2, "NIR invalide"), (2, "date invalide")])
        return len(rows)

    def reset_registry(self) -> None:
        self.calls.append(("reset", None))

    def outbox(self) -> list[OutboxMessage]:
        self.calls.append(("outbox", None))
        return [MESSAGE]


class NotAService:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the subcommands never call the person-facing service ({name})")


@pytest.fixture
def admin(monkeypatch: pytest.MonkeyPatch) -> Admin:
    admin = Admin()

    def factory(settings: Any, **kwargs: Any) -> Any:
        return backoffice.BackOffice(service=NotAService(), admin=admin)  # type: ignore[arg-type]

    monkeypatch.setattr(backoffice, "open_back_office", factory)
    return admin


def run(data_dir: Path, *args: str) -> int:
    return cli.run(["--data-dir", str(data_dir), *args])


def test_list_prints_what_the_administration_holds(
    admin: Admin, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "registry", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == [ENTRY.as_json()]
    assert run(data_dir, "registry", "list") == 0
    out = capsys.readouterr().out
    assert "1 16 30 44 038 016 18  LEGUELLEC Martine Julie" in out and "HuqZF3KXCz8k" in out
    assert admin.calls == [("list", None), ("list", None)]
    assert not (data_dir / "registry.sqlite3").exists()  # nothing else was opened


def test_import_hands_every_row_over_and_reports_each_bad_one(
    admin: Admin, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "stagiaires.json"
    good.write_text(json.dumps([{"nir": "1"}, {"nir": "2"}]), encoding="utf-8")
    assert run(data_dir, "registry", "import", str(good)) == 0
    assert capsys.readouterr().out.strip() == t.IMPORT_DONE.format(count=2)
    bad = tmp_path / "mauvais.json"
    bad.write_text(json.dumps([{"nir": "1"}, {"nir": "mauvais"}]), encoding="utf-8")
    assert run(data_dir, "registry", "import", str(bad)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "mes-tui : " + t.IMPORT_REJECTED.format(count=1),
        t.IMPORT_ROW.format(row=2, reason="NIR invalide"),
        t.IMPORT_ROW.format(row=2, reason="date invalide"),
    ]
    assert [name for name, _ in admin.calls] == ["import", "import"]
    assert admin.calls[0][1] == [{"nir": "1"}, {"nir": "2"}]


def test_reset_and_outbox(admin: Admin, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, "registry", "reset") == 0
    assert capsys.readouterr().out.strip() == t.RESET_DONE
    assert run(data_dir, "outbox", "--json") == 0
    (shown,) = json.loads(capsys.readouterr().out)
    assert shown == {
        "channel": "sms",
        "to": "+33611121314",
        "purpose": "verification_mobile",
        "code": "123456",
        "sent_at": "2021-09-28T10:00:00+00:00",
        "subject": "",
    }
    assert run(data_dir, "outbox") == 0
    assert "sms      +33611121314  verification_mobile  123456" in capsys.readouterr().out
    assert [name for name, _ in admin.calls] == ["reset", "outbox", "outbox"]


def test_a_back_office_without_administration_says_so(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        backoffice,
        "open_back_office",
        lambda settings, **kwargs: backoffice.BackOffice(service=NotAService()),  # type: ignore[arg-type]
    )
    assert run(data_dir, "registry", "list") == 1
    assert capsys.readouterr().err == f"mes-tui : {t.NO_ADMIN}\n"
