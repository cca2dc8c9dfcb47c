"""The ledger in the national platform's shapes: interface 1101's person document (人员信息获取: baseinfo, insuinfo,
idetinfo), FHIR R4 Coverage resources, and the reconciliation of a platform extract against the ledger.

The codes come from one mapping (ledger/standards/mapping.py); here they are laid out as the interface has them:
field names as the specification abbreviates them, text clipped to its lengths, dates `yyyy-MM-dd`, times
`yyyy-MM-dd HH:mm:ss`, money a two-decimal string (the ledger's contract for money), absent values null. Documents
are built in clear; the command masks them on the way out (projections/privacy.py: certno, psn_name).

Beyond 1101's output list, each insuinfo row also carries psn_clct_stas (个人缴费状态), as the platform's
person-insurance records do; a check skips it when an extract has not got it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ledger.core.errors import BadInput, NotFound
from ledger.core.i18n import _
from ledger.core.money import ZERO, round_fen
from ledger.core.view import View
from ledger.intake import validation
from ledger.registration.employer import Employer
from ledger.registration.employer_state import employer_state
from ledger.standards import mapping
from ledger.standards.codes import CodeBook, code_book
from ledger.store.tables import PAGE
from projections.privacy import MASKS
from projections.standing import Folded

INFNO = "1101"
LENGTHS = {"psn_no": 30, "psn_cert_type": 6, "certno": 50, "psn_name": 50, "gend": 6, "naty": 3, "insutype": 6,
           "psn_type": 6, "psn_insu_stas": 6, "psn_clct_stas": 6, "cvlserv_flag": 3, "insuplc_admdvs": 6,
           "emp_name": 200, "psn_idet_type": 3, "psn_type_lv": 3, "memo": 500}
"""Interface 1101's text lengths (shared/STANDARDS.md)."""
NUMBERS = frozenset({"balc", "age"})
NOT_HELD = frozenset({"psn_no", "naty"})
"""baseinfo fields the ledger does not record (null in its documents): a check does not compare them."""
EXTRAS = frozenset({"psn_clct_stas"})
"""Fields beyond 1101's list: compared only when an extract has them."""
UNCOMPARED_IDENTITY = frozenset({"memo", "psn_idet_type", "begntime"})
EmployerName = Callable[[str, datetime.date], "str | None"]


# -- interface 1101 ---------------------------------------------------------------------------------------------

def insuinfo(view: View, on: datetime.date, known_at: datetime.datetime, *, balance: Decimal,
             employer_name: EmployerName, book: CodeBook | None = None) -> dict[str, Any]:
    """The person's 1101 document on `on` as the view knows it; `balance` is the personal account's on `on`."""
    book = book or code_book()
    who = mapping.person(view, on, book)
    rows = [_insurance(row, balance, employer_name, on) for row in mapping.insurances(view, on, book)]
    identities = [_identity(row) for row in mapping.identities(view, on, book)]
    baseinfo = {"psn_no": None, "psn_cert_type": who.psn_cert_type, "certno": _text(who.certno, "certno"),
                "psn_name": _text(who.psn_name, "psn_name"), "gend": who.gend, "naty": None,
                "brdy": who.brdy.isoformat(), "age": float(who.age)}
    return {"infno": INFNO, "on": on.isoformat(), "known_at": known_at.isoformat(),
            "output": {"baseinfo": baseinfo, "insuinfo": rows, "idetinfo": identities}}


def _insurance(row: mapping.Insurance, balance: Decimal, employer_name: EmployerName, on: datetime.date
               ) -> dict[str, Any]:
    day = on if row.paus_insu_date is None or row.psn_insu_stas != mapping.ENDED else \
        row.paus_insu_date - datetime.timedelta(days=1)
    name = employer_name(row.employer, day) if row.employer else None
    return {"balc": _money(balance if row.account else ZERO), "insutype": row.insutype, "psn_type": row.psn_type,
            "psn_insu_stas": row.psn_insu_stas, "psn_clct_stas": row.psn_clct_stas,
            "psn_insu_date": row.psn_insu_date.isoformat(), "paus_insu_date": _day(row.paus_insu_date),
            "cvlserv_flag": row.cvlserv_flag, "insuplc_admdvs": row.insuplc_admdvs,
            "emp_name": _text(name, "emp_name") if name else None}


def _identity(row: mapping.Identity) -> dict[str, Any]:
    return {"psn_idet_type": row.psn_idet_type, "psn_type_lv": row.psn_type_lv or None,
            "memo": _text(row.memo, "memo"), "begntime": _time(row.begins), "endtime": _time(row.ends)}


def _money(amount: Decimal) -> str:
    return str(round_fen(amount))


def _day(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _time(day: datetime.date | None) -> str | None:
    return f"{day.isoformat()} 00:00:00" if day else None


def _text(text: str, name: str) -> str:
    return text[:LENGTHS[name]]


def holds_anything(document: dict[str, Any]) -> bool:
    """Whether the person had been registered by the document's date (an insurance row at all)."""
    return bool(document["output"]["insuinfo"])


def person_document(ledger: Any, id_number: str, on: datetime.date, known_at: datetime.datetime | None
                    ) -> dict[str, Any]:
    """One person's 1101 document, as known at a moment (now: from the read side's rows when current)."""
    from projections.reader import standing

    moment = known_at or datetime.datetime.now(datetime.timezone.utc)

    def employer_name(code: str, day: datetime.date) -> str | None:
        stream = ledger.stream(Employer.id_for(code))
        if stream is None:
            return None
        return employer_state(View(stream.history, policy=ledger.default_policy, known_at=known_at), day).name

    with standing(ledger, id_number, known_at) as found:
        if not found.view.standing:
            raise NotFound("id", _("the ledger knew nothing of {number} at {moment}: the platform's document needs "
                                   "the person registered by then (ask at a later --known-at)").format(
                number=id_number, moment=moment.isoformat()))
        return insuinfo(found.view, on, moment, balance=found.account(on)["balance"], employer_name=employer_name)


# -- every person, from the read side -----------------------------------------------------------------------------

class Batch:
    """Documents for many persons through one unit of work (a batch job's reads: the read side's rows when current,
    a page at a time, memory bounded by trimming what was read)."""

    EMPLOYERS_KEPT = 2_000

    def __init__(self, uow: Any, moment: datetime.datetime, book: CodeBook | None = None):
        self.uow, self.moment, self.book = uow, moment, book or code_book()
        self._employers: dict[str, View | None] = {}

    def document(self, person: Any, on: datetime.date) -> dict[str, Any]:
        view = self.uow.view(person)
        return insuinfo(view, on, self.moment, balance=Folded(view).account(on)["balance"],
                        employer_name=self.employer_name, book=self.book)

    def employer_name(self, code: str, day: datetime.date) -> str | None:
        if code not in self._employers:
            if len(self._employers) >= self.EMPLOYERS_KEPT:
                self._employers.clear()
            stream = self.uow.get(Employer.id_for(code))
            self._employers[code] = None if stream is None else View(stream.history, policy=self.uow.policy)
        view = self._employers[code]
        return None if view is None else employer_state(view, day).name

    def done_with_page(self) -> None:
        self.uow.trim(2 * PAGE)


def person_count(uow: Any) -> int:
    """How many persons the read side holds (every person ever registered)."""
    tables = uow.tables
    if tables is None:
        return len(uow.person_ids())
    with tables.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT COUNT(*) AS n FROM {tables.name('yibao_views')}")
        return int(cursor.fetchone()["n"])


def person_pages(uow: Any) -> Iterator[list[Any]]:
    """Every person, a page at a time, in ID-number order from the read side's views table (keyset-paged: each
    page one indexed query); on the in-memory store, everyone registered, in recorded order."""
    tables = uow.tables
    if tables is None:
        ids = uow.person_ids()
        for start in range(0, len(ids), PAGE):
            yield uow.persons(ids[start:start + PAGE])
        return
    after = ""
    while True:
        with tables.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT person_id, id_number FROM {tables.name('yibao_views')} WHERE id_number > "
                           f"{tables.mark} ORDER BY id_number LIMIT {PAGE}", [after])
            rows = cursor.fetchall()
        if not rows:
            return
        yield uow.persons([tables.stream_id(row["person_id"]) for row in rows])
        after = rows[-1]["id_number"]


def all_documents(uow: Any, on: datetime.date, moment: datetime.datetime,
                  progress: Callable[[int], None] = lambda n: None) -> Iterator[dict[str, Any]]:
    """The 1101 document of everyone registered by `on`, as known now, in ID-number order; `progress(n)` after each
    page of n persons read."""
    batch = Batch(uow, moment)
    for persons in person_pages(uow):
        for person in persons:
            document = batch.document(person, on)
            if holds_anything(document):
                yield document
        progress(len(persons))
        batch.done_with_page()


# -- FHIR R4 Coverage ---------------------------------------------------------------------------------------------

CODE_SYSTEM = "urn:yibao:codes:"
"""The national code tables as FHIR code systems of our own naming (the platform names none): urn:yibao:codes:TABLE."""
EXTENSION = "urn:yibao:fhir:StructureDefinition:"
CERTNO_SYSTEM = CODE_SYSTEM + "psn_cert_type:01"
"""The identifier system of a citizen ID number (psn_cert_type 01), of our own naming until the platform names one."""
FHIR_STATUS = {"1": "active", "2": "active", "3": "entered-in-error", "4": "cancelled"}
"""Coverage.status has no word for 暂停参保: a paused insurance stays active, its psn_insu_stas in an extension."""
GENDER = {"1": "male", "2": "female"}


def coverage_bundle(document: dict[str, Any], book: CodeBook | None = None) -> dict[str, Any]:
    """A FHIR R4 (R4B models) Bundle of type collection holding one Coverage per insuinfo row of a 1101 document,
    each built and validated by fhir.resources: status, period, type (PUBLICPOL and the insutype), class plan =
    insutype and group = psn_type, subscriberId, the beneficiary Patient identified by the ID number, the payor
    Organization of the insured area, the employer as policy holder; psn_insu_stas and psn_clct_stas in extensions.
    """
    from fhir.resources.R4B.bundle import Bundle, BundleEntry

    book = book or code_book()
    on = datetime.date.fromisoformat(document["on"])
    output = document["output"]
    entries = [BundleEntry(resource=_coverage(output["baseinfo"], row, on, book)) for row in output["insuinfo"]]
    bundle = Bundle(type="collection", timestamp=document["known_at"], entry=entries or None)
    return json.loads(bundle.model_dump_json(by_alias=True, exclude_none=True))


def _coverage(base: dict[str, Any], row: dict[str, Any], on: datetime.date, book: CodeBook) -> Any:
    from fhir.resources.R4B.coverage import Coverage
    from fhir.resources.R4B.organization import Organization
    from fhir.resources.R4B.patient import Patient

    patient = Patient(id="beneficiary", identifier=[_certno(base, book, on)], gender=GENDER.get(base["gend"]),
                      birthDate=base["brdy"], name=[{"text": base["psn_name"]}] if base["psn_name"] else None)
    area = row["insuplc_admdvs"]
    area_name = book["admdvs"].name_of(area, on)
    payor = Organization(id="payor", identifier=[{"system": CODE_SYSTEM + "admdvs", "value": area}],
                         name=f"{area_name}医疗保障局" if area_name else None)
    contained = [patient, payor]
    holder = None
    if row["emp_name"]:
        contained.append(Organization(id="employer", name=row["emp_name"]))
        holder = {"reference": "#employer"}
    ended = row["psn_insu_stas"] == mapping.ENDED and row["paus_insu_date"]
    period = {"start": row["psn_insu_date"], **({"end": _day_before(row["paus_insu_date"])} if ended else {})}
    return Coverage(
        status=FHIR_STATUS[row["psn_insu_stas"]],
        extension=[_coded_extension("psn_insu_stas", row["psn_insu_stas"], book, on),
                   _coded_extension("psn_clct_stas", row["psn_clct_stas"], book, on)],
        type={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PUBLICPOL",
                          "display": "public healthcare"}, _coding("insutype", row["insutype"], book, on)]},
        subscriberId=base["certno"], beneficiary={"reference": "#beneficiary"}, policyHolder=holder,
        relationship={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                                  "code": "self"}]},
        period=period, payor=[{"reference": "#payor"}], contained=contained,
        class_fhir=[_class("plan", "insutype", row["insutype"], book, on),
                    _class("group", "psn_type", row["psn_type"], book, on)],
    )


def _certno(base: dict[str, Any], book: CodeBook, on: datetime.date) -> dict[str, Any]:
    return {"use": "official", "system": CERTNO_SYSTEM, "value": base["certno"],
            "type": {"coding": [_coding("psn_cert_type", base["psn_cert_type"], book, on)]}}


def _coding(table: str, code: str, book: CodeBook, on: datetime.date) -> dict[str, Any]:
    return {"system": CODE_SYSTEM + table, "code": code, "display": book[table].name_of(code, on)}


def _coded_extension(table: str, code: str, book: CodeBook, on: datetime.date) -> dict[str, Any]:
    return {"url": EXTENSION + table, "valueCoding": _coding(table, code, book, on)}


def _class(kind: str, table: str, code: str, book: CodeBook, on: datetime.date) -> Any:
    from fhir.resources.R4B.coverage import CoverageClass

    return CoverageClass(type={"coding": [{"system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                                           "code": kind}]}, value=code, name=book[table].name_of(code, on))


def _day_before(text: str) -> str:
    """paus_insu_date is the first day not insured; a FHIR period's end is the last day insured."""
    return (datetime.date.fromisoformat(text) - datetime.timedelta(days=1)).isoformat()


# -- reconciliation -----------------------------------------------------------------------------------------------

@dataclass
class Report:
    checked: int = 0
    differing: int = 0
    persons: list[dict[str, Any]] = field(default_factory=list)

    def listing(self, name: str) -> dict[str, Any]:
        return {"file": name, "checked": self.checked, "differing": self.differing,
                "listed": len(self.persons), "persons": self.persons}


def check_extract(uow: Any, lines: Iterable[str], *, file_name: str, on: datetime.date | None, clear: bool,
                  limit: int, moment: datetime.datetime,
                  progress: Callable[[int], None] = lambda n: None) -> Report:
    """Compare each line of a platform extract (1101 documents, one a line) with the ledger's document for the
    same person on the line's date (`on` for lines that carry none), as known now; the persons that differ are
    listed (up to `limit`, all counted), personal values masked unless `clear`."""
    report, batch, page = Report(), Batch(uow, moment), []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        page.append(_parsed(number, line, file_name, on))
        if len(page) == PAGE:
            _check_page(batch, page, report, clear, limit)
            progress(len(page))
            page = []
    if page:
        _check_page(batch, page, report, clear, limit)
        progress(len(page))
    return report


@dataclass
class _Line:
    number: int
    on: datetime.date
    certno: str
    output: dict[str, Any]


def _parsed(number: int, line: str, file_name: str, on: datetime.date | None) -> _Line:
    try:
        document = json.loads(line)
    except ValueError as error:
        raise BadInput(file_name, _("line {number} is not JSON ({error})").format(number=number, error=error.msg)
                       ) from None
    output = document.get("output", document) if isinstance(document, dict) else None
    if not isinstance(output, dict) or not isinstance(output.get("baseinfo"), dict):
        raise BadInput(file_name, _("line {number} has no baseinfo: each line is a 1101 document").format(
            number=number))
    for part in ("insuinfo", "idetinfo"):
        if not isinstance(output.get(part, []), list):
            raise BadInput(file_name, _("line {number}: {part} is not a list").format(number=number, part=part))
    certno = str(output["baseinfo"].get("certno") or "")
    if "*" in certno:
        raise BadInput(file_name, _("line {number}: certno is masked; check an extract made with --reveal").format(
            number=number))
    try:
        certno = validation.id_number(certno, "certno")
        day = validation.date(document["on"], "on") if document.get("on") else on
    except BadInput as error:
        raise BadInput(file_name, _("line {number}: {error}").format(number=number, error=error)) from None
    if day is None:
        raise BadInput(file_name, _("line {number} names no date ('on'): give --on DATE for the whole file").format(
            number=number))
    return _Line(number, day, certno, output)


def _check_page(batch: Batch, page: list[_Line], report: Report, clear: bool, limit: int) -> None:
    found = batch.uow.persons_by_number([line.certno for line in page])
    for line in page:
        report.checked += 1
        person = found.get(line.certno)
        if person is None:
            differences = [{"field": "certno", "extract": line.certno, "ledger": None,
                            "note": "no person with this ID number is registered in the ledger"}]
        else:
            differences = compare(line.output, batch.document(person, line.on)["output"])
        if differences:
            report.differing += 1
            if len(report.persons) < limit:
                shown = differences if clear else [_masked(d) for d in differences]
                report.persons.append({"line": line.number, "certno": line.certno, "on": line.on.isoformat(),
                                       "differences": shown})
    batch.done_with_page()


def _masked(difference: dict[str, Any]) -> dict[str, Any]:
    mask = MASKS.get(difference["field"].rpartition(".")[2])
    if mask is None:
        return difference
    return {**difference, **{side: mask(value) if isinstance(value, str) else value
                             for side in ("extract", "ledger") for value in [difference[side]]}}


def compare(extract: dict[str, Any], ledger: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences between an extract's 1101 output and the ledger's: baseinfo field by field (not the fields
    the ledger does not hold), insuinfo rows by insutype, idetinfo rows by identity and start."""
    found = []
    for name, value in ledger["baseinfo"].items():
        if name not in NOT_HELD:
            found += _field(f"baseinfo.{name}", name, extract["baseinfo"].get(name), value, name in extract["baseinfo"])
    found += _rows("insuinfo", extract.get("insuinfo") or [], ledger["insuinfo"],
                   lambda r: str(r.get("insutype")), frozenset({"insutype"}))
    found += _rows("idetinfo", extract.get("idetinfo") or [], ledger["idetinfo"],
                   lambda r: f"{r.get('psn_idet_type')}@{r.get('begntime')}", UNCOMPARED_IDENTITY)
    return found


def _rows(part: str, extract: list[dict], ledger: list[dict], key: Callable[[dict], str], skip: frozenset[str]
          ) -> list[dict[str, Any]]:
    theirs = {key(r): r for r in extract if isinstance(r, dict)}
    ours = {key(r): r for r in ledger}
    found = []
    for name in sorted(theirs.keys() | ours.keys()):
        where = f"{part}[{name}]"
        if name not in ours or name not in theirs:
            found.append({"field": where, "extract": "present" if name in theirs else None,
                          "ledger": "present" if name in ours else None})
            continue
        for column, value in ours[name].items():
            if column not in skip:
                found += _field(f"{where}.{column}", column, theirs[name].get(column), value, column in theirs[name])
    return found


def _field(where: str, name: str, theirs: Any, ours: Any, present: bool) -> list[dict[str, Any]]:
    if not present and name in EXTRAS:
        return []
    if _normal(name, theirs) == _normal(name, ours):
        return []
    return [{"field": where, "extract": theirs, "ledger": ours}]


def _normal(name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if name in NUMBERS:
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    return str(value).strip()
