"""One person's whole history on their stream: the facts the handlers record, with the same fields, in the order
a clerk and the batch jobs would record them, consistent with the rules as the folds read them.

What each handler would check is kept true by construction, not checked: months are assessed only while the
person is on an employer's staff (employees) or as flexible_lumps assesses them (CON-5), every receipt is exactly
what its month owes, unpaid flexible months are cancelled in the January run after their due date, an
interruption is recorded with its unpaid months after it and a resumption only in a year without cancelled
months, back-payments cover unpaid past months at the minimum base (WAIT-6, RET-1), maternity claims are made
only for an employee whose birth month is paid (MAT-1), and the account is never spent beyond what it holds on
the day (ACC-3). tests/test_bench_generate.py checks all of it against the folds.
"""

from __future__ import annotations

import datetime
import heapq
import random
from decimal import ROUND_DOWN, Decimal
from typing import Any

from bench.region import (
    BATCH_OPERATOR,
    CALENDAR,
    CITIES,
    DISTRICTS_NAMES,
    LAST_YEAR,
    District,
    PersonPlan,
    Region,
    registration_documents,
)
from bench.writing import RowStream
from commands.synthetic import OPERATORS
from ledger.benefits.events import (
    AccountSpent,
    PaymentInterrupted,
    PaymentResumed,
    Retired,
    TransferredIn,
)
from ledger.benefits.retirement import minimum_months
from ledger.contributions.assessment import Amounts, back_pay_scheme
from ledger.contributions.events import (
    AssessmentCancelled,
    BaseChosen,
    ContributionAssessed,
    ContributionReceived,
)
from ledger.core.events import EventReversed
from ledger.core.money import FEN, ZERO
from ledger.core.month import Month
from ledger.maternity.events import BenefitPaid, MaternityClaimed
from ledger.maternity.rules import entitlement, merged_month
from ledger.registration.events import PersonChanged, PersonRegistered
from ledger.registration.person import IdNumberIndex, Person
from ledger.resident.events import (
    HardshipEnded,
    HardshipFlagged,
    ResidentContributionPaid,
)
from ledger.resident.rules import amounts as resident_amounts
from ledger.resident.rules import newborn_in_time
from ledger.resident.rules import window as resident_window

D = datetime.date
DAY = datetime.timedelta(days=1)
END = D(LAST_YEAR, 12, 31)
LAST_MONTH = Month(LAST_YEAR, 12)
PROVINCES = ("610100", "620100", "630100", "150100", "410100", "510100", "110105", "310115", "650100", "140100")
FACILITIES = ("银川市兴庆区药房", "宁夏回族自治区人民医院门诊", "银川市第一人民医院门诊", "吴忠市人民医院门诊",
              "固原市人民医院门诊", "中卫市康泰大药房", "石嘴山市第二人民医院门诊", "永宁县望洪镇卫生院")
ADULT_HARDSHIP = ("特困", "重残", "三级残疾", "优抚", "高龄低收入", "建档立卡", "监测对象", "低保")
CHILD_HARDSHIP = ("孤儿", "重残", "低保", "建档立卡")
RECEIPT_FIELDS = ("month", "amount", "received_on", "source", "receipt_id", "documents")
TAX_FILES: dict[tuple[int, int], str] = {}


def days_of(month: Month) -> tuple[datetime.date, datetime.date, str]:
    """A month's first and last day and its text, from the calendar."""
    index = (month.year - 1990) * 12 + month.number - 1
    return CALENDAR.first[index], CALENDAR.last[index], CALENDAR.text[index]


class MonthPaid:
    """What the person's months are, as far as this generator needs to know them."""

    __slots__ = ("scheme", "employer", "base", "total", "credit", "notice", "due_on", "received_on", "back_pay",
                 "cancelled")

    def __init__(self, scheme, employer, base, total, credit, notice, due_on, back_pay):
        self.scheme, self.employer, self.base, self.total, self.credit = scheme, employer, base, total, credit
        self.notice, self.due_on, self.back_pay = notice, due_on, back_pay
        self.received_on: datetime.date | None = None
        self.cancelled = False


class Life:
    def __init__(self, region: Region, district: District, plan: PersonPlan, keep=None):
        """`keep` turns the new Person aggregate into what records the later facts (bench/writing.py's RowStream);
        without it, the aggregate records them (`Stream.record`)."""
        self.region, self.district, self.plan = region, district, plan
        self.keep = keep or (lambda stream: stream)
        self.policy, self.terms = region.policy, region.terms
        self.rng = random.Random(plan.seed)
        self.clerk = self.rng.choice(OPERATORS)
        self.months: dict[Month, MonthPaid] = {}
        self.credits: list[tuple[datetime.date, Decimal]] = []  # a heap: the credits not yet reached by spending
        self.credited = ZERO  # the credits dated by the last spending
        self.usable_from: datetime.date | None = None  # the first paid month's credit: the account is usable
        self.spent = ZERO
        self.last_spent = D.min
        self.transfer: tuple[datetime.date, int] | None = None
        self.flags: dict[str, tuple[datetime.date, datetime.date | None]] = {}
        self.acts: list = []
        self.scheduled = 0
        self.person: Person | None = None
        self.index: IdNumberIndex | None = None
        self.address = self._address()
        self.chosen: Decimal | None = None
        self.at_counter: Any = None  # receipts at the counter, recorded by the person's clerk
        self.from_file: Any = None  # receipts from the tax bureau's monthly file, recorded by the import

    def streams(self) -> list:
        {"employee": employee_life, "retiree": employee_life, "flexible": flexible_life,
         "resident": resident_life}[self.plan.kind](self)
        self.run_acts(D.max)
        return [self.person, self.index]

    # -- acts on a date, recorded in date order between the months ----------------------------------------

    def at(self, on: datetime.date, act, *args) -> None:
        self.scheduled += 1
        heapq.heappush(self.acts, (on, self.scheduled, act, args))

    def run_acts(self, until: datetime.date) -> None:
        while self.acts and self.acts[0][0] <= until:
            on, _, act, args = heapq.heappop(self.acts)
            act(on, *args)

    def common_acts(self) -> None:
        p, rng = self.plan, self.rng
        if "transfer" in p.features:
            balance = (Decimal(rng.randrange(0, 1_500_000)) / 100).quantize(FEN)
            self.at(min(END, p.registered_on + DAY * rng.randrange(5, 60)), self.transfer_in, rng.randrange(6, 121),
                    balance)
        if "address" in p.features:
            on = p.registered_on + DAY * rng.randrange(30, 900)
            if on < D(LAST_YEAR, 12, 20):
                self.at(on, self.change_address, "correction" in p.features)

    # -- the facts ----------------------------------------------------------------------------------------

    def register(self, scheme: str, employer: str | None) -> None:
        p = self.plan
        self.person = self.keep(Person.open(
            PersonRegistered, p.person_id, id_number=p.id_number, name=p.name, sex=p.sex, birth=p.birth,
            scheme=scheme, employer=employer, hukou=p.hukou, phone=f"139{self.rng.randrange(10 ** 8):08d}",
            address=self.address, on=p.registered_on, operator=self.clerk, documents=registration_documents(p)))
        self.index = IdNumberIndex.point(p.id_number, p.person_id)

    def templated(self, event_class: type, varying: tuple[str, ...], **constants: Any) -> Any:
        """Record many facts of a class that share their other fields: RowStream.template, or Stream.record."""
        if isinstance(self.person, RowStream):
            return self.person.template(event_class, varying, **constants)
        record = self.person.record
        return lambda *values: record(event_class, **constants, **dict(zip(varying, values)))

    def assessed(self, template: Any, month: Month, notice: str, due_on: datetime.date, scheme: str,
                 employer: str | None, base: Decimal, total: Decimal, credit: Decimal) -> MonthPaid:
        """An assessment by a template whose varying fields are (month, notice, due_on)."""
        template(month, notice, due_on)
        paid = self.months[month] = MonthPaid(scheme, employer, base, total, credit, notice, due_on, False)
        return paid

    def assess(self, month: Month, scheme: str, employer: str | None, base: Decimal, parts: Amounts, basis: str,
               reference_year: int, notice: str, due_on: datetime.date, credit: Decimal,
               operator: str = BATCH_OPERATOR) -> MonthPaid:
        total = parts.total
        self.person.record(ContributionAssessed, month=month, scheme=scheme, employer=employer, base=base,
                           employer_part=parts.employer_part, personal_part=parts.personal_part, total=total,
                           basis=basis, reference_year=reference_year, notice=notice, due_on=due_on,
                           operator=operator, documents=[])
        paid = self.months[month] = MonthPaid(scheme, employer, base, total, credit, notice, due_on,
                                              basis == "back-pay")
        return paid

    def receive(self, month: Month, on: datetime.date, counter: bool, paid: MonthPaid | None = None) -> None:
        """CON-6: exactly what the month owes; from the tax bureau's monthly file, or at the counter."""
        paid = paid or self.months[month]
        if counter:
            if self.at_counter is None:
                self.at_counter = self.templated(ContributionReceived, RECEIPT_FIELDS, operator=self.clerk)
            self.at_counter(month, paid.total, on, "counter", f"{self.rng.getrandbits(128):032x}", [])
        else:
            if self.from_file is None:
                self.from_file = self.templated(ContributionReceived, RECEIPT_FIELDS, operator=BATCH_OPERATOR)
            source = TAX_FILES.get((on.year, on.month)) or TAX_FILES.setdefault(
                (on.year, on.month), f"tax-receipts-{on.year}-{on.month:02d}.csv")
            # the receipt's id: unique for the person (the tax bureau's file it came from is not kept)
            self.from_file(month, paid.total, on, source, f"{self.rng.getrandbits(128):032x}", [source])
        paid.received_on = on
        if paid.credit:
            credited = max(days_of(month)[0], on)
            heapq.heappush(self.credits, (credited, paid.credit))
            if self.usable_from is None or credited < self.usable_from:
                self.usable_from = credited

    def cancel(self, month: Month, rule: str, on: datetime.date, operator: str = BATCH_OPERATOR) -> None:
        paid = self.months[month]
        self.person.record(AssessmentCancelled, month=month, notice=paid.notice, rule=rule, on=on,
                           operator=operator, documents=[])
        paid.cancelled = True

    def back_pay(self, first: Month, last: Month, on: datetime.date, state_scheme: str) -> datetime.date:
        """WAIT-6, RET-1 (补缴) as the handler records it: each month of the gap at the minimum base in force for
        it, due this month; then paid at the counter. Returns the day the money was received."""
        scheme = back_pay_scheme(state_scheme)
        notice, due_on = f"back-pay {first}..{last} {on}", Month.of(on).last_day
        gap = [first + i for i in range(first.months_until(last) + 1)]
        for month in gap:
            existing = self.months.get(month)
            if existing is not None and not existing.cancelled:
                self.cancel(month, "WAIT-6", on, self.clerk)
            base, parts, reference_year = self.terms.minimum(scheme, month)
            self.assess(month, scheme, None, base, parts, "back-pay", reference_year, notice, due_on, ZERO,
                        self.clerk)
        received = min(END, on + DAY * self.rng.randrange(0, 8))
        for month in gap:
            self.receive(month, received, counter=True)
        return received

    def transfer_in(self, on: datetime.date, months: int, balance: Decimal) -> None:
        """TRF-1, ACC-4: months and a balance from a region outside Ningxia."""
        region = self.rng.choice(PROVINCES)
        self.person.record(TransferredIn, from_region=region, months=months, balance=balance, on=on,
                           operator=self.clerk, documents=[f"参保凭证:{region}-{self.plan.index:06d}"])
        self.transfer = (on, months)
        if balance:
            heapq.heappush(self.credits, (on, balance))

    def change_address(self, on: datetime.date, correction: bool) -> None:
        """REG-3; with `correction`, first a wrong address reversed by another clerk (AUD-2), as in the demo."""
        if correction:
            self.person.record(PersonChanged, changes={"address": self._address(other_than=self.address)},
                               reason="搬家", on=on, operator=self.clerk, documents=[])
            self.person.record(EventReversed, seq=self.person.version,
                               reason="address typed from another person's form", on=on + 2 * DAY,
                               operator=self._other_clerk(), documents=[])
        self.address = self._address(other_than=self.address)  # REG-3: a change to the same value is refused
        self.person.record(PersonChanged, changes={"address": self.address}, reason="搬家", on=on,
                           operator=self.clerk, documents=[])

    def spend(self, on: datetime.date) -> None:
        """ACC-3: at most what the account holds on the day (spending is drawn in date order, and credits only add
        afterwards, so no later day is overdrawn either)."""
        if on < self.last_spent or on > END:
            return
        while self.credits and self.credits[0][0] <= on:
            self.credited += heapq.heappop(self.credits)[1]
        available = self.credited - self.spent
        amount = min((Decimal(self.rng.randrange(1000, 40000)) / 100).quantize(FEN),
                     (available * Decimal("0.8")).quantize(FEN, ROUND_DOWN))
        if amount < 5:
            return
        twice = "duplicate" in self.plan.features and 2 * amount <= available
        for _ in range(2 if twice else 1):
            self.person.record(AccountSpent, amount=amount, facility=self.rng.choice(FACILITIES), on=on,
                               operator=self.clerk, documents=[])
        if twice:  # the counter recorded it twice: the second is reversed (AUD-2)
            self.person.record(EventReversed, seq=self.person.version, reason="recorded twice at the counter",
                               on=on, operator=self._other_clerk(), documents=[])
            self.plan.features.discard("duplicate")
        self.spent += amount
        self.last_spent = on

    def claim(self, on: datetime.date, kind: str, birth: datetime.date) -> None:
        """MAT-1..MAT-5 as the handler records a claim and its payment: only for a birth month paid by `on`,
        the allowance only with the policy's continuous months; the average from the employer's staff."""
        birth_month = Month.of(birth)
        paid = self.months.get(birth_month)
        if paid is None or paid.back_pay or paid.cancelled or paid.received_on is None or paid.received_on > on:
            return
        continuous = self.continuous_months(birth_month, on)
        if kind == "allowance" and continuous < self.policy.integer("maternity_min_continuous_months", birth):
            return
        average = self.district.average_base(self.region, paid.employer, birth)
        claimed = entitlement(self.policy, kind, birth, continuous, average, None, False, [])
        discharge = "discharge-record" if kind == "allowance" else "spouse-discharge-record"
        papers = [f"form:申报表-{birth.year}-{self.plan.index % 1000:03d}", "card:社保卡",
                  f"{discharge}:出院-{birth.year}-{birth.month:02d}{birth.day:02d}"]
        self.person.record(MaternityClaimed, kind=kind, birth=birth, continuous_months=continuous,
                           average_base=average.amount, averaged=str(average), leave_days=claimed.leave_days,
                           elsewhere_unsigned=False, emergency=False, on=on, operator=self.clerk, documents=papers)
        claim_seq = self.person.version
        for payment_kind, amount, period in claimed.payments:
            self.person.record(BenefitPaid, kind=payment_kind, amount=amount, birth=birth, period=period,
                               claim_seq=claim_seq, on=on, operator=self.clerk, documents=papers)

    def continuous_months(self, birth_month: Month, on: datetime.date) -> int:
        """MAT-2 over this generator's months: paid by `on` counting back, employee months only before the merge,
        plus months transferred in when the run reaches back to the arrival."""
        merged = merged_month(self.policy, on)
        count, month = 0, birth_month
        while True:
            paid = self.months.get(month)
            if paid is None or paid.cancelled or paid.received_on is None or paid.received_on > on:
                break
            if month < merged and paid.scheme != "employee":
                break
            count += 1
            month -= 1
        if self.transfer and self.transfer[0] <= on and count and month + 1 <= Month.of(self.transfer[0]) + 1:
            count += self.transfer[1]
        return count

    def flag(self, on: datetime.date, kind: str) -> None:
        """RES-2: a hardship group, confirmed by the civil-affairs bureau of the person's city."""
        self.person.record(HardshipFlagged, kind=kind, body=f"{self.plan.hukou[2:]}市民政局", on=on,
                           operator=self.clerk, documents=[])

    def unflag(self, on: datetime.date, kind: str) -> None:
        self.person.record(HardshipEnded, kind=kind, on=on, operator=self.clerk, documents=[])

    # -- helpers ------------------------------------------------------------------------------------------

    def _address(self, other_than: str | None = None) -> str:
        while True:
            address = f"{self.rng.choice(CITIES)}市{self.rng.choice(DISTRICTS_NAMES)}{self.rng.randrange(1, 400)}号"
            if address != other_than:
                return address

    def _other_clerk(self) -> str:
        return next(o for o in OPERATORS if o != self.clerk)

    def day_in(self, month: Month, first: int = 1, last: int = 28) -> datetime.date:
        """A day of the month between `first` and `last` (at most 28: every month has it)."""
        return datetime.date(month.year, month.number, first + int(self.rng.random() * (last - first + 1)))


# -- employees and retirees -------------------------------------------------------------------------------

def employee_life(life: Life) -> None:
    p, rng, region = life.plan, life.rng, life.region
    life.register("employee", p.spells[0].employer.code)
    life.common_acts()
    retiring = p.retire_month is not None
    if retiring:
        _retiree_transfer(life)
    end = p.retire_month - 1 if retiring else LAST_MONTH
    birth = _birth(life, end)
    late_rate = 0.0 if retiring else 0.02
    spells = p.spells
    for number, spell in enumerate(spells):
        code, year, stable = spell.employer.code, None, True
        months = spell.months(end)
        # the months between two jobs paid back at the employee rates (WAIT-6), once back on a staff
        gap_paid_back = number and spells[number - 1].until < spell.first and rng.random() < 0.35
        for month in months:
            if month.year != year or not stable:  # a year's terms once, unless a rate changes inside it
                year, stable = month.year, life.terms.stable(month.year)
                base, parts, reference_year = region.employee_terms(p, month)
                template = life.templated(
                    ContributionAssessed, ("month", "notice", "due_on"), scheme="employee", employer=code,
                    base=base, employer_part=parts.employer_part, personal_part=parts.personal_part,
                    total=parts.total, basis="declared", reference_year=reference_year, operator=BATCH_OPERATOR,
                    documents=[])
            _, last_day, text = days_of(month)
            paid = life.assessed(template, month, f"{code}/{text}", life.terms.due(month), "employee", code, base,
                                 parts.total, parts.personal_part)
            late = rng.random() < late_rate and month < LAST_MONTH
            received = life.day_in(month + 1, 5, 20) if late else max(life.day_in(month, 5, 25), p.registered_on)
            life.receive(month, received, False, paid)
            if gap_paid_back and month is months[0]:
                life.back_pay(spells[number - 1].until, spell.first - 1, life.day_in(month, 10, 25), "employee")
            if birth is not None and month == Month.of(birth[1]):
                on = max(received, birth[1]) + DAY * rng.randrange(20, 61)
                if on <= END:
                    life.at(on, life.claim, *birth)
            if not late and rng.random() < 0.1:
                life.spend(received + DAY * rng.randrange(0, max(1, (last_day - received).days + 1)))
            life.run_acts(last_day)
    if retiring:
        _retire(life)


def _birth(life: Life, end: Month) -> tuple[str, datetime.date] | None:
    """A child born while the person is on a staff: the mother's allowance or the father's nursing subsidy."""
    p, rng = life.plan, life.rng
    if "birth" not in p.features:
        return None
    first = p.spells[0].first + (12 if p.sex == "F" else 2)
    first = max(first, Month(p.birth.year + 22, 1))
    last = min(end, Month(LAST_YEAR, 10), Month(p.birth.year + 42, 12))
    if first > last:
        return None
    month = first + rng.randrange(first.months_until(last) + 1)
    if not any(spell.covers(month) for spell in p.spells):
        return None
    return ("allowance" if p.sex == "F" else "nursing-subsidy"), life.day_in(month)


def _retiree_transfer(life: Life) -> None:
    """Months from another province (TRF-1): enough for the minimum, or short of it by a few months (RET-1)."""
    p, rng = life.plan, life.rng
    expected = Month.of(p.registered_on).months_until(p.retire_month)
    needed = minimum_months(life.policy, p.sex, p.retire_month.first_day) - expected
    if "shortfall" in p.features:
        months = max(0, needed - rng.randrange(1, 19))
    elif needed > 0:
        months = needed + rng.randrange(0, 49)
    else:
        months = rng.randrange(12, 121) if rng.random() < 0.3 else 0
    if months:
        balance = (Decimal(rng.randrange(0, 2_000_000)) / 100).quantize(FEN)
        life.at(p.registered_on + DAY * rng.randrange(5, 60), life.transfer_in, months, balance)


def _retire(life: Life) -> None:
    """RET-1: the months counted on the day, the minimum, the shortfall back-paid after; then the retired
    account credit each month from benefits' start, and spending from it."""
    p, rng = life.plan, life.rng
    on = p.retire_month.first_day
    life.run_acts(on)
    counted = sum(1 for month, paid in life.months.items() if month <= p.retire_month and not paid.cancelled
                  and paid.received_on is not None and paid.received_on <= on)
    if life.transfer and life.transfer[0] <= on:
        counted += life.transfer[1]
    minimum = minimum_months(life.policy, p.sex, on)
    shortfall = max(0, minimum - counted)
    life.person.record(Retired, on=on, months=counted, minimum=minimum, shortfall=shortfall, operator=life.clerk,
                       documents=[])
    start = p.retire_month + 1 if shortfall == 0 else None
    if shortfall and rng.random() < 0.75:
        registered = Month.of(p.registered_on)
        received = life.back_pay(registered - shortfall, registered - 1,
                                 min(END, on + DAY * rng.randrange(15, 61)), "retired")
        start = Month.of(received) + 1
    if start is None:
        return
    month = start
    while month <= LAST_MONTH:
        heapq.heappush(life.credits, (month.first_day,
                                      life.policy.decimal("retired_account_credit", month.first_day)))
        month += 1
    month = start
    while month <= LAST_MONTH:
        if rng.random() < 0.15:
            life.spend(life.day_in(month))
        life.run_acts(month.last_day)
        month += 1


# -- flexible workers -------------------------------------------------------------------------------------

def flexible_life(life: Life) -> None:
    p = life.plan
    life.register("flexible", None)
    life.common_acts()
    start, enrolled = Month.of(p.registered_on), p.registered_on
    if "chosen" in p.features:
        floor = life.terms.minimum("flexible", start)[0]
        life.chosen = (floor * Decimal(life.rng.choice(("1.2", "1.5", "2")))).quantize(Decimal(1)).quantize(FEN)
        life.person.record(BaseChosen, month=start, base=life.chosen, operator=life.clerk, documents=[])
    gap = None
    while start is not None:
        start, enrolled, gap = _flexible_period(life, start, enrolled, gap)


def _lump(life: Life, first: Month, last: Month, due_on: datetime.date) -> None:
    """CON-5: one notice for the months first..last, at the minimum or the chosen base."""
    notice = f"{life.plan.id_number}/{first}..{last}"
    terms, template = None, None
    for month in CALENDAR.span(first, last):
        if life.chosen is None:
            (base, parts, reference_year), basis = life.terms.minimum("flexible", month), "minimum"
        else:
            (base, parts, reference_year), basis = life.terms.chosen(month, life.chosen), "chosen"
        if terms != (base, parts, reference_year):  # the same terms for the lump's months, unless policy changes
            terms = (base, parts, reference_year)
            template = life.templated(
                ContributionAssessed, ("month",), scheme="flexible", employer=None, base=base,
                employer_part=parts.employer_part, personal_part=parts.personal_part, total=parts.total,
                basis=basis, reference_year=reference_year, notice=notice, due_on=due_on, operator=BATCH_OPERATOR,
                documents=[])
        template(month)
        life.months[month] = MonthPaid("flexible", None, base, parts.total, life.terms.account_share(month, base),
                                       notice, due_on, False)


def _cancel_unpaid(life: Life, on: datetime.date) -> None:
    """CON-5, the January run: flexible months still unpaid after their due date no longer stand."""
    if on > END:
        return
    # Lumps fall due by the end of their year or the year before, and every January runs: older months are settled.
    for month in CALENDAR.span(Month(on.year - 2, 1), Month(on.year, 12)):
        paid = life.months.get(month)
        if paid is not None and not paid.cancelled and paid.received_on is None and paid.scheme == "flexible" \
                and paid.due_on < on:
            life.cancel(month, "CON-5", on)


def _flexible_period(life: Life, start: Month, enrolled: datetime.date, gap: Month | None):
    """From an enrolment (or a resumption) to the end, or to the next resumption: returns (start, enrolled, gap)
    of the next period, or Nones."""
    p, rng = life.plan, life.rng
    year = start.year
    _lump(life, start, Month(year, 12), D(year, 12, 31))
    stopped = None
    if "monthly" in p.features:
        stop = None
        if rng.random() < 0.15 and start < Month(year, 10):
            stop = start + 1 + rng.randrange(start.months_until(Month(year, 10)))
        month = start
        while month <= Month(year, 12):
            if month == stop:
                stopped = month
                life.person.record(PaymentInterrupted, month=month, operator=life.clerk, documents=[])
                break
            life.receive(month, max(enrolled, life.day_in(month, 5, 25)), counter=True)
            month += 1
    else:
        paid_on = min(D(year, 12, 31), enrolled + DAY * rng.randrange(1, 21))
        for i in range(start.months_until(Month(year, 12)) + 1):
            life.receive(start + i, paid_on, counter=True)
    if gap is not None:  # the months of the interruption paid back (WAIT-6), at most two years of them
        life.back_pay(max(gap, start - 24), start - 1, min(D(year, 12, 31), enrolled + DAY * rng.randrange(25, 46)),
                      "flexible")
    while stopped is None:
        _spend_in_year(life, year)
        life.run_acts(D(year, 10, 31))
        following = year + 1
        # Q4 (CON-5): next year assessed at once, due by 31 December
        _lump(life, Month(following, 1), Month(following, 12), D(year, 12, 31))
        paid_on = min(D(year, 12, 31), max(enrolled + DAY, D(year, 11, 1) + DAY * rng.randrange(0, 58)))
        if following > LAST_YEAR:
            if rng.random() < 0.85:
                for number in range(1, 13):
                    life.receive(Month(following, number), paid_on, counter=True)
            life.run_acts(END)
            return None, None, None
        if "interrupt" in p.features and following < LAST_YEAR:
            paid = 0
            p.features.discard("interrupt")
        else:
            paid = rng.choices((12, rng.randrange(1, 11), 0), weights=(85, 5, 10))[0]
        for number in range(1, paid + 1):
            life.receive(Month(following, number), paid_on, counter=True)
        life.run_acts(D(year, 12, 31))
        _cancel_unpaid(life, D(following, 1, 1))
        year = following
        if paid < 12:
            stopped = Month(year, paid + 1)
            life.person.record(PaymentInterrupted, month=stopped, operator=life.clerk, documents=[])
    # Interrupted from `stopped` (WAIT-4): the January run cancels what stays unpaid; perhaps a resumption later.
    _spend_in_year(life, year)
    life.run_acts(D(year, 12, 31))
    _cancel_unpaid(life, D(year + 1, 1, 1))
    # WAIT-5 in a year with no cancelled month: flexible_lumps does not assess the next year after a resumption
    # in a year where months were cancelled (see the report).
    cancelled = max([stopped.year] + [m.year for m, paid in life.months.items() if paid.cancelled])
    resumed_year = cancelled + (1 if "resume" in p.features or rng.random() < 0.6 else 2)
    if resumed_year > LAST_YEAR or not ("resume" in p.features or rng.random() < 0.5):
        return None, None, None
    resumed = life.day_in(Month(resumed_year, rng.randrange(2, 12)))
    life.run_acts(resumed)
    life.person.record(PaymentResumed, on=resumed, operator=life.clerk, documents=[])
    backpay = "backpay" in p.features or rng.random() < 0.5
    return Month.of(resumed), resumed, stopped if backpay else None


def _spend_in_year(life: Life, year: int) -> None:
    """ACC-3: a flexible account is usable once a month was paid, interrupted or not (WAIT-4)."""
    rng = life.rng
    if life.usable_from is None or rng.random() < 0.5:
        return
    first = max(D(year, 1, 1), life.usable_from)
    if first > D(year, 12, 31):
        return
    span = (D(year, 12, 31) - first).days
    for offset in sorted(rng.randrange(span + 1) for _ in range(rng.randrange(1, 3))):
        life.run_acts(first + DAY * offset)
        life.spend(first + DAY * offset)


# -- residents --------------------------------------------------------------------------------------------

def resident_life(life: Life) -> None:
    """RES-1..RES-3, WAIT-8: registered by hukou (a newborn with the birth certificate), paying each year in the
    autumn window; some lapse a year, some pay 2025 late (allowed from 2025, RES-7), some are in a hardship group
    whose share medical assistance pays (RES-2)."""
    p, rng, policy = life.plan, life.rng, life.policy
    life.register("resident", None)
    if "address" in p.features:
        life.common_acts()
    if "hardship" in p.features:
        kinds = CHILD_HARDSHIP if p.subkind != "adult" else ADULT_HARDSHIP + (("离休干部遗孀",) if p.sex == "F" else ())
        kind = rng.choice(kinds)
        flagged = min(END, p.registered_on + DAY * rng.randrange(1, 700))
        ended = flagged + DAY * rng.randrange(180, 900) if rng.random() < 0.3 else None
        ended = ended if ended is not None and ended <= END else None
        life.flags[kind] = (flagged, ended)
        life.at(flagged, life.flag, kind)
        if ended is not None:
            life.at(ended, life.unflag, kind)
    paid_years: set[int] = set()
    if p.subkind == "newborn" and newborn_in_time(policy, p.birth, p.registered_on):
        _pay_resident(life, p.registered_on.year, p.registered_on, newborn=True, in_window=False)
        paid_years.add(p.registered_on.year)
    for year in range(p.registered_on.year + 1, LAST_YEAR + 2):
        opens, closes = resident_window(policy, year)
        if closes <= p.registered_on or year in paid_years:
            continue
        in_window = rng.random() > (0.05 if year == LAST_YEAR else 0)
        if year == LAST_YEAR and paid_years and LAST_YEAR - 1 not in paid_years:
            # After a lapsed 2024, a 2025 payment in the window would need RES-7's wait, whose parameter is in force
            # only from 2025 (see the report): such a resident pays late, in 2025, or not at all.
            in_window = False
        if rng.random() < 0.07 or (not in_window and rng.random() < 0.4):
            continue
        first, last = (max(opens, p.registered_on + DAY), closes) if in_window else \
            (max(D(LAST_YEAR, 1, 2), p.registered_on + DAY), D(LAST_YEAR, 6, 30))
        if first > last:
            continue
        on = _day_between(rng, first, last)
        _pay_resident(life, year, on, newborn=False, in_window=in_window)
        paid_years.add(year)


def _pay_resident(life: Life, year: int, on: datetime.date, newborn: bool, in_window: bool) -> None:
    life.run_acts(on)
    flags = {kind for kind, (flagged, ended) in life.flags.items() if flagged <= on and (ended is None or ended > on)}
    total, personal, fiscal, assistance = resident_amounts(life.policy, year, flags)
    life.person.record(ResidentContributionPaid, year=year, total=total, personal_part=personal,
                       fiscal_subsidy=fiscal, assistance_subsidy=assistance, newborn=newborn, in_window=in_window,
                       back_paid=False, on=on, operator=life.clerk, documents=[])


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + DAY * rng.randrange((last - first).days + 1)
