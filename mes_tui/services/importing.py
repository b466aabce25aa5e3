"""Registry rows (import files, the demo registry) checked with the domain validators.

``validate_rows`` checks every row and every field and reports all the problems at once, so a
trainer can fix a file in one go; it never writes anything. Every field is text (a JSON string,
a CSV value), ``profiles`` a list of texts or one text: a number, a boolean, a list or an object
where text is expected is refused, never turned into text. Attachments may not loop (A holds B
and B holds A, or longer), counting those the registry already has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from pydantic_core import PydanticCustomError

from mes_tui.models import (
    CardType,
    Status,
    format_nir,
    normalize_email,
    normalize_identifier,
    normalize_mobile,
    normalize_nir,
    normalize_provisional_code,
    normalize_serial,
    parse_birth_date,
    password_problems,
)
from mes_tui.models.dates import check_birth_date
from mes_tui.models.vitale import AVEC_PHOTO_PREFIX, AVEC_PHOTO_TYPED_LENGTH
from mes_tui.services import rules
from mes_tui.services.errors import ImportFileRejected, ImportRejected
from mes_tui.texts import service as t
from mes_tui.texts import validation as vt
from mes_tui.texts.safe import printable

T = TypeVar("T")

KEYS = (
    "nir",
    "first_name",
    "last_name",
    "birth_date",
    "card_type",
    "card_serial",
    "provisional_code",
    "status",
    "email",
    "mobile",
    "profiles",
    "decided_on",
    "identifier",
    "password",
    "locked_until",
)
REQUIRED = ("nir", "first_name", "last_name", "birth_date", "card_type", "card_serial")
NAME_MAX = 100
_PROFILE_SEPARATORS = re.compile(r"[;,|\n]")


@dataclass(frozen=True)
class PersonRecord:
    """One person, every field validated and normalised, ready to be stored."""

    nir: str
    first_name: str
    last_name: str
    birth_date: date
    card_type: CardType
    card_serial: str
    provisional_code: str | None
    status: Status
    decided_on: date | None
    email: str | None
    mobile: str | None
    profiles: tuple[str, ...]
    identifier: str | None
    password: str | None
    locked_until: datetime | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class _Row:
    """The problems found in one row, and a helper to run a validator on one of its fields."""

    def __init__(self, number: int, data: Mapping[str, Any], problems: list[tuple[int, str]]):
        self.number = number
        self.data = data
        self.problems = problems
        self.ok = True
        self.wrong_type: set[str] = set()
        """Fields whose value is not text: refused once, then taken as absent."""

    def problem(self, field: str, reason: str) -> None:
        self.ok = False
        label = t.IMPORT_FIELD_LABELS.get(field, field)
        # A reason may quote the file (an unknown column, a bad profile): never its controls.
        problem = printable(t.IMPORT_PROBLEM.format(field=label, reason=reason))
        self.problems.append((self.number, problem))

    def check_types(self) -> None:
        """Refuse, once each, the values that are not text (``profiles``: a list of texts)."""
        for field in KEYS:
            value = self.data.get(field)
            if value is None or isinstance(value, str):
                continue
            if field == "profiles" and isinstance(value, list | tuple):
                continue
            template = t.IMPORT_PROFILES_NOT_LIST if field == "profiles" else t.IMPORT_NOT_TEXT
            self.problem(field, template.format(kind=_kind(value)))
            self.wrong_type.add(field)

    def text(self, field: str) -> str | None:
        """The field's text, or None when it is missing, blank or not text."""
        value = self.data.get(field)
        if not isinstance(value, str) or not value.strip() or field in self.wrong_type:
            return None
        return value

    def missing(self, field: str) -> bool:
        """True if the field has no value at all (one of the wrong type was refused already)."""
        return self.text(field) is None and field not in self.wrong_type

    def check(self, field: str, fn: Callable[..., T], *args: Any) -> T | None:
        """Run ``fn(value, *args)``; a rejection becomes a problem of this row."""
        value = self.text(field)
        if value is None:
            if field in REQUIRED and self.missing(field):
                self.problem(field, t.IMPORT_REQUIRED)
            return None
        try:
            return fn(value, *args)
        except PydanticCustomError as error:
            self.problem(field, error.message())
        except ValueError as error:
            self.problem(field, str(error))
        return None


def _name(value: str) -> str:
    name = value.strip()
    # Tabs and line breaks too: a name is one line, shown and printed as it is recorded.
    if printable(name) != name:
        raise ValueError(t.IMPORT_NAME_CONTROL)
    if len(name) > NAME_MAX:
        raise ValueError(t.IMPORT_NAME_TOO_LONG.format(max=NAME_MAX))
    return name


def _card_type(value: str) -> CardType:
    try:
        return CardType(value.strip().lower())
    except ValueError:
        raise ValueError(vt.CARD_TYPE) from None


def _status(value: str) -> Status:
    try:
        return Status(value.strip().lower())
    except ValueError:
        raise ValueError(t.IMPORT_STATUS) from None


def _day(value: str) -> date:
    try:
        return parse_birth_date(value)
    except PydanticCustomError:
        raise ValueError(t.IMPORT_DATE) from None


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(t.IMPORT_DATETIME) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _serial(value: str, card_type: CardType, nir: str | None) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    # A trainer may paste the full number printed on a card with photo: keep the typed part.
    if (
        card_type is CardType.AVEC_PHOTO
        and len(digits) == len(AVEC_PHOTO_PREFIX) + AVEC_PHOTO_TYPED_LENGTH
        and digits.startswith(AVEC_PHOTO_PREFIX)
    ):
        value = digits[len(AVEC_PHOTO_PREFIX) :]
    return normalize_serial(value, card_type, nir)


def _kind(value: object) -> str:
    """What a value that is not text is, in the trainer's words."""
    if isinstance(value, bool):  # before int: True is an int too
        kind = "bool"
    elif isinstance(value, int | float):
        kind = "number"
    elif isinstance(value, list | tuple):
        kind = "list"
    elif isinstance(value, Mapping):
        kind = "object"
    else:
        return t.IMPORT_VALUE_OTHER
    return t.IMPORT_VALUE_KINDS[kind]


def _profile_list(row: _Row) -> list[str]:
    """The row's profiles as texts; an element that is not text is a problem of the row."""
    value = row.data.get("profiles")
    if value is None or "profiles" in row.wrong_type:
        return []
    if isinstance(value, str):
        return [part for part in _PROFILE_SEPARATORS.split(value) if part.strip()]
    profiles: list[str] = []
    for position, item in enumerate(value, start=1):
        if isinstance(item, str):
            profiles.append(item)
        else:
            kind = _kind(item)
            row.problem("profiles", t.IMPORT_PROFILE_NOT_TEXT.format(position=position, kind=kind))
    return profiles


def carries_nir(identifier: str, nir: str) -> bool:
    """True if ``identifier`` contains the NIR (with or without its key): it would publish it."""
    return nir[:13].lower() in identifier


def validate_rows(
    rows: Sequence[Any],
    *,
    today: date,
    registry: Mapping[str, str | None],
    attachments: Mapping[str, Sequence[str]] | None = None,
) -> list[PersonRecord]:
    """Check every row; return the records, or raise ``ImportRejected`` with every problem.

    ``registry`` maps the NIRs already in the registry to their identifier (or None), for the
    profiles that refer to them and for identifier uniqueness; ``attachments`` maps the NIRs of
    its holders to those of their profiles, for the loops a file would close. Row numbers are
    1-based. A file with no row, or beyond ``rules.IMPORT_MAX_ROWS`` rows or
    ``rules.IMPORT_MAX_PASSWORDS`` passwords, is refused as a whole (``ImportFileRejected``).
    """
    if not rows:
        raise ImportFileRejected(t.IMPORT_EMPTY)
    if len(rows) > rules.IMPORT_MAX_ROWS:
        raise ImportFileRejected(t.IMPORT_TOO_MANY_ROWS.format(max=rules.IMPORT_MAX_ROWS))
    passwords = sum(
        1
        for raw in rows
        if isinstance(raw, Mapping)
        and isinstance(raw.get("password"), str)
        and raw["password"].strip()
    )
    if passwords > rules.IMPORT_MAX_PASSWORDS:
        raise ImportFileRejected(
            t.IMPORT_TOO_MANY_PASSWORDS.format(count=passwords, max=rules.IMPORT_MAX_PASSWORDS)
        )
    problems: list[tuple[int, str]] = []
    checked: list[tuple[_Row, PersonRecord | None]] = []
    first_row_of_nir: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        if not isinstance(raw, Mapping):
            problems.append((number, t.IMPORT_NOT_AN_OBJECT))
            continue
        row = _Row(number, raw, problems)
        checked.append((row, _record(row, today, first_row_of_nir)))
    file_nirs = set(first_row_of_nir)
    owner_of = {ident: nir for nir, ident in registry.items() if ident is not None}
    first_row_of_identifier: dict[str, int] = {}
    for row, record in checked:
        if record is None:
            continue
        for profile in record.profiles:
            if profile not in file_nirs and profile not in registry:
                row.problem("profiles", t.IMPORT_PROFILE_UNKNOWN.format(nir=profile))
        if record.identifier is not None:
            earlier = first_row_of_identifier.setdefault(record.identifier, row.number)
            if earlier != row.number:
                row.problem("identifier", t.IMPORT_IDENTIFIER_DUPLICATE.format(row=earlier))
            owner = owner_of.get(record.identifier)
            # Taken unless its holder is the same person or is replaced by this file.
            if owner is not None and owner != record.nir and owner not in file_nirs:
                row.problem("identifier", t.IMPORT_IDENTIFIER_TAKEN)
    rows_by_nir = {record.nir: row for row, record in checked if record is not None}
    records = [record for _, record in checked if record is not None]
    for loop in _loops(records, attachments or {}):
        # Told once, on its first row in the file, from that row round to it again.
        first = min(
            (i for i, nir in enumerate(loop) if nir in rows_by_nir),
            key=lambda i: rows_by_nir[loop[i]].number,
        )
        loop = loop[first:] + loop[:first]
        names = [
            t.IMPORT_CYCLE_ROW.format(row=rows_by_nir[nir].number)
            if nir in rows_by_nir
            else t.IMPORT_CYCLE_REGISTRY.format(nir=format_nir(nir))
            for nir in [*loop, loop[0]]
        ]
        rows_by_nir[loop[0]].problem("profiles", t.IMPORT_CYCLE.format(path=" → ".join(names)))
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise ImportRejected(problems)
    return records


def _loops(
    records: Iterable[PersonRecord], registry: Mapping[str, Sequence[str]]
) -> list[list[str]]:
    """Loops of attachments once ``records`` are stored (at least one in each tangle), each as
    the NIRs along it. A record's profiles replace that person's in the registry; a loop the
    registry has without the file is not the file's to report."""
    from_file = {record.nir: list(record.profiles) for record in records}
    graph: dict[str, list[str]] = {**{k: list(v) for k, v in registry.items()}, **from_file}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    loops: list[list[str]] = []
    for start in from_file:
        if state.get(start):
            continue
        # Depth first, without recursion: a chain may be as long as the registry.
        path: list[str] = [start]
        todo: list[list[str]] = [list(reversed(graph.get(start, [])))]
        state[start] = 1
        while path:
            if not todo[-1]:
                state[path.pop()] = 2
                todo.pop()
                continue
            target = todo[-1].pop()
            seen = state.get(target)
            if seen == 1:
                loop = path[path.index(target) :]
                if any(nir in from_file for nir in loop):
                    loops.append(loop)
            elif seen is None:
                state[target] = 1
                path.append(target)
                todo.append(list(reversed(graph.get(target, []))))
    return loops


def _record(row: _Row, today: date, first_row_of_nir: dict[str, int]) -> PersonRecord | None:
    """Every field of one row checked; None if anything is wrong (the problems are noted)."""
    unknown = [str(key) for key in row.data if key not in KEYS]
    for key in unknown:
        row.problem(key, t.IMPORT_UNKNOWN_KEY.format(key=key, known=", ".join(KEYS)))
    row.check_types()
    nir = row.check("nir", normalize_nir)
    if nir is not None:
        earlier = first_row_of_nir.setdefault(nir, row.number)
        if earlier != row.number:
            row.problem("nir", t.IMPORT_DUPLICATE_NIR.format(row=earlier))
    first_name = row.check("first_name", _name)
    last_name = row.check("last_name", _name)
    birth_date = row.check("birth_date", lambda v: check_birth_date(parse_birth_date(v), today))
    card_type = row.check("card_type", _card_type)
    serial = row.check("card_serial", _serial, card_type, nir) if card_type else None
    if card_type is None and row.missing("card_serial"):
        row.problem("card_serial", t.IMPORT_REQUIRED)
    code = row.check("provisional_code", normalize_provisional_code)
    status = row.check("status", _status) or Status.EN_ATTENTE
    # Not checked against today: the seed's own profile was opposed after its receipt's date.
    decided_on = row.check("decided_on", _day)
    if status is Status.EN_ATTENTE and decided_on is not None:
        row.problem("decided_on", t.IMPORT_DECIDED_WHILE_PENDING)
    email = row.check("email", normalize_email)
    mobile = row.check("mobile", normalize_mobile)
    profiles: list[str] = []
    listed = _profile_list(row)
    if len(listed) > rules.IMPORT_MAX_PROFILES:
        row.problem("profiles", t.IMPORT_TOO_MANY_PROFILES.format(max=rules.IMPORT_MAX_PROFILES))
        listed = []
    for value in listed:
        try:
            profile = normalize_nir(value)
        except PydanticCustomError as error:
            row.problem("profiles", f"{value} : {error.message()}")
            continue
        if profile == nir:
            row.problem("profiles", t.IMPORT_PROFILE_SELF)
        elif profile in profiles:
            row.problem("profiles", t.IMPORT_PROFILE_TWICE.format(nir=profile))
        else:
            profiles.append(profile)
    identifier = row.check("identifier", normalize_identifier)
    if identifier is not None:
        if status is not Status.ACTIVE:
            row.problem("identifier", t.IMPORT_IDENTIFIER_NOT_ACTIVE)
        if nir is not None and carries_nir(identifier, nir):
            row.problem("identifier", t.IMPORT_IDENTIFIER_IS_NIR)
    password = row.text("password")
    if password is not None:
        if identifier is None:
            row.problem("password", t.IMPORT_PASSWORD_WITHOUT_IDENTIFIER)
        names = tuple(name for name in (first_name, last_name) if name)
        for reason in password_problems(
            password, names=names, birth_date=birth_date, identifier=identifier
        ):
            row.problem("password", reason)
    locked_until = row.check("locked_until", _instant)
    if not row.ok:
        return None
    # Every required field reports a problem when it is missing or wrong, so all are set here.
    assert nir and first_name and last_name and birth_date and card_type and serial
    return PersonRecord(
        nir=nir,
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        card_type=card_type,
        card_serial=serial,
        provisional_code=code,
        status=status,
        decided_on=decided_on or (today if status is not Status.EN_ATTENTE else None),
        email=email,
        mobile=mobile,
        profiles=tuple(profiles),
        identifier=identifier,
        password=password,
        locked_until=locked_until,
    )
