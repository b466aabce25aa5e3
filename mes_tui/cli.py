"""Argument parsing and the trainer/administrator subcommands.

The back office is built once, from the settings (``mes_tui.backoffice.open_back_office``), and
handed to a front end, or its administration (``RegistryAdmin``) to a subcommand.

Exit codes: 0 success, 2 bad usage, 1 any other failure, each with one line on standard error.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from mes_tui.config import ConfigError, Settings, describe, load_settings
from mes_tui.preferences import THEMES
from mes_tui.texts import cli as t

if TYPE_CHECKING:
    from mes_tui.services.api import RegistryAdmin


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"mes-tui : {t.USAGE_ERROR} : {message} ({t.SEE_HELP})\n")


def _where_options(*, at_top: bool) -> _Parser:
    """``--data-dir`` and ``--config``, accepted before the command and after it
    (``mes-tui outbox --data-dir D``). After it, an option left out keeps the value given
    before (``SUPPRESS``: not set at all)."""
    where = _Parser(add_help=False)
    default = None if at_top else argparse.SUPPRESS
    where.add_argument(
        "--data-dir", type=Path, metavar="DOSSIER", help=t.HELP_DATA_DIR, default=default
    )
    where.add_argument(
        "--config", type=Path, metavar="FICHIER", help=t.HELP_CONFIG, default=default
    )
    return where


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mes-tui", description=t.DESCRIPTION, parents=[_where_options(at_top=True)]
    )
    parser.add_argument("--plain", action="store_true", help=t.HELP_PLAIN)
    parser.add_argument("--no-messages", action="store_true", help=t.HELP_NO_MESSAGES)
    parser.add_argument("--theme", choices=THEMES, metavar="THÈME", help=t.HELP_THEME)
    parser.add_argument("--profile", metavar="PROFIL", help=t.HELP_PROFILE)
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    after = [_where_options(at_top=False)]

    registry = sub.add_parser("registry", help=t.HELP_REGISTRY)
    registry_sub = registry.add_subparsers(
        dest="registry_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    listing = registry_sub.add_parser("list", help=t.HELP_REGISTRY_LIST, parents=after)
    listing.add_argument("--json", action="store_true", help=t.HELP_JSON)
    importing = registry_sub.add_parser("import", help=t.HELP_REGISTRY_IMPORT, parents=after)
    importing.add_argument("file", type=Path, metavar="FICHIER")
    registry_sub.add_parser("reset", help=t.HELP_REGISTRY_RESET, parents=after)
    registry_sub.add_parser("reset-key", help=t.HELP_REGISTRY_RESET_KEY, parents=after)

    outbox = sub.add_parser("outbox", help=t.HELP_OUTBOX, parents=after)
    outbox.add_argument("--json", action="store_true", help=t.HELP_JSON)

    config = sub.add_parser("config", help=t.HELP_CONFIG_COMMAND, parents=after)
    config.add_argument("--json", action="store_true", help=t.HELP_JSON)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    from mes_tui import preferences

    return load_settings(
        config_file=args.config,
        preferences=preferences.load(),
        overrides={
            "data_dir": str(args.data_dir) if args.data_dir else None,
            "theme": args.theme,
            "profile": args.profile,
            "show_messages": False if args.no_messages else None,
        },
    )


def _data_dir(settings: Settings) -> Path:
    if settings["data_dir"]:
        return Path(settings["data_dir"])
    # What mes_tui.services.default_data_dir gives once MES_TUI_DATA_DIR is read (settings did):
    # importing the services package loads the back office (pydantic, sqlite3...), which the
    # first screen does not need.
    import platformdirs

    return Path(platformdirs.user_data_dir("mes-tui", appauthor=False))


def _fail(message: str) -> int:
    print(f"mes-tui : {message}", file=sys.stderr)
    return 1


def _configure_logging(data_dir: Path) -> None:
    """Log to ``DATA_DIR/mes-tui.log`` (owner only), never to the terminal the app draws on.
    Nothing logged carries a NIR, a code or a password."""
    import logging

    class QuietFileHandler(logging.FileHandler):
        def handleError(self, record: logging.LogRecord) -> None:
            """A line that cannot be written (a full disk) is lost: logging would print a
            traceback on the terminal instead."""

    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = data_dir / "mes-tui.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler: logging.Handler = QuietFileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(message)s"))
    logger = logging.getLogger("mes_tui")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def run(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ConfigError as error:
        print(f"mes-tui : {error}", file=sys.stderr)
        return 2
    data_dir = _data_dir(settings)
    if args.command == "config":
        return _config(settings, data_dir, as_json=args.json)
    _configure_logging(data_dir)
    if args.command is None:
        return _run_interface(args, settings, data_dir)
    from mes_tui.backoffice import open_back_office
    from mes_tui.services.errors import ServiceError

    try:
        if args.command == "registry" and args.registry_command == "reset-key":
            return _reset_key(data_dir, settings.key_file())
        admin = open_back_office(settings, data_dir=data_dir).admin
        if admin is None:
            return _fail(t.NO_ADMIN)
        if args.command == "registry":
            return _registry(args, admin)
        return _outbox(args, admin)
    except OSError as error:
        return _fail(t.IO_ERROR.format(error=error.strerror or error))
    except ServiceError as error:  # the registry is busy, its key is missing…
        return _fail(error.message)


def _wants_plain(args: argparse.Namespace) -> bool:
    return bool(
        args.plain
        or os.environ.get("MES_TUI_ACCESSIBLE", "") not in ("", "0")
        or os.environ.get("TERM") == "dumb"
        or not sys.stdin.isatty()
    )


def _config(settings: Settings, data_dir: Path, *, as_json: bool) -> int:
    from mes_tui.texts import config as tc
    from mes_tui.texts import safe

    settings.values["data_dir"] = str(data_dir)  # the folder really used, default included
    if as_json:
        data = {
            name: {"value": value, "source": settings.sources[name]}
            for name, value in settings.values.items()
        }
        print(safe.json_text(data))
        return 0
    where = settings.config_file
    print(tc.FILE_USED.format(path=safe.printable(str(where))) if where else tc.FILE_NONE)
    for line in describe(settings):
        print(line)
    return 0


def _run_interface(args: argparse.Namespace, settings: Settings, data_dir: Path) -> int:
    from mes_tui import registry_file
    from mes_tui.texts import config as tc

    # A registry that cannot work (empty, cut short, not a database, read-only) is said here,
    # in one line, before a screen opens on it. What only SQLite sees (a damaged page inside)
    # is said by the screen that meets it.
    registry = data_dir / registry_file.NAME
    problem = registry_file.check(registry)
    if problem is not None:
        import logging

        log = logging.getLogger("mes_tui")
        log.error("registre inutilisable (%s) : %s", problem.cause, registry)
        return _fail(problem.message(registry))

    # What the administrator (file, environment, flag) allows; the person's own remembered
    # choice may only turn the messages off, and stays changeable in the settings.
    show_messages = bool(settings["show_messages"])
    if settings.sources["show_messages"] == tc.SOURCE_PREFERENCES:
        show_messages = True
    from mes_tui.backoffice import open_back_office

    back_office = open_back_office(settings, data_dir=data_dir)  # opened on first use
    _exit_on_hangup_plain()
    if _wants_plain(args):
        from mes_tui.plain import run_plain

        return run_plain(
            data_dir=data_dir,
            show_messages=show_messages,
            back_office=back_office,
            receipt_folders=settings.receipt_folders(),
        )
    from mes_tui import preferences
    from mes_tui.app import MesApp

    prefs = settings.preferences()
    if args.theme:
        preferences.save(prefs)  # a theme chosen on the command line is remembered
    app = MesApp(
        data_dir=data_dir,
        back_office=back_office,
        show_messages=show_messages,
        preferences=prefs,
        save_preferences=True,
        idle_timeout=settings["idle_timeout"],
        idle_countdown=settings["idle_countdown"],
        receipt_folders=settings.receipt_folders(),
        tune_memory=True,
        build_ahead=True,
    )
    from mes_tui.lifeline import Lifeline

    app.lifeline = Lifeline(app.end_from_anywhere).start()
    app.run()
    app.lifeline.stop()
    code = app.return_code or 0
    app.lifeline.end(code)  # what is left (threads, interpreter) has the same bound
    return code


def _exit_on_hangup_plain() -> None:
    """In the plain mode a hangup or Ctrl+\\ ends the program through SystemExit (129, 131),
    so that ``finally`` blocks run (a receipt being written is cleaned up, a transaction rolled
    back, the echo turned back on). Ctrl+C ends it as its prompts say (exit 130), even when it
    was started with SIGINT ignored, as every program started in the background of a script
    is: Python would then leave Ctrl+C without effect."""
    import signal

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGHUP, leave)
    # Ctrl+\ (SIGQUIT) would otherwise kill it on the spot, echo left off after a masked prompt.
    signal.signal(signal.SIGQUIT, leave)
    signal.signal(signal.SIGINT, signal.default_int_handler)


# -- registry ------------------------------------------------------------------------------
def _registry(args: argparse.Namespace, admin: RegistryAdmin) -> int:
    from mes_tui.services.errors import ImportRejected
    from mes_tui.texts import safe

    if args.registry_command == "list":
        entries = admin.list_registry()
        if args.json:
            print(safe.json_text([e.as_json() for e in entries]))
        else:
            _print_registry_table([e.as_json() for e in entries])
        return 0
    if args.registry_command == "reset":
        admin.reset_registry()
        print(t.RESET_DONE)
        return 0
    try:
        rows = read_rows(args.file)
    except ValueError as error:
        return _fail(str(error))
    try:
        count = admin.import_registry(rows)
    except ImportRejected as rejected:
        bad_rows = len({row for row, _ in rejected.problems})  # a row may have several problems
        print(f"mes-tui : {t.IMPORT_REJECTED.format(count=bad_rows)}", file=sys.stderr)
        for row, reason in rejected.problems:
            print(t.IMPORT_ROW.format(row=row, reason=reason), file=sys.stderr)
        return 1
    print(t.IMPORT_DONE.format(count=count))
    return 0


def _reset_key(data_dir: Path, key_file: Path | None) -> int:
    """A new key for the codes: what to do when the old one is lost and cannot be restored."""
    from mes_tui.backoffice import reset_code_key
    from mes_tui.texts import service as ts

    where = reset_code_key(data_dir, key_file)
    print(ts.KEY_RESET_DONE.format(where=where))
    import logging

    logging.getLogger("mes_tui").warning("nouvelle clé de hachage des codes créée : %s", where)
    return 0


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV (header line, ``;`` or ``,``) or JSON (a list of objects) file.

    Read with a bound whatever ``path`` is (a file, a device, a pipe): at most
    ``rules.IMPORT_MAX_BYTES`` bytes and ``rules.IMPORT_MAX_ROWS`` rows, else ``ValueError``
    with the sentence to show, as for a file that cannot be read."""
    import csv  # here, not at the top: the app's start does not read CSV files

    from mes_tui.services import rules
    from mes_tui.texts import service as ts

    with path.open("rb") as handle:
        data = handle.read(rules.IMPORT_MAX_BYTES + 1)
    if len(data) > rules.IMPORT_MAX_BYTES:
        raise ValueError(t.FILE_TOO_LARGE.format(max=rules.IMPORT_MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(t.NOT_UTF8.format(position=error.start)) from None
    # Line ends as a text file read in Python has them: \r\n and \r become \n.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    too_many = ValueError(ts.IMPORT_TOO_MANY_ROWS.format(max=rules.IMPORT_MAX_ROWS))
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        objects = 0

        def counted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            # Stops the reading early: a file of empty objects would make millions of them.
            nonlocal objects
            objects += 1
            if objects > 2 * rules.IMPORT_MAX_ROWS:
                raise too_many
            return dict(pairs)

        try:
            parsed = json.loads(text, object_pairs_hook=counted)
        except json.JSONDecodeError as error:
            raise ValueError(t.JSON_INVALID.format(line=error.lineno, msg=error.msg)) from None
        except ValueError as error:
            if error is too_many:
                raise
            raise ValueError(t.JSON_UNREADABLE) from None  # a number too long to read
        except RecursionError:  # nested too deep
            raise ValueError(t.JSON_UNREADABLE) from None
        if not isinstance(parsed, list) or not all(isinstance(r, dict) for r in parsed):
            raise ValueError(t.JSON_NOT_LIST)
        if len(parsed) > rules.IMPORT_MAX_ROWS:
            raise too_many
        return parsed
    try:
        # The header line is enough to tell the delimiter (and a long line would be slow).
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0][:10_000], delimiters=";,")
    except csv.Error:
        dialect = csv.excel
    rows: list[dict[str, Any]] = []
    # Lines end at line breaks only (not at U+0085 or U+2028, as str.splitlines has it), and a
    # quoted value keeps its own: row numbers stay those of the file's records.
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        for raw in reader:
            if len(rows) == rules.IMPORT_MAX_ROWS:
                raise too_many
            rows.append(_csv_row(raw))
    except csv.Error:  # a value longer than the csv module's limit, say
        raise ValueError(t.CSV_UNREADABLE.format(line=reader.reader.line_num)) from None
    return rows


def _csv_row(raw: dict[Any, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items() if k is not None
    }
    for key, value in list(row.items()):
        if value == "":
            row[key] = None
    profiles = row.get("profiles")
    row["profiles"] = profiles.replace(",", " ").split() if profiles else []
    return row


def _print_registry_table(rows: list[dict[str, Any]]) -> None:
    from mes_tui.models import format_nir
    from mes_tui.texts import safe

    for row in rows:
        name = safe.printable(f"{row['last_name']} {row['first_name']}")
        print(f"{format_nir(row['nir'])}  {name}")
        details = [
            f"{t.COL_BIRTH} {row['birth_date']}",
            f"{t.COL_CARD} {row['card_type']} {row['card_serial']}",
            f"{t.COL_STATUS} {row['status']}",
        ]
        print("    " + " · ".join(details))
        print(
            "    "
            + " · ".join(
                [
                    f"{t.COL_CODE} {row['provisional_code'] or '—'}",
                    f"{t.COL_EMAIL} {safe.printable(row['email'] or '—')}",
                    f"{t.COL_MOBILE} {safe.printable(row['mobile'] or '—')}",
                ]
            )
        )
        if row["profiles"]:
            print(f"    {t.COL_PROFILES} " + ", ".join(format_nir(n) for n in row["profiles"]))


def _outbox(args: argparse.Namespace, admin: RegistryAdmin) -> int:
    from mes_tui.texts import safe

    messages = admin.outbox()
    if args.json:
        keys = ("channel", "to", "purpose", "code", "sent_at")
        print(
            safe.json_text(
                [{k: m.as_json()[k] for k in keys} | {"subject": m.subject} for m in messages]
            )
        )
        return 0
    for m in messages:
        # The outbox is a text file anyone may edit: nothing of it reaches the terminal raw.
        line = f"{m.sent_at:%Y-%m-%d %H:%M:%S}  {m.channel.value:<8} {m.to}  {m.purpose}  "
        print(safe.printable(f"{line}{m.code or ''}").rstrip())
    return 0
