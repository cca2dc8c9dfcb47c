"""The CSV files clerks hand in: wage declarations and the tax bureau's receipts.

A file is checked whole before anything is recorded; every bad row is named in one refusal.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from ledger.contributions.receipts import Receipt
from ledger.core.errors import BadInput
from ledger.intake import validation
from ledger.medical.rules import Settlement

ROWS_MAX = 2_000_000
SHOWN = 20
RECEIPT_COLUMNS = ("id_number", "month", "amount", "received_on")


@dataclass(frozen=True)
class WageRow:
    row: int
    id_number: str
    wage: Decimal


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(data: bytes, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("file", _not_utf8(data)) from None
    return list(_each_row(io.StringIO(text), columns))


def _not_utf8(data: bytes | None = None) -> str:
    """What to do with a file that is not UTF-8: usually a WPS or Excel export in GB18030 (GBK)."""
    try:
        if data is not None:
            data.decode("gb18030")
            return ("is GB18030 (GBK) text, as WPS and Excel save it, not UTF-8: save it again as “CSV UTF-8” "
                    "(另存为 CSV UTF-8) and import that; nothing was recorded")
    except UnicodeDecodeError:
        pass
    return ("is not UTF-8 text (a WPS or Excel export is often GB18030): save it again as “CSV UTF-8” (另存为 CSV "
            "UTF-8) and import that; nothing was recorded")


def _each_row(stream: TextIO, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row as a dict, numbered as a spreadsheet shows it; a wrong header, a row with more or fewer fields
    than the header, a field beyond the csv module's bound, or no row at all refuses the file."""
    reader = csv.reader(stream)
    try:
        header = tuple(next(reader, ()))
        if header != columns:
            raise BadInput("file", f"expected the header {','.join(columns)}, found {','.join(header)}")
        found = 0
        for number, fields in enumerate(reader, start=2):  # row 1 is the header
            if not fields:
                continue
            if number > ROWS_MAX:
                raise BadInput("file", f"more than {ROWS_MAX} rows; split it")
            if len(fields) != len(columns):
                raise BadInput("file", f"row {number} has {len(fields)} fields where the header has "
                                       f"{len(columns)}; nothing was recorded")
            found += 1
            yield number, dict(zip(columns, fields))
        if not found:
            raise BadInput("file", "has its header and no rows: nothing to record")
    except UnicodeDecodeError:
        raise BadInput("file", _not_utf8()) from None
    except csv.Error as error:
        raise BadInput("file", f"row {reader.line_num}: {error}; nothing was recorded") from None


def _refuse(problems: list[str], count: int | None = None) -> None:
    """One refusal naming the first bad rows (`count` of them in all, when only the first were kept)."""
    count = len(problems) if count is None else count
    if count:
        shown = "; ".join(problems[:SHOWN]) + (f"; and {count - SHOWN} more" if count > SHOWN else "")
        raise BadInput("file", f"{count} bad rows, nothing recorded: {shown}")


def wage_rows(data: bytes) -> list[WageRow]:
    """`id_number,monthly_wage`; a malformed or repeated row refuses the file."""
    return _one_row_per_person(data, ("id_number", "monthly_wage"), lambda number, row: WageRow(
        number, validation.id_number(row["id_number"] or ""),
        validation.money(row["monthly_wage"] or "", "monthly_wage")))


def _one_row_per_person(data: bytes, columns: tuple[str, ...], parse) -> list:
    """Parse every row; a malformed row or a second row for the same ID number refuses the file."""
    rows, problems, seen = [], [], {}
    for number, row in _rows(data, columns):
        try:
            parsed = parse(number, row)
        except BadInput as error:
            problems.append(f"row {number}: {error}")
            continue
        if parsed.id_number in seen:
            problems.append(f"row {number}: {parsed.id_number} repeats row {seen[parsed.id_number]}")
            continue
        seen[parsed.id_number] = number
        rows.append(parsed)
    _refuse(problems)
    return rows


def receipt_rows(data: bytes) -> list[Receipt]:
    """`id_number,month,amount,received_on`, in memory (a small file); a malformed row refuses the file."""
    receipts, problems = [], []
    for number, row in _rows(data, RECEIPT_COLUMNS):
        try:
            receipts.append(_receipt(number, row))
        except BadInput as error:
            problems.append(f"row {number}: {error}")
    _refuse(problems)
    return receipts


@dataclass(frozen=True)
class ReceiptFile:
    """The tax bureau's receipts file, checked whole in one pass (every row valid, counted, hashed) and read again
    a row at a time as it is imported: never held in memory, whatever its size."""

    path: Path
    rows: int
    digest: str

    def __iter__(self) -> Iterator[Receipt]:
        with self.path.open(encoding="utf-8-sig", newline="") as stream:
            for number, row in _each_row(stream, RECEIPT_COLUMNS):
                yield _receipt(number, row)


def receipt_file(path: Path) -> ReceiptFile:
    """`id_number,month,amount,received_on`; a malformed row refuses the file, naming the first bad rows."""
    hashed = hashlib.sha256()
    with path.open("rb") as raw:
        for block in iter(lambda: raw.read(1 << 20), b""):
            hashed.update(block)
    rows, problems, count = 0, [], 0
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for number, row in _each_row(stream, RECEIPT_COLUMNS):
            try:
                _receipt(number, row)
                rows += 1
            except BadInput as error:
                count += 1
                if len(problems) < SHOWN:
                    problems.append(f"row {number}: {error}")
    _refuse(problems, count)
    return ReceiptFile(path, rows, hashed.hexdigest())


def _receipt(number: int, row: dict[str, str]) -> Receipt:
    amount = validation.money(row["amount"] or "", "amount")
    if amount == 0:
        raise BadInput("amount", "a receipt of 0.00")
    return Receipt(number, validation.id_number(row["id_number"] or ""), validation.month(row["month"] or ""),
                   amount, validation.date(row["received_on"] or "", "received_on"))


@dataclass(frozen=True)
class StudentRow:
    row: int
    id_number: str
    name: str
    sex: str


def student_rows(data: bytes) -> list[StudentRow]:
    """`id_number,name,sex`; a malformed or repeated row, or a sex that disagrees with the number, refuses the file."""
    return _one_row_per_person(data, ("id_number", "name", "sex"), _student)


def _student(number: int, row: dict[str, str]) -> StudentRow:
    id_number = validation.id_number(row["id_number"] or "")
    sex = validation.choice(row["sex"] or "", "sex", ("M", "F"))
    if sex != validation.sex_of(id_number):
        raise BadInput("sex", "does not agree with the ID number")
    return StudentRow(number, id_number, validation.person_name(row["name"], "name"), sex)


SETTLEMENT_COLUMNS = ("settlement_no", "id_number", "institution", "kind", "service_on", "discharged_on", "total",
                      "fund", "account", "own")


def settlement_rows(data: bytes, kinds: tuple[str, ...]) -> list[Settlement]:
    """A day's settlements from the institutions' system; a malformed row, or a settlement number twice, refuses
    the file."""
    rows, problems, seen = [], [], {}
    for number, row in _rows(data, SETTLEMENT_COLUMNS):
        try:
            parsed = _settlement(number, row, kinds)
        except BadInput as error:
            problems.append(f"row {number}: {error}")
            continue
        key = (parsed.institution, parsed.settlement_no)
        if key in seen:
            problems.append(f"row {number}: settlement {parsed.settlement_no} repeats row {seen[key]}")
            continue
        seen[key] = number
        rows.append(parsed)
    _refuse(problems)
    return rows


def _settlement(number: int, row: dict[str, str], kinds: tuple[str, ...]) -> Settlement:
    money = {part: validation.money(row[part] or "", part) for part in ("total", "fund", "account", "own")}
    return Settlement(
        id_number=validation.id_number(row["id_number"] or ""),
        institution=validation.institution_code(row["institution"] or ""),
        kind=validation.choice(row["kind"] or "", "kind", kinds),
        on=validation.date(row["service_on"] or "", "service_on"),
        discharged=validation.date(row["discharged_on"], "discharged_on") if row["discharged_on"] else None,
        settlement_no=validation.text(row["settlement_no"], "settlement_no", limit=64), row=number, **money)
