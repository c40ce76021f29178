"""Importing a council's complaints and compliments log: which heading holds each field, each
row checked (bad rows listed by line and problem, good rows kept), the month kept and the day
dropped, the words sealed for the worker to anonymise, and a keyed hash per row so importing the
same log again adds nothing.

Takes a session and plain data and never commits; the caller commits, then sends the new items'
ids to the worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..crypto import TextVault
from ..inputs import normalise_text
from ..models import COUNCIL_ROLES, Council, FeedbackFrom, FeedbackItem, FeedbackKind, User
from ..operations import OperationError, council_named
from .files import Table, read_table

# The fields of a log, in the order the facilitator page asks for them.
RECEIVED_ON = "received_on"
TYPE = "type"
FROM = "from"
SERVICE = "service"
TEXT = "text"
FIELDS = (RECEIVED_ON, TYPE, FROM, SERVICE, TEXT)
# A log without a service column is still useful; the others are what the item is.
REQUIRED = (RECEIVED_ON, TYPE, FROM, TEXT)
FIELD_WORDS = {
    RECEIVED_ON: "date received",
    TYPE: "type (complaint, compliment or comment)",
    FROM: "who it was from (child, parent, carer, advocate, professional or other)",
    SERVICE: "service",
    TEXT: "what was said",
}
MAX_SERVICE = 200
MAX_TEXT = 10_000

# Headings councils' logs use for each field, beside its own name (compared folded).
_HEADINGS = {
    RECEIVED_ON: ("received on", "date received", "received", "date", "date logged"),
    TYPE: ("type", "kind", "category", "feedback type"),
    FROM: ("from", "made by", "received from", "complainant", "source", "who"),
    SERVICE: ("service", "team", "service area"),
    TEXT: ("text", "details", "description", "summary", "comments", "feedback", "what was said"),
}
_KINDS = {kind.value: kind for kind in FeedbackKind}
_SENDERS = {
    **{sender.value: sender for sender in FeedbackFrom},
    "young person": FeedbackFrom.CHILD,
    "foster carer": FeedbackFrom.CARER,
    "kinship carer": FeedbackFrom.CARER,
    "parent or carer": FeedbackFrom.PARENT,
}
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WORDS_DATE = re.compile(r"^(?:(\d{1,2})[\s\-]+)?([A-Za-z]{3,9})\.?[\s\-,]+(\d{4})$")


class ImportProblem(ValueError):
    """The log cannot be imported at all (a required field has no column); names the field."""


@dataclass(frozen=True)
class RowProblem:
    """Why one row was not imported: its line and what is wrong, never what it says."""

    line: int
    problem: str


@dataclass(frozen=True)
class CheckedRow:
    """A row that can be imported: the day only to make its key, then just the month."""

    line: int
    received_on: dt.date
    kind: FeedbackKind
    sender: FeedbackFrom
    service: str
    text: str

    @property
    def month(self) -> str:
        """The month it was received, as stored ("2026-11")."""
        return f"{self.received_on:%Y-%m}"


@dataclass
class ImportResult:
    """What an import did: the ids added, rows already imported, and rows refused."""

    added: list[int] = field(default_factory=list)
    duplicates: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The result as the API and `--json` give it (counts, and each refused row)."""
        return {
            "added": len(self.added),
            "duplicates": self.duplicates,
            "problems": [{"line": p.line, "problem": p.problem} for p in self.problems],
        }


def _fold(heading: str) -> str:
    return " ".join(re.sub(r"[_\-]+", " ", normalise_text(heading)).casefold().split())


def guess_mapping(headings: Sequence[str]) -> dict[str, str]:
    """Which of the file's headings holds each field, where its name says so."""
    folded = {_fold(heading): heading for heading in headings if heading.strip()}
    mapping = {}
    for name, known in _HEADINGS.items():
        for candidate in known:
            if candidate in folded:
                mapping[name] = folded[candidate]
                break
    return mapping


def needs_mapping(headings: Sequence[str]) -> bool:
    """Whether a person must say which heading holds some required field."""
    return any(name not in guess_mapping(headings) for name in REQUIRED)


def column_positions(headings: Sequence[str], mapping: Mapping[str, str]) -> dict[str, int]:
    """Each field's column, from the heading chosen for it; raises ImportProblem naming a
    required field that has none (or names a heading the file does not have)."""
    positions: dict[str, int] = {}
    for name in FIELDS:
        chosen = (mapping.get(name) or "").strip()
        if not chosen:
            if name in REQUIRED:
                raise ImportProblem(f"Choose the column that holds the {FIELD_WORDS[name]}.")
            continue
        matches = [i for i, heading in enumerate(headings) if heading.strip() == chosen]
        if not matches:
            raise ImportProblem(
                f"The file has no column headed as chosen for the {FIELD_WORDS[name]}."
            )
        positions[name] = matches[0]
    used = [positions[name] for name in positions]
    if len(set(used)) != len(used):
        raise ImportProblem("One column is chosen for two fields: choose a column for each.")
    return positions


def parse_date(value: str) -> dt.date | None:
    """A date as UK logs write it: day first (05/11/2026, 5.11.26), ISO (2026-11-05), in words
    (5 Nov 2026), or a month alone (2026-11, Nov 2026: the month is all that is kept)."""
    value = value.strip()
    try:
        found = _DAY_FIRST.match(value)
        if found:
            day, month, year = (int(part) for part in found.groups())
            if year < 100:
                year += 2000
            return dt.date(year, month, day)
        found = _ISO.match(value)
        if found:
            year, month, day = (int(part) for part in found.groups())
            return dt.date(year, month, day)
        found = _ISO_MONTH.match(value)
        if found:
            return dt.date(int(found.group(1)), int(found.group(2)), 1)
        found = _WORDS_DATE.match(value)
        if found and found.group(2).lower() in _MONTHS:
            return dt.date(
                int(found.group(3)), _MONTHS[found.group(2).lower()], int(found.group(1) or 1)
            )
    except ValueError:
        return None
    return None


def check_row(
    line: int, cells: Sequence[str], positions: Mapping[str, int], today: dt.date
) -> CheckedRow | RowProblem:
    """The row's fields checked, or the first thing wrong with it (never quoting it)."""

    def cell(name: str) -> str:
        index = positions.get(name)
        if index is None or index >= len(cells):
            return ""
        return " ".join(normalise_text(cells[index]).split())

    received = cell(RECEIVED_ON)
    if not received:
        return RowProblem(line, "no date received")
    day = parse_date(received)
    if day is None:
        return RowProblem(line, "the date received is not a date (use dd/mm/yyyy or yyyy-mm-dd)")
    if day > today:
        return RowProblem(line, "the date received is in the future")
    kind = _KINDS.get(cell(TYPE).casefold().rstrip("s"))
    if kind is None:
        return RowProblem(line, "the type is not complaint, compliment or comment")
    sender = _SENDERS.get(cell(FROM).casefold())
    if sender is None:
        return RowProblem(
            line, "who it was from is not child, parent, carer, advocate, professional or other"
        )
    service = cell(SERVICE)
    if len(service) > MAX_SERVICE:
        return RowProblem(line, f"the service is longer than {MAX_SERVICE} characters")
    index = positions[TEXT]
    text = normalise_text(cells[index]).strip() if index < len(cells) else ""
    if not text:
        return RowProblem(line, "nothing was said (the text is empty)")
    if len(text) > MAX_TEXT:
        return RowProblem(line, f"the text is longer than {MAX_TEXT} characters")
    return CheckedRow(line, day, kind, sender, service, text)


def row_key(link_key: str, council_id: int, row: CheckedRow) -> str:
    """The row's stable key: HMAC-SHA256 under a key derived for this council's log from the
    service's link key (kept outside the database), over the row as imported, day included,
    spaces and case folded. The same row always gives the same key; nobody without the key can
    test a guess of what a row said against it."""
    council_key = hmac.new(link_key.encode(), f"feedback:{council_id}".encode(), hashlib.sha256)
    canonical = json.dumps(
        [
            row.received_on.isoformat(),
            row.kind.value,
            row.sender.value,
            row.service.casefold(),
            " ".join(row.text.split()).casefold(),
        ],
        ensure_ascii=False,
    )
    return hmac.new(council_key.digest(), canonical.encode(), hashlib.sha256).hexdigest()


def import_feedback(
    session: Session,
    vault: TextVault,
    council: Council,
    table: Table,
    mapping: Mapping[str, str],
    *,
    link_key: str,
    today: dt.date,
) -> ImportResult:
    """Add the log's good rows that are not already imported for council; returns what was
    added, how many were already there, and each bad row's line and problem."""
    positions = column_positions(table.headings, mapping)
    result = ImportResult()
    keyed: dict[str, CheckedRow] = {}
    for line, cells in table.rows:
        checked = check_row(line, cells, positions, today)
        if isinstance(checked, RowProblem):
            result.problems.append(checked)
            continue
        key = row_key(link_key, council.id, checked)
        if key in keyed:
            result.duplicates += 1
            continue
        keyed[key] = checked
    existing: set[str] = set()
    keys = list(keyed)
    for start in range(0, len(keys), 500):
        existing.update(
            session.scalars(
                select(FeedbackItem.row_key).where(
                    FeedbackItem.council_id == council.id,
                    FeedbackItem.row_key.in_(keys[start : start + 500]),
                )
            )
        )
    result.duplicates += len(existing)
    items = [
        FeedbackItem(
            council_id=council.id,
            received_month=row.month,
            kind=row.kind.value,
            sender=row.sender.value,
            row_key=key,
            ciphertext=vault.seal(row.text),
            # Sealed like the words: staff type it, and a name can be in it.
            service_ciphertext=vault.seal(row.service) if row.service else None,
        )
        for key, row in keyed.items()
        if key not in existing
    ]
    session.add_all(items)
    session.flush()
    result.added = [item.id for item in items]
    return result


def council_for_import(session: Session, user: User | None, name: str) -> Council:
    """The council a log is imported for: any existing council for regional staff (and the
    command line, user None); a council lead's own only, whatever name was given (another
    council's name is answered as if it did not exist)."""
    if user is not None and user.role in COUNCIL_ROLES:
        own = user.council
        if own is None or (name.strip() and name.strip().casefold() != own.name.casefold()):
            raise OperationError("You can import only for your own council.", field="council")
        return own
    return council_named(session, name)


class NeedsMapping(ImportProblem):
    """The file's headings do not say which column holds some required field: a person must
    choose (the facilitator page's mapping step), given the headings and the guesses so far."""

    def __init__(self, table: Table) -> None:
        guessed = guess_mapping(table.headings)
        missing = [FIELD_WORDS[name] for name in REQUIRED if name not in guessed]
        super().__init__(
            "Choose which column holds the " + ", the ".join(missing) + " (the file's headings "
            "are not received_on, type, from, service and text)."
        )
        self.table = table


def import_log(
    session: Session,
    vault: TextVault,
    council: Council,
    data: bytes,
    mapping: Mapping[str, str] | None,
    *,
    link_key: str,
    today: dt.date,
) -> ImportResult:
    """Read an uploaded log (CSV or XLSX) and import it for council: with mapping, the
    headings chosen for each field; without, the headings its names suggest. Raises
    FileProblem (unreadable), NeedsMapping (a required field's column is not evident) or
    ImportProblem (a chosen column does not exist)."""
    table = read_table(data)
    if not mapping:
        if needs_mapping(table.headings):
            raise NeedsMapping(table)
        mapping = guess_mapping(table.headings)
    return import_feedback(session, vault, council, table, mapping, link_key=link_key, today=today)
