"""The CSV files clerks hand in: wage declarations, the tax bureau's receipts, settlements, students.

A file is checked whole before anything is recorded; every bad row is named in one refusal. A file is UTF-8, or
GB18030 when the clerk says so (`--encoding gb18030`: what Excel and WPS on a Chinese Windows save as CSV); its
amounts are held to the policy's bounds of their kind on their date (validation.amount).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from ledger.contributions.receipts import Receipt
from ledger.core.errors import BadInput
from ledger.core.i18n import _
from ledger.core.policy import Policy
from ledger.intake import validation
from ledger.medical.rules import Settlement

ROWS_MAX = 2_000_000
SHOWN = 20
RECEIPT_COLUMNS = ("id_number", "month", "amount", "received_on")
ENCODINGS = {"utf-8": "utf-8-sig", "gb18030": "gb18030"}
"""The encodings a file may be in (`--encoding`), and Python's codec of each (a UTF-8 file may begin with a BOM)."""


@dataclass(frozen=True)
class WageRow:
    row: int
    id_number: str
    wage: Decimal


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(data: bytes, columns: tuple[str, ...], encoding: str = "utf-8") -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode(ENCODINGS[encoding])
    except UnicodeDecodeError:
        raise BadInput("file", _undecodable(encoding, data)) from None
    return list(_each_row(io.StringIO(text), columns, encoding))


def _undecodable(encoding: str, data: bytes | None = None) -> str:
    """What to do with a file that is not in the encoding said: a file said to be UTF-8 is usually a WPS or Excel
    export in GB18030 (GBK)."""
    if encoding == "gb18030":
        return _("is not GB18030 text: check how the file was saved (a “CSV UTF-8” file needs no --encoding); "
                 "nothing was recorded")
    try:
        if data is not None:
            data.decode("gb18030")
            return _("is GB18030 (GBK) text, as WPS and Excel save it, not UTF-8: import it with --encoding gb18030, "
                     "or save it again as “CSV UTF-8” (另存为 CSV UTF-8); nothing was recorded")
    except UnicodeDecodeError:
        pass
    return _("is not UTF-8 text (a WPS or Excel export is often GB18030: import it with --encoding gb18030), or "
             "save it again as “CSV UTF-8” (另存为 CSV UTF-8); nothing was recorded")


def _each_row(stream: TextIO, columns: tuple[str, ...], encoding: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as a dict, numbered as a spreadsheet shows it; a wrong header, a row with more or fewer fields
    than the header, a field beyond the csv module's bound, or no row at all refuses the file."""
    reader = csv.reader(stream)
    try:
        header = tuple(next(reader, ()))
        if header != columns:
            raise BadInput("file", _("expected the header {expected}, found {found}").format(
                expected=",".join(columns), found=",".join(header)))
        found = 0
        for number, fields in enumerate(reader, start=2):  # row 1 is the header
            if not fields:
                continue
            if number > ROWS_MAX:
                raise BadInput("file", _("more than {limit} rows; split it").format(limit=ROWS_MAX))
            if len(fields) != len(columns):
                raise BadInput("file", _("row {row} has {found} fields where the header has {expected}; nothing was "
                                         "recorded").format(row=number, found=len(fields), expected=len(columns)))
            found += 1
            yield number, dict(zip(columns, fields))
        if not found:
            raise BadInput("file", _("has its header and no rows: nothing to record"))
    except UnicodeDecodeError:
        raise BadInput("file", _undecodable(encoding)) from None
    except csv.Error as error:
        raise BadInput("file", _("row {row}: {error}; nothing was recorded").format(row=reader.line_num,
                                                                                  error=error)) from None


def _refuse(problems: list[str], count: int | None = None) -> None:
    """One refusal naming the first bad rows (`count` of them in all, when only the first were kept)."""
    count = len(problems) if count is None else count
    if count:
        shown = "; ".join(problems[:SHOWN])
        if count > SHOWN:
            raise BadInput("file", _("{count} bad rows, nothing recorded: {shown}; and {more} more").format(
                count=count, shown=shown, more=count - SHOWN))
        raise BadInput("file", _("{count} bad rows, nothing recorded: {shown}").format(count=count, shown=shown))


def wage_rows(data: bytes, *, encoding: str = "utf-8", policy: Policy | None = None,
              on: datetime.date | None = None) -> list[WageRow]:
    """`id_number,monthly_wage`, declared on `on` (the wages bounded as then); a malformed or repeated row refuses
    the file."""
    policy, on = policy or Policy.defaults(), on or datetime.date.today()
    return _one_row_per_person(data, ("id_number", "monthly_wage"), lambda number, row: WageRow(
        number, validation.id_number(row["id_number"] or ""),
        validation.amount(row["monthly_wage"] or "", "monthly_wage", validation.MONTHLY_WAGE_MAX, policy, on)),
        encoding)


def _one_row_per_person(data: bytes, columns: tuple[str, ...], parse, encoding: str) -> list:
    """Parse every row; a malformed row or a second row for the same ID number refuses the file."""
    rows, problems, seen = [], [], {}
    for number, row in _rows(data, columns, encoding):
        try:
            parsed = parse(number, row)
        except BadInput as error:
            problems.append(_("row {row}: {problem}").format(row=number, problem=error))
            continue
        if parsed.id_number in seen:
            problems.append(_("row {row}: {id_number} repeats row {first}").format(
                row=number, id_number=parsed.id_number, first=seen[parsed.id_number]))
            continue
        seen[parsed.id_number] = number
        rows.append(parsed)
    _refuse(problems)
    return rows


def receipt_rows(data: bytes, *, encoding: str = "utf-8", policy: Policy | None = None) -> list[Receipt]:
    """`id_number,month,amount,received_on`, in memory (a small file); a malformed row refuses the file."""
    receipts, problems, policy = [], [], policy or Policy.defaults()
    for number, row in _rows(data, RECEIPT_COLUMNS, encoding):
        try:
            receipts.append(_receipt(number, row, policy))
        except BadInput as error:
            problems.append(_("row {row}: {problem}").format(row=number, problem=error))
    _refuse(problems)
    return receipts


@dataclass(frozen=True)
class ReceiptFile:
    """The tax bureau's receipts file, checked whole in one pass (every row valid, counted, hashed) and read again
    a row at a time as it is imported: never held in memory, whatever its size."""

    path: Path
    rows: int
    digest: str
    encoding: str
    policy: Policy

    def __iter__(self) -> Iterator[Receipt]:
        with self.path.open(encoding=ENCODINGS[self.encoding], newline="") as stream:
            for number, row in _each_row(stream, RECEIPT_COLUMNS, self.encoding):
                yield _receipt(number, row, self.policy)


def receipt_file(path: Path, *, encoding: str = "utf-8", policy: Policy | None = None) -> ReceiptFile:
    """`id_number,month,amount,received_on`; a malformed row refuses the file, naming the first bad rows."""
    policy = policy or Policy.defaults()
    hashed = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            hashed.update(block)
    rows, problems, count = 0, [], 0
    with path.open(encoding=ENCODINGS[encoding], newline="") as stream:
        for number, row in _each_row(stream, RECEIPT_COLUMNS, encoding):
            try:
                _receipt(number, row, policy)
                rows += 1
            except BadInput as error:
                count += 1
                if len(problems) < SHOWN:
                    problems.append(_("row {row}: {problem}").format(row=number, problem=error))
    _refuse(problems, count)
    return ReceiptFile(path, rows, hashed.hexdigest(), encoding, policy)


def _receipt(number: int, row: dict[str, str], policy: Policy) -> Receipt:
    """A receipt is for one month: its amount is bounded as a month's payment on the day it was received."""
    received_on = validation.date(row["received_on"] or "", "received_on")
    amount = validation.amount(row["amount"] or "", "amount", validation.CONTRIBUTION_MONTH_MAX, policy, received_on)
    if amount == 0:
        raise BadInput("amount", _("a receipt of 0.00"))
    return Receipt(number, validation.id_number(row["id_number"] or ""), validation.month(row["month"] or ""),
                   amount, received_on)


@dataclass(frozen=True)
class StudentRow:
    row: int
    id_number: str
    name: str
    sex: str


def student_rows(data: bytes, *, encoding: str = "utf-8") -> list[StudentRow]:
    """`id_number,name,sex`; a malformed or repeated row, or a sex that disagrees with the number, refuses the file."""
    return _one_row_per_person(data, ("id_number", "name", "sex"), _student, encoding)


def _student(number: int, row: dict[str, str]) -> StudentRow:
    id_number = validation.id_number(row["id_number"] or "")
    sex = validation.choice(row["sex"] or "", "sex", ("M", "F"))
    if sex != validation.sex_of(id_number):
        raise BadInput("sex", _("does not agree with the ID number"))
    return StudentRow(number, id_number, validation.person_name(row["name"], "name"), sex)


SETTLEMENT_COLUMNS = ("settlement_no", "id_number", "institution", "kind", "service_on", "discharged_on", "total",
                      "fund", "account", "own")


def settlement_rows(data: bytes, kinds: tuple[str, ...], *, encoding: str = "utf-8",
                    policy: Policy | None = None) -> list[Settlement]:
    """A day's settlements from the institutions' system; a malformed row, or a settlement number twice, refuses
    the file."""
    rows, problems, seen, policy = [], [], {}, policy or Policy.defaults()
    for number, row in _rows(data, SETTLEMENT_COLUMNS, encoding):
        try:
            parsed = _settlement(number, row, kinds, policy)
        except BadInput as error:
            problems.append(_("row {row}: {problem}").format(row=number, problem=error))
            continue
        key = (parsed.institution, parsed.settlement_no)
        if key in seen:
            problems.append(_("row {row}: settlement {number} repeats row {first}").format(
                row=number, number=parsed.settlement_no, first=seen[key]))
            continue
        seen[key] = number
        rows.append(parsed)
    _refuse(problems)
    return rows


def _settlement(number: int, row: dict[str, str], kinds: tuple[str, ...], policy: Policy) -> Settlement:
    """Its total is bounded as a settlement's on the day of service (its parts add up to it, BEN-1)."""
    on = validation.date(row["service_on"] or "", "service_on")
    money = {part: validation.money(row[part] or "", part) for part in ("fund", "account", "own")}
    total = validation.amount(row["total"] or "", "total", validation.SETTLEMENT_MAX, policy, on)
    return Settlement(
        id_number=validation.id_number(row["id_number"] or ""),
        institution=validation.institution_code(row["institution"] or ""),
        kind=validation.choice(row["kind"] or "", "kind", kinds), on=on, total=total,
        discharged=validation.date(row["discharged_on"], "discharged_on") if row["discharged_on"] else None,
        settlement_no=validation.text(row["settlement_no"], "settlement_no", limit=64), row=number, **money)
