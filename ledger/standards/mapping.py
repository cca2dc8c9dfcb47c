"""The ledger's facts in the platform's codes: one pure mapping, from a person's view and a date.

A person holds, on a date, one insurance (险种 insutype) per row of interface 1101's `insuinfo`:
- the employee scheme: 310 职工基本医疗保险 as 1101 职工在职, with 510 生育保险 beside it (REG-6, E11: employee
  registration carries maternity; the 510 row is reported while the code is in force, see insutype.json);
- the flexible scheme: 310 as 1103 灵活就业人员在职 (no maternity, REG-6);
- retired (RET-1): 310 as 1201 职工退休, or 1203 灵活就业人员退休 when the person retired from the flexible scheme;
  maternity ends at retirement;
- the resident scheme: 390 城乡居民基本医疗保险, with 392 城乡居民大病医疗保险 beside it (assumed: 大病保险 covers
  everyone in 390, see insutype.json), the person's class (psn_type) by age, school and newborn enrolment.

Statuses on the date (psn_insu_stas / psn_clct_stas), for an insurance held:
- 1 正常参保 / 1 参保缴费, unless:
- a flexible person's payment interrupted (WAIT-4): 2 暂停参保 / 2 暂停缴费 from the first unpaid month;
- a resident whose year is not paid (RES-4; a year paid back afterwards covers nothing, RES-7): 2 / 2 from the year's
  first day (or the registration, if later);
- retired (RET-1): 1 / 3 终止缴费, no more contributions, once any shortfall is back-paid (1 / 1 before);
and for an insurance held before the date and no longer (a cancellation REG-5, a transfer out TRF-1, a switch of
scheme, maternity at retirement): 4 终止参保 / 3 终止缴费, paused (paus_insu_date) on the first day not held.
An insurance never held by the date has no row; nor has a person not yet registered.

psn_insu_date is the first day of the unbroken run of registration in which the person held that insurance. The
insured area (insuplc_admdvs) is the one recorded (TRF-1), else 640000: both schemes are pooled at the level of the
autonomous region (E1, R28). The ledger records no civil-servant status (cvlserv_flag 0, never 1102 or 320), no
ethnicity (naty) and not the platform's person number (psn_no).

Hardship groups (RES-2) become `idetinfo` rows: one per period begun by the date, its code from the provisional
psn_idet_type table, the body that confirmed it as the memo, and its end once recorded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ledger.benefits.interruption import interrupted_from
from ledger.benefits.retirement import benefits_start, retirement
from ledger.contributions.months import table
from ledger.core.month import Month
from ledger.core.view import View
from ledger.registration.events import PersonRegistered, PersonReregistered
from ledger.registration.person_state import PersonState, periods, state_on
from ledger.resident.events import HardshipEnded, HardshipFlagged
from ledger.resident.rules import payments
from ledger.standards.codes import CodeBook, code_book

PRIMARY = {"employee": "310", "flexible": "310", "retired": "310", "resident": "390"}
COMPANIONS = {"employee": ("510",), "resident": ("392",)}
"""Insurances held beside the primary one while their code is in force (REG-6; 392 assumed)."""
IN_SERVICE = {"employee": "1101", "flexible": "1103"}
RETIRED_FROM = {"employee": "1201", "flexible": "1203"}
REGION = "640000"
"""The insured area when none is recorded: the autonomous region, where both schemes are pooled (E1, R28)."""
ACCOUNT_INSUTYPE = "310"
"""The personal account (个人账户) belongs to employee medical insurance: its balance is that row's balc."""
CERTIFICATE = "01"
"""居民身份证: the ledger registers people by citizen ID number (REG-2)."""
SEX = {"M": "1", "F": "2"}
NORMAL, PAUSED, ENDED = "1", "2", "4"
PAYING, PAUSED_PAYING, STOPPED_PAYING = "1", "2", "3"


@dataclass(frozen=True)
class Insurance:
    """One insuinfo row in codes; `employer` is the credit code whose name is emp_name."""

    insutype: str
    psn_type: str
    psn_insu_stas: str
    psn_clct_stas: str
    psn_insu_date: datetime.date
    paus_insu_date: datetime.date | None
    insuplc_admdvs: str
    employer: str | None
    account: bool
    cvlserv_flag: str = "0"


@dataclass(frozen=True)
class Identity:
    """One idetinfo row: a hardship group's period, [begins, ends)."""

    psn_idet_type: str
    psn_type_lv: str
    memo: str
    begins: datetime.date
    ends: datetime.date | None


@dataclass(frozen=True)
class Person:
    """The baseinfo codes the ledger holds."""

    psn_cert_type: str
    certno: str
    psn_name: str
    gend: str
    brdy: datetime.date
    age: int


def person(view: View, on: datetime.date, book: CodeBook | None = None) -> Person:
    book = book or code_book()
    state = state_on(view, on)
    return Person(psn_cert_type=book["psn_cert_type"].require(CERTIFICATE, on).code, certno=state.id_number or "",
                  psn_name=state.name or "", gend=book["gend"].require(SEX[state.sex], on).code, brdy=state.birth,
                  age=full_years(state.birth, on))


def insurances(view: View, on: datetime.date, book: CodeBook | None = None) -> list[Insurance]:
    """The person's insurances on `on`, one per insutype held by then, in code order."""
    book = book or code_book()
    rows = [_row(view, on, insutype, run, book) for insutype, run in sorted(_runs(view, on, book).items())]
    for row in rows:
        book["insutype"].require(row.insutype, on)
        book["psn_type"].require(row.psn_type, on)
        book["psn_insu_stas"].require(row.psn_insu_stas, on)
        book["psn_clct_stas"].require(row.psn_clct_stas, on)
    return rows


def identities(view: View, on: datetime.date, book: CodeBook | None = None) -> list[Identity]:
    """RES-2: each hardship group's period begun by `on`, with its end when recorded by then."""
    book = book or code_book()
    kinds = {c.extra.get("kind"): c.code for c in book["psn_idet_type"].on(on)}
    open_periods: dict[str, tuple[datetime.date, str]] = {}
    found: list[tuple[str, datetime.date, datetime.date | None, str]] = []
    for event in view.of(HardshipFlagged, HardshipEnded):
        if event.on > on:
            continue
        if isinstance(event, HardshipFlagged):
            open_periods[event.kind] = (event.on, event.body)
        elif event.kind in open_periods:
            begins, body = open_periods.pop(event.kind)
            found.append((event.kind, begins, event.on, body))
    found += [(kind, begins, None, body) for kind, (begins, body) in open_periods.items()]
    rows = []
    for kind, begins, ends, body in sorted(found, key=lambda f: (f[1], f[0])):
        code = kinds.get(kind) or book["psn_idet_type"].require(kind, on).code  # a kind with no code: a gap
        rows.append(Identity(psn_idet_type=code, psn_type_lv="", memo=body, begins=begins, ends=ends))
    return rows


# -- which insurances, from when -------------------------------------------------------------------------------

@dataclass
class _Run:
    begins: datetime.date
    ends: datetime.date | None
    state: PersonState


def _held(state: PersonState, on: datetime.date, book: CodeBook) -> tuple[str, ...]:
    if not state.registered or state.scheme not in PRIMARY:
        return ()
    companions = tuple(c for c in COMPANIONS.get(state.scheme, ()) if book["insutype"].get(c, on) is not None)
    return (PRIMARY[state.scheme], *companions)


def _runs(view: View, on: datetime.date, book: CodeBook) -> dict[str, _Run]:
    """For each insutype held by `on`, its latest unbroken run [begins, ends) (ends None: held on `on`)."""
    runs: dict[str, _Run] = {}
    for begins, until, state in periods(view):
        if begins > on:
            break
        ends = until if until is not None and until <= on else None
        for insutype in _held(state, on, book):
            run = runs.get(insutype)
            if run is not None and run.ends == begins:
                run.ends, run.state = ends, state
            else:
                runs[insutype] = _Run(begins, ends, state)
    return runs


def _row(view: View, on: datetime.date, insutype: str, run: _Run, book: CodeBook) -> Insurance:
    day = on if run.ends is None else run.ends - datetime.timedelta(days=1)
    state = run.state
    if run.ends is None:
        insu_stas, clct_stas, paused = _statuses(view, on, state, run.begins)
    else:
        insu_stas, clct_stas, paused = ENDED, STOPPED_PAYING, run.ends
    return Insurance(insutype=insutype, psn_type=psn_type(view, state, day, book), psn_insu_stas=insu_stas,
                     psn_clct_stas=clct_stas, psn_insu_date=run.begins, paus_insu_date=paused,
                     insuplc_admdvs=state.area or REGION,
                     employer=employer_on(view, day) if state.scheme == "employee" else None,
                     account=insutype == ACCOUNT_INSUTYPE)


def _statuses(view: View, on: datetime.date, state: PersonState, begins: datetime.date
              ) -> tuple[str, str, datetime.date | None]:
    """(psn_insu_stas, psn_clct_stas, paus_insu_date) of an insurance held on `on`."""
    if state.scheme == "flexible":
        stopped = interrupted_from(view, on)
        if stopped is not None:
            return PAUSED, PAUSED_PAYING, stopped.first_day
    elif state.scheme == "resident":
        paid = payments(view).get(on.year)
        if paid is None or paid.back_paid:
            return PAUSED, PAUSED_PAYING, max(datetime.date(on.year, 1, 1), begins)
    elif state.scheme == "retired":
        retired = retirement(view)
        owing = retired is not None and retired.shortfall > 0 and benefits_start(view, on) is None
        return NORMAL, PAYING if owing else STOPPED_PAYING, None
    return NORMAL, PAYING, None


# -- the person's class -------------------------------------------------------------------------------------------

def psn_type(view: View, state: PersonState, day: datetime.date, book: CodeBook | None = None) -> str:
    """人员类别 on `day` for the person's scheme then."""
    if state.scheme in IN_SERVICE:
        return IN_SERVICE[state.scheme]
    if state.scheme == "retired":
        before = state_on(view, state.retired_on - datetime.timedelta(days=1)) if state.retired_on else state
        return RETIRED_FROM.get(before.scheme, RETIRED_FROM["employee"])
    return resident_type(view, state, day, book or code_book())


def resident_type(view: View, state: PersonState, day: datetime.date, book: CodeBook) -> str:
    """RES-1: students registered through their school are 1403 中小学生 under eighteen, 1404 大学生 from then; a
    baby whose year was paid as a newborn's (R7) is 1401 in its first year; the others by age, as psn_type.json's
    `ages` say (1402, 1403, 1501, 16)."""
    age = full_years(state.birth, day)
    if (state.hukou or "").startswith("school:"):
        return "1403" if age < 18 else "1404"
    paid = payments(view).get(day.year)
    if age < 1 and paid is not None and paid.newborn:
        return "1401"
    for code in book["psn_type"].on(day):
        ages = code.extra.get("ages")
        if ages and ages[0] <= age and (ages[1] is None or age < ages[1]):
            return code.code
    return book["psn_type"].require("", day).code  # no class for the age: a gap in the table's data


def full_years(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def employer_on(view: View, day: datetime.date) -> str | None:
    """The employer the person's month of `day` (or their latest month before it) was assessed for; before any
    month, the employer named at registration."""
    month = Month.of(day)
    assessed = [m for m, pm in table(view).items() if m <= month and pm.employer and not pm.cancelled]
    if assessed:
        return table(view)[max(assessed)].employer
    named = [e.employer for e in view.of(PersonRegistered, PersonReregistered) if e.on <= day and e.employer]
    return named[-1] if named else None
