"""``mes-tui registry import`` (and ``registry list``, ``outbox``) against hostile files.

Names that are merely unusual (markup, emoji, full-width letters, Arabic-Indic digits, 100
characters) are imported and come back literally; names that carry control or invisible
characters are refused, the row named; look-alike digits are never taken for digits; a file
that cannot be read says why, in French; whatever the file holds, nothing is imported unless
everything is right, nothing crashes, and no escape sequence of the file reaches the terminal.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
import unicodedata
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from mes_tui.cli import run
from mes_tui.services import demo as d
from mes_tui.services import open_service, rules
from mes_tui.services.clock import FakeClock
from mes_tui.texts import cli as tc
from mes_tui.texts import service as ts

ROOT = Path(__file__).resolve().parents[2]

# Names that must be imported and shown exactly as written.
LITERAL_NAMES = [
    "[b]Jean[/b]",
    "[/]",
    "[@click=app.quit]x[/]",
    "[$accent]",
    "Zoé 😀👍",
    "Ｍａｒｔｉｎｅ",  # full-width letters
    "Jean ٣",  # an Arabic-Indic digit
    "محمد",
    "Ἀλέξανδρος",
    "L" * 100,  # the longest name allowed
    "O'Brien-Ça {name} %s",
]
# Names that must be refused: a control or invisible character in each.
HOSTILE_NAMES = [
    "\x1b]0;title\x07Jean",
    "Jean\x1b[2J",
    "Jean\x00",
    "Je\x07an",
    "Jean\x9b31m",  # C1 CSI
    "Jean\x85Paul",  # C1 NEL, which str.splitlines takes for a line break
    "Jean\u2028Paul",  # LINE SEPARATOR, likewise
    "Jean\tPaul",
    "Jean\nPaul",
    "\u202eLUAP",  # right-to-left override
    "Je\u200ban",  # zero-width space
    "Je\u200dan",  # zero-width joiner
    "\ufeffJean",  # zero-width no-break space (BOM) inside a value
]

# Valid NIRs, card serials and codes for the rows of the files (not in the demo registry).
BODIES = [f"1{40 + n:02d}0575{100 + n:03d}{200 + n:03d}" for n in range(40)]
NIRS = [body + f"{97 - int(body) % 97:02d}" for body in BODIES]


def row(n: int, **fields: Any) -> dict[str, Any]:
    """A valid row for the n-th fictitious person, with ``fields`` replaced."""
    base: dict[str, Any] = {
        "nir": NIRS[n],
        "first_name": "Alex",
        "last_name": "TESTEUR",
        "birth_date": "1970-05-01",
        "card_type": "sans_photo",
        "card_serial": f"0{n + 1:02d}7654321",
        "provisional_code": f"Ab{n:02d}cdEFgh2k",
        "status": "en_attente",
        "email": "",
        "mobile": "",
        "profiles": "",
    }
    base.update(fields)
    return base


def write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ";") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def cli(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """``cli("registry", "list")`` → (exit code, standard output, standard error)."""
    # A fixed clock is not needed: the demo registry's dates are all in the past.

    def invoke(*argv: str) -> tuple[int, str, str]:
        code = run(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def assert_terminal_safe(text: str) -> None:
    """Only printable characters, spaces and line ends: no ESC, C0, C1, bidi or zero-width."""
    for ch in text:
        if ch == "\n":
            continue
        assert unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"), (
            f"U+{ord(ch):04X} in {text!r}"[:300]
        )


def registry(data_dir: Path) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data_dir / "registry.sqlite3")) as conn:
        return conn.execute("SELECT * FROM people ORDER BY nir").fetchall()


# -- names that are only unusual are kept as written -----------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_unusual_names_are_imported_and_listed_literally(
    cli: Any, tmp_path: Path, fmt: str
) -> None:
    rows = [row(n, first_name=name, last_name=name) for n, name in enumerate(LITERAL_NAMES)]
    path = tmp_path / f"people.{fmt}"
    (write_csv if fmt == "csv" else write_json)(path, rows)
    code, out, err = cli("registry", "import", str(path))
    assert (code, err) == (0, ""), err
    assert out.strip() == tc.IMPORT_DONE.format(count=len(rows))

    code, out, err = cli("registry", "list", "--json")
    assert code == 0
    listed = {entry["nir"]: entry for entry in json.loads(out)}
    for n, name in enumerate(LITERAL_NAMES):
        assert (listed[NIRS[n]]["first_name"], listed[NIRS[n]]["last_name"]) == (name, name)

    code, out, err = cli("registry", "list")
    assert code == 0
    assert_terminal_safe(out)
    for name in LITERAL_NAMES:
        assert f"{name} {name}" in out


def test_the_list_imports_back_unchanged(cli: Any, tmp_path: Path) -> None:
    rows = [row(n, first_name=name) for n, name in enumerate(LITERAL_NAMES)]
    cli("registry", "import", str(write_json(tmp_path / "a.json", rows)))
    _, listed, _ = cli("registry", "list", "--json")
    (tmp_path / "b.json").write_text(listed, encoding="utf-8")
    assert cli("registry", "import", str(tmp_path / "b.json"))[0] == 0
    assert cli("registry", "list", "--json")[1] == listed


# -- names with control or invisible characters are refused, the row named -------------------------
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_names_with_control_or_invisible_characters_are_refused_row_by_row(
    cli: Any, data_dir: Path, tmp_path: Path, fmt: str
) -> None:
    cli("registry", "list")  # the demo registry, before
    before = registry(data_dir)
    good = [row(n) for n in range(len(HOSTILE_NAMES))]
    bad = [row(20 + n, first_name=name) for n, name in enumerate(HOSTILE_NAMES)]
    # Good and bad rows interleaved: each bad row must be reported under its own number.
    rows = [r for pair in zip(good, bad, strict=True) for r in pair]
    path = tmp_path / f"people.{fmt}"
    (write_csv if fmt == "csv" else write_json)(path, rows)
    code, out, err = cli("registry", "import", str(path))
    assert code == 1
    assert out == ""
    assert_terminal_safe(err)
    lines = err.splitlines()
    assert lines[0] == "mes-tui : " + tc.IMPORT_REJECTED.format(count=len(HOSTILE_NAMES))
    expected = [
        tc.IMPORT_ROW.format(
            row=2 * n + 2, reason=ts.IMPORT_PROBLEM.format(field="prénom", reason="")
        ).rstrip()
        + " "
        + ts.IMPORT_NAME_CONTROL
        for n in range(len(HOSTILE_NAMES))
    ]
    assert lines[1:] == expected
    assert registry(data_dir) == before  # nothing imported


def test_hostile_column_names_and_values_are_quoted_without_their_controls(
    cli: Any, tmp_path: Path
) -> None:
    rows = [
        {**row(0), "\x1b]0;pwned\x07": "x"},
        row(1, profiles=["\x1b[2J\x1b[31m", "\u202e116304403801618"]),
        row(2, status="\x9b31m", card_type="[b]sans[/b]", email="a\x00@b.fr"),
    ]
    code, _, err = cli("registry", "import", str(write_json(tmp_path / "p.json", rows)))
    assert code == 1
    assert_terminal_safe(err)
    assert "ligne 1 : ]0;pwned : colonne inconnue « ]0;pwned »" in err
    assert "ligne 2 : profils rattachés : [2J[31m :" in err
    assert "ligne 3 : statut :" in err and "ligne 3 : type de carte :" in err


# -- look-alike digits are not digits --------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("nir", "１７００５７５１００２００" + NIRS[0][13:], "NIR"),
        ("nir", "١٧٠٠٥٧٥١٠٠٢٠٠" + NIRS[0][13:], "NIR"),
        ("card_serial", "０１７６５４３２１", "numéro de série"),
        ("card_serial", "٠١٧٦٥٤٣٢١", "numéro de série"),
        ("birth_date", "０１/０５/１９７０", "date de naissance"),
        ("birth_date", "٠١/٠٥/١٩٧٠", "date de naissance"),
        ("mobile", "٠٦ ١١ ١٢ ١٣ ١٤", "mobile"),
        ("mobile", "０６ １１ １２ １３ １４", "mobile"),
        ("provisional_code", "Ａｂ００ｃｄＥＦｇｈ２ｋ", "code provisoire"),
        ("email", "jean@exam\u200bple.fr", "e-mail"),
    ],
)
def test_look_alike_digits_and_invisible_characters_are_refused(
    cli: Any, tmp_path: Path, field: str, value: str, label: str
) -> None:
    code, _, err = cli(
        "registry", "import", str(write_csv(tmp_path / "p.csv", [row(0, **{field: value})]))
    )
    assert code == 1
    assert_terminal_safe(err)
    assert f"ligne 1 : {label} :" in err, err


# -- sizes -----------------------------------------------------------------------------------------
def test_a_very_long_name_is_refused_quickly_and_not_echoed(cli: Any, tmp_path: Path) -> None:
    rows = [row(0, first_name="A" * 1_000_000), row(1, last_name="B" * 101)]
    started = time.monotonic()
    code, _, err = cli("registry", "import", str(write_json(tmp_path / "p.json", rows)))
    assert time.monotonic() - started < 10
    assert code == 1
    too_long = ts.IMPORT_NAME_TOO_LONG.format(max=100)
    assert f"ligne 1 : prénom : {too_long}" in err
    assert f"ligne 2 : nom : {too_long}" in err
    assert len(err) < 2_000
    # In a CSV file, a value that long is beyond what the csv module reads: the file is refused
    # as a whole, on the line of the record.
    code, _, err = cli("registry", "import", str(write_csv(tmp_path / "p.csv", rows)))
    assert (code, err) == (1, f"mes-tui : {tc.CSV_UNREADABLE.format(line=2)}\n")


def test_a_megabyte_on_one_line_is_refused_quickly(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "paste.csv"
    path.write_text("x" * 1_000_000, encoding="utf-8")
    started = time.monotonic()
    code, _, err = cli("registry", "import", str(path))
    assert time.monotonic() - started < 10
    # A header longer than the csv module reads: nobody imported, one line.
    assert (code, err) == (1, f"mes-tui : {tc.CSV_UNREADABLE.format(line=1)}\n")


@pytest.mark.parametrize(
    "content",
    [b"", b"\xef\xbb\xbf", b"   \n\n", b"nir;first_name;last_name\n", b"[]", b"[]\n"],
    ids=["empty", "bom", "blank", "header-only", "empty-list", "empty-list-line"],
)
def test_a_file_with_nobody_is_refused(cli: Any, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    code, out, err = cli("registry", "import", str(path))
    assert (code, out, err) == (1, "", f"mes-tui : {ts.IMPORT_EMPTY}\n")


def test_a_file_beyond_the_size_bound_is_refused_before_it_is_read_whole(
    cli: Any, data_dir: Path, tmp_path: Path
) -> None:
    cli("registry", "list")
    before = registry(data_dir)
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.write(b"[")
        handle.write(b'{"nir": "1", "first_name": "x"},' * 200_000)  # about 6 MB
        handle.write(b"{}]")
    code, out, err = cli("registry", "import", str(path))
    assert (code, out) == (1, "")
    assert err == "mes-tui : " + tc.FILE_TOO_LARGE.format(max=4) + "\n"
    assert registry(data_dir) == before


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_file_beyond_the_row_bound_is_refused(cli: Any, tmp_path: Path, fmt: str) -> None:
    rows = [row(0)] * (rules.IMPORT_MAX_ROWS + 1)  # well under the size bound
    path = tmp_path / f"people.{fmt}"
    (write_csv if fmt == "csv" else write_json)(path, rows)
    code, out, err = cli("registry", "import", str(path))
    too_many = ts.IMPORT_TOO_MANY_ROWS.format(max=rules.IMPORT_MAX_ROWS)
    assert (code, out, err) == (1, "", f"mes-tui : {too_many}\n")


def test_a_json_file_of_empty_objects_stops_being_read_at_the_bound(
    cli: Any, tmp_path: Path
) -> None:
    path = tmp_path / "objects.json"
    path.write_bytes(b"[" + b"{}," * 1_300_000 + b"{}]")  # under 4 MB, 1.3 million objects
    started = time.monotonic()
    code, _, err = cli("registry", "import", str(path))
    assert time.monotonic() - started < 5
    too_many = ts.IMPORT_TOO_MANY_ROWS.format(max=rules.IMPORT_MAX_ROWS)
    assert (code, err) == (1, f"mes-tui : {too_many}\n")


# The peak of this process alone: VmHWM belongs to the memory the program was started with,
# while ru_maxrss carries over the peak of the process that forked it (a big test worker).
PEAK_MEMORY = """
import sys
from mes_tui.cli import run
code = run(sys.argv[1:])
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(code, peak_kb // 1024, file=sys.stderr)
"""


@pytest.mark.parametrize("source", ["/dev/zero", "pipe"])
def test_a_device_or_a_pipe_without_end_is_read_with_the_same_bound(
    tmp_path: Path, source: str
) -> None:
    """``registry import /dev/zero`` once grew to 5.5 GB in 20 s: read with the bound, it is
    refused in a moment, in a few tens of megabytes."""
    feeder = None
    command = ["registry", "import", source]
    if source == "pipe":  # yes(1) writes for ever into the program's standard input
        feeder = subprocess.Popen(["yes", "nir;first_name"], stdout=subprocess.PIPE)
        command[-1] = "/dev/stdin"
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", PEAK_MEMORY, "--data-dir", str(tmp_path / "data"), *command],
            stdin=feeder.stdout if feeder else subprocess.DEVNULL,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin", "MES_TUI_KEYRING": "off", "PYTHONPATH": str(ROOT)},
            timeout=60,
            check=False,
        )
    finally:
        if feeder is not None:
            feeder.kill()
            feeder.wait()
    assert time.monotonic() - started < 20
    lines = done.stderr.decode().splitlines()
    assert lines[0] == "mes-tui : " + tc.FILE_TOO_LARGE.format(max=4)
    code, peak_mb = (int(word) for word in lines[1].split())
    assert (done.returncode, code) == (0, 1)
    assert peak_mb < 200, f"{peak_mb} MB"


# -- values of the wrong type are refused, row and field named ---------------------------------
@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (True, "vrai ou faux (true, false)"),
        (12345, "un nombre"),
        (1e308, "un nombre"),
        (["Jean", "Paul"], "une liste"),
        ({"a": 1}, "un objet"),
    ],
)
def test_a_json_value_that_is_not_text_is_refused_on_its_row(
    cli: Any, data_dir: Path, tmp_path: Path, value: object, kind: str
) -> None:
    cli("registry", "list")
    before = registry(data_dir)
    rows = [row(0), row(1, last_name=value), row(2, nir=value, email=value)]
    code, out, err = cli("registry", "import", str(write_json(tmp_path / "p.json", rows)))
    assert (code, out) == (1, "")
    refused = ts.IMPORT_NOT_TEXT.format(kind=kind)
    assert err.splitlines() == [
        "mes-tui : " + tc.IMPORT_REJECTED.format(count=2),
        f"ligne 2 : nom : {refused}",
        f"ligne 3 : NIR : {refused}",
        f"ligne 3 : e-mail : {refused}",
    ]
    assert registry(data_dir) == before


def test_profiles_that_loop_are_refused_from_a_csv_file(cli: Any, tmp_path: Path) -> None:
    rows = [row(0, profiles=NIRS[1]), row(1, profiles=NIRS[2]), row(2, profiles=NIRS[0])]
    code, _, err = cli("registry", "import", str(write_csv(tmp_path / "p.csv", rows)))
    assert code == 1
    loop = ts.IMPORT_CYCLE.format(path="ligne 1 → ligne 2 → ligne 3 → ligne 1")
    assert err.splitlines()[1:] == [f"ligne 1 : profils rattachés : {loop}"]


# -- files that cannot be read say why -------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nir;first_name\n1;Hélène\n".encode("latin-1"), tc.NOT_UTF8.format(position=18)),
        (b"[" * 100_000, tc.JSON_UNREADABLE),
        (b'[{"nir": ' + b"1" * 5_000 + b"}]", tc.JSON_UNREADABLE),
        (b'[{"nir": "1"', None),  # cut short: JSON_INVALID with its line
        (b'{"nir": "1"}', tc.JSON_NOT_LIST),
        (b'nir;first_name\n"1;' + b"x" * 200_000 + b"\n", None),  # beyond the csv limit
        (b"\x00\x01\x02\xff\xfe", None),
    ],
)
def test_unreadable_files_fail_with_one_french_line(
    cli: Any, data_dir: Path, tmp_path: Path, content: bytes, message: str | None
) -> None:
    cli("registry", "list")
    before = registry(data_dir)
    path = tmp_path / "people.data"
    path.write_bytes(content)
    code, out, err = cli("registry", "import", str(path))
    assert code == 1
    assert out == ""
    assert_terminal_safe(err)
    assert err.startswith("mes-tui : ") and "Traceback" not in err
    if message is not None:
        assert err == f"mes-tui : {message}\n"
    assert registry(data_dir) == before


def test_nul_bytes_inside_a_csv_value_are_refused_on_their_row(cli: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [row(0), row(1, last_name="TES\x00TEUR")])
    code, _, err = cli("registry", "import", str(path))
    assert code == 1
    assert f"ligne 2 : nom : {ts.IMPORT_NAME_CONTROL}" in err


def test_a_quoted_line_break_stays_inside_its_row(cli: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [row(0, first_name="Jean\r\nPaul"), row(1), row(2)])
    code, _, err = cli("registry", "import", str(path))
    assert code == 1
    assert err.splitlines()[1:] == [f"ligne 1 : prénom : {ts.IMPORT_NAME_CONTROL}"]


def test_a_missing_file_or_a_folder_fails_with_one_line(cli: Any, tmp_path: Path) -> None:
    for target in (tmp_path / "absent.csv", tmp_path):
        code, out, err = cli("registry", "import", str(target))
        assert (code, out) == (1, "")
        assert err.startswith("mes-tui : ") and err.count("\n") == 1


# -- plain outputs never pass an escape through ----------------------------------------------------
def test_plain_outputs_show_markup_literally(cli: Any, tmp_path: Path) -> None:
    # A person without e-mail gets her invitation by letter, addressed to her name.
    rows = [row(0, first_name="[b]Jean[/b]", last_name="[@click=app.quit]x[/]")]
    cli("registry", "import", str(write_json(tmp_path / "p.json", rows)))
    code, out, _ = cli("outbox")
    assert code == 0
    assert_terminal_safe(out)
    assert "courrier [b]Jean[/b] [@click=app.quit]x[/]  invitation" in out


def test_an_outbox_edited_by_hand_reaches_the_terminal_without_escapes(
    cli: Any, data_dir: Path
) -> None:
    cli("registry", "list")  # creates the data directory and its outbox
    forged = {
        "channel": "sms",
        "to": "\x1b]0;pwned\x07+33611121314",
        "purpose": "\x1b[2Jverification_mobile\u202e",
        "code": "\x9b31m123456",
        "subject": "\x1b[5m",
        "body": "Bonjour\x1b[8m",
        "sent_at": "2026-01-01T10:00:00+00:00",
    }
    with (data_dir / "outbox.jsonl").open("a", encoding="utf-8") as outbox:
        outbox.write(json.dumps(forged, ensure_ascii=False) + "\n")
        outbox.write("\x1b[2J not even json\n")
    code, out, err = cli("outbox")
    assert code == 0 and err == ""
    assert_terminal_safe(out)
    assert "]0;pwned+33611121314  [2Jverification_mobile  31m123456" in out
    code, out, _ = cli("outbox", "--json")
    assert code == 0
    assert "\x1b" not in out  # JSON escapes it
    assert json.loads(out)[-1]["to"] == forged["to"]


def test_a_registry_written_by_another_tool_is_listed_without_escapes(
    cli: Any, data_dir: Path
) -> None:
    # The registry may one day be filled by another program (PostgreSQL, say): the plain list
    # must not trust it.
    service = open_service(data_dir, clock=FakeClock())
    service.storage.write(
        lambda conn: conn.execute(
            "UPDATE people SET first_name = ?, last_name = ?, email = ?, mobile = ? WHERE nir = ?",
            ("\x1b]0;x\x07Kar\u202eim", "BEN\x00ALI\x1b[2J", "k\x1b[5m@b.fr", "\x9b2J", d.KARIM),
        )
    )
    code, out, _ = cli("registry", "list")
    assert code == 0
    assert_terminal_safe(out)
    assert "BENALI[2J ]0;xKarim" in out


def test_the_json_list_escapes_what_a_terminal_would_obey_and_keeps_the_data(
    cli: Any, data_dir: Path
) -> None:
    """``registry list --json`` and ``outbox --json`` go to a terminal as often as to a
    program: controls, bidi overrides and zero-width characters are written as JSON escapes,
    so that the terminal shows them and a JSON reader gets the very same text back."""
    service = open_service(data_dir, clock=FakeClock())
    first, last = "Kar\u202eim\u200b", "BEN\x85ALI\x1b[2J\u2028\x7f"
    service.storage.write(
        lambda conn: conn.execute(
            "UPDATE people SET first_name = ?, last_name = ? WHERE nir = ?", (first, last, d.KARIM)
        )
    )
    code, out, _ = cli("registry", "list", "--json")
    assert code == 0
    assert_terminal_safe(out)
    assert "\\u202e" in out and "Françoise Hélène" in out  # accents stay readable
    karim = next(p for p in json.loads(out) if p["nir"] == d.KARIM)
    assert (karim["first_name"], karim["last_name"]) == (first, last)
    code, out, _ = cli("outbox", "--json")
    assert code == 0
    assert_terminal_safe(out)


# -- the real program, once, through a pipe --------------------------------------------------------
def test_the_installed_command_rejects_a_hostile_file_cleanly(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        [row(0), row(1, first_name="\x1b]0;title\x07\x1b[2J"), row(2, last_name="[b]x[/b]")],
    )
    done = subprocess.run(
        [
            *(sys.executable, "-m", "mes_tui", "--data-dir", str(tmp_path / "data")),
            *("registry", "import", str(path)),
        ],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "MES_TUI_KEYRING": "off", "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"\x1b" not in done.stderr and b"\x07" not in done.stderr
    err = done.stderr.decode()
    assert err.splitlines()[1] == f"ligne 2 : prénom : {ts.IMPORT_NAME_CONTROL}"
