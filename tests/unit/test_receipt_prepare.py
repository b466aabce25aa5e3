"""The receipt prepared in the background once an opposition is recorded
(``receipts.prepare``): fpdf2 loaded and the fonts ready before any receipt is asked, never at
start-up nor for a decision that gives no receipt. Each case in a fresh process: fpdf2 is
loaded once per process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.unit.test_services_storage import REPO, run_python

PROBE = """
import json, sys, time
from pathlib import Path
import mes_tui.app, mes_tui.__main__
from mes_tui.models import CardType, Status
from mes_tui.services import open_service, receipts
from mes_tui.services.demo import JEAN_JACQUES, MARTINE

service = open_service(Path({data_dir!r}))
service.identify("HuqZF3KXCz8k", MARTINE, CardType.SANS_PHOTO, "01024576124")
seen = {{"opened": "fpdf" in sys.modules or receipts._preparing is not None}}
mode = {mode!r}
if mode in ("self", "receipt at once"):
    service.oppose(MARTINE, expected=Status.EN_ATTENTE)
elif mode == "profile":
    service.decide_profile(MARTINE, JEAN_JACQUES, Status.OPPOSEE, expected=Status.EN_ATTENTE)
elif mode == "activate":
    service.decide_profile(MARTINE, JEAN_JACQUES, Status.ACTIVE, expected=Status.EN_ATTENTE)
seen["started"] = receipts._preparing is not None
if mode == "receipt at once":  # while the warm-up waits or works: it waits for it
    data = service.receipt(MARTINE).data
    seen["receipt"] = data.startswith(b"%PDF-") and b"%%EOF" in data[-10:]
elif seen["started"]:
    deadline = time.monotonic() + 45
    while receipts._preparing.is_alive() and time.monotonic() < deadline:
        receipts._preparing.join(0.05)
    from mes_tui.services import pdf_fonts
    seen["ready"] = not receipts._preparing.is_alive() and len(pdf_fonts._subsets) == 2
seen["fpdf"] = "fpdf" in sys.modules
print(json.dumps(seen))
"""


def _probe(data_dir: Path, mode: str) -> dict[str, bool]:
    env = {**os.environ, "MES_TUI_KEYRING": "off", "PYTHONPATH": str(REPO)}
    out = run_python(PROBE.format(data_dir=str(data_dir), mode=mode), env)
    return json.loads(out.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("mode", ["self", "profile"])
def test_an_opposition_prepares_the_receipt_without_one_being_asked(
    tmp_path: Path, mode: str
) -> None:
    seen = _probe(tmp_path / "data", mode)
    assert seen == {"opened": False, "started": True, "ready": True, "fpdf": True}


@pytest.mark.parametrize("mode", ["none", "activate"])
def test_the_app_opened_or_a_profile_activated_loads_no_pdf_library(
    tmp_path: Path, mode: str
) -> None:
    seen = _probe(tmp_path / "data", mode)
    assert seen == {"opened": False, "started": False, "fpdf": False}


def test_a_receipt_asked_while_it_is_prepared_waits_and_is_whole(tmp_path: Path) -> None:
    seen = _probe(tmp_path / "data", "receipt at once")
    assert seen == {"opened": False, "started": True, "receipt": True, "fpdf": True}
