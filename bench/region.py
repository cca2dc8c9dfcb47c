"""The plan of a synthetic region: its policy book, and district by district its employers, its people and who
works where when. Everything here is drawn from the seed, so a worker process plans the same district again.

A district is DISTRICT_PERSONS people and their employers: employees only change jobs within their district, so
each district is built and written by one process with no other's streams. Birth dates are drawn in a residue
class of the district (day number modulo the number of districts), so two districts never draw the same ID
number.
"""

from __future__ import annotations

import datetime
import math
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from commands.synthetic import (
    COUNTIES,
    OPERATORS,
    TRADES,
    birthday,
    credit_code,
    day_between,
    id_number,
    name,
)
from ledger.contributions.assessment import Amounts, amounts, employee_due_on
from ledger.contributions.bases import Reference, base_floor, clamp_base, reference_wage
from ledger.contributions.events import BasesDeclared, StaffHired, StaffLeft
from ledger.core.money import FEN, round_fen
from ledger.core.month import Month
from ledger.core.policy import Policy
from ledger.intake.files import digest
from ledger.maternity.rules import AverageBase, averaging_period, employer_average_base
from ledger.policy.book import (
    AverageWagePublished,
    PolicyBook,
    PolicyParameterSet,
    check_average_wage,
    check_parameter,
    policy_from,
)
from ledger.registration.employer import Employer
from ledger.registration.rules import registration_is_late

LAST_YEAR = 2025
DISTRICT_PERSONS = 1000
KINDS = ("employee", "flexible", "resident", "retiree")
KIND_WEIGHTS = (55, 20, 20, 5)
BATCH_OPERATOR = "bench"
"""Who runs the batch jobs (assessment, imports, the January cancellations) and publishes the policy."""

WAGE_2024 = Decimal("103200")  # the README tour's figure for 2024
WAGE_GROWTH = Decimal("1.085")
RESIDENT_FINANCING = {
    # Year: (personal part, fiscal subsidy) of the resident scheme before the shipped defaults start (2022);
    # the national minimums as remembered, assumed like the defaults' own.
    2007: ("10", "40"), 2008: ("20", "80"), 2009: ("20", "80"), 2010: ("30", "120"), 2011: ("50", "200"),
    2012: ("60", "240"), 2013: ("70", "280"), 2014: ("90", "320"), 2015: ("120", "380"), 2016: ("150", "420"),
    2017: ("180", "450"), 2018: ("220", "490"), 2019: ("250", "520"), 2020: ("280", "550"), 2021: ("320", "580"),
}
EARLIEST_FINANCING = ("10", "20")
RATE_PARAMETERS = ("base_floor_ratio", "base_ceiling_ratio", "base_quantum", "employee_rate_employer",
                   "employee_rate_personal", "flexible_rate", "flexible_rate_account", "employee_due_day")
CITIES = ("银川", "石嘴山", "吴忠", "固原", "中卫")
DISTRICTS_NAMES = ("金凤区", "兴庆区", "西夏区", "永宁县", "贺兰县", "灵武市", "大武口区", "利通区", "原州区", "沙坡头区")


class Calendar:
    """The months from 1990 to 2030 made once, with their first and last day and their text: `Month`'s
    arithmetic and properties compute them on every call, and a region asks millions of times."""

    START = Month(1990, 1)

    def __init__(self, years: int = 41):
        self.months = [self.START + i for i in range(years * 12)]
        self.first = [month.first_day for month in self.months]
        self.last = [month.last_day for month in self.months]
        self.text = [str(month) for month in self.months]

    def index(self, month: Month) -> int:
        return (month.year - 1990) * 12 + month.number - 1

    def span(self, first: Month, last: Month) -> list[Month]:
        """first..last, both included (empty when last is before first)."""
        return self.months[self.index(first):self.index(last) + 1] if first <= last else []


CALENDAR = Calendar()


@dataclass(frozen=True)
class Window:
    """The years the region covers, ending in LAST_YEAR."""

    first_year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.first_year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(LAST_YEAR, 12, 31)

    @property
    def first_month(self) -> Month:
        return Month(self.first_year, 1)


class Terms:
    """What policy says a month costs, computed with the ledger's own functions and remembered: the employee
    terms per (year, wage) when no rate changes inside the year, else per (month, wage)."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self._references: dict[int, Reference] = {}
        self._stable: dict[int, bool] = {}
        self._employee: dict[tuple, tuple[Decimal, Amounts, int]] = {}
        self._minimum: dict[tuple, tuple[Decimal, Amounts, int]] = {}
        self._chosen: dict[tuple, tuple[Decimal, Amounts, int]] = {}
        self._due: list[datetime.date | None] = [None] * len(CALENDAR.months)
        self._share: dict[tuple, Decimal] = {}

    def reference(self, year: int) -> Reference:
        if year not in self._references:
            self._references[year] = reference_wage(self.policy, year)
        return self._references[year]

    def stable(self, year: int) -> bool:
        """No parameter a month's cost reads takes a new value inside the year after 1 January."""
        if year not in self._stable:
            self._stable[year] = not any(
                p.effective_from.year == year and p.effective_from > datetime.date(year, 1, 1)
                for p in self.policy.parameters if p.name in RATE_PARAMETERS)
        return self._stable[year]

    def employee(self, month: Month, wage: Decimal) -> tuple[Decimal, Amounts, int]:
        """CON-2, CON-7: the declared wage held within the floor and ceiling, and the two parts."""
        key = (month.year if self.stable(month.year) else month, wage)
        found = self._employee.get(key)
        if found is None:
            reference = self.reference(month.year)
            base = clamp_base(self.policy, reference, month, wage)
            found = self._employee[key] = (base, amounts(self.policy, "employee", month, base), reference.year)
        return found

    def minimum(self, scheme: str, month: Month) -> tuple[Decimal, Amounts, int]:
        """CON-5's minimum base (flexible) and WAIT-6's back-payment base, at the scheme's rates."""
        key = (scheme, month)
        found = self._minimum.get(key)
        if found is None:
            reference = self.reference(month.year)
            base = base_floor(self.policy, reference, month)
            found = self._minimum[key] = (base, amounts(self.policy, scheme, month, base), reference.year)
        return found

    def chosen(self, month: Month, chosen: Decimal) -> tuple[Decimal, Amounts, int]:
        """CON-5: a chosen higher base, held under the ceiling."""
        key = (month, chosen)
        found = self._chosen.get(key)
        if found is None:
            reference = self.reference(month.year)
            base = clamp_base(self.policy, reference, month, chosen)
            found = self._chosen[key] = (base, amounts(self.policy, "flexible", month, base), reference.year)
        return found

    def due(self, month: Month) -> datetime.date:
        """CON-6: when an employee's month is due (by the calendar's index: a Month hashes slowly)."""
        index = (month.year - 1990) * 12 + month.number - 1
        found = self._due[index]
        if found is None:
            found = self._due[index] = employee_due_on(self.policy, month)
        return found

    def account_share(self, month: Month, base: Decimal) -> Decimal:
        """ACC-1: what a paid flexible month credits to the account."""
        key = (month, base)
        if key not in self._share:
            self._share[key] = round_fen(base * self.policy.decimal("flexible_rate_account", month.first_day))
        return self._share[key]

    def forget(self) -> None:
        """Bounded memory: the per-wage terms of a district are not needed by the next."""
        self._employee.clear()
        self._chosen.clear()


# -- the policy book ---------------------------------------------------------------------------------------

def average_wages(defaults: Policy, earliest: int) -> dict[int, Decimal]:
    """The region's average wage by year: the shipped figure, 2024's, and earlier years grown back to it."""
    wages = {year: wage.annual for year, wage in defaults.average_wages.items()}
    wages.setdefault(2024, WAGE_2024)
    year = min(wages)
    while year > earliest:
        wages[year - 1] = (wages[year] / WAGE_GROWTH).quantize(Decimal(1))
        year -= 1
    return wages


def policy_book(window: Window) -> tuple[PolicyBook, Policy, dict[int, Decimal]]:
    """The book as a clerk would have kept it: every year's average wage published the June after (CON-3), from
    four years before the window (back-payments reach before it), and the resident financing of the years before
    the shipped figures."""
    defaults = Policy.defaults()
    book = PolicyBook.start(on=datetime.date(1999, 1, 1), operator="yibao")
    wages = average_wages(defaults, window.first_year - 4)
    for year, annual in sorted(wages.items()):
        if year in defaults.average_wages or year >= LAST_YEAR:
            continue
        on = datetime.date(year + 1, 6, 30)
        check_average_wage(year, annual, on)
        book.record(AverageWagePublished, year=year, annual=annual, on=on, operator=BATCH_OPERATOR,
                    documents=[f"统计公报:{year + 1}-宁夏"])
    for parameter, position in (("resident_personal_part", 0), ("resident_fiscal_subsidy", 1)):
        shipped_from = min(p.effective_from.year for p in defaults.parameters if p.name == parameter)
        for year in range(window.first_year, shipped_from):
            value = RESIDENT_FINANCING.get(year, EARLIEST_FINANCING)[position]
            check_parameter(defaults, parameter, value)
            book.record(PolicyParameterSet, name=parameter, value=value, effective_from=datetime.date(year, 1, 1),
                        on=datetime.date(year - 1, 6, 1), operator=BATCH_OPERATOR, documents=[])
    return book, policy_from(defaults, book.history), wages


# -- the plan ----------------------------------------------------------------------------------------------

@dataclass
class EmployerPlan:
    code: str
    name: str
    unit_type: str
    founded: datetime.date
    registered_on: datetime.date
    address: str
    legal_rep: str
    weight: float


@dataclass
class Spell:
    """On an employer's staff from `first` until `until` (the first month off; None: still on at the end)."""

    employer: EmployerPlan
    first: Month
    until: Month | None
    hired_on: datetime.date
    left_on: datetime.date | None = None
    at_registration: bool = False

    def covers(self, month: Month) -> bool:
        return self.first <= month and (self.until is None or month < self.until)

    def months(self, last: Month) -> list[Month]:
        return CALENDAR.span(self.first, last if self.until is None else min(last, self.until - 1))


@dataclass
class PersonPlan:
    index: int
    kind: str
    person_id: uuid.UUID
    id_number: str
    name: str
    sex: str
    birth: datetime.date
    registered_on: datetime.date
    hukou: str
    seed: str
    spells: list[Spell] = field(default_factory=list)
    wage_factor: float = 1.0
    retire_month: Month | None = None
    subkind: str | None = None
    features: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class StaffMonth:
    """A month assessed for an employer, as MAT-5's average reads it."""

    month: Month
    employer: str
    base: Decimal
    cancelled: bool = False


@dataclass
class Region:
    seed: int
    persons: int
    window: Window
    book: PolicyBook
    policy: Policy
    wages: dict[int, Decimal]
    terms: Terms
    district_persons: int = DISTRICT_PERSONS
    _bases: dict[tuple[int, int], Decimal] = field(default_factory=dict)

    @classmethod
    def build(cls, *, seed: int, persons: int, years: int, district_persons: int = DISTRICT_PERSONS) -> Region:
        window = Window(LAST_YEAR - years + 1)
        book, policy, wages = policy_book(window)
        return cls(seed, persons, window, book, policy, wages, Terms(policy), district_persons)

    @property
    def id_prefix(self) -> int:
        return random.Random(f"{self.seed}:ids").getrandbits(16)

    @property
    def districts(self) -> int:
        return max(1, math.ceil(self.persons / self.district_persons))

    def district_indices(self, number: int) -> range:
        size = self.district_persons
        return range(number * size, min(self.persons, (number + 1) * size))

    def declared_wage(self, plan: PersonPlan, year: int) -> Decimal:
        """The monthly wage the employer declares for the year (CON-1): the person's level times last year's
        average, with a small yearly wobble."""
        wobble = 1 + 0.02 * ((plan.index + year) % 5 - 2)
        return Decimal(int(float(self.wages[year - 1]) / 12 * plan.wage_factor * wobble)).quantize(FEN)

    def employee_terms(self, plan: PersonPlan, month: Month) -> tuple[Decimal, Amounts, int]:
        return self.terms.employee(month, self.declared_wage(plan, month.year))

    def forget(self) -> None:
        """Bounded memory: what a district's people cost is not needed by the next district."""
        self.terms.forget()
        self._bases.clear()

    def staff_base(self, plan: PersonPlan, month: Month) -> Decimal:
        """The base an employee's month is assessed on (the same terms as employee_terms, remembered per year)."""
        key = (plan.index, month.year)
        found = self._bases.get(key) if self.terms.stable(month.year) else None
        if found is None:
            found = self._bases[key] = self.employee_terms(plan, month)[0]
        return found


@dataclass
class District:
    number: int
    employers: list[EmployerPlan]
    persons: list[PersonPlan]
    staff: dict[str, list[tuple[PersonPlan, Spell]]]
    averages: dict[tuple, AverageBase] = field(default_factory=dict)

    def average_base(self, region: Region, code: str, birth: datetime.date) -> AverageBase:
        """MAT-5 with the ledger's own function, over the months this district's plan assesses for `code`."""
        first, last = averaging_period(region.policy, birth)
        birth_month = Month.of(birth)
        key = (code, first, min(last, birth_month))
        if key not in self.averages:
            rows = self._staff_months(region, code, first, min(last, birth_month))
            if not rows:  # an employer with no months in the period averages the months it has (MAT-5)
                rows = self._staff_months(region, code, Month(1990, 1), birth_month)
                return employer_average_base(region.policy, rows, code, birth)
            self.averages[key] = employer_average_base(region.policy, rows, code, birth)
        return self.averages[key]

    def _staff_months(self, region: Region, code: str, first: Month, last: Month) -> list[StaffMonth]:
        rows = []
        for plan, spell in self.staff.get(code, []):
            for month in spell.months(min(last, Month(LAST_YEAR, 12))):
                if month >= first:
                    rows.append(StaffMonth(month, code, region.staff_base(plan, month)))
        return rows


def plan_district(region: Region, number: int) -> District:
    rng = random.Random(f"{region.seed}:district:{number}")
    indices = region.district_indices(number)
    employers = [_employer(rng, region, i) for i in range(max(3, len(indices) // 25))]
    taken: set[str] = set()
    persons = []
    for position, index in enumerate(indices):
        # The first four of a district are one of each kind, so that a small region shows every kind of life.
        kind = KINDS[position] if position < len(KINDS) and len(indices) >= 20 else \
            rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
        persons.append(_person(rng, region, number, index, kind, employers, taken))
    _make_sure_of_every_feature(persons)
    staff: dict[str, list[tuple[PersonPlan, Spell]]] = {}
    for plan in persons:
        for spell in plan.spells:
            staff.setdefault(spell.employer.code, []).append((plan, spell))
    return District(number, employers, persons, staff)


def _employer(rng: random.Random, region: Region, position: int) -> EmployerPlan:
    window = region.window
    if position == 0 or rng.random() < 0.75:
        # not before 1999, when the policy's first parameters (REG-1's due days) take effect
        earliest = datetime.date(max(1999, window.first_year - 20), 1, 1)
        founded = day_between(rng, earliest, max(earliest, datetime.date(window.first_year - 1, 12, 31)))
    else:
        founded = day_between(rng, window.start, max(window.start, datetime.date(LAST_YEAR - 1, 6, 30)))
    registered_on = founded + datetime.timedelta(days=rng.choice((5, 12, 20, 29, 45)))
    unit_type = rng.choices(("enterprise", "institution", "individual-business"), weights=(80, 10, 10))[0]
    return EmployerPlan(
        code=credit_code(rng), name=f"宁夏{rng.choice('塞上贺兰六盘黄河沙湖')}{rng.choice(TRADES)}有限公司",
        unit_type=unit_type, founded=founded, registered_on=registered_on,
        address=f"{rng.choice(CITIES)}市{rng.choice(DISTRICTS_NAMES)}{rng.randrange(1, 400)}号", legal_rep=name(rng),
        weight=1 / math.sqrt(position + 1))


def _birth(rng: random.Random, region: Region, number: int, first: datetime.date, last: datetime.date
           ) -> datetime.date:
    """A day in [first, last] in the district's residue class (see the module's docstring)."""
    count = region.districts
    day = day_between(rng, first, last)
    day += datetime.timedelta(days=(number - day.toordinal()) % count)
    if day > last:
        day -= datetime.timedelta(days=count)
    return day


def _unique_id(rng: random.Random, birth: datetime.date, sex: str, taken: set[str]) -> str:
    number = id_number(rng, birth, sex)
    while number in taken:
        number = id_number(rng, birth, sex)
    taken.add(number)
    return number


def _registration_day(rng: random.Random, window: Window, adult: datetime.date) -> datetime.date:
    """Most people already insured are registered in the window's first months; the rest join later."""
    start = max(window.start, adult)
    last = datetime.date(LAST_YEAR, 9, 30)
    if rng.random() < 0.6:
        return day_between(rng, start, min(start + datetime.timedelta(days=90), last))
    return day_between(rng, start, last)


def _person(rng: random.Random, region: Region, number: int, index: int, kind: str,
            employers: list[EmployerPlan], taken: set[str]) -> PersonPlan:
    window = region.window
    sex = rng.choice("MF")
    seed = f"{region.seed}:person:{index}"
    # Ids in the order people are written (the top bits: the region's prefix, then the index), so that the store's
    # primary key grows at its end rather than at random places; the rest random, as uuid4's.
    person_id = uuid.UUID(int=region.id_prefix << 112 | index << 80 | rng.getrandbits(80), version=4)
    hukou = f"宁夏{rng.choice(CITIES)}"
    if kind == "retiree":
        return _retiree(rng, region, number, index, sex, person_id, hukou, seed, employers, taken)
    if kind == "resident":
        return _resident(rng, region, number, index, sex, person_id, hukou, seed, taken)
    birth = _birth(rng, region, number, datetime.date(1966 if sex == "M" else 1971, 1, 1),
                   datetime.date(2003, 12, 31))
    registered_on = _registration_day(rng, window, birthday(birth, 18))
    plan = PersonPlan(index, kind, person_id, _unique_id(rng, birth, sex, taken), name(rng), sex, birth,
                      registered_on, hukou, seed, wage_factor=min(3.5, max(0.4, math.exp(rng.gauss(0, 0.45)))))
    features = plan.features
    if rng.random() < 0.06:
        features.add("transfer")
    if rng.random() < 0.15:
        features.add("address")
        if rng.random() < 0.1:
            features.add("correction")
    if kind == "flexible":
        if rng.random() < 0.1:
            features.add("chosen")
        if rng.random() < 0.25:
            features.add("monthly")
        return plan
    if rng.random() < (0.3 if sex == "F" else 0.25):
        features.add("birth")
    if rng.random() < 0.01:
        features.add("duplicate")
    _employment(rng, plan, employers)
    return plan


def _employment(rng: random.Random, plan: PersonPlan, employers: list[EmployerPlan],
                until: Month | None = None, changes: int | None = None) -> None:
    """The spells: the registration puts the person on the staff from its month (REG-2); a job change leaves
    from a month, declared by the 25th of the month before (CON-9), with or without a gap."""
    employer = _choose_employer(rng, employers, plan.registered_on, exclude=None)
    if employer.registered_on > plan.registered_on:
        plan.registered_on = employer.registered_on + datetime.timedelta(days=1)
    spell = Spell(employer, Month.of(plan.registered_on), until, plan.registered_on, at_registration=True)
    plan.spells.append(spell)
    last = Month(LAST_YEAR, 9)
    if changes is None:
        changes = rng.choices((0, 1, 2), weights=(70, 22, 8))[0]
    for _ in range(changes):
        earliest = plan.spells[-1].first + 6
        if earliest > last:
            break
        leaving = earliest + rng.randrange(earliest.months_until(last) + 1)
        joining = leaving + (0 if rng.random() < 0.7 else rng.randrange(1, 7))
        hired_on = (joining - 1).day(rng.randrange(5, 26))
        other = _choose_employer(rng, employers, hired_on, exclude=plan.spells[-1].employer)
        if other is None:
            break
        plan.spells[-1].until = leaving
        plan.spells[-1].left_on = (leaving - 1).day(rng.randrange(5, 26))
        plan.spells.append(Spell(other, joining, None, hired_on))


def _choose_employer(rng: random.Random, employers: list[EmployerPlan], on: datetime.date,
                     exclude: EmployerPlan | None) -> EmployerPlan | None:
    open_ = [e for e in employers if e.registered_on <= on and e is not exclude]
    if not open_:
        if exclude is not None:
            return None
        return min(employers, key=lambda e: e.registered_on)
    return rng.choices(open_, weights=[e.weight for e in open_])[0]


def _retiree(rng, region, number, index, sex, person_id, hukou, seed, employers, taken) -> PersonPlan:
    """An employee who retires within the window, from 2021 (when the retired account credit starts)."""
    window = region.window
    earliest, latest = max(Month(2021, 1), window.first_month + 13), Month(LAST_YEAR, 11)
    retire = earliest + rng.randrange(earliest.months_until(latest) + 1)
    age = 60 if sex == "M" else 55
    birth = _birth(rng, region, number, (retire - 12).first_day.replace(year=(retire - 12).year - age),
                   (retire - 1).last_day.replace(year=(retire - 1).year - age, day=28))
    retire = max(earliest, Month.of(birthday(birth, age)) + 1)
    start = window.start
    last_registration = (retire - 13).first_day
    registered_on = day_between(rng, start, min(start + datetime.timedelta(days=60), last_registration)) \
        if rng.random() < 0.8 else day_between(rng, start, last_registration)
    plan = PersonPlan(index, "retiree", person_id, _unique_id(rng, birth, sex, taken), name(rng), sex, birth,
                      registered_on, hukou, seed, wage_factor=min(3.5, max(0.4, math.exp(rng.gauss(0, 0.45)))),
                      retire_month=retire)
    if rng.random() < 0.25:
        plan.features.add("shortfall")
    if rng.random() < 0.15:
        plan.features.add("address")
    _employment(rng, plan, employers, until=retire, changes=0)
    spell = plan.spells[0]
    spell.left_on = (retire - 1).day(10)
    if spell.first >= retire - 12:  # the employer registered late: keep a year of contributions
        plan.kind, plan.retire_month, spell.until, spell.left_on = "employee", None, None, None
    return plan


def _resident(rng, region, number, index, sex, person_id, hukou, seed, taken) -> PersonPlan:
    window = region.window
    subkind = rng.choices(("adult", "child", "newborn"), weights=(60, 25, 15))[0]
    last = datetime.date(LAST_YEAR, 12, 20)
    if subkind == "newborn":
        birth = _birth(rng, region, number, window.start, datetime.date(LAST_YEAR, 10, 31))
        registered_on = min(last, birth + datetime.timedelta(days=rng.randrange(10, 150)))
    else:
        first, final = ((datetime.date(1950, 1, 1), datetime.date(2000, 12, 31)) if subkind == "adult"
                        else (datetime.date(2004, 1, 1), datetime.date(2019, 12, 31)))
        birth = _birth(rng, region, number, first, final)
        if rng.random() < 0.6:  # registered in the autumn before the window, to pay its first year in time
            registered_on = day_between(rng, datetime.date(window.first_year - 1, 9, 1),
                                        datetime.date(window.first_year - 1, 12, 20))
        else:
            registered_on = day_between(rng, window.start, last)
        if registered_on < birth + datetime.timedelta(days=365):
            registered_on = day_between(rng, min(last, birth + datetime.timedelta(days=365)), last)
    plan = PersonPlan(index, "resident", person_id, _unique_id(rng, birth, sex, taken), name(rng), sex, birth,
                      registered_on, hukou, seed, subkind=subkind)
    if rng.random() < 0.15:
        plan.features.add("hardship")
    if rng.random() < 0.1:
        plan.features.add("address")
    return plan


def _make_sure_of_every_feature(persons: list[PersonPlan]) -> None:
    """A district shows each kind of fact at least once when it has someone it can happen to."""
    by_registration = sorted(persons, key=lambda p: p.registered_on)

    def first(kind: str, fits) -> PersonPlan | None:
        return next((p for p in by_registration if p.kind == kind and fits(p)), None)

    wanted = (("flexible", {"interrupt", "resume", "backpay"}), ("employee", {"transfer"}),
              ("retiree", {"shortfall"}), ("resident", {"hardship"}), ("employee", {"duplicate"}))
    for kind, features in wanted:
        if not any(features <= p.features for p in persons):
            plan = first(kind, lambda p, features=features: not features <= p.features)
            if plan is not None:
                plan.features |= features
    for sex in "FM":
        if not any(p.kind == "employee" and p.sex == sex and "birth" in p.features for p in persons):
            plan = first("employee", lambda p, sex=sex: p.sex == sex)
            if plan is not None:
                plan.features.add("birth")
    if not any("correction" in p.features for p in persons) and persons:
        by_registration[0].features |= {"address", "correction"}


# -- the employers' streams --------------------------------------------------------------------------------

def employer_streams(region: Region, district: District, keep=lambda stream: stream) -> list[Employer]:
    """Each employer's registration, staff changes and yearly base declarations (CON-1), in the order declared;
    `keep` as in bench/lives.py's Life."""
    streams = []
    for employer in district.employers:
        acts: list[tuple[datetime.date, int, str, object]] = [(employer.registered_on, 0, "registered", None)]
        for plan, spell in district.staff.get(employer.code, []):
            acts.append((spell.hired_on, 1, "hired", (plan, spell)))
            if spell.until is not None:
                acts.append((spell.left_on, 1, "left", (plan, spell)))
        declarations: dict[tuple[int, datetime.date], list[PersonPlan]] = {}
        declared: set[tuple[int, uuid.UUID]] = set()  # CON-1: once a year per person, even back on the staff
        for plan, spell in sorted(district.staff.get(employer.code, []), key=lambda row: row[1].hired_on):
            for year in _years_on_staff(spell):
                if (year, plan.person_id) not in declared:
                    declared.add((year, plan.person_id))
                    on = max(datetime.date(year, 1, 10), spell.hired_on)
                    declarations.setdefault((year, on), []).append(plan)
        for (year, on), plans in declarations.items():
            acts.append((on, 2, "declared", (year, plans)))
        acts.sort(key=lambda act: (act[0], act[1]))
        stream = None
        for on, _, what, detail in acts:
            if what == "registered":
                stream = keep(_register_employer(region, employer))
            elif what == "hired":
                _hire(stream, *detail)
            elif what == "left":
                _leave(stream, *detail)
            else:
                _declare(region, stream, employer, on, *detail)
        streams.append(stream)
    return streams


def _years_on_staff(spell: Spell) -> range:
    last = Month(LAST_YEAR, 12) if spell.until is None else spell.until - 1
    return range(spell.first.year, last.year + 1)


def _register_employer(region: Region, employer: EmployerPlan) -> Employer:
    return Employer.register(
        code=employer.code, name=employer.name, unit_type=employer.unit_type, address=employer.address,
        legal_rep=employer.legal_rep, bank_account=None, contact=None, founded=employer.founded,
        insured_from=employer.registered_on,
        late=registration_is_late(region.policy, employer.founded, employer.registered_on),
        on=employer.registered_on, operator=OPERATORS[len(employer.code) % len(OPERATORS)],
        documents=[f"营业执照-{employer.code[-6:]}"])


def _hire(stream: Employer, plan: PersonPlan, spell: Spell) -> None:
    # At registration the form is the declaration, for the registration's month (REG-2); later hires are
    # declared by the 25th of the month before, so they count from the month asked for (CON-9).
    documents = registration_documents(plan) if spell.at_registration else []
    stream.record(StaffHired, person_id=plan.person_id, id_number=plan.id_number, requested_month=spell.first,
                  declared_on=spell.hired_on, month=spell.first, operator=BATCH_OPERATOR, documents=documents)


def _leave(stream: Employer, plan: PersonPlan, spell: Spell) -> None:
    stream.record(StaffLeft, person_id=plan.person_id, id_number=plan.id_number, requested_month=spell.until,
                  declared_on=spell.left_on, month=spell.until, operator=BATCH_OPERATOR, documents=[])


def _declare(region: Region, stream: Employer, employer: EmployerPlan, on: datetime.date, year: int,
             plans: list[PersonPlan]) -> None:
    wages = {plan.person_id.hex: region.declared_wage(plan, year) for plan in plans}
    rows = "".join(f"{plan.id_number},{wages[plan.person_id.hex]}\n" for plan in plans)
    stream.record(BasesDeclared, year=year, wages=wages, id_numbers={p.person_id.hex: p.id_number for p in plans},
                  file_digest=digest(f"id_number,monthly_wage\n{rows}".encode()), on=on, operator=BATCH_OPERATOR,
                  documents=[f"wages-{employer.code[-6:]}-{year}.csv"])


def registration_documents(plan: PersonPlan) -> list[str]:
    if plan.kind in ("employee", "retiree"):
        return [f"入职登记表-{plan.registered_on.year}-{plan.index % 1000:03d}"]
    if plan.subkind == "newborn":
        return [f"birth-certificate:Q{COUNTIES[plan.index % len(COUNTIES)]}-{plan.birth.year}-{plan.index % 1000:03d}"]
    return []
